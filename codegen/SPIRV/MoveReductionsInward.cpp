#include "codegen/SPIRV/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace born {
#define GEN_PASS_DEF_MOVEREDUCTIONSINWARD
#include "codegen/SPIRV/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// The loop order that puts every parallel dimension before every reduction
/// dimension, each group in its original order; empty if already so.
SmallVector<unsigned> parallelFirstOrder(linalg::LinalgOp op) {
  SmallVector<unsigned> parallel, reduction;
  for (auto [i, type] : llvm::enumerate(op.getIteratorTypesArray()))
    (linalg::isParallelIterator(type) ? parallel : reduction).push_back(i);
  SmallVector<unsigned> order = parallel;
  order.append(reduction);
  if (llvm::equal(order, llvm::seq<unsigned>(0, order.size())))
    return {};
  return order;
}

struct MoveReductionsInwardPass
    : born::impl::MoveReductionsInwardBase<MoveReductionsInwardPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> misordered;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.getNumParallelLoops() > 0 && !parallelFirstOrder(op).empty())
        misordered.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : misordered) {
      SmallVector<unsigned> order = parallelFirstOrder(op);
      rewriter.setInsertionPoint(op);
      auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
      if (!generic) {
        FailureOr<linalg::GenericOp> generalized =
            linalg::generalizeNamedOp(rewriter, op);
        if (failed(generalized)) {
          op.emitOpError("cannot be generalized to move its reduction loops "
                         "inside its parallel loops");
          return signalPassFailure();
        }
        generic = *generalized;
      }
      if (failed(linalg::interchangeGenericOp(rewriter, generic, order))) {
        generic.emitOpError("cannot interchange its loops");
        return signalPassFailure();
      }
    }
  }
};
} // namespace
