// The llama graph builder's reading of GGUF metadata (on stories260K and on
// variants of it with a key or tensor changed), the graphs' signatures, and
// the embedded vocabulary's round trip. Generation itself is checked against
// llama.cpp by generate_test.py.
#include "compiler/LLM/GGUFVocab.h"
#include "compiler/LLM/LlamaModel.h"

#include "compiler/GGUF/GGUFWriter.h"
#include "llm/vocab_blob.h"

#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <set>

using namespace born;
using namespace born::llm;

namespace {

const std::string kStories = BORN_TESTDATA_DIR "/gguf/stories260K.gguf";

// What a variant changes in stories260K.
struct Edit {
  std::map<std::string, std::optional<GGUFValue>> metadata; // nullopt: drop
  std::set<std::string> dropTensors;
  std::map<std::string, GGMLType> retype; // re-encoded from the f32 values
  // Added F32 tensors of these GGUF dims ({columns, rows}), all ones.
  std::map<std::string, std::vector<uint64_t>> add = {};
};

// Writes stories260K with `edit` applied to a temporary file; returns its
// path (removed by the caller's TempFile).
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
};

void writeVariant(const Edit &edit, TempFile &out) {
  llvm::Expected<GGUFFile> file = GGUFFile::open(kStories);
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  GGUFWriter writer;
  for (const auto &[key, value] : file->metadata().entries()) {
    auto it = edit.metadata.find(key.str());
    if (it == edit.metadata.end())
      ASSERT_FALSE(bool(writer.set(key, value)));
  }
  for (const auto &[key, value] : edit.metadata)
    if (value)
      ASSERT_FALSE(bool(writer.set(key, *value)));
  for (const GGUFTensorInfo &t : file->tensors()) {
    if (edit.dropTensors.count(t.name.str()))
      continue;
    llvm::ArrayRef<uint8_t> bytes = file->tensorData(t);
    auto retype = edit.retype.find(t.name.str());
    if (retype == edit.retype.end()) {
      ASSERT_FALSE(bool(writer.addTensor(t.name, t.dims, t.type, bytes)));
      continue;
    }
    ASSERT_EQ(t.type, GGMLType::F32);
    std::vector<float> values(bytes.size() / sizeof(float));
    std::memcpy(values.data(), bytes.data(), bytes.size());
    ASSERT_FALSE(bool(
        writer.addTensorFromFloats(t.name, t.dims, retype->second, values)));
  }
  for (const auto &[name, dims] : edit.add) {
    uint64_t count = 1;
    for (uint64_t d : dims)
      count *= d;
    std::vector<float> ones(count, 1.0f);
    ASSERT_FALSE(
        bool(writer.addTensorFromFloats(name, dims, GGMLType::F32, ones)));
  }
  llvm::SmallString<128> path;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("llama-variant", "gguf", path));
  out.path = path.str().str();
  llvm::Error err = writer.write(out.path, /*overwrite=*/true);
  ASSERT_FALSE(bool(err)) << llvm::toString(std::move(err));
}

// The error readLlamaConfig gives for the variant, or "" if it reads.
std::string configError(const Edit &edit) {
  TempFile variant;
  writeVariant(edit, variant);
  llvm::Expected<GGUFFile> file = GGUFFile::open(variant.path);
  if (!file)
    return "open: " + llvm::toString(file.takeError());
  llvm::Expected<LlamaConfig> config = readLlamaConfig(*file);
  return config ? "" : llvm::toString(config.takeError());
}

GGUFValue u32(uint64_t v) { return GGUFValue::ofUnsigned(GGUFValueType::UInt32, v); }
GGUFValue f32(double v) { return GGUFValue::ofFloat(GGUFValueType::Float32, v); }

