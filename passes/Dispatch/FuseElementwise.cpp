//===- FuseElementwise.cpp - Elementwise fusion that spares contractions --===//
#include "passes/Dispatch/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace born {
#define GEN_PASS_DEF_FUSEELEMENTWISE
#include "passes/Dispatch/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
bool isContractionOrConvolution(Operation *op) {
  auto linalgOp = dyn_cast_or_null<linalg::LinalgOp>(op);
  return linalgOp && (linalg::isaContractionOpInterface(linalgOp) ||
                      linalg::isaConvolutionOpInterface(linalgOp));
}

/// Whether fusing into `consumer` through `operand` would recompute the
/// producer: a reducing consumer (born.quantized_matmul's decoding generic)
/// that reads the operand broadcast along one of its parallel loops (the
/// activations, the same for every output) would evaluate the producer once
/// per point of that loop.
bool recomputesProducer(OpOperand *operand) {
  auto consumer = dyn_cast<linalg::LinalgOp>(operand->getOwner());
  if (!consumer || !consumer.getNumReductionLoops() ||
      consumer.isDpsInit(operand))
    return false;
  AffineMap map = consumer.getMatchingIndexingMap(operand);
  for (auto [d, it] : llvm::enumerate(consumer.getIteratorTypesArray()))
    if (it == utils::IteratorType::parallel &&
        !map.isFunctionOfDim(static_cast<unsigned>(d)))
      return true;
  return false;
}

struct FuseElementwisePass
    : born::impl::FuseElementwiseBase<FuseElementwisePass> {
  void runOnOperation() override {
    MLIRContext *context = &getContext();
    // `fusedOperand` is the consumer's operand (elementwise fusion, a
    // collapse/expand feeding a linalg op) or the reshape's source (a linalg
    // op feeding an expand_shape): neither end may be a contraction.
    linalg::ControlFusionFn control = [](OpOperand *fusedOperand) {
      Operation *producer = fusedOperand->get().getDefiningOp();
      return producer && producer->hasOneUse() &&
             !isContractionOrConvolution(producer) &&
             !isContractionOrConvolution(fusedOperand->getOwner()) &&
             !recomputesProducer(fusedOperand);
    };
    RewritePatternSet patterns(context);
    linalg::populateElementwiseOpsFusionPatterns(patterns, control);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns, control);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, context);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, context);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, context);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, context);
    context->getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    linalg::populateConstantFoldLinalgOperations(patterns, control);
    if (failed(applyPatternsGreedily(
            getOperation(), std::move(patterns),
            GreedyRewriteConfig().setUseTopDownTraversal())))
      return signalPassFailure();
  }
};
} // namespace
