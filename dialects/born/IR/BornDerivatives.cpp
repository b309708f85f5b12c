//===- BornDerivatives.cpp - Reverse-mode derivative rules ----------------===//
//
// The DifferentiableOpInterface rule of every born op that has one. Each rule
// gets the cotangent `g` of its result (dLoss/dResult, the result's type) and
// builds the cotangents of its operands with born ops, so the backward graph
// is ordinary born IR that fusion and codegen treat like any other.
//
//===----------------------------------------------------------------------===//

#include "dialects/born/IR/BornOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace born;

#include "dialects/born/IR/BornInterfaces.cpp.inc"

namespace {

RankedTensorType typeOf(Value v) { return cast<RankedTensorType>(v.getType()); }

bool isFloatTensor(Value v) {
  return isa<FloatType>(typeOf(v).getElementType());
}

SmallVector<int64_t> iota(int64_t begin, int64_t end) {
  SmallVector<int64_t> v(end - begin);
  std::iota(v.begin(), v.end(), begin);
  return v;
}

/// Builds the born ops of one rule, all at the differentiated op's location.
struct RuleBuilder {
  OpBuilder &b;
  Location loc;

  /// A rank-0 constant; binary ops broadcast it.
  Value scalar(Type elementType, double value) {
    auto type = RankedTensorType::get({}, elementType);
    return full(type, value);
  }
  Value scalarLike(Value v, double value) {
    return scalar(typeOf(v).getElementType(), value);
  }
  Value full(RankedTensorType type, double value) {
    Attribute element =
        isa<FloatType>(type.getElementType())
            ? Attribute(b.getFloatAttr(type.getElementType(), value))
            : Attribute(b.getIntegerAttr(type.getElementType(),
                                         static_cast<int64_t>(value)));
    return ConstantOp::create(b, loc, DenseElementsAttr::get(type, element));
  }
  Value zerosLike(Value v) { return full(typeOf(v), 0.0); }

  Value add(Value x, Value y) { return AddOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return SubOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return MulOp::create(b, loc, x, y); }
  Value div(Value x, Value y) { return DivOp::create(b, loc, x, y); }
  Value mul(Value x, double c) { return mul(x, scalarLike(x, c)); }
  template <typename OpT> Value unary(Value x) {
    return OpT::create(b, loc, x.getType(), x);
  }
  Value neg(Value x) { return unary<NegOp>(x); }
  Value cmp(CmpPredicate predicate, Value x, Value y) {
    return CmpOp::create(b, loc, predicate, x, y);
  }
  Value select(Value condition, Value onTrue, Value onFalse) {
    return WhereOp::create(b, loc, condition, onTrue, onFalse);
  }
  Value reduce(ReduceKind kind, Value x, ArrayRef<int64_t> axes,
               bool keepdims) {
    return ReduceOp::create(b, loc, ReduceKindAttr::get(b.getContext(), kind),
                            x, b.getDenseI64ArrayAttr(axes),
                            keepdims ? b.getUnitAttr() : nullptr);
  }
  Value sum(Value x, ArrayRef<int64_t> axes, bool keepdims = true) {
    return reduce(ReduceKind::sum, x, axes, keepdims);
  }
  Value mean(Value x, ArrayRef<int64_t> axes) {
    return reduce(ReduceKind::mean, x, axes, /*keepdims=*/true);
  }
  Value reshape(Value x, ArrayRef<int64_t> shape) {
    if (typeOf(x).getShape() == shape)
      return x;
    return ReshapeOp::create(
        b, loc, RankedTensorType::get(shape, typeOf(x).getElementType()), x);
  }
  Value transpose(Value x, ArrayRef<int64_t> permutation) {
    return TransposeOp::create(b, loc, x, b.getDenseI64ArrayAttr(permutation));
  }
  Value broadcastTo(Value x, ArrayRef<int64_t> shape) {
    if (typeOf(x).getShape() == shape)
      return x;
    return BroadcastOp::create(
        b, loc, RankedTensorType::get(shape, typeOf(x).getElementType()), x);
  }
  Value slice(Value x, ArrayRef<int64_t> start, ArrayRef<int64_t> limit,
              ArrayRef<int64_t> step) {
    return SliceOp::create(b, loc, x, b.getDenseI64ArrayAttr(start),
                           b.getDenseI64ArrayAttr(limit),
                           b.getDenseI64ArrayAttr(step));
  }
  Value concat(ValueRange inputs, int64_t axis) {
    return ConcatOp::create(b, loc, inputs, b.getI64IntegerAttr(axis));
  }

