#include "llm/tokenizer.h"

#include "llm/unicode.h"

#include <algorithm>
#include <cstring>
#include <queue>

namespace born::llm {

namespace {

// Token attributes, as llama.cpp derives them from the token types and a few
// model-specific rules.
enum Attr : uint32_t {
  AttrUnknown = 1u << 0,
  AttrUnused = 1u << 1,
  AttrNormal = 1u << 2,
  AttrControl = 1u << 3,
  AttrUserDefined = 1u << 4,
  AttrByte = 1u << 5,
  AttrLStrip = 1u << 7,
  AttrRStrip = 1u << 8,
};

uint32_t attrsOfType(int32_t type) {
  switch (TokenType(type)) {
  case TokenType::Normal: return AttrNormal;
  case TokenType::Unknown: return AttrUnknown;
  case TokenType::Control: return AttrControl;
  case TokenType::UserDefined: return AttrUserDefined;
  case TokenType::Unused: return AttrUnused;
  case TokenType::Byte: return AttrByte;
  default: return 0;
  }
}

const char kSpaceMarker[] = "\xE2\x96\x81"; // U+2581, SentencePiece's space

void replaceAll(std::string &s, const std::string &from, const std::string &to) {
  std::string out;
  out.reserve(s.size());
  size_t pos = 0;
  for (size_t hit; (hit = s.find(from, pos)) != std::string::npos; pos = hit + from.size())
    out.append(s, pos, hit - pos).append(to);
  out.append(s, pos, std::string::npos);
  s.swap(out);
}

bool isAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// ---- Pre-tokenizer families (tokenizer.ggml.pre) ----
// The split patterns come from each family's tokenizer.json, with the
// case-insensitive group of the llama3 ones spelled out as llama.cpp does.

const char kGpt2[] =
    R"re('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S))re";
const char kLlama3[] =
    R"re((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
const char kQwen2[] =
    R"re((?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)re";
// Deepseek-llm's letters (the cased letters of an older Unicode). Code
// points are escaped: normalizing editors turn some (U+1FBE, U+2126, U+212A,
// ...) into their canonical equivalents, which breaks the ranges.
const char kDeepSeekLetters[] =
    "\\s?["
    "A-Za-z\u00B5\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u01BA\u01BC-\u01BF\u01C4-\u0293"
    "\u0295-\u02AF\u0370-\u0373\u0376\u0377\u037B-\u037D\u037F\u0386\u0388-\u038A"
    "\u038C\u038E-\u03A1\u03A3-\u03F5\u03F7-\u0481\u048A-\u052F\u0531-\u0556"
    "\u10A0-\u10C5\u13A0-\u13F5\u13F8-\u13FD\u1C90-\u1CBA\u1CBD-\u1CBF\u1D00-\u1D2B"
    "\u1D6B-\u1D77\u1D79-\u1D9A\u1E00-\u1F15\u1F18-\u1F1D\u1F20-\u1F45\u1F48-\u1F4D"
    "\u1F50-\u1F57\u1F59\u1F5B\u1F5D\u1F5F-\u1F7D\u1F80-\u1FB4\u1FB6-\u1FBC\u1FBE"
    "\u1FC2-\u1FC4\u1FC6-\u1FCC\u1FD0-\u1FD3\u1FD6-\u1FDB\u1FE0-\u1FEC\u1FF2-\u1FF4"
    "\u1FF6-\u1FFC\u2102\u2107\u210A-\u2113\u2115\u2119-\u211D\u2124\u2126\u2128"
    "\u212A-\u212D\u212F-\u2134\u2139\u213C-\u213F\u2145-\u2149\u214E\u2183\u2184"
    "\u2C00-\u2C7B\u2C7E-\u2CE4\u2CEB-\u2CEE\u2CF2\u2CF3\uA640-\uA66D\uA680-\uA69B"
    "\uA722-\uA76F\uA771-\uA787\uA78B-\uA78E\uAB70-\uABBF\uFB00-\uFB06\uFB13-\uFB17"
    "\uFF21-\uFF3A\uFF41-\uFF5A\U00010400-\U0001044F\U000104B0-\U000104D3"
    "\U000104D8-\U000104FB\U00010C80-\U00010CB2\U00010CC0-\U00010CF2"
    "\U000118A0-\U000118DF\U0001E900-\U0001E943"
    "]+";
const char kCjk[] = "[\u4E00-\u9FA5\u0800-\u4E00\uAC00-\uD7FF]+"; // 一-龥ࠀ-一가-퟿
const char kNordic[] = " ?[^(\\s|.,!?\u2026\u3002\uFF0C\u3001\u0964\u06D4\u060C)]+"; // …。，、।۔،

struct Family {
  std::vector<const char *> names;
  std::vector<const char *> patterns;
  bool cleanSpaces = true;
  bool ignoreMerges = false;
  bool addBos = false;
};

const std::vector<Family> &families() {
  static const std::vector<Family> all = {
      {{"default"},
       {R"re([\p{P}\$\+<=>\^~\|]+)re", kGpt2, R"re(\p{N}+)re", "[0-9][0-9][0-9]"}},
      {{"llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2"},
       {kLlama3}, true, true, true},
      {{"dbrx", "smaug-bpe", "chatglm-bpe", "glm4"}, {kLlama3}},
      {{"deepseek-llm"},
       {R"re([\r\n])re", kDeepSeekLetters, "\\s?[!-/:-~\uFF01-\uFF0F\uFF1A-\uFF5E\u2018-\u201F\u3000-\u3002]+", R"re(\s+$)re",
        kCjk, R"re(\p{N}+)re"},
       false},
      {{"deepseek-coder"},
       {R"re([\r\n])re", R"re(\s?\p{L}+)re", R"re(\s?\p{P}+)re", kCjk, R"re(\p{N})re"},
       false},
      {{"falcon"}, {R"re([\p{P}\$\+<=>\^~\|`]+)re", kGpt2, "[0-9][0-9][0-9]"}},
      {{"starcoder", "refact", "codeshell", "exaone", "minerva-7b"}, {R"re(\p{N})re", kGpt2}},
      {{"command-r", "smollm"}, {R"re(\p{N})re", kGpt2}, false},
      {{"gpt-2", "phi-2", "mpt", "olmo", "jais", "exaone4", "jina-es", "jina-de", "jina-v2-es",
        "jina-v2-de", "jina-v1-en", "jina-v2-code", "roberta-bpe", "gigachat", "a.x-4.0",
        "mellum", "modern-bert"},
       {kGpt2}},
      {{"trillion", "granite-docling"}, {kGpt2}, false},
      {{"qwen2", "deepseek-r1-qwen", "kormo"}, {kQwen2}, false},
      {{"stablelm2", "megrez"}, {kQwen2}},
      {{"poro-chat"}, {kNordic}, false},
      {{"bloom", "gpt3-finnish"}, {kNordic}},
      {{"viking"}, {kNordic, R"re(\p{N})re"}, false},
      {{"chameleon"},
       {"<sentinel:[0-9]+>", "(IMGIMG)((A|B|C|D|E|F|G|H|I){1,4})Z", "([\\t\\n]|    |  )",
        R"re(\p{N})re", R"re([\p{P}!-/:-@\[-`{-~])re", kGpt2},
       false, false, true},
  };
  return all;
}

const Family *findFamily(const std::string &name) {
  for (const Family &family : families())
    for (const char *n : family.names)
      if (name == n)
        return &family;
  return nullptr;
}

// Tokens llama.cpp treats as control (and, the end-of-generation ones, as
// stops) by their text, whatever their type says.
const char *const kEndOfGenerationTexts[] = {
    "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>",
    "<EOT>", "_<EOT>", "<|end_of_text|>", "<end_of_utterance>",
    "<\uFF5Cend\u2581of\u2581sentence\uFF5C>"}; // DeepSeek's
const char *const kFillInTheMiddleTexts[] = {
    "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<PRE>", "\xE2\x96\x81<PRE>",
    "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<SUF>", "\xE2\x96\x81<SUF>",
    "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<MID>", "\xE2\x96\x81<MID>",
    "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "<|fim_repo|>", "<|repo_name|>",
    "<fim-repo>", "<REPO>", "<reponame>", "<|file_sep|>"};

} // namespace

// ---- Construction ----

std::unique_ptr<Tokenizer> Tokenizer::create(const VocabDescription &vocab, std::string *error) {
  std::unique_ptr<Tokenizer> tokenizer(new Tokenizer());
  if (!tokenizer->init(vocab, error))
    return nullptr;
  return tokenizer;
}

bool Tokenizer::init(const VocabDescription &vocab, std::string *error) {
  auto fail = [&](const std::string &message) {
    if (error)
      *error = message;
    return false;
  };

  // Defaults by model kind (llama.cpp's), then what the metadata says.
  std::optional<TokenId> bos, eos, unk, sep;
  const Family *family = nullptr;
  if (vocab.model == "llama") {
    kind_ = Kind::SentencePiece;
    bos = 1, eos = 2, unk = 0;
    addSpacePrefix_ = true;
    addBos_ = true;
  } else if (vocab.model == "gpt2") {
    kind_ = Kind::BytePairs;
    bos = 11, eos = 11;
    const std::string pre = vocab.pre.empty() ? "default" : vocab.pre;
    family = findFamily(pre);
    if (!family)
      return fail("tokenizer.ggml.pre: unsupported pre-tokenizer '" + pre + "'");
    cleanSpaces_ = family->cleanSpaces;
    ignoreMerges_ = family->ignoreMerges;
    addBos_ = family->addBos;
  } else if (vocab.model == "bert") {
    kind_ = Kind::WordPiece;
    bos = 101, unk = 100, sep = 102;
    cleanSpaces_ = true;
    addBos_ = true;
    addSep_ = true;
  } else {
    return fail("tokenizer.ggml.model: unsupported tokenizer model '" + vocab.model +
                "' (expected llama, gpt2 or bert)");
  }

  const size_t n = vocab.tokens.size();
  if (n == 0)
    return fail("tokenizer.ggml.tokens: the vocabulary is empty");
  if (n > size_t(INT32_MAX))
    return fail("tokenizer.ggml.tokens: too many tokens");
  if (!vocab.scores.empty() && vocab.scores.size() < n)
    return fail("tokenizer.ggml.scores: " + std::to_string(vocab.scores.size()) +
                " scores for " + std::to_string(n) + " tokens");
  if (!vocab.tokenTypes.empty() && vocab.tokenTypes.size() < n)
    return fail("tokenizer.ggml.token_type: " + std::to_string(vocab.tokenTypes.size()) +
                " types for " + std::to_string(n) + " tokens");

  tokens_.resize(n);
  ids_.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    Token &token = tokens_[i];
    token.text = vocab.tokens[i];
    if (token.text.empty()) // as llama.cpp: unmatchable, but keeps the ids
      token.text = "[EMPTY_" + std::to_string(i) + "]";
    if (!ids_.emplace(token.text, TokenId(i)).second)
      return fail("tokenizer.ggml.tokens: token " + std::to_string(i) + " '" + token.text +
                  "' repeats token " + std::to_string(ids_[token.text]));
    token.score = vocab.scores.empty() ? 0.0f : vocab.scores[i];
    token.attrs = vocab.tokenTypes.empty() ? AttrNormal : attrsOfType(vocab.tokenTypes[i]);
    maxTokenBytes_ = std::max(maxTokenBytes_, token.text.size());
  }

