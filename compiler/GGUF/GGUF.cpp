#include "compiler/GGUF/GGUF.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/MathExtras.h"

#include <cstring>

using namespace llvm;

namespace born {

namespace {
using namespace gguf_limits;

// ggml type traits (block size in elements, bytes per block), per ggml.
const GGMLTypeTraits kTypeTraits[] = {
    {GGMLType::F32, "F32", 1, 4},
    {GGMLType::F16, "F16", 1, 2},
    {GGMLType::Q4_0, "Q4_0", 32, 18},  // f16 d, 16 B nibbles
    {GGMLType::Q4_1, "Q4_1", 32, 20},  // f16 d, m, 16 B nibbles
    {GGMLType::Q5_0, "Q5_0", 32, 22},  // f16 d, 4 B high bits, 16 B nibbles
    {GGMLType::Q5_1, "Q5_1", 32, 24},  // f16 d, m, 4 B, 16 B
    {GGMLType::Q8_0, "Q8_0", 32, 34},  // f16 d, 32 x int8
    {GGMLType::Q2_K, "Q2_K", 256, 84}, // 16 scales, 64 qs, f16 d, dmin
    {GGMLType::Q3_K, "Q3_K", 256, 110}, // 32 hmask, 64 qs, 12 scales, f16 d
    {GGMLType::Q4_K, "Q4_K", 256, 144}, // f16 d, dmin, 12 scales, 128 qs
    {GGMLType::Q5_K, "Q5_K", 256, 176}, // f16 d, dmin, 12 scales, 32 qh, 128 qs
    {GGMLType::Q6_K, "Q6_K", 256, 210}, // 128 ql, 64 qh, 16 scales, f16 d
    {GGMLType::Q8_K, "Q8_K", 256, 292}, // f32 d, 256 qs, 16 x int16 bsums
    {GGMLType::BF16, "BF16", 1, 2},
};

/// Minimum bytes a value of `type` takes in the file (0 for unknown types).
uint64_t minValueSize(uint32_t type) {
  switch (static_cast<GGUFValueType>(type)) {
  case GGUFValueType::UInt8:
  case GGUFValueType::Int8:
  case GGUFValueType::Bool:
    return 1;
  case GGUFValueType::UInt16:
  case GGUFValueType::Int16:
    return 2;
  case GGUFValueType::UInt32:
  case GGUFValueType::Int32:
  case GGUFValueType::Float32:
    return 4;
  case GGUFValueType::UInt64:
  case GGUFValueType::Int64:
  case GGUFValueType::Float64:
  case GGUFValueType::String: // uint64 length
    return 8;
  case GGUFValueType::Array: // uint32 type + uint64 count
    return 12;
  }
  return 0;
}

/// Little-endian reader over the mapped file; every read is bounds-checked.
class Reader {
public:
  Reader(StringRef path, StringRef data) : path(path), data(data) {}

  uint64_t offset() const { return pos; }
  uint64_t remaining() const { return data.size() - pos; }

  /// An error naming the file, `what` (a key or tensor) and the offset.
  Error fail(const Twine &what, const Twine &msg) const {
    return createStringError(inconvertibleErrorCode(),
                             path + ": " + what + ": " + msg +
                                 " (at byte offset " + Twine(pos) + ")");
  }

  template <typename T> Error read(T &out, const Twine &what) {
    if (remaining() < sizeof(T))
      return fail(what, "expected " + Twine(sizeof(T)) +
                            " more bytes, the file ends after " +
                            Twine(remaining()));
    T value = 0;
    for (size_t i = 0; i < sizeof(T); ++i)
      value |= static_cast<T>(static_cast<uint8_t>(data[pos + i])) << (8 * i);
    out = value;
    pos += sizeof(T);
    return Error::success();
  }

  Error readString(StringRef &out, const Twine &what,
                   uint64_t maxLength = UINT64_MAX) {
    uint64_t length;
    if (Error e = read(length, what))
      return e;
    if (length > remaining())
      return fail(what, "string length " + Twine(length) +
                            " runs past the end of the file (" +
                            Twine(remaining()) + " bytes left)");
    if (length > maxLength)
      return fail(what, "string length " + Twine(length) +
                            " exceeds the limit of " + Twine(maxLength));
    out = data.substr(pos, length);
    pos += length;
    return Error::success();
  }

