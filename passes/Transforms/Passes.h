#ifndef BORN_PASSES_TRANSFORMS_PASSES_H
#define BORN_PASSES_TRANSFORMS_PASSES_H

#include "dialects/born/IR/BornDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace born {
#define GEN_PASS_DECL
#include "passes/Transforms/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "passes/Transforms/Passes.h.inc"

/// Attribute naming the weights-blob tensor an entry argument is fed from.
inline constexpr llvm::StringLiteral kParamAttrName = "born.param";
} // namespace born

#endif