  if (kind_ == Kind::BytePairs) {
    if (vocab.merges.empty())
      return fail("tokenizer.ggml.merges: missing (a gpt2 tokenizer needs its merges)");
    mergeRanks_.reserve(vocab.merges.size());
    for (size_t i = 0; i < vocab.merges.size(); ++i) {
      const std::string &merge = vocab.merges[i];
      // The separator is the first space after the first byte (a merge may
      // start with a space-like character).
      if (merge.size() < 3 || merge.find(' ', 1) == std::string::npos)
        return fail("tokenizer.ggml.merges: merge " + std::to_string(i) + " '" + merge +
                    "' is not 'left right'");
      mergeRanks_.emplace(merge, int(i)); // the first of duplicates wins
    }
    for (const char *pattern : family->patterns) {
      patterns_.emplace_back();
      if (!patterns_.back().compile(pattern, error))
        return false;
    }
  }

  // Special ids: an explicit one must exist; a default that does not is off.
  auto special = [&](const char *key, const std::optional<int64_t> &given,
                     std::optional<TokenId> fallback, TokenId &id) {
    if (given) {
      if (*given < 0 || uint64_t(*given) >= n)
        return fail(std::string(key) + ": token id " + std::to_string(*given) +
                    " is outside the vocabulary of " + std::to_string(n) + " tokens");
      id = TokenId(*given);
    } else {
      id = fallback && size_t(*fallback) < n ? *fallback : kNoToken;
    }
    return true;
  };
  TokenId pad = kNoToken, eot = kNoToken;
  if (!special("tokenizer.ggml.bos_token_id", vocab.bosId, bos, bos_) ||
      !special("tokenizer.ggml.eos_token_id", vocab.eosId, eos, eos_) ||
      !special("tokenizer.ggml.unknown_token_id", vocab.unkId, unk, unk_) ||
      !special("tokenizer.ggml.seperator_token_id", vocab.sepId, sep, sep_) ||
      !special("tokenizer.ggml.padding_token_id", vocab.padId, std::nullopt, pad) ||
      !special("tokenizer.ggml.eot_token_id", vocab.eotId, std::nullopt, eot))
    return false;
  (void)pad;
  if (family && (vocab.pre == "chatglm-bpe" || vocab.pre == "glm4") && !vocab.bosId)
    bos_ = kNoToken;

