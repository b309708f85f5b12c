// onnx.TensorProto decoding straight from the protobuf wire format, so the
// runtime needs no protobuf library. Field numbers are from onnx.proto.
#include "born/runtime.h"
#include "internal.h"
#include "tensor_io_internal.h"

#include <cstring>
#include <vector>

namespace born {
namespace {

enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

enum TensorProtoField {
  kDims = 1,
  kDataType = 2,
  kFloatData = 4,
  kInt32Data = 5,
  kStringData = 6,
  kInt64Data = 7,
  kName = 8,
  kRawData = 9,
  kDoubleData = 10,
  kUint64Data = 11,
  kDataLocation = 14,
};

// onnx.TensorProto.DataType values we can hold.
int32_t dtypeFromOnnx(uint64_t onnxType) {
  switch (onnxType) {
  case 1: return BORN_DTYPE_F32;  // FLOAT
  case 2: return BORN_DTYPE_U8;   // UINT8
  case 3: return BORN_DTYPE_I8;   // INT8
  case 4: return BORN_DTYPE_U16;  // UINT16
  case 12: return BORN_DTYPE_U32; // UINT32
  case 13: return BORN_DTYPE_U64; // UINT64
  case 5: return BORN_DTYPE_I16;  // INT16
  case 6: return BORN_DTYPE_I32;  // INT32
  case 7: return BORN_DTYPE_I64;  // INT64
  case 9: return BORN_DTYPE_BOOL; // BOOL
  case 10: return BORN_DTYPE_F16; // FLOAT16
  case 11: return BORN_DTYPE_F64; // DOUBLE
  case 16: return BORN_DTYPE_BF16; // BFLOAT16
  default: return 0;
  }
}

class WireReader {
public:
  WireReader(const uint8_t *begin, const uint8_t *end) : p_(begin), end_(end) {}
  bool atEnd() const { return p_ >= end_; }

  bool varint(uint64_t *value) {
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_)
        return false;
      uint8_t byte = *p_++;
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) {
        *value = result;
        return true;
      }
    }
    return false; // more than 10 bytes
  }
  bool fixed(int bytes, uint64_t *value) {
    if (end_ - p_ < bytes)
      return false;
    uint64_t result = 0;
    for (int i = bytes - 1; i >= 0; --i)
      result = (result << 8) | p_[i];
    p_ += bytes;
    *value = result;
    return true;
  }
  // A length-delimited payload: returns a reader over it and skips it here.
  bool bytes(const uint8_t **begin, const uint8_t **end) {
    uint64_t length;
    if (!varint(&length) || length > static_cast<uint64_t>(end_ - p_))
      return false;
    *begin = p_;
    *end = p_ + length;
    p_ += length;
    return true;
  }
  bool skip(uint32_t wireType) {
    uint64_t ignored;
    const uint8_t *b, *e;
    switch (wireType) {
    case kVarint: return varint(&ignored);
    case kFixed64: return fixed(8, &ignored);
    case kFixed32: return fixed(4, &ignored);
    case kLengthDelimited: return bytes(&b, &e);
    default: return false; // groups (3, 4) are not used by onnx.proto
    }
  }

private:
  const uint8_t *p_;
  const uint8_t *end_;
};

// Reads one element of a repeated scalar field, or all of them when the field
// is packed (wire type 2); `scalarWire` is the unpacked wire type.
bool readRepeated(WireReader &reader, uint32_t wireType, uint32_t scalarWire,
                  std::vector<uint64_t> *values) {
  auto readOne = [&](WireReader &r) {
    uint64_t v;
    bool ok = scalarWire == kVarint    ? r.varint(&v)
              : scalarWire == kFixed32 ? r.fixed(4, &v)
                                       : r.fixed(8, &v);
    if (ok)
      values->push_back(v);
    return ok;
  };
  if (wireType == scalarWire)
    return readOne(reader);
  if (wireType != kLengthDelimited)
    return false;
  const uint8_t *begin, *end;
  if (!reader.bytes(&begin, &end))
    return false;
  WireReader packed(begin, end);
  while (!packed.atEnd())
    if (!readOne(packed))
      return false;
  return true;
}

} // namespace

