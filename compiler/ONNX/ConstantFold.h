//===- ConstantFold.h - Evaluating born ops on constants --------*- C++ -*-===//
//
// Exporters compute shapes at run time (Shape -> Gather -> Add -> Div ->
// Slice in PyTorch's attention); Born compiles static shapes, so the
// importer evaluates such chains while it builds them. The born dialect has
// no folders of its own; this evaluates the ops importers build from
// constant operands, for small results.
//
//===----------------------------------------------------------------------===//
#ifndef BORN_COMPILER_ONNX_CONSTANTFOLD_H
#define BORN_COMPILER_ONNX_CONSTANTFOLD_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

namespace born::onnx {

/// The value of `op`'s single result when every operand is a born.constant
/// and `op` is one the evaluator knows; null otherwise.
mlir::DenseElementsAttr foldConstantOp(mlir::Operation *op);

} // namespace born::onnx

#endif
