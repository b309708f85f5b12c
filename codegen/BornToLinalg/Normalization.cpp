// born.layer_norm and born.rms_norm -> reduction generics for the statistics
// and one elementwise generic that applies them.
#include "codegen/BornToLinalg/Patterns.h"
#include "codegen/BornToLinalg/Utils.h"
#include "dialects/born/IR/BornOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/ADT/Sequence.h"

using namespace mlir;
using namespace born;

namespace {

/// The index-space pieces shared by both normalizations of `input` over its
/// dimensions from `axis` on.
struct NormalizedDims {
  NormalizedDims(OpBuilder &b, RankedTensorType type, int64_t axis)
      : rank(type.getRank()),
        dims(llvm::to_vector(llvm::seq<int64_t>(axis, type.getRank()))),
        outer(RankedTensorType::get(type.getShape().take_front(axis),
                                    type.getElementType())),
        identity(b.getMultiDimIdentityMap(rank)),
        toOuter(projectionMap(b.getContext(), rank, dims)),
        toNormalized(
            projectionMap(b.getContext(), rank,
                          llvm::to_vector(llvm::seq<int64_t>(0, axis)))) {
    for (int64_t d : dims)
      count *= type.getDimSize(d);
  }

  unsigned rank;
  SmallVector<int64_t> dims; // the normalized (reduced) dimensions
  RankedTensorType outer;    // the shape of per-row statistics
  AffineMap identity;        // reads the input
  AffineMap toOuter;         // reads a statistic
  AffineMap toNormalized;    // reads scale and bias
  int64_t count = 1;         // elements per normalized row
};

/// rsqrt(sumOfSquares / count + epsilon), per row.
Value inverseRootMean(OpBuilder &b, Location loc, Value sumOfSquares,
                      int64_t count, double epsilon) {
  RankedTensorType type = tensorType(sumOfSquares);
  Type elementType = type.getElementType();
  Value n = createScalar(b, loc, elementType, static_cast<double>(count));
  Value eps = createScalar(b, loc, elementType, epsilon);
  return createElementwise(
      b, loc, type, sumOfSquares,
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value mean = arith::DivFOp::create(nb, l, args[0], n);
        return math::RsqrtOp::create(nb, l,
                                     arith::AddFOp::create(nb, l, mean, eps));
      });
}

struct LayerNormToLinalg : OpConversionPattern<born::LayerNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::LayerNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    RankedTensorType type = tensorType(x);
    NormalizedDims n(rewriter, type, op.getAxis());
    Value count = createScalar(rewriter, loc, type.getElementType(),
                               static_cast<double>(n.count));

    // Two passes (mean, then squared deviations) rather than E[x^2] - E[x]^2,
    // which cancels catastrophically when the mean is large.
    Value sum = createReductionGeneric(
        rewriter, loc, createZeroTensor(rewriter, loc, n.outer), x, n.identity,
        n.dims, [](OpBuilder &b, Location l, ValueRange args) {
          return arith::AddFOp::create(b, l, args[1], args[0]);
        });
    Value mean =
        createElementwise(rewriter, loc, n.outer, sum,
                          [&](OpBuilder &b, Location l, ValueRange args) {
                            return arith::DivFOp::create(b, l, args[0], count);
                          });
    Value squaredDeviations = createReductionGeneric(
        rewriter, loc, createZeroTensor(rewriter, loc, n.outer), {x, mean},
        {n.identity, n.toOuter}, n.dims,
        [](OpBuilder &b, Location l, ValueRange args) {
          Value d = arith::SubFOp::create(b, l, args[0], args[1]);
          return arith::AddFOp::create(b, l, args[2],
                                       arith::MulFOp::create(b, l, d, d));
        });
    Value inverseStd =
        inverseRootMean(rewriter, loc, squaredDeviations, n.count,
                        op.getEpsilon().convertToDouble());
    Value result = createParallelGeneric(
        rewriter, loc, type,
        {x, mean, inverseStd, adaptor.getScale(), adaptor.getBias()},
        {n.identity, n.toOuter, n.toOuter, n.toNormalized, n.toNormalized},
        [](OpBuilder &b, Location l, ValueRange args) {
          Value centered = arith::SubFOp::create(b, l, args[0], args[1]);
          Value normalized = arith::MulFOp::create(b, l, centered, args[2]);
          return arith::AddFOp::create(
              b, l, arith::MulFOp::create(b, l, normalized, args[3]), args[4]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct RmsNormToLinalg : OpConversionPattern<born::RmsNormOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::RmsNormOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    RankedTensorType type = tensorType(x);
    NormalizedDims n(rewriter, type, op.getAxis());

    Value sumOfSquares = createReductionGeneric(
        rewriter, loc, createZeroTensor(rewriter, loc, n.outer), x, n.identity,
        n.dims, [](OpBuilder &b, Location l, ValueRange args) {
          return arith::AddFOp::create(
              b, l, args[1], arith::MulFOp::create(b, l, args[0], args[0]));
        });
    Value inverseRms = inverseRootMean(rewriter, loc, sumOfSquares, n.count,
                                       op.getEpsilon().convertToDouble());
    Value result = createParallelGeneric(
        rewriter, loc, type, {x, inverseRms, adaptor.getScale()},
        {n.identity, n.toOuter, n.toNormalized},
        [](OpBuilder &b, Location l, ValueRange args) {
          return arith::MulFOp::create(
              b, l, arith::MulFOp::create(b, l, args[0], args[1]), args[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void born::populateNormalizationToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LayerNormToLinalg, RmsNormToLinalg>(patterns.getContext());
}
