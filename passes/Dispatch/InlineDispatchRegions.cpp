#include "passes/Dispatch/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace born {
#define GEN_PASS_DEF_INLINEDISPATCHREGIONS
#include "passes/Dispatch/Passes.h.inc"

void inlineDispatchRegion(mlir::RewriterBase &rewriter, DispatchOp dispatch) {
  auto yield = mlir::cast<YieldOp>(dispatch.getBody().front().getTerminator());
  llvm::SmallVector<mlir::Value> values(yield.getValues());
  rewriter.eraseOp(yield);
  rewriter.inlineBlockBefore(&dispatch.getBody().front(), dispatch);
  rewriter.replaceOp(dispatch, values);
}
} // namespace born

namespace {
struct InlineDispatchRegionsPass
    : born::impl::InlineDispatchRegionsBase<InlineDispatchRegionsPass> {
  void runOnOperation() override {
    mlir::IRRewriter rewriter(&getContext());
    llvm::SmallVector<born::DispatchOp> dispatches;
    getOperation().walk(
        [&](born::DispatchOp dispatch) { dispatches.push_back(dispatch); });
    for (born::DispatchOp dispatch : dispatches)
      born::inlineDispatchRegion(rewriter, dispatch);
  }
};
} // namespace
