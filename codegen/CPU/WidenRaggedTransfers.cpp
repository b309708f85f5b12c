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

/// A read becomes a masked load of the wide vector and a slice of it; a
/// write, a masked store of the vector padded to the wide one.
template <typename Transfer>
struct WidenTransfer : OpRewritePattern<Transfer> {
  WidenTransfer(MLIRContext *ctx, int64_t registerBits)
      : OpRewritePattern<Transfer>(ctx), registerBits(registerBits) {}

  LogicalResult matchAndRewrite(Transfer xfer,
                                PatternRewriter &rewriter) const override {
    std::optional<VectorType> wide = widenedType(xfer, registerBits);
    if (!wide)
      return failure();
    Location loc = xfer.getLoc();
    int64_t lanes = xfer.getVectorType().getNumElements();
    Value poison = ub::PoisonOp::create(rewriter, loc, *wide);
    auto mask = [&] {
      return vector::ConstantMaskOp::create(
          rewriter, loc,
          VectorType::get(wide->getShape(), rewriter.getI1Type()),
          ArrayRef<int64_t>{lanes});
    };
    if constexpr (std::is_same_v<Transfer, vector::TransferReadOp>) {
      Value lanesOn = mask();
      Value loaded = vector::MaskedLoadOp::create(
          rewriter, loc, *wide, xfer.getBase(), xfer.getIndices(), lanesOn,
          poison);
      rewriter.replaceOpWithNewOp<vector::ExtractStridedSliceOp>(
          xfer, loaded, ArrayRef<int64_t>{0}, ArrayRef<int64_t>{lanes},
          ArrayRef<int64_t>{1});
    } else {
      Value padded = vector::InsertStridedSliceOp::create(
          rewriter, loc, xfer.getVector(), poison, ArrayRef<int64_t>{0},
          ArrayRef<int64_t>{1});
      Value lanesOn = mask();
      rewriter.replaceOpWithNewOp<vector::MaskedStoreOp>(
          xfer, xfer.getBase(), xfer.getIndices(), lanesOn, padded);
    }
    return success();
  }
  int64_t registerBits;
};

struct WidenRaggedTransfersPass
    : born::impl::WidenRaggedTransfersBase<WidenRaggedTransfersPass> {
  using WidenRaggedTransfersBase::WidenRaggedTransfersBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<WidenTransfer<vector::TransferReadOp>,
                 WidenTransfer<vector::TransferWriteOp>>(&getContext(),
                                                        registerBits);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
