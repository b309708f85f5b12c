#ifndef BORN_CODEGEN_BORNTOLINALG_UTILS_H
#define BORN_CODEGEN_BORNTOLINALG_UTILS_H

#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

// Building blocks shared by the born-to-linalg patterns. Every shape is
// static, so none of these create dynamic sizes.
namespace born {

/// Computes one scalar of an elementwise or reduction body from the block
/// arguments of a linalg.generic (the inputs, then the outputs).
using ScalarBodyFn = llvm::function_ref<mlir::Value(
    mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>;

inline mlir::RankedTensorType tensorType(mlir::Value v) {
  return llvm::cast<mlir::RankedTensorType>(v.getType());
}

//===----------------------------------------------------------------------===//
// Scalars
//===----------------------------------------------------------------------===//

/// `value` as a constant of the float or integer type `type`.
mlir::Value createScalar(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type type, double value);

/// Zero of the float or integer type `type`: the identity of a sum.
mlir::TypedAttr zeroAttr(mlir::Type type);
/// The identity of a max reduction: -inf for floats, the smallest signed
/// integer otherwise.
mlir::TypedAttr lowestValueAttr(mlir::Type type);
/// The identity of a min reduction: +inf or the largest signed integer.
mlir::TypedAttr highestValueAttr(mlir::Type type);

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

/// An uninitialized destination tensor (tensor.empty).
mlir::Value createEmptyTensor(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::RankedTensorType type);

/// A destination tensor with every element set to `value` (tensor.empty +
/// linalg.fill): the init of accumulating ops.
mlir::Value createFilledTensor(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::RankedTensorType type,
                               mlir::TypedAttr value);
mlir::Value createZeroTensor(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::RankedTensorType type);

/// lhs [M, K] times rhs [K, N]: a linalg.matmul accumulating into zeros.
mlir::Value createMatmul(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value lhs, mlir::Value rhs);

/// `value` with the static shape of `type`, through one collapse_shape or
/// expand_shape when a reassociation exists, else collapsing to 1-D and
/// expanding. Row-major element order is unchanged.
mlir::Value reshapeTensor(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value value, mlir::RankedTensorType type);

//===----------------------------------------------------------------------===//
// linalg.generic
//===----------------------------------------------------------------------===//

/// The indexing map that reads an operand of `operandShape` inside an
/// iteration space of `resultShape` under NumPy broadcasting: missing leading
/// dimensions are dropped and stretched size-1 dimensions read index 0.
mlir::AffineMap broadcastIndexingMap(mlir::MLIRContext *ctx,
                                     llvm::ArrayRef<int64_t> operandShape,
                                     llvm::ArrayRef<int64_t> resultShape);

/// The map (d0, ..., d{rank-1}) -> (the dims not in `droppedDims`), which
/// reads the result of a reduction over `droppedDims`.
mlir::AffineMap projectionMap(mlir::MLIRContext *ctx, unsigned rank,
                              llvm::ArrayRef<int64_t> droppedDims);

/// `rank` iterator types, reduction for `reductionDims`, parallel elsewhere.
llvm::SmallVector<mlir::utils::IteratorType>
iteratorTypes(unsigned rank, llvm::ArrayRef<int64_t> reductionDims = {});

/// A linalg.generic with parallel iterators writing a new tensor of
/// `resultType`; `inputMaps` read `inputs` from the result's index space and
/// `body` gets one scalar per input.
mlir::Value createParallelGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::RankedTensorType resultType,
                                  mlir::ValueRange inputs,
                                  llvm::ArrayRef<mlir::AffineMap> inputMaps,
                                  ScalarBodyFn body);

/// A linalg.generic that reduces over `reductionDims` of an index space in
/// which `inputMaps` read `inputs`, accumulating into `init` (whose shape is
/// the index space without `reductionDims`); `body` gets one scalar per input
/// followed by the accumulator and returns the new accumulator.
mlir::Value createReductionGeneric(mlir::OpBuilder &b, mlir::Location loc,
                                   mlir::Value init, mlir::ValueRange inputs,
                                   llvm::ArrayRef<mlir::AffineMap> inputMaps,
                                   llvm::ArrayRef<int64_t> reductionDims,
                                   ScalarBodyFn body);

/// One parallel linalg.generic producing `resultType` from `inputs`, each
/// broadcast NumPy-style to the result shape; `body` gets one scalar per input.
mlir::Value createElementwise(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::RankedTensorType resultType,
                              mlir::ValueRange inputs, ScalarBodyFn body);

/// `input` broadcast NumPy-style to `shape` (a copying linalg.generic).
mlir::Value broadcastTensor(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value input, llvm::ArrayRef<int64_t> shape);

/// The shape of `shape` with `dims` removed (or set to 1 with `keepDims`).
llvm::SmallVector<int64_t> reducedShape(llvm::ArrayRef<int64_t> shape,
                                        llvm::ArrayRef<int64_t> dims,
                                        bool keepDims = false);

} // namespace born

#endif
