//===- Reduction.cpp - ONNX reductions and arg reductions -----------------===//
#include "compiler/ONNX/NodeContext.h"

#include "onnx.pb.h"

#include <cmath>
#include <limits>

using namespace mlir;
using llvm::SmallVector;

namespace born::onnx {
namespace {

/// The reduced axes: the `axes` attribute before `inputSince`, input 1 from
/// then on; none listed means all, unless noop_with_empty_axes.
FailureOr<SmallVector<int64_t>> reducedAxes(NodeContext &ctx,
                                            int64_t inputSince, int64_t rank,
                                            bool &noop) {
  noop = false;
  FailureOr<SmallVector<int64_t>> given =
      ctx.attrOrInputInts("axes", inputSince, 1);
  if (failed(given))
    return failure();
  SmallVector<int64_t> axes = *given;
  if (axes.empty()) {
    if (ctx.opset >= inputSince && ctx.attrInt("noop_with_empty_axes", 0)) {
      noop = true;
      return axes;
    }
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  for (int64_t &a : axes) {
    FailureOr<int64_t> n = ctx.axis(a, rank, "axes entry");
    if (failed(n))
      return failure();
    a = *n;
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  return axes;
}

/// What a reduction does around its born.reduce: a map before (x*x, |x|)
/// and after (sqrt, log).
enum class Post { none, sqrt, log };
enum class Pre { none, square, abs };

/// The value of a reduction over an empty set.
double emptyValue(ReduceKind kind, Post post) {
  switch (kind) {
  case ReduceKind::max:
    return -std::numeric_limits<double>::infinity();
  case ReduceKind::min:
    return std::numeric_limits<double>::infinity();
  case ReduceKind::prod:
    return 1;
  default:
    return post == Post::log ? -std::numeric_limits<double>::infinity() : 0;
  }
}

ImportFn reduce(ReduceKind kind, int64_t inputSince, Pre pre = Pre::none,
                Post post = Post::none, bool logSumExp = false) {
  return [=](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (!x)
      return failure();
    Type t = NodeContext::elementType(x);
    if ((post != Post::none || logSumExp) &&
        failed(ctx.requireFloat(x, "input")))
      return failure();
    bool noop;
    FailureOr<SmallVector<int64_t>> axes =
        reducedAxes(ctx, inputSince, NodeContext::rank(x), noop);
    if (failed(axes))
      return failure();
    bool keepdims = ctx.attrInt("keepdims", 1);
    SmallVector<int64_t> kept; // the result shape
    for (auto [i, d] : llvm::enumerate(NodeContext::shape(x)))
      if (!llvm::is_contained(*axes, int64_t(i)))
        kept.push_back(d);
      else if (keepdims)
        kept.push_back(1);
    FailureOr<Value> y = x;
    auto apply = [&](auto fn) {
      if (succeeded(y))
        y = fn(*y);
    };
    if (pre == Pre::square)
      apply([&](Value v) { return ctx.make<MulOp>(v, v); });
    if (pre == Pre::abs)
      apply([&](Value v) { return ctx.make<AbsOp>(v); });
    if (noop || axes->empty()) {
      // Nothing reduced; the element map still applies.
    } else if (NodeContext::type(x).getNumElements() == 0) {
      double v = emptyValue(kind, logSumExp ? Post::log : post);
      if (!isa<FloatType>(t) && std::isinf(v)) {
        unsigned width = t.getIntOrFloatBitWidth();
        v = v < 0 ? -std::ldexp(1.0, width - 1)
                  : std::ldexp(1.0, width - 1) - 1;
      }
      ctx.setOutput(0, ctx.scalar(t, v, kept));
      return success();
    } else if (logSumExp) {
      // log(sum(exp(x - max))) + max, stable for large x.
      FailureOr<Value> m = ctx.make<ReduceOp>(ReduceKind::max, x, *axes, true);
      if (failed(m))
        return failure();
      apply([&](Value v) { return ctx.make<SubOp>(v, *m); });
      apply([&](Value v) { return ctx.make<ExpOp>(v); });
      apply([&](Value v) {
        return ctx.make<ReduceOp>(ReduceKind::sum, v, *axes, true);
      });
      apply([&](Value v) { return ctx.make<LogOp>(v); });
      apply([&](Value v) { return ctx.make<AddOp>(v, *m); });
      apply([&](Value v) { return ctx.reshape(v, kept); });
    } else {
      bool signSensitive = kind == ReduceKind::max || kind == ReduceKind::min ||
                           kind == ReduceKind::mean;
      apply([&](Value v) {
        auto build = [&](ArrayRef<Value> in) {
          return ctx.make<ReduceOp>(kind, in[0], *axes, keepdims);
        };
        return signSensitive ? ctx.onSignedViews({v}, build,
                                                 kind != ReduceKind::mean)
                             : build({v});
      });
    }
    if (post == Post::sqrt)
      apply([&](Value v) { return ctx.make<SqrtOp>(v); });
    if (post == Post::log)
      apply([&](Value v) { return ctx.make<LogOp>(v); });
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  };
}

/// ArgMax and ArgMin; ArgMin is the ArgMax of the negation, and
/// select_last_index is the ArgMax of the reversed axis, mapped back.
ImportFn argReduce(bool isMin) {
  return [isMin](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (!x)
      return failure();
    int64_t rank = NodeContext::rank(x);
    FailureOr<int64_t> axis = ctx.axis(ctx.attrInt("axis", 0), rank);
    if (failed(axis))
      return failure();
    bool keepdims = ctx.attrInt("keepdims", 1);
    bool last = ctx.attrInt("select_last_index", 0);
    FailureOr<Value> view = ctx.signedView(x);
    if (failed(view))
      return failure();
    x = *view;
    Type t = NodeContext::elementType(x);
    FailureOr<Value> v = x;
    if (isMin) {
      // For integers -x overflows at the lowest value; -1 - x (= ~x)
      // orders the same way without overflow.
      v = isa<FloatType>(t) ? ctx.make<NegOp>(x)
                            : ctx.make<SubOp>(ctx.scalar(t, -1), x);
    }
    int64_t n = NodeContext::shape(x)[*axis];
    if (last && succeeded(v)) {
      SmallVector<int64_t> reversed;
      for (int64_t i = n - 1; i >= 0; --i)
        reversed.push_back(i);
      auto type = RankedTensorType::get({n}, ctx.b.getI64Type());
      v = ctx.make<GatherOp>(
          *v, ctx.constant(DenseElementsAttr::get(type, ArrayRef(reversed))),
          *axis);
    }
    if (failed(v))
      return failure();
    FailureOr<Value> y = ctx.make<ArgmaxOp>(*v, *axis, keepdims);
    if (last && succeeded(y))
      y = ctx.make<SubOp>(ctx.scalar(ctx.b.getI64Type(), n - 1), *y);
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  };
}

} // namespace

void registerReductionOps(OpTable &t) {
  t.add("ReduceSum", reduce(ReduceKind::sum, 13));
  t.add("ReduceMean", reduce(ReduceKind::mean, 18));
  t.add("ReduceMax", reduce(ReduceKind::max, 18));
  t.add("ReduceMin", reduce(ReduceKind::min, 18));
  t.add("ReduceProd", reduce(ReduceKind::prod, 18));
  t.add("ReduceL1", reduce(ReduceKind::sum, 18, Pre::abs));
  t.add("ReduceL2", reduce(ReduceKind::sum, 18, Pre::square, Post::sqrt));
  t.add("ReduceSumSquare", reduce(ReduceKind::sum, 18, Pre::square));
  t.add("ReduceLogSum", reduce(ReduceKind::sum, 18, Pre::none, Post::log));
  t.add("ReduceLogSumExp",
        reduce(ReduceKind::sum, 18, Pre::none, Post::none, /*logSumExp=*/true));
  t.add("ArgMax", argReduce(false));
  t.add("ArgMin", argReduce(true));
}

} // namespace born::onnx
