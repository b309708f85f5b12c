#include "compiler/GGUF/GGUFWriter.h"
#include "compiler/GGUF/Quants.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/EndianStream.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <cfloat>
#include <cmath>

using namespace llvm;

namespace born {

namespace {

constexpr uint32_t kVersion = 3;
constexpr uint64_t kDefaultAlignment = 32;
// llama.cpp's GGML_MAX_NAME is 64 bytes including the terminating NUL; its
// reader rejects longer tensor names.
constexpr size_t kMaxTensorName = 63;

Error keyError(StringRef key, const Twine &msg) {
  return createStringError(inconvertibleErrorCode(),
                           "GGUF writer: metadata key '" + key + "': " + msg);
}

Error tensorError(StringRef name, const Twine &msg) {
  return createStringError(inconvertibleErrorCode(),
                           "GGUF writer: tensor '" + name + "': " + msg);
}

/// Checks that `v` (at array index path `where`, e.g. "[1][0]", under
/// `key`) fits its type.
Error checkValue(StringRef key, const std::string &where, const GGUFValue &v,
                 unsigned depth) {
  auto fail = [&](const Twine &msg) {
    return keyError(key, where.empty() ? msg : where + ": " + msg);
  };
  auto unsignedMax = [](unsigned bytes) {
    return bytes == 8 ? UINT64_MAX : (uint64_t(1) << (8 * bytes)) - 1;
  };
  auto checkUnsigned = [&](unsigned bytes) -> Error {
    if (v.u > unsignedMax(bytes))
      return fail(Twine(v.u) + " does not fit " + ggufValueTypeName(v.type));
    return Error::success();
  };
  auto checkSigned = [&](unsigned bytes) -> Error {
    int64_t max = static_cast<int64_t>(unsignedMax(bytes) >> 1);
    if (v.i > max || v.i < -max - 1)
      return fail(Twine(v.i) + " does not fit " + ggufValueTypeName(v.type));
    return Error::success();
  };
  switch (v.type) {
  case GGUFValueType::UInt8: return checkUnsigned(1);
  case GGUFValueType::UInt16: return checkUnsigned(2);
  case GGUFValueType::UInt32: return checkUnsigned(4);
  case GGUFValueType::UInt64: return Error::success();
  case GGUFValueType::Int8: return checkSigned(1);
  case GGUFValueType::Int16: return checkSigned(2);
  case GGUFValueType::Int32: return checkSigned(4);
  case GGUFValueType::Int64: return Error::success();
  case GGUFValueType::Float32:
    if (std::isfinite(v.f) && std::fabs(v.f) > FLT_MAX)
      return fail(formatv("{0}", v.f) + " does not fit float32");
    return Error::success();
  case GGUFValueType::Float64:
  case GGUFValueType::String: return Error::success();
  case GGUFValueType::Bool:
    if (v.u > 1)
      return fail("a bool must be 0 or 1, got " + Twine(v.u));
    return Error::success();
  case GGUFValueType::Array:
    if (depth >= gguf_limits::kMaxArrayDepth)
      return fail("arrays nested deeper than " +
                  Twine(gguf_limits::kMaxArrayDepth) + " levels");
    for (size_t n = 0; n < v.elements.size(); ++n) {
      const GGUFValue &e = v.elements[n];
      std::string at = where + "[" + std::to_string(n) + "]";
      if (e.type != v.elementType)
        return keyError(key, at + ": a " + ggufValueTypeName(e.type) +
                                 " in an array of " +
                                 ggufValueTypeName(v.elementType));
      if (Error err = checkValue(key, at, e, depth + 1))
        return err;
    }
    return Error::success();
  }
  return fail("unknown value type " + Twine(static_cast<uint32_t>(v.type)));
}

void writeString(support::endian::Writer &w, StringRef s) {
  w.write<uint64_t>(s.size());
  w.OS << s;
}

void writeValue(support::endian::Writer &w, const GGUFValue &v) {
  switch (v.type) {
  case GGUFValueType::UInt8: w.write<uint8_t>(v.u); return;
  case GGUFValueType::Int8: w.write<int8_t>(v.i); return;
  case GGUFValueType::UInt16: w.write<uint16_t>(v.u); return;
  case GGUFValueType::Int16: w.write<int16_t>(v.i); return;
  case GGUFValueType::UInt32: w.write<uint32_t>(v.u); return;
  case GGUFValueType::Int32: w.write<int32_t>(v.i); return;
  case GGUFValueType::UInt64: w.write<uint64_t>(v.u); return;
  case GGUFValueType::Int64: w.write<int64_t>(v.i); return;
  case GGUFValueType::Float32: w.write<float>(static_cast<float>(v.f)); return;
  case GGUFValueType::Float64: w.write<double>(v.f); return;
  case GGUFValueType::Bool: w.write<uint8_t>(v.u); return;
  case GGUFValueType::String: writeString(w, v.str); return;
  case GGUFValueType::Array:
    w.write<uint32_t>(static_cast<uint32_t>(v.elementType));
    w.write<uint64_t>(v.elements.size());
    for (const GGUFValue &e : v.elements)
      writeValue(w, e);
    return;
  }
}

void pad(raw_ostream &os, uint64_t &offset, uint64_t alignment) {
  uint64_t padding = alignTo(offset, alignment) - offset;
  os.write_zeros(padding);
  offset += padding;
}

} // namespace

GGUFValue GGUFWriter::copyStrings(const GGUFValue &value) {
  GGUFValue copy = value;
  if (value.type == GGUFValueType::String)
    copy.str = strings.save(value.str);
  for (GGUFValue &e : copy.elements)
    e = copyStrings(e);
  return copy;
}

Error GGUFWriter::set(StringRef key, const GGUFValue &value) {
  if (key.empty() || key.size() > gguf_limits::kMaxKeyLength)
    return keyError(key, "a key must have 1 to " +
                             Twine(gguf_limits::kMaxKeyLength) + " bytes");
  if (Error e = checkValue(key, "", value, 0))
    return e;
  if (key == "general.alignment") {
    if (value.type != GGUFValueType::UInt32)
      return keyError(key, Twine("expected uint32, got ") +
                               ggufValueTypeName(value.type));
    if (value.u == 0 || !isPowerOf2_64(value.u) ||
        value.u > gguf_limits::kMaxAlignment)
      return keyError(key, "expected a power of two up to " +
                               Twine(gguf_limits::kMaxAlignment) + ", got " +
                               Twine(value.u));
  }
  GGUFValue stored = copyStrings(value);
  auto [it, inserted] = kvIndex.try_emplace(key, kvs.size());
  if (inserted)
    kvs.emplace_back(key.str(), std::move(stored));
  else
    kvs[it->second].second = std::move(stored);
  return Error::success();
}

uint64_t GGUFWriter::alignment() const {
  auto it = kvIndex.find("general.alignment");
  return it == kvIndex.end() ? kDefaultAlignment : kvs[it->second].second.u;
}

Expected<uint64_t> GGUFWriter::checkTensor(StringRef name,
                                           ArrayRef<uint64_t> dims,
                                           GGMLType type) const {
  if (name.empty() || name.size() > kMaxTensorName)
    return tensorError(name, "a name must have 1 to " + Twine(kMaxTensorName) +
                                 " bytes (llama.cpp's limit)");
  if (tensorIndex.count(name))
    return tensorError(name, "added twice");
  if (dims.empty() || dims.size() > gguf_limits::kMaxDims)
    return tensorError(name, "expected 1 to " + Twine(gguf_limits::kMaxDims) +
                                 " dimensions, got " + Twine(dims.size()));
  uint64_t count = 1;
  for (uint64_t d : dims) {
    if (d == 0 || d > static_cast<uint64_t>(INT64_MAX) / count)
      return tensorError(name, "dimension " + Twine(d) +
                                   " is zero or makes the element count "
                                   "overflow");
    count *= d;
  }
  std::optional<GGMLTypeTraits> traits =
      ggmlTypeTraits(static_cast<uint32_t>(type));
  if (!traits)
    return tensorError(name, "unsupported ggml type " +
                                 Twine(static_cast<uint32_t>(type)));
  if (dims[0] % traits->blockSize)
    return tensorError(name, "innermost dimension " + Twine(dims[0]) +
                                 " is not a multiple of the " + traits->name +
                                 " block size " + Twine(traits->blockSize));
  return count;
}

Error GGUFWriter::addTensor(StringRef name, ArrayRef<uint64_t> dims,
                            GGMLType type, ArrayRef<uint8_t> blocks) {
  Expected<uint64_t> count = checkTensor(name, dims, type);
  if (!count)
    return count.takeError();
  uint64_t expected = cantFail(ggmlByteSize(type, *count));
  if (blocks.size() != expected)
    return tensorError(name,
                       Twine(*count) + " " +
                           ggmlTypeTraits(static_cast<uint32_t>(type))->name +
                           " elements take " + Twine(expected) +
                           " bytes, got " + Twine(blocks.size()));
  tensorIndex[name] = tensors.size();
  tensors.push_back({name.str(), SmallVector<uint64_t, 4>(dims), type,
                     std::vector<uint8_t>(blocks.begin(), blocks.end())});
  return Error::success();
}

Error GGUFWriter::addTensorFromFloats(StringRef name, ArrayRef<uint64_t> dims,
                                      GGMLType type, ArrayRef<float> values) {
  Expected<uint64_t> count = checkTensor(name, dims, type);
  if (!count)
    return count.takeError();
  if (values.size() != *count)
    return tensorError(name, "the dimensions hold " + Twine(*count) +
                                 " elements, got " + Twine(values.size()) +
                                 " values");
  Expected<std::vector<uint8_t>> blocks = quantize(type, values);
  if (!blocks)
    return tensorError(name, toString(blocks.takeError()));
  tensorIndex[name] = tensors.size();
  tensors.push_back(
      {name.str(), SmallVector<uint64_t, 4>(dims), type, std::move(*blocks)});
  return Error::success();
}

Error GGUFWriter::writeTo(raw_ostream &os) const {
  support::endian::Writer w(os, endianness::little);
  uint64_t align = alignment();
  w.OS << "GGUF";
  w.write<uint32_t>(kVersion);
  w.write<uint64_t>(tensors.size());
  w.write<uint64_t>(kvs.size());
  for (const auto &[key, value] : kvs) {
    writeString(w, key);
    w.write<uint32_t>(static_cast<uint32_t>(value.type));
    writeValue(w, value);
  }
  // Tensor data lies in insertion order, each tensor at an aligned offset.
  uint64_t dataOffset = 0;
  for (const Tensor &t : tensors) {
    writeString(w, t.name);
    w.write<uint32_t>(t.dims.size());
    for (uint64_t d : t.dims)
      w.write<uint64_t>(d);
    w.write<uint32_t>(static_cast<uint32_t>(t.type));
    w.write<uint64_t>(dataOffset);
    dataOffset = alignTo(dataOffset + t.data.size(), align);
  }
  uint64_t offset = os.tell();
  pad(os, offset, align);
  for (const Tensor &t : tensors) {
    os.write(reinterpret_cast<const char *>(t.data.data()), t.data.size());
    offset += t.data.size();
    pad(os, offset, align);
  }
  return Error::success();
}

Error GGUFWriter::write(StringRef path, bool overwrite) const {
  auto fail = [&](const Twine &msg) {
    return createStringError(inconvertibleErrorCode(), path + ": " + msg);
  };
  if (!overwrite && sys::fs::exists(path))
    return fail("already exists (not overwriting it)");
  Expected<sys::fs::TempFile> temp =
      sys::fs::TempFile::create(path + ".tmp-%%%%%%");
  if (!temp)
    return fail("cannot create a temporary file: " +
                toString(temp.takeError()));
  {
    raw_fd_ostream os(temp->FD, /*shouldClose=*/false);
    if (Error e = writeTo(os))
      return joinErrors(std::move(e), temp->discard());
    os.flush();
    if (os.has_error()) {
      std::string msg = os.error().message();
      os.clear_error();
      return joinErrors(fail("write failed: " + msg), temp->discard());
    }
  }
  if (Error e = temp->keep(path))
    return fail("cannot rename the temporary file into place: " +
                toString(std::move(e)));
  return Error::success();
}

} // namespace born
