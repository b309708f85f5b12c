//===- NN.cpp - ONNX contractions, convolutions, pooling, normalizations --===//
#include "compiler/ONNX/NodeContext.h"
#include "compiler/ONNX/ops/OpChain.h"

#include "onnx.pb.h"

using namespace mlir;
using llvm::SmallVector;

namespace born::onnx {
namespace {

LogicalResult importMatMul(NodeContext &ctx) {
  Value a = ctx.input(0), b = ctx.input(1);
  if (!a || !b)
    return failure();
  // NumPy semantics for 1-D operands: promote, multiply, drop the dim.
  int64_t ra = NodeContext::rank(a), rb = NodeContext::rank(b);
  if (ra == 0 || rb == 0)
    return ctx.error("MatMul operands must have rank >= 1");
  if (ra == 1) {
    FailureOr<Value> r = ctx.reshape(a, {1, NodeContext::shape(a)[0]});
    if (failed(r))
      return failure();
    a = *r;
  }
  if (rb == 1) {
    FailureOr<Value> r = ctx.reshape(b, {NodeContext::shape(b)[0], 1});
    if (failed(r))
      return failure();
    b = *r;
  }
  FailureOr<Value> y = ctx.make<MatmulOp>(a, b);
  if (failed(y))
    return failure();
  if (ra == 1 || rb == 1) {
    SmallVector<int64_t> shape(NodeContext::shape(*y));
    if (rb == 1)
      shape.pop_back();
    if (ra == 1)
      shape.erase(shape.end() - (rb == 1 ? 1 : 2));
    y = ctx.reshape(*y, shape);
    if (failed(y))
      return failure();
  }
  ctx.setOutput(0, *y);
  return success();
}

LogicalResult importGemm(NodeContext &ctx) {
  Value a = ctx.input(0), b = ctx.input(1);
  if (!a || !b)
    return failure();
  if (NodeContext::rank(a) != 2 || NodeContext::rank(b) != 2)
    return ctx.error("Gemm operands must be matrices");
  FailureOr<Value> at = a, bt = b;
  if (ctx.attrInt("transA", 0))
    at = ctx.transpose(a, {1, 0});
  if (ctx.attrInt("transB", 0))
    bt = ctx.transpose(b, {1, 0});
  if (failed(at) || failed(bt))
    return failure();
  FailureOr<Value> y = ctx.make<MatmulOp>(*at, *bt);
  if (failed(y))
    return failure();
  Type t = NodeContext::elementType(*y);
  double alpha = ctx.attrFloat("alpha", 1.0), beta = ctx.attrFloat("beta", 1.0);
  if (alpha != 1.0)
    y = ctx.make<MulOp>(*y, ctx.scalar(t, alpha));
  if (Value c = ctx.optionalInput(2); c && succeeded(y) && beta != 0.0) {
    FailureOr<Value> scaled = c;
    if (beta != 1.0)
      scaled = ctx.make<MulOp>(c, ctx.scalar(t, beta));
    if (failed(scaled))
      return failure();
    y = ctx.make<AddOp>(*y, *scaled);
  }
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

/// Spatial attributes of Conv and the pools, for 2-D (1-D is lifted to 2-D).
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, padding; // padding: t,l,b,r
};

FailureOr<Window> windowOf(NodeContext &ctx, ArrayRef<int64_t> inputShape,
                           ArrayRef<int64_t> kernel) {
  int64_t spatial = inputShape.size() - 2;
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides = ctx.attrInts("strides");
  w.dilations = ctx.attrInts("dilations");
  SmallVector<int64_t> pads = ctx.attrInts("pads");
  if (w.strides.empty())
    w.strides.assign(spatial, 1);
  if (w.dilations.empty())
    w.dilations.assign(spatial, 1);
  if (pads.empty())
    pads.assign(2 * spatial, 0);
  if (int64_t(w.kernel.size()) != spatial ||
      int64_t(w.strides.size()) != spatial ||
      int64_t(w.dilations.size()) != spatial ||
      int64_t(pads.size()) != 2 * spatial)
    return ctx.error("kernel, strides, dilations and pads do not match " +
                     llvm::Twine(spatial) + " spatial dimensions");
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t in = inputShape[2 + i];
      int64_t out = (in + w.strides[i] - 1) / w.strides[i];
      int64_t total = std::max<int64_t>(
          0, (out - 1) * w.strides[i] + (w.kernel[i] - 1) * w.dilations[i] + 1 -
                 in);
      int64_t small = total / 2, big = total - small;
      pads[i] = autoPad == "SAME_UPPER" ? small : big;
      pads[i + spatial] = autoPad == "SAME_UPPER" ? big : small;
    }
  } else if (autoPad == "VALID") {
    pads.assign(2 * spatial, 0);
  } else if (autoPad != "NOTSET") {
    return ctx.unsupported("auto_pad '" + autoPad + "'");
  }
  if (spatial == 1) { // lift 1-D to 2-D with a unit height
    w.kernel.insert(w.kernel.begin(), 1);
    w.strides.insert(w.strides.begin(), 1);
    w.dilations.insert(w.dilations.begin(), 1);
    w.padding = {0, pads[0], 0, pads[1]};
  } else if (spatial == 2 || spatial == 3) {
    w.padding = pads; // 3-D: ONNX's order, begins then ends
  } else {
    return ctx.unsupported(llvm::Twine(spatial) + "-D windows");
  }
  return w;
}

/// [N, C, W] -> [N, C, 1, W] for 1-D ops.
FailureOr<Value> lift1D(NodeContext &ctx, Value v) {
  ArrayRef<int64_t> s = NodeContext::shape(v);
  if (s.size() != 3)
    return v;
  return ctx.reshape(v, {s[0], s[1], 1, s[2]});
}

FailureOr<Value> lower1D(NodeContext &ctx, Value v, bool was1D) {
  if (!was1D)
    return v;
  ArrayRef<int64_t> s = NodeContext::shape(v);
  return ctx.reshape(v, {s[0], s[1], s[3]});
}

Value conv3D(OpChain &c, Value x, Value w, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> padBegin, ArrayRef<int64_t> padEnd,
             ArrayRef<int64_t> dilations, int64_t groups);

