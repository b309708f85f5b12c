#include "codegen/CPU/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Utils/MemRefUtils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/PatternMatch.h"

namespace born {
#define GEN_PASS_DEF_SPLITSTRIDEDCOPIES
#include "codegen/CPU/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// Whether `type` is a static view whose innermost dim has unit stride.
bool hasContiguousRows(MemRefType type) {
  SmallVector<int64_t> strides;
  int64_t offset;
  return type.hasStaticShape() && type.getRank() >= 2 &&
         succeeded(type.getStridesAndOffset(strides, offset)) &&
         strides.back() == 1;
}

struct SplitStridedCopiesPass
    : born::impl::SplitStridedCopiesBase<SplitStridedCopiesPass> {
  using SplitStridedCopiesBase::SplitStridedCopiesBase;

  void runOnOperation() override {
    SmallVector<memref::CopyOp> copies;
    getOperation().walk([&](memref::CopyOp copy) {
      auto source = dyn_cast<MemRefType>(copy.getSource().getType());
      auto target = dyn_cast<MemRefType>(copy.getTarget().getType());
      if (!source || !target || !hasContiguousRows(source) ||
          !hasContiguousRows(target) || source.getShape().back() < minRow)
        return;
      // Whole contiguous copies are one memcpy already.
      if (memref::isStaticShapeAndContiguousRowMajor(source) &&
          memref::isStaticShapeAndContiguousRowMajor(target))
        return;
      copies.push_back(copy);
    });
    IRRewriter rewriter(&getContext());
    for (memref::CopyOp copy : copies) {
      Location loc = copy.getLoc();
      ArrayRef<int64_t> shape =
          cast<MemRefType>(copy.getSource().getType()).getShape();
      rewriter.setInsertionPoint(copy);
      SmallVector<OpFoldResult> offsets;
      Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
      Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
      for (int64_t size : shape.drop_back()) {
        auto loop = scf::ForOp::create(
            rewriter, loc, zero,
            arith::ConstantIndexOp::create(rewriter, loc, size), one);
        offsets.push_back(loop.getInductionVar());
        rewriter.setInsertionPoint(loop.getBody()->getTerminator());
      }
      offsets.push_back(rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes(shape.size() - 1,
                                      rewriter.getIndexAttr(1));
      sizes.push_back(rewriter.getIndexAttr(shape.back()));
      SmallVector<OpFoldResult> steps(shape.size(), rewriter.getIndexAttr(1));
      auto row = [&](Value view) -> Value {
        auto type = cast<MemRefType>(
            memref::SubViewOp::inferRankReducedResultType(
                {shape.back()}, cast<MemRefType>(view.getType()), offsets,
                sizes, steps));
        return memref::SubViewOp::create(rewriter, loc, type, view, offsets,
                                         sizes, steps);
      };
      memref::CopyOp::create(rewriter, loc, row(copy.getSource()),
                             row(copy.getTarget()));
      rewriter.eraseOp(copy);
    }
  }
};
} // namespace
