#ifndef BORN_PASSES_DISPATCH_PASSES_H
#define BORN_PASSES_DISPATCH_PASSES_H

#include "dialects/born/IR/BornOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Pass/Pass.h"

namespace born {
#define GEN_PASS_DECL
#include "passes/Dispatch/Passes.h.inc"
#define GEN_PASS_REGISTRATION
#include "passes/Dispatch/Passes.h.inc"

/// The dispatch phase, shared by every target: born graph -> fused linalg
/// on tensors grouped into born.dispatch regions (a pass list for a
/// module-anchored pass manager).
std::string dispatchPipeline();

/// Whether fusing `producer` into the kernel of the op that uses it through
/// `use` computes each of the producer's tiles once: `use` is the
/// consumer's destination, or reads the producer through a permutation.
bool isFusableWithoutRecomputation(mlir::OpOperand &use);

/// Moves the region's ops before it and replaces its results by the values
/// it yields.
void inlineDispatchRegion(mlir::RewriterBase &rewriter, DispatchOp dispatch);
} // namespace born

#endif
