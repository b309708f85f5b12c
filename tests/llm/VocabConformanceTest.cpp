// llama.cpp's tokenizer test cases (ggml-vocab-NAME.gguf.inp / .out from
// ../shared/testdata/gguf-vocab.tar.xz): every input must give exactly the
// expected ids, tokenized as llama.cpp's test does it (no BOS/EOS, special
// tokens in the text not parsed).
#include "compiler/LLM/GGUFVocab.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

using namespace born::llm;

namespace {

struct Case {
  std::string text;
  std::vector<TokenId> ids;
};

bool readFile(const std::string &path, std::string &out) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return false;
  std::ostringstream s;
  s << in.rdbuf();
  out = s.str();
  return true;
}

// Inputs are separated by "\n__ggml_vocab_test__\n" (which also ends the
// file); the expected ids of input i are line i of the .out file.
std::vector<Case> readCases(const std::string &base) {
  std::string inputs, outputs;
  EXPECT_TRUE(readFile(base + ".inp", inputs)) << base << ".inp";
  EXPECT_TRUE(readFile(base + ".out", outputs)) << base << ".out";
  const std::string separator = "\n__ggml_vocab_test__\n";
  std::vector<Case> cases;
  for (size_t pos = 0; pos < inputs.size();) {
    size_t next = inputs.find(separator, pos);
    if (next == std::string::npos)
      next = inputs.size();
    cases.push_back({inputs.substr(pos, next - pos), {}});
    pos = next == inputs.size() ? next : next + separator.size();
  }
  std::istringstream lines(outputs);
  std::string line;
  size_t i = 0;
  for (; std::getline(lines, line); ++i) {
    if (i >= cases.size())
      break;
    std::istringstream ids(line);
    for (long id; ids >> id;)
      cases[i].ids.push_back(TokenId(id));
  }
  EXPECT_EQ(i, cases.size()) << base << ": inputs and expected outputs differ in number";
  return cases;
}

std::string show(const std::vector<TokenId> &ids) {
  std::string s;
  for (TokenId id : ids)
    s += " " + std::to_string(id);
  return s;
}

class VocabConformance : public testing::TestWithParam<std::string> {};

TEST_P(VocabConformance, MatchesLlamaCpp) {
  const std::string base = std::string(BORN_VOCAB_DIR) + "/ggml-vocab-" + GetParam() + ".gguf";
  if (!std::ifstream(base + ".inp"))
    GTEST_SKIP() << base << ".inp not found (extract ../shared/testdata/gguf-vocab.tar.xz)";
  if (!std::ifstream(base))
    GTEST_SKIP() << "the test data has cases but no vocab file for " << GetParam();

  VocabDescription vocab;
  std::string error;
  ASSERT_TRUE(loadVocabFromGGUF(base, vocab, &error)) << error;
  auto tokenizer = Tokenizer::create(vocab, &error);
  ASSERT_TRUE(tokenizer) << error;

  const std::vector<Case> cases = readCases(base);
  size_t passed = 0, failed = 0;
  for (const Case &c : cases) {
    const std::vector<TokenId> ids = tokenizer->encode(c.text, /*addSpecial=*/false);
    if (ids == c.ids) {
      ++passed;
      continue;
    }
    ++failed;
    ADD_FAILURE() << GetParam() << ": '" << c.text << "'\n  expected" << show(c.ids)
                  << "\n  got     " << show(ids);
  }
  std::cout << "[ vocab " << GetParam() << " ] " << passed << " passed, " << failed
            << " failed\n";
  EXPECT_GT(passed, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    LlamaCppVocabs, VocabConformance,
    testing::Values("llama-spm", "phi-3", "gpt-2", "falcon", "mpt", "starcoder", "refact",
                    "deepseek-llm", "deepseek-coder", "bert-bge", "llama-bpe", "qwen2",
                    "deepseek-r1-qwen", "command-r", "chameleon", "roberta-bpe"),
    [](const testing::TestParamInfo<std::string> &info) {
      std::string name = info.param;
      for (char &c : name)
        if (!isalnum(static_cast<unsigned char>(c)))
          c = '_';
      return name;
    });

} // namespace
