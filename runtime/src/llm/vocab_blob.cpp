#include "llm/vocab_blob.h"

#include <cstring>

namespace born::llm {
namespace {

constexpr char kMagic[8] = {'B', 'O', 'R', 'N', 'V', 'O', 'C', '2'};

class Writer {
public:
  void u32(uint32_t v) { raw(&v, sizeof v); }
  void i64(int64_t v) { raw(&v, sizeof v); }
  void str(const std::string &s) {
    u32(uint32_t(s.size()));
    out.append(s);
  }
  void strings(const std::vector<std::string> &v) {
    u32(uint32_t(v.size()));
    for (const std::string &s : v)
      str(s);
  }
  template <typename T> void pods(const std::vector<T> &v) {
    u32(uint32_t(v.size()));
    raw(v.data(), v.size() * sizeof(T));
  }
  void optionalId(const std::optional<int64_t> &v) {
    out.push_back(v ? 1 : 0);
    i64(v.value_or(0));
  }
  void optionalFlag(const std::optional<bool> &v) {
    out.push_back(v ? 1 : 0);
    out.push_back(v.value_or(false) ? 1 : 0);
  }
  void raw(const void *p, size_t n) { out.append(static_cast<const char *>(p), n); }
  std::string out;
};

// Reads what Writer wrote; any read past the end sets `ok` to false.
class Reader {
public:
  Reader(const uint8_t *data, size_t size) : p(data), end(data + size) {}
  bool raw(void *dst, size_t n) {
    if (!ok || size_t(end - p) < n)
      return ok = false;
    std::memcpy(dst, p, n);
    p += n;
    return true;
  }
  uint32_t u32() {
    uint32_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  int64_t i64() {
    int64_t v = 0;
    raw(&v, sizeof v);
    return v;
  }
  uint8_t byte() {
    uint8_t v = 0;
    raw(&v, 1);
    return v;
  }
  std::string str() {
    uint32_t n = u32();
    if (!ok || size_t(end - p) < n) {
      ok = false;
      return {};
    }
    std::string s(reinterpret_cast<const char *>(p), n);
    p += n;
    return s;
  }
  std::vector<std::string> strings() {
    uint32_t n = u32();
    std::vector<std::string> v;
    for (uint32_t i = 0; ok && i < n; ++i)
      v.push_back(str());
    return v;
  }
  template <typename T> std::vector<T> pods() {
    uint32_t n = u32();
    if (!ok || size_t(end - p) / sizeof(T) < n) {
      ok = false;
      return {};
    }
    std::vector<T> v(n);
    raw(v.data(), n * sizeof(T));
    return v;
  }
  std::optional<int64_t> optionalId() {
    bool present = byte();
    int64_t v = i64();
    return present ? std::optional<int64_t>(v) : std::nullopt;
  }
  std::optional<bool> optionalFlag() {
    bool present = byte();
    bool v = byte();
    return present ? std::optional<bool>(v) : std::nullopt;
  }
  bool ok = true;
  bool atEnd() const { return p == end; }

private:
  const uint8_t *p, *end;
};

} // namespace

std::string serializeVocab(const VocabDescription &vocab) {
  Writer w;
  w.raw(kMagic, sizeof kMagic);
  w.str(vocab.model);
  w.str(vocab.pre);
  w.strings(vocab.tokens);
  w.pods(vocab.scores);
  w.pods(vocab.tokenTypes);
  w.strings(vocab.merges);
  for (const std::optional<int64_t> *id :
       {&vocab.bosId, &vocab.eosId, &vocab.unkId, &vocab.sepId, &vocab.padId,
        &vocab.eotId})
    w.optionalId(*id);
  for (const std::optional<bool> *flag :
       {&vocab.addBos, &vocab.addEos, &vocab.addSpacePrefix})
    w.optionalFlag(*flag);
  w.str(vocab.modelName);
  w.str(vocab.chatTemplate);
  return w.out;
}

bool deserializeVocab(const uint8_t *data, size_t size, VocabDescription &vocab,
                      std::string *error) {
  Reader r(data, size);
  char magic[sizeof kMagic];
  if (!r.raw(magic, sizeof magic) || std::memcmp(magic, kMagic, sizeof kMagic)) {
    *error = "embedded vocabulary: bad magic (not written by this build of Born)";
    return false;
  }
  vocab.model = r.str();
  vocab.pre = r.str();
  vocab.tokens = r.strings();
  vocab.scores = r.pods<float>();
  vocab.tokenTypes = r.pods<int32_t>();
  vocab.merges = r.strings();
  for (std::optional<int64_t> *id : {&vocab.bosId, &vocab.eosId, &vocab.unkId,
                                     &vocab.sepId, &vocab.padId, &vocab.eotId})
    *id = r.optionalId();
  for (std::optional<bool> *flag :
       {&vocab.addBos, &vocab.addEos, &vocab.addSpacePrefix})
    *flag = r.optionalFlag();
  vocab.modelName = r.str();
  vocab.chatTemplate = r.str();
  if (!r.ok || !r.atEnd()) {
    *error = "embedded vocabulary: truncated or malformed";
    return false;
  }
  return true;
}

} // namespace born::llm
