//===- TensorProto.cpp - ONNX tensors as bytes and attributes -------------===//
#include "compiler/ONNX/TensorProto.h"

#include "onnx.pb.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <cstring>

using namespace llvm;

namespace born::onnx {

using ::onnx::TensorProto;

mlir::Type elementType(mlir::MLIRContext *context, int32_t onnxType) {
  mlir::Builder b(context);
  switch (onnxType) {
  case TensorProto::FLOAT: return b.getF32Type();
  case TensorProto::DOUBLE: return b.getF64Type();
  case TensorProto::FLOAT16: return b.getF16Type();
  case TensorProto::BFLOAT16: return b.getBF16Type();
  case TensorProto::INT8:
  case TensorProto::UINT8: return b.getIntegerType(8);
  case TensorProto::UINT16: return b.getIntegerType(16);
  case TensorProto::UINT32: return b.getI32Type();
  case TensorProto::UINT64: return b.getI64Type();
  case TensorProto::INT16: return b.getIntegerType(16);
  case TensorProto::INT32: return b.getI32Type();
  case TensorProto::INT64: return b.getI64Type();
  case TensorProto::BOOL: return b.getI1Type();
  default: return {};
  }
}

bool isUnsignedType(int32_t onnxType) {
  return onnxType == TensorProto::UINT8 || onnxType == TensorProto::UINT16 ||
         onnxType == TensorProto::UINT32 || onnxType == TensorProto::UINT64;
}

std::string typeName(int32_t onnxType) {
  if (TensorProto::DataType_IsValid(onnxType))
    return TensorProto::DataType_Name(
        static_cast<TensorProto::DataType>(onnxType));
  // Types newer than the onnx.proto Born was built with.
  static const char *const kNewer[] = {"FLOAT8E4M3FN", "FLOAT8E4M3FNUZ",
                                       "FLOAT8E5M2",   "FLOAT8E5M2FNUZ",
                                       "UINT4",        "INT4",
                                       "FLOAT4E2M1",   "FLOAT8E8M0",
                                       "UINT2",        "INT2"};
  if (onnxType >= 17 && onnxType < 17 + int32_t(std::size(kNewer)))
    return kNewer[onnxType - 17];
  return "data type " + std::to_string(onnxType);
}

int64_t TensorBytes::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

mlir::DenseElementsAttr TensorBytes::toAttr() const {
  if (elementType.isInteger(1)) {
    SmallVector<bool> values(bytes.begin(), bytes.end());
    return mlir::DenseElementsAttr::get(type(), ArrayRef<bool>(values));
  }
  return mlir::DenseElementsAttr::getFromRawBuffer(
      type(), ArrayRef<char>(reinterpret_cast<const char *>(bytes.data()),
                             bytes.size()));
}

static Error failure(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

/// Copies a typed repeated field into `out`, narrowing each value to the
/// element type's storage.
template <typename Field>
static void copyNarrowed(const Field &field, unsigned width,
                         std::vector<uint8_t> &out) {
  out.resize(size_t(field.size()) * width);
  for (int i = 0; i < field.size(); ++i) {
    uint64_t v = static_cast<uint64_t>(field.Get(i));
    std::memcpy(out.data() + size_t(i) * width, &v, width); // little endian
  }
}

Expected<TensorBytes> readTensor(const TensorProto &tensor,
                                 mlir::MLIRContext *context,
                                 StringRef baseDir) {
  TensorBytes result;
  result.elementType = elementType(context, tensor.data_type());
  result.isUnsigned = isUnsignedType(tensor.data_type());
  if (!result.elementType)
    return failure("element type " + typeName(tensor.data_type()) +
                   " is not supported");
  for (int64_t d : tensor.dims()) {
    if (d < 0)
      return failure("negative dimension " + Twine(d));
    result.shape.push_back(d);
  }
  int64_t count = 1;
  for (int64_t d : result.shape) {
    if (d != 0 && count > (int64_t(1) << 40) / d)
      return failure("absurd size: more than 2^40 elements");
    count *= d;
  }
  unsigned width = result.elementType.isInteger(1)
                       ? 1
                       : result.elementType.getIntOrFloatBitWidth() / 8;
  uint64_t expected = uint64_t(count) * width;

  if (tensor.data_location() == TensorProto::EXTERNAL) {
    std::string location;
    uint64_t offset = 0, length = expected;
    for (const auto &entry : tensor.external_data()) {
      if (entry.key() == "location")
        location = entry.value();
      else if ((entry.key() == "offset" &&
                StringRef(entry.value()).getAsInteger(10, offset)) ||
               (entry.key() == "length" &&
                StringRef(entry.value()).getAsInteger(10, length)))
        return failure("external data " + entry.key() + " '" +
                       entry.value() + "' is not a number");
    }
    if (location.empty())
      return failure("external data without a location");
    if (sys::path::is_absolute(location))
      return failure("external data location '" + location +
                     "' must be relative to the model file");
    SmallString<256> path(baseDir);
    sys::path::append(path, location);
    if (length != expected)
      return failure("external data length " + Twine(length) +
                     " does not match the shape (" + Twine(expected) +
                     " bytes)");
    uint64_t fileSize = 0;
    if (std::error_code ec = sys::fs::file_size(path, fileSize))
      return failure("cannot read external data file " + path + ": " +
                     ec.message());
    if (offset > fileSize || length > fileSize - offset)
      return failure("external data [" + Twine(offset) + ", " +
                     Twine(offset + length) + ") is past the end of " + path +
                     " (" + Twine(fileSize) + " bytes)");
    if (length == 0)
      return result;
    auto buffer = MemoryBuffer::getFileSlice(path, length, offset,
                                             /*IsVolatile=*/false);
    if (!buffer)
      return failure("cannot read external data file " + path + ": " +
                     buffer.getError().message());
    result.file = std::move(*buffer);
    result.bytes = ArrayRef<uint8_t>(
        reinterpret_cast<const uint8_t *>(result.file->getBufferStart()),
        length);
    return result;
  }

  if (tensor.has_raw_data()) {
    const std::string &raw = tensor.raw_data();
    if (raw.size() != expected)
      return failure("raw_data has " + Twine(raw.size()) + " bytes, the shape " +
                     "needs " + Twine(expected));
    result.owned.assign(raw.begin(), raw.end());
  } else {
    int32_t t = tensor.data_type();
    int64_t have = -1;
    switch (t) {
    case TensorProto::FLOAT:
      have = tensor.float_data_size();
      result.owned.resize(have * 4);
      if (have)
        std::memcpy(result.owned.data(), tensor.float_data().data(), have * 4);
      break;
    case TensorProto::DOUBLE:
      have = tensor.double_data_size();
      result.owned.resize(have * 8);
      if (have)
        std::memcpy(result.owned.data(), tensor.double_data().data(), have * 8);
      break;
    case TensorProto::INT64:
      have = tensor.int64_data_size();
      copyNarrowed(tensor.int64_data(), 8, result.owned);
      break;
    case TensorProto::UINT32:
    case TensorProto::UINT64:
      have = tensor.uint64_data_size();
      copyNarrowed(tensor.uint64_data(), width, result.owned);
      break;
    default: // int32_data holds every narrower type, bit patterns for floats
      have = tensor.int32_data_size();
      copyNarrowed(tensor.int32_data(), width, result.owned);
      break;
    }
    if (have != count)
      return failure("has " + Twine(have) + " values, the shape needs " +
                     Twine(count));
  }
  if (result.elementType.isInteger(1))
    for (uint8_t &v : result.owned)
      v = v != 0;
  result.bytes = result.owned;
  return result;
}

Expected<TensorBytes> readTensorFile(StringRef path,
                                     mlir::MLIRContext *context) {
  auto buffer = MemoryBuffer::getFile(path, /*IsText=*/false,
                                      /*RequiresNullTerminator=*/false);
  if (!buffer)
    return failure(path + ": " + buffer.getError().message());
  TensorProto tensor;
  if (!tensor.ParseFromArray((*buffer)->getBufferStart(),
                             int((*buffer)->getBufferSize())))
    return failure(path + ": not a serialized ONNX TensorProto");
  auto bytes = readTensor(tensor, context, sys::path::parent_path(path));
  if (!bytes)
    return failure(path + ": " + toString(bytes.takeError()));
  return bytes;
}

} // namespace born::onnx