LogicalResult importConv(NodeContext &ctx) {
  Value x = ctx.input(0), w = ctx.input(1);
  if (!x || !w || failed(ctx.requireFloat(x, "input")))
    return failure();
  int64_t rank = NodeContext::rank(x);
  if (rank < 3 || rank > 5)
    return ctx.unsupported("Conv of rank " + llvm::Twine(rank));
  if (NodeContext::rank(w) != rank)
    return ctx.error("weight rank differs from the input's");
  SmallVector<int64_t> kernel = ctx.attrInts("kernel_shape");
  if (kernel.empty())
    kernel.assign(NodeContext::shape(w).begin() + 2, NodeContext::shape(w).end());
  FailureOr<Window> win = windowOf(ctx, NodeContext::shape(x), kernel);
  if (failed(win))
    return failure();
  if (rank == 5) {
    OpChain c(ctx);
    ArrayRef<int64_t> p = win->padding;
    Value y = conv3D(c, x, w, win->strides, p.take_front(3), p.drop_front(3),
                     win->dilations, ctx.attrInt("group", 1));
    if (Value bias = ctx.optionalInput(2))
      y = c.add(y, c.reshape(bias, {1, NodeContext::shape(bias)[0], 1, 1, 1}));
    if (!y)
      return failure();
    ctx.setOutput(0, y);
    return success();
  }
  FailureOr<Value> x2 = lift1D(ctx, x), w2 = lift1D(ctx, w);
  if (failed(x2) || failed(w2))
    return failure();
  FailureOr<Value> y =
      ctx.make<Conv2DOp>(*x2, *w2, win->strides, win->padding, win->dilations,
                         ctx.attrInt("group", 1));
  if (failed(y))
    return failure();
  if (Value bias = ctx.optionalInput(2)) {
    int64_t f = NodeContext::shape(bias)[0];
    FailureOr<Value> b4 = ctx.reshape(bias, {1, f, 1, 1});
    if (failed(b4))
      return failure();
    y = ctx.make<AddOp>(*y, *b4);
    if (failed(y))
      return failure();
  }
  y = lower1D(ctx, *y, rank == 3);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

int64_t floorDiv(int64_t a, int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

/// The windows of MaxPool, AveragePool and LpPool over any number of spatial
/// dimensions, with ONNX's padding rules and output sizes settled.
struct PoolGeometry {
  SmallVector<int64_t> in, kernel, strides, dilations, padBegin, padEnd, out;
  /// Padding past padEnd so that ceil_mode's last window fits; those
  /// positions never count toward an average.
  SmallVector<int64_t> extraEnd;
  int64_t spatial() const { return in.size(); }
};

FailureOr<PoolGeometry> poolGeometry(NodeContext &ctx, Value x) {
  ArrayRef<int64_t> shape = NodeContext::shape(x);
  int64_t spatial = shape.size() - 2;
  PoolGeometry g;
  g.in.assign(shape.begin() + 2, shape.end());
  g.kernel = ctx.attrInts("kernel_shape");
  g.strides = ctx.attrInts("strides");
  g.dilations = ctx.attrInts("dilations");
  SmallVector<int64_t> pads = ctx.attrInts("pads");
  if (g.strides.empty())
    g.strides.assign(spatial, 1);
  if (g.dilations.empty())
    g.dilations.assign(spatial, 1);
  if (pads.empty())
    pads.assign(2 * spatial, 0);
  if (int64_t(g.kernel.size()) != spatial ||
      int64_t(g.strides.size()) != spatial ||
      int64_t(g.dilations.size()) != spatial ||
      int64_t(pads.size()) != 2 * spatial)
    return ctx.error("kernel_shape, strides, dilations and pads do not match " +
                     llvm::Twine(spatial) + " spatial dimensions");
  if (llvm::any_of(g.strides, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(g.dilations, [](int64_t d) { return d < 1; }) ||
      llvm::any_of(g.kernel, [](int64_t k) { return k < 1; }) ||
      llvm::any_of(pads, [](int64_t p) { return p < 0; }))
    return ctx.error("kernel_shape, strides and dilations must be positive "
                     "and pads not negative");
  bool ceil = ctx.attrInt("ceil_mode", 0);
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = g.in[i], s = g.strides[i];
    int64_t span = (g.kernel[i] - 1) * g.dilations[i] + 1;
    int64_t pb = pads[i], pe = pads[i + spatial], out;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      out = (in + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (out - 1) * s + span - in);
      pb = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pe = total - pb;
    } else {
      if (autoPad == "VALID")
        pb = pe = 0;
      else if (autoPad != "NOTSET")
        return ctx.unsupported("auto_pad '" + autoPad + "'");
      int64_t room = in + pb + pe - span;
      if (room < 0)
        return ctx.error("the pooling window is larger than the padded input");
      out = (ceil ? (room + s - 1) / s : room / s) + 1;
      // A last window that would start in the end padding is dropped.
      if (ceil && (out - 1) * s >= in + pb)
        --out;
    }
    g.padBegin.push_back(pb);
    g.padEnd.push_back(pe);
    g.out.push_back(out);
    g.extraEnd.push_back(
        std::max<int64_t>(0, (out - 1) * s + span - (in + pb + pe)));
  }
  return g;
}

/// Pads every spatial dimension of `x` (`[N, C, ...]`) with `value`.
Value padSpatial(OpChain &c, Value x, ArrayRef<int64_t> before,
                 ArrayRef<int64_t> after, double value) {
  for (size_t i = 0; i < before.size() && x; ++i) {
    int64_t axis = 2 + i;
    SmallVector<Value> parts;
    SmallVector<int64_t> shape(NodeContext::shape(x));
    if (before[i]) {
      shape[axis] = before[i];
      parts.push_back(c.ctx.scalar(NodeContext::elementType(x), value, shape));
    }
    parts.push_back(x);
    if (after[i]) {
      shape[axis] = after[i];
      parts.push_back(c.ctx.scalar(NodeContext::elementType(x), value, shape));
    }
    x = c.concat(parts, axis);
  }
  return x;
}

/// A 3-D convolution as born.conv2d ops, one per kernel depth tap: the input
/// depths that tap reads (a strided slice of the depth-padded input) fold
/// into the batch, and the taps' results add up.
Value conv3D(OpChain &c, Value x, Value w, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> padBegin, ArrayRef<int64_t> padEnd,
             ArrayRef<int64_t> dilations, int64_t groups) {
  if (!x || !w)
    return {};
  Value xp = padSpatial(c, x, {padBegin[0], 0, 0}, {padEnd[0], 0, 0}, 0.0);
  if (!xp)
    return {};
  ArrayRef<int64_t> xs = NodeContext::shape(xp), ws = NodeContext::shape(w);
  int64_t depth = (xs[2] - (ws[2] - 1) * dilations[0] - 1) / strides[0] + 1;
  if (depth < 1) {
    (void)c.ctx.error("the convolution window is deeper than the input");
    return {};
  }
  Value sum;
  for (int64_t kd = 0; kd < ws[2]; ++kd) {
    int64_t lo = kd * dilations[0];
    Value taps = c.sliceAxis(xp, 2, lo, lo + (depth - 1) * strides[0] + 1,
                             strides[0]);
    Value batched = c.reshape(c.transpose(taps, {0, 2, 1, 3, 4}),
                              {xs[0] * depth, xs[1], xs[3], xs[4]});
    Value filter = c.reshape(c.sliceAxis(w, 2, kd, kd + 1),
                             {ws[0], ws[1], ws[3], ws[4]});
    Value y = c.make<Conv2DOp>(
        batched, filter, ArrayRef<int64_t>{strides[1], strides[2]},
        ArrayRef<int64_t>{padBegin[1], padBegin[2], padEnd[1], padEnd[2]},
        ArrayRef<int64_t>{dilations[1], dilations[2]}, groups);
    sum = sum ? c.add(sum, y) : y;
  }
  if (!sum)
    return {};
  ArrayRef<int64_t> ys = NodeContext::shape(sum);
  return c.transpose(c.reshape(sum, {xs[0], depth, ys[1], ys[2], ys[3]}),
                     {0, 2, 1, 3, 4});
}

/// The strided slices of the padded input that each kernel position sees,
/// in row-major kernel order, each `[N, C, out...]`.
SmallVector<Value> windowSlices(OpChain &c, Value padded,
                                const PoolGeometry &g) {
  SmallVector<Value> slices;
  int64_t total = 1;
  for (int64_t k : g.kernel)
    total *= k;
  int64_t rank = NodeContext::rank(padded);
  for (int64_t flat = 0; flat < total; ++flat) {
    SmallVector<int64_t> start(rank, 0), limit(NodeContext::shape(padded)),
        step(rank, 1);
    int64_t rest = flat;
    for (int64_t i = g.spatial() - 1; i >= 0; --i) {
      int64_t j = rest % g.kernel[i];
      rest /= g.kernel[i];
      start[2 + i] = j * g.dilations[i];
      limit[2 + i] = start[2 + i] + (g.out[i] - 1) * g.strides[i] + 1;
      step[2 + i] = g.strides[i];
    }
    slices.push_back(c.slice(padded, start, limit, step));
  }
  return slices;
}

/// For each output position along spatial dim `i`, how many window taps fall
/// in `[lo, hi)` of the unpadded coordinates.
SmallVector<int64_t> tapsInRange(const PoolGeometry &g, int64_t i, int64_t lo,
                                 int64_t hi) {
  SmallVector<int64_t> counts;
  for (int64_t o = 0; o < g.out[i]; ++o) {
    int64_t n = 0;
    for (int64_t j = 0; j < g.kernel[i]; ++j) {
      int64_t pos = o * g.strides[i] + j * g.dilations[i] - g.padBegin[i];
      n += pos >= lo && pos < hi;
    }
    counts.push_back(n);
  }
  return counts;
}

/// The product over spatial dims of per-dim values, as an `[out...]`
/// constant (the divisor of an average pool).
Value separableConstant(OpChain &c, Type t, const PoolGeometry &g,
                        ArrayRef<SmallVector<int64_t>> perDim) {
  SmallVector<double> values{1.0};
  for (int64_t i = 0; i < g.spatial(); ++i) {
    SmallVector<double> next;
    for (double v : values)
      for (int64_t n : perDim[i])
        next.push_back(v * double(n));
    values = std::move(next);
  }
  return c.constant(t, g.out, values);
}

/// LpPool's and GlobalLpPool's `p`: a float attribute in opset 1, an int
/// since opset 2.
double lpExponent(NodeContext &ctx) {
  const ::onnx::AttributeProto *a = ctx.attr("p");
  if (!a)
    return 2.0;
  return a->type() == ::onnx::AttributeProto::FLOAT ? double(a->f())
                                                    : double(a->i());
}

enum class PoolMode { max, avg, lp };

/// Any pooling as slices of the padded input combined elementwise: covers
/// dilations, 3-D windows, LpPool and the Indices output, which born.pool2d
/// does not.
LogicalResult slicedPool(NodeContext &ctx, PoolMode mode, Value x,
                         const PoolGeometry &g) {
  OpChain c(ctx);
  Type t = NodeContext::elementType(x);
  double p = lpExponent(ctx);
  if (mode == PoolMode::lp && p <= 0)
    return ctx.error("p must be positive");
  SmallVector<int64_t> end;
  for (int64_t i = 0; i < g.spatial(); ++i)
    end.push_back(g.padEnd[i] + g.extraEnd[i]);
  Value src = x;
  if (mode == PoolMode::lp)
    src = c.pow(c.make<AbsOp>(x), c.scalarLike(x, p));
  double padValue = mode == PoolMode::max
                        ? -std::numeric_limits<double>::infinity()
                        : 0.0;
  Value padded = padSpatial(c, src, g.padBegin, end, padValue);
  if (!padded)
    return failure();
  Value y, indices;
  bool wantIndices = mode == PoolMode::max && ctx.hasOutput(1);
  SmallVector<Value> slices;
  if (wantIndices) {
    slices = windowSlices(c, padded, g);
    if (failed(c.check(slices)))
      return failure();
    y = slices.front();
  } else {
    // Max and sum are separable: one spatial dim at a time takes sum(k)
    // slices instead of prod(k).
    y = padded;
    for (int64_t i = 0; i < g.spatial(); ++i) {
      Value acc;
      for (int64_t j = 0; j < g.kernel[i]; ++j) {
        int64_t lo = j * g.dilations[i];
        Value s = c.sliceAxis(y, 2 + i, lo,
                              lo + (g.out[i] - 1) * g.strides[i] + 1,
                              g.strides[i]);
        acc = !acc ? s : mode == PoolMode::max ? c.max(acc, s) : c.add(acc, s);
      }
      y = acc;
    }
  }
  ArrayRef<int64_t> xs = NodeContext::shape(x);
  auto indexOf = [&](int64_t flat) {
    // Indices count over the whole NC... tensor, row-major, or with the
    // spatial dims column-major under storage_order = 1.
    bool colMajor = ctx.attrInt("storage_order", 0);
    SmallVector<int64_t> offset(g.spatial());
    for (int64_t i = g.spatial() - 1, rest = flat; i >= 0; --i) {
      offset[i] = rest % g.kernel[i] * g.dilations[i] - g.padBegin[i];
      rest /= g.kernel[i];
    }
    int64_t spatialSize = 1;
    for (int64_t v : g.in)
      spatialSize *= v;
    SmallVector<double> values;
    int64_t count = 1;
    for (int64_t o : g.out)
      count *= o;
    for (int64_t n = 0; n < xs[0]; ++n)
      for (int64_t ch = 0; ch < xs[1]; ++ch)
        for (int64_t e = 0; e < count; ++e) {
          int64_t rest = e, idx = 0, stride = 1;
          SmallVector<int64_t> pos(g.spatial());
          for (int64_t i = g.spatial() - 1; i >= 0; --i) {
            pos[i] = rest % g.out[i] * g.strides[i] + offset[i];
            rest /= g.out[i];
          }
          for (int64_t k = 0; k < g.spatial(); ++k) {
            int64_t i = colMajor ? k : g.spatial() - 1 - k;
            idx += pos[i] * stride;
            stride *= g.in[i];
          }
          values.push_back(double((n * xs[1] + ch) * spatialSize + idx));
        }
    SmallVector<int64_t> shape{xs[0], xs[1]};
    shape.append(g.out.begin(), g.out.end());
    return c.constant(ctx.b.getI64Type(), shape, values);
  };
  if (wantIndices)
    indices = indexOf(0);
  for (size_t k = 1; k < slices.size(); ++k) {
    // The first maximum wins, as ONNX's reference picks it.
    Value better = c.cmp(CmpPredicate::gt, slices[k], y);
    y = c.where(better, slices[k], y);
    indices = c.where(better, indexOf(k), indices);
  }
  if (mode == PoolMode::avg) {
    // The divisor counts the taps inside the input, plus those in the
    // explicit padding under count_include_pad, never ceil_mode's extra.
    bool includePad = ctx.attrInt("count_include_pad", 0);
    SmallVector<SmallVector<int64_t>> perDim;
    for (int64_t i = 0; i < g.spatial(); ++i)
      perDim.push_back(includePad ? tapsInRange(g, i, -g.padBegin[i],
                                                g.in[i] + g.padEnd[i])
                                  : tapsInRange(g, i, 0, g.in[i]));
    y = c.div(y, separableConstant(c, t, g, perDim));
  } else if (mode == PoolMode::lp) {
    y = c.pow(y, c.scalarLike(y, 1.0 / p));
  }
  if (!y || (wantIndices && !indices))
    return failure();
  ctx.setOutput(0, y);
  if (wantIndices)
    ctx.setOutput(1, indices);
  return success();
}

ImportFn pool(PoolMode mode) {
  return [mode](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (!x || failed(ctx.requireFloat(x, "input")))
      return failure();
    int64_t rank = NodeContext::rank(x);
    if (rank < 3)
      return ctx.error("pooling needs an [N, C, ...] input of rank >= 3");
    FailureOr<PoolGeometry> g = poolGeometry(ctx, x);
    if (failed(g))
      return failure();
    bool unitDilation =
        llvm::all_of(g->dilations, [](int64_t d) { return d == 1; });
    if (mode == PoolMode::lp || rank > 4 || !unitDilation || ctx.hasOutput(1))
      return slicedPool(ctx, mode, x, *g);

    // born.pool2d: 1-D lifts to a unit height; ceil_mode's extra end padding
    // never counts toward the average, so count_include_pad with it pads
    // explicitly first.
    OpChain c(ctx);
    bool includePad = mode == PoolMode::avg && ctx.attrInt("count_include_pad", 0);
    bool extra = llvm::any_of(g->extraEnd, [](int64_t e) { return e > 0; });
    Value src = x;
    SmallVector<int64_t> pb = g->padBegin, pe = g->padEnd;
    if (includePad && extra) {
      src = padSpatial(c, x, pb, pe, 0.0);
      pb.assign(pb.size(), 0);
      pe.assign(pe.size(), 0);
      includePad = false;
    }
    for (size_t i = 0; i < pe.size(); ++i)
      pe[i] += g->extraEnd[i];
    SmallVector<int64_t> kernel = g->kernel, strides = g->strides, padding;
    if (rank == 3) {
      FailureOr<Value> lifted = src ? lift1D(ctx, src) : FailureOr<Value>();
      src = succeeded(lifted) ? *lifted : Value();
      kernel.insert(kernel.begin(), 1);
      strides.insert(strides.begin(), 1);
      padding = {0, pb[0], 0, pe[0]};
    } else {
      padding = {pb[0], pb[1], pe[0], pe[1]};
    }
    Value y = c.make<Pool2DOp>(
        mode == PoolMode::max ? PoolKind::max : PoolKind::avg, src, kernel,
        strides, padding, includePad);
    if (!y)
      return failure();
    FailureOr<Value> out = lower1D(ctx, y, rank == 3);
    if (failed(out))
      return failure();
    ctx.setOutput(0, *out);
    return success();
  };
}
/// ConvTranspose (1-D to 3-D) as a stride-1 convolution: zeros inserted between input
/// elements for the strides, the filter flipped and its channel axes swapped
/// per group, and the padding each side `(k - 1) * d - pad` (negative
/// amounts crop the zero-inserted input instead).
LogicalResult importConvTranspose(NodeContext &ctx) {
  Value x = ctx.input(0), w = ctx.input(1);
  if (!x || !w || failed(ctx.requireFloat(x, "input")))
    return failure();
  int64_t rank = NodeContext::rank(x);
  if (rank < 3 || rank > 5)
    return ctx.unsupported("ConvTranspose of rank " + llvm::Twine(rank));
  if (NodeContext::rank(w) != rank)
    return ctx.error("weight rank differs from the input's");
  int64_t spatial = rank - 2, group = ctx.attrInt("group", 1);
  ArrayRef<int64_t> xs = NodeContext::shape(x), ws = NodeContext::shape(w);
  if (group < 1 || xs[1] != ws[0] || ws[0] % group)
    return ctx.error("weight [C, M/group, k...] does not match the input's " +
                     llvm::Twine(xs[1]) + " channels and group " +
                     llvm::Twine(group));
  auto orDefault = [&](StringRef name, int64_t n, int64_t v) {
    SmallVector<int64_t> a = ctx.attrInts(name);
    if (a.empty())
      a.assign(n, v);
    return a;
  };
  SmallVector<int64_t> kernel(ws.begin() + 2, ws.end());
  SmallVector<int64_t> strides = orDefault("strides", spatial, 1),
                       dilations = orDefault("dilations", spatial, 1),
                       outPad = orDefault("output_padding", spatial, 0),
                       outShape = ctx.attrInts("output_shape"),
                       pads = ctx.attrInts("pads");
  if (SmallVector<int64_t> k = ctx.attrInts("kernel_shape");
      !k.empty() && ArrayRef<int64_t>(k) != ArrayRef<int64_t>(kernel))
    return ctx.error("kernel_shape differs from the weight's shape");
  // output_shape may list N and C too.
  if (int64_t(outShape.size()) == rank)
    outShape.erase(outShape.begin(), outShape.begin() + 2);
  if (int64_t(strides.size()) != spatial ||
      int64_t(dilations.size()) != spatial ||
      int64_t(outPad.size()) < spatial ||
      (!outShape.empty() && int64_t(outShape.size()) != spatial) ||
      (!pads.empty() && int64_t(pads.size()) != 2 * spatial))
    return ctx.error("strides, dilations, pads, output_padding or "
                     "output_shape do not match " +
                     llvm::Twine(spatial) + " spatial dimensions");
  std::string autoPad = ctx.attrString("auto_pad", "NOTSET");
  bool same = autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER";
  if (!same && autoPad != "NOTSET" && autoPad != "VALID")
    return ctx.unsupported("auto_pad '" + autoPad + "'");
  if (pads.empty() || autoPad == "VALID")
    pads.assign(2 * spatial, 0);
  // Output o is position o + padBegin of the unpadded transposed conv.
  SmallVector<int64_t> padBegin, out;
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t span = (kernel[i] - 1) * dilations[i] + 1;
    int64_t natural = strides[i] * (xs[2 + i] - 1) + outPad[i] + span;
    if (same) {
      int64_t o = outShape.empty() ? xs[2 + i] * strides[i] : outShape[i];
      int64_t total = natural - o;
      int64_t half = floorDiv(total, 2);
      padBegin.push_back(autoPad == "SAME_UPPER" ? half : total - half);
      out.push_back(o);
    } else {
      padBegin.push_back(pads[i]);
      out.push_back(outShape.empty() ? natural - pads[i] - pads[spatial + i]
                                     : outShape[i]);
    }
    if (out.back() < 1)
      return ctx.error("ConvTranspose output size " + llvm::Twine(out.back()) +
                       " is not positive");
  }

  OpChain c(ctx);
  Type t = NodeContext::elementType(x);
  // Zero insertion: [N, C, H, W] -> [N, C, H, s, W, s] -> [N, C, H*s, W*s],
  // then the trailing s - 1 zeros dropped.
  Value xi = x;
  if (llvm::any_of(strides, [](int64_t s) { return s > 1; })) {
    SmallVector<int64_t> split{xs[0], xs[1]};
    for (int64_t i = 0; i < spatial; ++i)
      split.append({xs[2 + i], 1});
    xi = c.reshape(x, split);
    for (int64_t i = 0; i < spatial; ++i) {
      if (strides[i] == 1)
        continue;
      SmallVector<int64_t> zshape(NodeContext::shape(xi));
      zshape[3 + 2 * i] = strides[i] - 1;
      xi = c.concat({xi, ctx.scalar(t, 0, zshape)}, 3 + 2 * i);
    }
    SmallVector<int64_t> merged{xs[0], xs[1]};
    for (int64_t i = 0; i < spatial; ++i)
      merged.push_back(xs[2 + i] * strides[i]);
    xi = c.reshape(xi, merged);
    SmallVector<int64_t> start(rank, 0), limit(merged), step(rank, 1);
    for (int64_t i = 0; i < spatial; ++i)
      limit[2 + i] = (xs[2 + i] - 1) * strides[i] + 1;
    xi = c.slice(xi, start, limit, step);
  }
  // Padding of the stride-1 convolution; crop where it is negative.
  SmallVector<int64_t> before, after;
  if (xi) {
    SmallVector<int64_t> start(rank, 0), limit(NodeContext::shape(xi)),
        step(rank, 1);
    bool crop = false;
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t len = NodeContext::shape(xi)[2 + i];
      int64_t span = (kernel[i] - 1) * dilations[i];
      int64_t lo = span - padBegin[i];
      int64_t hi = out[i] + span - len - lo;
      before.push_back(std::max<int64_t>(lo, 0));
      after.push_back(std::max<int64_t>(hi, 0));
      if (lo < 0)
        start[2 + i] = -lo, crop = true;
      if (hi < 0)
        limit[2 + i] = len + hi, crop = true;
      if (start[2 + i] >= limit[2 + i])
        return ctx.unsupported("ConvTranspose padding that crops the whole "
                               "input");
    }
    if (crop)
      xi = c.slice(xi, start, limit, step);
  }
  // [C, M/g, k...] -> [g, C/g, M/g, k...] -> [g, M/g, C/g, k...]
  // -> [M, C/g, k...], flipped along every spatial axis.
  int64_t cg = ws[0] / group, mg = ws[1];
  SmallVector<int64_t> grouped{group, cg, mg}, perm{0, 2, 1}, filter{group * mg, cg};
  grouped.append(kernel.begin(), kernel.end());
  filter.append(kernel.begin(), kernel.end());
  for (int64_t i = 0; i < spatial; ++i)
    perm.push_back(3 + i);
  Value f = c.reshape(c.transpose(c.reshape(w, grouped), perm), filter);
  for (int64_t i = 0; i < spatial; ++i) {
    if (kernel[i] == 1)
      continue;
    SmallVector<double> reversed;
    for (int64_t k = kernel[i] - 1; k >= 0; --k)
      reversed.push_back(double(k));
    f = c.make<GatherOp>(
        f, c.constant(ctx.b.getI64Type(), {kernel[i]}, reversed), int64_t(2 + i));
  }
  SmallVector<int64_t> convStrides(2, 1), convDil = dilations, padding;
  if (spatial == 1) {
    FailureOr<Value> xl = xi ? lift1D(ctx, xi) : FailureOr<Value>();
    FailureOr<Value> fl = f ? lift1D(ctx, f) : FailureOr<Value>();
    xi = succeeded(xl) ? *xl : Value();
    f = succeeded(fl) ? *fl : Value();
    convDil.insert(convDil.begin(), 1);
    padding = {0, before[0], 0, after[0]};
  } else if (spatial == 2 && !before.empty()) {
    padding = {before[0], before[1], after[0], after[1]};
  }
  Value y = spatial == 3
                ? conv3D(c, xi, f, {1, 1, 1}, before, after, dilations, group)
                : c.make<Conv2DOp>(xi, f, convStrides, padding, convDil, group);
  if (Value bias = ctx.optionalInput(2)) {
    SmallVector<int64_t> bshape(NodeContext::rank(y ? y : x), 1);
    bshape[1] = NodeContext::shape(bias)[0];
    y = c.add(y, c.reshape(bias, bshape));
  }
  if (!y)
    return failure();
  FailureOr<Value> result = lower1D(ctx, y, spatial == 1);
  if (failed(result))
    return failure();
  ctx.setOutput(0, *result);
  return success();
}

