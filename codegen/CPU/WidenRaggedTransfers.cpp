#include "codegen/CPU/Passes.h"

#include "mlir/Dialect/UB/IR/UBOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/Support/MathExtras.h"

namespace born {
#define GEN_PASS_DEF_WIDENRAGGEDTRANSFERS
#include "codegen/CPU/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// The width a ragged 1-D vector of `lanes` elements of `bits` each widens
/// to: the next power of two within one register, whole registers beyond;
/// 0 when it is not ragged.
int64_t widenedLanes(int64_t lanes, unsigned bits, int64_t registerBits) {
  int64_t perRegister = registerBits / bits;
  if (lanes < 3 || perRegister < 2)
    return 0;
  int64_t wide = lanes <= perRegister ? int64_t(llvm::PowerOf2Ceil(lanes))
                                      : llvm::alignTo(lanes, perRegister);
  return wide == lanes ? 0 : wide;
}

/// The transfer's widened vector type if it is an in-bounds, unmasked,
/// contiguous 1-D transfer of a ragged width on a memref.
std::optional<VectorType> widenedType(VectorTransferOpInterface xfer,
                                      int64_t registerBits) {
  VectorType type = xfer.getVectorType();
  auto memref = dyn_cast<MemRefType>(xfer.getBase().getType());
  if (!memref || type.getRank() != 1 || type.isScalable() || xfer.getMask() ||
      xfer.hasOutOfBoundsDim() || !xfer.getPermutationMap().isMinorIdentity() ||
      !memref.isLastDimUnitStride() || !type.getElementType().isIntOrFloat())
    return std::nullopt;
  int64_t wide = widenedLanes(type.getNumElements(),
                              type.getElementTypeBitWidth(), registerBits);
  if (!wide)
    return std::nullopt;
  return VectorType::get({wide}, type.getElementType());
}

Value laneMask(PatternRewriter &rewriter, Location loc, VectorType wide,
               int64_t lanes) {
  return vector::ConstantMaskOp::create(
      rewriter, loc, VectorType::get(wide.getShape(), rewriter.getI1Type()),
      ArrayRef<int64_t>{lanes});
}

struct WidenRead : OpRewritePattern<vector::TransferReadOp> {
  WidenRead(MLIRContext *ctx, int64_t registerBits)
      : OpRewritePattern(ctx), registerBits(registerBits) {}

  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    std::optional<VectorType> wide = widenedType(read, registerBits);
    if (!wide)
      return failure();
    Location loc = read.getLoc();
    int64_t lanes = read.getVectorType().getNumElements();
    Value passThrough = ub::PoisonOp::create(rewriter, loc, *wide);
    Value loaded = vector::MaskedLoadOp::create(
        rewriter, loc, *wide, read.getBase(), read.getIndices(),
        laneMask(rewriter, loc, *wide, lanes), passThrough);
    rewriter.replaceOpWithNewOp<vector::ExtractStridedSliceOp>(
        read, loaded, ArrayRef<int64_t>{0}, ArrayRef<int64_t>{lanes},
        ArrayRef<int64_t>{1});
    return success();
  }
  int64_t registerBits;
};

struct WidenWrite : OpRewritePattern<vector::TransferWriteOp> {
  WidenWrite(MLIRContext *ctx, int64_t registerBits)
      : OpRewritePattern(ctx), registerBits(registerBits) {}

  LogicalResult matchAndRewrite(vector::TransferWriteOp write,
                                PatternRewriter &rewriter) const override {
    std::optional<VectorType> wide = widenedType(write, registerBits);
    if (!wide || write.hasPureTensorSemantics())
      return failure();
    Location loc = write.getLoc();
    int64_t lanes = write.getVectorType().getNumElements();
    Value padded = vector::InsertStridedSliceOp::create(
        rewriter, loc, write.getVector(),
        ub::PoisonOp::create(rewriter, loc, *wide), ArrayRef<int64_t>{0},
        ArrayRef<int64_t>{1});
    rewriter.replaceOpWithNewOp<vector::MaskedStoreOp>(
        write, write.getBase(), write.getIndices(),
        laneMask(rewriter, loc, *wide, lanes), padded);
    return success();
  }
  int64_t registerBits;
};

struct WidenRaggedTransfersPass
    : born::impl::WidenRaggedTransfersBase<WidenRaggedTransfersPass> {
  using WidenRaggedTransfersBase::WidenRaggedTransfersBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<WidenRead, WidenWrite>(&getContext(), registerBits);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
