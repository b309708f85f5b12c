// gguf_variant IN OUT [options]: copies a llama GGUF file with changes, so
// that tests and benchmarks can run the same model in other forms:
//   --type TYPE   every 2-D F32 tensor whose rows are whole blocks of TYPE
//                 re-encoded as TYPE (f16, bf16, q8_0, q4_0, q4_K, ...), or
//                 as llama.cpp's fallback for a K-quant (q4_K: q5_0, ...);
//   --arch qwen2  the metadata renamed to architecture qwen2 (llama.* keys
//                 become qwen2.*) and Q/K/V biases added (small values from
//                 a fixed formula), which llama.cpp then runs with NeoX RoPE;
//   --dequantize 1  every quantized tensor written as the F32 values it
//                 decodes to (compiler/GGUF/Quants.h), so that a reference
//                 can run exactly the weights a quantized model holds;
//   --synthetic vocab=V,dim=D,layers=L,heads=H,kv=KV,ffn=F[,tied=1]
//               [,arch=A][,head=K][,swa=W][,pattern=P]
//                 a model of these shapes with random weights instead of
//                 IN's (IN's tokenizer, its token list cut or extended to V
//                 with filler pieces); --seed S picks the weights. arch is
//                 llama (default), qwen3 (Q/K norms), gemma2, gemma3 (tied
//                 head, post-norms, softcaps or Q/K norms, sliding window W,
//                 default 8, every P-th layer global) or phi3 (fused QKV and
//                 gate/up); head sets attention.key_length (default D / H);
//                 defaults=1 leaves out gemma2's window and softcaps, so
//                 that readers take their defaults; scale=S sets linear RoPE
//                 scaling by S; freqs=1 adds rope_freqs.weight (Llama 3.1's
//                 per-pair frequency factors, rising from 1 to 8);
//                 longrope=N adds Phi-3's long context RoPE: factors
//                 rope_factors_long.weight (1 to 8) and
//                 rope_factors_short.weight (1 to 2), original context
//                 length N (the long ones apply to longer contexts) and
//                 rope.scaling.attn_factor 1.2; yarn=F sets YaRN RoPE
//                 scaling by F (original context: context_length, 4096);
//   --chat-template TEXT  tokenizer.chat_template set to TEXT.
#include "compiler/GGUF/GGUF.h"
#include "compiler/GGUF/GGUFWriter.h"
#include "compiler/GGUF/Quants.h"

#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace born;

