#include "codegen/SPIRV/Passes.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"

namespace born {
#define GEN_PASS_DEF_LOWERNESTEDLINALGTOLOOPS
#include "codegen/SPIRV/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
struct LowerNestedLinalgToLoopsPass
    : born::impl::LowerNestedLinalgToLoopsBase<LowerNestedLinalgToLoopsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> nested;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.hasPureBufferSemantics() && op->getParentOfType<scf::ParallelOp>())
        nested.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : nested) {
      rewriter.setInsertionPoint(op);
      if (failed(linalg::linalgOpToLoops(rewriter, op)))
        return signalPassFailure();
      rewriter.eraseOp(op);
    }
  }
};
} // namespace