ImportFn globalPool(ReduceKind kind) {
  return [kind](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (!x || failed(ctx.requireFloat(x, "input")))
      return failure();
    SmallVector<int64_t> axes;
    for (int64_t i = 2; i < NodeContext::rank(x); ++i)
      axes.push_back(i);
    FailureOr<Value> y = ctx.make<ReduceOp>(kind, x, axes, /*keepdims=*/true);
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  };
}

Value perChannel(OpChain &c, Value v, int64_t rank);

/// BatchNormalization with training_mode (opset 14+): normalizes with the
/// batch's statistics (biased variance) and returns the running ones
/// updated by `momentum`.
LogicalResult importBatchNormTraining(NodeContext &ctx, Value x, Value scale,
                                      Value bias, Value mean, Value var) {
  int64_t rank = NodeContext::rank(x);
  if (rank < 2)
    return ctx.error("BatchNormalization needs an [N, C, ...] input");
  OpChain c(ctx);
  Type t = NodeContext::elementType(x);
  SmallVector<int64_t> axes{0};
  for (int64_t i = 2; i < rank; ++i)
    axes.push_back(i);
  Value batchMean = c.reduce(ReduceKind::mean, x, axes, true);
  Value centered = c.sub(x, batchMean);
  Value batchVar =
      c.reduce(ReduceKind::mean, c.mul(centered, centered), axes, true);
  Value inv = c.make<RsqrtOp>(
      c.add(batchVar, ctx.scalar(t, ctx.attrFloat("epsilon", 1e-5))));
  Value y = c.add(c.mul(c.mul(centered, inv), perChannel(c, c.cast(scale, t), rank)),
                  perChannel(c, c.cast(bias, t), rank));
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  double momentum = ctx.attrFloat("momentum", 0.9);
  int64_t channels = NodeContext::shape(x)[1];
  auto running = [&](Value old, Value batch) {
    Type st = NodeContext::elementType(old);
    return c.add(c.mul(old, ctx.scalar(st, momentum)),
                 c.mul(c.cast(c.reshape(batch, {channels}), st),
                       ctx.scalar(st, 1 - momentum)));
  };
  for (auto [i, old, batch] :
       {std::tuple(1, mean, batchMean), std::tuple(2, var, batchVar)}) {
    if (!ctx.hasOutput(i))
      continue;
    Value r = running(old, batch);
    if (!r)
      return failure();
    ctx.setOutput(i, r);
  }
  return success();
}

