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

/// Entry-argument attributes set by born-lift-params: the weights-blob key
/// the argument is fed from and, for a permuted parameter, the stored
/// tensor's name and the permutation applied to it.
inline constexpr llvm::StringLiteral kParamAttrName = "born.param";
inline constexpr llvm::StringLiteral kParamSourceAttrName = "born.param_source";
inline constexpr llvm::StringLiteral kPermutationAttrName = "born.permutation";

/// The blob key of a parameter: its name, plus the permutation if any.
inline std::string paramKey(llvm::StringRef name,
                            std::optional<llvm::ArrayRef<int64_t>> perm) {
  std::string key = name.str();
  if (perm) {
    key += ":perm=";
    for (auto [i, p] : llvm::enumerate(*perm))
      key += (i ? "," : "") + std::to_string(p);
  }
  return key;
}
} // namespace born

#endif
