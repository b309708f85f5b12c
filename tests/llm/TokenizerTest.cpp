// Tokenizers on small vocabularies whose results are worked out by hand,
// decoding on the real vocab files, and the errors bad descriptions give.
#include "compiler/LLM/GGUFVocab.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace born::llm;

namespace {

int32_t type(TokenType t) { return int32_t(t); }

// <unk> <s> </s>, the 256 byte tokens, then scored pieces.
VocabDescription smallSentencePiece() {
  VocabDescription v;
  v.model = "llama";
  v.tokens = {"<unk>", "<s>", "</s>"};
  v.tokenTypes = {type(TokenType::Unknown), type(TokenType::Control), type(TokenType::Control)};
  v.scores = {0, 0, 0};
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    v.tokens.push_back(name);
    v.tokenTypes.push_back(type(TokenType::Byte));
    v.scores.push_back(0);
  }
  const std::pair<const char *, float> pieces[] = {
      {"\xE2\x96\x81", -5}, {"h", -5}, {"e", -5}, {"l", -5}, {"o", -5}, {"\xE2\x96\x81h", -1},
      {"el", -2}, {"ll", -0.5f}, {"lo", -3}, {"\xE2\x96\x81he", -1.5f}};
  for (auto [text, score] : pieces) {
    v.tokens.push_back(text);
    v.tokenTypes.push_back(type(TokenType::Normal));
    v.scores.push_back(score);
  }
  return v;
}

std::unique_ptr<Tokenizer> make(const VocabDescription &v) {
  std::string error;
  auto t = Tokenizer::create(v, &error);
  EXPECT_TRUE(t) << error;
  return t;
}

std::vector<TokenId> ids(const Tokenizer &t, std::initializer_list<const char *> texts) {
  std::vector<TokenId> out;
  for (const char *text : texts) {
    out.push_back(t.find(text));
    EXPECT_NE(out.back(), kNoToken) << text;
  }
  return out;
}

std::string createError(const VocabDescription &v) {
  std::string error;
  EXPECT_FALSE(Tokenizer::create(v, &error));
  return error;
}

} // namespace

TEST(SentencePiece, MergesHighestScoreFirst) {
  auto t = make(smallSentencePiece());
  // "▁hello": ll (-0.5) first, then ▁h (-1), then ▁he (-1.5); "el" and "lo"
  // lost their letters before their turn.
  EXPECT_EQ(t->encode("hello", false), ids(*t, {"\xE2\x96\x81he", "ll", "o"}));
  EXPECT_EQ(t->encode("hello", true), (std::vector<TokenId>{1, t->find("\xE2\x96\x81he"),
                                                             t->find("ll"), t->find("o")}));
  // The space SentencePiece adds goes when the ids start with text; after a
  // BOS it stays (llama.cpp's detokenizer does the same).
  EXPECT_EQ(t->decode(t->encode("hello", false)), "hello");
  EXPECT_EQ(t->decode(t->encode("hello", true), /*removeSpecial=*/true), " hello");
}

TEST(SentencePiece, ByteFallbackAndDecode) {
  auto t = make(smallSentencePiece());
  // 'é' is no piece: its two UTF-8 bytes.
  const std::vector<TokenId> got = t->encode("h\xC3\xA9", false);
  EXPECT_EQ(got, ids(*t, {"\xE2\x96\x81h", "<0xC3>", "<0xA9>"}));
  EXPECT_EQ(t->decode(got), "h\xC3\xA9");
  EXPECT_EQ(t->tokenToPiece(t->find("<0x41>")), "A");
}

TEST(SentencePiece, ControlTokensInTextOnlyWhenParsed) {
  auto t = make(smallSentencePiece());
  const std::vector<TokenId> parsed = t->encode("hello</s>", false, /*parseSpecial=*/true);
  ASSERT_FALSE(parsed.empty());
  EXPECT_EQ(parsed.back(), 2);
  const std::vector<TokenId> plain = t->encode("hello</s>", false, false);
  EXPECT_EQ(std::count(plain.begin(), plain.end(), 2), 0);
  EXPECT_EQ(t->decode(plain), "hello</s>");
  // Control tokens render only when asked.
  EXPECT_EQ(t->tokenToPiece(2), "");
  EXPECT_EQ(t->tokenToPiece(2, /*renderSpecial=*/true), "</s>");
  EXPECT_TRUE(t->isEndOfGeneration(2));
}

TEST(BytePairs, MergesLowestRankFirst) {
  VocabDescription v;
  v.model = "gpt2";
  v.pre = "gpt-2";
  v.tokens = {"h", "e", "l", "o", "\xC4\xA0", "w", "r", "d", "he", "ll", "hell", "hello",
              "\xC4\xA0w", "or", "\xC4\xA0wor", "<|endoftext|>"};
  v.merges = {"h e", "l l", "he ll", "hell o", "\xC4\xA0 w", "o r", "\xC4\xA0w or"};
  v.eosId = 15;
  auto t = make(v);
  // " world": Ġ w (4) before o r (5), then Ġw or (6); "l d" is no merge.
  const std::vector<TokenId> got = t->encode("hello world", false);
  EXPECT_EQ(got, ids(*t, {"hello", "\xC4\xA0wor", "l", "d"}));
  EXPECT_EQ(t->decode(got), "hello world");
  // The tokenizer's own control token (auto-detected as end of generation).
  EXPECT_TRUE(t->isEndOfGeneration(15));
  EXPECT_EQ(t->encode("hello<|endoftext|>", false, true).back(), 15);
}

