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
    EXPECT_NE(e.find("general.architecture is 'gpt2'; supported: llama, qwen2"),
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