LogicalResult importBatchNorm(NodeContext &ctx) {
  Value x = ctx.input(0), scale = ctx.input(1), bias = ctx.input(2),
        mean = ctx.input(3), var = ctx.input(4);
  if (!x || !scale || !bias || !mean || !var ||
      failed(ctx.requireFloat(x, "input")))
    return failure();
  if (ctx.opset >= 14 && ctx.attrInt("training_mode", 0))
    return importBatchNormTraining(ctx, x, scale, bias, mean, var);
  for (int64_t i = 1; i < ctx.numOutputs(); ++i)
    if (ctx.hasOutput(i))
      return ctx.unsupported("training outputs (running mean/var)");
  Type t = NodeContext::elementType(x);
  int64_t rank = NodeContext::rank(x);
  int64_t c = rank > 1 ? NodeContext::shape(x)[1] : 1;
  SmallVector<int64_t> shape(rank, 1);
  if (rank > 1)
    shape[1] = c;
  // y = (x - mean) * (scale / sqrt(var + eps)) + bias; the per-channel
  // factors fold when the statistics are constants.
  auto perChannel = [&](Value v) -> FailureOr<Value> {
    FailureOr<Value> cv = ctx.cast(v, t);
    if (failed(cv))
      return failure();
    return ctx.reshape(*cv, shape);
  };
  FailureOr<Value> s = perChannel(scale), b = perChannel(bias),
                   m = perChannel(mean), v = perChannel(var);
  if (failed(s) || failed(b) || failed(m) || failed(v))
    return failure();
  FailureOr<Value> denom = ctx.make<AddOp>(
      *v, ctx.scalar(t, ctx.attrFloat("epsilon", 1e-5)));
  if (succeeded(denom))
    denom = ctx.make<SqrtOp>(*denom);
  FailureOr<Value> factor = failed(denom) ? denom : ctx.make<DivOp>(*s, *denom);
  FailureOr<Value> centered = ctx.make<SubOp>(x, *m);
  if (failed(factor) || failed(centered))
    return failure();
  FailureOr<Value> y = ctx.make<MulOp>(*centered, *factor);
  if (succeeded(y))
    y = ctx.make<AddOp>(*y, *b);
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

/// Softmax and LogSoftmax; before opset 13 they work on the input flattened
/// to 2-D at `axis`.
template <typename OpT>
ImportFn softmax() {
  return [](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (!x || failed(ctx.requireFloat(x, "input")))
      return failure();
    int64_t rank = NodeContext::rank(x);
    FailureOr<int64_t> axis =
        ctx.axis(ctx.attrInt("axis", ctx.opset < 13 ? 1 : -1), rank);
    if (failed(axis))
      return failure();
    if (ctx.opset >= 13 || *axis == rank - 1) {
      FailureOr<Value> y = ctx.make<OpT>(x, *axis);
      if (failed(y))
        return failure();
      ctx.setOutput(0, *y);
      return success();
    }
    ArrayRef<int64_t> shape = NodeContext::shape(x);
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < rank; ++i)
      (i < *axis ? outer : inner) *= shape[i];
    FailureOr<Value> flat = ctx.reshape(x, {outer, inner});
    if (failed(flat))
      return failure();
    FailureOr<Value> y = ctx.make<OpT>(*flat, int64_t(1));
    if (succeeded(y))
      y = ctx.reshape(*y, shape);
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  };
}

