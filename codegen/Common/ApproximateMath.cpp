#include "codegen/Common/Passes.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace born {
#define GEN_PASS_DEF_APPROXIMATEMATH
#include "codegen/Common/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// trunc(x) = copysign(floor(|x|), x): convert-math-to-spirv has no pattern
/// for math.trunc (GLSL.std.450's Trunc is not in the SPIR-V dialect), but
/// has one for each op of the expansion. The sign keeps -0.5 -> -0.
struct ExpandTrunc : OpRewritePattern<math::TruncOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::TruncOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Value floor = math::FloorOp::create(rewriter, loc,
                                        math::AbsFOp::create(rewriter, loc, x));
    rewriter.replaceOpWithNewOp<math::CopySignOp>(op, floor, x);
    return success();
  }
};

/// asin and acos through atan and sqrt: lavapipe's GLSL.std.450 Asin and
/// Acos are off by up to 4e-4, and Vulkan leaves their precision to the
/// driver, while Atan, Sqrt and division are accurate:
/// asin(x) = atan(x / sqrt((1 - x)(1 + x))) and
/// acos(x) = 2 atan(sqrt((1 - x) / (1 + x))), which keeps its relative
/// precision near x = 1. At x = +-1 they take atan(+-inf) or atan(0);
/// outside [-1, 1] the square root gives NaN.

Value constantLike(PatternRewriter &rewriter, Location loc, Value x,
                   double value) {
  Type t = x.getType();
  Type element = getElementTypeOrSelf(t);
  TypedAttr attr = rewriter.getFloatAttr(element, value);
  if (auto shaped = dyn_cast<ShapedType>(t))
    attr = SplatElementsAttr::get(shaped, attr);
  return arith::ConstantOp::create(rewriter, loc, attr);
}

struct ExpandAsin : OpRewritePattern<math::AsinOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::AsinOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Value one = constantLike(rewriter, loc, x, 1.0);
    Value s = math::SqrtOp::create(
        rewriter, loc,
        arith::MulFOp::create(rewriter, loc,
                              arith::SubFOp::create(rewriter, loc, one, x),
                              arith::AddFOp::create(rewriter, loc, one, x)));
    rewriter.replaceOpWithNewOp<math::AtanOp>(
        op, arith::DivFOp::create(rewriter, loc, x, s));
    return success();
  }
};

struct ExpandAcos : OpRewritePattern<math::AcosOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::AcosOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Value one = constantLike(rewriter, loc, x, 1.0);
    Value ratio = arith::DivFOp::create(
        rewriter, loc, arith::SubFOp::create(rewriter, loc, one, x),
        arith::AddFOp::create(rewriter, loc, one, x));
    Value atan = math::AtanOp::create(
        rewriter, loc, math::SqrtOp::create(rewriter, loc, ratio));
    rewriter.replaceOpWithNewOp<arith::MulFOp>(
        op, constantLike(rewriter, loc, x, 2.0), atan);
    return success();
  }
};

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
      // libm has no f16/bf16 versions of the functions that LLVM has no
      // intrinsic for: those compute in f32.
      populateMathF32ExpansionPatterns(patterns, [](StringRef name) {
        return llvm::is_contained({"math.asinh", "math.acosh", "math.atanh"},
                                  name);
      });
    } else {
      // The polynomials are f32; narrower floats compute in f32.
      populateMathF32ExpansionPatterns(patterns, [](StringRef name) {
        return name == "math.erf" || name == "math.erfc";
      });
      populatePolynomialApproximateErfPattern(patterns);
      populatePolynomialApproximateErfcPattern(patterns);
      patterns.add<ExpandTrunc, ExpandAsin, ExpandAcos>(&getContext());
    }
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
