// The regular expressions of byte-level BPE pre-tokenizers (from each model
// family's tokenizer.json), matched over code points by a small backtracking
// matcher with ECMAScript semantics: the leftmost match, alternatives tried
// in order, greedy quantifiers. That is what llama.cpp gets from std::regex,
// so the split points, and therefore the token ids, agree.
//
// Supported: literals, `.`, classes `[...]` / `[^...]` with ranges, `\s \S
// \d \D \w \W`, `\p{L} \p{N} \p{P} \p{S} \p{M}`, groups `(...)` `(?:...)`,
// lookaheads `(?=...)` `(?!...)`, `$`, and the greedy quantifiers `? * +
// {n} {n,} {n,m}`. Anything else is an error, not a silent mismatch.
#ifndef BORN_RUNTIME_LLM_SPLIT_PATTERN_H
#define BORN_RUNTIME_LLM_SPLIT_PATTERN_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace born::llm {

class SplitPattern {
public:
  // Parses `pattern` (UTF-8); on failure returns false and says why.
  bool compile(const std::string &pattern, std::string *error);

  // The end of the match that starts at `pos` in text[begin, end), or -1.
  // Lookaheads and `$` see only up to `end`.
  long matchAt(const uint32_t *text, size_t begin, size_t end, size_t pos) const;

  // Splits each piece (a [begin, end) range of `text`) into the matches and
  // the unmatched stretches between them, in order.
  std::vector<std::pair<size_t, size_t>>
  split(const std::vector<uint32_t> &text,
        const std::vector<std::pair<size_t, size_t>> &pieces) const;

  const std::string &source() const { return pattern_; }

private:
  enum class Kind { Class, Sequence, Alternation, Repeat, LookAhead, NegativeLookAhead, End };
  struct Node {
    Kind kind = Kind::Sequence;
    // Class: code point ranges and character classes (ClassBit mask).
    std::vector<std::pair<uint32_t, uint32_t>> ranges;
    uint32_t classes = 0;
    bool negated = false;
    // Sequence, Alternation: the parts; Repeat, lookaheads: children[0].
    std::vector<int> children;
    int min = 0, max = -1; // Repeat; max -1 is unbounded
  };
  struct Parser;
  struct Matcher;

  bool classMatches(const Node &node, uint32_t cp) const;

  std::string pattern_;
  std::vector<Node> nodes_;
  int root_ = -1;
};

} // namespace born::llm

#endif // BORN_RUNTIME_LLM_SPLIT_PATTERN_H