LogicalResult importLayerNorm(NodeContext &ctx) {
  Value x = ctx.input(0), scale = ctx.input(1);
  if (!x || !scale || failed(ctx.requireFloat(x, "input")))
    return failure();
  int64_t rank = NodeContext::rank(x);
  FailureOr<int64_t> axis = ctx.axis(ctx.attrInt("axis", -1), rank);
  if (failed(axis))
    return failure();
  double epsilon = ctx.attrFloat("epsilon", 1e-5);
  if (ctx.hasOutput(1) || ctx.hasOutput(2)) {
    // The statistics outputs, computed apart in stash_type (float32 unless
    // told otherwise); fusion can share the reductions with layer_norm's.
    int64_t stashType = ctx.attrInt("stash_type", 1);
    if (stashType != 1)
      return ctx.unsupported("stash_type " + llvm::Twine(stashType));
    OpChain c(ctx);
    Value xs = c.cast(x, ctx.b.getF32Type());
    SmallVector<int64_t> axes;
    for (int64_t i = *axis; i < rank; ++i)
      axes.push_back(i);
    Value mean = c.reduce(ReduceKind::mean, xs, axes, true);
    Value centered = c.sub(xs, mean);
    Value var = c.reduce(ReduceKind::mean, c.mul(centered, centered), axes, true);
    Value inv = c.make<RsqrtOp>(c.add(var, c.scalarLike(var, epsilon)));
    if (!mean || !inv)
      return failure();
    ctx.setOutput(1, mean);
    ctx.setOutput(2, inv);
  }
  ArrayRef<int64_t> normalized = NodeContext::shape(x).drop_front(*axis);
  FailureOr<Value> s = ctx.broadcastTo(scale, normalized);
  Value bias = ctx.optionalInput(2);
  FailureOr<Value> b = bias ? ctx.broadcastTo(bias, normalized)
                            : FailureOr<Value>(ctx.scalar(
                                  NodeContext::elementType(x), 0, normalized));
  if (failed(s) || failed(b))
    return failure();
  FailureOr<Value> y = ctx.make<LayerNormOp>(
      x, *s, *b, ctx.b.getI64IntegerAttr(*axis),
      ctx.b.getF64FloatAttr(epsilon));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

/// y = x normalized over `axes` (mean 0, variance 1) with layer_norm when
/// the axes are trailing; ONNX's instance and group norms reshape to that.
Value normalizeTrailing(OpChain &c, Value x, int64_t axis, double epsilon) {
  if (!x)
    return x;
  Type t = NodeContext::elementType(x);
  ArrayRef<int64_t> normalized = NodeContext::shape(x).drop_front(axis);
  return c.make<LayerNormOp>(x, c.ctx.scalar(t, 1, normalized),
                             c.ctx.scalar(t, 0, normalized),
                             c.ctx.b.getI64IntegerAttr(axis),
                             c.ctx.b.getF64FloatAttr(epsilon));
}

/// `v` (`[C]`) shaped to broadcast along dim 1 of a rank-`rank` tensor.
Value perChannel(OpChain &c, Value v, int64_t rank) {
  if (!v)
    return v;
  SmallVector<int64_t> shape(rank, 1);
  shape[1] = NodeContext::shape(v)[0];
  return c.reshape(v, shape);
}

LogicalResult importInstanceNorm(NodeContext &ctx) {
  Value x = ctx.input(0), scale = ctx.input(1), bias = ctx.input(2);
  if (!x || !scale || !bias || failed(ctx.requireFloat(x, "input")))
    return failure();
  int64_t rank = NodeContext::rank(x);
  if (rank < 3)
    return ctx.error("InstanceNormalization needs an [N, C, ...] input");
  OpChain c(ctx);
  Value y = normalizeTrailing(c, x, 2, ctx.attrFloat("epsilon", 1e-5));
  y = c.add(c.mul(y, perChannel(c, scale, rank)), perChannel(c, bias, rank));
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  return success();
}

/// GroupNormalization: opset 18 has one scale and bias per group, opset 21
/// one per channel.
LogicalResult importGroupNorm(NodeContext &ctx) {
  Value x = ctx.input(0), scale = ctx.input(1), bias = ctx.input(2);
  if (!x || !scale || !bias || failed(ctx.requireFloat(x, "input")))
    return failure();
  int64_t rank = NodeContext::rank(x);
  int64_t groups = ctx.attrInt("num_groups", 0);
  ArrayRef<int64_t> xs = NodeContext::shape(x);
  if (rank < 3 || groups < 1 || xs[1] % groups)
    return ctx.error("GroupNormalization needs an [N, C, ...] input with C "
                     "divisible by num_groups");
  OpChain c(ctx);
  int64_t rest = 1;
  for (int64_t d : xs.drop_front(2))
    rest *= d;
  Type t = NodeContext::elementType(x);
  // stash_type (opset 21) asks for float32 statistics.
  Type stash = ctx.opset >= 21 && ctx.attrInt("stash_type", 1) == 1
                   ? Type(ctx.b.getF32Type())
                   : t;
  Value g = c.cast(c.reshape(x, {xs[0], groups, xs[1] / groups * rest}), stash);
  Value y = c.cast(
      c.reshape(normalizeTrailing(c, g, 2, ctx.attrFloat("epsilon", 1e-5)),
                xs),
      t);
  Value s = scale, b = bias;
  if (ctx.opset < 21) {
    // Each group's factor repeats over its channels.
    int64_t per = xs[1] / groups;
    s = c.reshape(c.broadcastTo(c.reshape(s, {groups, 1}), {groups, per}),
                  {xs[1]});
    b = c.reshape(c.broadcastTo(c.reshape(b, {groups, 1}), {groups, per}),
                  {xs[1]});
  }
  y = c.add(c.mul(y, perChannel(c, s, rank)), perChannel(c, b, rank));
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  return success();
}

/// RMSNormalization (opset 23): the scale broadcasts to the normalized shape.
LogicalResult importRMSNorm(NodeContext &ctx) {
  Value x = ctx.input(0), scale = ctx.input(1);
  if (!x || !scale || failed(ctx.requireFloat(x, "input")))
    return failure();
  int64_t rank = NodeContext::rank(x);
  FailureOr<int64_t> axis = ctx.axis(ctx.attrInt("axis", -1), rank);
  if (failed(axis))
    return failure();
  OpChain c(ctx);
  ArrayRef<int64_t> normalized = NodeContext::shape(x).drop_front(*axis);
  Type t = NodeContext::elementType(x);
  Value y = c.make<RmsNormOp>(
      x, c.cast(c.broadcastTo(scale, normalized), t),
      ctx.b.getI64IntegerAttr(*axis),
      ctx.b.getF64FloatAttr(ctx.attrFloat("epsilon", 1e-5)));
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  return success();
}

/// MeanVarianceNormalization: (x - mean) / (sqrt(var) + 1e-9) over `axes`.
LogicalResult importMVN(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x || failed(ctx.requireFloat(x, "input")))
    return failure();
  int64_t rank = NodeContext::rank(x);
  SmallVector<int64_t> axes = ctx.hasAttr("axes") ? ctx.attrInts("axes")
                                                  : SmallVector<int64_t>{0, 2, 3};
  for (int64_t &a : axes) {
    FailureOr<int64_t> n = ctx.axis(a, rank);
    if (failed(n))
      return failure();
    a = *n;
  }
  llvm::sort(axes);
  OpChain c(ctx);
  Value mean = c.reduce(ReduceKind::mean, x, axes, true);
  Value centered = c.sub(x, mean);
  Value var = c.reduce(ReduceKind::mean, c.mul(centered, centered), axes, true);
  Value y = c.div(centered, c.add(c.make<SqrtOp>(var), c.scalarLike(x, 1e-9)));
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  return success();
}