// stories260K (dim 64, 8 heads of 8, 4 KV heads, FFN 172, 5 layers) turned
// into `arch`: llama.* keys renamed, the tensors the architecture adds with
// unit values (the fused ones replace phi3's separate matrices), the head
// tied for gemma. `arch` must outlive the edit (the value points to it).
Edit archEdit(llvm::StringRef arch) {
  Edit edit;
  edit.metadata["general.architecture"] = GGUFValue::ofString(arch);
  llvm::Expected<GGUFFile> file = GGUFFile::open(kStories);
  if (!file) {
    ADD_FAILURE() << llvm::toString(file.takeError());
    return edit;
  }
  for (const auto &[key, value] : file->metadata().entries())
    if (key.starts_with("llama.")) {
      edit.metadata[key.str()] = std::nullopt;
      edit.metadata[arch.str() + "." + key.drop_front(6).str()] = value;
    }
  bool gemma = arch == "gemma2" || arch == "gemma3";
  if (gemma)
    edit.dropTensors.insert("output.weight");
  if (arch == "gemma3")
    edit.metadata["gemma3.attention.sliding_window"] = u32(16);
  for (int l = 0; l < 5; ++l) {
    std::string b = "blk." + std::to_string(l) + ".";
    if (arch == "qwen3" || arch == "gemma3") {
      edit.add[b + "attn_q_norm.weight"] = {8};
      edit.add[b + "attn_k_norm.weight"] = {8};
    }
    if (gemma) {
      edit.add[b + "post_attention_norm.weight"] = {64};
      edit.add[b + "post_ffw_norm.weight"] = {64};
    }
    if (arch == "phi3") {
      for (const char *name : {"attn_q", "attn_k", "attn_v", "ffn_gate",
                               "ffn_up"})
        edit.dropTensors.insert(b + name + ".weight");
      edit.add[b + "attn_qkv.weight"] = {64, 64 + 2 * 32};
      edit.add[b + "ffn_up.weight"] = {64, 2 * 172};
    }
  }
  return edit;
}

// readLlamaConfig and buildLlamaStep on the variant.
struct ArchModel {
  TempFile file;
  std::optional<GGUFFile> gguf;
  LlamaConfig config;
};

void loadArch(const Edit &edit, ArchModel &m) {
  writeVariant(edit, m.file);
  llvm::Expected<GGUFFile> file = GGUFFile::open(m.file.path);
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  m.gguf.emplace(std::move(*file));
  llvm::Expected<LlamaConfig> c = readLlamaConfig(*m.gguf);
  ASSERT_TRUE(bool(c)) << llvm::toString(c.takeError());
  m.config = *c;
}

TEST(LlamaModel, ReadsStories260K) {
  llvm::Expected<GGUFFile> file = GGUFFile::open(kStories);
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  llvm::Expected<LlamaConfig> c = readLlamaConfig(*file);
  ASSERT_TRUE(bool(c)) << llvm::toString(c.takeError());
  EXPECT_EQ(c->vocabSize, 512);
  EXPECT_EQ(c->embeddingSize, 64);
  EXPECT_EQ(c->layers, 5);
  EXPECT_EQ(c->heads, 8);
  EXPECT_EQ(c->kvHeads, 4);
  EXPECT_EQ(c->headSize, 8);
  EXPECT_EQ(c->ffnSize, 172);
  EXPECT_EQ(c->ropeDims, 8);
  EXPECT_EQ(c->ropeBase, 10000.0); // no llama.rope.freq_base: the default
  EXPECT_FLOAT_EQ(c->rmsEpsilon, 1e-5);
  EXPECT_EQ(c->trainContext, 2048);
  EXPECT_FALSE(c->tiedOutput);
}