  Error readValue(uint32_t type, GGUFValue &out, const Twine &what,
                  unsigned depth) {
    out.type = static_cast<GGUFValueType>(type);
    switch (out.type) {
    case GGUFValueType::UInt8: {
      uint8_t v;
      if (Error e = read(v, what))
        return e;
      out.u = v;
      return Error::success();
    }
    case GGUFValueType::Int8: {
      uint8_t v;
      if (Error e = read(v, what))
        return e;
      out.i = static_cast<int8_t>(v);
      return Error::success();
    }
    case GGUFValueType::UInt16: {
      uint16_t v;
      if (Error e = read(v, what))
        return e;
      out.u = v;
      return Error::success();
    }
    case GGUFValueType::Int16: {
      uint16_t v;
      if (Error e = read(v, what))
        return e;
      out.i = static_cast<int16_t>(v);
      return Error::success();
    }
    case GGUFValueType::UInt32: {
      uint32_t v;
      if (Error e = read(v, what))
        return e;
      out.u = v;
      return Error::success();
    }
    case GGUFValueType::Int32: {
      uint32_t v;
      if (Error e = read(v, what))
        return e;
      out.i = static_cast<int32_t>(v);
      return Error::success();
    }
    case GGUFValueType::UInt64:
      return read(out.u, what);
    case GGUFValueType::Int64: {
      uint64_t v;
      if (Error e = read(v, what))
        return e;
      out.i = static_cast<int64_t>(v);
      return Error::success();
    }
    case GGUFValueType::Float32: {
      uint32_t bits;
      if (Error e = read(bits, what))
        return e;
      float f;
      std::memcpy(&f, &bits, 4);
      out.f = f;
      return Error::success();
    }
    case GGUFValueType::Float64: {
      uint64_t bits;
      if (Error e = read(bits, what))
        return e;
      std::memcpy(&out.f, &bits, 8);
      return Error::success();
    }
    case GGUFValueType::Bool: {
      uint8_t v;
      if (Error e = read(v, what))
        return e;
      if (v > 1)
        return fail(what, "expected a bool (0 or 1), got " + Twine(v));
      out.u = v;
      return Error::success();
    }
    case GGUFValueType::String:
      return readString(out.str, what);
    case GGUFValueType::Array: {
      if (depth >= kMaxArrayDepth)
        return fail(what, "arrays nested deeper than " +
                              Twine(kMaxArrayDepth) + " levels");
      uint32_t elementType;
      uint64_t count;
      if (Error e = read(elementType, what))
        return e;
      if (!minValueSize(elementType))
        return fail(what, "unknown array element type " + Twine(elementType) +
                              " (expected 0..12)");
      if (Error e = read(count, what))
        return e;
      if (count > remaining() / minValueSize(elementType))
        return fail(what, "array of " + Twine(count) + " " +
                              ggufValueTypeName(
                                  static_cast<GGUFValueType>(elementType)) +
                              " elements cannot fit in the " +
                              Twine(remaining()) + " bytes left");
      out.elementType = static_cast<GGUFValueType>(elementType);
      out.elements.resize(count);
      for (uint64_t n = 0; n < count; ++n)
        if (Error e = readValue(elementType, out.elements[n],
                                what + "[" + Twine(n) + "]", depth + 1))
          return e;
      return Error::success();
    }
    }
    return fail(what, "unknown metadata value type " + Twine(type) +
                          " (expected 0..12)");
  }

private:
  StringRef path;
  StringRef data;
  uint64_t pos = 0;
};
} // namespace

StringRef ggufValueTypeName(GGUFValueType type) {
  switch (type) {
  case GGUFValueType::UInt8: return "uint8";
  case GGUFValueType::Int8: return "int8";
  case GGUFValueType::UInt16: return "uint16";
  case GGUFValueType::Int16: return "int16";
  case GGUFValueType::UInt32: return "uint32";
  case GGUFValueType::Int32: return "int32";
  case GGUFValueType::Float32: return "float32";
  case GGUFValueType::Bool: return "bool";
  case GGUFValueType::String: return "string";
  case GGUFValueType::Array: return "array";
  case GGUFValueType::UInt64: return "uint64";
  case GGUFValueType::Int64: return "int64";
  case GGUFValueType::Float64: return "float64";
  }
  return "unknown";
}

bool GGUFValue::isUnsigned() const {
  return type == GGUFValueType::UInt8 || type == GGUFValueType::UInt16 ||
         type == GGUFValueType::UInt32 || type == GGUFValueType::UInt64;
}

bool GGUFValue::isSigned() const {
  return type == GGUFValueType::Int8 || type == GGUFValueType::Int16 ||
         type == GGUFValueType::Int32 || type == GGUFValueType::Int64;
}

GGUFValue GGUFValue::ofUnsigned(GGUFValueType type, uint64_t value) {
  GGUFValue v;
  v.type = type;
  v.u = value;
  return v;
}

GGUFValue GGUFValue::ofSigned(GGUFValueType type, int64_t value) {
  GGUFValue v;
  v.type = type;
  v.i = value;
  return v;
}

GGUFValue GGUFValue::ofFloat(GGUFValueType type, double value) {
  GGUFValue v;
  v.type = type;
  v.f = value;
  return v;
}

GGUFValue GGUFValue::ofBool(bool value) {
  return ofUnsigned(GGUFValueType::Bool, value);
}

GGUFValue GGUFValue::ofString(StringRef value) {
  GGUFValue v;
  v.type = GGUFValueType::String;
  v.str = value;
  return v;
}

GGUFValue GGUFValue::ofArray(GGUFValueType elementType,
                             std::vector<GGUFValue> elements) {
  GGUFValue v;
  v.type = GGUFValueType::Array;
  v.elementType = elementType;
  v.elements = std::move(elements);
  return v;
}

std::optional<GGMLTypeTraits> ggmlTypeTraits(uint32_t typeId) {
  for (const GGMLTypeTraits &traits : kTypeTraits)
    if (static_cast<uint32_t>(traits.type) == typeId)
      return traits;
  return std::nullopt;
}

uint64_t GGUFTensorInfo::numElements() const {
  uint64_t n = 1;
  for (uint64_t d : dims)
    n *= d;
  return n;
}

SmallVector<int64_t, 4> GGUFTensorInfo::rowMajorShape() const {
  SmallVector<int64_t, 4> shape;
  for (auto it = dims.rbegin(); it != dims.rend(); ++it)
    shape.push_back(static_cast<int64_t>(*it));
  return shape;
}

//===----------------------------------------------------------------------===//
// GGUFMetadata
//===----------------------------------------------------------------------===//

Error GGUFMetadata::error(StringRef key, const Twine &msg) const {
  return createStringError(inconvertibleErrorCode(),
                           path + ": metadata key '" + key + "': " + msg);
}

const GGUFValue *GGUFMetadata::lookup(StringRef key) const {
  auto it = index.find(key);
  return it == index.end() ? nullptr : &kvs[it->second].second;
}

Expected<const GGUFValue *> GGUFMetadata::find(StringRef key) const {
  if (const GGUFValue *v = lookup(key))
    return v;
  return error(key, "not present");
}

static std::string typeMismatch(StringRef expected, const GGUFValue &v) {
  return ("expected " + expected + ", the file has " +
          ggufValueTypeName(v.type))
      .str();
}

Expected<StringRef> GGUFMetadata::getString(StringRef key) const {
  Expected<const GGUFValue *> v = find(key);
  if (!v)
    return v.takeError();
  if ((*v)->type != GGUFValueType::String)
    return error(key, typeMismatch("a string", **v));
  return (*v)->str;
}

Expected<uint64_t> GGUFMetadata::getUInt(StringRef key) const {
  Expected<const GGUFValue *> v = find(key);
  if (!v)
    return v.takeError();
  if ((*v)->isUnsigned())
    return (*v)->u;
  if ((*v)->isSigned()) {
    if ((*v)->i < 0)
      return error(key, "expected an unsigned integer, the file has " +
                            Twine((*v)->i));
    return static_cast<uint64_t>((*v)->i);
  }
  return error(key, typeMismatch("an unsigned integer", **v));
}

Expected<int64_t> GGUFMetadata::getInt(StringRef key) const {
  Expected<const GGUFValue *> v = find(key);
  if (!v)
    return v.takeError();
  if ((*v)->isSigned())
    return (*v)->i;
  if ((*v)->isUnsigned()) {
    if ((*v)->u > static_cast<uint64_t>(INT64_MAX))
      return error(key, "value " + Twine((*v)->u) + " does not fit int64");
    return static_cast<int64_t>((*v)->u);
  }
  return error(key, typeMismatch("an integer", **v));
}

Expected<double> GGUFMetadata::getFloat(StringRef key) const {
  Expected<const GGUFValue *> v = find(key);
  if (!v)
    return v.takeError();
  if ((*v)->type != GGUFValueType::Float32 &&
      (*v)->type != GGUFValueType::Float64)
    return error(key, typeMismatch("a float", **v));
  return (*v)->f;
}

Expected<bool> GGUFMetadata::getBool(StringRef key) const {
  Expected<const GGUFValue *> v = find(key);
  if (!v)
    return v.takeError();
  if ((*v)->type != GGUFValueType::Bool)
    return error(key, typeMismatch("a bool", **v));
  return (*v)->u != 0;
}

Expected<const GGUFValue *> GGUFMetadata::getArray(StringRef key) const {
  Expected<const GGUFValue *> v = find(key);
  if (!v)
    return v.takeError();
  if ((*v)->type != GGUFValueType::Array)
    return error(key, typeMismatch("an array", **v));
  return *v;
}

Expected<std::vector<StringRef>>
GGUFMetadata::getStringArray(StringRef key) const {
  Expected<const GGUFValue *> v = getArray(key);
  if (!v)
    return v.takeError();
  if ((*v)->elementType != GGUFValueType::String)
    return error(key, Twine("expected an array of strings, the file has an "
                            "array of ") +
                          ggufValueTypeName((*v)->elementType));
  std::vector<StringRef> out;
  out.reserve((*v)->elements.size());
  for (const GGUFValue &e : (*v)->elements)
    out.push_back(e.str);
  return out;
}

//===----------------------------------------------------------------------===//
// GGUFFile
//===----------------------------------------------------------------------===//

const GGUFTensorInfo *GGUFFile::findTensor(StringRef name) const {
  auto it = tensorIndex.find(name);
  return it == tensorIndex.end() ? nullptr : &tensorInfos[it->second];
}

ArrayRef<uint8_t> GGUFFile::tensorData(const GGUFTensorInfo &tensor) const {
  StringRef buf = file->getBuffer();
  return ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(buf.data()) + dataStart + tensor.offset,
      tensor.byteSize);
}

