#ifndef BORN_CODEGEN_SPIRV_PASSES_H
#define BORN_CODEGEN_SPIRV_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace born {
#define GEN_PASS_DECL
#include "codegen/SPIRV/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "codegen/SPIRV/Passes.h.inc"
} // namespace born

#endif
