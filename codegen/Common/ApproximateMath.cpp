#include "codegen/Common/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace born {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "codegen/Common/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
struct ApproximateMathPass
    : born::impl::ApproximateMathBase<ApproximateMathPass> {
  using ApproximateMathBase::ApproximateMathBase;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    if (all) {
      // The functions whose approximations hold f32 accuracy everywhere;
      // f16/bf16 compute in f32.
      auto approximated = [](StringRef name) {
        return llvm::is_contained({"math.exp", "math.expm1", "math.log",
                                   "math.log1p", "math.log2", "math.tanh",
                                   "math.erf", "math.erfc"},
                                  name);
      };
      populateMathF32ExpansionPatterns(patterns, approximated);
      populateMathPolynomialApproximationPatterns(patterns, approximated);
    } else {
      // The polynomials are f32; narrower floats compute in f32.
      populateMathF32ExpansionPatterns(patterns, [](StringRef name) {
        return name == "math.erf" || name == "math.erfc";
      });
      populatePolynomialApproximateErfPattern(patterns);
      populatePolynomialApproximateErfcPattern(patterns);
    }
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
