// Constant folding: an op whose operands are all born.constant folds to a
// born.constant. Frontends rely on it to turn shape computations (ONNX
// Shape -> Gather -> Concat -> Reshape on i64) into static shapes.
#include "dialects/born/IR/BornOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "llvm/ADT/APSInt.h"

#include <variant>

using namespace mlir;
using namespace born;

namespace {
/// Folds never produce more elements than this: they copy values into the
/// IR, which must stay small and never duplicate weights.
constexpr int64_t kMaxFoldedElements = 1 << 16;

/// One element of a constant: APFloat for floats, APInt for integers and i1.
using Scalar = std::variant<APInt, APFloat>;
using MaybeScalar = std::optional<Scalar>;

const APInt &intOf(const Scalar &s) { return std::get<APInt>(s); }
const APFloat &floatOf(const Scalar &s) { return std::get<APFloat>(s); }
bool isFloat(const Scalar &s) { return std::holds_alternative<APFloat>(s); }

/// The operand's constant value, or null when it is not a small dense
/// constant (a fold must not read a whole weights-sized resource).
DenseElementsAttr constantOf(Attribute attr) {
  auto dense = dyn_cast_if_present<DenseElementsAttr>(attr);
  if (!dense || (!dense.isSplat() && dense.getNumElements() > kMaxFoldedElements))
    return {};
  return dense;
}

Scalar elementAt(DenseElementsAttr attr, int64_t linear) {
  if (attr.isSplat())
    linear = 0;
  if (isa<FloatType>(attr.getElementType()))
    return *(attr.value_begin<APFloat>() + linear);
  return *(attr.value_begin<APInt>() + linear);
}

/// The row-major position in `shape` of `index`, read with NumPy
/// broadcasting: `index` may have more (leading) dimensions, which are
/// dropped, and dimensions of size 1 always read position 0.
int64_t linearIndex(ArrayRef<int64_t> shape, ArrayRef<int64_t> index) {
  int64_t linear = 0;
  size_t offset = index.size() - shape.size();
  for (auto [d, size] : llvm::enumerate(shape))
    linear = linear * size + (size == 1 ? 0 : index[offset + d]);
  return linear;
}

/// Calls `fn` on every index of `shape`, in row-major order.
void forEachIndex(ArrayRef<int64_t> shape,
                  function_ref<void(ArrayRef<int64_t>)> fn) {
  int64_t count = ShapedType::getNumElements(shape);
  SmallVector<int64_t> index(shape.size(), 0);
  for (int64_t i = 0; i < count; ++i) {
    fn(index);
    for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
  }
}

/// A constant of `type` whose element at each index is `element(index)`;
/// null when it is too large or `element` gives up on an index.
DenseElementsAttr
buildConstant(ShapedType type,
              function_ref<MaybeScalar(ArrayRef<int64_t>)> element) {
  if (type.getNumElements() > kMaxFoldedElements)
    return {};
  bool floats = isa<FloatType>(type.getElementType());
  SmallVector<APInt> ints;
  SmallVector<APFloat> fps;
  bool failed = false;
  forEachIndex(type.getShape(), [&](ArrayRef<int64_t> index) {
    if (failed)
      return;
    MaybeScalar v = element(index);
    if (!v || isFloat(*v) != floats) {
      failed = true;
      return;
    }
    if (floats)
      fps.push_back(floatOf(*v));
    else
      ints.push_back(intOf(*v));
  });
  if (failed)
    return {};
  return floats ? DenseElementsAttr::get(type, fps)
                : DenseElementsAttr::get(type, ints);
}

/// Folds an elementwise op: `fn` maps the operands' elements at one index of
/// the (broadcast) result to the result's element.
OpFoldResult foldElementwise(Operation *op, ArrayRef<Attribute> operands,
                             function_ref<MaybeScalar(ArrayRef<Scalar>)> fn) {
  SmallVector<DenseElementsAttr> constants;
  for (Attribute attr : operands) {
    constants.push_back(constantOf(attr));
    if (!constants.back())
      return {};
  }
  SmallVector<Scalar> args;
  return buildConstant(
      cast<ShapedType>(op->getResult(0).getType()),
      [&](ArrayRef<int64_t> index) {
        args.clear();
        for (DenseElementsAttr c : constants)
          args.push_back(
              elementAt(c, linearIndex(c.getType().getShape(), index)));
        return fn(args);
      });
}

using FloatFn2 = function_ref<MaybeScalar(const APFloat &, const APFloat &)>;
using IntFn2 = function_ref<MaybeScalar(const APInt &, const APInt &)>;
using FloatFn1 = function_ref<MaybeScalar(const APFloat &)>;
using IntFn1 = function_ref<MaybeScalar(const APInt &)>;

MaybeScalar noFloats(const APFloat &, const APFloat &) { return std::nullopt; }

OpFoldResult foldBinary(Operation *op, ArrayRef<Attribute> operands,
                        FloatFn2 floatFn, IntFn2 intFn) {
  return foldElementwise(op, operands, [&](ArrayRef<Scalar> x) {
    if (isFloat(x[0]))
      return floatFn(floatOf(x[0]), floatOf(x[1]));
    return intFn(intOf(x[0]), intOf(x[1]));
  });
}

OpFoldResult foldUnary(Operation *op, ArrayRef<Attribute> operands,
                       FloatFn1 floatFn, IntFn1 intFn) {
  return foldElementwise(op, operands, [&](ArrayRef<Scalar> x) {
    if (isFloat(x[0]))
      return floatFn(floatOf(x[0]));
    return intFn(intOf(x[0]));
  });
}

/// Integer division and remainder are undefined for a zero divisor and for
/// INT_MIN / -1: those are left to run time.
bool divisionIsDefined(const APInt &a, const APInt &b) {
  return !b.isZero() && !(a.isMinSignedValue() && b.isAllOnes());
}

/// `x` converted with born.cast's rules; nullopt where the result is
/// undefined (NaN or out-of-range floats to integers).
MaybeScalar convert(const Scalar &x, Type to) {
  auto toFloat = dyn_cast<FloatType>(to);
  unsigned width = to.getIntOrFloatBitWidth();
  if (isFloat(x)) {
    const APFloat &f = floatOf(x);
    if (toFloat) {
      APFloat r = f;
      bool lost;
      r.convert(toFloat.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &lost);
      return r;
    }
    if (width == 1)
      return APInt(1, !f.isZero());
    APSInt r(width, /*isUnsigned=*/false);
    bool exact;
    if (f.convertToInteger(r, APFloat::rmTowardZero, &exact) ==
        APFloat::opInvalidOp)
      return std::nullopt;
    return APInt(r);
  }
  const APInt &i = intOf(x);
  bool isBool = i.getBitWidth() == 1; // true is 1, not -1
  if (toFloat) {
    APFloat r(toFloat.getFloatSemantics());
    r.convertFromAPInt(i, /*IsSigned=*/!isBool, APFloat::rmNearestTiesToEven);
    return r;
  }
  if (width == 1)
    return APInt(1, !i.isZero());
  return isBool ? i.zext(width) : i.sextOrTrunc(width);
}
} // namespace

