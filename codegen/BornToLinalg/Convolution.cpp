// born.conv2d and born.pool2d -> linalg convolution and pooling ops on
// explicitly padded inputs.
#include "codegen/BornToLinalg/Patterns.h"
#include "codegen/BornToLinalg/Utils.h"
#include "dialects/born/IR/BornOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/DialectConversion.h"

#include <algorithm>

using namespace mlir;
using namespace born;

namespace {

/// Pads the H and W dimensions of an NCHW tensor; `padding` is
/// [top, left, bottom, right].
Value padSpatial(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> padding, TypedAttr padValue) {
  if (llvm::all_of(padding, [](int64_t p) { return p == 0; }))
    return input;
  RankedTensorType type = tensorType(input);
  SmallVector<int64_t> low = {0, 0, padding[0], padding[1]};
  SmallVector<int64_t> high = {0, 0, padding[2], padding[3]};
  SmallVector<int64_t> shape(type.getShape());
  shape[2] += padding[0] + padding[2];
  shape[3] += padding[1] + padding[3];
  MLIRContext *ctx = b.getContext();
  Value value = arith::ConstantOp::create(b, loc, padValue);
  return tensor::PadOp::create(b, loc, type.clone(shape), input,
                               getAsIndexOpFoldResult(ctx, low),
                               getAsIndexOpFoldResult(ctx, high), value);
}

struct Conv2DToLinalg : OpConversionPattern<born::Conv2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elementType = resultType.getElementType();
    Value input = padSpatial(rewriter, loc, adaptor.getInput(), op.getPadding(),
                             zeroAttr(elementType));
    Value filter = adaptor.getFilter();
    auto strides = rewriter.getI64VectorAttr(op.getStrides());
    auto dilations = rewriter.getI64VectorAttr(op.getDilations());

    int64_t groups = op.getGroups();
    if (groups == 1) {
      Value init = createZeroTensor(rewriter, loc, resultType);
      rewriter.replaceOp(op, linalg::Conv2DNchwFchwOp::create(
                                 rewriter, loc, TypeRange{resultType},
                                 ValueRange{input, filter}, ValueRange{init},
                                 strides, dilations)
                                 .getResult(0));
      return success();
    }

    // Split the channel dimensions into (group, channel-in-group):
    // input [N, G, C/G, H, W], filter [G, F/G, C/G, KH, KW],
    // result [N, G, F/G, OH, OW].
    ArrayRef<int64_t> in = tensorType(input).getShape();
    ArrayRef<int64_t> f = tensorType(filter).getShape();
    ArrayRef<int64_t> out = resultType.getShape();
    SmallVector<ReassociationIndices> splitDim1 = {{0}, {1, 2}, {3}, {4}};
    SmallVector<ReassociationIndices> splitDim0 = {{0, 1}, {2}, {3}, {4}};
    auto groupedInputType = RankedTensorType::get(
        {in[0], groups, in[1] / groups, in[2], in[3]}, elementType);
    auto groupedFilterType = RankedTensorType::get(
        {groups, f[0] / groups, f[1], f[2], f[3]}, elementType);
    auto groupedResultType = RankedTensorType::get(
        {out[0], groups, out[1] / groups, out[2], out[3]}, elementType);
    Value groupedInput = tensor::ExpandShapeOp::create(
        rewriter, loc, groupedInputType, input, splitDim1);
    Value groupedFilter = tensor::ExpandShapeOp::create(
        rewriter, loc, groupedFilterType, filter, splitDim0);
    Value init = createZeroTensor(rewriter, loc, groupedResultType);
    Value conv = linalg::Conv2DNgchwGfchwOp::create(
                     rewriter, loc, TypeRange{groupedResultType},
                     ValueRange{groupedInput, groupedFilter}, ValueRange{init},
                     strides, dilations)
                     .getResult(0);
    rewriter.replaceOp(op, tensor::CollapseShapeOp::create(
                               rewriter, loc, resultType, conv, splitDim1));
    return success();
  }
};

