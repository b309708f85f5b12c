// tensor.pad -> fills of the border + a linalg.copy of the source into the
// interior.
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
    // Not a tensor.empty, which CSE would share between two pads of one
    // shape (bufferization would then copy the buffer whole for the second).
    Value padded = bufferization::AllocTensorOp::create(
        rewriter, loc, resultType, ValueRange{});
    // Only the border is filled (the interior is about to be overwritten):
    // along each padded dim, the slab before the interior and the slab
    // after it, spanning the interior of the dims before it and the whole
    // of the dims after it.
    ArrayRef<int64_t> low = pad.getStaticLow(), source = sourceType.getShape(),
                      result = resultType.getShape();
    int64_t rank = resultType.getRank();
    auto index = [&](int64_t v) -> OpFoldResult {
      return rewriter.getIndexAttr(v);
    };
    SmallVector<OpFoldResult> ones(rank, index(1));
    for (int64_t d = 0; d < rank; ++d) {
      int64_t high = result[d] - low[d] - source[d];
      for (auto [begin, size] : {std::pair(int64_t(0), low[d]),
                                 std::pair(low[d] + source[d], high)}) {
        if (size == 0)
          continue;
        SmallVector<OpFoldResult> offsets, sizes;
        for (int64_t i = 0; i < rank; ++i) {
          offsets.push_back(index(i < d ? low[i] : i == d ? begin : 0));
          sizes.push_back(index(i < d ? source[i] : i == d ? size : result[i]));
        }
        Value slab = tensor::ExtractSliceOp::create(rewriter, loc, padded,
                                                    offsets, sizes, ones);
        Value filled =
            linalg::FillOp::create(rewriter, loc, padValue, slab).getResult(0);
        padded = tensor::InsertSliceOp::create(rewriter, loc, filled, padded,
                                               offsets, sizes, ones);
      }
    }
    SmallVector<OpFoldResult> offsets =
        getAsIndexOpFoldResult(getContext(), low);
    SmallVector<OpFoldResult> sizes =
        getAsIndexOpFoldResult(getContext(), source);
    Value interior = tensor::ExtractSliceOp::create(rewriter, loc, padded,
                                                    offsets, sizes, ones);
    Value copied =
        linalg::CopyOp::create(rewriter, loc, pad.getSource(), interior)
            .getResult(0);
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(pad, copied, padded,
                                                       offsets, sizes, ones);
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