/// LpNormalization: x / ||x||_p along `axis` (p is 1 or 2).
LogicalResult importLpNorm(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x || failed(ctx.requireFloat(x, "input")))
    return failure();
  FailureOr<int64_t> axis =
      ctx.axis(ctx.attrInt("axis", -1), NodeContext::rank(x));
  if (failed(axis))
    return failure();
  int64_t p = ctx.attrInt("p", 2);
  if (p != 1 && p != 2)
    return ctx.unsupported("p=" + llvm::Twine(p));
  OpChain c(ctx);
  Value norm =
      p == 1 ? c.reduce(ReduceKind::sum, c.make<AbsOp>(x), {*axis}, true)
             : c.make<SqrtOp>(c.reduce(ReduceKind::sum, c.mul(x, x), {*axis},
                                       true));
  Value y = c.div(x, norm);
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  return success();
}

/// LRN: x / (bias + alpha / size * sum of x^2 over nearby channels)^beta,
/// the channel window summed as slices of the zero-padded squares.
LogicalResult importLRN(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x || failed(ctx.requireFloat(x, "input")))
    return failure();
  int64_t rank = NodeContext::rank(x);
  int64_t size = ctx.attrInt("size", 0);
  if (rank < 3 || size < 1)
    return ctx.error("LRN needs an [N, C, ...] input and a positive size");
  OpChain c(ctx);
  int64_t channels = NodeContext::shape(x)[1];
  int64_t before = (size - 1) / 2, after = size - 1 - before;
  Value sq = c.mul(x, x);
  SmallVector<int64_t> zshape(NodeContext::shape(x));
  SmallVector<Value> parts;
  Type t = NodeContext::elementType(x);
  if (before)
    zshape[1] = before, parts.push_back(ctx.scalar(t, 0, zshape));
  parts.push_back(sq);
  if (after)
    zshape[1] = after, parts.push_back(ctx.scalar(t, 0, zshape));
  Value padded = c.concat(parts, 1);
  Value sum;
  for (int64_t i = 0; i < size; ++i) {
    Value s = c.sliceAxis(padded, 1, i, i + channels);
    sum = i ? c.add(sum, s) : s;
  }
  double alpha = ctx.attrFloat("alpha", 1e-4), beta = ctx.attrFloat("beta", 0.75),
         bias = ctx.attrFloat("bias", 1.0);
  Value denom = c.add(c.mul(sum, c.scalarLike(x, alpha / size)),
                      c.scalarLike(x, bias));
  Value y = c.div(x, c.pow(denom, c.scalarLike(x, beta)));
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  return success();
}

