//===- Importer.h - ONNX model to born dialect -----------------*- C++ -*-===//
//
// Reads an ONNX ModelProto and builds one born-dialect function computing
// the graph's outputs from its inputs. Initializers become `born.param`s
// whose bytes go to a WeightSet (small ones become constants, so shape
// computations fold at import time).
//
//===----------------------------------------------------------------------===//
#ifndef BORN_COMPILER_ONNX_IMPORTER_H
#define BORN_COMPILER_ONNX_IMPORTER_H

#include "compiler/Weights/Weights.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include <string>

namespace born::onnx {

struct ImportOptions {
  /// Static shapes for inputs whose ONNX shape has symbolic or unknown
  /// dimensions (--input-shape NAME=1x3x224x224).
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// Inputs replaced by the tensor in a file (.pb TensorProto or .npy): they
  /// become constants of the compiled model (--bind-input NAME=FILE). This is
  /// how an input that determines a shape (a Reshape target, a Range limit)
  /// gets the value a static-shape compiler needs.
  llvm::StringMap<std::string> boundInputs;
  /// Name of the generated function.
  std::string functionName = "forward";
};

/// Imports the model at `path` into a new module in `context`; initializer
/// bytes are added to `weights`. Errors name the file, and the node (name,
/// op type, domain and opset), tensor or input at fault.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
importModel(llvm::StringRef path, mlir::MLIRContext &context,
            const ImportOptions &options, WeightSet &weights);

/// Parses "NAME=1x3x224x224" into `options.inputShapes`.
llvm::Error parseInputShape(llvm::StringRef spec, ImportOptions &options);

} // namespace born::onnx

#endif
