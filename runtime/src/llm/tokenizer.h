// Text <-> token ids for LLMs, from the vocabulary a GGUF file describes in
// its tokenizer.ggml.* metadata. Token ids match llama.cpp's:
//   - "llama": SentencePiece-style BPE over scores (spaces become U+2581, a
//     leading space is added, byte fallback through <0xXX> tokens);
//   - "gpt2": byte-level BPE over merge ranks, after the pre-tokenizer split
//     of the family tokenizer.ggml.pre names;
//   - "bert": WordPiece (greedy longest match after BERT's normalization).
// Control, user-defined and unknown tokens written in the text are matched
// as whole tokens where llama.cpp does.
#ifndef BORN_RUNTIME_LLM_TOKENIZER_H
#define BORN_RUNTIME_LLM_TOKENIZER_H

#include "llm/split_pattern.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace born::llm {

using TokenId = int32_t;
constexpr TokenId kNoToken = -1;

// tokenizer.ggml.token_type values.
enum class TokenType : int32_t {
  Undefined = 0,
  Normal = 1,
  Unknown = 2,
  Control = 3,
  UserDefined = 4,
  Unused = 5,
  Byte = 6,
};

// A vocabulary as GGUF metadata describes it (tokenizer.ggml.* keys; the
// compiler can embed one, or the runtime fill one from a GGUF file).
struct VocabDescription {
  std::string model;                // tokenizer.ggml.model: llama, gpt2, bert
  std::string pre;                  // tokenizer.ggml.pre; empty means "default"
  std::vector<std::string> tokens;  // tokenizer.ggml.tokens
  std::vector<float> scores;        // tokenizer.ggml.scores: empty or one per token
  std::vector<int32_t> tokenTypes;  // tokenizer.ggml.token_type: empty or one per token
  std::vector<std::string> merges;  // tokenizer.ggml.merges: "left right", by rank
  // Special ids; unset ones take llama.cpp's defaults for the model kind.
  std::optional<int64_t> bosId, eosId, unkId, sepId, padId, eotId;
  std::optional<bool> addBos, addEos, addSpacePrefix;
  // general.name: a few families set per-token options from it (Phi-3).
  std::string modelName;
  // tokenizer.chat_template: the Jinja chat template, empty when absent
  // (the executable's --chat picks its format from it, llm/chat_template.h).
  std::string chatTemplate;
};

class Tokenizer {
public:
  // Checks the description; errors name the metadata key at fault.
  static std::unique_ptr<Tokenizer> create(const VocabDescription &vocab, std::string *error);

  // `addSpecial` adds BOS/EOS as the vocabulary asks; `parseSpecial` lets
  // control tokens written in the text become those tokens (user-defined
  // ones always do).
  std::vector<TokenId> encode(const std::string &text, bool addSpecial,
                              bool parseSpecial = false) const;
  // The bytes a token stands for; control and unknown tokens are empty
  // unless `renderSpecial`.
  std::string tokenToPiece(TokenId id, bool renderSpecial = false) const;
  // The text of a token sequence: the leading space SentencePiece adds is
  // removed, `removeSpecial` drops the BOS/EOS `encode` adds.
  std::string decode(const std::vector<TokenId> &ids, bool removeSpecial = false,
                     bool renderSpecial = false) const;

  size_t size() const { return tokens_.size(); }
  const std::string &tokenText(TokenId id) const { return tokens_.at(size_t(id)).text; }
  TokenId bos() const { return bos_; }
  TokenId eos() const { return eos_; }
  TokenId unk() const { return unk_; }
  bool addsBos() const { return addBos_; }
  bool addsEos() const { return addEos_; }
  // Whether generation stops at `id` (EOS, EOT and the like).
  bool isEndOfGeneration(TokenId id) const;
  // The token whose text is `text`, or kNoToken.
  TokenId find(const std::string &text) const;

private:
  enum class Kind { SentencePiece, BytePairs, WordPiece };
  struct Token {
    std::string text;
    float score = 0;
    uint32_t attrs = 0; // Attr bits
  };
  struct Fragment {
    TokenId token;       // kNoToken for text
    size_t offset, size; // the text, in the input
  };

  Tokenizer() = default;
  bool init(const VocabDescription &vocab, std::string *error);
  void partitionSpecial(const std::string &text, bool parseSpecial,
                        std::vector<Fragment> &fragments) const;
  void encodeSentencePiece(const std::string &text, std::vector<TokenId> &out) const;
  void encodeBytePairs(const std::string &text, std::vector<TokenId> &out) const;
  void encodeWordPiece(const std::string &text, std::vector<TokenId> &out) const;
  TokenId byteToken(uint8_t byte) const;
  int bpeRank(const std::string &left, const std::string &right) const;

  Kind kind_ = Kind::SentencePiece;
  std::vector<Token> tokens_;
  std::unordered_map<std::string, TokenId> ids_;
  std::unordered_map<std::string, int> mergeRanks_; // "left right" -> rank
  std::vector<SplitPattern> patterns_;
  std::vector<TokenId> specialTokens_; // longest text first
  std::vector<TokenId> endOfGeneration_;
  size_t maxTokenBytes_ = 0;

  TokenId bos_ = kNoToken, eos_ = kNoToken, unk_ = kNoToken, sep_ = kNoToken;
  bool addBos_ = false, addEos_ = false, addSep_ = false;
  bool addSpacePrefix_ = false, cleanSpaces_ = false, ignoreMerges_ = false;
};

} // namespace born::llm

#endif // BORN_RUNTIME_LLM_TOKENIZER_H
