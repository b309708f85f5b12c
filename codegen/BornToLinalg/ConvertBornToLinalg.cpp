// The born-convert-to-linalg pass: a partial dialect conversion that leaves
// born.param in place.
#include "codegen/BornToLinalg/Passes.h"
#include "codegen/BornToLinalg/Patterns.h"
#include "dialects/born/IR/BornOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace born {
#define GEN_PASS_DEF_CONVERTBORNTOLINALG
#include "codegen/BornToLinalg/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {

struct ConvertBornToLinalgPass
    : born::impl::ConvertBornToLinalgBase<ConvertBornToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect>();
    target.addIllegalDialect<born::BornDialect>();
    target.addLegalOp<born::ParamOp>();

    RewritePatternSet patterns(ctx);
    born::populateBornToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

void born::populateBornToLinalgPatterns(RewritePatternSet &patterns) {
  populateElementwiseToLinalgPatterns(patterns);
  populateContractionToLinalgPatterns(patterns);
  populateQuantizedMatmulToLinalgPatterns(patterns);
  populateConvolutionToLinalgPatterns(patterns);
  populateReductionToLinalgPatterns(patterns);
  populateNormalizationToLinalgPatterns(patterns);
  populateShapeToLinalgPatterns(patterns);
}
