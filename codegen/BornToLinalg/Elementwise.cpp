// Elementwise born ops -> one linalg.generic each, with NumPy broadcasting in
// the indexing maps (see createElementwise).
#include "codegen/BornToLinalg/Patterns.h"
#include "codegen/BornToLinalg/Utils.h"
#include "dialects/born/IR/BornOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cmath>

using namespace mlir;
using namespace born;

namespace {

bool isFloat(Value v) { return isa<FloatType>(v.getType()); }

template <typename FloatOp, typename IntOp, typename... Rest>
Value floatOrInt(OpBuilder &b, Location loc, Value first, Rest... rest) {
  if (isFloat(first))
    return FloatOp::create(b, loc, first, rest...);
  return IntOp::create(b, loc, first, rest...);
}

Value sigmoid(OpBuilder &b, Location loc, Value x) {
  Value one = createScalar(b, loc, x.getType(), 1.0);
  Value expNeg = math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, x));
  return arith::DivFOp::create(b, loc, one,
                               arith::AddFOp::create(b, loc, one, expNeg));
}

//===----------------------------------------------------------------------===//
// Scalar semantics of each op, one overload per op; `args` are the block
// arguments of the generic's inputs.
//===----------------------------------------------------------------------===//

Value scalarOf(born::AddOp, OpBuilder &b, Location loc, ValueRange args) {
  return floatOrInt<arith::AddFOp, arith::AddIOp>(b, loc, args[0], args[1]);
}
Value scalarOf(born::SubOp, OpBuilder &b, Location loc, ValueRange args) {
  return floatOrInt<arith::SubFOp, arith::SubIOp>(b, loc, args[0], args[1]);
}
Value scalarOf(born::MulOp, OpBuilder &b, Location loc, ValueRange args) {
  return floatOrInt<arith::MulFOp, arith::MulIOp>(b, loc, args[0], args[1]);
}
Value scalarOf(born::DivOp, OpBuilder &b, Location loc, ValueRange args) {
  return floatOrInt<arith::DivFOp, arith::DivSIOp>(b, loc, args[0], args[1]);
}
Value scalarOf(born::PowOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::PowFOp::create(b, loc, args[0], args[1]);
}
Value scalarOf(born::MaxOp, OpBuilder &b, Location loc, ValueRange args) {
  return floatOrInt<arith::MaximumFOp, arith::MaxSIOp>(b, loc, args[0],
                                                       args[1]);
}
Value scalarOf(born::MinOp, OpBuilder &b, Location loc, ValueRange args) {
  return floatOrInt<arith::MinimumFOp, arith::MinSIOp>(b, loc, args[0],
                                                       args[1]);
}
// remf is C's fmod and remsi C's %: both take the sign of the dividend.
Value scalarOf(born::RemOp, OpBuilder &b, Location loc, ValueRange args) {
  return floatOrInt<arith::RemFOp, arith::RemSIOp>(b, loc, args[0], args[1]);
}
// On i1 the bitwise ops are the logical ones.
Value scalarOf(born::AndOp, OpBuilder &b, Location loc, ValueRange args) {
  return arith::AndIOp::create(b, loc, args[0], args[1]);
}
Value scalarOf(born::OrOp, OpBuilder &b, Location loc, ValueRange args) {
  return arith::OrIOp::create(b, loc, args[0], args[1]);
}
Value scalarOf(born::XorOp, OpBuilder &b, Location loc, ValueRange args) {
  return arith::XOrIOp::create(b, loc, args[0], args[1]);
}
Value scalarOf(born::NotOp, OpBuilder &b, Location loc, ValueRange args) {
  Type t = args[0].getType();
  Value ones = arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(t, APInt::getAllOnes(t.getIntOrFloatBitWidth())));
  return arith::XOrIOp::create(b, loc, args[0], ones);
}

Value scalarOf(born::NegOp, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  if (isFloat(x))
    return arith::NegFOp::create(b, loc, x);
  return arith::SubIOp::create(b, loc, createScalar(b, loc, x.getType(), 0), x);
}
Value scalarOf(born::AbsOp, OpBuilder &b, Location loc, ValueRange args) {
  return floatOrInt<math::AbsFOp, math::AbsIOp>(b, loc, args[0]);
}
Value scalarOf(born::ExpOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::ExpOp::create(b, loc, args[0]);
}
Value scalarOf(born::LogOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::LogOp::create(b, loc, args[0]);
}
Value scalarOf(born::SqrtOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::SqrtOp::create(b, loc, args[0]);
}
Value scalarOf(born::RsqrtOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::RsqrtOp::create(b, loc, args[0]);
}
Value scalarOf(born::TanhOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::TanhOp::create(b, loc, args[0]);
}
Value scalarOf(born::ErfOp, OpBuilder &b, Location loc, ValueRange args) {
  return math::ErfOp::create(b, loc, args[0]);
}
Value scalarOf(born::SigmoidOp, OpBuilder &b, Location loc, ValueRange args) {
  return sigmoid(b, loc, args[0]);
}
Value scalarOf(born::SiluOp, OpBuilder &b, Location loc, ValueRange args) {
  return arith::MulFOp::create(b, loc, args[0], sigmoid(b, loc, args[0]));
}

