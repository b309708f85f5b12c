//===- Attention.cpp - ONNX Attention and RotaryEmbedding -----------------===//
//
// Both decompose into born matmuls, softmax and elementwise ops. Masks that
// depend only on shapes (causal) are constants; those that depend on inputs
// (nonpad_kv_seqlen) are built with born.cmp against constant iotas.
//
//===----------------------------------------------------------------------===//
#include "compiler/ONNX/NodeContext.h"
#include "compiler/ONNX/ops/OpChain.h"

#include "onnx.pb.h"

#include <cmath>
#include <limits>

using namespace mlir;
using llvm::SmallVector;

namespace born::onnx {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// [B, S, H * D] -> [B, H, S, D].
Value splitHeads(OpChain &c, Value v, int64_t heads) {
  if (!v)
    return v;
  ArrayRef<int64_t> s = NodeContext::shape(v);
  return c.transpose(c.reshape(v, {s[0], s[1], heads, s[2] / heads}),
                     {0, 2, 1, 3});
}

/// Replaces NaN (a softmax over a row that is all -inf) with 0, as ONNX
/// asks of fully masked rows.
Value zeroNaN(OpChain &c, Value v) {
  return c.where(c.cmp(CmpPredicate::ne, v, v), c.scalarLike(v, 0), v);
}

LogicalResult importAttention(NodeContext &ctx) {
  Value q = ctx.input(0), k = ctx.input(1), v = ctx.input(2);
  if (!q || !k || !v || failed(ctx.requireFloat(q, "Q")))
    return failure();
  Value mask = ctx.optionalInput(3), pastKey = ctx.optionalInput(4),
        pastValue = ctx.optionalInput(5),
        nonpad = ctx.opset >= 24 ? ctx.optionalInput(6) : Value();
  int64_t rank = NodeContext::rank(q);
  if ((rank != 3 && rank != 4) || NodeContext::rank(k) != rank ||
      NodeContext::rank(v) != rank)
    return ctx.error("Q, K and V must all be 3-D or all 4-D");
  if (bool(pastKey) != bool(pastValue))
    return ctx.error("past_key and past_value come together");
  OpChain c(ctx);
  Type t = NodeContext::elementType(q);
  int64_t qHeads = ctx.attrInt("q_num_heads", 0),
          kvHeads = ctx.attrInt("kv_num_heads", 0);
  if (rank == 3) {
    if (qHeads < 1 || kvHeads < 1 ||
        NodeContext::shape(q)[2] % qHeads ||
        NodeContext::shape(k)[2] % kvHeads ||
        NodeContext::shape(v)[2] % kvHeads)
      return ctx.error("3-D inputs need q_num_heads and kv_num_heads that "
                       "divide their hidden sizes");
    q = splitHeads(c, q, qHeads);
    k = splitHeads(c, k, kvHeads);
    v = splitHeads(c, v, kvHeads);
    if (!q || !k || !v)
      return failure();
  }
  ArrayRef<int64_t> qs = NodeContext::shape(q), ks = NodeContext::shape(k),
                    vs = NodeContext::shape(v);
  int64_t batch = qs[0], hq = qs[1], qLen = qs[2], headSize = qs[3];
  int64_t hkv = ks[1];
  if (ks[0] != batch || vs[0] != batch || vs[1] != hkv || ks[3] != headSize ||
      hq % hkv)
    return ctx.error("Q " + typeString(q.getType()) + ", K " +
                     typeString(k.getType()) + " and V " +
                     typeString(v.getType()) +
                     " do not agree in batch, heads (q heads a multiple of "
                     "kv heads) and head size");

  // The caches grow along the sequence.
  int64_t pastLen = pastKey ? NodeContext::shape(pastKey)[2] : 0;
  if (pastKey) {
    k = c.concat({pastKey, k}, 2);
    v = c.concat({pastValue, v}, 2);
  }
  if (!k || !v)
    return failure();
  int64_t kvLen = NodeContext::shape(k)[2];
  if (ctx.hasOutput(1))
    ctx.setOutput(1, k);
  if (ctx.hasOutput(2))
    ctx.setOutput(2, v);

  // Half-precision inputs compute in float32 (rounding each step in f16
  // drifts past the reference's tolerance), results cast back.
  Type io = t;
  if (t.getIntOrFloatBitWidth() < 32) {
    t = ctx.b.getF32Type();
    q = c.cast(q, t);
    k = c.cast(k, t);
    v = c.cast(v, t);
  }

  // Scores, scaled as ONNX does: sqrt(scale) on each side.
  double scale = ctx.hasAttr("scale") ? ctx.attrFloat("scale", 1.0)
                                      : 1.0 / std::sqrt(double(headSize));
  Value root = ctx.scalar(t, std::sqrt(scale));
  // GQA without copying K and V: query heads h = g * rep + r share kv head
  // g, so [B, Hq, L, D] regroups as [B, Hkv, rep * L, D].
  int64_t rep = hq / hkv;
  Value qg = c.reshape(c.mul(q, root), {batch, hkv, rep * qLen, headSize});
  Value kt = c.transpose(c.mul(k, root), {0, 1, 3, 2});
  Value scores =
      c.reshape(c.matmul(qg, kt), {batch, hq, qLen, kvLen});
  double softcap = ctx.attrFloat("softcap", 0.0);
  if (softcap > 0)
    scores = c.mul(c.make<TanhOp>(c.div(scores, ctx.scalar(t, softcap))),
                   ctx.scalar(t, softcap));
  Value softcapped = scores;

  // The additive bias: the mask (bool: false is -inf), shorter masks padded
  // with -inf, the causal frontier and the nonpad padding.
  Value bias;
  bool mayMaskRows = false;
  if (mask) {
    bool isBool = NodeContext::elementType(mask).isInteger(1);
    if (isBool)
      mask = c.where(mask, ctx.scalar(t, 0), ctx.scalar(t, -kInf));
    else
      mask = c.cast(mask, t);
    int64_t have = mask ? NodeContext::shape(mask).back() : kvLen;
    if (have > kvLen)
      return ctx.error("attn_mask is longer than the key sequence");
    if (have < kvLen) {
      SmallVector<int64_t> padShape(NodeContext::shape(mask));
      padShape.back() = kvLen - have;
      mask = c.concat({mask, ctx.scalar(t, -kInf, padShape)},
                      NodeContext::rank(mask) - 1);
    }
    bias = mask;
    mayMaskRows = true;
  }
  if (ctx.attrInt("is_causal", 0)) {
    mayMaskRows = true;
    Value causal;
    if (nonpad && !pastKey) {
      // Per batch, key j is visible from query i when j <= i + nonpad[b] - L.
      Type it = ctx.b.getI64Type();
      Value offset = c.reshape(
          c.sub(c.cast(nonpad, it), ctx.scalar(it, qLen)), {batch, 1, 1});
      Value frontier = c.add(c.iota(it, qLen, 1, 3), offset);
      Value allowed = c.cmp(CmpPredicate::le, c.iota(it, kvLen, 2, 3), frontier);
      causal = c.reshape(
          c.where(allowed, ctx.scalar(t, 0), ctx.scalar(t, -kInf)),
          {batch, 1, qLen, kvLen});
    } else {
      SmallVector<double> values;
      for (int64_t i = 0; i < qLen; ++i)
        for (int64_t j = 0; j < kvLen; ++j)
          values.push_back(j <= i + pastLen ? 0.0 : -kInf);
      causal = c.constant(t, {qLen, kvLen}, values);
    }
    bias = bias ? c.add(bias, causal) : causal;
  }
  if (nonpad) {
    mayMaskRows = true;
    Type it = ctx.b.getI64Type();
    Value valid = c.cmp(CmpPredicate::lt, c.iota(it, kvLen, 1, 2),
                        c.reshape(c.cast(nonpad, it), {batch, 1}));
    Value padding = c.reshape(
        c.where(valid, ctx.scalar(t, 0), ctx.scalar(t, -kInf)),
        {batch, 1, 1, kvLen});
    bias = bias ? c.add(bias, padding) : padding;
  }
  if (bias)
    scores = c.add(scores, bias);

  int64_t precision = ctx.attrInt("softmax_precision", 0);
  Type softmaxType = t;
  if (precision == 1)
    softmaxType = ctx.b.getF32Type();
  else if (precision == 10)
    softmaxType = ctx.b.getF16Type();
  else if (precision == 11)
    softmaxType = ctx.b.getF64Type();
  else if (precision == 16)
    softmaxType = ctx.b.getBF16Type();
  else if (precision != 0)
    return ctx.unsupported("softmax_precision " + llvm::Twine(precision));
  Value probs = c.make<SoftmaxOp>(c.cast(scores, softmaxType), int64_t(3));
  if (mayMaskRows)
    probs = zeroNaN(c, probs);
  probs = c.cast(probs, t);

  if (ctx.hasOutput(3)) {
    softcapped = c.cast(softcapped, io);
    scores = c.cast(scores, io);
    Value outProbs = c.cast(probs, io);
    int64_t mode = ctx.attrInt("qk_matmul_output_mode", 0);
    // ONNX's reference: modes 0 and 1 give the (softcapped) scores, 2 adds
    // the mask, 3 is the softmax.
    if (mode == 0 || mode == 1)
      ctx.setOutput(3, softcapped);
    else if (mode == 2)
      ctx.setOutput(3, scores);
    else if (mode == 3)
      ctx.setOutput(3, outProbs);
    else
      return ctx.unsupported("qk_matmul_output_mode " + llvm::Twine(mode));
  }

  int64_t vHead = NodeContext::shape(v)[3];
  Value y = c.reshape(
      c.matmul(c.reshape(probs, {batch, hkv, rep * qLen, kvLen}), v),
      {batch, hq, qLen, vHead});
  if (rank == 3)
    y = c.reshape(c.transpose(y, {0, 2, 1, 3}), {batch, qLen, hq * vHead});
  y = c.cast(y, io);
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  for (int64_t i = 1; i < 4; ++i)
    if (ctx.hasOutput(i) && !ctx.outputs()[i])
      return failure();
  return success();
}

/// RotaryEmbedding (opset 23): rotates pairs of the first
/// rotary_embedding_dim features of each head by the cached angles, the
/// pairs being the two halves or, with `interleaved`, neighbours.
LogicalResult importRotaryEmbedding(NodeContext &ctx) {
  Value x = ctx.input(0), cosCache = ctx.input(1), sinCache = ctx.input(2);
  if (!x || !cosCache || !sinCache || failed(ctx.requireFloat(x, "input")))
    return failure();
  Value positions = ctx.optionalInput(3);
  int64_t rank = NodeContext::rank(x);
  if (rank != 3 && rank != 4)
    return ctx.error("RotaryEmbedding input must be 3-D or 4-D");
  OpChain c(ctx);
  ArrayRef<int64_t> xs = NodeContext::shape(x);
  // Work on [B, H, S, D] (4-D input) or [B, S, H, D] (3-D input, split).
  Value h = x;
  int64_t heads = ctx.attrInt("num_heads", 0);
  if (rank == 3) {
    if (heads < 1 || xs[2] % heads)
      return ctx.error("3-D input needs num_heads dividing its hidden size");
    h = c.reshape(x, {xs[0], xs[1], heads, xs[2] / heads});
  }
  if (!h)
    return failure();
  ArrayRef<int64_t> hs = NodeContext::shape(h);
  int64_t batch = hs[0], seq = rank == 4 ? hs[2] : hs[1], head = hs[3];
  int64_t dim = ctx.attrInt("rotary_embedding_dim", 0);
  if (dim == 0)
    dim = head;
  if (dim > head || dim % 2)
    return ctx.error("rotary_embedding_dim must be even and at most the head "
                     "size");
  int64_t half = dim / 2;
  Type t = NodeContext::elementType(x);
  Value cosv = c.cast(cosCache, t), sinv = c.cast(sinCache, t);
  if (positions) {
    cosv = c.make<GatherOp>(cosv, positions, int64_t(0));
    sinv = c.make<GatherOp>(sinv, positions, int64_t(0));
  }
  // [B, S, dim/2] -> broadcast over heads.
  SmallVector<int64_t> angleShape =
      rank == 4 ? SmallVector<int64_t>{batch, 1, seq, half}
                : SmallVector<int64_t>{batch, seq, 1, half};
  cosv = c.reshape(cosv, angleShape);
  sinv = c.reshape(sinv, angleShape);
  bool interleaved = ctx.attrInt("interleaved", 0);
  Value x1 = interleaved ? c.sliceAxis(h, 3, 0, dim, 2)
                         : c.sliceAxis(h, 3, 0, half);
  Value x2 = interleaved ? c.sliceAxis(h, 3, 1, dim, 2)
                         : c.sliceAxis(h, 3, half, dim);
  Value real = c.sub(c.mul(cosv, x1), c.mul(sinv, x2));
  Value imag = c.add(c.mul(sinv, x1), c.mul(cosv, x2));
  Value rotated;
  if (interleaved) {
    SmallVector<int64_t> pairs{hs[0], hs[1], hs[2], half, 1};
    rotated = c.reshape(
        c.concat({c.reshape(real, pairs), c.reshape(imag, pairs)}, 4),
        {hs[0], hs[1], hs[2], dim});
  } else {
    rotated = c.concat({real, imag}, 3);
  }
  Value y = dim < head ? c.concat({rotated, c.sliceAxis(h, 3, dim, head)}, 3)
                       : rotated;
  y = c.reshape(y, xs);
  if (!y)
    return failure();
  ctx.setOutput(0, y);
  return success();
}

} // namespace

void registerAttentionOps(OpTable &t) {
  t.add("Attention", importAttention, 23);
  t.add("RotaryEmbedding", importRotaryEmbedding, 23);
}

} // namespace born::onnx
