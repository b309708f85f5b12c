//===- LlamaModel.cpp - Born graphs for GGUF llama models -----------------===//

#include "compiler/LLM/LlamaModel.h"

#include "compiler/Driver/Compiler.h"

#include "mlir/IR/MLIRContext.h"
#include "compiler/LLM/GGUFVocab.h"
#include "llm/tokenizer.h"
#include "llm/vocab_blob.h"
#include "weights.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/IR/Constants.h"
#include "llvm/IR/GlobalVariable.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

namespace born::llm {
namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

std::string shapeString(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  llvm::raw_string_ostream os(s);
  llvm::interleaveComma(shape, os);
  os << "]";
  return s;
}

/// The float types a param can hold directly.
std::optional<DType> floatDType(GGMLType type) {
  switch (type) {
  case GGMLType::F32:
    return DType::F32;
  case GGMLType::F16:
    return DType::F16;
  case GGMLType::BF16:
    return DType::BF16;
  default:
    return std::nullopt;
  }
}

/// Block formats whose blocks the graph reads directly (born.quantized_matmul
/// and born.dequantize).
bool isBlockFormat(GGMLType type) {
  switch (type) {
  case GGMLType::Q4_0:
  case GGMLType::Q4_1:
  case GGMLType::Q5_0:
  case GGMLType::Q5_1:
  case GGMLType::Q8_0:
  case GGMLType::Q2_K:
  case GGMLType::Q3_K:
  case GGMLType::Q4_K:
  case GGMLType::Q5_K:
  case GGMLType::Q6_K:
  case GGMLType::Q8_K:
    return true;
  default:
    return false;
  }
}

/// Checks that `name` exists with `shape` (row-major) and a type we can use:
/// a float type, or for matrices also a block format whose blocks tile the
/// rows.
llvm::Error checkTensor(const GGUFFile &file, llvm::StringRef name,
                        llvm::ArrayRef<int64_t> shape,
                        llvm::StringRef derivedFrom) {
  const GGUFTensorInfo *info = file.findTensor(name);
  if (!info)
    return makeError(file.path() + ": tensor '" + name +
                     "' is missing (a llama model needs it)");
  llvm::SmallVector<int64_t, 4> actual = info->rowMajorShape();
  if (llvm::ArrayRef<int64_t>(actual) != shape)
    return makeError(file.path() + ": tensor '" + name + "' has shape " +
                     shapeString(actual) + " (row-major), expected " +
                     shapeString(shape) + " from " + derivedFrom);
  if (floatDType(info->type))
    return llvm::Error::success();
  std::optional<GGMLTypeTraits> traits =
      ggmlTypeTraits(static_cast<uint32_t>(info->type));
  std::string typeName = traits ? traits->name.str() : "an unknown type";
  if (!isBlockFormat(info->type))
    return makeError(file.path() + ": tensor '" + name + "' is " + typeName +
                     ", which is not supported yet (F32, F16, BF16, Q4_0, "
                     "Q4_1, Q5_0, Q5_1, Q8_0 and Q2_K..Q8_K are)");
  if (shape.size() != 2)
    return makeError(file.path() + ": tensor '" + name + "' is " + typeName +
                     ": only matrices may be quantized, a " +
                     llvm::Twine(shape.size()) + "-D tensor must be F32, F16 "
                     "or BF16");
  if (shape[1] % int64_t(traits->blockSize))
    return makeError(file.path() + ": tensor '" + name + "' is " + typeName +
                     " but its rows of " + llvm::Twine(shape[1]) +
                     " values are not a whole number of blocks of " +
                     llvm::Twine(traits->blockSize));
  return llvm::Error::success();
}

/// The quantized matrix `name` [N, K] as the raw bytes of its blocks, an i8
/// param [N, K / block size * block bytes].
Tensor quantizedWeight(Graph &g, const GGUFTensorInfo &info) {
  llvm::SmallVector<int64_t, 2> shape = info.rowMajorShape();
  GGMLTypeTraits traits = *ggmlTypeTraits(static_cast<uint32_t>(info.type));
  int64_t rowBytes =
      shape[1] / int64_t(traits.blockSize) * int64_t(traits.typeSize);
  return g.param(info.name, {shape[0], rowBytes}, DType::I8);
}

/// The float weight `name` as an f32 tensor of the graph.
Tensor weight(Graph &g, const GGUFFile &file, llvm::StringRef name) {
  const GGUFTensorInfo *info = file.findTensor(name);
  Tensor w = g.param(name, info->rowMajorShape(), *floatDType(info->type));
  return w.dtype() == DType::F32 ? w : cast(w, DType::F32);
}

/// x @ W^T for the matrix `name` [out, in], reading its blocks (or floats)
/// in place, in the file's layout.
Tensor project(Graph &g, const GGUFFile &file, const Tensor &x,
               llvm::StringRef name) {
  const GGUFTensorInfo *info = file.findTensor(name);
  Tensor w = floatDType(info->type)
                 ? g.param(name, info->rowMajorShape(), *floatDType(info->type))
                 : quantizedWeight(g, *info);
  return quantized_matmul(x, w, static_cast<uint32_t>(info->type));
}

/// Rows `ids` of the table `name` [rows, D] as f32 [T, D]: only the rows
/// gathered are decoded (or widened).
Tensor embed(Graph &g, const GGUFFile &file, const Tensor &ids,
             llvm::StringRef name) {
  const GGUFTensorInfo *info = file.findTensor(name);
  if (std::optional<DType> type = floatDType(info->type)) {
    Tensor rows = gather(g.param(name, info->rowMajorShape(), *type), ids, 0);
    return *type == DType::F32 ? rows : cast(rows, DType::F32);
  }
  return dequantize(gather(quantizedWeight(g, *info), ids, 0),
                    static_cast<uint32_t>(info->type));
}

std::vector<int64_t> iota(int64_t n) {
  std::vector<int64_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

/// cos and sin of the rotation angles, [context, ropeDims / 2]: pair i of
/// position p turns by p * base^(-2i / ropeDims), computed as ggml does (f32,
/// the angle multiplied by the ratio pair after pair).
void ropeTables(const LlamaConfig &c, double base, double scale,
                int64_t context, std::vector<float> &cos,
                std::vector<float> &sin) {
  int64_t pairs = c.ropeDims / 2;
  float ratio = std::pow(float(base), -2.0f / float(c.ropeDims));
  const std::vector<float> &factors = c.ropeFactorsFor(context);
  // YaRN: pairs below the correction range (fast rotations) keep the
  // unscaled angle, pairs above it (slow ones) the scaled one, a linear
  // ramp between; the magnitude grows by 0.1 ln(1 / scale).
  float mscale = c.ropeAttnFactor, low = 0, high = 0;
  if (c.ropeYarn) {
    auto correctionDim = [&](float rotations) {
      return float(c.ropeDims) *
             std::log(float(c.ropeOriginalContext) /
                      (rotations * 2.0f * float(M_PI))) /
             (2.0f * std::log(float(base)));
    };
    low = std::max(0.0f, std::floor(correctionDim(32.0f)));
    high = std::min(float(c.ropeDims - 1), std::ceil(correctionDim(1.0f)));
    mscale *= 1.0f + 0.1f * std::log(1.0f / float(scale));
  }
  for (int64_t p = 0; p < context; ++p) {
    float theta = float(p);
    for (int64_t i = 0; i < pairs; ++i) {
      // ggml's rope_yarn: the angle divided by the pair's frequency factor
      // (extrapolated), times the scale (interpolated); cos and sin times
      // the magnitude.
      float factor = factors.empty() ? 1.0f : factors[i];
      float extrapolated = theta / factor;
      float angle = float(scale) * extrapolated;
      if (c.ropeYarn) {
        float y = (float(i) - low) / std::max(0.001f, high - low);
        float mix = 1.0f - std::min(1.0f, std::max(0.0f, y));
        angle = angle * (1.0f - mix) + extrapolated * mix;
      }
      cos.push_back(std::cos(angle) * mscale);
      sin.push_back(std::sin(angle) * mscale);
      theta *= ratio;
    }
  }
}

/// Rotates pairs of the first ropeDims features of x [T, heads, headSize] by
/// the angles in cos/sin [T, 1, ropeDims / 2]: adjacent pairs (x[2i],
/// x[2i+1]) in llama's layout, (x[i], x[i + ropeDims / 2]) in NeoX's.
Tensor rope(const Tensor &x, const Tensor &cos, const Tensor &sin,
            int64_t ropeDims, bool neox) {
  int64_t t = x.dim(0), heads = x.dim(1), headSize = x.dim(2);
  int64_t half = ropeDims / 2;
  Tensor rotated = narrow(x, 2, 0, ropeDims);
  Tensor out;
  if (neox) {
    Tensor first = narrow(rotated, 2, 0, half);
    Tensor second = narrow(rotated, 2, half, ropeDims);
    out = concat({first * cos - second * sin, first * sin + second * cos}, 2);
  } else {
    Tensor pairs = reshape(rotated, {t, heads, half, 2});
    Tensor even = reshape(narrow(pairs, 3, 0, 1), {t, heads, half});
    Tensor odd = reshape(narrow(pairs, 3, 1, 2), {t, heads, half});
    Tensor newEven = even * cos - odd * sin;
    Tensor newOdd = even * sin + odd * cos;
    out = reshape(concat({reshape(newEven, {t, heads, half, 1}),
                          reshape(newOdd, {t, heads, half, 1})},
                         3),
                  {t, heads, ropeDims});
  }
  if (ropeDims == headSize)
    return out;
  return concat({out, narrow(x, 2, ropeDims, headSize)}, 2);
}

} // namespace

llvm::Expected<LlamaConfig> readLlamaConfig(const GGUFFile &file) {
  const GGUFMetadata &meta = file.metadata();
  llvm::Expected<llvm::StringRef> arch = meta.getString("general.architecture");
  if (!arch)
    return arch.takeError();
  static const llvm::StringRef supported[] = {"llama",  "qwen2",  "qwen3",
                                              "gemma2", "gemma3", "phi3"};
  if (!llvm::is_contained(supported, *arch))
    return makeError(file.path() + ": general.architecture is '" + *arch +
                     "'; supported: llama, qwen2, qwen3, gemma2, gemma3, phi3");

  LlamaConfig c;
  c.arch = arch->str();
  // What each family adds to llama (llama.cpp's src/models/*.cpp).
  c.neoxRope = c.arch != "llama";
  c.qkNorm = c.arch == "qwen3" || c.arch == "gemma3";
  c.gemma = c.arch == "gemma2" || c.arch == "gemma3";
  c.fusedGateUp = c.arch == "phi3";
  // Hyperparameter keys are prefixed with the architecture.
  auto key = [&](llvm::StringRef name) { return c.arch + "." + name.str(); };
  auto size = [&](llvm::StringRef key, int64_t &out,
                  std::optional<int64_t> fallback = {}) -> llvm::Error {
    if (!meta.contains(key) && fallback) {
      out = *fallback;
      return llvm::Error::success();
    }
    llvm::Expected<uint64_t> v = meta.getUInt(key);
    if (!v)
      return v.takeError();
    if (*v == 0 || *v > (uint64_t(1) << 31))
      return makeError(file.path() + ": " + key + " = " + llvm::Twine(*v) +
                       " is out of range");
    out = int64_t(*v);
    return llvm::Error::success();
  };
  auto real = [&](llvm::StringRef key, double &out) -> llvm::Error {
    if (!meta.contains(key))
      return llvm::Error::success(); // keep the default
    llvm::Expected<double> v = meta.getFloat(key);
    if (!v)
      return v.takeError();
    if (!(*v > 0))
      return makeError(file.path() + ": " + key + " = " +
                       std::to_string(*v) + " must be positive");
    out = *v;
    return llvm::Error::success();
  };
  if (llvm::Error e = size(key("embedding_length"), c.embeddingSize))
    return std::move(e);
  if (llvm::Error e = size(key("block_count"), c.layers))
    return std::move(e);
  if (llvm::Error e = size(key("attention.head_count"), c.heads))
    return std::move(e);
  if (llvm::Error e = size(key("attention.head_count_kv"), c.kvHeads, c.heads))
    return std::move(e);
  if (llvm::Error e = size(key("feed_forward_length"), c.ffnSize))
    return std::move(e);
  if (llvm::Error e = size(key("context_length"), c.trainContext))
    return std::move(e);
  if (llvm::Error e = real(key("rope.freq_base"), c.ropeBase))
    return std::move(e);
  if (llvm::Error e =
          real(key("attention.layer_norm_rms_epsilon"), c.rmsEpsilon))
    return std::move(e);
  // Linear RoPE scaling (positions times 1 / factor, whatever the type, as
  // llama.cpp does), YaRN (ropeTables) and Phi-3's longrope (frequency
  // factors, below); other variants are refused rather than run wrong.
  llvm::StringRef scalingType = "none";
  if (meta.contains(key("rope.scaling.type"))) {
    llvm::Expected<llvm::StringRef> scaling =
        meta.getString(key("rope.scaling.type"));
    if (!scaling)
      return scaling.takeError();
    scalingType = *scaling;
    if (*scaling != "none" && *scaling != "linear" && *scaling != "longrope" &&
        *scaling != "yarn")
      return makeError(file.path() + ": " + key("rope.scaling.type") + " '" +
                       *scaling + "' is not supported yet (none, linear, "
                       "yarn and longrope are)");
  }
  c.ropeYarn = scalingType == "yarn";
  // YaRN's tuning keys, at llama.cpp's defaults only (beta_fast 32,
  // beta_slow 1, extrapolation mix 1, no log multiplier).
  for (auto [name, expected] :
       {std::pair<const char *, double>{"rope.scaling.yarn_beta_fast", 32.0},
        {"rope.scaling.yarn_beta_slow", 1.0},
        {"rope.scaling.yarn_ext_factor", 1.0},
        {"rope.scaling.yarn_log_multiplier", 0.0}}) {
    if (!meta.contains(key(name)))
      continue;
    llvm::Expected<double> v = meta.getFloat(key(name));
    if (!v)
      return v.takeError();
    if (*v != expected)
      return makeError(file.path() + ": " + key(name) + " = " +
                       std::to_string(*v) + " is not supported yet (only " +
                       std::to_string(expected) + ")");
  }
  if (llvm::Error e = size(key("rope.scaling.original_context_length"),
                           c.ropeOriginalContext, c.trainContext))
    return std::move(e);
  double factor = 1.0;
  if (llvm::Error e = real(key(meta.contains(key("rope.scaling.factor"))
                                   ? "rope.scaling.factor"
                                   : "rope.scale_linear"),
                           factor))
    return std::move(e);
  c.ropeScale = c.ropeScaleSwa = 1.0f / float(factor); // f32 as in llama.cpp
  double attnFactor = 1.0;
  if (llvm::Error e = real(key("rope.scaling.attn_factor"), attnFactor))
    return std::move(e);
  c.ropeAttnFactor = float(attnFactor); // f32 as in llama.cpp

  if (!meta.contains(key("attention.key_length")) && c.embeddingSize % c.heads)
    return makeError(file.path() + ": " + key("embedding_length") + " (" +
                     llvm::Twine(c.embeddingSize) +
                     ") is not a multiple of " + key("attention.head_count") + " (" +
                     llvm::Twine(c.heads) + ")");
  if (c.heads % c.kvHeads)
    return makeError(file.path() + ": " + key("attention.head_count") + " (" +
                     llvm::Twine(c.heads) +
                     ") is not a multiple of " + key("attention.head_count_kv") + " (" +
                     llvm::Twine(c.kvHeads) + ")");
  if (llvm::Error e = size(key("attention.key_length"), c.headSize,
                           c.embeddingSize / c.heads))
    return std::move(e);
  int64_t valueSize = 0;
  if (llvm::Error e = size(key("attention.value_length"), valueSize, c.headSize))
    return std::move(e);
  if (valueSize != c.headSize)
    return makeError(file.path() + ": " + key("attention.value_length") +
                     " (" + llvm::Twine(valueSize) + ") differs from " +
                     key("attention.key_length") + " (" +
                     llvm::Twine(c.headSize) + "), which is not supported");
  if (llvm::Error e = size(key("rope.dimension_count"), c.ropeDims, c.headSize))
    return std::move(e);
  if (c.ropeDims > c.headSize || c.ropeDims % 2)
    return makeError(file.path() + ": " + key("rope.dimension_count") + " (" +
                     llvm::Twine(c.ropeDims) +
                     ") must be even and at most the head size (" +
                     llvm::Twine(c.headSize) + ")");
  // RoPE frequency factors: one positive factor per rotated pair, as
  // llama.cpp reads them.
  auto readFactors = [&](llvm::StringRef name,
                         std::vector<float> &out) -> llvm::Error {
    const GGUFTensorInfo *info = file.findTensor(name);
    if (info->type != GGMLType::F32 || info->dims.size() != 1 ||
        info->dims[0] != uint64_t(c.ropeDims / 2))
      return makeError(file.path() + ": tensor '" + name + "' must be F32 "
                       "of " + llvm::Twine(c.ropeDims / 2) +
                       " values (one per rotated pair of " +
                       key("rope.dimension_count") + " = " +
                       llvm::Twine(c.ropeDims) + ")");
    llvm::ArrayRef<uint8_t> bytes = file.tensorData(*info);
    out.resize(c.ropeDims / 2);
    std::memcpy(out.data(), bytes.data(), out.size() * sizeof(float));
    for (auto [i, factor] : llvm::enumerate(out))
      if (!(factor > 0.0f) || !std::isfinite(factor))
        return makeError(file.path() + ": tensor '" + name + "' holds " +
                         std::to_string(factor) + " at " + llvm::Twine(i) +
                         "; RoPE frequency factors must be positive and "
                         "finite");
    return llvm::Error::success();
  };
  if (file.findTensor("rope_freqs.weight"))
    if (llvm::Error e = readFactors("rope_freqs.weight", c.ropeFreqFactors))
      return std::move(e);
  // Phi-3's longrope: one set of factors for contexts up to the original
  // one, another for longer ones.
  bool longFactors = file.findTensor("rope_factors_long.weight"),
       shortFactors = file.findTensor("rope_factors_short.weight");
  if (longFactors != shortFactors || (scalingType == "longrope" && !longFactors))
    return makeError(file.path() + ": longrope RoPE scaling needs both "
                     "tensors rope_factors_long.weight and "
                     "rope_factors_short.weight");
  if (longFactors) {
    if (llvm::Error e = readFactors("rope_factors_long.weight",
                                    c.ropeLongFactors))
      return std::move(e);
    if (llvm::Error e = readFactors("rope_factors_short.weight",
                                    c.ropeShortFactors))
      return std::move(e);
  }
  if (c.arch == "qwen3" && c.ropeDims != c.headSize)
    return makeError(file.path() + ": " + key("rope.dimension_count") + " (" +
                     llvm::Twine(c.ropeDims) + ") must equal the head size (" +
                     llvm::Twine(c.headSize) + ") in a qwen3 model");

  c.queryScale = 1.0 / std::sqrt(double(c.headSize));
  if (c.gemma) {
    // llama.cpp's load_arch_hparams: the 27B models (known by their layer
    // count) scale queries by (embedding / heads)^-0.5, the others by
    // key_length^-0.5 (Gemma's query_pre_attn_scalar).
    int64_t layers27B = c.arch == "gemma2" ? 46 : 62;
    if (c.layers == layers27B)
      c.queryScale = 1.0 / std::sqrt(double(c.embeddingSize / c.heads));
    // Sliding layers: gemma2 has a default window and alternates; gemma3
    // needs the window from the file, and has 5 local layers to 1 global,
    // whose RoPE base is 10000.
    c.slidingPattern = c.arch == "gemma2" ? 2 : 6;
    c.ropeBaseSwa = c.arch == "gemma2" ? c.ropeBase : 10000.0;
    if (c.arch == "gemma3")
      c.ropeScaleSwa = 1.0; // the scaling is for the global layers
    if (c.arch == "gemma2")
      c.slidingWindow = 4096;
    else if (!meta.contains(key("attention.sliding_window")))
      return makeError(file.path() + ": " + key("attention.sliding_window") +
                       " is missing (gemma3 without sliding-window layers is "
                       "not supported)");
    if (llvm::Error e = size(key("attention.sliding_window"), c.slidingWindow,
                             c.slidingWindow))
      return std::move(e);
    if (meta.contains(key("attention.sliding_window_pattern"))) {
      llvm::Expected<uint64_t> v =
          meta.getUInt(key("attention.sliding_window_pattern"));
      if (!v)
        return v.takeError(); // e.g. a per-layer array
      c.slidingPattern = int64_t(std::min<uint64_t>(*v, 1u << 31));
    }
    if (llvm::Error e = real(key("rope.freq_base_swa"), c.ropeBaseSwa))
      return std::move(e);
    if (c.arch == "gemma2") {
      // llama.cpp's defaults when the file does not say.
      c.attnSoftcap = 50.0;
      c.finalSoftcap = 30.0;
      if (llvm::Error e = real(key("attn_logit_softcapping"), c.attnSoftcap))
        return std::move(e);
      if (llvm::Error e = real(key("final_logit_softcapping"), c.finalSoftcap))
        return std::move(e);
    }
  }

  const GGUFTensorInfo *embd = file.findTensor("token_embd.weight");
  if (!embd || embd->dims.size() != 2)
    return makeError(file.path() + ": tensor 'token_embd.weight' is " +
                     (embd ? "not 2-D" : "missing") +
                     " (a llama model needs [vocab, embedding_length])");
  c.vocabSize = int64_t(embd->dims[1]);
  if (meta.contains("tokenizer.ggml.tokens")) {
    llvm::Expected<const GGUFValue *> tokens =
        meta.getArray("tokenizer.ggml.tokens");
    if (!tokens)
      return tokens.takeError();
    if (int64_t((*tokens)->elements.size()) != c.vocabSize)
      return makeError(file.path() + ": tokenizer.ggml.tokens has " +
                       llvm::Twine((*tokens)->elements.size()) +
                       " tokens but token_embd.weight has " +
                       llvm::Twine(c.vocabSize) + " rows");
  }
  c.tiedOutput = !file.findTensor("output.weight");
  // llama.cpp always ties gemma2's head and would not load an output.weight.
  if (c.arch == "gemma2" && !c.tiedOutput)
    return makeError(file.path() + ": tensor 'output.weight' is unexpected: "
                     "a gemma2 model's output head is token_embd.weight");
  // Q, K and V in one matrix (phi3's files; llama.cpp takes it for any
  // architecture), and optional biases, as llama.cpp's create_tensor_qkv.
  c.fusedQKV = file.findTensor("blk.0.attn_qkv.weight") != nullptr;
  c.qkvBias =
      c.arch == "qwen2" ||
      file.findTensor(c.fusedQKV ? "blk.0.attn_qkv.bias" : "blk.0.attn_q.bias");

  int64_t d = c.embeddingSize, q = c.heads * c.headSize,
          kv = c.kvHeads * c.headSize;
  std::string kvFrom = key("attention.head_count_kv") + " x head size";
  std::string qFrom = key("attention.head_count") + " x head size";
  struct Expected {
    std::string name;
    llvm::SmallVector<int64_t, 2> shape;
    std::string from;
  };
  std::vector<Expected> expected = {
      {"token_embd.weight", {c.vocabSize, d}, key("embedding_length")},
      {"output_norm.weight", {d}, key("embedding_length")}};
  if (!c.tiedOutput)
    expected.push_back({"output.weight", {c.vocabSize, d},
                        "token_embd.weight's vocabulary size"});
  for (int64_t l = 0; l < c.layers; ++l) {
    std::string b = "blk." + std::to_string(l) + ".";
    expected.push_back({b + "attn_norm.weight", {d}, key("embedding_length")});
    if (c.fusedQKV) {
      expected.push_back({b + "attn_qkv.weight", {q + 2 * kv, d},
                          qFrom + " + 2 x " + kvFrom});
      if (c.qkvBias)
        expected.push_back(
            {b + "attn_qkv.bias", {q + 2 * kv}, qFrom + " + 2 x " + kvFrom});
    } else {
      expected.push_back({b + "attn_q.weight", {q, d}, qFrom});
      expected.push_back({b + "attn_k.weight", {kv, d}, kvFrom});
      expected.push_back({b + "attn_v.weight", {kv, d}, kvFrom});
      if (c.qkvBias) {
        expected.push_back({b + "attn_q.bias", {q}, qFrom});
        expected.push_back({b + "attn_k.bias", {kv}, kvFrom});
        expected.push_back({b + "attn_v.bias", {kv}, kvFrom});
      }
    }
    if (c.qkNorm) {
      expected.push_back({b + "attn_q_norm.weight", {c.headSize}, "the head size"});
      expected.push_back({b + "attn_k_norm.weight", {c.headSize}, "the head size"});
    }
    expected.push_back({b + "attn_output.weight", {d, q}, qFrom});
    expected.push_back({b + "ffn_norm.weight", {d}, key("embedding_length")});
    if (c.gemma) {
      expected.push_back(
          {b + "post_attention_norm.weight", {d}, key("embedding_length")});
      expected.push_back(
          {b + "post_ffw_norm.weight", {d}, key("embedding_length")});
    }
    if (c.fusedGateUp) {
      expected.push_back({b + "ffn_up.weight", {2 * c.ffnSize, d},
                          "2 x " + key("feed_forward_length")});
    } else {
      expected.push_back(
          {b + "ffn_gate.weight", {c.ffnSize, d}, key("feed_forward_length")});
      expected.push_back(
          {b + "ffn_up.weight", {c.ffnSize, d}, key("feed_forward_length")});
    }
    expected.push_back(
        {b + "ffn_down.weight", {d, c.ffnSize}, key("feed_forward_length")});
  }
  for (const Expected &e : expected)
    if (llvm::Error err = checkTensor(file, e.name, e.shape, e.from))
      return std::move(err);
  return c;
}

llvm::Error buildLlamaStep(Graph &g, const GGUFFile &file,
                           const LlamaConfig &c, int64_t tokens,
                           int64_t context, int64_t ropeLength) {
  if (!ropeLength)
    ropeLength = context;
  const int64_t t = tokens, kvh = c.kvHeads, hd = c.headSize;
  const int64_t group = c.heads / c.kvHeads;
  const int64_t qDim = c.heads * hd, kvDim = kvh * hd;
  Tensor ids = g.input("tokens", {t}, DType::I64);
  Tensor pos = g.input("pos", {1}, DType::I64);
  Tensor last = t > 1 ? g.input("last", {1}, DType::I64) : Tensor();
  // Keys are stored transposed, so that scores are a plain matmul.
  std::vector<Tensor> kCache, vCache;
  for (int64_t l = 0; l < c.layers; ++l) {
    kCache.push_back(g.input("k_cache_" + std::to_string(l), {kvh, hd, context}));
    vCache.push_back(g.input("v_cache_" + std::to_string(l), {kvh, context, hd}));
  }

  // Positions of this call's tokens. The cache holds the slots before pos;
  // this call's own keys and values join them in the attention and are
  // outputs, which the generation loop writes into the cache afterwards, so
  // that no step copies the cache.
  Tensor positions = g.intConstant(iota(t), {t}) + pos;        // [T]
  Tensor slots = g.intConstant(iota(context), {context});      // [ctx]
  Tensor cacheMask = broadcast_to(reshape(lt(slots, pos), {1, context}),
                                  {group * t, context});
  // Query row (group member j, token i) sees this call's tokens <= i.
  Tensor steps = g.intConstant(iota(t), {t});
  Tensor causal = le(reshape(steps, {1, 1, t}), reshape(steps, {1, t, 1}));
  Tensor freshMask =
      reshape(broadcast_to(causal, {group, t, t}), {group * t, t});
  // Sliding layers also hide keys at least `window` positions back (llama.cpp's
  // is_masked_swa: p_query - p_key >= window). a && b is where(a, b, a).
  bool anySliding = false;
  for (int64_t l = 0; l < c.layers; ++l)
    anySliding |= c.sliding(l);
  Tensor swaCacheMask, swaFreshMask;
  if (anySliding) {
    double window = double(c.slidingWindow);
    Tensor rowPos = reshape(broadcast_to(reshape(positions, {1, t}), {group, t}),
                            {group * t, 1});
    Tensor near = gt(reshape(slots, {1, context}), rowPos - window);
    swaCacheMask = where(cacheMask, near, cacheMask);
    Tensor freshNear =
        gt(reshape(steps, {1, 1, t}), reshape(steps, {1, t, 1}) - window);
    swaFreshMask = where(
        freshMask,
        reshape(broadcast_to(freshNear, {group, t, t}), {group * t, t}),
        freshMask);
  }

  // The angle tables are weights that loadLlamaWeights computes; sliding
  // layers may rotate with their own base.
  int64_t pairs = c.ropeDims / 2;
  auto angles = [&](const std::string &table) {
    return reshape(gather(g.param(table, {ropeLength, pairs}), positions, 0),
                   {t, 1, pairs});
  };
  Tensor cos = angles("rope.cos"), sin = angles("rope.sin");
  Tensor swaCos = cos, swaSin = sin;
  if (anySliding &&
      (c.ropeBaseSwa != c.ropeBase || c.ropeScaleSwa != c.ropeScale)) {
    swaCos = angles("rope_swa.cos");
    swaSin = angles("rope_swa.sin");
  }

  auto w = [&](const std::string &name) { return weight(g, file, name); };
  // x @ W^T (+ bias) for a GGUF weight W [out, in], float or quantized.
  auto project = [&](const Tensor &x, const std::string &name,
                     const std::string &bias = "") {
    Tensor y = llm::project(g, file, x, name);
    return bias.empty() ? y : y + w(bias);
  };
  auto norm = [&](const Tensor &x, const std::string &name) {
    return rms_norm(x, w(name), c.rmsEpsilon);
  };
  // cap * tanh(x / cap), gemma2's soft capping.
  auto softcap = [](const Tensor &x, double cap) {
    return cap > 0 ? tanh(x * (1.0 / cap)) * cap : x;
  };
  Tensor minusInf = g.constant(-std::numeric_limits<double>::infinity());

  Tensor x = embed(g, file, ids, "token_embd.weight"); // [T, D]
  if (c.gemma)
    x = x * double(std::sqrt(float(c.embeddingSize)));
  std::vector<std::pair<Tensor, Tensor>> fresh;
  for (int64_t l = 0; l < c.layers; ++l) {
    std::string b = "blk." + std::to_string(l) + ".";
    bool sliding = c.sliding(l);
    Tensor h = norm(x, b + "attn_norm.weight");
    Tensor q, k, v;
    if (c.fusedQKV) {
      Tensor qkv = project(h, b + "attn_qkv.weight",
                           c.qkvBias ? b + "attn_qkv.bias" : "");
      q = narrow(qkv, 1, 0, qDim);
      k = narrow(qkv, 1, qDim, qDim + kvDim);
      v = narrow(qkv, 1, qDim + kvDim, qDim + 2 * kvDim);
    } else {
      q = project(h, b + "attn_q.weight", c.qkvBias ? b + "attn_q.bias" : "");
      k = project(h, b + "attn_k.weight", c.qkvBias ? b + "attn_k.bias" : "");
      v = project(h, b + "attn_v.weight", c.qkvBias ? b + "attn_v.bias" : "");
    }
    q = reshape(q, {t, c.heads, hd});
    k = reshape(k, {t, kvh, hd});
    v = reshape(v, {t, kvh, hd});
    if (c.qkNorm) {
      q = norm(q, b + "attn_q_norm.weight");
      k = norm(k, b + "attn_k_norm.weight");
    }
    q = rope(q, sliding ? swaCos : cos, sliding ? swaSin : sin, c.ropeDims,
             c.neoxRope);
    k = rope(k, sliding ? swaCos : cos, sliding ? swaSin : sin, c.ropeDims,
             c.neoxRope);

    Tensor freshKeys = permute(k, {1, 2, 0});   // [kvh, hd, T]
    Tensor freshValues = permute(v, {1, 0, 2}); // [kvh, T, hd]
    fresh.push_back({freshKeys, freshValues});

    // Query head kv * group + j reads KV head kv: rows of one KV head are
    // (j, token) pairs. Softmax runs over the cached slots and this call's
    // tokens together.
    Tensor qg = reshape(permute(reshape(q, {t, kvh, group, hd}), {1, 2, 0, 3}),
                        {kvh, group * t, hd});
    auto scores = [&](const Tensor &keys) {
      return softcap(matmul(qg, keys) * c.queryScale, c.attnSoftcap);
    };
    Tensor allScores = concat(
        {where(sliding ? swaCacheMask : cacheMask, scores(kCache[l]), minusInf),
         where(sliding ? swaFreshMask : freshMask, scores(freshKeys), minusInf)},
        2);
    Tensor probs = softmax(allScores, -1);
    Tensor attended =
        matmul(narrow(probs, 2, 0, context), vCache[l]) +
        matmul(narrow(probs, 2, context, context + t), freshValues);
    Tensor merged = reshape(
        permute(reshape(attended, {kvh, group, t, hd}), {2, 0, 1, 3}),
        {t, qDim});
    Tensor attnOut = project(merged, b + "attn_output.weight");
    if (c.gemma)
      attnOut = norm(attnOut, b + "post_attention_norm.weight");
    x = x + attnOut;

    h = norm(x, b + "ffn_norm.weight");
    Tensor gate, up;
    if (c.fusedGateUp) {
      Tensor both = project(h, b + "ffn_up.weight");
      gate = narrow(both, 1, 0, c.ffnSize);
      up = narrow(both, 1, c.ffnSize, 2 * c.ffnSize);
    } else {
      gate = project(h, b + "ffn_gate.weight");
      up = project(h, b + "ffn_up.weight");
    }
    // GeGLU with GELU's tanh approximation (ggml_gelu) for gemma, SwiGLU
    // otherwise.
    gate = c.gemma ? gelu(gate, /*approximate=*/true) : silu(gate);
    Tensor ffnOut = project(gate * up, b + "ffn_down.weight");
    if (c.gemma)
      ffnOut = norm(ffnOut, b + "post_ffw_norm.weight");
    x = x + ffnOut;
  }

  Tensor lastRow = t > 1 ? gather(x, last, 0) : x; // [1, D]
  Tensor normed = norm(lastRow, "output_norm.weight");
  Tensor logits = softcap(
      project(normed, c.tiedOutput ? "token_embd.weight" : "output.weight"),
      c.finalSoftcap);
  g.output(logits, "logits");
  for (auto [l, kv] : llvm::enumerate(fresh)) {
    g.output(kv.first, "k_new_" + std::to_string(l));
    g.output(kv.second, "v_new_" + std::to_string(l));
  }
  if (!g.ok())
    return makeError(file.path() + ": building the " + c.arch +
                     " graph failed: " + g.error());
  return llvm::Error::success();
}

llvm::Error loadLlamaWeights(const GGUFFile &file, const LlamaConfig &config,
                             const Graph &graph, Weights &weights) {
  for (const TensorInfo &param : graph.params()) {
    llvm::StringRef name = param.name;
    if (name.starts_with("rope.") || name.starts_with("rope_swa.")) {
      std::vector<float> cos, sin;
      bool swa = name.starts_with("rope_swa.");
      ropeTables(config, swa ? config.ropeBaseSwa : config.ropeBase,
                 swa ? config.ropeScaleSwa : config.ropeScale, param.shape[0],
                 cos, sin);
      weights.set(param.name, param.shape, name.ends_with(".cos") ? cos : sin);
      continue;
    }
    const GGUFTensorInfo *info = file.findTensor(param.name);
    if (!info)
      return makeError(file.path() + ": the graph's param '" + param.name +
                       "' is no tensor of the file");
    weights.setView(param.name, param.dtype, param.shape,
                    file.tensorData(*info));
  }
  if (!weights.ok())
    return makeError(file.path() + ": " + weights.error());
  return llvm::Error::success();
}

/// An object defining `main`, which runs born_llm_main on the steps'
/// models (`<step>_model`) and the embedded vocabulary.
static llvm::Error writeMainObject(llvm::StringRef vocab,
                                   llvm::ArrayRef<std::string> decodeSteps,
                                   const std::string &cpu,
                                   llvm::StringRef path) {
  llvm::LLVMContext context;
  llvm::Module m("born_llm_main", context);
  llvm::IRBuilder<> b(context);
  llvm::Type *ptr = b.getPtrTy(), *i32 = b.getInt32Ty(), *i64 = b.getInt64Ty();
  auto model = [&](llvm::StringRef step) -> llvm::Constant * {
    return new llvm::GlobalVariable(m, b.getInt8Ty(), /*isConstant=*/true,
                                    llvm::GlobalValue::ExternalLinkage, nullptr,
                                    step + "_model");
  };
  llvm::Constant *prefill = model("prefill");
  std::vector<llvm::Constant *> decodes;
  for (const std::string &step : decodeSteps)
    decodes.push_back(model(step));
  auto *decodeArrayType = llvm::ArrayType::get(ptr, decodes.size());
  auto *decodeArray = new llvm::GlobalVariable(
      m, decodeArrayType, true, llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantArray::get(decodeArrayType, decodes), "decode_models");
  auto *vocabBytes = new llvm::GlobalVariable(
      m, llvm::ArrayType::get(b.getInt8Ty(), vocab.size()), true,
      llvm::GlobalValue::PrivateLinkage,
      llvm::ConstantDataArray::getString(context, vocab, /*AddNull=*/false),
      "vocab");
  auto *llmMain = llvm::Function::Create(
      llvm::FunctionType::get(i32, {ptr, ptr, i32, ptr, i64, i32, ptr}, false),
      llvm::GlobalValue::ExternalLinkage, "born_llm_main", m);
  auto *mainFn =
      llvm::Function::Create(llvm::FunctionType::get(i32, {i32, ptr}, false),
                             llvm::GlobalValue::ExternalLinkage, "main", m);
  b.SetInsertPoint(llvm::BasicBlock::Create(context, "", mainFn));
  b.CreateRet(b.CreateCall(
      llmMain, {prefill, decodeArray,
                llvm::ConstantInt::get(i32, decodes.size()), vocabBytes,
                llvm::ConstantInt::get(i64, vocab.size()), mainFn->getArg(0),
                mainFn->getArg(1)}));
  CompileOptions options;
  options.cpuName = cpu;
  return Compiler(options).writeObject(m, path);
}

/// Contexts of the decode steps: attention reads every slot of the cache a
/// step is compiled for, so short contexts get steps of their own, 256
/// slots and 4x more while that at least halves the reads, then the whole
/// context.
static std::vector<int64_t> decodeContexts(int64_t context) {
  std::vector<int64_t> contexts;
  for (int64_t c = 256; 2 * c <= context; c *= 4)
    contexts.push_back(c);
  contexts.push_back(context);
  return contexts;
}

llvm::Error compileLlamaExecutable(llvm::StringRef ggufPath,
                                   llvm::StringRef outputPath,
                                   const LlamaCompileOptions &options) {
  llvm::Expected<GGUFFile> file = GGUFFile::open(ggufPath);
  if (!file)
    return file.takeError();
  llvm::Expected<LlamaConfig> config = readLlamaConfig(*file);
  if (!config)
    return config.takeError();
  int64_t context = options.context
                        ? options.context
                        : std::min<int64_t>(config->trainContext, 2048);
  if (context < 1)
    return makeError("the context must hold at least one token");
  int64_t chunk = std::max<int64_t>(1, std::min(options.prefillChunk, context));

  // The vocabulary is embedded: checked here, so that a model whose
  // tokenizer we cannot build fails at compile time.
  VocabDescription vocab;
  std::string error;
  if (!loadVocabFromGGUF(ggufPath.str(), vocab, &error))
    return makeError(error);
  if (!Tokenizer::create(vocab, &error))
    return makeError(ggufPath + ": tokenizer: " + error);
  std::string vocabBlob = serializeVocab(vocab);

  llvm::SmallString<128> dir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("born-llm", dir))
    return makeError("cannot create a temporary directory: " + ec.message());
  llvm::scope_exit cleanup([&] { llvm::sys::fs::remove_directories(dir); });
  auto inDir = [&](llvm::StringRef name) {
    llvm::SmallString<128> p(dir);
    llvm::sys::path::append(p, name);
    return p.str().str();
  };

