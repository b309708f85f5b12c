// Unicode helpers for the tokenizers: lenient UTF-8 decoding (as llama.cpp
// does it, so token ids match), character classes, GPT-2's byte <-> code
// point mapping, lowercase and NFD base letters.
#ifndef BORN_RUNTIME_LLM_UNICODE_H
#define BORN_RUNTIME_LLM_UNICODE_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace born::llm {

// The general category, coarsened to what pre-tokenizer patterns ask for
// (\p{L}, \p{N}, \p{P}, \p{S}, \p{M}).
enum class CharClass : uint8_t {
  Unassigned,
  Control, // Cc, Cf, Co, Cs
  Letter,
  Mark,
  Number,
  Punctuation,
  Symbol,
  Separator,
};

CharClass charClass(uint32_t cp);
// The Unicode White_Space property (what \s matches).
bool isWhitespace(uint32_t cp);
// Simple lowercase mapping; `cp` itself where there is none.
uint32_t toLower(uint32_t cp);
// The first code point of the NFD decomposition (the base letter of an
// accented one); `cp` itself where it does not decompose.
uint32_t nfdBase(uint32_t cp);
// The Unicode version the tables were generated from.
const char *unicodeVersion();

// Bytes of the UTF-8 sequence a lead byte starts (1 for stray bytes).
size_t utf8SequenceLength(uint8_t lead);
// Decodes UTF-8; a malformed sequence becomes U+FFFD and decoding resumes at
// the next byte.
std::vector<uint32_t> decodeUtf8(const std::string &text);
void appendUtf8(uint32_t cp, std::string &out);

// GPT-2's byte-level BPE alphabet: each byte is a printable code point.
const std::string &byteToUnicode(uint8_t byte);
// The byte of such a code point (UTF-8 encoded), or -1.
int unicodeToByte(const std::string &utf8);

namespace detail {
struct ClassRun {
  uint32_t first;
  CharClass cls;
};
struct CodePointPair {
  uint32_t from;
  uint32_t to;
};
struct NfdRange {
  uint32_t first;
  uint32_t last;
  uint32_t base;
};
extern const char *const kUnicodeVersion;
extern const ClassRun kClassRuns[];
extern const size_t kNumClassRuns;
extern const CodePointPair kLowercase[];
extern const size_t kNumLowercase;
extern const NfdRange kNfdFirst[];
extern const size_t kNumNfdFirst;
} // namespace detail

} // namespace born::llm

#endif // BORN_RUNTIME_LLM_UNICODE_H