  /// Sums `g` (of a broadcast result's shape) back to `target`'s shape: over
  /// the leading dimensions `target` lacks and the ones it has as size 1.
  Value sumToShape(Value g, RankedTensorType target) {
    ArrayRef<int64_t> from = typeOf(g).getShape(), to = target.getShape();
    if (from == to)
      return g;
    int64_t lead = from.size() - to.size();
    SmallVector<int64_t> axes = iota(0, lead);
    for (int64_t d = 0; d < static_cast<int64_t>(to.size()); ++d)
      if (to[d] == 1 && from[lead + d] != 1)
        axes.push_back(lead + d);
    if (!axes.empty())
      g = sum(g, axes, /*keepdims=*/false);
    return reshape(g, to);
  }

  /// Grows (amount > 0, filled with `fill`) or shrinks (amount < 0) `x`
  /// along `dim`, before and after.
  Value padOrCrop(Value x, int64_t dim, int64_t before, int64_t after,
                  double fill = 0.0) {
    RankedTensorType type = typeOf(x);
    int64_t rank = type.getRank(), size = type.getDimSize(dim);
    if (before < 0 || after < 0) {
      SmallVector<int64_t> start(rank, 0), limit(type.getShape()),
          step(rank, 1);
      start[dim] = std::max<int64_t>(-before, 0);
      limit[dim] = size - std::max<int64_t>(-after, 0);
      x = slice(x, start, limit, step);
      before = std::max<int64_t>(before, 0);
      after = std::max<int64_t>(after, 0);
    }
    SmallVector<Value> parts;
    auto filler = [&](int64_t n) {
      SmallVector<int64_t> shape(typeOf(x).getShape());
      shape[dim] = n;
      return full(RankedTensorType::get(shape, type.getElementType()), fill);
    };
    if (before > 0)
      parts.push_back(filler(before));
    parts.push_back(x);
    if (after > 0)
      parts.push_back(filler(after));
    return parts.size() == 1 ? x : concat(parts, dim);
  }

  /// The adjoint of `born.slice`: a zero tensor of `shape` holding `x` at
  /// `start + i * step` (per dimension). Strides insert zeros between the
  /// elements by reshaping [n] to [n, 1], appending step - 1 zero columns
  /// and flattening.
  Value stridedEmbed(Value x, ArrayRef<int64_t> shape, ArrayRef<int64_t> start,
                     ArrayRef<int64_t> step) {
    for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
      int64_t n = typeOf(x).getDimSize(d), s = step[d];
      int64_t spread = n;
      if (s > 1 && n > 0) {
        SmallVector<int64_t> column(typeOf(x).getShape());
        column.insert(column.begin() + d + 1, 1);
        x = padOrCrop(reshape(x, column), d + 1, 0, s - 1);
        SmallVector<int64_t> flat(typeOf(x).getShape());
        flat[d] *= s;
        flat.erase(flat.begin() + d + 1);
        x = reshape(x, flat);
        spread = n * s;
      }
      x = padOrCrop(x, d, start[d], shape[d] - start[d] - spread);
    }
    return x;
  }

  /// `x` reversed along `dim` (a gather with constant indices).
  Value reverse(Value x, int64_t dim) {
    int64_t n = typeOf(x).getDimSize(dim);
    if (n == 1)
      return x;
    SmallVector<int64_t> indices;
    for (int64_t i = n - 1; i >= 0; --i)
      indices.push_back(i);
    auto type = RankedTensorType::get({n}, b.getI64Type());
    Value table = ConstantOp::create(
        b, loc, DenseElementsAttr::get(type, ArrayRef<int64_t>(indices)));
    return GatherOp::create(b, loc, x, table, b.getI64IntegerAttr(dim));
  }
};