  if (vocab.addBos)
    addBos_ = *vocab.addBos;
  if (vocab.addEos)
    addEos_ = *vocab.addEos;
  if (vocab.addSpacePrefix)
    addSpacePrefix_ = *vocab.addSpacePrefix;
  if (addBos_ && bos_ == kNoToken)
    return fail("tokenizer.ggml.add_bos_token: BOS is to be added (said so or the "
                "default here), but tokenizer.ggml.bos_token_id names no token");
  if (addEos_ && eos_ == kNoToken)
    return fail("tokenizer.ggml.add_eos_token: EOS is to be added, but "
                "tokenizer.ggml.eos_token_id names no token");

  // Control-looking tokens are control whatever their type; the
  // end-of-generation ones also stop generation.
  for (const char *text : kFillInTheMiddleTexts)
    if (TokenId id = find(text); id != kNoToken)
      tokens_[id].attrs |= AttrControl;
  for (const char *text : kEndOfGenerationTexts)
    if (TokenId id = find(text); id != kNoToken) {
      tokens_[id].attrs |= AttrControl;
      endOfGeneration_.push_back(id);
    }
  // gpt-oss renders these as text.
  for (const char *text : {"<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"})
    if (TokenId id = find(text); id != kNoToken)
      tokens_[id].attrs = AttrUserDefined;
  for (TokenId id : {eos_, eot})
    if (id != kNoToken)
      endOfGeneration_.push_back(id);