/// GlobalLpPool: (sum |x|^p)^(1/p) over the spatial dims.
LogicalResult importGlobalLpPool(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x || failed(ctx.requireFloat(x, "input")))
    return failure();
  double p = lpExponent(ctx);
  if (p <= 0)
    return ctx.error("p must be positive");
  SmallVector<int64_t> axes;
  for (int64_t i = 2; i < NodeContext::rank(x); ++i)
    axes.push_back(i);
  OpChain c(ctx);
  Value y = c.pow(c.reduce(ReduceKind::sum,
                           c.pow(c.make<AbsOp>(x), c.scalarLike(x, p)), axes,
                           true),
                  c.scalarLike(x, 1.0 / p));
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  return success();
}

/// Hardmax: 1 at the first maximum along `axis`, 0 elsewhere; before opset
/// 13 over the input flattened to 2-D at `axis`.
LogicalResult importHardmax(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x || failed(ctx.requireFloat(x, "input")))
    return failure();
  int64_t rank = NodeContext::rank(x);
  FailureOr<int64_t> axis =
      ctx.axis(ctx.attrInt("axis", ctx.opset < 13 ? 1 : -1), rank);
  if (failed(axis))
    return failure();
  OpChain c(ctx);
  ArrayRef<int64_t> shape = NodeContext::shape(x);
  Value src = x;
  int64_t a = *axis;
  if (ctx.opset < 13) {
    int64_t outer = 1, inner = 1;
    for (int64_t i = 0; i < rank; ++i)
      (i < a ? outer : inner) *= shape[i];
    src = c.reshape(x, {outer, inner});
    a = 1;
  }
  int64_t r = NodeContext::rank(src ? src : x);
  Value arg = c.make<ArgmaxOp>(src, a, true);
  Value hot = c.cmp(CmpPredicate::eq, arg,
                    c.iota(ctx.b.getI64Type(),
                           src ? NodeContext::shape(src)[a] : 1, a, r));
  Value y = c.reshape(c.cast(hot, NodeContext::elementType(x)), shape);
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  return success();
}

/// A scale or zero point shaped to broadcast against `x`: a scalar as is, a
/// vector along `axis`, or (block_size > 0) each entry repeated over its
/// block along `axis`.
Value quantParam(OpChain &c, Value v, ArrayRef<int64_t> xs, int64_t axis,
                 int64_t blockSize) {
  if (!v)
    return v;
  ArrayRef<int64_t> vs = NodeContext::shape(v);
  if (NodeContext::type(v).getNumElements() == 1)
    return c.reshape(v, {});
  if (blockSize <= 0) {
    if (vs.size() != 1 || vs[0] != xs[axis]) {
      (void)c.ctx.error("a per-axis scale or zero point must be a vector of "
                        "the axis' size");
      return {};
    }
    SmallVector<int64_t> shape(xs.size(), 1);
    shape[axis] = vs[0];
    return c.reshape(v, shape);
  }
  if (vs.size() != xs.size() ||
      vs[axis] != (xs[axis] + blockSize - 1) / blockSize) {
    (void)c.ctx.error("a blocked scale or zero point must match the input "
                      "with the axis divided by block_size");
    return {};
  }
  SmallVector<int64_t> split(vs), wide(vs), merged(vs);
  split.insert(split.begin() + axis + 1, 1);
  wide.insert(wide.begin() + axis + 1, blockSize);
  merged[axis] *= blockSize;
  Value r = c.reshape(c.broadcastTo(c.reshape(v, split), wide), merged);
  return merged[axis] == xs[axis] ? r : c.sliceAxis(r, axis, 0, xs[axis]);
}

/// Rounds float `v` to the nearest integer, ties to even (as numpy's rint),
/// giving i32; born has no round op, so: truncate, then step away from zero
/// past a half, or at a half when the truncation is odd.
Value roundToI32(OpChain &c, Value v) {
  if (!v)
    return v;
  Type i32 = c.ctx.b.getI32Type(), f = NodeContext::elementType(v);
  // Anything this large saturates any quantized type anyway.
  v = c.min(c.max(v, c.scalarLike(v, -1e9)), c.scalarLike(v, 1e9));
  Value r = c.cast(v, i32);
  Value frac = c.make<AbsOp>(c.sub(v, c.cast(r, f)));
  Value odd = c.cmp(CmpPredicate::ne,
                    c.sub(r, c.mul(c.div(r, c.ctx.scalar(i32, 2)),
                                   c.ctx.scalar(i32, 2))),
                    c.ctx.scalar(i32, 0));
  Value i1False = c.ctx.scalar(c.ctx.b.getI1Type(), 0);
  Value i1True = c.ctx.scalar(c.ctx.b.getI1Type(), 1);
  Value half = c.scalarLike(v, 0.5);
  Value away = c.where(c.cmp(CmpPredicate::gt, frac, half), i1True,
                       c.where(c.cmp(CmpPredicate::eq, frac, half), odd,
                               i1False));
  Value step = c.where(c.cmp(CmpPredicate::lt, v, c.scalarLike(v, 0)),
                       c.ctx.scalar(i32, -1), c.ctx.scalar(i32, 1));
  return c.add(r, c.where(away, step, c.ctx.scalar(i32, 0)));
}

/// The quantized integer type of a node's output: signed 8- or 16-bit (what
/// born has); unsigned and sub-byte types are reported unsupported.
LogicalResult checkQuantType(NodeContext &ctx, Type t) {
  if (t.isInteger(8) || t.isInteger(16))
    return success();
  return ctx.unsupported("quantized type " + typeString(t) +
                         " (Born quantizes to 8 and 16-bit integers)");
}

/// saturate(round(i32 or float `v`) + zp) in the integer type `q` (read as
/// unsigned with `isUnsigned`; `zp` is already a signed view).
Value requantize(OpChain &c, Value v, Value zp, Type q, bool isUnsigned = false) {
  Type i32 = c.ctx.b.getI32Type();
  Value r = roundToI32(c, v);
  if (zp)
    r = c.add(r, c.cast(zp, i32));
  int64_t bits = q.getIntOrFloatBitWidth();
  double lo = -double(int64_t(1) << (bits - 1)), hi = -lo - 1;
  if (isUnsigned) {
    lo = 0;
    hi = double((int64_t(1) << bits) - 1);
  }
  r = c.min(c.max(r, c.ctx.scalar(i32, lo)), c.ctx.scalar(i32, hi));
  return c.cast(r, q);
}

/// The quantization axis; only per-axis and blocked scales use it (the
/// default 1 may not exist for a scalar scale).
FailureOr<int64_t> quantAxis(NodeContext &ctx, ArrayRef<int64_t> xs,
                             Value scale) {
  if (NodeContext::type(scale).getNumElements() == 1)
    return 0;
  return ctx.axis(ctx.attrInt("axis", 1), xs.size());
}

