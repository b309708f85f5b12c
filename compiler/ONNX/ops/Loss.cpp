//===- Loss.cpp - ONNX NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss -===//
//
// The target class of each element selects from the class axis through a
// one-hot mask (born.cmp of the targets against a constant iota), so no
// gather with data-dependent indices is needed.
//
//===----------------------------------------------------------------------===//
#include "compiler/ONNX/NodeContext.h"
#include "compiler/ONNX/ops/OpChain.h"

#include "onnx.pb.h"

using namespace mlir;
using llvm::SmallVector;

namespace born::onnx {
namespace {

/// The loss of `logProb` (`[N, C, d...]`) at `target` (`[N, d...]`), reduced
/// per the node's `reduction`; null on failure.
Value nllLoss(NodeContext &ctx, Value logProb, Value target, Value weight) {
  OpChain c(ctx);
  ArrayRef<int64_t> ps = NodeContext::shape(logProb),
                    ts = NodeContext::shape(target);
  int64_t rank = ps.size();
  if (rank < 2 || int64_t(ts.size()) != rank - 1 || ts[0] != ps[0] ||
      !llvm::equal(ts.drop_front(), ps.drop_front(2))) {
    (void)ctx.error("target " + typeString(target.getType()) +
                    " does not match input " + typeString(logProb.getType()) +
                    " without its class axis");
    return {};
  }
  Type it = NodeContext::elementType(target), t = NodeContext::elementType(logProb);
  if (!it.isInteger(32) && !it.isInteger(64)) {
    (void)ctx.unsupported("target of type " + typeString(target.getType()));
    return {};
  }
  std::string reduction = ctx.attrString("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean") {
    (void)ctx.unsupported("reduction '" + reduction + "'");
    return {};
  }
  int64_t classes = ps[1];
  SmallVector<int64_t> withAxis(ts);
  withAxis.insert(withAxis.begin() + 1, 1);
  Value t1 = c.reshape(target, withAxis);
  Value hot = c.cmp(CmpPredicate::eq, t1, c.iota(it, classes, 1, rank));
  // An ignored class in range must not select anything; one out of range
  // (typically -1) matches no class already.
  if (ctx.hasAttr("ignore_index")) {
    int64_t ignore = ctx.attrInt("ignore_index", 0);
    if (ignore >= 0 && ignore < classes)
      hot = c.where(c.cmp(CmpPredicate::ne, t1, ctx.scalar(it, ignore)), hot,
                    ctx.scalar(ctx.b.getI1Type(), 0));
  }
  Value zero = ctx.scalar(t, 0);
  Value w = zero;
  if (weight) {
    SmallVector<int64_t> wshape(rank, 1);
    wshape[1] = classes;
    w = c.reshape(c.cast(weight, t), wshape);
  } else {
    w = ctx.scalar(t, 1);
  }
  // Per element: the selected weight and -weight * logProb[target].
  Value wsel = c.reduce(ReduceKind::sum, c.where(hot, w, zero), {1}, false);
  Value loss = c.make<NegOp>(c.reduce(
      ReduceKind::sum, c.where(hot, c.mul(logProb, w), zero), {1}, false));
  if (reduction == "none" || !loss)
    return loss;
  SmallVector<int64_t> all;
  for (int64_t i = 0; i < rank - 1; ++i)
    all.push_back(i);
  Value total = c.reduce(ReduceKind::sum, loss, all, false);
  if (reduction == "sum")
    return total;
  return c.div(total, c.reduce(ReduceKind::sum, wsel, all, false));
}

LogicalResult importNLLLoss(NodeContext &ctx) {
  Value input = ctx.input(0), target = ctx.input(1);
  if (!input || !target || failed(ctx.requireFloat(input, "input")))
    return failure();
  Value loss = nllLoss(ctx, input, target, ctx.optionalInput(2));
  if (!loss)
    return failure();
  ctx.setOutput(0, loss);
  return success();
}

LogicalResult importSoftmaxCrossEntropyLoss(NodeContext &ctx) {
  Value scores = ctx.input(0), labels = ctx.input(1);
  if (!scores || !labels || failed(ctx.requireFloat(scores, "scores")))
    return failure();
  if (NodeContext::rank(scores) < 2)
    return ctx.error("scores must be [N, C, ...]");
  OpChain c(ctx);
  Value logProb = c.make<LogSoftmaxOp>(scores, int64_t(1));
  if (!logProb)
    return failure();
  Value loss = nllLoss(ctx, logProb, labels, ctx.optionalInput(2));
  if (!loss)
    return failure();
  ctx.setOutput(0, loss);
  if (ctx.hasOutput(1))
    ctx.setOutput(1, logProb);
  return success();
}

} // namespace

void registerLossOps(OpTable &t) {
  t.add("NegativeLogLikelihoodLoss", importNLLLoss, 12);
  t.add("SoftmaxCrossEntropyLoss", importSoftmaxCrossEntropyLoss, 12);
}

} // namespace born::onnx