  for (size_t i = 0; i < n; ++i)
    if (tokens_[i].attrs & (AttrControl | AttrUserDefined | AttrUnknown))
      specialTokens_.push_back(TokenId(i));
  std::sort(specialTokens_.begin(), specialTokens_.end(), [&](TokenId a, TokenId b) {
    const size_t la = tokens_[a].text.size(), lb = tokens_[b].text.size();
    return la != lb ? la > lb : a < b;
  });

  // Phi-3 strips the whitespace after its special tokens.
  std::string name = vocab.modelName;
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  if (name.find("phi-3") != std::string::npos || name.find("phi3") != std::string::npos) {
    for (TokenId id : specialTokens_)
      tokens_[id].attrs |= AttrRStrip;
    auto setRStrip = [&](const char *text, bool on) {
      if (TokenId id = find(text); id != kNoToken)
        tokens_[id].attrs = on ? tokens_[id].attrs | AttrRStrip : tokens_[id].attrs & ~AttrRStrip;
    };
    setRStrip("</s>", true);
    for (const char *text : {"<unk>", "<s>", "<|endoftext|>"})
      setRStrip(text, false);
  }
  return true;
}

TokenId Tokenizer::find(const std::string &text) const {
  auto it = ids_.find(text);
  return it == ids_.end() ? kNoToken : it->second;
}