TEST(LlamaModel, StepSignatures) {
  llvm::Expected<GGUFFile> file = GGUFFile::open(kStories);
  ASSERT_TRUE(bool(file));
  llvm::Expected<LlamaConfig> c = readLlamaConfig(*file);
  ASSERT_TRUE(bool(c));
  for (int64_t tokens : {1, 16}) {
    Graph g("step");
    llvm::Error err = buildLlamaStep(g, *file, *c, tokens, /*context=*/128);
    ASSERT_FALSE(bool(err)) << llvm::toString(std::move(err));
    std::string ir = g.str();
    std::string t = std::to_string(tokens);
    EXPECT_NE(ir.find("tensor<" + t + "xi64>"), std::string::npos) << ir;
    // Per layer, keys [kv_heads, head_dim, context], values [kv_heads,
    // context, head_dim].
    EXPECT_NE(ir.find("tensor<4x8x128xf32>"), std::string::npos);
    EXPECT_NE(ir.find("tensor<4x128x8xf32>"), std::string::npos);
    // Outputs: the logits, then per layer this call's keys and values, the
    // cache's shapes with T slots; the cache itself is only read.
    EXPECT_NE(ir.find("k_new_0"), std::string::npos) << ir;
    EXPECT_NE(ir.find("tensor<4x8x" + t + "xf32>"), std::string::npos);
    EXPECT_NE(ir.find("tensor<4x" + t + "x8xf32>"), std::string::npos);
    // Output head, norms and every block's weights are params named as in
    // the GGUF file, plus the two RoPE tables.
    std::vector<TensorInfo> params = g.params();
    EXPECT_EQ(params.size(), 3 + 5 * 9 + 2u);
  }
}

TEST(LlamaModel, QuantizedWeightsAreReadInPlace) {
  // A Q8_0 embedding (and tied head: no output.weight) and a Q4_0
  // projection: params of their raw bytes, [rows, blocks x block bytes].
  TempFile variant;
  writeVariant({{},
                {"output.weight"},
                {{"token_embd.weight", GGMLType::Q8_0},
                 {"blk.0.attn_q.weight", GGMLType::Q4_0}}},
               variant);
  llvm::Expected<GGUFFile> file = GGUFFile::open(variant.path);
  ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
  llvm::Expected<LlamaConfig> c = readLlamaConfig(*file);
  ASSERT_TRUE(bool(c)) << llvm::toString(c.takeError());
  EXPECT_TRUE(c->tiedOutput);
  Graph g("step");
  llvm::Error err = buildLlamaStep(g, *file, *c, /*tokens=*/4, /*context=*/32);
  ASSERT_FALSE(bool(err)) << llvm::toString(std::move(err));
  std::string ir = g.str();
  EXPECT_NE(ir.find("born.param \"token_embd.weight\" : tensor<512x68xi8>"),
            std::string::npos)
      << ir;
  EXPECT_NE(ir.find("born.dequantize q8_0"), std::string::npos);
  EXPECT_NE(ir.find("born.quantized_matmul q8_0"), std::string::npos); // head
  EXPECT_NE(ir.find("born.param \"blk.0.attn_q.weight\" : tensor<64x36xi8>"),
            std::string::npos);
  EXPECT_NE(ir.find("born.quantized_matmul q4_0"), std::string::npos);
  Weights weights;
  err = loadLlamaWeights(*file, *c, g, weights);
  ASSERT_FALSE(bool(err)) << llvm::toString(std::move(err));
}

TEST(LlamaModel, ErrorsNameTheKeyOrTensor) {
  {
    std::string e = configError(
        {{{"general.architecture", GGUFValue::ofString("gpt2")}}, {}, {}});
    EXPECT_NE(e.find("general.architecture is 'gpt2'; supported: llama, "
                     "qwen2, qwen3, gemma2, gemma3, phi3"),
              std::string::npos)
        << e;
  }
  {
    std::string e = configError({{{"llama.block_count", std::nullopt}}, {}, {}});
    EXPECT_NE(e.find("llama.block_count"), std::string::npos) << e;
  }
  {
    std::string e = configError({{{"llama.attention.head_count", u32(7)}}, {}, {}});
    EXPECT_NE(e.find("llama.embedding_length (64) is not a multiple of "
                     "llama.attention.head_count (7)"),
              std::string::npos)
        << e;
  }
  {
    // 8 KV heads make K and V [64, 64]: the file's [32, 64] no longer fit.
    std::string e =
        configError({{{"llama.attention.head_count_kv", u32(8)}}, {}, {}});
    EXPECT_NE(e.find("tensor 'blk.0.attn_k.weight' has shape [32, 64] "
                     "(row-major), expected [64, 64]"),
              std::string::npos)
        << e;
  }
  {
    std::string e = configError({{}, {"blk.3.ffn_up.weight"}, {}});
    EXPECT_NE(e.find("tensor 'blk.3.ffn_up.weight' is missing"),
              std::string::npos)
        << e;
  }
  {
    // Quantized matrices are read in place; vectors must stay float.
    EXPECT_EQ(configError({{}, {}, {{"blk.1.attn_q.weight", GGMLType::Q8_0}}}),
              "");
    std::string e =
        configError({{}, {}, {{"output_norm.weight", GGMLType::Q8_0}}});
    EXPECT_NE(e.find("tensor 'output_norm.weight' is Q8_0: only matrices may "
                     "be quantized, a 1-D tensor must be F32, F16 or BF16"),
              std::string::npos)
        << e;
  }
  {
    std::string e = configError({{{"llama.rope.dimension_count", u32(16)}}, {}, {}});
    EXPECT_NE(e.find("llama.rope.dimension_count (16) must be even and at "
                     "most the head size (8)"),
              std::string::npos)
        << e;
  }
}