namespace {

struct Synthetic {
  uint64_t vocab = 0, dim = 0, layers = 0, heads = 0, kv = 0, ffn = 0;
  uint64_t head = 0, swa = 8, pattern = 0; // 0: the default
  uint64_t defaults = 0, scale = 0, freqs = 0, longrope = 0, yarn = 0;
  bool tied = false;
  std::string arch = "llama";
  bool gemma() const { return arch == "gemma2" || arch == "gemma3"; }
  bool qkNorm() const { return arch == "qwen3" || arch == "gemma3"; }
  uint64_t headSize() const { return head ? head : dim / heads; }
};

/// Parses "vocab=V,dim=D,...": every shape must be given and positive.
bool parseSynthetic(llvm::StringRef spec, Synthetic &out, std::string &error) {
  std::map<std::string, uint64_t *> fields = {
      {"vocab", &out.vocab}, {"dim", &out.dim},     {"layers", &out.layers},
      {"heads", &out.heads}, {"kv", &out.kv},       {"ffn", &out.ffn},
      {"head", &out.head},   {"swa", &out.swa},     {"pattern", &out.pattern},
      {"defaults", &out.defaults}, {"scale", &out.scale},
      {"freqs", &out.freqs}, {"longrope", &out.longrope},
      {"yarn", &out.yarn}};
  uint64_t tied = 0;
  fields["tied"] = &tied;
  llvm::SmallVector<llvm::StringRef> items;
  spec.split(items, ',');
  for (llvm::StringRef item : items) {
    auto [key, value] = item.split('=');
    if (key == "arch") {
      out.arch = value.str();
      if (out.arch != "llama" && out.arch != "qwen3" && !out.gemma() &&
          out.arch != "phi3") {
        error = "--synthetic: unknown arch '" + out.arch + "'";
        return false;
      }
      continue;
    }
    auto it = fields.find(key.str());
    if (it == fields.end() || value.getAsInteger(10, *it->second)) {
      error = "bad --synthetic item '" + item.str() + "'";
      return false;
    }
  }
  for (const char *key : {"vocab", "dim", "layers", "heads", "kv", "ffn"})
    if (*fields[key] == 0) {
      error = std::string("--synthetic needs ") + key + "=N";
      return false;
    }
  if ((!out.head && out.dim % out.heads) || out.heads % out.kv) {
    error = "--synthetic: dim must be a multiple of heads, heads of kv";
    return false;
  }
  // llama.cpp ties gemma2's head to the embedding whatever the file holds.
  out.tied = tied != 0 || out.arch == "gemma2";
  return true;
}

/// The [rows, cols] (GGUF dims {cols, rows}) tensors of a synthetic llama
/// model, in llama.cpp's order.
std::vector<std::pair<std::string, std::vector<uint64_t>>>
syntheticTensors(const Synthetic &m) {
  uint64_t head = m.headSize(), qDim = m.heads * head, kvDim = m.kv * head;
  std::vector<std::pair<std::string, std::vector<uint64_t>>> t = {
      {"token_embd.weight", {m.dim, m.vocab}},
      {"output_norm.weight", {m.dim}}};
  if (!m.tied)
    t.push_back({"output.weight", {m.dim, m.vocab}});
  for (uint64_t l = 0; l < m.layers; ++l) {
    std::string b = "blk." + std::to_string(l) + ".";
    t.push_back({b + "attn_norm.weight", {m.dim}});
    if (m.arch == "phi3") {
      t.push_back({b + "attn_qkv.weight", {m.dim, qDim + 2 * kvDim}});
    } else {
      t.push_back({b + "attn_q.weight", {m.dim, qDim}});
      t.push_back({b + "attn_k.weight", {m.dim, kvDim}});
      t.push_back({b + "attn_v.weight", {m.dim, kvDim}});
    }
    if (m.qkNorm()) {
      t.push_back({b + "attn_q_norm.weight", {head}});
      t.push_back({b + "attn_k_norm.weight", {head}});
    }
    t.push_back({b + "attn_output.weight", {qDim, m.dim}});
    if (m.gemma())
      t.push_back({b + "post_attention_norm.weight", {m.dim}});
    t.push_back({b + "ffn_norm.weight", {m.dim}});
    if (m.arch == "phi3") {
      t.push_back({b + "ffn_up.weight", {m.dim, 2 * m.ffn}});
    } else {
      t.push_back({b + "ffn_gate.weight", {m.dim, m.ffn}});
      t.push_back({b + "ffn_up.weight", {m.dim, m.ffn}});
    }
    t.push_back({b + "ffn_down.weight", {m.ffn, m.dim}});
    if (m.gemma())
      t.push_back({b + "post_ffw_norm.weight", {m.dim}});
  }
  return t;
}

} // namespace

