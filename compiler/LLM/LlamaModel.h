//===- LlamaModel.h - Born graphs for GGUF llama models ---------*- C++ -*-===//
//
// Turns a GGUF file of architecture `llama`, `qwen2` (Q/K/V biases, NeoX
// RoPE), `qwen3` (per-head Q/K norms), `gemma2`/`gemma3` (scaled embeddings,
// post-norms, GeGLU, softcapping, sliding-window layers) or `phi3` (fused
// QKV and gate/up) into born graphs and a text-generating executable
// (docs/llm.md):
//
//   step(tokens[T], pos[1], (last[1]), k_cache_0, v_cache_0, k_cache_1, ...)
//       -> logits[1, vocab], k_new_0, v_new_0, k_new_1, ...
//
// runs T tokens at positions pos..pos+T-1 through the model: token embedding,
// per layer RMSNorm, RoPE (llama's layout: adjacent pairs rotate), grouped-
// query attention over the KV cache with a causal mask, SwiGLU feed-forward;
// final RMSNorm and the output head (token_embd when `output.weight` is
// absent) on row `last` (row 0 when T = 1). The prefill graph has T = the
// prefill chunk, the decode graph T = 1.
//
// KV cache: per layer, f32 keys [kv_heads, head_dim, context] (transposed,
// so that attention scores are a plain matmul) and values [kv_heads,
// context, head_dim], inputs of both graphs, which read slots before pos and
// never write them. This call's keys [kv_heads, head_dim, T] and values
// [kv_heads, T, head_dim] are outputs: the generation loop owns the cache
// and writes them into slots pos..pos+T-1 after the call, so that no step
// copies the cache. The context is fixed at compile time (static shapes);
// attention covers the whole cache and masks slots from pos on.
//
//===----------------------------------------------------------------------===//
#ifndef BORN_COMPILER_LLM_LLAMAMODEL_H
#define BORN_COMPILER_LLM_LLAMAMODEL_H

#include "compiler/API/Graph.h"
#include "compiler/Driver/Phase.h"
#include "compiler/GGUF/GGUF.h"

#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace born::llm {

/// The hyperparameters of a llama-like model, from the GGUF metadata. Keys
/// are prefixed with the architecture (ARCH.embedding_length, ...).
struct LlamaConfig {
  std::string arch = "llama"; // general.architecture: llama, qwen2, qwen3,
                              // gemma2, gemma3 or phi3
  bool neoxRope = false;      // rotate (x[i], x[i + d/2]) pairs (all but llama)
  bool qkvBias = false;       // attn_{q,k,v}.bias (qwen2; others if present)
  bool qkNorm = false;        // per-head RMSNorm of Q and K before RoPE
                              // (attn_q_norm, attn_k_norm: qwen3, gemma3)
  bool gemma = false;         // embeddings scaled by sqrt(D), post-attention
                              // and post-FFN norms, GeGLU (gemma2, gemma3)
  bool fusedQKV = false;      // attn_qkv.weight holds Q, K and V rows (phi3)
  bool fusedGateUp = false;   // ffn_up.weight holds gate, then up rows (phi3)
  int64_t vocabSize = 0;      // rows of token_embd.weight
  int64_t embeddingSize = 0;  // ARCH.embedding_length
  int64_t layers = 0;         // ARCH.block_count
  int64_t heads = 0;          // ARCH.attention.head_count
  int64_t kvHeads = 0;        // ARCH.attention.head_count_kv (default: heads)
  int64_t headSize = 0;       // ARCH.attention.key_length (= value_length;
                              // default embeddingSize / heads)
  int64_t ffnSize = 0;        // ARCH.feed_forward_length
  int64_t ropeDims = 0;       // ARCH.rope.dimension_count (default: headSize)
  double ropeBase = 10000.0;  // ARCH.rope.freq_base
  double ropeScale = 1.0;     // linear RoPE scaling: positions times this,
                              // 1 / ARCH.rope.scaling.factor
  // rope_freqs.weight (Llama 3.1's scaling): pair i's angle divided by
  // ropeFreqFactors[i]; empty: none.
  std::vector<float> ropeFreqFactors;
  // Phi-3's longrope: rope_factors_long.weight for contexts longer than
  // ropeOriginalContext, rope_factors_short.weight otherwise (as llama.cpp
  // chooses); empty: none.
  std::vector<float> ropeLongFactors, ropeShortFactors;
  int64_t ropeOriginalContext = 0;
  // ARCH.rope.scaling.attn_factor: cos and sin (so queries and keys) times
  // this.
  float ropeAttnFactor = 1.0f;
  // ARCH.rope.scaling.type yarn: ggml's YaRN blend of interpolated and
  // extrapolated angles, from ropeOriginalContext
  // (rope.scaling.original_context_length, default context_length).
  bool ropeYarn = false;
  /// The frequency factors for a context of `context` positions.
  const std::vector<float> &ropeFactorsFor(int64_t context) const {
    if (!ropeFreqFactors.empty() || ropeLongFactors.empty())
      return ropeFreqFactors;
    return context > ropeOriginalContext ? ropeLongFactors : ropeShortFactors;
  }
  double rmsEpsilon = 1e-5;   // ARCH.attention.layer_norm_rms_epsilon
  int64_t trainContext = 0;   // ARCH.context_length
  bool tiedOutput = false;    // no output.weight: the head is token_embd
  double queryScale = 0;      // multiplies the scores (1 / sqrt(headSize))
  double attnSoftcap = 0;     // scores -> cap * tanh(scores / cap); 0: none
  double finalSoftcap = 0;    // the same on the logits (gemma2)
  // Sliding-window attention (gemma): a sliding layer's query at position p
  // sees keys at positions > p - slidingWindow; layer l slides when
  // l % slidingPattern < slidingPattern - 1 (pattern 0: every layer), and
  // rotates with base ropeBaseSwa and scale ropeScaleSwa.
  int64_t slidingWindow = 0; // ARCH.attention.sliding_window; 0: none
  int64_t slidingPattern = 0; // ARCH.attention.sliding_window_pattern
  double ropeBaseSwa = 10000.0; // ARCH.rope.freq_base_swa
  double ropeScaleSwa = 1.0;