TEST(LlamaModel, Qwen2NeedsBiasesAndItsOwnKeys) {
  // Only the architecture changes: the keys are still llama.*.
  std::string e = configError(
      {{{"general.architecture", GGUFValue::ofString("qwen2")}}, {}, {}});
  EXPECT_NE(e.find("qwen2.embedding_length"), std::string::npos) << e;
  // With qwen2.* keys, the Q/K/V biases are missing.
  Edit edit;
  edit.metadata["general.architecture"] = GGUFValue::ofString("qwen2");
  llvm::Expected<GGUFFile> file = GGUFFile::open(kStories);
  ASSERT_TRUE(bool(file));
  for (const auto &[key, value] : file->metadata().entries())
    if (key.starts_with("llama.")) {
      edit.metadata[key.str()] = std::nullopt;
      edit.metadata["qwen2." + key.drop_front(6).str()] = value;
    }
  e = configError(edit);
  EXPECT_NE(e.find("tensor 'blk.0.attn_q.bias' is missing"), std::string::npos)
      << e;
}

TEST(LlamaModel, OtherArchitectures) {
  {
    ArchModel m;
    loadArch(archEdit("qwen3"), m);
    EXPECT_TRUE(m.config.qkNorm && m.config.neoxRope);
    EXPECT_EQ(m.config.ropeScale, 1.0);
    EXPECT_FALSE(m.config.qkvBias || m.config.gemma || m.config.sliding(0));
    EXPECT_DOUBLE_EQ(m.config.queryScale, 1.0 / std::sqrt(8.0));
  }
  {
    // gemma2 with llama.cpp's defaults: window 4096 on even layers,
    // softcaps 50 and 30.
    ArchModel m;
    loadArch(archEdit("gemma2"), m);
    const LlamaConfig &c = m.config;
    EXPECT_TRUE(c.gemma && c.tiedOutput && !c.qkNorm);
    EXPECT_EQ(c.slidingWindow, 4096);
    EXPECT_TRUE(c.sliding(0) && !c.sliding(1) && c.sliding(2));
    EXPECT_EQ(c.attnSoftcap, 50.0);
    EXPECT_EQ(c.finalSoftcap, 30.0);
    EXPECT_EQ(c.ropeBaseSwa, c.ropeBase);
  }
  {
    // gemma3: 5 sliding layers to 1 global, local RoPE base 10000 (its own
    // tables when the global base differs), no softcaps.
    Edit edit = archEdit("gemma3");
    edit.metadata["gemma3.rope.freq_base"] = f32(1e6);
    edit.metadata["gemma3.rope.scaling.type"] = GGUFValue::ofString("linear");
    edit.metadata["gemma3.rope.scaling.factor"] = f32(8);
    edit.metadata["gemma3.attention.key_length"] = u32(16);
    edit.metadata["gemma3.attention.value_length"] = u32(16);
    edit.metadata["gemma3.rope.dimension_count"] = u32(16);
    for (int l = 0; l < 5; ++l) {
      std::string b = "blk." + std::to_string(l) + ".";
      edit.dropTensors.insert(b + "attn_q.weight");
      edit.dropTensors.insert(b + "attn_k.weight");
      edit.dropTensors.insert(b + "attn_v.weight");
      edit.dropTensors.insert(b + "attn_output.weight");
      edit.add[b + "attn_q.weight"] = {64, 8 * 16};
      edit.add[b + "attn_k.weight"] = {64, 4 * 16};
      edit.add[b + "attn_v.weight"] = {64, 4 * 16};
      edit.add[b + "attn_output.weight"] = {8 * 16, 64};
      edit.add[b + "attn_q_norm.weight"] = {16};
      edit.add[b + "attn_k_norm.weight"] = {16};
    }
    ArchModel m;
    loadArch(edit, m);
    const LlamaConfig &c = m.config;
    EXPECT_EQ(c.headSize, 16); // key_length, not 64 / 8
    EXPECT_DOUBLE_EQ(c.queryScale, 1.0 / std::sqrt(16.0));
    EXPECT_EQ(c.slidingWindow, 16);
    for (int l = 0; l < 12; ++l)
      EXPECT_EQ(c.sliding(l), l % 6 != 5) << l;
    EXPECT_EQ(c.ropeBaseSwa, 10000.0);
    EXPECT_EQ(c.ropeScale, 0.125); // linear scaling for the global layers
    EXPECT_EQ(c.ropeScaleSwa, 1.0);
    EXPECT_EQ(c.attnSoftcap, 0.0);
    EXPECT_EQ(c.finalSoftcap, 0.0);
    Graph g("prefill");
    llvm::Error err = buildLlamaStep(g, *m.gguf, c, 4, 32);
    ASSERT_FALSE(bool(err)) << llvm::toString(std::move(err));
    Weights weights;
    err = loadLlamaWeights(*m.gguf, c, g, weights);
    ASSERT_FALSE(bool(err)) << llvm::toString(std::move(err));
    EXPECT_TRUE(weights.contains("rope.cos"));
    EXPECT_TRUE(weights.contains("rope_swa.cos"));
    // Keys of head_dim 16 = key_length in the cache.
    EXPECT_NE(g.str().find("tensor<4x16x32xf32>"), std::string::npos);
  }
  {
    ArchModel m;
    loadArch(archEdit("phi3"), m);
    EXPECT_TRUE(m.config.fusedQKV && m.config.fusedGateUp);
    EXPECT_FALSE(m.config.sliding(0));
    Graph g("decode");
    llvm::Error err = buildLlamaStep(g, *m.gguf, m.config, 1, 16);
    ASSERT_FALSE(bool(err)) << llvm::toString(std::move(err));
    for (const TensorInfo &p : g.params())
      EXPECT_NE(p.name, "blk.0.ffn_gate.weight");
  }
}