RuleBuilder rule(OpBuilder &b, Operation *op) { return {b, op->getLoc()}; }

/// The cotangents of an elementwise binary op's operands: `dLhs` and `dRhs`
/// are computed at the broadcast result shape, then summed back.
void binaryCotangents(RuleBuilder &r, Operation *op, Value dLhs, Value dRhs,
                      SmallVectorImpl<Value> &out) {
  out.push_back(r.sumToShape(dLhs, typeOf(op->getOperand(0))));
  out.push_back(r.sumToShape(dRhs, typeOf(op->getOperand(1))));
}

/// Unary rules: d(input) = g * f'(x), with `derivative` building f'(x) from
/// the input and the result.
template <typename OpT, typename Fn>
LogicalResult unaryRule(OpT op, OpBuilder &b, ValueRange cot,
                        SmallVectorImpl<Value> &out, Fn derivative) {
  RuleBuilder r = rule(b, op);
  if (!isFloatTensor(op.getInput())) {
    out.push_back(Value());
    return success();
  }
  out.push_back(r.mul(cot[0], derivative(r, op.getInput(), op.getResult())));
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// Elementwise binary
//===----------------------------------------------------------------------===//

LogicalResult AddOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  binaryCotangents(r, *this, cot[0], cot[0], out);
  return success();
}

LogicalResult SubOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  binaryCotangents(r, *this, cot[0], r.neg(cot[0]), out);
  return success();
}

LogicalResult MulOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  binaryCotangents(r, *this, r.mul(cot[0], getRhs()), r.mul(cot[0], getLhs()),
                   out);
  return success();
}

LogicalResult DivOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  // d(l / r)/dr = -l / r^2 = -result / r.
  Value dLhs = r.div(cot[0], getRhs());
  binaryCotangents(r, *this, dLhs, r.neg(r.mul(dLhs, getResult())), out);
  return success();
}

LogicalResult PowOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  // d(l^e)/dl = e * l^(e - 1), written without dividing by l so l = 0 works;
  // d(l^e)/de = l^e * ln(l), defined for l > 0.
  Value exponentMinusOne = r.sub(getRhs(), r.scalarLike(getRhs(), 1.0));
  Value dLhs = r.mul(
      cot[0],
      r.mul(getRhs(), PowOp::create(b, getLoc(), getLhs(), exponentMinusOne)));
  Value dRhs = r.mul(cot[0], r.mul(getResult(), r.unary<LogOp>(getLhs())));
  binaryCotangents(r, *this, dLhs, dRhs, out);
  return success();
}

/// max and min: the gradient goes to the operand that was selected (lhs on
/// ties).
static LogicalResult selectionCotangents(Operation *op, OpBuilder &b,
                                         CmpPredicate lhsWins, Value g,
                                         SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, op);
  Value lhsSelected = r.cmp(lhsWins, op->getOperand(0), op->getOperand(1));
  Value zero = r.scalarLike(g, 0.0);
  binaryCotangents(r, op, r.select(lhsSelected, g, zero),
                   r.select(lhsSelected, zero, g), out);
  return success();
}

LogicalResult MaxOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  return selectionCotangents(*this, b, CmpPredicate::ge, cot[0], out);
}

LogicalResult MinOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  return selectionCotangents(*this, b, CmpPredicate::le, cot[0], out);
}

//===----------------------------------------------------------------------===//
// Elementwise unary and activations
//===----------------------------------------------------------------------===//

LogicalResult NegOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  out.push_back(rule(b, *this).neg(cot[0]));
  return success();
}

LogicalResult AbsOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value x, Value) {
    return r.unary<SignOp>(x);
  });
}

LogicalResult ExpOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out,
                   [](RuleBuilder &, Value, Value y) { return y; });
}

LogicalResult LogOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  out.push_back(r.div(cot[0], getInput()));
  return success();
}

LogicalResult SqrtOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                             SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  out.push_back(r.div(r.mul(cot[0], 0.5), getResult()));
  return success();
}

