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

/// Reverse-mode autodiff, the core of born-autodiff (docs/autodiff.md):
/// builds before `insertionPoint` the gradients of `loss` (a float tensor of
/// one element) with respect to each of `wrt`, from the ops of the block that
/// come before `insertionPoint`. `wrtNames` name the `wrt` values in errors.
/// Rules may leave unused cotangent ops behind; a value the loss does not
/// depend on gets a zero gradient.
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
buildGradients(mlir::Operation *insertionPoint, mlir::Value loss,
               llvm::ArrayRef<mlir::Value> wrt,
               llvm::ArrayRef<std::string> wrtNames);

/// Entry-argument attributes set by born-lift-params: the weights-blob key
/// the argument is fed from and, for a parameter laid out differently from
/// the stored tensor, the stored tensor's name and the layout: the stored
/// row-major bytes viewed as `born.expanded_shape` (default: the stored
/// shape), then permuted by `born.permutation` (default: identity).
inline constexpr llvm::StringLiteral kParamAttrName = "born.param";
inline constexpr llvm::StringLiteral kParamSourceAttrName = "born.param_source";
inline constexpr llvm::StringLiteral kExpandedShapeAttrName =
    "born.expanded_shape";
inline constexpr llvm::StringLiteral kPermutationAttrName = "born.permutation";

/// Entry-result attribute: the result may be written into the buffer of
/// the entry argument it names (an index; an input, not a parameter), as a
/// training step writes the updated weights over the weights. Code
/// generation keeps the result correct whether or not the two share memory.
inline constexpr llvm::StringLiteral kTiedInputAttrName = "born.tied_input";

/// The blob key of a parameter: its name, plus its layout if any. Empty
/// arrays mean no reshape / no permutation.
inline std::string paramKey(llvm::StringRef name,
                            llvm::ArrayRef<int64_t> expandedShape,
                            llvm::ArrayRef<int64_t> perm) {
  std::string key = name.str();
  if (!expandedShape.empty()) {
    key += ":shape=";
    for (auto [i, d] : llvm::enumerate(expandedShape))
      key += (i ? "x" : "") + std::to_string(d);
  }
  if (!perm.empty()) {
    key += ":perm=";
    for (auto [i, p] : llvm::enumerate(perm))
      key += (i ? "," : "") + std::to_string(p);
  }
  return key;
}
} // namespace born

#endif