bool Tokenizer::isEndOfGeneration(TokenId id) const {
  return id != kNoToken &&
         std::find(endOfGeneration_.begin(), endOfGeneration_.end(), id) != endOfGeneration_.end();
}

// ---- Encoding ----

// Cuts the special tokens written in the text out of it, longest first, so
// the tokenizer proper never sees them. Control and unknown tokens count
// only with `parseSpecial`.
void Tokenizer::partitionSpecial(const std::string &text, bool parseSpecial,
                                 std::vector<Fragment> &fragments) const {
  fragments.clear();
  if (!text.empty())
    fragments.push_back({kNoToken, 0, text.size()});
  std::vector<Fragment> next;
  for (TokenId id : specialTokens_) {
    const Token &special = tokens_[id];
    if (!parseSpecial && (special.attrs & (AttrControl | AttrUnknown)))
      continue;
    next.clear();
    for (const Fragment &fragment : fragments) {
      if (fragment.token != kNoToken) {
        next.push_back(fragment);
        continue;
      }
      size_t pos = fragment.offset;
      const size_t end = fragment.offset + fragment.size;
      while (pos < end) {
        const size_t hit = text.find(special.text, pos);
        if (hit == std::string::npos || hit + special.text.size() > end)
          break;
        size_t leftEnd = hit;
        if (special.attrs & AttrLStrip)
          while (leftEnd > pos && isAsciiSpace(text[leftEnd - 1]))
            --leftEnd;
        if (leftEnd > pos)
          next.push_back({kNoToken, pos, leftEnd - pos});
        next.push_back({id, 0, 0});
        pos = hit + special.text.size();
        if (special.attrs & AttrRStrip)
          while (pos < end && isAsciiSpace(text[pos]))
            ++pos;
      }
      if (pos < end)
        next.push_back({kNoToken, pos, end - pos});
    }
    fragments.swap(next);
  }
}

std::vector<TokenId> Tokenizer::encode(const std::string &text, bool addSpecial,
                                       bool parseSpecial) const {
  std::vector<Fragment> fragments;
  partitionSpecial(text, parseSpecial, fragments);

  std::vector<TokenId> out;
  if (addSpecial && addBos_)
    out.push_back(bos_);
  bool previousSpecial = true; // SentencePiece: the first text gets a leading space
  for (const Fragment &fragment : fragments) {
    if (fragment.token != kNoToken) {
      out.push_back(fragment.token);
      previousSpecial = true;
      continue;
    }
    std::string piece = text.substr(fragment.offset, fragment.size);
    switch (kind_) {
    case Kind::SentencePiece:
      if (addSpacePrefix_ && previousSpecial)
        piece.insert(0, 1, ' ');
      replaceAll(piece, " ", kSpaceMarker);
      encodeSentencePiece(piece, out);
      break;
    case Kind::BytePairs:
      encodeBytePairs(piece, out);
      break;
    case Kind::WordPiece:
      encodeWordPiece(piece, out);
      break;
    }
    previousSpecial = false;
  }
  if (addSpecial && kind_ == Kind::WordPiece && addSep_ && sep_ != kNoToken)
    out.push_back(sep_);
  if (addSpecial && addEos_)
    out.push_back(eos_);
  return out;
}