LogicalResult RsqrtOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                              SmallVectorImpl<Value> &out) {
  // d(x^-1/2)/dx = -x^-3/2 / 2 = -y^3 / 2.
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value, Value y) {
    return r.mul(r.mul(r.mul(y, y), y), -0.5);
  });
}

LogicalResult TanhOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                             SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value, Value y) {
    return r.sub(r.scalarLike(y, 1.0), r.mul(y, y));
  });
}

LogicalResult SigmoidOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                                SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value, Value y) {
    return r.mul(y, r.sub(r.scalarLike(y, 1.0), y));
  });
}

LogicalResult ReluOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                             SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  if (!isFloatTensor(getInput())) {
    out.push_back(Value());
    return success();
  }
  Value positive =
      r.cmp(CmpPredicate::gt, getInput(), r.scalarLike(getInput(), 0.0));
  out.push_back(r.select(positive, cot[0], r.scalarLike(cot[0], 0.0)));
  return success();
}

LogicalResult SiluOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                             SmallVectorImpl<Value> &out) {
  // d(x s(x))/dx = s + x s (1 - s).
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value x, Value) {
    Value s = r.unary<SigmoidOp>(x);
    Value one = r.scalarLike(x, 1.0);
    return r.mul(s, r.add(one, r.mul(x, r.sub(one, s))));
  });
}

LogicalResult GeluOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                             SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [&](RuleBuilder &r, Value x, Value) {
    Value half = r.scalarLike(x, 0.5), one = r.scalarLike(x, 1.0);
    if (getApproximate()) {
      // u = c (x + a x^3), y = x (1 + tanh u) / 2:
      // y' = (1 + t) / 2 + x (1 - t^2) c (1 + 3 a x^2) / 2.
      const double c = std::sqrt(2.0 / M_PI), a = 0.044715;
      Value x2 = r.mul(x, x);
      Value u = r.mul(r.add(x, r.mul(r.mul(x2, x), a)), c);
      Value t = r.unary<TanhOp>(u);
      Value du = r.mul(r.add(one, r.mul(x2, 3.0 * a)), c);
      Value sech2 = r.sub(one, r.mul(t, t));
      return r.add(r.mul(r.add(one, t), half),
                   r.mul(r.mul(r.mul(x, sech2), du), half));
    }
    // y = x Phi(x): y' = Phi(x) + x phi(x).
    Value cdf =
        r.mul(r.add(one, r.unary<ErfOp>(r.mul(x, 1.0 / std::sqrt(2.0)))), half);
    Value pdf = r.mul(r.unary<ExpOp>(r.mul(r.mul(x, x), -0.5)),
                      1.0 / std::sqrt(2.0 * M_PI));
    return r.add(cdf, r.mul(x, pdf));
  });
}

LogicalResult ErfOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value x, Value) {
    return r.mul(r.unary<ExpOp>(r.neg(r.mul(x, x))), 2.0 / std::sqrt(M_PI));
  });
}

LogicalResult SinOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value x, Value) {
    return r.unary<CosOp>(x);
  });
}

LogicalResult CosOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value x, Value) {
    return r.neg(r.unary<SinOp>(x));
  });
}

LogicalResult TanOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                            SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value, Value y) {
    return r.add(r.scalarLike(y, 1.0), r.mul(y, y));
  });
}

LogicalResult SinhOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                             SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value x, Value) {
    return r.unary<CoshOp>(x);
  });
}

LogicalResult CoshOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                             SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value x, Value) {
    return r.unary<SinhOp>(x);
  });
}

/// asin, acos, atan, asinh, acosh, atanh: the derivative is
/// sign / sqrt(s * (x^2 + c)) or sign / (s * (x^2 + c)).
static Value inverseDerivative(RuleBuilder &r, Value x, double sign,
                               double square, double constant, bool root) {
  Value q = r.add(r.mul(r.mul(x, x), square), r.scalarLike(x, constant));
  Value inv = root ? r.unary<RsqrtOp>(q) : r.div(r.scalarLike(x, 1.0), q);
  return sign < 0 ? r.neg(inv) : inv;
}

LogicalResult AsinOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                             SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value x, Value) {
    return inverseDerivative(r, x, 1, -1, 1, /*root=*/true);
  });
}