// Float functions that map one-to-one onto a math op.
#define BORN_MATH_UNARY(BORN_OP, MATH_OP)                                      \
  Value scalarOf(born::BORN_OP, OpBuilder &b, Location loc, ValueRange args) { \
    return math::MATH_OP::create(b, loc, args[0]);                             \
  }
BORN_MATH_UNARY(SinOp, SinOp)
BORN_MATH_UNARY(CosOp, CosOp)
BORN_MATH_UNARY(TanOp, TanOp)
BORN_MATH_UNARY(AsinOp, AsinOp)
BORN_MATH_UNARY(AcosOp, AcosOp)
BORN_MATH_UNARY(AtanOp, AtanOp)
BORN_MATH_UNARY(SinhOp, SinhOp)
BORN_MATH_UNARY(CoshOp, CoshOp)
BORN_MATH_UNARY(AsinhOp, AsinhOp)
BORN_MATH_UNARY(AcoshOp, AcoshOp)
BORN_MATH_UNARY(AtanhOp, AtanhOp)
BORN_MATH_UNARY(FloorOp, FloorOp)
BORN_MATH_UNARY(CeilOp, CeilOp)
BORN_MATH_UNARY(RoundOp, RoundEvenOp)
BORN_MATH_UNARY(TruncOp, TruncOp)
#undef BORN_MATH_UNARY

Value scalarOf(born::SignOp, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  Type t = x.getType();
  Value zero = createScalar(b, loc, t, 0);
  if (isFloat(x)) {
    // Zeros and NaN (unordered-or-equal to 0) are their own sign.
    Value keep =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UEQ, x, zero);
    Value one = math::CopySignOp::create(b, loc, createScalar(b, loc, t, 1), x);
    return arith::SelectOp::create(b, loc, keep, x, one);
  }
  // (x > 0) - (x < 0)
  auto test = [&](arith::CmpIPredicate p) -> Value {
    return arith::ExtUIOp::create(b, loc, t,
                                  arith::CmpIOp::create(b, loc, p, x, zero));
  };
  return arith::SubIOp::create(b, loc, test(arith::CmpIPredicate::sgt),
                               test(arith::CmpIPredicate::slt));
}

Value scalarOf(born::ReluOp, OpBuilder &b, Location loc, ValueRange args) {
  Value zero = createScalar(b, loc, args[0].getType(), 0);
  return floatOrInt<arith::MaximumFOp, arith::MaxSIOp>(b, loc, args[0], zero);
}

Value scalarOf(born::GeluOp op, OpBuilder &b, Location loc, ValueRange args) {
  Value x = args[0];
  Type t = x.getType();
  auto constant = [&](double v) { return createScalar(b, loc, t, v); };
  auto mul = [&](Value l, Value r) {
    return arith::MulFOp::create(b, loc, l, r);
  };
  auto add = [&](Value l, Value r) {
    return arith::AddFOp::create(b, loc, l, r);
  };
  Value cdfTerm; // erf(x / sqrt(2)) or its tanh approximation
  if (op.getApproximate()) {
    Value cube = mul(mul(x, x), x);
    Value inner = mul(constant(std::sqrt(2.0 / M_PI)),
                      add(x, mul(constant(0.044715), cube)));
    cdfTerm = math::TanhOp::create(b, loc, inner);
  } else {
    cdfTerm = math::ErfOp::create(b, loc, mul(x, constant(M_SQRT1_2)));
  }
  return mul(mul(constant(0.5), x), add(constant(1.0), cdfTerm));
}

// Floats compare ordered (false on NaN) except `ne`, which is true on NaN.
arith::CmpFPredicate floatPredicate(CmpPredicate predicate) {
  switch (predicate) {
  case CmpPredicate::eq:
    return arith::CmpFPredicate::OEQ;
  case CmpPredicate::ne:
    return arith::CmpFPredicate::UNE;
  case CmpPredicate::lt:
    return arith::CmpFPredicate::OLT;
  case CmpPredicate::le:
    return arith::CmpFPredicate::OLE;
  case CmpPredicate::gt:
    return arith::CmpFPredicate::OGT;
  case CmpPredicate::ge:
    return arith::CmpFPredicate::OGE;
  }
  llvm_unreachable("unknown comparison predicate");
}

arith::CmpIPredicate signedPredicate(CmpPredicate predicate) {
  switch (predicate) {
  case CmpPredicate::eq:
    return arith::CmpIPredicate::eq;
  case CmpPredicate::ne:
    return arith::CmpIPredicate::ne;
  case CmpPredicate::lt:
    return arith::CmpIPredicate::slt;
  case CmpPredicate::le:
    return arith::CmpIPredicate::sle;
  case CmpPredicate::gt:
    return arith::CmpIPredicate::sgt;
  case CmpPredicate::ge:
    return arith::CmpIPredicate::sge;
  }
  llvm_unreachable("unknown comparison predicate");
}