Expected<ArrayRef<uint8_t>> GGUFFile::tensorData(StringRef name) const {
  const GGUFTensorInfo *tensor = findTensor(name);
  if (!tensor)
    return createStringError(inconvertibleErrorCode(),
                             filePath + ": no tensor named '" + name + "'");
  return tensorData(*tensor);
}

Expected<GGUFFile> GGUFFile::open(StringRef path) {
  auto fail = [&](const Twine &msg) {
    return createStringError(inconvertibleErrorCode(), path + ": " + msg);
  };
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!buffer)
    return fail("cannot read GGUF file: " + buffer.getError().message());

  GGUFFile gguf;
  gguf.filePath = path.str();
  gguf.file = std::move(*buffer);
  gguf.meta.path = gguf.filePath;
  StringRef data = gguf.file->getBuffer();
  Reader r(gguf.filePath, data);

  // Header: magic, version, tensor count, metadata count.
  if (data.size() < 4 || data.substr(0, 4) != "GGUF")
    return fail("not a GGUF file: expected the magic \"GGUF\" at offset 0");
  uint32_t magic;
  cantFail(r.read(magic, "header"));
  if (Error e = r.read(gguf.fileVersion, "header version"))
    return std::move(e);
  if (gguf.fileVersion != 2 && gguf.fileVersion != 3) {
    if (gguf.fileVersion == 1)
      return fail("GGUF version 1 is not supported (expected 2 or 3)");
    if ((gguf.fileVersion & 0xffff) == 0)
      return fail("GGUF version " + Twine(gguf.fileVersion) +
                  " looks byte-swapped: big-endian files are not supported");
    return fail("unsupported GGUF version " + Twine(gguf.fileVersion) +
                " (expected 2 or 3)");
  }
  uint64_t tensorCount, kvCount;
  if (Error e = r.read(tensorCount, "header tensor count"))
    return std::move(e);
  if (Error e = r.read(kvCount, "header metadata count"))
    return std::move(e);
  // A KV takes at least a key length, a type and a 1-byte value; a tensor
  // info at least a name length, n_dims, a type and an offset.
  if (kvCount > r.remaining() / 13)
    return r.fail("header", "metadata count " + Twine(kvCount) +
                                " cannot fit in the file");
  if (tensorCount > r.remaining() / 24)
    return r.fail("header", "tensor count " + Twine(tensorCount) +
                                " cannot fit in the file");

  // Metadata.
  gguf.meta.kvs.reserve(kvCount);
  for (uint64_t n = 0; n < kvCount; ++n) {
    StringRef key;
    if (Error e = r.readString(key, "metadata key #" + Twine(n), kMaxKeyLength))
      return std::move(e);
    std::string what = ("metadata key '" + key + "'").str();
    if (gguf.meta.index.count(key))
      return r.fail(what, "appears twice");
    uint32_t type;
    if (Error e = r.read(type, what))
      return std::move(e);
    GGUFValue value;
    if (Error e = r.readValue(type, value, what, 0))
      return std::move(e);
    gguf.meta.index[key] = gguf.meta.kvs.size();
    gguf.meta.kvs.emplace_back(key, std::move(value));
  }

  if (const GGUFValue *align = gguf.meta.lookup("general.alignment")) {
    if (align->type != GGUFValueType::UInt32)
      return fail("metadata key 'general.alignment': expected uint32, the "
                  "file has " +
                  ggufValueTypeName(align->type));
    if (align->u == 0 || !isPowerOf2_64(align->u) || align->u > kMaxAlignment)
      return fail("metadata key 'general.alignment': expected a power of two "
                  "up to " +
                  Twine(kMaxAlignment) + ", got " + Twine(align->u));
    gguf.dataAlignment = align->u;
  }

  // Tensor infos.
  gguf.tensorInfos.reserve(tensorCount);
  for (uint64_t n = 0; n < tensorCount; ++n) {
    GGUFTensorInfo t;
    if (Error e = r.readString(t.name, "tensor #" + Twine(n) + " name",
                               kMaxKeyLength))
      return std::move(e);
    std::string what = ("tensor '" + t.name + "'").str();
    if (gguf.tensorIndex.count(t.name))
      return r.fail(what, "appears twice");
    uint32_t nDims;
    if (Error e = r.read(nDims, what))
      return std::move(e);
    if (nDims > kMaxDims)
      return r.fail(what, "expected at most " + Twine(kMaxDims) +
                              " dimensions, got " + Twine(nDims));
    uint64_t elements = 1;
    for (uint32_t d = 0; d < nDims; ++d) {
      uint64_t dim;
      if (Error e = r.read(dim, what))
        return std::move(e);
      if (dim > static_cast<uint64_t>(INT64_MAX) ||
          (dim && elements > static_cast<uint64_t>(INT64_MAX) / dim))
        return r.fail(what, "dimension " + Twine(d) + " = " + Twine(dim) +
                                " makes the element count overflow");
      elements *= dim;
      t.dims.push_back(dim);
    }
    uint32_t typeId;
    if (Error e = r.read(typeId, what))
      return std::move(e);
    std::optional<GGMLTypeTraits> traits = ggmlTypeTraits(typeId);
    if (!traits)
      return r.fail(what, "unknown or unsupported ggml type " + Twine(typeId) +
                              " (expected F32, F16, BF16, Q4_0, Q4_1, Q5_0, "
                              "Q5_1, Q8_0 or Q2_K..Q8_K)");
    t.type = traits->type;
    if (!t.dims.empty() && t.dims[0] % traits->blockSize)
      return r.fail(what, "innermost dimension " + Twine(t.dims[0]) +
                              " is not a multiple of the " + traits->name +
                              " block size " + Twine(traits->blockSize));
    uint64_t blocks = elements / traits->blockSize;
    if (blocks > UINT64_MAX / traits->typeSize)
      return r.fail(what, "byte size overflows");
    t.byteSize = blocks * traits->typeSize;
    if (Error e = r.read(t.offset, what))
      return std::move(e);
    if (t.offset % gguf.dataAlignment)
      return r.fail(what, "data offset " + Twine(t.offset) +
                              " is not a multiple of the alignment " +
                              Twine(gguf.dataAlignment));
    gguf.tensorIndex[t.name] = gguf.tensorInfos.size();
    gguf.tensorInfos.push_back(std::move(t));
  }

  // Data section: starts at the next aligned offset; every tensor must lie
  // inside the file.
  uint64_t dataStart = alignTo(r.offset(), gguf.dataAlignment);
  if (tensorCount && dataStart > data.size())
    return fail("the data section would start at offset " + Twine(dataStart) +
                ", past the end of the file (" + Twine(data.size()) +
                " bytes)");
  gguf.dataStart = std::min<uint64_t>(dataStart, data.size());
  uint64_t dataSize = data.size() - gguf.dataStart;
  for (const GGUFTensorInfo &t : gguf.tensorInfos)
    if (t.offset > dataSize || t.byteSize > dataSize - t.offset)
      return fail("tensor '" + t.name + "': data at offset " +
                  Twine(t.offset) + " + " + Twine(t.byteSize) +
                  " bytes runs past the end of the data section (" +
                  Twine(dataSize) + " bytes)");
  return std::move(gguf);
}

} // namespace born