LogicalResult AcosOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                             SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value x, Value) {
    return inverseDerivative(r, x, -1, -1, 1, /*root=*/true);
  });
}

LogicalResult AtanOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                             SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value x, Value) {
    return inverseDerivative(r, x, 1, 1, 1, /*root=*/false);
  });
}

LogicalResult AsinhOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                              SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value x, Value) {
    return inverseDerivative(r, x, 1, 1, 1, /*root=*/true);
  });
}

LogicalResult AcoshOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                              SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value x, Value) {
    return inverseDerivative(r, x, 1, 1, -1, /*root=*/true);
  });
}

LogicalResult AtanhOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                              SmallVectorImpl<Value> &out) {
  return unaryRule(*this, b, cot, out, [](RuleBuilder &r, Value x, Value) {
    return inverseDerivative(r, x, 1, -1, 1, /*root=*/false);
  });
}

//===----------------------------------------------------------------------===//
// Selection and conversion
//===----------------------------------------------------------------------===//

LogicalResult WhereOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                              SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  if (!isFloatTensor(getOnTrue())) {
    out.append(3, Value());
    return success();
  }
  Value zero = r.scalarLike(cot[0], 0.0);
  out.push_back(Value()); // the mask
  out.push_back(r.sumToShape(r.select(getCondition(), cot[0], zero),
                             typeOf(getOnTrue())));
  out.push_back(r.sumToShape(r.select(getCondition(), zero, cot[0]),
                             typeOf(getOnFalse())));
  return success();
}

LogicalResult CastOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                             SmallVectorImpl<Value> &out) {
  // Only float-to-float casts carry a gradient; integer values never do.
  if (!isFloatTensor(getInput()) || !isFloatTensor(getResult())) {
    out.push_back(Value());
    return success();
  }
  out.push_back(CastOp::create(b, getLoc(), getInput().getType(), cot[0]));
  return success();
}

//===----------------------------------------------------------------------===//
// Contractions, convolution and pooling
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                               SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  if (!isFloatTensor(getLhs())) {
    out.append(2, Value());
    return success();
  }
  // C = A B: dA = dC B^T, dB = A^T dC, each summed over the batch dimensions
  // its operand was broadcast along.
  auto swapLast = [&](Value v) {
    int64_t rank = typeOf(v).getRank();
    SmallVector<int64_t> perm = iota(0, rank);
    std::swap(perm[rank - 1], perm[rank - 2]);
    return r.transpose(v, perm);
  };
  Value dLhs = MatmulOp::create(b, getLoc(), cot[0], swapLast(getRhs()));
  Value dRhs = MatmulOp::create(b, getLoc(), swapLast(getLhs()), cot[0]);
  out.push_back(r.sumToShape(dLhs, typeOf(getLhs())));
  out.push_back(r.sumToShape(dRhs, typeOf(getRhs())));
  return success();
}

