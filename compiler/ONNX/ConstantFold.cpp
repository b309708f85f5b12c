//===- ConstantFold.cpp - Evaluating born ops on constants ----------------===//
//
// Values are held as int64 (integers and i1) or double (floats) and rounded
// to the result's element type at the end: for the f32/f16 arithmetic below
// (+, -, *, /) a double result rounded once equals the correctly rounded
// narrow result, so folding matches what the compiled code computes.
//
//===----------------------------------------------------------------------===//
#include "compiler/ONNX/ConstantFold.h"

#include "dialects/born/IR/BornOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <optional>
#include <vector>

using namespace mlir;
using llvm::ArrayRef;
using llvm::SmallVector;

namespace born::onnx {
namespace {

/// Results larger than this stay ops (the importer keeps integer
/// initializers up to this size in the IR too).
constexpr int64_t kMaxFoldedElements = 4096;

struct Tensor {
  SmallVector<int64_t> shape;
  bool isFloat = false;
  std::vector<int64_t> ints;
  std::vector<double> floats;

  int64_t size() const { return isFloat ? floats.size() : ints.size(); }
};

int64_t numElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::optional<Tensor> read(Value v) {
  auto c = v.getDefiningOp<ConstantOp>();
  if (!c)
    return std::nullopt;
  auto attr = dyn_cast<DenseElementsAttr>(c.getValue());
  if (!attr || attr.getNumElements() > kMaxFoldedElements)
    return std::nullopt;
  Tensor t;
  t.shape.assign(attr.getType().getShape().begin(),
                 attr.getType().getShape().end());
  Type et = attr.getElementType();
  if (isa<FloatType>(et)) {
    t.isFloat = true;
    for (const APFloat &x : attr.getValues<APFloat>()) {
      bool lost;
      APFloat d = x;
      d.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
      t.floats.push_back(d.convertToDouble());
    }
  } else if (et.isSignlessInteger()) {
    for (const APInt &x : attr.getValues<APInt>())
      t.ints.push_back(x.getBitWidth() == 1 ? int64_t(x.getZExtValue())
                                            : x.getSExtValue());
  } else {
    return std::nullopt;
  }
  return t;
}

DenseElementsAttr write(const Tensor &t, RankedTensorType type) {
  Type et = type.getElementType();
  if (auto f = dyn_cast<FloatType>(et)) {
    if (!t.isFloat)
      return {};
    SmallVector<APFloat> values;
    for (double x : t.floats) {
      APFloat v(x);
      bool lost;
      v.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      values.push_back(v);
    }
    return DenseElementsAttr::get(type, values);
  }
  if (t.isFloat || !et.isSignlessInteger())
    return {};
  unsigned width = et.getIntOrFloatBitWidth();
  SmallVector<APInt> values;
  for (int64_t x : t.ints)
    values.push_back(APInt(64, uint64_t(x)).trunc(width));
  return DenseElementsAttr::get(type, values);
}

/// Row-major strides.
SmallVector<int64_t> strides(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> s(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/// The linear index into `from` (broadcast NumPy style) of element `index`
/// of a tensor of shape `to`.
int64_t broadcastIndex(int64_t index, ArrayRef<int64_t> to,
                       ArrayRef<int64_t> from) {
  SmallVector<int64_t> fromStrides = strides(from);
  int64_t offset = to.size() - from.size(), result = 0;
  for (int64_t d = to.size() - 1; d >= 0; --d) {
    int64_t i = index % to[d];
    index /= to[d];
    if (d >= offset && from[d - offset] != 1)
      result += i * fromStrides[d - offset];
  }
  return result;
}

/// A tensor of `shape` whose element i is `f(i)`, as int or float.
template <typename F>
Tensor generate(ArrayRef<int64_t> shape, bool isFloat, F f) {
  Tensor t;
  t.shape.assign(shape.begin(), shape.end());
  t.isFloat = isFloat;
  int64_t n = numElements(shape);
  for (int64_t i = 0; i < n; ++i) {
    if (isFloat)
      t.floats.push_back(f(i).floats);
    else
      t.ints.push_back(f(i).ints);
  }
  return t;
}

struct Scalar {
  int64_t ints = 0;
  double floats = 0;
};

Scalar at(const Tensor &t, int64_t i) {
  return t.isFloat ? Scalar{0, t.floats[i]} : Scalar{t.ints[i], 0};
}

/// Element `i` of `t` moved to another linear index (gathers of all kinds).
std::optional<Tensor> permuteElements(const Tensor &t, ArrayRef<int64_t> shape,
                                      llvm::function_ref<int64_t(int64_t)> src) {
  return generate(shape, t.isFloat, [&](int64_t i) { return at(t, src(i)); });
}

std::optional<Tensor> binary(Operation *op, const Tensor &a, const Tensor &b,
                             ArrayRef<int64_t> shape) {
  if (a.isFloat != b.isFloat)
    return std::nullopt;
  bool isFloat = a.isFloat, ok = true;
  // Comparisons produce i1, held as ints.
  bool resultIsFloat = isFloat && !isa<CmpOp>(op);
  Tensor t = generate(shape, resultIsFloat, [&](int64_t i) -> Scalar {
    Scalar x = at(a, broadcastIndex(i, shape, a.shape));
    Scalar y = at(b, broadcastIndex(i, shape, b.shape));
    auto apply = [&](auto fi, auto ff) {
      return isFloat ? Scalar{0, ff(x.floats, y.floats)}
                     : Scalar{fi(x.ints, y.ints), 0};
    };
    return llvm::TypeSwitch<Operation *, Scalar>(op)
        .Case([&](AddOp) {
          return apply([](int64_t p, int64_t q) { return int64_t(uint64_t(p) + uint64_t(q)); },
                       [](double p, double q) { return p + q; });
        })
        .Case([&](SubOp) {
          return apply([](int64_t p, int64_t q) { return int64_t(uint64_t(p) - uint64_t(q)); },
                       [](double p, double q) { return p - q; });
        })
        .Case([&](MulOp) {
          return apply([](int64_t p, int64_t q) { return int64_t(uint64_t(p) * uint64_t(q)); },
                       [](double p, double q) { return p * q; });
        })
        .Case([&](DivOp) {
          // Integer division by zero (or INT64_MIN / -1) is left to run time.
          if (!isFloat && (y.ints == 0 || (y.ints == -1 && x.ints == INT64_MIN))) {
            ok = false;
            return Scalar{};
          }
          return apply([](int64_t p, int64_t q) { return p / q; },
                       [](double p, double q) { return p / q; });
        })
        .Case([&](MaxOp) {
          return apply([](int64_t p, int64_t q) { return std::max(p, q); },
                       [](double p, double q) {
                         return std::isnan(p) || std::isnan(q) ? NAN : std::max(p, q);
                       });
        })
        .Case([&](MinOp) {
          return apply([](int64_t p, int64_t q) { return std::min(p, q); },
                       [](double p, double q) {
                         return std::isnan(p) || std::isnan(q) ? NAN : std::min(p, q);
                       });
        })
        .Case([&](CmpOp cmp) {
          auto compare = [&](auto p, auto q) -> int64_t {
            switch (cmp.getPredicate()) {
            case CmpPredicate::eq: return p == q;
            case CmpPredicate::ne: return p != q;
            case CmpPredicate::lt: return p < q;
            case CmpPredicate::le: return p <= q;
            case CmpPredicate::gt: return p > q;
            case CmpPredicate::ge: return p >= q;
            }
            return 0;
          };
          return Scalar{isFloat ? compare(x.floats, y.floats)
                                : compare(x.ints, y.ints), 0};
        })
        .Default([&](Operation *) {
          ok = false;
          return Scalar{};
        });
  });
  if (!ok)
    return std::nullopt;
  return t;
}

std::optional<Tensor> cast(const Tensor &t, Type to) {
  Tensor r = t;
  if (isa<FloatType>(to)) {
    if (!t.isFloat) {
      r.isFloat = true;
      r.ints.clear();
      for (int64_t x : t.ints)
        r.floats.push_back(double(x));
    }
    return r; // `write` rounds to the destination type
  }
  if (to.isInteger(1)) {
    r.isFloat = false;
    r.ints.clear();
    r.floats.clear();
    for (int64_t i = 0; i < t.size(); ++i)
      r.ints.push_back(t.isFloat ? t.floats[i] != 0 : t.ints[i] != 0);
    return r;
  }
  unsigned width = to.getIntOrFloatBitWidth();
  if (t.isFloat) {
    r.isFloat = false;
    r.floats.clear();
    for (double x : t.floats) {
      // Out of range (or NaN) conversions are undefined: not folded.
      double limit = std::ldexp(1.0, width - 1);
      if (!(std::trunc(x) >= -limit && std::trunc(x) < limit))
        return std::nullopt;
      r.ints.push_back(int64_t(std::trunc(x)));
    }
  }
  for (int64_t &x : r.ints) // sign-extend the truncation, as the IR holds it
    x = APInt(64, uint64_t(x)).trunc(width).getSExtValue();
  return r;
}

std::optional<Tensor> evaluate(Operation *op, ArrayRef<Tensor> in,
                               RankedTensorType type) {
  ArrayRef<int64_t> shape = type.getShape();
  if (isa<AddOp, SubOp, MulOp, DivOp, MaxOp, MinOp, CmpOp>(op))
    return binary(op, in[0], in[1], shape);
  if (isa<NegOp>(op))
    return generate(shape, in[0].isFloat, [&](int64_t i) {
      Scalar x = at(in[0], i);
      return Scalar{int64_t(0 - uint64_t(x.ints)), -x.floats};
    });
  if (isa<AbsOp>(op))
    return generate(shape, in[0].isFloat, [&](int64_t i) {
      Scalar x = at(in[0], i);
      return Scalar{x.ints < 0 ? int64_t(0 - uint64_t(x.ints)) : x.ints,
                    std::fabs(x.floats)};
    });
  if (isa<WhereOp>(op)) {
    if (in[1].isFloat != in[2].isFloat)
      return std::nullopt;
    return generate(shape, in[1].isFloat, [&](int64_t i) {
      bool c = in[0].ints[broadcastIndex(i, shape, in[0].shape)];
      const Tensor &t = c ? in[1] : in[2];
      return at(t, broadcastIndex(i, shape, t.shape));
    });
  }
  if (isa<CastOp>(op))
    return cast(in[0], type.getElementType());
  if (isa<ReshapeOp>(op)) {
    Tensor t = in[0];
    t.shape.assign(shape.begin(), shape.end());
    return t;
  }
  if (isa<BroadcastOp>(op))
    return permuteElements(in[0], shape, [&](int64_t i) {
      return broadcastIndex(i, shape, in[0].shape);
    });
  if (auto transpose = dyn_cast<TransposeOp>(op)) {
    ArrayRef<int64_t> perm = transpose.getPermutation();
    SmallVector<int64_t> inStrides = strides(in[0].shape);
    return permuteElements(in[0], shape, [&](int64_t i) {
      int64_t src = 0;
      for (int64_t d = shape.size() - 1; d >= 0; --d) {
        src += (i % shape[d]) * inStrides[perm[d]];
        i /= shape[d];
      }
      return src;
    });
  }
  if (auto slice = dyn_cast<SliceOp>(op)) {
    ArrayRef<int64_t> start = slice.getStart(), step = slice.getStep();
    SmallVector<int64_t> inStrides = strides(in[0].shape);
    return permuteElements(in[0], shape, [&](int64_t i) {
      int64_t src = 0;
      for (int64_t d = shape.size() - 1; d >= 0; --d) {
        src += (start[d] + (i % shape[d]) * step[d]) * inStrides[d];
        i /= shape[d];
      }
      return src;
    });
  }
  if (auto concat = dyn_cast<ConcatOp>(op)) {
    int64_t axis = concat.getAxis();
    bool isFloat = in[0].isFloat;
    for (const Tensor &t : in)
      if (t.isFloat != isFloat)
        return std::nullopt;
    return generate(shape, isFloat, [&](int64_t i) {
      // Split i into (outer, position along axis, inner).
      int64_t inner = numElements(shape.drop_front(axis + 1));
      int64_t outer = i / (inner * shape[axis]);
      int64_t pos = (i / inner) % shape[axis], rest = i % inner;
      for (const Tensor &t : in) {
        if (pos < t.shape[axis])
          return at(t, (outer * t.shape[axis] + pos) * inner + rest);
        pos -= t.shape[axis];
      }
      return Scalar{};
    });
  }
  if (auto gather = dyn_cast<GatherOp>(op)) {
    // result[outer, idx..., inner] = data[outer, index[idx...], inner];
    // negative indices count from the end, the rest clamp into range.
    const Tensor &data = in[0], &indices = in[1];
    int64_t axis = gather.getAxis(), n = data.shape[axis];
    int64_t inner = numElements(ArrayRef<int64_t>(data.shape).drop_front(axis + 1));
    int64_t numIdx = indices.size();
    return permuteElements(data, shape, [&](int64_t i) {
      int64_t rest = i % inner, idx = (i / inner) % numIdx;
      int64_t outer = i / (inner * numIdx);
      int64_t k = indices.ints[idx];
      if (k < 0)
        k += n;
      k = std::clamp<int64_t>(k, 0, n - 1);
      return (outer * n + k) * inner + rest;
    });
  }
  return std::nullopt;
}

} // namespace

DenseElementsAttr foldConstantOp(Operation *op) {
  if (op->getNumResults() != 1 || op->getNumOperands() == 0)
    return {};
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!type || !type.hasStaticShape() ||
      type.getNumElements() > kMaxFoldedElements)
    return {};
  SmallVector<Tensor> in;
  for (Value v : op->getOperands()) {
    std::optional<Tensor> t = read(v);
    if (!t)
      return {};
    in.push_back(std::move(*t));
  }
  std::optional<Tensor> result = evaluate(op, in, type);
  if (!result || result->size() != type.getNumElements())
    return {};
  return write(*result, type);
}

} // namespace born::onnx
