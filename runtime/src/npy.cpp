// NumPy .npy files: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
// Only what tensors need: little-endian numeric dtypes in C order.
#include "born/runtime.h"
#include "internal.h"
#include "tensor_io_internal.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

namespace born {
namespace {

const char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

// Little-endian descr for each dtype; 1-byte types have no byte order ('|').
const char *descrFor(int32_t dtype) {
  switch (dtype) {
  case BORN_DTYPE_F32: return "<f4";
  case BORN_DTYPE_F16: return "<f2";
  // NumPy has no bfloat16: its bits as uint16 (ml_dtypes' view(np.uint16)).
  case BORN_DTYPE_BF16: return "<u2";
  case BORN_DTYPE_F64: return "<f8";
  case BORN_DTYPE_I32: return "<i4";
  case BORN_DTYPE_I64: return "<i8";
  case BORN_DTYPE_I8: return "|i1";
  case BORN_DTYPE_I16: return "<i2";
  case BORN_DTYPE_U8: return "|u1";
  case BORN_DTYPE_U16: return "<u2";
  case BORN_DTYPE_U32: return "<u4";
  case BORN_DTYPE_U64: return "<u8";
  case BORN_DTYPE_BOOL: return "|b1";
  default: return nullptr;
  }
}

bool dtypeFromDescr(const std::string &descr, int32_t *dtype, std::string *error) {
  if (descr.size() != 3) {
    *error = format("unsupported dtype '%s'", descr.c_str());
    return false;
  }
  char order = descr[0];
  std::string kind = descr.substr(1);
  bool singleByte = kind == "i1" || kind == "u1" || kind == "b1";
  if (order == '>' && !singleByte) {
    *error = format("big-endian dtype '%s' is not supported", descr.c_str());
    return false;
  }
  if (order != '<' && order != '|' && order != '=' && order != '>') {
    *error = format("unsupported dtype '%s'", descr.c_str());
    return false;
  }
  static const struct { const char *kind; int32_t dtype; } kinds[] = {
      {"f4", BORN_DTYPE_F32}, {"f2", BORN_DTYPE_F16}, {"f8", BORN_DTYPE_F64},
      {"i4", BORN_DTYPE_I32}, {"i8", BORN_DTYPE_I64}, {"i1", BORN_DTYPE_I8},
      {"u1", BORN_DTYPE_U8},  {"b1", BORN_DTYPE_BOOL}, {"i2", BORN_DTYPE_I16},
      {"u2", BORN_DTYPE_U16}, {"u4", BORN_DTYPE_U32}, {"u8", BORN_DTYPE_U64},
  };
  for (const auto &entry : kinds) {
    if (kind == entry.kind) {
      *dtype = entry.dtype;
      return true;
    }
  }
  *error = format("unsupported dtype '%s' (supported: <f4 <f2 <f8 <i2 <i4 <i8 |i1 |u1 |b1, and <u2 as bfloat16 bits)",
                  descr.c_str());
  return false;
}

// Parser for the header: a Python dict literal such as
//   {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
class HeaderParser {
public:
  explicit HeaderParser(const std::string &text) : text_(text) {}