Value scalarOf(born::CmpOp op, OpBuilder &b, Location loc, ValueRange args) {
  if (isFloat(args[0]))
    return arith::CmpFOp::create(b, loc, floatPredicate(op.getPredicate()),
                                 args[0], args[1]);
  return arith::CmpIOp::create(b, loc, signedPredicate(op.getPredicate()),
                               args[0], args[1]);
}

Value scalarOf(born::WhereOp, OpBuilder &b, Location loc, ValueRange args) {
  return arith::SelectOp::create(b, loc, args[0], args[1], args[2]);
}

/// Converts `x` to `to` with the rules of born.cast.
Value convertScalar(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  if (to.isInteger(1)) {
    Value zero = createScalar(b, loc, from, 0);
    if (isa<FloatType>(from))
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
  }
  // Booleans are unsigned: true converts to 1.
  if (from.isInteger(1)) {
    if (isa<FloatType>(to))
      return arith::UIToFPOp::create(b, loc, to, x);
    return arith::ExtUIOp::create(b, loc, to, x);
  }
  auto fromFloat = dyn_cast<FloatType>(from);
  auto toFloat = dyn_cast<FloatType>(to);
  unsigned fromWidth = from.getIntOrFloatBitWidth();
  unsigned toWidth = to.getIntOrFloatBitWidth();
  if (fromFloat && toFloat) {
    // f16 <-> bf16 have equal widths; f32 holds both exactly.
    if (fromWidth == toWidth)
      x = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
    if (x.getType().getIntOrFloatBitWidth() < toWidth)
      return arith::ExtFOp::create(b, loc, to, x);
    return arith::TruncFOp::create(b, loc, to, x);
  }
  if (fromFloat)
    return arith::FPToSIOp::create(b, loc, to, x);
  if (toFloat)
    return arith::SIToFPOp::create(b, loc, to, x);
  if (fromWidth < toWidth)
    return arith::ExtSIOp::create(b, loc, to, x);
  return arith::TruncIOp::create(b, loc, to, x);
}

Value scalarOf(born::CastOp op, OpBuilder &b, Location loc, ValueRange args) {
  return convertScalar(b, loc, args[0], op.getType().getElementType());
}

template <typename OpTy>
struct ElementwiseToGeneric : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;

  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value result = createElementwise(
        rewriter, op.getLoc(), cast<RankedTensorType>(op.getType()),
        adaptor.getOperands(),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          return scalarOf(op, b, loc, args);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void born::populateElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<
      ElementwiseToGeneric<born::AddOp>, ElementwiseToGeneric<born::SubOp>,
      ElementwiseToGeneric<born::MulOp>, ElementwiseToGeneric<born::DivOp>,
      ElementwiseToGeneric<born::PowOp>, ElementwiseToGeneric<born::MaxOp>,
      ElementwiseToGeneric<born::MinOp>, ElementwiseToGeneric<born::NegOp>,
      ElementwiseToGeneric<born::AbsOp>, ElementwiseToGeneric<born::ExpOp>,
      ElementwiseToGeneric<born::LogOp>, ElementwiseToGeneric<born::SqrtOp>,
      ElementwiseToGeneric<born::RsqrtOp>, ElementwiseToGeneric<born::TanhOp>,
      ElementwiseToGeneric<born::SigmoidOp>, ElementwiseToGeneric<born::ReluOp>,
      ElementwiseToGeneric<born::SiluOp>, ElementwiseToGeneric<born::ErfOp>,
      ElementwiseToGeneric<born::GeluOp>, ElementwiseToGeneric<born::CmpOp>,
      ElementwiseToGeneric<born::WhereOp>, ElementwiseToGeneric<born::CastOp>,
      ElementwiseToGeneric<born::RemOp>, ElementwiseToGeneric<born::AndOp>,
      ElementwiseToGeneric<born::OrOp>, ElementwiseToGeneric<born::XorOp>,
      ElementwiseToGeneric<born::NotOp>, ElementwiseToGeneric<born::SignOp>,
      ElementwiseToGeneric<born::SinOp>, ElementwiseToGeneric<born::CosOp>,
      ElementwiseToGeneric<born::TanOp>, ElementwiseToGeneric<born::AsinOp>,
      ElementwiseToGeneric<born::AcosOp>, ElementwiseToGeneric<born::AtanOp>,
      ElementwiseToGeneric<born::SinhOp>, ElementwiseToGeneric<born::CoshOp>,
      ElementwiseToGeneric<born::AsinhOp>, ElementwiseToGeneric<born::AcoshOp>,
      ElementwiseToGeneric<born::AtanhOp>, ElementwiseToGeneric<born::FloorOp>,
      ElementwiseToGeneric<born::CeilOp>, ElementwiseToGeneric<born::RoundOp>,
      ElementwiseToGeneric<born::TruncOp>>(patterns.getContext());
}
