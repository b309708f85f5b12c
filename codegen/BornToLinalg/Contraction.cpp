// born.matmul -> linalg.matmul / linalg.batch_matmul.
#include "codegen/BornToLinalg/Patterns.h"
#include "codegen/BornToLinalg/Utils.h"
#include "dialects/born/IR/BornOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace born;

namespace {

struct MatmulToLinalg : OpConversionPattern<born::MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(born::MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value lhs = adaptor.getLhs(), rhs = adaptor.getRhs();
    auto resultType = cast<RankedTensorType>(op.getType());
    Type elementType = resultType.getElementType();
    ArrayRef<int64_t> lhsShape = tensorType(lhs).getShape();
    int64_t k = lhsShape.back();
    int64_t m = resultType.getDimSize(resultType.getRank() - 2);
    int64_t n = resultType.getShape().back();

    // A rank-2 rhs (a weight) is shared by every batch: fold the lhs batch
    // dimensions into its rows and run one plain matmul, instead of copying
    // the weight once per batch.
    if (tensorType(rhs).getRank() == 2) {
      int64_t rows = tensorType(lhs).getNumElements() / k;
      Value lhs2d = reshapeTensor(
          rewriter, loc, lhs, RankedTensorType::get({rows, k}, elementType));
      Value product = createMatmul(rewriter, loc, lhs2d, rhs);
      rewriter.replaceOp(op, reshapeTensor(rewriter, loc, product, resultType));
      return success();
    }

    // Otherwise broadcast the batch dimensions of both operands and fold them
    // into one, so that one batch_matmul covers every rank.
    ArrayRef<int64_t> batch = resultType.getShape().drop_back(2);
    int64_t batchSize = 1;
    for (int64_t d : batch)
      batchSize *= d;
    auto toBatch3d = [&](Value v, int64_t rows, int64_t cols) {
      SmallVector<int64_t> shape(batch);
      shape.append({rows, cols});
      v = broadcastTensor(rewriter, loc, v, shape);
      return reshapeTensor(
          rewriter, loc, v,
          RankedTensorType::get({batchSize, rows, cols}, elementType));
    };
    Value lhs3d = toBatch3d(lhs, m, k), rhs3d = toBatch3d(rhs, k, n);
    auto type3d = RankedTensorType::get({batchSize, m, n}, elementType);
    Value product =
        linalg::BatchMatmulOp::create(
            rewriter, loc, TypeRange{type3d}, ValueRange{lhs3d, rhs3d},
            ValueRange{createZeroTensor(rewriter, loc, type3d)})
            .getResult(0);
    rewriter.replaceOp(op, reshapeTensor(rewriter, loc, product, resultType));
    return success();
  }
};

} // namespace

void born::populateContractionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatmulToLinalg>(patterns.getContext());
}