TokenId Tokenizer::byteToken(uint8_t byte) const {
  static const char hex[] = "0123456789ABCDEF";
  const char name[] = {'<', '0', 'x', hex[byte >> 4], hex[byte & 15], '>', 0};
  TokenId id = find(name);
  if (id == kNoToken)
    id = find(std::string(1, char(byte)));
  return id == kNoToken ? unk_ : id;
}

namespace {
// A run of text in the merge loop: a doubly linked list over the input.
struct Symbol {
  int prev, next;
  size_t offset, size; // size 0: merged into its left neighbour
};

std::vector<Symbol> splitCharacters(const std::string &text) {
  std::vector<Symbol> symbols;
  for (size_t offset = 0; offset < text.size();) {
    const size_t size = std::min(utf8SequenceLength(uint8_t(text[offset])), text.size() - offset);
    const int index = int(symbols.size());
    symbols.push_back({index - 1, offset + size == text.size() ? -1 : index + 1, offset, size});
    offset += size;
  }
  return symbols;
}

void mergeInto(std::vector<Symbol> &symbols, int left, int right) {
  Symbol &l = symbols[left];
  Symbol &r = symbols[right];
  l.size += r.size;
  r.size = 0;
  l.next = r.next;
  if (r.next >= 0)
    symbols[r.next].prev = left;
}
} // namespace

// SentencePiece BPE: repeatedly merge the adjacent pair whose concatenation
// is the vocabulary's highest-scoring token (the leftmost on ties); what is
// left that is no token becomes byte tokens.
void Tokenizer::encodeSentencePiece(const std::string &text, std::vector<TokenId> &out) const {
  std::vector<Symbol> symbols = splitCharacters(text);
  struct Candidate {
    int left, right;
    float score;
    size_t size;
  };
  auto lower = [](const Candidate &a, const Candidate &b) {
    return a.score < b.score || (a.score == b.score && a.left > b.left);
  };
  std::priority_queue<Candidate, std::vector<Candidate>, decltype(lower)> queue(lower);
  auto consider = [&](int left, int right) {
    if (left < 0 || right < 0)
      return;
    const size_t size = symbols[left].size + symbols[right].size;
    const TokenId id = find(text.substr(symbols[left].offset, size));
    if (id != kNoToken)
      queue.push({left, right, tokens_[id].score, size});
  };
  for (int i = 1; i < int(symbols.size()); ++i)
    consider(i - 1, i);
  while (!queue.empty()) {
    const Candidate best = queue.top();
    queue.pop();
    const Symbol &l = symbols[best.left];
    const Symbol &r = symbols[best.right];
    // Stale: one side has changed since the pair was queued.
    if (l.size == 0 || r.size == 0 || l.size + r.size != best.size)
      continue;
    mergeInto(symbols, best.left, best.right);
    consider(symbols[best.left].prev, best.left);
    consider(best.left, symbols[best.left].next);
  }
  for (int i = symbols.empty() ? -1 : 0; i != -1; i = symbols[i].next) {
    const std::string piece = text.substr(symbols[i].offset, symbols[i].size);
    const TokenId id = find(piece);
    if (id != kNoToken) {
      out.push_back(id);
      continue;
    }
    for (char byte : piece)
      out.push_back(byteToken(uint8_t(byte)));
  }
}

int Tokenizer::bpeRank(const std::string &left, const std::string &right) const {
  auto it = mergeRanks_.find(left + " " + right);
  return it == mergeRanks_.end() ? -1 : it->second;
}

