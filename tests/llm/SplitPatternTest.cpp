// The pre-tokenizer pattern matcher: ECMAScript semantics on code points.
#include "llm/split_pattern.h"
#include "llm/unicode.h"

#include <gtest/gtest.h>

using namespace born::llm;

namespace {

std::vector<std::string> split(const std::string &pattern, const std::string &text) {
  SplitPattern p;
  std::string error;
  EXPECT_TRUE(p.compile(pattern, &error)) << error;
  const std::vector<uint32_t> cps = decodeUtf8(text);
  std::vector<std::string> out;
  for (auto [begin, end] : p.split(cps, {{0, cps.size()}})) {
    std::string s;
    for (size_t i = begin; i < end; ++i)
      appendUtf8(cps[i], s);
    out.push_back(s);
  }
  return out;
}

using Pieces = std::vector<std::string>;

TEST(SplitPattern, Gpt2Words) {
  const char *gpt2 = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))";
  EXPECT_EQ(split(gpt2, "Hello, world! It's 42"),
            (Pieces{"Hello", ",", " world", "!", " It", "'s", " 42"}));
  // \s+(?!\S) leaves the last space to the word after it; a lone newline
  // before a word matches nothing and stays a piece of its own.
  EXPECT_EQ(split(gpt2, "a   b\nc"), (Pieces{"a", "  ", " b", "\n", "c"}));
  EXPECT_EQ(split(gpt2, "нещо на"), (Pieces{"нещо", " на"}));
}

TEST(SplitPattern, AlternativesInOrderNotLongest) {
  // ECMAScript takes the first alternative that matches, not the longest.
  EXPECT_EQ(split("a|ab", "ab"), (Pieces{"a", "b"}));
  EXPECT_EQ(split("ab|a", "ab"), (Pieces{"ab"}));
}

TEST(SplitPattern, CountedRepeatAndLookahead) {
  EXPECT_EQ(split(R"(\p{N}{1,3})", "1234567"), (Pieces{"123", "456", "7"}));
  EXPECT_EQ(split(R"(\d+(?=x))", "12x34"), (Pieces{"12", "x34"}));
  EXPECT_EQ(split(R"(\s+$)", "a  b  "), (Pieces{"a  b", "  "}));
}

TEST(SplitPattern, ClassesWithRangesAndEscapes) {
  EXPECT_EQ(split(R"([\p{P}\$\+<=>\^~\|]+)", "a+=b...c"), (Pieces{"a", "+=", "b", "...", "c"}));
  EXPECT_EQ(split("[一-龥]+", "ab中文cd"), (Pieces{"ab", "中文", "cd"}));
}

TEST(SplitPattern, NonAsciiWhitespaceIsSpaceNotItsCodePoint) {
  // U+3000 (ideographic space) is \s; a literal range containing it does not
  // match it (llama.cpp's std::regex sees '\v' there).
  EXPECT_EQ(split("[　-。]+", "a　b。"), (Pieces{"a　b", "。"}));
  EXPECT_EQ(split(R"(\s+)", "a　b"), (Pieces{"a", "　", "b"}));
}

TEST(SplitPattern, RejectsWhatItCannotMatch) {
  SplitPattern p;
  std::string error;
  EXPECT_FALSE(p.compile(R"(\p{Lu}+)", &error));
  EXPECT_NE(error.find("\\p{Lu}"), std::string::npos) << error;
  EXPECT_FALSE(p.compile("(?i:'s)", &error));
  EXPECT_NE(error.find("(?i"), std::string::npos) << error;
  EXPECT_FALSE(p.compile("a+?", &error));
  EXPECT_FALSE(p.compile("[abc", &error));
  EXPECT_NE(error.find("unterminated"), std::string::npos) << error;
  EXPECT_FALSE(p.compile("(ab", &error));
  EXPECT_FALSE(p.compile("ab)", &error));
}

} // namespace

TEST(SplitPattern, Llama3Words) {
  const char *llama3 =
      R"((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
  EXPECT_EQ(split(llama3, "Hello, y'all! I'M 1234\n\n  x"),
            (Pieces{"Hello", ",", " y", "'all", "!", " I", "'M", " ", "123", "4", "\n\n", " ",
                    " x"}));
}