Operation *BornDialect::materializeConstant(OpBuilder &builder,
                                            Attribute value, Type type,
                                            Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

OpFoldResult AddOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> MaybeScalar { return a + b; },
      [](const APInt &a, const APInt &b) -> MaybeScalar { return a + b; });
}

OpFoldResult SubOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> MaybeScalar { return a - b; },
      [](const APInt &a, const APInt &b) -> MaybeScalar { return a - b; });
}

OpFoldResult MulOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> MaybeScalar { return a * b; },
      [](const APInt &a, const APInt &b) -> MaybeScalar { return a * b; });
}

OpFoldResult DivOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> MaybeScalar { return a / b; },
      [](const APInt &a, const APInt &b) -> MaybeScalar {
        if (!divisionIsDefined(a, b))
          return std::nullopt;
        return a.sdiv(b); // truncates toward zero
      });
}

OpFoldResult RemOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> MaybeScalar {
        APFloat r = a;
        r.mod(b); // C fmod: the sign of a
        return r;
      },
      [](const APInt &a, const APInt &b) -> MaybeScalar {
        if (!divisionIsDefined(a, b))
          return std::nullopt;
        return a.srem(b);
      });
}

OpFoldResult MaxOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> MaybeScalar {
        return llvm::maximum(a, b); // NaN propagates
      },
      [](const APInt &a, const APInt &b) -> MaybeScalar {
        return llvm::APIntOps::smax(a, b);
      });
}

OpFoldResult MinOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(),
      [](const APFloat &a, const APFloat &b) -> MaybeScalar {
        return llvm::minimum(a, b);
      },
      [](const APInt &a, const APInt &b) -> MaybeScalar {
        return llvm::APIntOps::smin(a, b);
      });
}