bool parseTensorProto(const uint8_t *bytes, size_t size, born_host_tensor *t,
                      std::string *error) {
  WireReader reader(bytes, bytes + size);
  // uint64_data only serves UINT32/UINT64, which born has no dtype for, but is
  // parsed so that it is validated like the other fields.
  std::vector<uint64_t> dims, floats, int32s, int64s, doubles, uint64s;
  uint64_t onnxType = 0;
  const uint8_t *raw = nullptr;
  size_t rawSize = 0;
  bool haveRaw = false;
  std::string name;
  while (!reader.atEnd()) {
    uint64_t key;
    if (!reader.varint(&key)) {
      *error = "truncated or malformed TensorProto (bad field key)";
      return false;
    }
    uint32_t field = static_cast<uint32_t>(key >> 3), wire = static_cast<uint32_t>(key & 7);
    bool ok = true;
    const uint8_t *begin, *end;
    switch (field) {
    case kDims: ok = readRepeated(reader, wire, kVarint, &dims); break;
    case kDataType: ok = wire == kVarint && reader.varint(&onnxType); break;
    case kFloatData: ok = readRepeated(reader, wire, kFixed32, &floats); break;
    case kInt32Data: ok = readRepeated(reader, wire, kVarint, &int32s); break;
    case kInt64Data: ok = readRepeated(reader, wire, kVarint, &int64s); break;
    case kDoubleData: ok = readRepeated(reader, wire, kFixed64, &doubles); break;
    case kUint64Data: ok = readRepeated(reader, wire, kVarint, &uint64s); break;
    case kName:
      ok = wire == kLengthDelimited && reader.bytes(&begin, &end);
      if (ok)
        name.assign(reinterpret_cast<const char *>(begin), static_cast<size_t>(end - begin));
      break;
    case kRawData:
      ok = wire == kLengthDelimited && reader.bytes(&begin, &end);
      if (ok) {
        raw = begin;
        rawSize = static_cast<size_t>(end - begin);
        haveRaw = true;
      }
      break;
    case kStringData:
      *error = "string tensors are not supported";
      return false;
    case kDataLocation: {
      uint64_t location = 0;
      ok = wire == kVarint && reader.varint(&location);
      if (ok && location == 1) {
        *error = "tensors with external data are not supported";
        return false;
      }
      break;
    }
    default: ok = reader.skip(wire); break;
    }
    if (!ok) {
      *error = format("truncated or malformed TensorProto (field %u, wire type %u)", field, wire);
      return false;
    }
  }
  std::string what = name.empty() ? std::string("tensor") : "tensor '" + name + "'";

  int32_t dtype = dtypeFromOnnx(onnxType);
  if (dtype == 0) {
    *error = format("%s has unsupported ONNX data_type %llu (supported: FLOAT, UINT8, INT8, "
                    "INT16, INT32, INT64, UINT16, UINT32, UINT64, BOOL, FLOAT16, DOUBLE, BFLOAT16)",
                    what.c_str(), static_cast<unsigned long long>(onnxType));
    return false;
  }
  if (dims.size() > BORN_MAX_RANK) {
    *error = format("%s has rank %zu, at most %d is supported", what.c_str(), dims.size(),
                    BORN_MAX_RANK);
    return false;
  }
  int64_t shape[BORN_MAX_RANK];
  for (size_t i = 0; i < dims.size(); ++i)
    shape[i] = static_cast<int64_t>(dims[i]);
  int32_t rank = static_cast<int32_t>(dims.size());
  int64_t count = elementCount(shape, rank);
  size_t elementSize = born_dtype_size(dtype);
  size_t nbytes = tensorBytes(dtype, shape, rank);
  if (count < 0 || nbytes == SIZE_MAX) {
    *error = format("%s has invalid dims %s", what.c_str(), shapeToString(shape, rank).c_str());
    return false;
  }

  // Pick the field holding the data for this dtype before allocating.
  const std::vector<uint64_t> *typed = nullptr;
  const char *typedName = nullptr;
  switch (dtype) {
  case BORN_DTYPE_F32: typed = &floats; typedName = "float_data"; break;
  case BORN_DTYPE_F64: typed = &doubles; typedName = "double_data"; break;
  case BORN_DTYPE_I64: typed = &int64s; typedName = "int64_data"; break;
  case BORN_DTYPE_U32:
  case BORN_DTYPE_U64: typed = &uint64s; typedName = "uint64_data"; break;
  default: typed = &int32s; typedName = "int32_data"; break; // also f16/bf16 bits, bool, i8, i16, u8
  }
  if (haveRaw) {
    if (rawSize != nbytes) {
      *error = format("%s: raw_data has %zu bytes, dims %s of %s need %zu", what.c_str(), rawSize,
                      shapeToString(shape, rank).c_str(), born_dtype_name(dtype), nbytes);
      return false;
    }
  } else if (typed->size() != static_cast<uint64_t>(count)) {
    *error = format("%s: %s has %zu values, dims %s need %lld", what.c_str(), typedName,
                    typed->size(), shapeToString(shape, rank).c_str(),
                    static_cast<long long>(count));
    return false;
  }

  if (!allocTensor(t, dtype, rank, shape, error))
    return false;
  if (haveRaw) {
    if (nbytes > 0)
      std::memcpy(t->data, raw, nbytes); // raw_data is little-endian, like the host
    return true;
  }
  // Typed fields hold each element in the low bits of a wider integer (floats
  // and doubles as their IEEE bits); keep the element's width.
  uint8_t *out = static_cast<uint8_t *>(t->data);
  for (int64_t i = 0; i < count; ++i) {
    uint64_t v = (*typed)[static_cast<size_t>(i)];
    std::memcpy(out + static_cast<size_t>(i) * elementSize, &v, elementSize);
  }
  return true;
}

} // namespace born
