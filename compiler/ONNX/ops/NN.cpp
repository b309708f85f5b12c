//===- NN.cpp - ONNX contractions, convolutions, pooling, normalizations --===//
#include "compiler/ONNX/NodeContext.h"

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
  } else if (spatial == 2) {
    w.padding = pads;
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

LogicalResult importConv(NodeContext &ctx) {
  Value x = ctx.input(0), w = ctx.input(1);
  if (!x || !w || failed(ctx.requireFloat(x, "input")))
    return failure();
  int64_t rank = NodeContext::rank(x);
  if (rank != 3 && rank != 4)
    return ctx.unsupported("Conv of rank " + llvm::Twine(rank));
  if (NodeContext::rank(w) != rank)
    return ctx.error("weight rank differs from the input's");
  SmallVector<int64_t> kernel = ctx.attrInts("kernel_shape");
  if (kernel.empty())
    kernel.assign(NodeContext::shape(w).begin() + 2, NodeContext::shape(w).end());
  FailureOr<Window> win = windowOf(ctx, NodeContext::shape(x), kernel);
  if (failed(win))
    return failure();
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

ImportFn pool(PoolKind kind) {
  return [kind](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (!x || failed(ctx.requireFloat(x, "input")))
      return failure();
    int64_t rank = NodeContext::rank(x);
    if (rank != 3 && rank != 4)
      return ctx.unsupported("pooling of rank " + llvm::Twine(rank));
    FailureOr<Window> win = windowOf(ctx, NodeContext::shape(x),
                                     ctx.attrInts("kernel_shape"));
    if (failed(win))
      return failure();
    if (llvm::any_of(win->dilations, [](int64_t d) { return d != 1; }))
      return ctx.unsupported("pooling with dilations");
    bool includePad = kind == PoolKind::avg && ctx.attrInt("count_include_pad", 0);
    if (ctx.attrInt("ceil_mode", 0) && includePad)
      return ctx.unsupported("ceil_mode=1 with count_include_pad=1");
    if (ctx.hasOutput(1))
      return ctx.unsupported("the Indices output");
    FailureOr<Value> x2 = lift1D(ctx, x);
    if (failed(x2))
      return failure();
    // ceil_mode: windows that run past the end count (unless one would start
    // in the end padding); that is floor mode with more end padding, which
    // never wins a max nor counts toward an average.
    for (int64_t d = 0; d < 2 && ctx.attrInt("ceil_mode", 0); ++d) {
      int64_t size = NodeContext::shape(*x2)[2 + d], k = win->kernel[d],
              s = win->strides[d], &begin = win->padding[d],
              &end = win->padding[2 + d];
      int64_t out = llvm::divideCeil(size + begin + end - k, s) + 1;
      if ((out - 1) * s >= size + begin)
        --out;
      end += std::max<int64_t>(0, (out - 1) * s + k - (size + begin + end));
    }
    FailureOr<Value> y = ctx.make<Pool2DOp>(
        kind, *x2, win->kernel, win->strides, win->padding, includePad);
    if (succeeded(y))
      y = lower1D(ctx, *y, rank == 3);
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  };
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

LogicalResult importBatchNorm(NodeContext &ctx) {
  Value x = ctx.input(0), scale = ctx.input(1), bias = ctx.input(2),
        mean = ctx.input(3), var = ctx.input(4);
  if (!x || !scale || !bias || !mean || !var ||
      failed(ctx.requireFloat(x, "input")))
    return failure();
  if (ctx.opset >= 14 && ctx.attrInt("training_mode", 0))
    return ctx.unsupported("training_mode=1");
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
  if (ctx.hasOutput(1) || ctx.hasOutput(2))
    return ctx.unsupported("the Mean and InvStdDev outputs");
  int64_t rank = NodeContext::rank(x);
  FailureOr<int64_t> axis = ctx.axis(ctx.attrInt("axis", -1), rank);
  if (failed(axis))
    return failure();
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
      ctx.b.getF64FloatAttr(ctx.attrFloat("epsilon", 1e-5)));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

} // namespace

void registerNNOps(OpTable &t) {
  t.add("MatMul", importMatMul);
  t.add("Gemm", importGemm);
  t.add("Conv", importConv);
  t.add("MaxPool", pool(PoolKind::max));
  t.add("AveragePool", pool(PoolKind::avg));
  t.add("GlobalAveragePool", globalPool(ReduceKind::mean));
  t.add("GlobalMaxPool", globalPool(ReduceKind::max));
  t.add("BatchNormalization", importBatchNorm);
  t.add("Softmax", softmax<SoftmaxOp>());
  t.add("LogSoftmax", softmax<LogSoftmaxOp>());
  t.add("LayerNormalization", importLayerNorm, 17);
}

} // namespace born::onnx
