//===- Reduction.cpp - ONNX reductions and arg reductions -----------------===//
#include "compiler/ONNX/NodeContext.h"

#include "onnx.pb.h"

using namespace mlir;
using llvm::SmallVector;

namespace born::onnx {
namespace {

/// The reduced axes: the `axes` attribute before `inputSince`, input 1 from
/// then on; none listed means all, unless noop_with_empty_axes.
FailureOr<SmallVector<int64_t>> reducedAxes(NodeContext &ctx,
                                            int64_t inputSince, int64_t rank,
                                            bool &noop) {
  SmallVector<int64_t> axes;
  noop = false;
  if (ctx.opset < inputSince) {
    axes = ctx.attrInts("axes");
  } else if (ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> a = ctx.intsInput(1, "axes");
    if (failed(a))
      return failure();
    axes = *a;
  }
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

ImportFn reduce(ReduceKind kind, int64_t inputSince) {
  return [kind, inputSince](NodeContext &ctx) -> LogicalResult {
    Value x = ctx.input(0);
    if (!x)
      return failure();
    bool noop;
    FailureOr<SmallVector<int64_t>> axes =
        reducedAxes(ctx, inputSince, NodeContext::rank(x), noop);
    if (failed(axes))
      return failure();
    if (noop || axes->empty()) {
      ctx.setOutput(0, x);
      return success();
    }
    FailureOr<Value> y =
        ctx.make<ReduceOp>(kind, x, *axes, bool(ctx.attrInt("keepdims", 1)));
    if (failed(y))
      return failure();
    ctx.setOutput(0, *y);
    return success();
  };
}

LogicalResult importArgMax(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  if (ctx.attrInt("select_last_index", 0))
    return ctx.unsupported("select_last_index=1");
  FailureOr<int64_t> axis =
      ctx.axis(ctx.attrInt("axis", 0), NodeContext::rank(x));
  if (failed(axis))
    return failure();
  FailureOr<Value> y =
      ctx.make<ArgmaxOp>(x, *axis, bool(ctx.attrInt("keepdims", 1)));
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

} // namespace

void registerReductionOps(OpTable &t) {
  t.add("ReduceSum", reduce(ReduceKind::sum, 13));
  t.add("ReduceMean", reduce(ReduceKind::mean, 18));
  t.add("ReduceMax", reduce(ReduceKind::max, 18));
  t.add("ReduceMin", reduce(ReduceKind::min, 18));
  t.add("ArgMax", importArgMax);
}

} // namespace born::onnx
