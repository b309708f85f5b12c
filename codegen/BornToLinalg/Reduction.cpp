// born.reduce, born.argmax, born.softmax and born.log_softmax -> linalg.reduce
// and reduction linalg.generics.
#include "codegen/BornToLinalg/Patterns.h"
#include "codegen/BornToLinalg/Utils.h"
#include "dialects/born/IR/BornOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace born;

namespace {

TypedAttr initialValue(ReduceKind kind, Type elementType) {
  switch (kind) {
  case ReduceKind::max:
    return lowestValueAttr(elementType);
  case ReduceKind::min:
    return highestValueAttr(elementType);
  case ReduceKind::prod:
    return isa<FloatType>(elementType)
               ? TypedAttr(FloatAttr::get(elementType, 1.0))
               : TypedAttr(IntegerAttr::get(elementType, 1));
  case ReduceKind::sum:
  case ReduceKind::mean:
    break;
  }
  return zeroAttr(elementType);
}

Value combine(ReduceKind kind, OpBuilder &b, Location loc, Value x, Value acc) {
  bool fp = isa<FloatType>(x.getType());
  switch (kind) {
  case ReduceKind::max:
    return fp ? arith::MaximumFOp::create(b, loc, x, acc).getResult()
              : arith::MaxSIOp::create(b, loc, x, acc).getResult();
  case ReduceKind::min:
    return fp ? arith::MinimumFOp::create(b, loc, x, acc).getResult()
              : arith::MinSIOp::create(b, loc, x, acc).getResult();
  case ReduceKind::prod:
    return fp ? arith::MulFOp::create(b, loc, x, acc).getResult()
              : arith::MulIOp::create(b, loc, x, acc).getResult();
  case ReduceKind::sum:
  case ReduceKind::mean:
    break;
  }
  return fp ? arith::AddFOp::create(b, loc, x, acc).getResult()
            : arith::AddIOp::create(b, loc, x, acc).getResult();
}

/// linalg.reduce of `input` over `dims` with `kind`'s combiner; the reduced
/// dimensions are dropped from the result.
Value reduce(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> dims,
             ReduceKind kind) {
  RankedTensorType type = tensorType(input);
  auto resultType = RankedTensorType::get(reducedShape(type.getShape(), dims),
                                          type.getElementType());
  Value init = createFilledTensor(b, loc, resultType,
                                  initialValue(kind, type.getElementType()));
  auto op = linalg::ReduceOp::create(
      b, loc, ValueRange{input}, ValueRange{init}, dims,
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(
            nested, nestedLoc,
            combine(kind, nested, nestedLoc, args[0], args[1]));
      });
  return op.getResult(0);
}

struct ReduceToLinalg : OpConversionPattern<born::ReduceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::ReduceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    SmallVector<int64_t> dims(op.getAxes());
    llvm::sort(dims);
    Value result = reduce(rewriter, loc, input, dims, op.getKind());

    if (op.getKind() == ReduceKind::mean) {
      int64_t count = 1;
      for (int64_t d : dims)
        count *= tensorType(input).getDimSize(d);
      Value n = createScalar(rewriter, loc, tensorType(result).getElementType(),
                             static_cast<double>(count));
      result =
          createElementwise(rewriter, loc, tensorType(result), result,
                            [&](OpBuilder &b, Location l, ValueRange args) {
                              if (isa<FloatType>(n.getType()))
                                return arith::DivFOp::create(b, l, args[0], n)
                                    .getResult();
                              return arith::DivSIOp::create(b, l, args[0], n)
                                  .getResult();
                            });
    }
    // keepdims: only unit dimensions come back.
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, result,
                                         cast<RankedTensorType>(op.getType())));
    return success();
  }
};

/// One generic carries (best value, its index) along the axis; a later
/// element replaces them only when strictly greater, so ties keep the first.
struct ArgmaxToLinalg : OpConversionPattern<born::ArgmaxOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::ArgmaxOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = adaptor.getInput();
    RankedTensorType type = tensorType(input);
    Type elementType = type.getElementType();
    int64_t axis = op.getAxis();
    unsigned rank = type.getRank();
    SmallVector<int64_t> shape = reducedShape(type.getShape(), axis);
    Type i64 = rewriter.getI64Type();
    Value valueInit = createFilledTensor(
        rewriter, loc, RankedTensorType::get(shape, elementType),
        lowestValueAttr(elementType));
    Value indexInit =
        createFilledTensor(rewriter, loc, RankedTensorType::get(shape, i64),
                           rewriter.getI64IntegerAttr(0));
    MLIRContext *ctx = rewriter.getContext();
    AffineMap reduced = projectionMap(ctx, rank, axis);
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(rank),
                                   reduced, reduced};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{valueInit.getType(), indexInit.getType()},
        ValueRange{input}, ValueRange{valueInit, indexInit}, maps,
        iteratorTypes(rank, axis),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], best = args[1], bestIndex = args[2];
          Value index = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, axis));
          Value better;
          if (isa<FloatType>(elementType)) {
            // NaN counts as the maximum, as in PyTorch: the first NaN wins.
            Value greater =
                arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, best);
            Value xIsNaN =
                arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, x, x);
            Value bestIsNumber = arith::CmpFOp::create(
                b, l, arith::CmpFPredicate::ORD, best, best);
            better = arith::OrIOp::create(
                b, l, greater,
                arith::AndIOp::create(b, l, xIsNaN, bestIsNumber));
          } else {
            better =
                arith::CmpIOp::create(b, l, arith::CmpIPredicate::sgt, x, best);
          }
          linalg::YieldOp::create(
              b, l,
              ValueRange{
                  arith::SelectOp::create(b, l, better, x, best),
                  arith::SelectOp::create(b, l, better, index, bestIndex)});
        });
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, generic.getResult(1),
                                         cast<RankedTensorType>(op.getType())));
    return success();
  }
};

/// softmax = exp(x - max) / sum(exp(x - max));
/// log_softmax = (x - max) - log(sum(exp(x - max))).
/// Subtracting the max keeps exp from overflowing.
template <typename OpTy, bool isLog>
struct SoftmaxToLinalg : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = adaptor.getInput();
    RankedTensorType type = tensorType(x);
    unsigned rank = type.getRank();
    int64_t axis = op.getAxis();
    MLIRContext *ctx = rewriter.getContext();
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    AffineMap reduced = projectionMap(ctx, rank, axis);

    Value max = reduce(rewriter, loc, x, axis, ReduceKind::max);
    Value sumInit = createZeroTensor(rewriter, loc, tensorType(max));
    Value sum = createReductionGeneric(
        rewriter, loc, sumInit, {x, max}, {identity, reduced}, axis,
        [](OpBuilder &b, Location l, ValueRange args) {
          Value e = math::ExpOp::create(
              b, l, arith::SubFOp::create(b, l, args[0], args[1]));
          return arith::AddFOp::create(b, l, args[2], e);
        });
    Value result = createParallelGeneric(
        rewriter, loc, type, {x, max, sum}, {identity, reduced, reduced},
        [](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value shifted = arith::SubFOp::create(b, l, args[0], args[1]);
          if (isLog)
            return arith::SubFOp::create(b, l, shifted,
                                         math::LogOp::create(b, l, args[2]));
          return arith::DivFOp::create(b, l, math::ExpOp::create(b, l, shifted),
                                       args[2]);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void born::populateReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReduceToLinalg, ArgmaxToLinalg,
               SoftmaxToLinalg<born::SoftmaxOp, /*isLog=*/false>,
               SoftmaxToLinalg<born::LogSoftmaxOp, /*isLog=*/true>>(
      patterns.getContext());
}