LogicalResult Conv2DOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                               SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  Value g = cot[0];
  ArrayRef<int64_t> x = getInput().getType().getShape();
  ArrayRef<int64_t> w = getFilter().getType().getShape();
  ArrayRef<int64_t> y = getType().getShape();
  ArrayRef<int64_t> stride = getStrides(), pad = getPadding(),
                    dilation = getDilations();
  int64_t groups = getGroups();
  int64_t n = x[0], c = x[1], f = w[0];

  // Input: a stride-1 convolution of the stride-dilated cotangent with the
  // filter flipped spatially and its channel axes swapped within each
  // group. Along a spatial axis, dx[h] = sum_k z[h + p - k d] w[k] where z
  // holds g at multiples of the stride: padding z by d (K - 1) - p before and
  // H + p - len(z) after makes that a plain correlation with dilation d.
  SmallVector<int64_t> spread = {n, f, (y[2] - 1) * stride[0] + 1,
                                 (y[3] - 1) * stride[1] + 1};
  Value z =
      r.stridedEmbed(g, spread, {0, 0, 0, 0}, {1, 1, stride[0], stride[1]});
  SmallVector<int64_t> convPad(4, 0);
  for (int64_t i = 0; i < 2; ++i) {
    int64_t before = dilation[i] * (w[2 + i] - 1) - pad[i];
    int64_t after = x[2 + i] + pad[i] - spread[2 + i];
    // Positive amounts become the convolution's zero padding; negative ones
    // crop z.
    z = r.padOrCrop(z, 2 + i, std::min<int64_t>(before, 0),
                    std::min<int64_t>(after, 0));
    convPad[i] = std::max<int64_t>(before, 0);
    convPad[2 + i] = std::max<int64_t>(after, 0);
  }
  Value wt =
      r.reshape(getFilter(), {groups, f / groups, c / groups, w[2], w[3]});
  wt = r.transpose(wt, {0, 2, 1, 3, 4});
  wt = r.reshape(wt, {c, f / groups, w[2], w[3]});
  wt = r.reverse(r.reverse(wt, 2), 3);
  out.push_back(Conv2DOp::create(
      b, getLoc(), z, wt, b.getDenseI64ArrayAttr({1, 1}),
      b.getDenseI64ArrayAttr(convPad), b.getDenseI64ArrayAttr(dilation),
      b.getI64IntegerAttr(groups)));

  // Filter: dw[f, c, kh, kw] = sum_{n, oh, ow} g[n, f, oh, ow]
  // x[n, c', oh s + kh d - p, ...], a convolution over the batch with the
  // roles of stride and dilation swapped: the input's channels of group j
  // become channels [j N, (j + 1) N) of a batch of C / groups images, and g's
  // filters read them in the same grouping.
  Value xs = r.reshape(getInput(), {n, groups, c / groups, x[2], x[3]});
  xs = r.transpose(xs, {2, 1, 0, 3, 4});
  xs = r.reshape(xs, {c / groups, groups * n, x[2], x[3]});
  Value gs = r.transpose(g, {1, 0, 2, 3});
  Value dw = Conv2DOp::create(
      b, getLoc(), xs, gs, b.getDenseI64ArrayAttr(dilation),
      b.getDenseI64ArrayAttr(pad), b.getDenseI64ArrayAttr(stride),
      b.getI64IntegerAttr(groups));
  // The window may reach past the filter where the stride leaves rows of the
  // input unused; those positions are not filter taps.
  dw = r.slice(dw, {0, 0, 0, 0}, {c / groups, f, w[2], w[3]}, {1, 1, 1, 1});
  out.push_back(r.transpose(dw, {1, 0, 2, 3}));
  return success();
}