/// How many elements of the unpadded input each window covers along one
/// dimension, for every output position.
SmallVector<int64_t> windowCounts(int64_t inputSize, int64_t padBefore,
                                  int64_t kernel, int64_t stride,
                                  int64_t outputSize) {
  SmallVector<int64_t> counts;
  for (int64_t o = 0; o < outputSize; ++o) {
    int64_t start = o * stride - padBefore;
    counts.push_back(std::min(start + kernel, inputSize) -
                     std::max<int64_t>(start, 0));
  }
  return counts;
}

struct Pool2DToLinalg : OpConversionPattern<born::Pool2DOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::Pool2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elementType = resultType.getElementType();
    ArrayRef<int64_t> kernel = op.getKernel(), padding = op.getPadding();
    auto strides = rewriter.getI64VectorAttr(op.getStrides());
    auto dilations = rewriter.getI64VectorAttr({1, 1});
    // The pooling ops take the window only through its shape.
    Value window = tensor::EmptyOp::create(rewriter, loc, kernel, elementType);

    if (op.getKind() == PoolKind::max) {
      // -inf padding never wins the max.
      TypedAttr lowest = lowestValueAttr(elementType);
      Value input =
          padSpatial(rewriter, loc, adaptor.getInput(), padding, lowest);
      Value init = createFilledTensor(rewriter, loc, resultType, lowest);
      rewriter.replaceOp(op, linalg::PoolingNchwMaxOp::create(
                                 rewriter, loc, TypeRange{resultType},
                                 ValueRange{input, window}, ValueRange{init},
                                 strides, dilations)
                                 .getResult(0));
      return success();
    }

    Value input = padSpatial(rewriter, loc, adaptor.getInput(), padding,
                             zeroAttr(elementType));
    Value sum =
        linalg::PoolingNchwSumOp::create(
            rewriter, loc, TypeRange{resultType}, ValueRange{input, window},
            ValueRange{createZeroTensor(rewriter, loc, resultType)}, strides,
            dilations)
            .getResult(0);

    bool padded = llvm::any_of(padding, [](int64_t p) { return p != 0; });
    if (op.getCountIncludePad() || !padded) {
      Value size = createScalar(rewriter, loc, elementType,
                                static_cast<double>(kernel[0] * kernel[1]));
      rewriter.replaceOp(
          op, createElementwise(rewriter, loc, resultType, sum,
                                [&](OpBuilder &b, Location l, ValueRange args) {
                                  return arith::DivFOp::create(b, l, args[0],
                                                               size);
                                }));
      return success();
    }

    // Windows overlapping the padding average only their real elements; the
    // counts depend on the output position alone and are known statically.
    ArrayRef<int64_t> in = tensorType(adaptor.getInput()).getShape();
    ArrayRef<int64_t> out = resultType.getShape();
    ArrayRef<int64_t> stride = op.getStrides();
    SmallVector<int64_t> rows =
        windowCounts(in[2], padding[0], kernel[0], stride[0], out[2]);
    SmallVector<int64_t> cols =
        windowCounts(in[3], padding[1], kernel[1], stride[1], out[3]);
    SmallVector<Attribute> counts;
    for (int64_t r : rows)
      for (int64_t c : cols)
        counts.push_back(
            rewriter.getFloatAttr(elementType, static_cast<double>(r * c)));
    auto countsType = RankedTensorType::get({out[2], out[3]}, elementType);
    Value divisors = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(countsType, counts));
    rewriter.replaceOp(
        op, createElementwise(rewriter, loc, resultType, {sum, divisors},
                              [](OpBuilder &b, Location l, ValueRange args) {
                                return arith::DivFOp::create(b, l, args[0],
                                                             args[1]);
                              }));
    return success();
  }
};

} // namespace

void born::populateConvolutionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv2DToLinalg, Pool2DToLinalg>(patterns.getContext());
}