TEST(LlamaModel, OtherArchitecturesErrors) {
  auto errorOf = [](Edit edit) { return configError(edit); };
  auto expectError = [](const std::string &e, const std::string &part) {
    EXPECT_NE(e.find(part), std::string::npos) << e;
    EXPECT_NE(e.find(".gguf: "), std::string::npos) << e; // the file
  };
  {
    Edit edit = archEdit("qwen3");
    edit.dropTensors.insert("blk.2.attn_k_norm.weight");
    edit.add.erase("blk.2.attn_k_norm.weight");
    expectError(errorOf(edit), "tensor 'blk.2.attn_k_norm.weight' is missing");
  }
  {
    Edit edit = archEdit("qwen3");
    edit.metadata["qwen3.attention.value_length"] = u32(16);
    expectError(errorOf(edit), "qwen3.attention.value_length (16) differs "
                               "from qwen3.attention.key_length (8)");
  }
  {
    Edit edit = archEdit("qwen3");
    edit.metadata["qwen3.rope.dimension_count"] = u32(4);
    expectError(errorOf(edit), "qwen3.rope.dimension_count (4) must equal "
                               "the head size (8)");
  }
  {
    Edit edit = archEdit("gemma3");
    edit.metadata["gemma3.attention.sliding_window"] = std::nullopt;
    expectError(errorOf(edit), "gemma3.attention.sliding_window is missing");
  }
  {
    // A per-layer pattern (an array) is not read.
    Edit edit = archEdit("gemma3");
    edit.metadata["gemma3.attention.sliding_window_pattern"] =
        GGUFValue::ofArray(GGUFValueType::Bool, {});
    expectError(errorOf(edit),
                "metadata key 'gemma3.attention.sliding_window_pattern'");
  }
  {
    Edit edit = archEdit("gemma2");
    edit.dropTensors.erase("output.weight");
    expectError(errorOf(edit), "tensor 'output.weight' is unexpected");
  }
  {
    Edit edit = archEdit("gemma2");
    edit.dropTensors.insert("blk.4.post_ffw_norm.weight");
    edit.add.erase("blk.4.post_ffw_norm.weight");
    expectError(errorOf(edit), "tensor 'blk.4.post_ffw_norm.weight' is missing");
  }
  {
    // Llama 3.1's frequency factors: one per rotated pair (stories260K's
    // heads rotate 8 dims), each positive.
    Edit edit;
    edit.add["rope_freqs.weight"] = {5};
    expectError(errorOf(edit), "tensor 'rope_freqs.weight' must be F32 of 4 "
                               "values (one per rotated pair of "
                               "llama.rope.dimension_count = 8)");
  }
  {
    // Phi-3's 128k models: longrope factors come in pairs (long, short),
    // one per rotated pair each; the attention factor must be positive.
    Edit edit = archEdit("phi3");
    edit.add["rope_factors_long.weight"] = {4};
    expectError(errorOf(edit), "longrope RoPE scaling needs both tensors "
                               "rope_factors_long.weight and "
                               "rope_factors_short.weight");
    edit.add["rope_factors_short.weight"] = {3};
    expectError(errorOf(edit), "tensor 'rope_factors_short.weight' must be "
                               "F32 of 4 values");
    edit = archEdit("phi3");
    edit.metadata["phi3.rope.scaling.type"] = GGUFValue::ofString("longrope");
    expectError(errorOf(edit), "longrope RoPE scaling needs both tensors");
    edit = archEdit("phi3");
    edit.metadata["phi3.rope.scaling.attn_factor"] = f32(-1.19);
    expectError(errorOf(edit), "phi3.rope.scaling.attn_factor = -1.190000 "
                               "must be positive");
  }
  {
    Edit edit = archEdit("phi3");
    edit.dropTensors.insert("blk.1.ffn_up.weight");
    edit.add["blk.1.ffn_up.weight"] = {64, 172};
    expectError(errorOf(edit), "tensor 'blk.1.ffn_up.weight' has shape [172, "
                               "64] (row-major), expected [344, 64] from 2 x "
                               "phi3.feed_forward_length");
  }
  {
    Edit edit = archEdit("qwen3");
    edit.metadata["qwen3.rope.scaling.type"] = GGUFValue::ofString("dynamic");
    expectError(errorOf(edit), "qwen3.rope.scaling.type 'dynamic' is not "
                               "supported yet (none, linear, yarn and "
                               "longrope are)");
    edit = archEdit("qwen3");
    edit.metadata["qwen3.rope.scaling.type"] = GGUFValue::ofString("yarn");
    edit.metadata["qwen3.rope.scaling.yarn_log_multiplier"] = f32(0.1);
    expectError(errorOf(edit), "qwen3.rope.scaling.yarn_log_multiplier = "
                               "0.100000 is not supported yet (only "
                               "0.000000)");
    edit = archEdit("qwen3");
    edit.metadata["qwen3.rope.scaling.factor"] = f32(-2);
    expectError(errorOf(edit), "qwen3.rope.scaling.factor = -2.000000 must "
                               "be positive");
  }
}