LogicalResult Pool2DOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                               SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  Value g = cot[0];
  ArrayRef<int64_t> x = getInput().getType().getShape();
  ArrayRef<int64_t> y = getType().getShape();
  ArrayRef<int64_t> kernel = getKernel(), stride = getStrides(),
                    pad = getPadding();
  SmallVector<int64_t> padded = {x[0], x[1], x[2] + pad[0] + pad[2],
                                 x[3] + pad[1] + pad[3]};
  SmallVector<int64_t> steps = {1, 1, stride[0], stride[1]};
  Type elementType = getType().getElementType();

  // Every window position (kh, kw) reads the padded input at
  // [kh + oh s, kw + ow s]; its share of the gradient goes back there.
  bool isMax = getKind() == PoolKind::max;
  Value xp;
  if (isMax) {
    // Padding never wins a max.
    double lowest = -std::numeric_limits<double>::infinity();
    xp = r.padOrCrop(getInput(), 2, pad[0], pad[2], lowest);
    xp = r.padOrCrop(xp, 3, pad[1], pad[3], lowest);
  } else {
    // The divisor of each window: all of it, or its part inside the input.
    SmallVector<double> counts;
    for (int64_t oh = 0; oh < y[2]; ++oh)
      for (int64_t ow = 0; ow < y[3]; ++ow) {
        auto inside = [&](int64_t o, int64_t i) {
          int64_t begin = o * stride[i] - pad[i];
          int64_t end = begin + kernel[i];
          return std::min(end, x[2 + i]) - std::max<int64_t>(begin, 0);
        };
        counts.push_back(getCountIncludePad() ? kernel[0] * kernel[1]
                                              : inside(oh, 0) * inside(ow, 1));
      }
    auto countType = RankedTensorType::get({y[2], y[3]}, b.getF64Type());
    Value divisor = ConstantOp::create(
        b, getLoc(), DenseElementsAttr::get(countType, ArrayRef(counts)));
    if (!elementType.isF64())
      divisor = CastOp::create(b, getLoc(),
                               RankedTensorType::get({y[2], y[3]}, elementType),
                               divisor);
    g = r.div(g, divisor);
  }
  Value dxp = r.full(RankedTensorType::get(padded, elementType), 0.0);
  Value taken; // windows whose maximum already got its gradient
  for (int64_t kh = 0; kh < kernel[0]; ++kh)
    for (int64_t kw = 0; kw < kernel[1]; ++kw) {
      SmallVector<int64_t> start = {0, 0, kh, kw};
      Value share = g;
      if (isMax) {
        SmallVector<int64_t> limit = {x[0], x[1],
                                      kh + (y[2] - 1) * stride[0] + 1,
                                      kw + (y[3] - 1) * stride[1] + 1};
        Value window = r.slice(xp, start, limit, steps);
        // Only the first maximum of a window gets the gradient, as in
        // PyTorch.
        Value wins = r.cmp(CmpPredicate::eq, window, getResult());
        if (taken) {
          Value fresh = NotOp::create(b, getLoc(), taken.getType(), taken);
          wins = AndOp::create(b, getLoc(), wins, fresh);
          taken = OrOp::create(b, getLoc(), taken, wins);
        } else {
          taken = wins;
        }
        share = r.select(wins, g, r.scalarLike(g, 0.0));
      }
      dxp = r.add(dxp, r.stridedEmbed(share, padded, start, steps));
    }
  out.push_back(r.slice(dxp, {0, 0, pad[0], pad[1]},
                        {x[0], x[1], pad[0] + x[2], pad[1] + x[3]},
                        {1, 1, 1, 1}));
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                               SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  if (!isFloatTensor(getInput())) {
    out.push_back(Value());
    return success();
  }
  ArrayRef<int64_t> shape = getInput().getType().getShape();
  SmallVector<int64_t> kept(shape);
  int64_t count = 1;
  for (int64_t axis : getAxes()) {
    kept[axis] = 1;
    count *= shape[axis];
  }
  // The result and its cotangent with the reduced axes kept as size 1, so
  // they broadcast against the input.
  Value g = r.reshape(cot[0], kept);
  Value y = r.reshape(getResult(), kept);
  switch (getKind()) {
  case ReduceKind::sum:
    out.push_back(r.broadcastTo(g, shape));
    break;
  case ReduceKind::mean:
    out.push_back(r.broadcastTo(r.mul(g, 1.0 / count), shape));
    break;
  case ReduceKind::max:
  case ReduceKind::min: {
    // Ties share the gradient equally, as PyTorch's amax/amin do.
    Value hit = r.cmp(CmpPredicate::eq, getInput(), y);
    Value hits = CastOp::create(
        b, getLoc(), RankedTensorType::get(shape, typeOf(g).getElementType()),
        hit);
    Value ties = r.sum(hits, getAxes());
    out.push_back(r.mul(hits, r.div(g, ties)));
    break;
  }
  case ReduceKind::prod:
    // d(prod x)/dx_i = prod / x_i, defined for nonzero inputs.
    out.push_back(r.div(r.mul(g, y), getInput()));
    break;
  }
  return success();
}

LogicalResult SoftmaxOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                                SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  // dx = y (g - sum(g y)).
  Value y = getResult();
  Value dot = r.sum(r.mul(cot[0], y), {static_cast<int64_t>(getAxis())});
  out.push_back(r.mul(y, r.sub(cot[0], dot)));
  return success();
}

LogicalResult
LogSoftmaxOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                     SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  // dx = g - softmax(x) sum(g).
  Value total = r.sum(cot[0], {static_cast<int64_t>(getAxis())});
  out.push_back(r.sub(cot[0], r.mul(r.unary<ExpOp>(getResult()), total)));
  return success();
}