int main(int argc, char **argv) {
  auto fail = [](const std::string &message) {
    std::fprintf(stderr, "gguf_variant: %s\n", message.c_str());
    return 1;
  };
  if (argc < 3 || argc % 2 == 0)
    return fail("usage: gguf_variant IN OUT [--type TYPE] [--arch qwen2] "
                "[--dequantize 1] [--chat-template TEXT] "
                "[--synthetic vocab=V,dim=D,layers=L,heads=H,kv=KV,ffn=F"
                "[,tied=1]] [--seed S]");
  std::optional<GGMLType> type;
  std::optional<std::string> chatTemplate;
  bool qwen2 = false, dequantizeAll = false;
  std::optional<Synthetic> synthetic;
  uint64_t seed = 1;
  for (int i = 3; i + 1 < argc; i += 2) {
    std::string option = argv[i], value = argv[i + 1];
    if (option == "--type") {
      for (uint32_t id = 0; id < 64 && !type; ++id)
        if (std::optional<GGMLTypeTraits> traits = ggmlTypeTraits(id))
          if (traits->name.equals_insensitive(value))
            type = traits->type;
      if (!type)
        return fail("unknown type " + value);
    } else if (option == "--arch" && value == "qwen2") {
      qwen2 = true;
    } else if (option == "--dequantize" && value == "1") {
      dequantizeAll = true;
    } else if (option == "--synthetic") {
      std::string error;
      synthetic.emplace();
      if (!parseSynthetic(value, *synthetic, error))
        return fail(error);
    } else if (option == "--seed" &&
               !llvm::StringRef(value).getAsInteger(10, seed)) {
    } else if (option == "--chat-template") {
      chatTemplate = value;
    } else {
      return fail("unknown option " + option + " " + value);
    }
  }
  llvm::Expected<GGUFFile> file = GGUFFile::open(argv[1]);
  if (!file)
    return fail(llvm::toString(file.takeError()));
  GGUFWriter writer;
  std::string arch = qwen2 ? "qwen2" : synthetic ? synthetic->arch : "llama";
  // IN's llama.* keys are renamed for --arch qwen2 and --synthetic arch=;
  // other files keep their own architecture.
  bool rename = qwen2 || synthetic;
  for (const auto &[key, value] : file->metadata().entries()) {
    llvm::Error err = llvm::Error::success();
    if (rename && key == "general.architecture")
      err = writer.set(key, GGUFValue::ofString(arch));
    else if (rename && key.starts_with("llama."))
      err = writer.set((arch + "." + key.drop_front(6)).str(), value);
    else
      err = writer.set(key, value);
    if (err)
      return fail(llvm::toString(std::move(err)));
  }
  if (chatTemplate)
    if (llvm::Error err = writer.set("tokenizer.chat_template",
                                     GGUFValue::ofString(*chatTemplate)))
      return fail(llvm::toString(std::move(err)));

  // 2-D F32 values go out as --type when their rows are whole blocks; rows
  // that are not whole K-quant blocks of 256 take llama.cpp's fallback
  // (llama_tensor_get_type), and stay F32 when not even 32 divides them.
  auto add = [&](llvm::StringRef name, llvm::ArrayRef<uint64_t> dims,
                 llvm::ArrayRef<float> values) {
    GGMLType out = GGMLType::F32;
    auto fits = [&](GGMLType t) {
      return dims[0] % ggmlTypeTraits(uint32_t(t))->blockSize == 0;
    };
    if (type && dims.size() == 2) {
      GGMLType fallback = GGMLType::F32;
      switch (*type) {
      case GGMLType::Q2_K:
      case GGMLType::Q3_K:
        fallback = GGMLType::Q4_0;
        break;
      case GGMLType::Q4_K:
        fallback = GGMLType::Q5_0;
        break;
      case GGMLType::Q5_K:
        fallback = GGMLType::Q5_1;
        break;
      case GGMLType::Q6_K:
        fallback = GGMLType::Q8_0;
        break;
      default:
        break;
      }
      if (fits(*type))
        out = *type;
      else if (fallback != GGMLType::F32 && fits(fallback))
        out = fallback;
    }
    return writer.addTensorFromFloats(name, dims, out, values);
  };
  auto addBiases = [&](llvm::StringRef name, uint64_t size) -> llvm::Error {
    for (const char *projection : {"attn_q", "attn_k", "attn_v"}) {
      if (!qwen2 || !name.ends_with(std::string(projection) + ".weight"))
        continue;
      std::vector<float> bias(size);
      for (size_t i = 0; i < bias.size(); ++i)
        bias[i] = 0.1f * std::sin(0.7f * float(i) + float(name.size()));
      std::string biasName = name.drop_back(strlen("weight")).str() + "bias";
      if (llvm::Error e = writer.addTensorFromFloats(
              biasName, {uint64_t(bias.size())}, GGMLType::F32, bias))
        return e;
    }
    return llvm::Error::success();
  };

  if (synthetic) {
    const Synthetic &m = *synthetic;
    auto setUInt = [&](const std::string &key, uint64_t v) {
      return writer.set(arch + "." + key,
                        GGUFValue::ofUnsigned(GGUFValueType::UInt32, v));
    };
    for (auto [key, v] :
         {std::pair<const char *, uint64_t>{"embedding_length", m.dim},
          {"block_count", m.layers},
          {"attention.head_count", m.heads},
          {"attention.head_count_kv", m.kv},
          {"feed_forward_length", m.ffn},
          {"rope.dimension_count", m.headSize()},
          {"context_length", 4096}})
      if (llvm::Error e = setUInt(key, v))
        return fail(llvm::toString(std::move(e)));
    // What the new architectures' files carry (llama.cpp requires the
    // epsilon for them). Values that make each feature matter in a small
    // model: a short sliding window, softcaps the scores reach.
    std::vector<std::pair<std::string, GGUFValue>> extra;
    auto f32 = [](double v) {
      return GGUFValue::ofFloat(GGUFValueType::Float32, v);
    };
    auto u32 = [](uint64_t v) {
      return GGUFValue::ofUnsigned(GGUFValueType::UInt32, v);
    };
    if (m.arch != "llama")
      extra.push_back({"attention.layer_norm_rms_epsilon", f32(1e-6)});
    if (m.head) {
      extra.push_back({"attention.key_length", u32(m.head)});
      extra.push_back({"attention.value_length", u32(m.head)});
    }
    if (m.arch == "qwen3" || m.arch == "gemma3")
      extra.push_back({"rope.freq_base", f32(1000000.0)});
    if (m.scale) {
      extra.push_back({"rope.scaling.type", GGUFValue::ofString("linear")});
      extra.push_back({"rope.scaling.factor", f32(double(m.scale))});
    }
    if (m.yarn) {
      extra.push_back({"rope.scaling.type", GGUFValue::ofString("yarn")});
      extra.push_back({"rope.scaling.factor", f32(double(m.yarn))});
    }
    if (m.longrope) {
      extra.push_back({"rope.scaling.attn_factor", f32(1.2)});
      extra.push_back(
          {"rope.scaling.original_context_length", u32(m.longrope)});
    }
    if (m.gemma() && !m.defaults)
      extra.push_back({"attention.sliding_window", u32(m.swa)});
    if (m.pattern)
      extra.push_back({"attention.sliding_window_pattern", u32(m.pattern)});
    if (m.arch == "gemma2" && !m.defaults) {
      extra.push_back({"attn_logit_softcapping", f32(5.0)});
      extra.push_back({"final_logit_softcapping", f32(3.0)});
    }
    for (auto &[key, value] : extra)
      if (llvm::Error e = writer.set(arch + "." + key, value))
        return fail(llvm::toString(std::move(e)));
    // The token list cut or extended with filler pieces (scores below every
    // real piece's, so the tokenizer never prefers them).
    std::deque<std::string> filler; // stable: the values point into it
    for (const char *key : {"tokenizer.ggml.tokens", "tokenizer.ggml.scores",
                            "tokenizer.ggml.token_type"}) {
      llvm::Expected<const GGUFValue *> array = file->metadata().getArray(key);
      if (!array)
        return fail(llvm::toString(array.takeError()));
      std::vector<GGUFValue> elements = (*array)->elements;
      for (uint64_t i = elements.size(); i < m.vocab; ++i) {
        GGUFValueType et = (*array)->elementType;
        if (et == GGUFValueType::String) {
          filler.push_back("\xe2\x96\x81x" + std::to_string(i));
          elements.push_back(GGUFValue::ofString(filler.back()));
        } else if (et == GGUFValueType::Float32) {
          elements.push_back(GGUFValue::ofFloat(et, -1e4 - double(i)));
        } else {
          elements.push_back(GGUFValue::ofSigned(et, 1)); // normal
        }
      }
      elements.resize(m.vocab);
      if (llvm::Error e =
              writer.set(key, GGUFValue::ofArray((*array)->elementType,
                                                 std::move(elements))))
        return fail(llvm::toString(std::move(e)));
    }
    // Weights of unit-scale outputs: matrices N(0, 1 / in), norms near 1.
    std::mt19937_64 rng(seed);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (const auto &[name, dims] : syntheticTensors(m)) {
      uint64_t count = dims.size() == 2 ? dims[0] * dims[1] : dims[0];
      std::vector<float> values(count);
      float scale = dims.size() == 2 && name != "token_embd.weight"
                        ? 1.0f / std::sqrt(float(dims[0]))
                        : 0.1f;
      for (float &v : values)
        v = (dims.size() == 1 ? 1.0f : 0.0f) + scale * normal(rng);
      if (llvm::Error e = add(name, dims, values))
        return fail(llvm::toString(std::move(e)));
      if (llvm::Error e = addBiases(name, dims.size() == 2 ? dims[1] : 0))
        return fail(llvm::toString(std::move(e)));
    }
    // Per-pair RoPE frequency factors rising from 1 to `top`.
    auto addFactors = [&](const char *name, float top) {
      uint64_t pairs = m.headSize() / 2;
      std::vector<float> factors(pairs);
      for (uint64_t i = 0; i < pairs; ++i) {
        float t = pairs > 1 ? float(i) / float(pairs - 1) : 0.0f;
        factors[i] = 1.0f + (top - 1.0f) * t * t;
      }
      return writer.addTensorFromFloats(name, {pairs}, GGMLType::F32,
                                        factors);
    };
    if (m.freqs)
      if (llvm::Error e = addFactors("rope_freqs.weight", 8.0f))
        return fail(llvm::toString(std::move(e)));
    if (m.longrope)
      for (auto [name, top] : {std::pair{"rope_factors_long.weight", 8.0f},
                               {"rope_factors_short.weight", 2.0f}})
        if (llvm::Error e = addFactors(name, top))
          return fail(llvm::toString(std::move(e)));
  } else {
    for (const GGUFTensorInfo &t : file->tensors()) {
      llvm::ArrayRef<uint8_t> bytes = file->tensorData(t);
      llvm::Error err = llvm::Error::success();
      if (type && t.type == GGMLType::F32 && t.dims.size() == 2) {
        std::vector<float> values(bytes.size() / sizeof(float));
        std::memcpy(values.data(), bytes.data(), bytes.size());
        err = add(t.name, t.dims, values);
      } else if (dequantizeAll && t.type != GGMLType::F32) {
        uint64_t count = 1;
        for (uint64_t d : t.dims)
          count *= d;
        std::vector<float> values(count);
        err = dequantize(t.type, bytes, values);
        if (!err)
          err = writer.addTensorFromFloats(t.name, t.dims, GGMLType::F32,
                                           values);
      } else {
        err = writer.addTensor(t.name, t.dims, t.type, bytes);
      }
      if (err)
        return fail(llvm::toString(std::move(err)));
      if (llvm::Error e =
              addBiases(t.name, t.dims.size() == 2 ? t.dims[1] : 0))
        return fail(llvm::toString(std::move(e)));
    }
  }
  if (llvm::Error err = writer.write(argv[2], /*overwrite=*/true))
    return fail(llvm::toString(std::move(err)));
  return 0;
}