// Byte-level BPE: split the text with the family's patterns, map each
// word's bytes to GPT-2's printable alphabet, then repeatedly merge the
// adjacent pair of lowest merge rank (the leftmost on ties).
void Tokenizer::encodeBytePairs(const std::string &text, std::vector<TokenId> &out) const {
  const std::vector<uint32_t> cps = decodeUtf8(text);
  std::vector<std::pair<size_t, size_t>> pieces;
  if (!cps.empty())
    pieces.push_back({0, cps.size()});
  for (const SplitPattern &pattern : patterns_)
    pieces = pattern.split(cps, pieces);

  struct Candidate {
    int left, right;
    int rank;
    std::string text;
  };
  auto later = [](const Candidate &a, const Candidate &b) {
    return a.rank > b.rank || (a.rank == b.rank && a.left > b.left);
  };
  for (const auto &[begin, end] : pieces) {
    // Invalid UTF-8 reaches BPE as U+FFFD, as in llama.cpp.
    std::string utf8;
    for (size_t i = begin; i < end; ++i)
      appendUtf8(cps[i], utf8);
    std::string word;
    for (char byte : utf8)
      word += byteToUnicode(uint8_t(byte));

    if (ignoreMerges_) {
      if (TokenId id = find(word); id != kNoToken) {
        out.push_back(id);
        continue;
      }
    }
    std::vector<Symbol> symbols = splitCharacters(word);
    std::priority_queue<Candidate, std::vector<Candidate>, decltype(later)> queue(later);
    auto consider = [&](int left, int right) {
      if (left < 0 || right < 0)
        return;
      const std::string l = word.substr(symbols[left].offset, symbols[left].size);
      const std::string r = word.substr(symbols[right].offset, symbols[right].size);
      const int rank = bpeRank(l, r);
      if (rank >= 0)
        queue.push({left, right, rank, l + r});
    };
    for (int i = 1; i < int(symbols.size()); ++i)
      consider(i - 1, i);
    while (!queue.empty()) {
      const Candidate best = queue.top();
      queue.pop();
      const Symbol &l = symbols[best.left];
      const Symbol &r = symbols[best.right];
      if (l.size == 0 || r.size == 0 || l.size + r.size != best.text.size() ||
          word.compare(l.offset, best.text.size(), best.text) != 0 || l.next != best.right)
        continue;
      mergeInto(symbols, best.left, best.right);
      consider(symbols[best.left].prev, best.left);
      consider(best.left, symbols[best.left].next);
    }
    for (int i = symbols.empty() ? -1 : 0; i != -1; i = symbols[i].next) {
      const std::string piece = word.substr(symbols[i].offset, symbols[i].size);
      if (TokenId id = find(piece); id != kNoToken) {
        out.push_back(id);
        continue;
      }
      // No token for the symbol: its bytes one by one, where they are
      // tokens (llama.cpp drops the others).
      for (char byte : piece)
        if (TokenId id = find(std::string(1, byte)); id != kNoToken)
          out.push_back(id);
    }
  }
}

