#ifndef BORN_CODEGEN_BORNTOLINALG_PASSES_H
#define BORN_CODEGEN_BORNTOLINALG_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace born {

#define GEN_PASS_DECL
#include "codegen/BornToLinalg/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "codegen/BornToLinalg/Passes.h.inc"

} // namespace born

#endif