TEST(LlamaModel, TiedOutputHead) {
  TempFile variant;
  writeVariant({{}, {"output.weight"}, {}}, variant);
  llvm::Expected<GGUFFile> file = GGUFFile::open(variant.path);
  ASSERT_TRUE(bool(file));
  llvm::Expected<LlamaConfig> c = readLlamaConfig(*file);
  ASSERT_TRUE(bool(c)) << llvm::toString(c.takeError());
  EXPECT_TRUE(c->tiedOutput);
  Graph g("decode");
  ASSERT_FALSE(bool(buildLlamaStep(g, *file, *c, 1, 16)));
  for (const TensorInfo &p : g.params())
    EXPECT_NE(p.name, "output.weight");
}

TEST(LlamaModel, FloatWeightsOfAnyWidth) {
  // F16 weights become f16 params cast to f32 in the graph.
  TempFile variant;
  writeVariant({{}, {}, {{"blk.0.ffn_up.weight", GGMLType::F16}}}, variant);
  llvm::Expected<GGUFFile> file = GGUFFile::open(variant.path);
  ASSERT_TRUE(bool(file));
  llvm::Expected<LlamaConfig> c = readLlamaConfig(*file);
  ASSERT_TRUE(bool(c)) << llvm::toString(c.takeError());
  Graph g("decode");
  ASSERT_FALSE(bool(buildLlamaStep(g, *file, *c, 1, 16)));
  Weights weights;
  llvm::Error err = loadLlamaWeights(*file, *c, g, weights);
  ASSERT_FALSE(bool(err)) << llvm::toString(std::move(err));
  EXPECT_NE(g.str().find("tensor<172x64xf16>"), std::string::npos);
  EXPECT_TRUE(weights.contains("blk.0.ffn_up.weight"));
  EXPECT_TRUE(weights.contains("rope.cos"));
  EXPECT_TRUE(weights.contains("rope.sin"));
}

