#include "codegen/Common/Passes.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace born {
#define GEN_PASS_DEF_CONVERTCOPIESTOLINALG
#include "codegen/Common/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
struct ConvertCopiesToLinalgPass
    : born::impl::ConvertCopiesToLinalgBase<ConvertCopiesToLinalgPass> {
  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp op) { copies.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (memref::CopyOp copy : copies) {
      rewriter.setInsertionPoint(copy);
      rewriter.replaceOpWithNewOp<linalg::CopyOp>(copy, copy.getSource(),
                                                  copy.getTarget());
    }
  }
};
} // namespace
