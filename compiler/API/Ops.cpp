//===- Ops.cpp - The graph API's operation functions ----------------------===//
//
// Each function checks that its operands are valid tensors of one graph,
// normalizes PyTorch-style arguments (negative axes, -1 in shapes, defaults)
// and creates one born op; the op's own shape inference and verifier decide
// whether the operands fit (Graph::finish turns a failure into an error).
//
//===----------------------------------------------------------------------===//

#include "compiler/API/Graph.h"

#include "dialects/born/IR/BornOps.h"
#include "mlir/IR/Builders.h"

using namespace mlir;

namespace born {
namespace {

/// One call of an operation function: finds the operands' graph and checks
/// them. Converts to false when an operand is invalid (the reason is recorded
/// already, or is recorded here).
class Call {
public:
  Call(llvm::StringRef api, llvm::ArrayRef<Tensor> operands) : api(api) {
    for (const Tensor &t : operands)
      if (t.graph()) {
        graph = t.graph();
        break;
      }
    ok = graph != nullptr;
    for (auto [i, t] : llvm::enumerate(operands)) {
      if (!ok)
        break;
      if (!t.graph())
        fail("operand " + llvm::Twine(i) + " is an empty Tensor");
      else if (t.graph() != graph)
        fail("operands come from different graphs");
      else if (!t.valid())
        ok = false;
    }
  }

  explicit operator bool() const { return ok; }

  /// The invalid tensor a failed call returns.
  Tensor failed() const { return graph ? graph->invalid() : Tensor(); }

  Tensor fail(const llvm::Twine &message) {
    ok = false;
    if (graph)
      graph->recordError(api + ": " + message);
    return failed();
  }

  /// Creates OpT with `resultType` (a placeholder where the op infers its
  /// type) and hands it to Graph::finish.
  template <typename OpT, typename... Args>
  Tensor make(Type resultType, Args &&...args) {
    OpBuilder &b = graph->builder();
    Location loc = NameLoc::get(b.getStringAttr(api));
    return graph->finish(
        OpT::create(b, loc, resultType, std::forward<Args>(args)...));
  }

  OpBuilder &builder() { return graph->builder(); }