// On i1 the bitwise operations are the logical ones.
OpFoldResult AndOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), noFloats,
      [](const APInt &a, const APInt &b) -> MaybeScalar { return a & b; });
}
OpFoldResult OrOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), noFloats,
      [](const APInt &a, const APInt &b) -> MaybeScalar { return a | b; });
}
OpFoldResult XorOp::fold(FoldAdaptor adaptor) {
  return foldBinary(
      *this, adaptor.getOperands(), noFloats,
      [](const APInt &a, const APInt &b) -> MaybeScalar { return a ^ b; });
}

OpFoldResult NotOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getOperands(),
      [](const APFloat &) -> MaybeScalar { return std::nullopt; },
      [](const APInt &a) -> MaybeScalar { return ~a; });
}

OpFoldResult NegOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getOperands(),
      [](const APFloat &a) -> MaybeScalar { return llvm::neg(a); },
      [](const APInt &a) -> MaybeScalar { return -a; });
}

OpFoldResult AbsOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getOperands(),
      [](const APFloat &a) -> MaybeScalar { return llvm::abs(a); },
      [](const APInt &a) -> MaybeScalar { return a.abs(); });
}

OpFoldResult SignOp::fold(FoldAdaptor adaptor) {
  return foldUnary(
      *this, adaptor.getOperands(),
      [](const APFloat &a) -> MaybeScalar {
        if (a.isNaN() || a.isZero())
          return a;
        return APFloat::getOne(a.getSemantics(), a.isNegative());
      },
      [](const APInt &a) -> MaybeScalar {
        unsigned w = a.getBitWidth();
        if (a.isNegative())
          return APInt::getAllOnes(w);
        return APInt(w, a.isZero() ? 0 : 1);
      });
}

OpFoldResult CmpOp::fold(FoldAdaptor adaptor) {
  CmpPredicate predicate = getPredicate();
  return foldElementwise(
      *this, adaptor.getOperands(), [&](ArrayRef<Scalar> x) -> MaybeScalar {
        bool lt, eq, gt; // unordered (NaN) is none of them
        if (isFloat(x[0])) {
          APFloat::cmpResult c = floatOf(x[0]).compare(floatOf(x[1]));
          lt = c == APFloat::cmpLessThan;
          eq = c == APFloat::cmpEqual;
          gt = c == APFloat::cmpGreaterThan;
        } else {
          const APInt &a = intOf(x[0]), &b = intOf(x[1]);
          lt = a.slt(b);
          eq = a == b;
          gt = a.sgt(b);
        }
        switch (predicate) {
        case CmpPredicate::eq:
          return APInt(1, eq);
        case CmpPredicate::ne:
          return APInt(1, !eq);
        case CmpPredicate::lt:
          return APInt(1, lt);
        case CmpPredicate::le:
          return APInt(1, lt || eq);
        case CmpPredicate::gt:
          return APInt(1, gt);
        case CmpPredicate::ge:
          return APInt(1, gt || eq);
        }
        llvm_unreachable("unknown comparison predicate");
      });
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  return foldElementwise(*this, adaptor.getOperands(),
                         [](ArrayRef<Scalar> x) -> MaybeScalar {
                           return intOf(x[0]).getBoolValue() ? x[1] : x[2];
                         });
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  Type to = getType().getElementType();
  return foldElementwise(
      *this, adaptor.getOperands(),
      [&](ArrayRef<Scalar> x) { return convert(x[0], to); });
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

OpFoldResult ReduceOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr input = constantOf(adaptor.getInput());
  if (!input || getType().getNumElements() > kMaxFoldedElements)
    return {};
  ArrayRef<int64_t> axes = getAxes();
  ReduceKind kind = getKind();
  auto combine = [&](const Scalar &a, const Scalar &b) -> Scalar {
    if (isFloat(a)) {
      const APFloat &x = floatOf(a), &y = floatOf(b);
      if (kind == ReduceKind::max)
        return llvm::maximum(x, y);
      if (kind == ReduceKind::min)
        return llvm::minimum(x, y);
      if (kind == ReduceKind::prod)
        return x * y;
      return x + y;
    }
    const APInt &x = intOf(a), &y = intOf(b);
    if (kind == ReduceKind::max)
      return llvm::APIntOps::smax(x, y);
    if (kind == ReduceKind::min)
      return llvm::APIntOps::smin(x, y);
    if (kind == ReduceKind::prod)
      return x * y;
    return x + y;
  };
  // Accumulate each input element into its result element: the input index
  // without the reduced axes (zeroed under keepdims, where they have size 1).
  ArrayRef<int64_t> resultShape = getType().getShape();
  SmallVector<MaybeScalar> acc(getType().getNumElements());
  SmallVector<int64_t> resultIndex;
  int64_t position = 0;
  forEachIndex(input.getType().getShape(), [&](ArrayRef<int64_t> index) {
    resultIndex.clear();
    for (auto [d, i] : llvm::enumerate(index)) {
      if (!llvm::is_contained(axes, static_cast<int64_t>(d)))
        resultIndex.push_back(i);
      else if (getKeepdims())
        resultIndex.push_back(0);
    }
    MaybeScalar &slot = acc[linearIndex(resultShape, resultIndex)];
    Scalar x = elementAt(input, position++);
    slot = slot ? combine(*slot, x) : x;
  });
  int64_t count = input.getNumElements() / std::max<int64_t>(acc.size(), 1);
  return buildConstant(getType(), [&](ArrayRef<int64_t> index) -> MaybeScalar {
    MaybeScalar v = acc[linearIndex(resultShape, index)];
    if (!v || kind != ReduceKind::mean) // empty reductions are not folded
      return v;
    if (!isFloat(*v))
      return Scalar(intOf(*v).sdiv(APInt(intOf(*v).getBitWidth(), count)));
    APFloat n(floatOf(*v).getSemantics());
    n.convertFromAPInt(APInt(64, count), /*IsSigned=*/false,
                       APFloat::rmNearestTiesToEven);
    return floatOf(*v) / n;
  });
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (DenseElementsAttr input = constantOf(adaptor.getInput()))
    return input.reshape(getType());
  return {};
}