LogicalResult importQuantizeLinear(NodeContext &ctx) {
  Value x = ctx.input(0), scale = ctx.input(1), zp = ctx.optionalInput(2);
  if (!x || !scale)
    return failure();
  Type q;
  bool isUnsigned = true; // the default output is uint8
  if (zp) {
    q = NodeContext::elementType(zp);
    isUnsigned = ctx.isUnsigned(zp);
    FailureOr<Value> view = ctx.signedView(zp);
    if (failed(view))
      return failure();
    zp = *view;
  } else if (int64_t dtype = ctx.attrInt("output_dtype", 0)) {
    using ::onnx::TensorProto;
    if (dtype == TensorProto::INT8 || dtype == TensorProto::UINT8)
      q = ctx.b.getIntegerType(8);
    else if (dtype == TensorProto::INT16 || dtype == TensorProto::UINT16)
      q = ctx.b.getIntegerType(16);
    else
      return ctx.unsupported("output_dtype " + llvm::Twine(dtype));
    isUnsigned = dtype == TensorProto::UINT8 || dtype == TensorProto::UINT16;
  } else {
    q = ctx.b.getIntegerType(8);
  }
  ctx.setOutputUnsigned(0, isUnsigned);
  if (failed(checkQuantType(ctx, q)))
    return failure();
  ArrayRef<int64_t> xs = NodeContext::shape(x);
  FailureOr<int64_t> axis = quantAxis(ctx, xs, scale);
  if (failed(axis))
    return failure();
  int64_t block = ctx.attrInt("block_size", 0);
  OpChain c(ctx);
  Type f32 = ctx.b.getF32Type();
  Value v = c.div(c.cast(x, f32),
                  c.cast(quantParam(c, scale, xs, *axis, block), f32));
  Value y = requantize(c, v, quantParam(c, zp, xs, *axis, block), q,
                       isUnsigned);
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  return success();
}

LogicalResult importDequantizeLinear(NodeContext &ctx) {
  Value x = ctx.input(0), scale = ctx.input(1), zp = ctx.optionalInput(2);
  if (!x || !scale || failed(ctx.requireFloat(scale, "scale")))
    return failure();
  Type xt = NodeContext::elementType(x);
  if (!xt.isInteger(8) && !xt.isInteger(16) && !xt.isInteger(32))
    return ctx.unsupported("dequantizing " + typeString(x.getType()));
  FailureOr<Value> xView = ctx.signedView(x);
  FailureOr<Value> zpView = zp ? ctx.signedView(zp) : FailureOr<Value>(zp);
  if (failed(xView) || failed(zpView))
    return failure();
  x = *xView;
  zp = *zpView;
  ArrayRef<int64_t> xs = NodeContext::shape(x);
  FailureOr<int64_t> axis = quantAxis(ctx, xs, scale);
  if (failed(axis))
    return failure();
  int64_t block = ctx.attrInt("block_size", 0);
  Type out = NodeContext::elementType(scale);
  if (int64_t dtype = ctx.attrInt("output_dtype", 0);
      dtype && dtype != ::onnx::TensorProto::FLOAT &&
      dtype != ::onnx::TensorProto::FLOAT16 &&
      dtype != ::onnx::TensorProto::BFLOAT16)
    return ctx.unsupported("output_dtype " + llvm::Twine(dtype));
  OpChain c(ctx);
  Type i32 = ctx.b.getI32Type(), f32 = ctx.b.getF32Type();
  Value v = c.cast(x, i32);
  if (zp)
    v = c.sub(v, c.cast(quantParam(c, zp, xs, *axis, block), i32));
  Value y = c.cast(c.mul(c.cast(v, f32),
                         c.cast(quantParam(c, scale, xs, *axis, block), f32)),
                   out);
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  return success();
}

/// A MatMul operand minus its zero point, in i32; zero points of A are per
/// row (`[M]`), of B per column (`[N]`), or scalars.
Value centeredOperand(OpChain &c, Value v, Value zp, bool isA) {
  Type i32 = c.ctx.b.getI32Type();
  // Unsigned operands widen by zero extension.
  FailureOr<Value> vView = c.ctx.signedView(v);
  FailureOr<Value> zpView = zp ? c.ctx.signedView(zp) : FailureOr<Value>(zp);
  if (failed(vView) || failed(zpView))
    return {};
  Value r = c.cast(*vView, i32);
  zp = *zpView;
  if (!zp || !r)
    return r;
  zp = c.cast(zp, i32);
  if (zp && NodeContext::type(zp).getNumElements() == 1)
    zp = c.reshape(zp, {});
  else if (zp && isA)
    zp = c.reshape(zp, {NodeContext::type(zp).getNumElements(), 1});
  return c.sub(r, zp);
}

LogicalResult checkQuantOperand(NodeContext &ctx, Value v) {
  Type t = NodeContext::elementType(v);
  if (t.isInteger(8) || t.isInteger(16))
    return success();
  return ctx.unsupported("operand of type " + typeString(v.getType()));
}

LogicalResult importMatMulInteger(NodeContext &ctx) {
  Value a = ctx.input(0), b = ctx.input(1);
  if (!a || !b || failed(checkQuantOperand(ctx, a)) ||
      failed(checkQuantOperand(ctx, b)))
    return failure();
  OpChain c(ctx);
  Value y = c.matmul(centeredOperand(c, a, ctx.optionalInput(2), true),
                     centeredOperand(c, b, ctx.optionalInput(3), false));
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  return success();
}

LogicalResult importQLinearMatMul(NodeContext &ctx) {
  Value a = ctx.input(0), aScale = ctx.input(1), aZp = ctx.input(2),
        b = ctx.input(3), bScale = ctx.input(4), bZp = ctx.input(5),
        yScale = ctx.input(6), yZp = ctx.input(7);
  if (!a || !aScale || !aZp || !b || !bScale || !bZp || !yScale || !yZp ||
      failed(checkQuantOperand(ctx, a)) || failed(checkQuantOperand(ctx, b)) ||
      failed(checkQuantType(ctx, NodeContext::elementType(yZp))))
    return failure();
  if (NodeContext::rank(a) < 2 || NodeContext::rank(b) < 2)
    return ctx.error("QLinearMatMul operands must have rank >= 2");
  OpChain c(ctx);
  Value acc = c.matmul(centeredOperand(c, a, aZp, true),
                       centeredOperand(c, b, bZp, false));
  // The combined scale in the scales' own type, as ONNX's reference does,
  // applied in float32. Per-row / per-column scales broadcast like the
  // zero points.
  auto shaped = [&](Value s, bool isA) {
    if (NodeContext::type(s).getNumElements() == 1)
      return c.reshape(s, {});
    return isA ? c.reshape(s, {NodeContext::type(s).getNumElements(), 1}) : s;
  };
  Value factor = c.div(c.mul(shaped(aScale, true), shaped(bScale, false)),
                       c.reshape(yScale, {}));
  Type f32 = ctx.b.getF32Type();
  Value v = c.mul(c.cast(acc, f32), c.cast(factor, f32));
  bool isUnsigned = ctx.isUnsigned(yZp);
  FailureOr<Value> yZpView = ctx.signedView(yZp);
  if (failed(yZpView))
    return failure();
  ctx.setOutputUnsigned(0, isUnsigned);
  Value y = requantize(c, v, c.reshape(*yZpView, {}),
                       NodeContext::elementType(yZp), isUnsigned);
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  return success();
}

} // namespace

void registerNNOps(OpTable &t) {
  t.add("MatMul", importMatMul);
  t.add("Gemm", importGemm);
  t.add("Conv", importConv);
  t.add("ConvTranspose", importConvTranspose);
  t.add("MaxPool", pool(PoolMode::max));
  t.add("AveragePool", pool(PoolMode::avg));
  t.add("LpPool", pool(PoolMode::lp));
  t.add("GlobalAveragePool", globalPool(ReduceKind::mean));
  t.add("GlobalMaxPool", globalPool(ReduceKind::max));
  t.add("BatchNormalization", importBatchNorm);
  t.add("Softmax", softmax<SoftmaxOp>());
  t.add("LogSoftmax", softmax<LogSoftmaxOp>());
  t.add("LayerNormalization", importLayerNorm, 17);
  t.add("InstanceNormalization", importInstanceNorm);
  t.add("GroupNormalization", importGroupNorm, 18);
  t.add("RMSNormalization", importRMSNorm, 23);
  t.add("MeanVarianceNormalization", importMVN, 9);
  t.add("LpNormalization", importLpNorm);
  t.add("LRN", importLRN);
  t.add("GlobalLpPool", importGlobalLpPool);
  t.add("Hardmax", importHardmax);
  t.add("QuantizeLinear", importQuantizeLinear, 10);
  t.add("DequantizeLinear", importDequantizeLinear, 10);
  t.add("MatMulInteger", importMatMulInteger, 10);
  t.add("QLinearMatMul", importQLinearMatMul, 10);
}

} // namespace born::onnx
