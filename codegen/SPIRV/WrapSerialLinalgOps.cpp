#include "codegen/SPIRV/Passes.h"
#include "mlir/IR/PatternMatch.h"

namespace born {
#define GEN_PASS_DEF_WRAPSERIALLINALGOPS
#include "codegen/SPIRV/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
struct WrapSerialLinalgOpsPass
    : born::impl::WrapSerialLinalgOpsBase<WrapSerialLinalgOpsPass> {
  void runOnOperation() override {
    SmallVector<linalg::LinalgOp> serial;
    getOperation().walk([&](linalg::LinalgOp op) {
      if (op.getNumParallelLoops() == 0 &&
          !op->getParentOfType<scf::ParallelOp>())
        serial.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : serial) {
      Location loc = op.getLoc();
      rewriter.setInsertionPoint(op);
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      auto loop = scf::ParallelOp::create(rewriter, loc, ValueRange{zero},
                                          ValueRange{one}, ValueRange{one});
      rewriter.moveOpBefore(op, loop.getBody()->getTerminator());
    }
  }
};
} // namespace
