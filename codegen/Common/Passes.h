#ifndef BORN_CODEGEN_COMMON_PASSES_H
#define BORN_CODEGEN_COMMON_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Pass/Pass.h"

/// Passes that both code generators use.
namespace born {
#define GEN_PASS_DECL
#include "codegen/Common/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "codegen/Common/Passes.h.inc"
} // namespace born

#endif