TEST(BytePairs, UserDefinedTokensAlwaysMatch) {
  VocabDescription v;
  v.model = "gpt2";
  v.pre = "gpt-2";
  v.tokens = {"a", "b", "\xC4\xA0", "[X]"};
  v.tokenTypes = {1, 1, 1, type(TokenType::UserDefined)};
  v.merges = {"a b"};
  auto t = make(v);
  EXPECT_EQ(t->encode("a[X]b", false), (std::vector<TokenId>{0, 3, 1}));
}

TEST(Tokenizer, BadDescriptionsNameTheKey) {
  VocabDescription v = smallSentencePiece();
  v.model = "rwkv";
  EXPECT_NE(createError(v).find("tokenizer.ggml.model"), std::string::npos);

  v = smallSentencePiece();
  v.tokens.clear();
  EXPECT_NE(createError(v).find("tokenizer.ggml.tokens"), std::string::npos);

  v = smallSentencePiece();
  v.scores.resize(5);
  EXPECT_NE(createError(v).find("tokenizer.ggml.scores"), std::string::npos);

  v = smallSentencePiece();
  v.tokenTypes.resize(5);
  EXPECT_NE(createError(v).find("tokenizer.ggml.token_type"), std::string::npos);

  v = smallSentencePiece();
  v.tokens[7] = v.tokens[8];
  EXPECT_NE(createError(v).find("repeats token"), std::string::npos);

  v = smallSentencePiece();
  v.bosId = 100000;
  EXPECT_NE(createError(v).find("tokenizer.ggml.bos_token_id"), std::string::npos);

  VocabDescription bpe;
  bpe.model = "gpt2";
  bpe.tokens = {"a", "b"};
  bpe.merges = {"a b"};
  bpe.pre = "no-such-family";
  EXPECT_NE(createError(bpe).find("'no-such-family'"), std::string::npos);
  bpe.pre = "gpt-2";
  bpe.merges = {"ab"};
  EXPECT_NE(createError(bpe).find("tokenizer.ggml.merges: merge 0"), std::string::npos);
  bpe.merges.clear();
  EXPECT_NE(createError(bpe).find("tokenizer.ggml.merges"), std::string::npos);
  bpe.merges = {"a b"};
  bpe.addBos = true; // gpt2's default BOS (11) is outside this vocabulary
  EXPECT_NE(createError(bpe).find("add_bos_token"), std::string::npos);
}

TEST(BytePairs, EveryKnownFamilyCompiles) {
  VocabDescription v;
  v.model = "gpt2";
  v.tokens = {"a", "b"};
  v.merges = {"a b"};
  v.addBos = false; // llama3's default BOS (11) is outside this vocabulary
  for (const char *pre :
       {"", "default", "llama3", "llama-bpe", "dbrx", "deepseek-llm", "deepseek-coder", "falcon",
        "starcoder", "refact", "command-r", "gpt-2", "mpt", "olmo", "qwen2", "stablelm2",
        "poro-chat", "bloom", "viking", "chameleon", "smollm", "chatglm-bpe"}) {
    v.pre = pre;
    std::string error;
    EXPECT_TRUE(Tokenizer::create(v, &error)) << pre << ": " << error;
  }
}

// Decoding the real vocabularies gives the text back.
class VocabRoundTrip : public testing::TestWithParam<std::string> {};

TEST_P(VocabRoundTrip, DecodeInvertsEncode) {
  const std::string path = std::string(BORN_VOCAB_DIR) + "/ggml-vocab-" + GetParam() + ".gguf";
  if (!std::ifstream(path))
    GTEST_SKIP() << path << " not found";
  VocabDescription vocab;
  std::string error;
  ASSERT_TRUE(loadVocabFromGGUF(path, vocab, &error)) << error;
  auto t = make(vocab);
  ASSERT_TRUE(t);
  for (const char *text :
       {"Hello world", "  two spaces\n\tand a tab", "\xD0\xBD\xD0\xB5\xD1\x89\xD0\xBE 🦙.cpp 3333",
        "I've been 'told he's there"}) {
    EXPECT_EQ(t->decode(t->encode(text, /*addSpecial=*/false)), text) << GetParam();
  }
}

INSTANTIATE_TEST_SUITE_P(LlamaCppVocabs, VocabRoundTrip,
                         testing::Values("llama-spm", "gpt-2", "falcon", "mpt", "starcoder",
                                         "deepseek-llm", "deepseek-coder"),
                         [](const testing::TestParamInfo<std::string> &info) {
                           std::string name = info.param;
                           for (char &c : name)
                             if (!isalnum(static_cast<unsigned char>(c)))
                               c = '_';
                           return name;
                         });
