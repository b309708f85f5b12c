//===- TensorProto.h - ONNX tensors as bytes and attributes ----*- C++ -*-===//
#ifndef BORN_COMPILER_ONNX_TENSORPROTO_H
#define BORN_COMPILER_ONNX_TENSORPROTO_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include <memory>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
class TypeProto;
} // namespace onnx

namespace born::onnx {

/// The element type Born uses for an ONNX data type, or null when Born has
/// none yet (strings, 8-bit float types, complex numbers).
mlir::Type elementType(mlir::MLIRContext *context, int32_t onnxType);

/// Whether an ONNX data type is an unsigned integer (mapped to the signless
/// integer of its width).
bool isUnsignedType(int32_t onnxType);

/// The ONNX spelling of a data type ("FLOAT", "UINT8", ...).
std::string typeName(int32_t onnxType);

/// A tensor's elements as dense, row-major little-endian bytes in the
/// element type's storage (one byte per bool), owned or borrowed from a
/// mapped file.
struct TensorBytes {
  mlir::Type elementType;
  bool isUnsigned = false;
  llvm::SmallVector<int64_t> shape;
  llvm::ArrayRef<uint8_t> bytes;
  std::vector<uint8_t> owned;
  std::unique_ptr<llvm::MemoryBuffer> file;

  TensorBytes() = default;
  TensorBytes(TensorBytes &&) = default;
  TensorBytes &operator=(TensorBytes &&) = default;

  mlir::RankedTensorType type() const {
    return mlir::RankedTensorType::get(shape, elementType);
  }
  int64_t numElements() const;
  /// The elements as an attribute (copies the bytes into the context).
  mlir::DenseElementsAttr toAttr() const;
};

/// Reads `tensor` (raw_data, the typed fields, or external data relative to
/// `baseDir`). Errors say what is wrong without naming the tensor: callers
/// add where it came from.
llvm::Expected<TensorBytes> readTensor(const ::onnx::TensorProto &tensor,
                                       mlir::MLIRContext *context,
                                       llvm::StringRef baseDir);

/// Reads a serialized TensorProto file (the ONNX test data's input_*.pb).
llvm::Expected<TensorBytes> readTensorFile(llvm::StringRef path,
                                           mlir::MLIRContext *context);

} // namespace born::onnx

#endif
