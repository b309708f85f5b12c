#include "codegen/SPIRV/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace born {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "codegen/SPIRV/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
struct ApproximateMathPass
    : born::impl::ApproximateMathBase<ApproximateMathPass> {
  void runOnOperation() override {
    // Only the functions without a GLSL.std.450 instruction: the others map
    // to the driver's own implementation in convert-math-to-spirv.
    RewritePatternSet patterns(&getContext());
    populatePolynomialApproximateErfPattern(patterns);
    populatePolynomialApproximateErfcPattern(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
