//===- Elementwise.cpp - ONNX math, activations, logic and casts ----------===//
#include "compiler/ONNX/NodeContext.h"
#include "compiler/ONNX/TensorProto.h"

#include "onnx.pb.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace born::onnx {
namespace {

/// The two inputs of a binary op, checked to have one element type.
LogicalResult binaryOperands(NodeContext &ctx, Value &lhs, Value &rhs) {
  lhs = ctx.input(0);
  rhs = ctx.input(1);
  if (!lhs || !rhs)
    return failure();
  if (NodeContext::elementType(lhs) != NodeContext::elementType(rhs))
    return ctx.error("operand types differ: " +
                     typeString(lhs.getType()) + " and " +
                     typeString(rhs.getType()));
  return success();
}

/// A binary op; `signSensitive` ops compute unsigned operands on signed
/// views (Add, Mul and the bitwise ops wrap the same either way).
template <typename OpT>
ImportFn binary(bool signSensitive = false) {
  return [signSensitive](NodeContext &ctx) -> LogicalResult {
    Value lhs, rhs;
    if (failed(binaryOperands(ctx, lhs, rhs)))
      return failure();
    auto build = [&](ArrayRef<Value> v) { return ctx.make<OpT>(v[0], v[1]); };
    FailureOr<Value> result = signSensitive
                                  ? ctx.onSignedViews({lhs, rhs}, build)
                                  : build({lhs, rhs});
    if (failed(result))
      return failure();
    ctx.setOutput(0, *result);
    return success();
  };
}

ImportFn compare(CmpPredicate predicate) {
  return [predicate](NodeContext &ctx) -> LogicalResult {
    Value lhs, rhs;
    if (failed(binaryOperands(ctx, lhs, rhs)))
      return failure();
    if (NodeContext::elementType(lhs).isInteger(1)) {
      // Bools compare as integers.
      Type i8 = ctx.b.getIntegerType(8);
      FailureOr<Value> l = ctx.cast(lhs, i8), r = ctx.cast(rhs, i8);
      if (failed(l) || failed(r))
        return failure();
      lhs = *l;
      rhs = *r;
    }
    FailureOr<Value> result =
        ctx.onSignedViews({lhs, rhs}, [&](ArrayRef<Value> v) {
          return ctx.make<CmpOp>(predicate, v[0], v[1]);
        }, /*orderOnly=*/true);
    if (failed(result))
      return failure();
    ctx.setOutput(0, *result);
    return success();
  };
}

template <typename OpT>
ImportFn unary(bool floatOnly) {
  return [floatOnly](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (!x || (floatOnly && failed(ctx.requireFloat(x, "input"))))
      return failure();
    FailureOr<Value> result = ctx.make<OpT>(x);
    if (failed(result))
      return failure();
    ctx.setOutput(0, *result);
    return success();
  };
}

/// Abs and Relu are the identity on unsigned integers.
ImportFn unsignedIdentityOr(ImportFn fn) {
  return [fn](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (x && ctx.isUnsigned(x)) {
      ctx.setOutput(0, x);
      return success();
    }
    return fn(ctx);
  };
}

/// Sum, Mean, Max, Min: variadic, broadcasting.
template <typename OpT>
ImportFn variadic(bool mean = false) {
  return [mean](NodeContext &ctx) -> LogicalResult {
    Value acc = ctx.input(0);
    if (!acc)
      return failure();
    for (int64_t i = 1; i < ctx.numInputs(); ++i) {
      Value next = ctx.input(i);
      if (!next)
        return failure();
      FailureOr<Value> r = ctx.onSignedViews(
          {acc, next},
          [&](ArrayRef<Value> v) { return ctx.make<OpT>(v[0], v[1]); },
          /*orderOnly=*/!std::is_same_v<OpT, AddOp>);
      if (failed(r))
        return failure();
      acc = *r;
    }
    if (mean && ctx.numInputs() > 1) {
      FailureOr<Value> r = ctx.onSignedViews({acc}, [&](ArrayRef<Value> v) {
        return ctx.make<DivOp>(
            v[0], ctx.scalar(NodeContext::elementType(v[0]), ctx.numInputs()));
      });
      if (failed(r))
        return failure();
      acc = *r;
    }
    ctx.setOutput(0, acc);
    return success();
  };
}

/// y = f(x) built from born ops on x and scalars of x's element type.
using Formula = std::function<FailureOr<Value>(NodeContext &, Value)>;
ImportFn formula(Formula f) {
  return [f](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (!x || failed(ctx.requireFloat(x, "input")))
      return failure();
    FailureOr<Value> y = f(ctx, x);
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  };
}

// Small combinators so the activation formulas read like their definitions.
struct Ops {
  NodeContext &ctx;
  Type t;
  Value c(double v) { return ctx.scalar(t, v); }
  template <typename OpT> FailureOr<Value> bin(FailureOr<Value> a, FailureOr<Value> b) {
    if (failed(a) || failed(b))
      return failure();
    return ctx.make<OpT>(*a, *b);
  }
  template <typename OpT> FailureOr<Value> un(FailureOr<Value> a) {
    if (failed(a))
      return failure();
    return ctx.make<OpT>(*a);
  }
  FailureOr<Value> add(FailureOr<Value> a, FailureOr<Value> b) { return bin<AddOp>(a, b); }
  FailureOr<Value> sub(FailureOr<Value> a, FailureOr<Value> b) { return bin<SubOp>(a, b); }
  FailureOr<Value> mul(FailureOr<Value> a, FailureOr<Value> b) { return bin<MulOp>(a, b); }
  FailureOr<Value> div(FailureOr<Value> a, FailureOr<Value> b) { return bin<DivOp>(a, b); }
  FailureOr<Value> max(FailureOr<Value> a, FailureOr<Value> b) { return bin<MaxOp>(a, b); }
  FailureOr<Value> min(FailureOr<Value> a, FailureOr<Value> b) { return bin<MinOp>(a, b); }
  FailureOr<Value> where(FailureOr<Value> cond, FailureOr<Value> a, FailureOr<Value> b) {
    if (failed(cond) || failed(a) || failed(b))
      return failure();
    return ctx.make<WhereOp>(*cond, *a, *b);
  }
  FailureOr<Value> cmp(CmpPredicate p, FailureOr<Value> a, FailureOr<Value> b) {
    if (failed(a) || failed(b))
      return failure();
    return ctx.make<CmpOp>(p, *a, *b);
  }
};

LogicalResult importClip(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  Type t = NodeContext::elementType(x);
  Value lo, hi;
  if (ctx.opset < 11) {
    if (ctx.hasAttr("min"))
      lo = ctx.scalar(t, ctx.attrFloat("min", 0));
    if (ctx.hasAttr("max"))
      hi = ctx.scalar(t, ctx.attrFloat("max", 0));
  } else {
    lo = ctx.optionalInput(1);
    hi = ctx.optionalInput(2);
  }
  SmallVector<Value> operands = {x};
  if (lo)
    operands.push_back(lo);
  if (hi)
    operands.push_back(hi);
  FailureOr<Value> y = ctx.onSignedViews(operands, [&](ArrayRef<Value> v) {
    FailureOr<Value> r = v[0];
    if (lo)
      r = ctx.make<MaxOp>(*r, v[1]);
    if (hi && succeeded(r))
      r = ctx.make<MinOp>(*r, v.back());
    return r;
  }, /*orderOnly=*/true);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importCast(NodeContext &ctx, Type to, bool toUnsigned) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  ctx.setOutputUnsigned(0, toUnsigned);
  FailureOr<Value> y = x;
  Type from = NodeContext::elementType(x);
  if (ctx.isUnsigned(x) && from.getIntOrFloatBitWidth() < 64 &&
      !(to.isInteger() && to.getIntOrFloatBitWidth() <= from.getIntOrFloatBitWidth()))
    y = ctx.signedView(x); // zero-extends; narrowing keeps the bits anyway
  else if (ctx.isUnsigned(x) && isa<FloatType>(to))
    return ctx.unsupported("Cast from UINT64 to a float type");
  else if (isa<FloatType>(from) && toUnsigned)
    y = ctx.cast(x, ctx.b.getI64Type()); // in range of the wider signed type
  if (succeeded(y))
    y = ctx.cast(*y, to);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importPow(NodeContext &ctx) {
  Value x = ctx.input(0), e = ctx.input(1);
  if (!x || !e || failed(ctx.requireFloat(x, "base")))
    return failure();
  FailureOr<Value> ec = ctx.cast(e, NodeContext::elementType(x));
  if (failed(ec))
    return failure();
  FailureOr<Value> y = ctx.make<PowOp>(x, *ec);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

/// Mod: with fmod=1 the remainder takes the dividend's sign (C fmod);
/// otherwise (integers only) the divisor's, like Python's %.
LogicalResult importMod(NodeContext &ctx) {
  Value x, y;
  if (failed(binaryOperands(ctx, x, y)))
    return failure();
  Type t = NodeContext::elementType(x);
  bool fmod = ctx.attrInt("fmod", 0);
  if (!fmod && isa<FloatType>(t))
    return ctx.error("fmod=0 is only defined for integers");
  Ops o{ctx, t};
  if (ctx.anyUnsigned({x, y}) && !isa<FloatType>(t)) {
    // Unsigned: a plain remainder on the widened values.
    FailureOr<Value> r = ctx.onSignedViews(
        {x, y}, [&](ArrayRef<Value> v) { return ctx.make<RemOp>(v[0], v[1]); });
    if (failed(r))
      return failure();
    ctx.setOutput(0, *r);
    return success();
  }
  FailureOr<Value> r = ctx.make<RemOp>(x, y);
  if (!fmod) {
    // r != 0 and sign(r) != sign(y): r + y.
    FailureOr<Value> fix = o.bin<AndOp>(
        o.cmp(CmpPredicate::ne, r, o.c(0)),
        o.bin<XorOp>(o.cmp(CmpPredicate::lt, r, o.c(0)),
                     o.cmp(CmpPredicate::lt, y, o.c(0))));
    r = o.where(fix, o.add(r, y), r);
  }
  if (failed(r))
    return failure();
  ctx.setOutput(0, *r);
  return success();
}

/// BitShift (unsigned integers): x * 2^s to the left (wrapping), x / 2^s to
/// the right on the widened value; shifts of the width or more give 0.
LogicalResult importBitShift(NodeContext &ctx) {
  Value x, s;
  if (failed(binaryOperands(ctx, x, s)))
    return failure();
  std::string direction = ctx.attrString("direction", "");
  if (direction != "LEFT" && direction != "RIGHT")
    return ctx.error("direction must be LEFT or RIGHT, got '" + direction + "'");
  Type t = NodeContext::elementType(x);
  if (!t.isInteger() || t.isInteger(1))
    return ctx.unsupported("BitShift of " + typeString(x.getType()));
  unsigned width = t.getIntOrFloatBitWidth();
  FailureOr<Value> y = ctx.onSignedViews({x, s}, [&](ArrayRef<Value> v) {
    Type wide = NodeContext::elementType(v[0]);
    Ops o{ctx, wide};
    // 2^s, exact in f64 for the shifts that do not clear everything.
    Type f64 = ctx.b.getF64Type();
    FailureOr<Value> inRange = o.cmp(CmpPredicate::lt, v[1], o.c(width));
    FailureOr<Value> shift = o.where(inRange, v[1], o.c(0));
    FailureOr<Value> power = failed(shift) ? shift : ctx.cast(*shift, f64);
    if (succeeded(power))
      power = ctx.make<PowOp>(ctx.scalar(f64, 2), *power);
    if (succeeded(power))
      power = ctx.cast(*power, wide);
    FailureOr<Value> r = direction == "LEFT" ? o.mul(v[0], power)
                                             : o.div(v[0], power);
    return o.where(inRange, r, o.c(0));
  });
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

} // namespace

void registerElementwiseOps(OpTable &t) {
  t.add("Add", binary<AddOp>());
  t.add("Sub", binary<SubOp>());
  t.add("Mul", binary<MulOp>());
  t.add("Div", binary<DivOp>(/*signSensitive=*/true));
  t.add("Pow", importPow);
  t.add("Max", variadic<MaxOp>());
  t.add("Min", variadic<MinOp>());
  t.add("Sum", variadic<AddOp>());
  t.add("Mean", variadic<AddOp>(/*mean=*/true));
  t.add("Equal", compare(CmpPredicate::eq));
  t.add("Less", compare(CmpPredicate::lt));
  t.add("LessOrEqual", compare(CmpPredicate::le));
  t.add("Greater", compare(CmpPredicate::gt));
  t.add("GreaterOrEqual", compare(CmpPredicate::ge));
  t.add("Where", [](NodeContext &ctx) -> LogicalResult {
    Value c = ctx.input(0), a = ctx.input(1), b = ctx.input(2);
    if (!c || !a || !b)
      return failure();
    FailureOr<Value> y = ctx.make<WhereOp>(c, a, b);
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  });

  t.add("Neg", unary<NegOp>(false));
  t.add("Abs", unsignedIdentityOr(unary<AbsOp>(false)));
  t.add("Relu", unsignedIdentityOr(unary<ReluOp>(false)));
  t.add("Exp", unary<ExpOp>(true));
  t.add("Log", unary<LogOp>(true));
  t.add("Sqrt", unary<SqrtOp>(true));
  t.add("Tanh", unary<TanhOp>(true));
  t.add("Sigmoid", unary<SigmoidOp>(true));
  t.add("Erf", unary<ErfOp>(true));
  t.add("Sin", unary<SinOp>(true));
  t.add("Cos", unary<CosOp>(true));
  t.add("Tan", unary<TanOp>(true));
  t.add("Asin", unary<AsinOp>(true));
  t.add("Acos", unary<AcosOp>(true));
  t.add("Atan", unary<AtanOp>(true));
  t.add("Sinh", unary<SinhOp>(true));
  t.add("Cosh", unary<CoshOp>(true));
  t.add("Asinh", unary<AsinhOp>(true));
  t.add("Acosh", unary<AcoshOp>(true));
  t.add("Atanh", unary<AtanhOp>(true));
  t.add("Floor", unary<FloorOp>(true));
  t.add("Ceil", unary<CeilOp>(true));
  t.add("Round", unary<RoundOp>(true));
  t.add("Sign", [](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (!x)
      return failure();
    FailureOr<Value> y = ctx.onSignedViews(
        {x}, [&](ArrayRef<Value> v) { return ctx.make<SignOp>(v[0]); });
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  });
  t.add("BitShift", importBitShift);
  t.add("Not", unary<NotOp>(false));
  t.add("BitwiseNot", unary<NotOp>(false));
  t.add("And", binary<AndOp>());
  t.add("Or", binary<OrOp>());
  t.add("Xor", binary<XorOp>());
  t.add("BitwiseAnd", binary<AndOp>());
  t.add("BitwiseOr", binary<OrOp>());
  t.add("BitwiseXor", binary<XorOp>());
  t.add("Mod", importMod);
  t.add("IsNaN", [](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (!x || failed(ctx.requireFloat(x, "input")))
      return failure();
    FailureOr<Value> y = ctx.make<CmpOp>(CmpPredicate::ne, x, x);
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  });
  t.add("IsInf", [](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (!x || failed(ctx.requireFloat(x, "input")))
      return failure();
    Ops o{ctx, NodeContext::elementType(x)};
    double inf = std::numeric_limits<double>::infinity();
    bool pos = ctx.attrInt("detect_positive", 1),
         neg = ctx.attrInt("detect_negative", 1);
    FailureOr<Value> y =
        pos && neg ? o.cmp(CmpPredicate::eq, o.un<AbsOp>(x), o.c(inf))
        : pos      ? o.cmp(CmpPredicate::eq, x, o.c(inf))
        : neg      ? o.cmp(CmpPredicate::eq, x, o.c(-inf))
                   : FailureOr<Value>(ctx.scalar(ctx.b.getI1Type(), 0,
                                                 NodeContext::shape(x)));
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  });
  t.add("Identity", [](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (!x)
      return failure();
    ctx.setOutput(0, x);
    return success();
  });
  t.add("Clip", importClip);
  t.add("Cast", [](NodeContext &ctx) -> LogicalResult {
    int64_t to = ctx.attrInt("to", 0);
    Type type = elementType(ctx.b.getContext(), int32_t(to));
    if (!type)
      return ctx.unsupported("cast to " + typeName(int32_t(to)));
    return importCast(ctx, type, isUnsignedType(int32_t(to)));
  });
  t.add("CastLike", [](NodeContext &ctx) -> LogicalResult {
    Value like = ctx.input(1);
    if (!like)
      return failure();
    return importCast(ctx, NodeContext::elementType(like), ctx.isUnsigned(like));
  });

  t.add("Reciprocal", formula([](NodeContext &ctx, Value x) {
    Ops o{ctx, NodeContext::elementType(x)};
    return o.div(o.c(1), x);
  }));
  t.add("LeakyRelu", formula([](NodeContext &ctx, Value x) {
    Ops o{ctx, NodeContext::elementType(x)};
    return o.where(o.cmp(CmpPredicate::lt, x, o.c(0)),
                   o.mul(x, o.c(ctx.attrFloat("alpha", 0.01))), x);
  }));
  t.add("PRelu", [](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0), slope = ctx.input(1);
    if (!x || !slope)
      return failure();
    // Before opset 7 a 1-D slope of C values is per channel (dim 1).
    ArrayRef<int64_t> xs = NodeContext::shape(x), ss = NodeContext::shape(slope);
    if (ss.size() == 1 && xs.size() > 2 && ss[0] == xs[1] &&
        !born::broadcastShapes(xs, ss)) {
      SmallVector<int64_t> perChannel(xs.size() - 1, 1);
      perChannel[0] = ss[0];
      FailureOr<Value> s = ctx.reshape(slope, perChannel);
      if (failed(s))
        return failure();
      slope = *s;
    }
    Ops o{ctx, NodeContext::elementType(x)};
    FailureOr<Value> y =
        o.where(o.cmp(CmpPredicate::lt, x, o.c(0)), o.mul(x, slope), x);
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  });
  t.add("Elu", formula([](NodeContext &ctx, Value x) {
    Ops o{ctx, NodeContext::elementType(x)};
    double alpha = ctx.attrFloat("alpha", 1.0);
    return o.where(o.cmp(CmpPredicate::lt, x, o.c(0)),
                   o.mul(o.c(alpha), o.sub(o.un<ExpOp>(x), o.c(1))), x);
  }));
  t.add("Celu", formula([](NodeContext &ctx, Value x) {
    Ops o{ctx, NodeContext::elementType(x)};
    double alpha = ctx.attrFloat("alpha", 1.0);
    // max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
    return o.add(o.max(x, o.c(0)),
                 o.min(o.c(0), o.mul(o.c(alpha),
                                     o.sub(o.un<ExpOp>(o.div(x, o.c(alpha))),
                                           o.c(1)))));
  }));
  t.add("Selu", formula([](NodeContext &ctx, Value x) {
    Ops o{ctx, NodeContext::elementType(x)};
    double alpha = ctx.attrFloat("alpha", 1.67326319217681884765625);
    double gamma = ctx.attrFloat("gamma", 1.05070102214813232421875);
    return o.mul(o.c(gamma),
                 o.where(o.cmp(CmpPredicate::le, x, o.c(0)),
                         o.mul(o.c(alpha), o.sub(o.un<ExpOp>(x), o.c(1))), x));
  }));
  t.add("HardSigmoid", formula([](NodeContext &ctx, Value x) {
    Ops o{ctx, NodeContext::elementType(x)};
    double alpha = ctx.attrFloat("alpha", 0.2), beta = ctx.attrFloat("beta", 0.5);
    return o.max(o.c(0), o.min(o.c(1), o.add(o.mul(o.c(alpha), x), o.c(beta))));
  }));
  t.add("HardSwish", formula([](NodeContext &ctx, Value x) {
    Ops o{ctx, NodeContext::elementType(x)};
    return o.mul(x, o.max(o.c(0), o.min(o.c(1), o.add(o.mul(o.c(1.0 / 6), x),
                                                       o.c(0.5)))));
  }));
  t.add("Softplus", formula([](NodeContext &ctx, Value x) {
    Ops o{ctx, NodeContext::elementType(x)};
    // log(1 + exp(x)) = max(x, 0) + log(1 + exp(-|x|)), stable for large |x|.
    return o.add(o.max(x, o.c(0)),
                 o.un<LogOp>(o.add(o.c(1), o.un<ExpOp>(o.un<NegOp>(o.un<AbsOp>(x))))));
  }));
  t.add("Softsign", formula([](NodeContext &ctx, Value x) {
    Ops o{ctx, NodeContext::elementType(x)};
    return o.div(x, o.add(o.c(1), o.un<AbsOp>(x)));
  }));
  t.add("Mish", formula([](NodeContext &ctx, Value x) {
    Ops o{ctx, NodeContext::elementType(x)};
    auto softplus = o.add(o.max(x, o.c(0)),
                          o.un<LogOp>(o.add(o.c(1), o.un<ExpOp>(o.un<NegOp>(o.un<AbsOp>(x))))));
    return o.mul(x, o.un<TanhOp>(softplus));
  }));
  t.add("ThresholdedRelu", formula([](NodeContext &ctx, Value x) {
    Ops o{ctx, NodeContext::elementType(x)};
    return o.where(o.cmp(CmpPredicate::gt, x, o.c(ctx.attrFloat("alpha", 1.0))),
                   x, o.c(0));
  }));
  t.add("Shrink", formula([](NodeContext &ctx, Value x) {
    Ops o{ctx, NodeContext::elementType(x)};
    double lambd = ctx.attrFloat("lambd", 0.5), bias = ctx.attrFloat("bias", 0);
    return o.where(o.cmp(CmpPredicate::lt, x, o.c(-lambd)), o.add(x, o.c(bias)),
                   o.where(o.cmp(CmpPredicate::gt, x, o.c(lambd)),
                           o.sub(x, o.c(bias)), o.c(0)));
  }));
  t.add("Swish", formula([](NodeContext &ctx, Value x) {
    Ops o{ctx, NodeContext::elementType(x)};
    return o.mul(x, o.un<SigmoidOp>(o.mul(o.c(ctx.attrFloat("alpha", 1.0)), x)));
  }));
  t.add("Gelu", formula([](NodeContext &ctx, Value x) -> FailureOr<Value> {
    std::string approximate = ctx.attrString("approximate", "none");
    if (approximate != "none" && approximate != "tanh")
      return ctx.unsupported("approximate='" + approximate + "'");
    return ctx.make<GeluOp>(x, approximate == "tanh");
  }), 20);
  t.add("Dropout", [](NodeContext &ctx) -> LogicalResult {
    // Inference: the identity, and a mask of ones. training_mode must be
    // false (a constant) for that to hold.
    Value x = ctx.input(0);
    if (!x)
      return failure();
    if (ctx.hasInput(2)) {
      std::optional<DenseElementsAttr> training = ctx.constantInput(2);
      if (!training || training->getSplatValue<bool>())
        return ctx.unsupported("training_mode other than a constant false");
    }
    ctx.setOutput(0, x);
    if (ctx.hasOutput(1))
      ctx.setOutput(1, ctx.scalar(ctx.b.getI1Type(), 1, NodeContext::shape(x)));
    return success();
  });
}

} // namespace born::onnx