  bool sliding(int64_t layer) const {
    return slidingWindow > 0 &&
           (slidingPattern == 0 ||
            layer % slidingPattern < slidingPattern - 1);
  }
};

/// Reads and checks the hyperparameters and every tensor's shape and type;
/// errors name the file and the key or tensor at fault.
llvm::Expected<LlamaConfig> readLlamaConfig(const GGUFFile &file);

/// Builds the step function described above into `graph` (empty), for a
/// cache of `context` positions and `tokens` tokens per call. Params are named
/// as the GGUF tensors, plus RoPE tables for `ropeLength` positions (0: the
/// context), so that steps with smaller caches share the tables of the
/// largest.
llvm::Error buildLlamaStep(Graph &graph, const GGUFFile &file,
                           const LlamaConfig &config, int64_t tokens,
                           int64_t context, int64_t ropeLength = 0);

/// The weights of `graph`'s params: the GGUF tensors (borrowed from the
/// file's mapping, which must outlive `weights`) and the RoPE angle tables.
llvm::Error loadLlamaWeights(const GGUFFile &file, const LlamaConfig &config,
                             const Graph &graph, Weights &weights);

struct LlamaCompileOptions {
  /// KV cache positions; 0 = min(llama.context_length, 2048).
  int64_t context = 0;
  /// Prompt tokens per prefill call.
  int64_t prefillChunk = 64;
  /// LLVM CPU name; empty = the host CPU.
  std::string cpu;
  /// Also compile Vulkan kernels (`--device vulkan` at run time).
  bool vulkan = false;
  bool verbose = false; // each step's phase timings
  bool quiet = false;   // not even where the weights come from
  /// Embed the weights in the executable instead of reading the GGUF file
  /// (its absolute path is recorded; `-m` overrides it) at run time.
  bool embedWeights = false;
  /// Instead of an executable, write both steps' IR (prefill, then decode)
  /// after this phase to the output path ("-": stdout).
  std::optional<Phase> compileTo;
};

/// `bornc model.gguf -o chat`: compiles prefill and the decode steps (one
/// per cache size) for the CPU and links them with the vocabulary and the
/// generation loop (born_llm_main in the runtime) into an executable. The
/// weights are embedded once: decode models have none of their own and
/// borrow the prefill's blob.
llvm::Error compileLlamaExecutable(llvm::StringRef ggufPath,
                                   llvm::StringRef outputPath,
                                   const LlamaCompileOptions &options);

} // namespace born::llm

#endif // BORN_COMPILER_LLM_LLAMAMODEL_H
