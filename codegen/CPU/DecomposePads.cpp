// tensor.pad -> fill + a linalg.copy of the source into the interior.
#include "codegen/CPU/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace born {
#define GEN_PASS_DEF_DECOMPOSEPADS
#include "codegen/CPU/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
struct DecomposeStaticPad : OpRewritePattern<tensor::PadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::PadOp pad,
                                PatternRewriter &rewriter) const override {
    Value padValue = pad.getConstantPaddingValue();
    RankedTensorType sourceType = pad.getSourceType();
    RankedTensorType resultType = pad.getResultType();
    if (!padValue || !sourceType.hasStaticShape() ||
        !resultType.hasStaticShape() ||
        llvm::any_of(pad.getStaticLow(), ShapedType::isDynamic))
      return failure();
    Location loc = pad.getLoc();
    // A pad value defined in the pad's region must be rebuilt outside it.
    if (pad.getRegion().isAncestor(padValue.getParentRegion()))
      return failure();
    // Not a tensor.empty: CSE would merge two pads' identical fills into
    // one buffer, and bufferization would then copy it whole for the second
    // pad.
    Value empty = bufferization::AllocTensorOp::create(rewriter, loc,
                                                       resultType, ValueRange{});
    Value filled =
        linalg::FillOp::create(rewriter, loc, padValue, empty).getResult(0);
    SmallVector<OpFoldResult> offsets =
        getAsIndexOpFoldResult(getContext(), pad.getStaticLow());
    SmallVector<OpFoldResult> sizes =
        getAsIndexOpFoldResult(getContext(), sourceType.getShape());
    SmallVector<OpFoldResult> strides(sizes.size(), rewriter.getIndexAttr(1));
    Value interior = tensor::ExtractSliceOp::create(rewriter, loc, filled,
                                                    offsets, sizes, strides);
    Value copied =
        linalg::CopyOp::create(rewriter, loc, pad.getSource(), interior)
            .getResult(0);
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(pad, copied, filled,
                                                       offsets, sizes, strides);
    return success();
  }
};

struct DecomposePadsPass : born::impl::DecomposePadsBase<DecomposePadsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeStaticPad>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