LogicalResult LayerNormOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                                  SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  Value x = getInput(), g = cot[0];
  SmallVector<int64_t> axes = iota(getAxis(), typeOf(x).getRank());
  // Recompute the normalized input xhat = (x - mean) * rstd.
  Value centered = r.sub(x, r.mean(x, axes));
  Value variance = r.mean(r.mul(centered, centered), axes);
  Value rstd = r.unary<RsqrtOp>(
      r.add(variance, r.scalarLike(x, getEpsilon().convertToDouble())));
  Value xhat = r.mul(centered, rstd);
  // dx = rstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)).
  Value dxhat = r.mul(g, getScale());
  Value dx = r.mul(rstd, r.sub(r.sub(dxhat, r.mean(dxhat, axes)),
                               r.mul(xhat, r.mean(r.mul(dxhat, xhat), axes))));
  out.push_back(dx);
  out.push_back(r.sumToShape(r.mul(g, xhat), getScale().getType()));
  out.push_back(r.sumToShape(g, getBias().getType()));
  return success();
}

LogicalResult RmsNormOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                                SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  Value x = getInput(), g = cot[0];
  SmallVector<int64_t> axes = iota(getAxis(), typeOf(x).getRank());
  Value rms =
      r.unary<RsqrtOp>(r.add(r.mean(r.mul(x, x), axes),
                             r.scalarLike(x, getEpsilon().convertToDouble())));
  // y = x rms scale: dx = rms (dxs - x rms^2 mean(dxs x)), dxs = g scale.
  Value dxs = r.mul(g, getScale());
  Value dx = r.mul(rms, r.sub(dxs, r.mul(r.mul(x, r.mul(rms, rms)),
                                         r.mean(r.mul(dxs, x), axes))));
  out.push_back(dx);
  out.push_back(r.sumToShape(r.mul(g, r.mul(x, rms)), getScale().getType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                                SmallVectorImpl<Value> &out) {
  out.push_back(
      rule(b, *this).reshape(cot[0], getInput().getType().getShape()));
  return success();
}

LogicalResult TransposeOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                                  SmallVectorImpl<Value> &out) {
  ArrayRef<int64_t> perm = getPermutation();
  SmallVector<int64_t> inverse(perm.size());
  for (auto [i, p] : llvm::enumerate(perm))
    inverse[p] = i;
  out.push_back(rule(b, *this).transpose(cot[0], inverse));
  return success();
}

LogicalResult BroadcastOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                                  SmallVectorImpl<Value> &out) {
  out.push_back(rule(b, *this).sumToShape(cot[0], getInput().getType()));
  return success();
}

LogicalResult ConcatOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                               SmallVectorImpl<Value> &out) {
  RuleBuilder r = rule(b, *this);
  int64_t axis = getAxis(), offset = 0;
  ArrayRef<int64_t> shape = getType().getShape();
  for (Value input : getInputs()) {
    int64_t size = typeOf(input).getDimSize(axis);
    SmallVector<int64_t> start(shape.size(), 0), limit(shape),
        step(shape.size(), 1);
    start[axis] = offset;
    limit[axis] = offset + size;
    offset += size;
    out.push_back(isFloatTensor(input) ? r.slice(cot[0], start, limit, step)
                                       : Value());
  }
  return success();
}

LogicalResult SliceOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                              SmallVectorImpl<Value> &out) {
  out.push_back(rule(b, *this).stridedEmbed(
      cot[0], getInput().getType().getShape(), getStart(), getStep()));
  return success();
}

LogicalResult GatherOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                               SmallVectorImpl<Value> &out) {
  out.push_back(ScatterAddOp::create(b, getLoc(), getData().getType(), cot[0],
                                     getIndices(), getAxisAttr()));
  out.push_back(Value()); // the indices
  return success();
}

LogicalResult
ScatterAddOp::buildOperandCotangents(OpBuilder &b, ValueRange cot,
                                     SmallVectorImpl<Value> &out) {
  out.push_back(GatherOp::create(b, getLoc(), getUpdates().getType(), cot[0],
                                 getIndices(), getAxisAttr()));
  out.push_back(Value()); // the indices
  return success();
}