  std::optional<llvm::raw_fd_ostream> irOut;
  if (options.compileTo) {
    std::error_code ec;
    irOut.emplace(outputPath, ec);
    if (ec)
      return makeError("cannot write " + outputPath + ": " + ec.message());
  }

  // The weights stay in the GGUF file, read in place at run time, unless
  // embedded; the file's header pins the layout the code is compiled for.
  llvm::ArrayRef<uint8_t> inPlace;
  WeightsPlacement fileReference;
  if (!options.embedWeights) {
    llvm::SmallString<256> absolute(ggufPath);
    if (std::error_code ec = llvm::sys::fs::make_absolute(absolute))
      return makeError(ggufPath + ": cannot make the path absolute: " +
                       ec.message());
    llvm::sys::path::remove_dots(absolute, /*remove_dot_dot=*/true);
    llvm::StringRef bytes = file->buffer();
    inPlace = llvm::ArrayRef(reinterpret_cast<const uint8_t *>(bytes.data()),
                             bytes.size());
    fileReference.externalPath = absolute.str().str();
    fileReference.size = bytes.size();
    fileReference.headerSize = file->dataOffset();
    fileReference.headerHash = fnv1a64(inPlace.data(), file->dataOffset());
  }

  // Every step reads the same params laid out the same way, so decode
  // objects carry no weights when their blob equals the prefill's: at run
  // time they borrow the prefill's (born_llm_main).
  struct StepSpec {
    std::string name;
    int64_t tokens, context;
  };
  std::vector<StepSpec> steps = {{"prefill", chunk, context}};
  std::vector<std::string> decodeSteps;
  for (int64_t c : decodeContexts(context)) {
    decodeSteps.push_back(c == context ? "decode"
                                       : "decode_" + std::to_string(c));
    steps.push_back({decodeSteps.back(), 1, c});
  }
  std::vector<std::string> objects;
  std::optional<WeightsBlob> prefillBlob;
  uint64_t embeddedBytes = 0;
  for (const StepSpec &step : steps) {
    const std::string &name = step.name;
    Graph graph(name);
    if (llvm::Error e = buildLlamaStep(graph, *file, *config, step.tokens,
                                       step.context, context))
      return e;

    CompileOptions compileOptions;
    compileOptions.prefix = compileOptions.entry = name;
    compileOptions.cpuName = options.cpu;
    compileOptions.targetVulkan = options.vulkan;
    compileOptions.quiet = !options.verbose;
    if (options.compileTo)
      compileOptions.compileTo = *options.compileTo;
    Compiler compiler(compileOptions);
    mlir::OwningOpRef<mlir::ModuleOp> module(graph.module().clone());
    if (mlir::failed(compiler.runPhases(*module)))
      return makeError(ggufPath + ": compiling the " + name +
                       " step failed (see the diagnostics above)");
    if (irOut) {
      *irOut << "// " << name << " step (" << step.tokens << " tokens, "
             << step.context << " slots)\n";
      module->print(*irOut);
      *irOut << "\n";
      continue;
    }
    Weights weights;
    if (llvm::Error e = loadLlamaWeights(*file, *config, graph, weights))
      return e;
    llvm::Expected<WeightsBlob> blob =
        compiler.buildWeightsBlob(weights.tensors(), ggufPath, inPlace);
    if (!blob)
      return blob.takeError();
    WeightsPlacement placement = fileReference;
    placement.blob = &*blob;
    placement.offsets = &blob->offsets;
    if (options.embedWeights)
      placement.size = blob->size();
    if (prefillBlob && *prefillBlob == *blob) {
      placement.blob = nullptr; // borrowed: no embedded bytes, no path
      placement.externalPath.clear();
      placement.headerSize = placement.headerHash = 0;
    } else {
      embeddedBytes += blob->bytes.size();
    }
    llvm::LLVMContext llvmContext;
    auto llvmModule = compiler.translateToLLVM(*module, llvmContext, placement,
                                               /*withMain=*/false);
    if (!llvmModule)
      return llvmModule.takeError();
    objects.push_back(inDir(name + ".o"));
    if (llvm::Error e = compiler.writeObject(**llvmModule, objects.back()))
      return e;
    if (!prefillBlob)
      prefillBlob = std::move(*blob);
  }
  if (irOut)
    return llvm::Error::success();
  objects.push_back(inDir("main.o"));
  if (llvm::Error e =
          writeMainObject(vocabBlob, decodeSteps, options.cpu, objects.back()))
    return e;
  if (!options.quiet) {
    auto kb = [](uint64_t bytes) { return (bytes + 1023) / 1024; };
    if (options.embedWeights)
      llvm::errs() << "bornc: " << kb(embeddedBytes)
                   << " KiB of weights embedded\n";
    else
      llvm::errs() << "bornc: weights read in place at run time from "
                   << fileReference.externalPath << " ("
                   << kb(fileReference.size) << " KiB; -m overrides), "
                   << kb(embeddedBytes) << " KiB of computed ones embedded\n";
  }
  return linkExecutable(objects, outputPath);
}

} // namespace born::llm