TEST(VocabBlob, RoundTrip) {
  VocabDescription vocab;
  std::string error;
  ASSERT_TRUE(loadVocabFromGGUF(kStories, vocab, &error)) << error;
  // uint32 -1 special ids (separator, padding) read as unset.
  EXPECT_FALSE(vocab.sepId.has_value());
  EXPECT_FALSE(vocab.padId.has_value());
  EXPECT_EQ(vocab.bosId, 1);
  // stories260K has no tokenizer.chat_template; give it one to carry.
  EXPECT_EQ(vocab.chatTemplate, "");
  vocab.chatTemplate = "{% for message in messages %}<|im_start|>"
                       "{{ message['role'] }}\n{% endfor %}";
  std::string blob = serializeVocab(vocab);
  VocabDescription back;
  ASSERT_TRUE(deserializeVocab(reinterpret_cast<const uint8_t *>(blob.data()),
                               blob.size(), back, &error))
      << error;
  EXPECT_EQ(back.model, vocab.model);
  EXPECT_EQ(back.tokens, vocab.tokens);
  EXPECT_EQ(back.scores, vocab.scores);
  EXPECT_EQ(back.tokenTypes, vocab.tokenTypes);
  EXPECT_EQ(back.merges, vocab.merges);
  EXPECT_EQ(back.bosId, vocab.bosId);
  EXPECT_EQ(back.eosId, vocab.eosId);
  EXPECT_EQ(back.unkId, vocab.unkId);
  EXPECT_EQ(back.sepId, vocab.sepId);
  EXPECT_EQ(back.addBos, vocab.addBos);
  EXPECT_EQ(back.modelName, vocab.modelName);
  EXPECT_EQ(back.chatTemplate, vocab.chatTemplate);
  std::unique_ptr<Tokenizer> a = Tokenizer::create(vocab, &error);
  std::unique_ptr<Tokenizer> b = Tokenizer::create(back, &error);
  ASSERT_TRUE(a && b) << error;
  EXPECT_EQ(a->encode("Once upon a time", true),
            b->encode("Once upon a time", true));

  // Truncated or foreign bytes are refused.
  EXPECT_FALSE(deserializeVocab(reinterpret_cast<const uint8_t *>(blob.data()),
                                blob.size() - 3, back, &error));
  EXPECT_NE(error.find("truncated or malformed"), std::string::npos) << error;
  const uint8_t junk[16] = {1, 2, 3};
  EXPECT_FALSE(deserializeVocab(junk, sizeof junk, back, &error));
  EXPECT_NE(error.find("bad magic"), std::string::npos) << error;
}

} // namespace