// WordPiece (BERT): normalize (NFD base letters, lowercase, no controls or
// marks), split at whitespace and around punctuation and CJK characters,
// then take the longest vocabulary match from the left; a word with a
// position nothing matches is one unknown token.
void Tokenizer::encodeWordPiece(const std::string &text, std::vector<TokenId> &out) const {
  auto isChinese = [](uint32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
           (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
  };
  std::vector<std::string> words(1);
  for (uint32_t cp : decodeUtf8(text)) {
    cp = nfdBase(cp);
    if (isWhitespace(cp)) {
      if (!words.back().empty())
        words.emplace_back();
      continue;
    }
    const CharClass cls = charClass(cp);
    if (cp == 0 || cp == 0xFFFD || cls == CharClass::Control || cls == CharClass::Mark)
      continue;
    std::string s;
    appendUtf8(toLower(cp), s);
    if (cls == CharClass::Punctuation || (cp < 0x7F && cls == CharClass::Symbol) ||
        isChinese(cp)) {
      if (!words.back().empty())
        words.emplace_back();
      words.back() = s;
      words.emplace_back();
    } else {
      words.back() += s;
    }
  }
  for (const std::string &word : words) {
    if (word.empty())
      continue;
    const std::string marked = kSpaceMarker + word; // word starts carry U+2581
    const size_t start = out.size();
    for (size_t i = 0; i < marked.size();) {
      size_t j = std::min(marked.size(), i + maxTokenBytes_ + 1);
      TokenId id = kNoToken;
      for (; j > i; --j)
        if ((id = find(marked.substr(i, j - i))) != kNoToken)
          break;
      if (id == kNoToken) {
        out.resize(start);
        break;
      }
      out.push_back(id);
      i = j;
    }
    if (out.size() == start)
      out.push_back(unk_);
  }
}

// ---- Decoding ----

std::string Tokenizer::tokenToPiece(TokenId id, bool renderSpecial) const {
  if (id < 0 || size_t(id) >= tokens_.size())
    return std::string();
  const Token &token = tokens_[id];
  if (token.attrs & (AttrControl | AttrUnknown))
    return renderSpecial ? token.text : std::string();
  if (token.attrs & AttrUserDefined)
    return token.text;
  if (token.attrs & AttrByte) {
    // "<0xXX>"
    return std::string(1, char(std::strtol(token.text.substr(3, 2).c_str(), nullptr, 16)));
  }
  if (!(token.attrs & AttrNormal))
    return std::string();
  if (kind_ == Kind::BytePairs) {
    std::string bytes;
    for (uint32_t cp : decodeUtf8(token.text)) {
      std::string utf8;
      appendUtf8(cp, utf8);
      const int byte = unicodeToByte(utf8);
      if (byte >= 0)
        bytes += char(byte);
      else
        bytes += utf8; // not from the byte alphabet: keep it as text
    }
    return bytes;
  }
  std::string piece = token.text;
  replaceAll(piece, kSpaceMarker, " ");
  return piece;
}

std::string Tokenizer::decode(const std::vector<TokenId> &ids, bool removeSpecial,
                              bool renderSpecial) const {
  size_t first = 0, last = ids.size();
  bool removeSpace = addSpacePrefix_;
  if (removeSpecial && addBos_ && last > first && ids[first] == bos_) {
    removeSpace = false;
    ++first;
  }
  if (removeSpecial && addEos_ && last > first && ids[last - 1] == eos_)
    --last;
  std::string text;
  for (size_t i = first; i < last; ++i) {
    std::string piece = tokenToPiece(ids[i], renderSpecial);
    if (removeSpace && !piece.empty() && piece[0] == ' ')
      piece.erase(0, 1);
    removeSpace = false;
    text += piece;
  }
  if (!cleanSpaces_ || text.empty())
    return text;

  // Hugging Face's clean_up_tokenization_spaces, as llama.cpp does it:
  // " ?", " !", " .", " ,", " ' ", " 's", " 'm", " 're", " 've" lose a space.
  std::string a;
  a += text[0];
  for (size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (text[i - 1] == ' ' && (c == '?' || c == '!' || c == '.' || c == ','))
      a.pop_back();
    a += c;
  }
  std::string b;
  b += a[0];
  char previous = a[0]; // a dropped space no longer counts as one
  for (size_t i = 1; i < a.size(); ++i) {
    const char c = a[i];
    if (c == '\'' && i + 1 < a.size() && previous == ' ' && a[i + 1] == ' ') {
      b.pop_back();
      b += c;
      ++i; // and the space after it
      previous = 0;
      continue;
    }
    b += c;
    previous = c;
  }
  std::string result;
  result += b[0];
  for (size_t i = 1; i < b.size(); ++i) {
    const char c = b[i];
    if (b[i - 1] == ' ' && c == '\'' && i + 1 < b.size()) {
      const char c1 = b[i + 1];
      const char c2 = i + 2 < b.size() ? b[i + 2] : 0;
      if (c1 == 's' || c1 == 'm' || (c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e'))
        result.pop_back();
    }
    result += c;
  }
  return result;
}

} // namespace born::llm