OpFoldResult BroadcastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return foldElementwise(*this, adaptor.getOperands(),
                         [](ArrayRef<Scalar> x) { return x[0]; });
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr input = constantOf(adaptor.getInput());
  if (!input)
    return {};
  ArrayRef<int64_t> perm = getPermutation();
  SmallVector<int64_t> inputIndex(perm.size());
  return buildConstant(getType(), [&](ArrayRef<int64_t> index) -> MaybeScalar {
    for (auto [i, p] : llvm::enumerate(perm))
      inputIndex[p] = index[i];
    return elementAt(input, linearIndex(input.getType().getShape(), inputIndex));
  });
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr input = constantOf(adaptor.getInput());
  if (!input)
    return {};
  ArrayRef<int64_t> start = getStart(), step = getStep();
  SmallVector<int64_t> inputIndex(start.size());
  return buildConstant(getType(), [&](ArrayRef<int64_t> index) -> MaybeScalar {
    for (size_t d = 0; d < start.size(); ++d)
      inputIndex[d] = start[d] + index[d] * step[d];
    return elementAt(input, linearIndex(input.getType().getShape(), inputIndex));
  });
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  SmallVector<DenseElementsAttr> inputs;
  for (Attribute attr : adaptor.getInputs()) {
    inputs.push_back(constantOf(attr));
    if (!inputs.back())
      return {};
  }
  int64_t axis = getAxis();
  SmallVector<int64_t> inputIndex;
  return buildConstant(getType(), [&](ArrayRef<int64_t> index) -> MaybeScalar {
    inputIndex.assign(index.begin(), index.end());
    for (DenseElementsAttr input : inputs) {
      ArrayRef<int64_t> shape = input.getType().getShape();
      if (inputIndex[axis] < shape[axis])
        return elementAt(input, linearIndex(shape, inputIndex));
      inputIndex[axis] -= shape[axis];
    }
    return std::nullopt;
  });
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  DenseElementsAttr data = constantOf(adaptor.getData());
  DenseElementsAttr indices = constantOf(adaptor.getIndices());
  if (!data || !indices)
    return {};
  int64_t axis = getAxis();
  size_t indicesRank = indices.getType().getRank();
  ArrayRef<int64_t> dataShape = data.getType().getShape();
  int64_t size = dataShape[axis];
  if (size == 0)
    return {};
  SmallVector<int64_t> dataIndex;
  return buildConstant(getType(), [&](ArrayRef<int64_t> index) -> MaybeScalar {
    ArrayRef<int64_t> outer = index.slice(axis, indicesRank);
    int64_t i = intOf(elementAt(
                          indices, linearIndex(indices.getType().getShape(),
                                               outer)))
                    .getSExtValue();
    // As the lowering: negative indices count from the end, then clamp.
    if (i < 0)
      i += size;
    i = std::clamp<int64_t>(i, 0, size - 1);
    dataIndex.assign(index.begin(), index.begin() + axis);
    dataIndex.push_back(i);
    dataIndex.append(index.begin() + axis + indicesRank, index.end());
    return elementAt(data, linearIndex(dataShape, dataIndex));
  });
}