  bool parse(std::string *descr, bool *fortranOrder, int32_t *rank, int64_t *shape,
             std::string *error) {
    bool haveDescr = false, haveOrder = false, haveShape = false;
    skipSpace();
    if (!consume('{'))
      return fail("header is not a dict", error);
    for (;;) {
      skipSpace();
      if (consume('}'))
        break;
      std::string key;
      if (!parseString(&key))
        return fail("expected a quoted key", error);
      skipSpace();
      if (!consume(':'))
        return fail("expected ':' after key", error);
      skipSpace();
      if (key == "descr") {
        if (!parseString(descr))
          return fail("'descr' is not a string (structured dtypes are not supported)", error);
        haveDescr = true;
      } else if (key == "fortran_order") {
        if (consumeWord("True"))
          *fortranOrder = true;
        else if (consumeWord("False"))
          *fortranOrder = false;
        else
          return fail("'fortran_order' is not True or False", error);
        haveOrder = true;
      } else if (key == "shape") {
        if (!parseShape(rank, shape, error))
          return false;
        haveShape = true;
      } else {
        return fail(format("unexpected key '%s'", key.c_str()), error);
      }
      skipSpace();
      if (!consume(',')) {
        skipSpace();
        if (!consume('}'))
          return fail("expected ',' or '}'", error);
        break;
      }
    }
    if (!haveDescr || !haveOrder || !haveShape)
      return fail("missing 'descr', 'fortran_order' or 'shape'", error);
    return true;
  }

private:
  bool fail(const std::string &what, std::string *error) {
    *error = format("bad header (%s): %s", what.c_str(), text_.c_str());
    // Headers end in padding and '\n'; keep the message on one line.
    while (!error->empty() && (error->back() == '\n' || error->back() == ' '))
      error->pop_back();
    return false;
  }
  void skipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r'))
      ++pos_;
  }
  bool consume(char c) {
    if (pos_ < text_.size() && text_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  bool consumeWord(const char *word) {
    size_t n = std::strlen(word);
    if (text_.compare(pos_, n, word) != 0)
      return false;
    pos_ += n;
    return true;
  }
  bool parseString(std::string *out) {
    if (pos_ >= text_.size() || (text_[pos_] != '\'' && text_[pos_] != '"'))
      return false;
    char quote = text_[pos_++];
    size_t end = text_.find(quote, pos_);
    if (end == std::string::npos)
      return false;
    *out = text_.substr(pos_, end - pos_);
    pos_ = end + 1;
    return true;
  }
  bool parseShape(int32_t *rank, int64_t *shape, std::string *error) {
    if (!consume('('))
      return fail("'shape' is not a tuple", error);
    *rank = 0;
    for (;;) {
      skipSpace();
      if (consume(')'))
        return true;
      if (pos_ >= text_.size() || text_[pos_] < '0' || text_[pos_] > '9')
        return fail("'shape' holds something other than non-negative integers", error);
      int64_t value = 0;
      while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') {
        if (value > (INT64_MAX - 9) / 10)
          return fail("dimension too large", error);
        value = value * 10 + (text_[pos_++] - '0');
      }
      consume('L'); // written by Python 2
      if (*rank == BORN_MAX_RANK)
        return fail(format("rank above %d", BORN_MAX_RANK), error);
      shape[(*rank)++] = value;
      skipSpace();
      if (!consume(',')) {
        skipSpace();
        if (!consume(')'))
          return fail("expected ',' or ')' in 'shape'", error);
        return true;
      }
    }
  }

  const std::string &text_;
  size_t pos_ = 0;
};

uint32_t readLittleEndian(const uint8_t *p, int bytes) {
  uint32_t value = 0;
  for (int i = bytes - 1; i >= 0; --i)
    value = (value << 8) | p[i];
  return value;
}

} // namespace

bool parseNpy(const uint8_t *bytes, size_t size, born_host_tensor *t, std::string *error) {
  if (size < kMagicSize || std::memcmp(bytes, kMagic, kMagicSize) != 0) {
    *error = "not a .npy file (bad magic)";
    return false;
  }
  if (size < kMagicSize + 2) {
    *error = "truncated header";
    return false;
  }
  uint8_t major = bytes[6], minor = bytes[7];
  size_t lengthBytes;
  if (major == 1)
    lengthBytes = 2;
  else if (major == 2 || major == 3) // 3.0 only changes the header to UTF-8
    lengthBytes = 4;
  else {
    *error = format("unsupported .npy format version %u.%u", major, minor);
    return false;
  }
  size_t prefix = kMagicSize + 2 + lengthBytes;
  if (size < prefix) {
    *error = "truncated header";
    return false;
  }
  size_t headerLength = readLittleEndian(bytes + kMagicSize + 2, static_cast<int>(lengthBytes));
  if (headerLength > size - prefix) {
    *error = format("truncated header: it claims %zu bytes, the file has %zu after the prefix",
                    headerLength, size - prefix);
    return false;
  }
  std::string header(reinterpret_cast<const char *>(bytes + prefix), headerLength);
  std::string descr;
  bool fortranOrder = false;
  int32_t rank = 0;
  int64_t shape[BORN_MAX_RANK];
  if (!HeaderParser(header).parse(&descr, &fortranOrder, &rank, shape, error))
    return false;
  int32_t dtype;
  if (!dtypeFromDescr(descr, &dtype, error))
    return false;
  if (fortranOrder && rank > 1) { // rank 0/1 are the same in both orders
    *error = "fortran_order True is not supported: save the array in C order "
             "(numpy.ascontiguousarray)";
    return false;
  }
  size_t dataOffset = prefix + headerLength;
  size_t dataBytes = tensorBytes(dtype, shape, rank);
  if (dataBytes == SIZE_MAX) {
    *error = format("invalid shape %s", shapeToString(shape, rank).c_str());
    return false;
  }
  if (size - dataOffset < dataBytes) {
    *error = format("truncated data: shape %s of %s needs %zu bytes, the file has %zu",
                    shapeToString(shape, rank).c_str(), born_dtype_name(dtype), dataBytes,
                    size - dataOffset);
    return false;
  }
  if (!allocTensor(t, dtype, rank, shape, error))
    return false;
  if (dataBytes > 0)
    std::memcpy(t->data, bytes + dataOffset, dataBytes);
  return true;
}

bool saveNpy(const char *path, const born_host_tensor &t, std::string *error) {
  const char *descr = descrFor(t.dtype);
  if (descr == nullptr) {
    *error = format("unknown dtype %d", t.dtype);
    return false;
  }
  if (t.rank < 0 || t.rank > BORN_MAX_RANK) {
    *error = format("invalid rank %d", t.rank);
    return false;
  }
  size_t dataBytes = tensorBytes(t.dtype, t.shape, t.rank);
  if (dataBytes == SIZE_MAX || dataBytes > t.nbytes || (dataBytes > 0 && t.data == nullptr)) {
    *error = format("tensor of shape %s and dtype %s does not fit its %zu-byte buffer",
                    shapeToString(t.shape, t.rank).c_str(), born_dtype_name(t.dtype), t.nbytes);
    return false;
  }
  std::string shape = "(";
  for (int32_t i = 0; i < t.rank; ++i) {
    shape += std::to_string(t.shape[i]);
    if (t.rank == 1 || i + 1 < t.rank)
      shape += t.rank == 1 ? "," : ", ";
  }
  shape += ")";
  std::string header =
      format("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape.c_str());
  // Pad with spaces and end with '\n' so the data starts 64-byte aligned.
  size_t prefix = kMagicSize + 2 + 2;
  uint8_t major = 1;
  if (header.size() + 64 > 65535) { // padded length must fit in 16 bits for 1.0
    prefix = kMagicSize + 2 + 4;
    major = 2;
  }
  size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';

  std::string prefixBytes(kMagic, kMagicSize);
  prefixBytes += static_cast<char>(major);
  prefixBytes += '\0';
  size_t length = header.size();
  for (size_t i = 0; i < prefix - kMagicSize - 2; ++i)
    prefixBytes += static_cast<char>((length >> (8 * i)) & 0xff);

  FILE *file = std::fopen(path, "wb");
  if (file == nullptr) {
    *error = format("cannot create: %s", std::strerror(errno));
    return false;
  }
  bool ok = std::fwrite(prefixBytes.data(), 1, prefixBytes.size(), file) == prefixBytes.size() &&
            std::fwrite(header.data(), 1, header.size(), file) == header.size() &&
            (dataBytes == 0 || std::fwrite(t.data, 1, dataBytes, file) == dataBytes);
  int writeErrno = errno;
  if (std::fclose(file) != 0 && ok) {
    ok = false;
    writeErrno = errno;
  }
  if (!ok) {
    *error = format("write failed: %s", std::strerror(writeErrno));
    return false;
  }
  return true;
}

} // namespace born