  llvm::StringRef api;
  Graph *graph = nullptr;
  bool ok = false;
};

RankedTensorType typeOf(const Tensor &t) {
  return llvm::cast<RankedTensorType>(t.value().getType());
}

/// PyTorch's negative axes; out-of-range axes stay as given so that the op
/// reports them.
int64_t normalizeAxis(int64_t axis, int64_t rank) {
  return axis < 0 && axis + rank >= 0 ? axis + rank : axis;
}

SmallVector<int64_t> normalizeAxes(llvm::ArrayRef<int64_t> axes,
                                   int64_t rank) {
  SmallVector<int64_t> out;
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      out.push_back(i);
  for (int64_t a : axes)
    out.push_back(normalizeAxis(a, rank));
  return out;
}

template <typename OpT>
Tensor binary(llvm::StringRef api, const Tensor &a, const Tensor &b) {
  Call c(api, {a, b});
  if (!c)
    return c.failed();
  return c.make<OpT>(typeOf(a), a.value(), b.value());
}

template <typename OpT>
Tensor unary(llvm::StringRef api, const Tensor &x) {
  Call c(api, {x});
  if (!c)
    return c.failed();
  return c.make<OpT>(typeOf(x), x.value());
}

/// `value` as a rank-0 constant of `like`'s element type.
Tensor scalarLike(const Tensor &like, double value) {
  if (!like.valid())
    return like.graph() ? like.graph()->invalid() : Tensor();
  return like.graph()->scalar(value, typeOf(like).getElementType());
}

Tensor reduce(llvm::StringRef api, ReduceKind kind, const Tensor &x,
              llvm::ArrayRef<int64_t> axes, bool keepdims) {
  Call c(api, {x});
  if (!c)
    return c.failed();
  return c.make<ReduceOp>(typeOf(x), kind, x.value(),
                          normalizeAxes(axes, x.rank()), keepdims);
}

Tensor pool(llvm::StringRef api, PoolKind kind, const Tensor &x,
            const Pool2DOptions &options) {
  Call c(api, {x});
  if (!c)
    return c.failed();
  std::vector<int64_t> stride =
      options.stride.empty() ? options.kernel : options.stride;
  return c.make<Pool2DOp>(typeOf(x), kind, x.value(), options.kernel, stride,
                          options.padding, options.countIncludePad);
}

Pool2DOptions squarePool(int64_t kernel, int64_t stride, int64_t padding) {
  Pool2DOptions o;
  o.kernel = {kernel, kernel};
  o.stride = {stride ? stride : kernel, stride ? stride : kernel};
  o.padding = {padding, padding, padding, padding};
  return o;
}
} // namespace

Tensor Graph::invalid() { return Tensor(this, Value()); }

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

Tensor add(const Tensor &a, const Tensor &b) { return binary<AddOp>("add", a, b); }
Tensor sub(const Tensor &a, const Tensor &b) { return binary<SubOp>("sub", a, b); }
Tensor mul(const Tensor &a, const Tensor &b) { return binary<MulOp>("mul", a, b); }
Tensor div(const Tensor &a, const Tensor &b) { return binary<DivOp>("div", a, b); }
Tensor pow(const Tensor &a, const Tensor &b) { return binary<PowOp>("pow", a, b); }
Tensor pow(const Tensor &a, double exponent) {
  return pow(a, scalarLike(a, exponent));
}
Tensor maximum(const Tensor &a, const Tensor &b) {
  return binary<MaxOp>("maximum", a, b);
}
Tensor minimum(const Tensor &a, const Tensor &b) {
  return binary<MinOp>("minimum", a, b);
}

Tensor operator+(const Tensor &a, const Tensor &b) { return add(a, b); }
Tensor operator-(const Tensor &a, const Tensor &b) { return sub(a, b); }
Tensor operator*(const Tensor &a, const Tensor &b) { return mul(a, b); }
Tensor operator/(const Tensor &a, const Tensor &b) { return div(a, b); }
Tensor operator-(const Tensor &a) { return neg(a); }
Tensor operator+(const Tensor &a, double b) { return add(a, scalarLike(a, b)); }
Tensor operator-(const Tensor &a, double b) { return sub(a, scalarLike(a, b)); }
Tensor operator*(const Tensor &a, double b) { return mul(a, scalarLike(a, b)); }
Tensor operator/(const Tensor &a, double b) { return div(a, scalarLike(a, b)); }
Tensor operator+(double a, const Tensor &b) { return add(scalarLike(b, a), b); }
Tensor operator-(double a, const Tensor &b) { return sub(scalarLike(b, a), b); }
Tensor operator*(double a, const Tensor &b) { return mul(scalarLike(b, a), b); }
Tensor operator/(double a, const Tensor &b) { return div(scalarLike(b, a), b); }

Tensor neg(const Tensor &x) { return unary<NegOp>("neg", x); }
Tensor abs(const Tensor &x) { return unary<AbsOp>("abs", x); }
Tensor exp(const Tensor &x) { return unary<ExpOp>("exp", x); }
Tensor log(const Tensor &x) { return unary<LogOp>("log", x); }
Tensor sqrt(const Tensor &x) { return unary<SqrtOp>("sqrt", x); }
Tensor rsqrt(const Tensor &x) { return unary<RsqrtOp>("rsqrt", x); }
Tensor tanh(const Tensor &x) { return unary<TanhOp>("tanh", x); }
Tensor sigmoid(const Tensor &x) { return unary<SigmoidOp>("sigmoid", x); }
Tensor relu(const Tensor &x) { return unary<ReluOp>("relu", x); }
Tensor silu(const Tensor &x) { return unary<SiluOp>("silu", x); }
Tensor erf(const Tensor &x) { return unary<ErfOp>("erf", x); }
Tensor gelu(const Tensor &x, bool approximate) {
  Call c("gelu", {x});
  if (!c)
    return c.failed();
  return c.make<GeluOp>(typeOf(x), x.value(), approximate);
}

Tensor compare(Compare predicate, const Tensor &a, const Tensor &b) {
  Call c("compare", {a, b});
  if (!c)
    return c.failed();
  CmpPredicate p = CmpPredicate::eq;
  switch (predicate) {
  case Compare::Eq: p = CmpPredicate::eq; break;
  case Compare::Ne: p = CmpPredicate::ne; break;
  case Compare::Lt: p = CmpPredicate::lt; break;
  case Compare::Le: p = CmpPredicate::le; break;
  case Compare::Gt: p = CmpPredicate::gt; break;
  case Compare::Ge: p = CmpPredicate::ge; break;
  }
  return c.make<CmpOp>(typeOf(a), p, a.value(), b.value());
}
Tensor eq(const Tensor &a, const Tensor &b) { return compare(Compare::Eq, a, b); }
Tensor ne(const Tensor &a, const Tensor &b) { return compare(Compare::Ne, a, b); }
Tensor lt(const Tensor &a, const Tensor &b) { return compare(Compare::Lt, a, b); }
Tensor le(const Tensor &a, const Tensor &b) { return compare(Compare::Le, a, b); }
Tensor gt(const Tensor &a, const Tensor &b) { return compare(Compare::Gt, a, b); }
Tensor ge(const Tensor &a, const Tensor &b) { return compare(Compare::Ge, a, b); }

Tensor where(const Tensor &condition, const Tensor &onTrue,
             const Tensor &onFalse) {
  Call c("where", {condition, onTrue, onFalse});
  if (!c)
    return c.failed();
  return c.make<WhereOp>(typeOf(onTrue), condition.value(), onTrue.value(),
                         onFalse.value());
}

Tensor cast(const Tensor &x, DType dtype) {
  Call c("cast", {x});
  if (!c)
    return c.failed();
  return c.make<CastOp>(typeOf(x).clone(c.graph->elementType(dtype)),
                        x.value());
}

//===----------------------------------------------------------------------===//
// Contractions, convolution, pooling
//===----------------------------------------------------------------------===//

Tensor matmul(const Tensor &a, const Tensor &b) {
  return binary<MatmulOp>("matmul", a, b);
}

Tensor linear(const Tensor &x, const Tensor &weight, const Tensor &bias) {
  Tensor y = matmul(x, transpose(weight, -2, -1));
  return bias.graph() ? y + bias : y;
}

Tensor quantized_matmul(const Tensor &x, const Tensor &weight,
                        uint32_t ggmlType) {
  Call c("quantized_matmul", {x, weight});
  if (!c)
    return c.failed();
  std::optional<QuantType> type = symbolizeQuantType(ggmlType);
  if (!type)
    return c.fail("ggml type " + llvm::Twine(ggmlType) +
                  " has no quantized matmul (supported: F32, F16, BF16, "
                  "Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q2_K..Q8_K)");
  return c.make<QuantizedMatmulOp>(typeOf(x), *type, x.value(), weight.value());
}

Tensor dequantize(const Tensor &rows, uint32_t ggmlType) {
  Call c("dequantize", {rows});
  if (!c)
    return c.failed();
  std::optional<QuantType> type = symbolizeQuantType(ggmlType);
  if (!type)
    return c.fail("ggml type " + llvm::Twine(ggmlType) +
                  " has no block decoder (supported: Q4_0, Q4_1, Q5_0, "
                  "Q5_1, Q8_0, Q2_K..Q8_K)");
  return c.make<DequantizeOp>(typeOf(rows), *type, rows.value());
}

Tensor conv2d(const Tensor &input, const Tensor &filter,
              const Conv2DOptions &options, const Tensor &bias) {
  Call c("conv2d", {input, filter});
  if (!c)
    return c.failed();
  Tensor y = c.make<Conv2DOp>(typeOf(input), input.value(), filter.value(),
                              options.stride, options.padding,
                              options.dilation, options.groups);
  if (!bias.graph() || !y.valid())
    return y;
  if (bias.rank() != 1)
    return c.fail("bias must have rank 1 ([filters]), got " + bias.str());
  // [F] -> [1, F, 1, 1] so that it broadcasts over N, H and W.
  return y + reshape(bias, {1, bias.dim(0), 1, 1});
}

Tensor conv2d(const Tensor &input, const Tensor &filter, const Tensor &bias,
              int64_t stride, int64_t padding, int64_t dilation,
              int64_t groups) {
  Conv2DOptions o;
  o.stride = {stride, stride};
  o.padding = {padding, padding, padding, padding};
  o.dilation = {dilation, dilation};
  o.groups = groups;
  return conv2d(input, filter, o, bias);
}

Tensor max_pool2d(const Tensor &x, const Pool2DOptions &options) {
  return pool("max_pool2d", PoolKind::max, x, options);
}
Tensor avg_pool2d(const Tensor &x, const Pool2DOptions &options) {
  return pool("avg_pool2d", PoolKind::avg, x, options);
}
Tensor max_pool2d(const Tensor &x, int64_t kernel, int64_t stride,
                  int64_t padding) {
  return max_pool2d(x, squarePool(kernel, stride, padding));
}
Tensor avg_pool2d(const Tensor &x, int64_t kernel, int64_t stride,
                  int64_t padding, bool countIncludePad) {
  Pool2DOptions o = squarePool(kernel, stride, padding);
  o.countIncludePad = countIncludePad;
  return avg_pool2d(x, o);
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

Tensor sum(const Tensor &x, llvm::ArrayRef<int64_t> axes, bool keepdims) {
  return reduce("sum", ReduceKind::sum, x, axes, keepdims);
}
Tensor mean(const Tensor &x, llvm::ArrayRef<int64_t> axes, bool keepdims) {
  return reduce("mean", ReduceKind::mean, x, axes, keepdims);
}
Tensor amax(const Tensor &x, llvm::ArrayRef<int64_t> axes, bool keepdims) {
  return reduce("amax", ReduceKind::max, x, axes, keepdims);
}
Tensor amin(const Tensor &x, llvm::ArrayRef<int64_t> axes, bool keepdims) {
  return reduce("amin", ReduceKind::min, x, axes, keepdims);
}

Tensor argmax(const Tensor &x, int64_t axis, bool keepdims) {
  Call c("argmax", {x});
  if (!c)
    return c.failed();
  return c.make<ArgmaxOp>(typeOf(x), x.value(),
                          static_cast<uint64_t>(normalizeAxis(axis, x.rank())),
                          keepdims);
}

Tensor softmax(const Tensor &x, int64_t axis) {
  Call c("softmax", {x});
  if (!c)
    return c.failed();
  return c.make<SoftmaxOp>(
      typeOf(x), x.value(),
      c.builder().getI64IntegerAttr(normalizeAxis(axis, x.rank())));
}

Tensor log_softmax(const Tensor &x, int64_t axis) {
  Call c("log_softmax", {x});
  if (!c)
    return c.failed();
  return c.make<LogSoftmaxOp>(
      typeOf(x), x.value(),
      c.builder().getI64IntegerAttr(normalizeAxis(axis, x.rank())));
}

Tensor layer_norm(const Tensor &x, const Tensor &scale, const Tensor &bias,
                  double epsilon) {
  Call c("layer_norm", {x, scale, bias});
  if (!c)
    return c.failed();
  OpBuilder &b = c.builder();
  return c.make<LayerNormOp>(typeOf(x), x.value(), scale.value(), bias.value(),
                             b.getI64IntegerAttr(x.rank() - scale.rank()),
                             b.getF64FloatAttr(epsilon));
}

Tensor rms_norm(const Tensor &x, const Tensor &scale, double epsilon) {
  Call c("rms_norm", {x, scale});
  if (!c)
    return c.failed();
  OpBuilder &b = c.builder();
  return c.make<RmsNormOp>(typeOf(x), x.value(), scale.value(),
                           b.getI64IntegerAttr(x.rank() - scale.rank()),
                           b.getF64FloatAttr(epsilon));
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

Tensor reshape(const Tensor &x, llvm::ArrayRef<int64_t> shape) {
  Call c("reshape", {x});
  if (!c)
    return c.failed();
  SmallVector<int64_t> resolved(shape);
  int64_t known = 1, inferred = -1;
  for (auto [i, d] : llvm::enumerate(resolved)) {
    if (d == -1 && inferred < 0)
      inferred = i;
    else if (d < 0)
      return c.fail("shape " + shapeString(shape) +
                    " may hold one -1 and otherwise sizes >= 0");
    else
      known *= d;
  }
  if (inferred >= 0) {
    if (known == 0 || x.numElements() % known)
      return c.fail("cannot infer the -1 in " + shapeString(shape) + " for " +
                    x.str());
    resolved[inferred] = x.numElements() / known;
  }
  return c.make<ReshapeOp>(typeOf(x).clone(resolved), x.value());
}

Tensor flatten(const Tensor &x, int64_t startAxis, int64_t endAxis) {
  Call c("flatten", {x});
  if (!c)
    return c.failed();
  int64_t rank = x.rank();
  int64_t start = normalizeAxis(startAxis, rank),
          end = normalizeAxis(endAxis, rank);
  if (rank == 0)
    return reshape(x, {1});
  if (start < 0 || end >= rank || start > end)
    return c.fail("axes " + llvm::Twine(startAxis) + ".." +
                  llvm::Twine(endAxis) + " do not fit " + x.str());
  SmallVector<int64_t> shape(x.shape().take_front(start));
  int64_t merged = 1;
  for (int64_t i = start; i <= end; ++i)
    merged *= x.dim(i);
  shape.push_back(merged);
  llvm::append_range(shape, x.shape().drop_front(end + 1));
  return reshape(x, shape);
}

Tensor permute(const Tensor &x, llvm::ArrayRef<int64_t> permutation) {
  Call c("permute", {x});
  if (!c)
    return c.failed();
  SmallVector<int64_t> perm;
  for (int64_t p : permutation)
    perm.push_back(normalizeAxis(p, x.rank()));
  return c.make<TransposeOp>(typeOf(x), x.value(), perm);
}

Tensor transpose(const Tensor &x, int64_t axis0, int64_t axis1) {
  Call c("transpose", {x});
  if (!c)
    return c.failed();
  int64_t rank = x.rank();
  int64_t a = normalizeAxis(axis0, rank), b = normalizeAxis(axis1, rank);
  if (a < 0 || a >= rank || b < 0 || b >= rank)
    return c.fail("axes " + llvm::Twine(axis0) + " and " + llvm::Twine(axis1) +
                  " do not fit " + x.str());
  SmallVector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i)
    perm.push_back(i);
  std::swap(perm[a], perm[b]);
  return c.make<TransposeOp>(typeOf(x), x.value(), perm);
}

Tensor broadcast_to(const Tensor &x, llvm::ArrayRef<int64_t> shape) {
  Call c("broadcast_to", {x});
  if (!c)
    return c.failed();
  return c.make<BroadcastOp>(typeOf(x).clone(shape), x.value());
}

Tensor concat(llvm::ArrayRef<Tensor> inputs, int64_t axis) {
  Call c("concat", inputs);
  if (!c)
    return c.failed();
  SmallVector<Value> values;
  for (const Tensor &t : inputs)
    values.push_back(t.value());
  return c.make<ConcatOp>(
      typeOf(inputs.front()), ValueRange(values),
      static_cast<uint64_t>(normalizeAxis(axis, inputs.front().rank())));
}

Tensor slice(const Tensor &x, llvm::ArrayRef<int64_t> start,
             llvm::ArrayRef<int64_t> limit, llvm::ArrayRef<int64_t> step) {
  Call c("slice", {x});
  if (!c)
    return c.failed();
  SmallVector<int64_t> steps(step);
  if (steps.empty())
    steps.assign(x.rank(), 1);
  return c.make<SliceOp>(typeOf(x), x.value(), start, limit, steps);
}

Tensor narrow(const Tensor &x, int64_t axis, int64_t start, int64_t limit,
              int64_t step) {
  Call c("narrow", {x});
  if (!c)
    return c.failed();
  int64_t a = normalizeAxis(axis, x.rank());
  if (a < 0 || a >= x.rank())
    return c.fail("axis " + llvm::Twine(axis) + " does not fit " + x.str());
  SmallVector<int64_t> starts(x.rank(), 0), limits(x.shape()),
      steps(x.rank(), 1);
  starts[a] = start;
  limits[a] = limit;
  steps[a] = step;
  return slice(x, starts, limits, steps);
}

Tensor gather(const Tensor &data, const Tensor &indices, int64_t axis) {
  Call c("gather", {data, indices});
  if (!c)
    return c.failed();
  return c.make<GatherOp>(
      typeOf(data), data.value(), indices.value(),
      static_cast<uint64_t>(normalizeAxis(axis, data.rank())));
}
} // namespace born
