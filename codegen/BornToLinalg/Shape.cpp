// Shape ops and constants -> tensor ops, linalg.transpose, and a gathering
// linalg.generic.
#include "codegen/BornToLinalg/Patterns.h"
#include "codegen/BornToLinalg/Utils.h"
#include "dialects/born/IR/BornOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace born;

namespace {

struct ReshapeToTensor : OpConversionPattern<born::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, reshapeTensor(rewriter, op.getLoc(),
                                         adaptor.getInput(), op.getType()));
    return success();
  }
};

struct TransposeToLinalg : OpConversionPattern<born::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value init = createEmptyTensor(rewriter, op.getLoc(),
                                   cast<RankedTensorType>(op.getType()));
    auto transpose = linalg::TransposeOp::create(
        rewriter, op.getLoc(), adaptor.getInput(), init, op.getPermutation());
    rewriter.replaceOp(op, transpose->getResult(0));
    return success();
  }
};

struct BroadcastToLinalg : OpConversionPattern<born::BroadcastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::BroadcastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, broadcastTensor(rewriter, op.getLoc(),
                                           adaptor.getInput(),
                                           op.getType().getShape()));
    return success();
  }
};

/// Each input is inserted into one destination at its running offset.
struct ConcatToTensor : OpConversionPattern<born::ConcatOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    int64_t axis = op.getAxis();
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<int64_t> offsets(resultType.getRank(), 0);
    SmallVector<int64_t> strides(resultType.getRank(), 1);
    Value result = createEmptyTensor(rewriter, loc, resultType);
    for (Value input : adaptor.getInputs()) {
      ArrayRef<int64_t> sizes = tensorType(input).getShape();
      result = tensor::InsertSliceOp::create(
          rewriter, loc, input, result, getAsIndexOpFoldResult(ctx, offsets),
          getAsIndexOpFoldResult(ctx, sizes),
          getAsIndexOpFoldResult(ctx, strides));
      offsets[axis] += sizes[axis];
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct SliceToTensor : OpConversionPattern<born::SliceOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = cast<RankedTensorType>(op.getType());
    MLIRContext *ctx = rewriter.getContext();
    rewriter.replaceOp(
        op, tensor::ExtractSliceOp::create(
                rewriter, op.getLoc(), resultType, adaptor.getInput(),
                getAsIndexOpFoldResult(ctx, op.getStart()),
                getAsIndexOpFoldResult(ctx, resultType.getShape()),
                getAsIndexOpFoldResult(ctx, op.getStep())));
    return success();
  }
};

/// result[pre..., idx..., post...] = data[pre..., indices[idx...], post...]:
/// a generic over the result reads the index and extracts from data.
struct GatherToLinalg : OpConversionPattern<born::GatherOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Value data = adaptor.getData(), indices = adaptor.getIndices();
    int64_t axis = op.getAxis();
    int64_t dataRank = tensorType(data).getRank();
    int64_t indexRank = tensorType(indices).getRank();
    int64_t axisSize = tensorType(data).getDimSize(axis);
    MLIRContext *ctx = rewriter.getContext();

    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = 0; d < indexRank; ++d)
      indexExprs.push_back(getAffineDimExpr(axis + d, ctx));
    AffineMap indexMap =
        AffineMap::get(resultType.getRank(), 0, indexExprs, ctx);

    Value result = createParallelGeneric(
        rewriter, loc, resultType, indices, indexMap,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value index =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value size = arith::ConstantIndexOp::create(b, l, axisSize);
          Value last = arith::ConstantIndexOp::create(b, l, axisSize - 1);
          // Negative indices count from the end; what is still out of range
          // is clamped, so the read never leaves the tensor.
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, index, zero);
          index = arith::SelectOp::create(
              b, l, negative, arith::AddIOp::create(b, l, index, size), index);
          index = arith::MinSIOp::create(
              b, l, arith::MaxSIOp::create(b, l, index, zero), last);
          SmallVector<Value> coords;
          for (int64_t d = 0; d < axis; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d));
          coords.push_back(index);
          for (int64_t d = axis + 1; d < dataRank; ++d)
            coords.push_back(linalg::IndexOp::create(b, l, d - 1 + indexRank));
          return tensor::ExtractOp::create(b, l, data, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Each result element sums the updates whose index selects it: a
/// linalg.generic over the result's dimensions plus the indices' (reduced),
/// adding an update where the index equals the position along `axis`. It
/// reads every update once per position along `axis`, which keeps it a plain
/// reduction without write conflicts on any target.
struct ScatterAddToLinalg : OpConversionPattern<born::ScatterAddOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::ScatterAddOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType resultType = op.getType();
    Value updates = adaptor.getUpdates(), indices = adaptor.getIndices();
    int64_t axis = op.getAxis();
    int64_t rank = resultType.getRank();
    int64_t indexRank = tensorType(indices).getRank();
    int64_t axisSize = resultType.getDimSize(axis);
    MLIRContext *ctx = rewriter.getContext();

    // Iteration space: the result's dimensions, then the indices'.
    SmallVector<AffineExpr> updateExprs, indexExprs;
    for (int64_t d = 0; d < axis; ++d)
      updateExprs.push_back(getAffineDimExpr(d, ctx));
    for (int64_t d = 0; d < indexRank; ++d) {
      updateExprs.push_back(getAffineDimExpr(rank + d, ctx));
      indexExprs.push_back(getAffineDimExpr(rank + d, ctx));
    }
    for (int64_t d = axis + 1; d < rank; ++d)
      updateExprs.push_back(getAffineDimExpr(d, ctx));
    unsigned numDims = rank + indexRank;
    AffineMap updateMap = AffineMap::get(numDims, 0, updateExprs, ctx);
    AffineMap indexMap = AffineMap::get(numDims, 0, indexExprs, ctx);
    SmallVector<int64_t> reductionDims;
    for (int64_t d = 0; d < indexRank; ++d)
      reductionDims.push_back(rank + d);

    Type elementType = resultType.getElementType();
    Value result = createReductionGeneric(
        rewriter, loc, createZeroTensor(rewriter, loc, resultType),
        {updates, indices}, {updateMap, indexMap}, reductionDims,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value index =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[1]);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value size = arith::ConstantIndexOp::create(b, l, axisSize);
          Value last = arith::ConstantIndexOp::create(b, l, axisSize - 1);
          // The same reading as born.gather: wrap negatives, then clamp.
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, index, zero);
          index = arith::SelectOp::create(
              b, l, negative, arith::AddIOp::create(b, l, index, size), index);
          index = arith::MinSIOp::create(
              b, l, arith::MaxSIOp::create(b, l, index, zero), last);
          Value here = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::eq, index,
              linalg::IndexOp::create(b, l, axis));
          Value update = arith::SelectOp::create(
              b, l, here, args[0],
              arith::ConstantOp::create(b, l, zeroAttr(elementType)));
          if (isa<FloatType>(elementType))
            return arith::AddFOp::create(b, l, args[2], update).getResult();
          return arith::AddIOp::create(b, l, args[2], update).getResult();
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ConstantToArith : OpConversionPattern<born::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, cast<TypedAttr>(op.getValue()));
    return success();
  }
};

} // namespace

void born::populateShapeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ReshapeToTensor, TransposeToLinalg, BroadcastToLinalg,
               ConcatToTensor, SliceToTensor, GatherToLinalg, ScatterAddToLinalg,
               ConstantToArith>(
      patterns.getContext());
}
