//===- Indexing.cpp - ONNX indexing, padding and resampling ops -----------===//
//
// Ops without a born counterpart, decomposed into born ops. Whatever depends
// only on shapes and compile-time inputs (sample indices, interpolation
// weights, masks) is computed here in C++ and becomes a born.constant.
//
//===----------------------------------------------------------------------===//
#include "compiler/ONNX/NodeContext.h"
#include "compiler/ONNX/TensorProto.h"

#include "onnx.pb.h"

#include <cmath>
#include <map>
#include <numeric>

using namespace mlir;
using llvm::SmallVector;
using llvm::Twine;

namespace born::onnx {
namespace {

// Most importers are a chain of born ops, each of which may fail with the
// node's error already recorded.
#define BORN_TRY(var, expr)                                                    \
  Value var;                                                                   \
  {                                                                            \
    FailureOr<Value> result_ = (expr);                                         \
    if (failed(result_))                                                       \
      return failure();                                                        \
    var = *result_;                                                            \
  }

int64_t product(ArrayRef<int64_t> shape) {
  return std::accumulate(shape.begin(), shape.end(), int64_t(1),
                         std::multiplies<int64_t>());
}

/// Row-major strides of `shape`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = int64_t(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

/// The coordinates of row-major position `linear` in `shape`.
SmallVector<int64_t> coordsOf(int64_t linear, ArrayRef<int64_t> shape) {
  SmallVector<int64_t> coords(shape.size());
  for (int64_t i = int64_t(shape.size()) - 1; i >= 0; --i) {
    coords[i] = shape[i] ? linear % shape[i] : 0;
    linear = shape[i] ? linear / shape[i] : 0;
  }
  return coords;
}

Value i64Tensor(NodeContext &ctx, ArrayRef<int64_t> shape,
                ArrayRef<int64_t> values) {
  auto type = RankedTensorType::get(shape, ctx.b.getI64Type());
  return ctx.constant(DenseElementsAttr::get(type, values));
}

Value i64Vector(NodeContext &ctx, ArrayRef<int64_t> values) {
  return i64Tensor(ctx, {int64_t(values.size())}, values);
}

Value boolTensor(NodeContext &ctx, ArrayRef<int64_t> shape,
                 ArrayRef<bool> values) {
  auto type = RankedTensorType::get(shape, ctx.b.getI1Type());
  return ctx.constant(DenseElementsAttr::get(type, values));
}

/// A constant of any element type from doubles (integers truncate).
Value numericTensor(NodeContext &ctx, Type elementType,
                    ArrayRef<int64_t> shape, ArrayRef<double> values) {
  auto type = RankedTensorType::get(shape, elementType);
  if (auto f = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> elements;
    for (double v : values) {
      APFloat value(v);
      bool lost;
      value.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                    &lost);
      elements.push_back(value);
    }
    return ctx.constant(DenseElementsAttr::get(type, elements));
  }
  unsigned width = elementType.getIntOrFloatBitWidth();
  SmallVector<APInt> elements;
  for (double v : values)
    elements.push_back(width == 1 ? APInt(1, v != 0)
                                  : APInt(width, uint64_t(int64_t(v)),
                                          /*isSigned=*/true));
  return ctx.constant(DenseElementsAttr::get(type, elements));
}

/// `indices` (any integer type) as i64, negative entries counting back from
/// `size`.
FailureOr<Value> wrapIndices(NodeContext &ctx, Value indices, int64_t size) {
  Type it = NodeContext::elementType(indices);
  if (!it.isInteger() || it.isInteger(1))
    return ctx.unsupported("indices of type " + typeString(indices.getType()));
  BORN_TRY(idx, ctx.cast(indices, ctx.b.getI64Type()));
  Type i64 = ctx.b.getI64Type();
  BORN_TRY(isNeg, ctx.make<CmpOp>(CmpPredicate::lt, idx, ctx.scalar(i64, 0)));
  BORN_TRY(wrapped, ctx.make<AddOp>(idx, ctx.scalar(i64, size)));
  return ctx.make<WhereOp>(isNeg, wrapped, idx);
}

FailureOr<Value> slice1(NodeContext &ctx, Value x, int64_t axis, int64_t begin,
                        int64_t end) {
  ArrayRef<int64_t> shape = NodeContext::shape(x);
  SmallVector<int64_t> start(shape.size(), 0), limit(shape),
      step(shape.size(), 1);
  start[axis] = begin;
  limit[axis] = end;
  return ctx.make<SliceOp>(x, start, limit, step);
}

LogicalResult setResult(NodeContext &ctx, FailureOr<Value> y) {
  if (failed(y))
    return failure();
  ctx.setOutput(0, *y);
  return success();
}

//===----------------------------------------------------------------------===//
// Split, Tile, Pad
//===----------------------------------------------------------------------===//

LogicalResult importSplit(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  ArrayRef<int64_t> shape = NodeContext::shape(x);
  FailureOr<int64_t> axis = ctx.axis(ctx.attrInt("axis", 0), shape.size());
  if (failed(axis))
    return failure();
  int64_t size = shape[*axis], n = ctx.numOutputs();
  SmallVector<int64_t> sizes;
  // Opset 1 took `split` as an attribute or input 1; 2 to 12 as an
  // attribute; 13 on as input 1.
  if (ctx.opset < 13)
    sizes = ctx.attrInts("split");
  if (sizes.empty() && ctx.hasInput(1) && (ctx.opset >= 13 || ctx.opset < 2)) {
    FailureOr<SmallVector<int64_t>> s = ctx.intsInput(1, "split");
    if (failed(s))
      return failure();
    sizes = *s;
  }
  if (sizes.empty()) {
    if (ctx.opset >= 18 && ctx.hasAttr("num_outputs")) {
      // Opset 18: ceil-sized chunks, the last one smaller.
      int64_t k = ctx.attrInt("num_outputs", n);
      if (k != n || k <= 0)
        return ctx.error("num_outputs is " + Twine(k) + " but the node has " +
                         Twine(n) + " outputs");
      int64_t chunk = (size + k - 1) / k;
      for (int64_t i = 0; i < k; ++i)
        sizes.push_back(std::max<int64_t>(
            0, std::min(chunk, size - chunk * i)));
    } else {
      if (n <= 0 || size % n)
        return ctx.error("cannot split a dimension of " + Twine(size) +
                         " into " + Twine(n) + " equal parts");
      sizes.assign(n, size / n);
    }
  }
  if (int64_t(sizes.size()) != n)
    return ctx.error("split has " + Twine(sizes.size()) +
                     " entries but the node has " + Twine(n) + " outputs");
  int64_t offset = 0;
  for (auto [i, s] : llvm::enumerate(sizes)) {
    if (s < 0 || offset + s > size)
      return ctx.error("split sizes do not add up to the dimension's " +
                       Twine(size));
    BORN_TRY(part, slice1(ctx, x, *axis, offset, offset + s));
    ctx.setOutput(i, part);
    offset += s;
  }
  if (offset != size)
    return ctx.error("split sizes add up to " + Twine(offset) +
                     ", not the dimension's " + Twine(size));
  return success();
}

LogicalResult importTile(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  if (ctx.opset < 6)
    return ctx.unsupported("Tile before opset 6 (tiles and axis inputs)");
  FailureOr<SmallVector<int64_t>> repeats = ctx.intsInput(1, "repeats");
  if (failed(repeats))
    return failure();
  ArrayRef<int64_t> shape = NodeContext::shape(x);
  if (repeats->size() != shape.size())
    return ctx.error("repeats has " + Twine(repeats->size()) +
                     " entries for an input of rank " + Twine(shape.size()));
  // [d0, d1] -> [1, d0, 1, d1] -> [r0, d0, r1, d1] -> [r0 * d0, r1 * d1]:
  // the repeat index is the slower one, as Tile wants.
  SmallVector<int64_t> split, repeated, out;
  for (auto [d, r] : llvm::zip(shape, *repeats)) {
    if (r < 0)
      return ctx.error("a repeat count is negative");
    split.append({1, d});
    repeated.append({r, d});
    out.push_back(r * d);
  }
  BORN_TRY(s, ctx.reshape(x, split));
  BORN_TRY(b, ctx.broadcastTo(s, repeated));
  return setResult(ctx, ctx.reshape(b, out));
}

/// Source index along an axis of size `d` for output position `j` (which
/// may lie outside [0, d)) under a non-constant Pad mode.
int64_t padSource(llvm::StringRef mode, int64_t j, int64_t d) {
  if (mode == "edge")
    return std::clamp<int64_t>(j, 0, d - 1);
  if (mode == "wrap")
    return ((j % d) + d) % d;
  // reflect: the index pattern repeats with period 2 * (d - 1).
  if (d == 1)
    return 0;
  int64_t period = 2 * (d - 1);
  j = ((j % period) + period) % period;
  return j < d ? j : period - j;
}

LogicalResult importPad(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  ArrayRef<int64_t> shape = NodeContext::shape(x);
  int64_t rank = shape.size();
  Type et = NodeContext::elementType(x);
  std::string mode = ctx.attrString("mode", "constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge" &&
      (mode != "wrap" || ctx.opset < 19))
    return ctx.unsupported("mode '" + mode + "'");

  SmallVector<int64_t> pads, axes;
  Value value;
  if (ctx.opset < 11) {
    pads = ctx.attrInts(ctx.opset < 2 ? "paddings" : "pads");
    value = ctx.scalar(et, ctx.attrFloat("value", 0));
  } else {
    FailureOr<SmallVector<int64_t>> p = ctx.intsInput(1, "pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (ctx.hasInput(2)) {
      Value v = ctx.input(2);
      if (!v)
        return failure();
      if (NodeContext::type(v).getNumElements() != 1)
        return ctx.error("constant_value must have one element");
      if (NodeContext::elementType(v) != et)
        return ctx.error("constant_value's type " + typeString(v.getType()) +
                         " differs from the input's");
      BORN_TRY(r, ctx.reshape(v, {}));
      value = r;
    } else {
      value = ctx.scalar(et, 0);
    }
    if (ctx.opset >= 18 && ctx.hasInput(3)) {
      FailureOr<SmallVector<int64_t>> a = ctx.intsInput(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
  }
  if (axes.empty())
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  int64_t n = axes.size();
  if (int64_t(pads.size()) != 2 * n)
    return ctx.error("pads has " + Twine(pads.size()) + " entries, expected " +
                     Twine(2 * n));
  SmallVector<int64_t> before(rank, 0), after(rank, 0);
  for (int64_t i = 0; i < n; ++i) {
    FailureOr<int64_t> a = ctx.axis(axes[i], rank, "axes entry");
    if (failed(a))
      return failure();
    before[*a] = pads[i];
    after[*a] = pads[i + n];
  }

  // Negative pads crop.
  SmallVector<int64_t> start(rank, 0), limit(shape), step(rank, 1);
  bool crop = false;
  for (int64_t i = 0; i < rank; ++i) {
    if (before[i] < 0)
      start[i] = -before[i], crop = true;
    if (after[i] < 0)
      limit[i] = shape[i] + after[i], crop = true;
    if (start[i] > limit[i])
      return ctx.error("negative pads remove more than axis " + Twine(i) +
                       " holds");
  }
  Value y = x;
  // Other modes fold the crop into their gathers (a born.slice feeding a
  // born.gather on another axis currently computes wrong values on CPU).
  if (crop && mode == "constant") {
    BORN_TRY(c, ctx.make<SliceOp>(x, start, limit, step));
    y = c;
  }
  for (int64_t a = 0; a < rank; ++a) {
    int64_t lo = std::max<int64_t>(before[a], 0),
            hi = std::max<int64_t>(after[a], 0);
    int64_t d = NodeContext::shape(y)[a];
    if (mode == "constant") {
      if (!lo && !hi)
        continue;
      SmallVector<Value> parts;
      for (int64_t count : {lo, int64_t(-1), hi}) {
        if (count < 0) {
          parts.push_back(y);
          continue;
        }
        if (!count)
          continue;
        SmallVector<int64_t> blockShape(NodeContext::shape(y));
        blockShape[a] = count;
        BORN_TRY(block, ctx.broadcastTo(value, blockShape));
        parts.push_back(block);
      }
      BORN_TRY(c, ctx.make<ConcatOp>(ValueRange(parts), a));
      y = c;
      continue;
    }
    int64_t first = start[a], kept = limit[a] - start[a];
    if (!lo && !hi && kept == d)
      continue;
    if (kept == 0 && (lo || hi))
      return ctx.error("cannot pad an empty axis in mode '" + mode + "'");
    SmallVector<int64_t> indices;
    for (int64_t j = -lo; j < kept + hi; ++j)
      indices.push_back(first + padSource(mode, j, kept));
    BORN_TRY(g, ctx.make<GatherOp>(y, i64Vector(ctx, indices), a));
    y = g;
  }
  ctx.setOutput(0, y);
  return success();
}

//===----------------------------------------------------------------------===//
// Constant generators: Range, EyeLike; masks: Trilu
//===----------------------------------------------------------------------===//

LogicalResult importRange(NodeContext &ctx) {
  Value start = ctx.input(0);
  if (!start)
    return failure();
  FailureOr<double> s = ctx.scalarInput(0, "start"),
                    l = ctx.scalarInput(1, "limit"),
                    d = ctx.scalarInput(2, "delta");
  if (failed(s) || failed(l) || failed(d))
    return failure();
  if (*d == 0)
    return ctx.error("delta is 0");
  int64_t n = std::max<int64_t>(0, int64_t(std::ceil((*l - *s) / *d)));
  Type et = NodeContext::elementType(start);
  SmallVector<double> values;
  for (int64_t i = 0; i < n; ++i)
    values.push_back(*s + double(i) * *d);
  ctx.setOutput(0, numericTensor(ctx, et, {n}, values));
  return success();
}

LogicalResult importEyeLike(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  ArrayRef<int64_t> shape = NodeContext::shape(x);
  if (shape.size() != 2)
    return ctx.error("the input must have rank 2, not " + Twine(shape.size()));
  Type et = NodeContext::elementType(x);
  if (ctx.hasAttr("dtype")) {
    int64_t dtype = ctx.attrInt("dtype", 0);
    et = elementType(ctx.b.getContext(), dtype);
    if (!et)
      return ctx.unsupported("dtype " + typeName(dtype));
  }
  int64_t k = ctx.attrInt("k", 0);
  SmallVector<double> values;
  for (int64_t i = 0; i < shape[0]; ++i)
    for (int64_t j = 0; j < shape[1]; ++j)
      values.push_back(j - i == k ? 1 : 0);
  ctx.setOutput(0, numericTensor(ctx, et, shape, values));
  return success();
}

LogicalResult importTrilu(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  ArrayRef<int64_t> shape = NodeContext::shape(x);
  if (shape.size() < 2)
    return ctx.error("the input must have rank 2 or more");
  int64_t k = 0;
  if (ctx.hasInput(1)) {
    FailureOr<SmallVector<int64_t>> kv = ctx.intsInput(1, "k");
    if (failed(kv))
      return failure();
    if (kv->size() != 1)
      return ctx.error("k must have one element");
    k = kv->front();
  }
  bool upper = ctx.attrInt("upper", 1);
  int64_t rows = shape[shape.size() - 2], cols = shape.back();
  SmallVector<bool> mask;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      mask.push_back(upper ? j - i >= k : j - i <= k);
  Value m = boolTensor(ctx, {rows, cols}, mask);
  return setResult(ctx, ctx.make<WhereOp>(
                            m, x, ctx.scalar(NodeContext::elementType(x), 0)));
}

//===----------------------------------------------------------------------===//
// Gathers: GatherElements, GatherND, Compress, ReverseSequence, OneHot
//===----------------------------------------------------------------------===//

LogicalResult importGatherElements(NodeContext &ctx) {
  Value data = ctx.input(0), indices = ctx.input(1);
  if (!data || !indices)
    return failure();
  ArrayRef<int64_t> dshape = NodeContext::shape(data),
                    ishape = NodeContext::shape(indices);
  int64_t rank = dshape.size();
  if (int64_t(ishape.size()) != rank)
    return ctx.error("indices must have the data's rank");
  FailureOr<int64_t> axis = ctx.axis(ctx.attrInt("axis", 0), rank);
  if (failed(axis))
    return failure();
  // Element i of the result is flat data[base(i) + index(i) * stride(axis)],
  // base(i) being i's coordinates off the axis against the data's strides.
  SmallVector<int64_t> strides = stridesOf(dshape), base;
  for (int64_t p = 0, e = product(ishape); p < e; ++p) {
    SmallVector<int64_t> c = coordsOf(p, ishape);
    int64_t linear = 0;
    for (int64_t d = 0; d < rank; ++d)
      if (d != *axis)
        linear += c[d] * strides[d];
    base.push_back(linear);
  }
  Type i64 = ctx.b.getI64Type();
  BORN_TRY(idx, wrapIndices(ctx, indices, dshape[*axis]));
  BORN_TRY(scaled, ctx.make<MulOp>(idx, ctx.scalar(i64, strides[*axis])));
  BORN_TRY(linear, ctx.make<AddOp>(scaled, i64Tensor(ctx, ishape, base)));
  BORN_TRY(flat, ctx.reshape(data, {product(dshape)}));
  return setResult(ctx, ctx.make<GatherOp>(flat, linear, int64_t(0)));
}

LogicalResult importGatherND(NodeContext &ctx) {
  Value data = ctx.input(0), indices = ctx.input(1);
  if (!data || !indices)
    return failure();
  ArrayRef<int64_t> dshape = NodeContext::shape(data),
                    ishape = NodeContext::shape(indices);
  int64_t r = dshape.size(), q = ishape.size();
  int64_t b = ctx.opset >= 12 ? ctx.attrInt("batch_dims", 0) : 0;
  if (q < 1 || b < 0 || b >= std::min(r, q))
    return ctx.error("batch_dims " + Twine(b) + " is out of range");
  int64_t k = ishape.back();
  if (k < 1 || b + k > r)
    return ctx.error("indices' last dimension " + Twine(k) +
                     " does not fit data of rank " + Twine(r));
  for (int64_t i = 0; i < b; ++i)
    if (ishape[i] != dshape[i])
      return ctx.error("batch dimensions of data and indices differ");
  // Flatten data's first b + k dimensions into one and compute, for each
  // index tuple, its row: batch offset (a constant) plus the tuple against
  // the strides of the k indexed dimensions.
  ArrayRef<int64_t> outer = ishape.drop_back(), rest = dshape.drop_front(b + k);
  int64_t block = product(dshape.slice(b, k));
  SmallVector<int64_t> batchOffsets;
  for (int64_t p = 0, e = product(outer); p < e; ++p) {
    SmallVector<int64_t> c = coordsOf(p, outer);
    int64_t linear = 0;
    for (int64_t i = 0; i < b; ++i)
      linear = linear * dshape[i] + c[i];
    batchOffsets.push_back(linear * block);
  }
  Type i64 = ctx.b.getI64Type();
  Value rows = i64Tensor(ctx, outer, batchOffsets);
  SmallVector<int64_t> strides = stridesOf(dshape.slice(b, k));
  for (int64_t j = 0; j < k; ++j) {
    BORN_TRY(part, slice1(ctx, indices, q - 1, j, j + 1));
    BORN_TRY(col, ctx.reshape(part, outer));
    BORN_TRY(idx, wrapIndices(ctx, col, dshape[b + j]));
    BORN_TRY(scaled, ctx.make<MulOp>(idx, ctx.scalar(i64, strides[j])));
    BORN_TRY(sum, ctx.make<AddOp>(rows, scaled));
    rows = sum;
  }
  SmallVector<int64_t> flatShape{product(dshape.take_front(b + k))};
  flatShape.append(rest.begin(), rest.end());
  BORN_TRY(flat, ctx.reshape(data, flatShape));
  return setResult(ctx, ctx.make<GatherOp>(flat, rows, int64_t(0)));
}

LogicalResult importCompress(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  FailureOr<SmallVector<int64_t>> cond = ctx.intsInput(1, "condition");
  if (failed(cond))
    return failure();
  int64_t axis = 0;
  if (ctx.hasAttr("axis")) {
    FailureOr<int64_t> a =
        ctx.axis(ctx.attrInt("axis", 0), NodeContext::rank(x));
    if (failed(a))
      return failure();
    axis = *a;
  } else {
    BORN_TRY(flat, ctx.reshape(x, {NodeContext::type(x).getNumElements()}));
    x = flat;
  }
  int64_t size = NodeContext::shape(x)[axis];
  if (int64_t(cond->size()) > size)
    return ctx.error("condition is longer than the axis");
  SmallVector<int64_t> kept;
  for (auto [i, c] : llvm::enumerate(*cond))
    if (c)
      kept.push_back(i);
  return setResult(ctx, ctx.make<GatherOp>(x, i64Vector(ctx, kept), axis));
}

LogicalResult importReverseSequence(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  FailureOr<SmallVector<int64_t>> lens = ctx.intsInput(1, "sequence_lens");
  if (failed(lens))
    return failure();
  ArrayRef<int64_t> shape = NodeContext::shape(x);
  int64_t rank = shape.size();
  FailureOr<int64_t> batch = ctx.axis(ctx.attrInt("batch_axis", 1), rank),
                     time = ctx.axis(ctx.attrInt("time_axis", 0), rank);
  if (failed(batch) || failed(time))
    return failure();
  if (*batch == *time || rank < 2)
    return ctx.error("batch_axis and time_axis must be distinct axes");
  if (int64_t(lens->size()) != shape[*batch])
    return ctx.error("sequence_lens has " + Twine(lens->size()) +
                     " entries for a batch of " + Twine(shape[*batch]));
  // The result is a fixed permutation of the elements: gather the flat
  // input through a constant index map.
  SmallVector<int64_t> strides = stridesOf(shape), source;
  for (int64_t p = 0, e = product(shape); p < e; ++p) {
    SmallVector<int64_t> c = coordsOf(p, shape);
    int64_t len = std::clamp<int64_t>((*lens)[c[*batch]], 0, shape[*time]);
    if (c[*time] < len)
      c[*time] = len - 1 - c[*time];
    int64_t linear = 0;
    for (int64_t d = 0; d < rank; ++d)
      linear += c[d] * strides[d];
    source.push_back(linear);
  }
  BORN_TRY(flat, ctx.reshape(x, {product(shape)}));
  return setResult(ctx, ctx.make<GatherOp>(flat, i64Tensor(ctx, shape, source),
                                           int64_t(0)));
}

LogicalResult importOneHot(NodeContext &ctx) {
  Value indices = ctx.input(0), values = ctx.input(2);
  if (!indices || !values)
    return failure();
  FailureOr<double> depthValue = ctx.scalarInput(1, "depth");
  if (failed(depthValue))
    return failure();
  int64_t depth = int64_t(*depthValue);
  if (depth < 1)
    return ctx.error("depth must be positive");
  if (NodeContext::type(values).getNumElements() != 2 ||
      NodeContext::rank(values) != 1)
    return ctx.error("values must hold [off_value, on_value]");
  ArrayRef<int64_t> ishape = NodeContext::shape(indices);
  int64_t outRank = ishape.size() + 1;
  FailureOr<int64_t> axis = ctx.axis(ctx.attrInt("axis", -1), outRank);
  if (failed(axis))
    return failure();
  // Float indices truncate to integers, as the spec's cast does.
  Value idx = indices;
  if (isa<FloatType>(NodeContext::elementType(idx))) {
    BORN_TRY(c, ctx.cast(idx, ctx.b.getI64Type()));
    idx = c;
  }
  BORN_TRY(wrapped, wrapIndices(ctx, idx, depth));
  SmallVector<int64_t> expanded(ishape), iotaShape(outRank, 1);
  expanded.insert(expanded.begin() + *axis, 1);
  iotaShape[*axis] = depth;
  BORN_TRY(column, ctx.reshape(wrapped, expanded));
  SmallVector<int64_t> iota(depth);
  std::iota(iota.begin(), iota.end(), 0);
  BORN_TRY(hot, ctx.make<CmpOp>(CmpPredicate::eq, column,
                                i64Tensor(ctx, iotaShape, iota)));
  BORN_TRY(off1, slice1(ctx, values, 0, 0, 1));
  BORN_TRY(on1, slice1(ctx, values, 0, 1, 2));
  BORN_TRY(off, ctx.reshape(off1, {}));
  BORN_TRY(on, ctx.reshape(on1, {}));
  SmallVector<int64_t> outShape(ishape);
  outShape.insert(outShape.begin() + *axis, depth);
  BORN_TRY(y, ctx.make<WhereOp>(hot, on, off));
  return setResult(ctx, ctx.broadcastTo(y, outShape));
}

//===----------------------------------------------------------------------===//
// Layout: DepthToSpace, SpaceToDepth
//===----------------------------------------------------------------------===//

LogicalResult importDepthToSpace(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  ArrayRef<int64_t> s = NodeContext::shape(x);
  if (s.size() != 4)
    return ctx.error("the input must have rank 4 (NCHW)");
  int64_t bs = ctx.attrInt("blocksize", 0);
  if (bs < 1 || s[1] % (bs * bs))
    return ctx.error("blocksize " + Twine(bs) + " does not divide " +
                     Twine(s[1]) + " channels into blocks");
  std::string mode = ctx.opset >= 11 ? ctx.attrString("mode", "DCR") : "DCR";
  int64_t n = s[0], c = s[1] / (bs * bs), h = s[2], w = s[3];
  SmallVector<int64_t> split, perm;
  if (mode == "DCR") {
    split = {n, bs, bs, c, h, w};
    perm = {0, 3, 4, 1, 5, 2};
  } else if (mode == "CRD") {
    split = {n, c, bs, bs, h, w};
    perm = {0, 1, 4, 2, 5, 3};
  } else {
    return ctx.unsupported("mode '" + mode + "'");
  }
  BORN_TRY(r, ctx.reshape(x, split));
  BORN_TRY(t, ctx.transpose(r, perm));
  return setResult(ctx, ctx.reshape(t, {n, c, h * bs, w * bs}));
}

LogicalResult importSpaceToDepth(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  ArrayRef<int64_t> s = NodeContext::shape(x);
  if (s.size() != 4)
    return ctx.error("the input must have rank 4 (NCHW)");
  int64_t bs = ctx.attrInt("blocksize", 0);
  if (bs < 1 || s[2] % bs || s[3] % bs)
    return ctx.error("blocksize " + Twine(bs) + " does not divide " +
                     born::shapeString(s.drop_front(2)));
  int64_t n = s[0], c = s[1], h = s[2] / bs, w = s[3] / bs;
  BORN_TRY(r, ctx.reshape(x, {n, c, h, bs, w, bs}));
  BORN_TRY(t, ctx.transpose(r, {0, 3, 5, 1, 2, 4}));
  return setResult(ctx, ctx.reshape(t, {n, c * bs * bs, h, w}));
}

//===----------------------------------------------------------------------===//
// CumSum
//===----------------------------------------------------------------------===//

LogicalResult importCumSum(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  FailureOr<SmallVector<int64_t>> axisValue = ctx.intsInput(1, "axis");
  if (failed(axisValue))
    return failure();
  if (axisValue->size() != 1)
    return ctx.error("axis must have one element");
  ArrayRef<int64_t> shape = NodeContext::shape(x);
  FailureOr<int64_t> axis = ctx.axis(axisValue->front(), shape.size());
  if (failed(axis))
    return failure();
  bool exclusive = ctx.attrInt("exclusive", 0),
       reverse = ctx.attrInt("reverse", 0);
  int64_t n = shape[*axis], outer = product(shape.take_front(*axis)),
          inner = product(shape.drop_front(*axis + 1));
  // Output i sums the inputs j that this mask selects.
  auto includes = [&](int64_t i, int64_t j) {
    if (reverse)
      return exclusive ? j > i : j >= i;
    return exclusive ? j < i : j <= i;
  };
  Type et = NodeContext::elementType(x);
  if (isa<FloatType>(et)) {
    // A product with a constant triangular matrix.
    SmallVector<double> tri;
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j)
        tri.push_back(includes(i, j));
    BORN_TRY(x3, ctx.reshape(x, {outer, n, inner}));
    BORN_TRY(y, ctx.make<MatmulOp>(numericTensor(ctx, et, {n, n}, tri), x3));
    return setResult(ctx, ctx.reshape(y, shape));
  }
  // Integers: mask the input into [outer, n, n, inner] and sum, exactly.
  SmallVector<bool> mask;
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      mask.push_back(includes(i, j));
  BORN_TRY(x4, ctx.reshape(x, {outer, 1, n, inner}));
  BORN_TRY(masked, ctx.make<WhereOp>(boolTensor(ctx, {n, n, 1}, mask), x4,
                                     ctx.scalar(et, 0)));
  BORN_TRY(y, ctx.make<ReduceOp>(ReduceKind::sum, masked,
                                 SmallVector<int64_t>{2}, false));
  return setResult(ctx, ctx.reshape(y, shape));
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

/// An operand as it flows through the contraction: its value and one label
/// per dimension.
struct Term {
  Value value;
  std::string labels;
};

class EinsumImporter {
public:
  explicit EinsumImporter(NodeContext &ctx) : ctx(ctx) {}
  LogicalResult run();

private:
  LogicalResult parse(llvm::StringRef equation);
  FailureOr<Term> diagonal(Term t);
  FailureOr<Term> sumOut(Term t, llvm::StringRef keep);
  FailureOr<Term> contract(Term a, Term b, llvm::StringRef keep);
  FailureOr<Value> permuted(const Term &t, llvm::StringRef order);

  NodeContext &ctx;
  SmallVector<std::string> inputs;
  std::string output;
  llvm::DenseMap<char, int64_t> sizes;
};

LogicalResult EinsumImporter::parse(llvm::StringRef equation) {
  std::string eq;
  for (char c : equation)
    if (c != ' ')
      eq += c;
  size_t arrow = eq.find("->");
  bool explicitOutput = arrow != std::string::npos;
  std::string lhs = explicitOutput ? eq.substr(0, arrow) : eq;
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(lhs).split(parts, ',');
  if (int64_t(parts.size()) != ctx.numInputs())
    return ctx.error("the equation has " + Twine(parts.size()) +
                     " operands, the node " + Twine(ctx.numInputs()));
  // Ellipses become upper-case labels (the equation's own are lower- or
  // upper-case letters; the ellipsis ones are distinct digits).
  int64_t ellipsisRank = -1;
  for (auto [i, part] : llvm::enumerate(parts)) {
    Value v = ctx.input(i);
    if (!v)
      return failure();
    int64_t rank = NodeContext::rank(v);
    std::string labels;
    size_t dots = part.find("...");
    if (dots != llvm::StringRef::npos) {
      int64_t named = part.size() - 3;
      int64_t er = rank - named;
      if (er < 0 || er > 9)
        return ctx.error("operand " + Twine(i) + " has rank " + Twine(rank) +
                         " for '" + part + "'");
      if (ellipsisRank >= 0 && er != ellipsisRank)
        return ctx.unsupported("ellipses of different ranks (broadcasting)");
      ellipsisRank = er;
      std::string e;
      for (int64_t j = 0; j < er; ++j)
        e += char('0' + j);
      labels = part.substr(0, dots).str() + e + part.substr(dots + 3).str();
    } else {
      labels = part.str();
    }
    if (int64_t(labels.size()) != rank)
      return ctx.error("operand " + Twine(i) + " has rank " + Twine(rank) +
                       " for '" + part + "'");
    for (auto [j, c] : llvm::enumerate(labels)) {
      if (!std::isalnum(c))
        return ctx.error("bad label '" + Twine(c) + "' in the equation");
      int64_t d = NodeContext::shape(v)[j];
      auto [it, inserted] = sizes.try_emplace(c, d);
      if (!inserted && it->second != d)
        return ctx.unsupported("label '" + Twine(c) + "' with sizes " +
                               Twine(it->second) + " and " + Twine(d) +
                               " (broadcasting)");
    }
    inputs.push_back(labels);
  }
  std::string e;
  for (int64_t j = 0; j < std::max<int64_t>(ellipsisRank, 0); ++j)
    e += char('0' + j);
  if (explicitOutput) {
    std::string out = eq.substr(arrow + 2);
    size_t dots = out.find("...");
    if (dots != std::string::npos)
      out = out.substr(0, dots) + e + out.substr(dots + 3);
    output = out;
    for (char c : output)
      if (!sizes.count(c))
        return ctx.error("output label '" + Twine(c) + "' is in no operand");
  } else {
    // Implicit output: the ellipsis, then labels seen once, sorted.
    std::map<char, int> counts;
    for (const std::string &in : inputs)
      for (char c : in)
        if (!std::isdigit(c))
          ++counts[c];
    output = e;
    for (auto [c, count] : counts)
      if (count == 1)
        output += c;
  }
  return success();
}

FailureOr<Value> EinsumImporter::permuted(const Term &t,
                                          llvm::StringRef order) {
  SmallVector<int64_t> perm;
  for (char c : order)
    perm.push_back(t.labels.find(c));
  return ctx.transpose(t.value, perm);
}

/// Takes the diagonal of every label repeated within one operand.
FailureOr<Term> EinsumImporter::diagonal(Term t) {
  for (size_t i = 0; i < t.labels.size(); ++i) {
    size_t j = t.labels.find(t.labels[i], i + 1);
    if (j == std::string::npos)
      continue;
    // Move the pair last, flatten it and gather positions k * (n + 1).
    std::string order;
    for (size_t k = 0; k < t.labels.size(); ++k)
      if (k != i && k != j)
        order += t.labels[k];
    char c = t.labels[i];
    SmallVector<int64_t> perm;
    for (size_t k = 0; k < t.labels.size(); ++k)
      if (k != i && k != j)
        perm.push_back(k);
    perm.append({int64_t(i), int64_t(j)});
    BORN_TRY(p, ctx.transpose(t.value, perm));
    int64_t n = sizes[c];
    SmallVector<int64_t> flatShape(NodeContext::shape(p).drop_back(2));
    flatShape.push_back(n * n);
    BORN_TRY(flat, ctx.reshape(p, flatShape));
    SmallVector<int64_t> diag;
    for (int64_t k = 0; k < n; ++k)
      diag.push_back(k * (n + 1));
    BORN_TRY(d, ctx.make<GatherOp>(flat, i64Vector(ctx, diag),
                                   int64_t(flatShape.size() - 1)));
    t = Term{d, order + c};
    i = -1; // Rescan: the labels moved.
  }
  return t;
}

/// Sums out the labels of `t` not in `keep`.
FailureOr<Term> EinsumImporter::sumOut(Term t, llvm::StringRef keep) {
  SmallVector<int64_t> axes;
  std::string rest;
  for (auto [i, c] : llvm::enumerate(t.labels)) {
    if (keep.contains(c))
      rest += c;
    else
      axes.push_back(i);
  }
  if (axes.empty())
    return t;
  BORN_TRY(r, ctx.make<ReduceOp>(ReduceKind::sum, t.value, axes, false));
  return Term{r, rest};
}

/// a * b summed over their shared labels not in `keep`, as one batched
/// matmul: [batch, M, K] x [batch, K, N].
FailureOr<Term> EinsumImporter::contract(Term a, Term b, llvm::StringRef keep) {
  std::string batch, left, right, inner;
  for (char c : a.labels) {
    bool inB = b.labels.find(c) != std::string::npos;
    if (inB)
      (keep.contains(c) ? batch : inner) += c;
    else
      left += c;
  }
  for (char c : b.labels)
    if (a.labels.find(c) == std::string::npos)
      right += c;
  auto size = [&](const std::string &labels) {
    int64_t n = 1;
    for (char c : labels)
      n *= sizes[c];
    return n;
  };
  int64_t bs = size(batch), m = size(left), k = size(inner), n = size(right);
  BORN_TRY(pa, permuted(a, batch + left + inner));
  BORN_TRY(pb, permuted(b, batch + inner + right));
  BORN_TRY(ra, ctx.reshape(pa, {bs, m, k}));
  BORN_TRY(rb, ctx.reshape(pb, {bs, k, n}));
  BORN_TRY(mm, ctx.make<MatmulOp>(ra, rb));
  std::string labels = batch + left + right;
  SmallVector<int64_t> shape;
  for (char c : labels)
    shape.push_back(sizes[c]);
  BORN_TRY(r, ctx.reshape(mm, shape));
  return Term{r, labels};
}

LogicalResult EinsumImporter::run() {
  if (failed(parse(ctx.attrString("equation", ""))))
    return failure();
  SmallVector<Term> terms;
  for (auto [i, labels] : llvm::enumerate(inputs)) {
    FailureOr<Term> t = diagonal(Term{ctx.input(i), labels});
    if (failed(t))
      return failure();
    terms.push_back(*t);
  }
  // Labels each term must keep: the output's and any later operand's.
  auto needed = [&](size_t from) {
    std::string keep = output;
    for (size_t j = from; j < terms.size(); ++j)
      keep += terms[j].labels;
    return keep;
  };
  Term acc = terms[0];
  for (size_t i = 1; i <= terms.size(); ++i) {
    std::string keep = needed(i);
    FailureOr<Term> reduced = sumOut(acc, keep);
    if (failed(reduced))
      return failure();
    acc = *reduced;
    if (i == terms.size())
      break;
    FailureOr<Term> next = sumOut(terms[i], keep + acc.labels);
    if (failed(next))
      return failure();
    FailureOr<Term> product = contract(acc, *next, needed(i + 1));
    if (failed(product))
      return failure();
    acc = *product;
  }
  return setResult(ctx, permuted(acc, output));
}

LogicalResult importEinsum(NodeContext &ctx) {
  return EinsumImporter(ctx).run();
}

//===----------------------------------------------------------------------===//
// Resize, Upsample
//===----------------------------------------------------------------------===//

/// How Resize samples one axis: each output position either takes one input
/// index (nearest) or a weighted sum of input positions; out-of-range
/// positions under tf_crop_and_resize take the extrapolation value.
struct AxisSampling {
  int64_t in = 0, out = 0;
  SmallVector<int64_t> nearest;  // per output, -1 = extrapolate
  SmallVector<double> weights;   // out x in
  SmallVector<bool> extrapolate; // per output (weighted modes)
};

struct ResizeOptions {
  std::string mode, transform, nearestMode, aspectPolicy;
  double cubicA = -0.75, extrapolation = 0;
  bool excludeOutside = false, antialias = false, legacy = false;
};

/// The `n` indices of [0, limit) nearest to `x`, ties to the smaller one,
/// ascending.
SmallVector<int64_t> neighbors(double x, int64_t n, int64_t limit) {
  SmallVector<int64_t> all(limit);
  std::iota(all.begin(), all.end(), 0);
  std::stable_sort(all.begin(), all.end(), [&](int64_t a, int64_t b) {
    return std::abs(x - a) < std::abs(x - b);
  });
  all.resize(std::min(n, limit));
  llvm::sort(all);
  return all;
}

SmallVector<double> resizeCoefficients(const ResizeOptions &o, double ratio,
                                       double scale) {
  if (o.mode == "linear") {
    if (!o.antialias)
      return {1 - ratio, ratio};
    double s = std::min(scale, 1.0);
    int64_t start = int64_t(std::floor(-1 / s) + 1);
    int64_t footprint = 2 - 2 * start;
    SmallVector<double> c;
    double sum = 0;
    for (int64_t i = start; i < start + footprint; ++i) {
      double v = std::clamp(1 - std::abs((i - ratio) * s), 0.0, 1.0);
      c.push_back(v);
      sum += v;
    }
    for (double &v : c)
      v /= sum;
    return c;
  }
  double a = o.cubicA;
  if (!o.antialias) {
    double r1 = ratio + 1, q = 1 - ratio, q1 = q + 1;
    return {((a * r1 - 5 * a) * r1 + 8 * a) * r1 - 4 * a,
            ((a + 2) * ratio - (a + 3)) * ratio * ratio + 1,
            ((a + 2) * q - (a + 3)) * q * q + 1,
            ((a * q1 - 5 * a) * q1 + 8 * a) * q1 - 4 * a};
  }
  double s = std::min(scale, 1.0);
  auto kernel = [&](double x) {
    x = std::abs(x);
    if (x <= 1)
      return (a + 2) * x * x * x - (a + 3) * x * x + 1;
    if (x < 2)
      return a * x * x * x - 5 * a * x * x + 8 * a * x - 4 * a;
    return 0.0;
  };
  int64_t start = int64_t(std::floor(-2 / s) + 1), end = 2 - start;
  SmallVector<double> c;
  double sum = 0;
  for (int64_t i = start; i < end; ++i) {
    c.push_back(kernel(s * (i - ratio)));
    sum += c.back();
  }
  for (double &v : c)
    v /= sum;
  return c;
}

FailureOr<AxisSampling> planAxis(NodeContext &ctx, const ResizeOptions &o,
                                 int64_t in, int64_t out, double scale,
                                 double roiStart, double roiEnd) {
  AxisSampling s;
  s.in = in;
  s.out = out;
  double outWidth = scale * in;
  if (o.mode != "nearest")
    s.weights.assign(out * in, 0.0);
  for (int64_t x = 0; x < out; ++x) {
    double xo;
    const std::string &t = o.transform;
    if (t == "align_corners") {
      xo = outWidth == 1 ? 0 : x * (in - 1) / (outWidth - 1);
    } else if (t == "asymmetric") {
      xo = x / scale;
    } else if (t == "tf_crop_and_resize") {
      xo = outWidth == 1 ? (roiEnd - roiStart) * (in - 1) / 2
                         : x * (roiEnd - roiStart) * (in - 1) / (outWidth - 1);
      xo += roiStart * (in - 1);
    } else if (t == "pytorch_half_pixel") {
      xo = outWidth == 1 ? -0.5 : (x + 0.5) / scale - 0.5;
    } else if (t == "half_pixel") {
      xo = (x + 0.5) / scale - 0.5;
    } else if (t == "half_pixel_symmetric") {
      double adjustment = out / outWidth, center = in / 2.0;
      xo = center * (1 - adjustment) + (x + 0.5) / scale - 0.5;
    } else {
      return ctx.unsupported("coordinate_transformation_mode '" + t + "'");
    }
    bool outside = t == "tf_crop_and_resize" && (xo < 0 || xo > in - 1);
    double floorX = std::floor(xo);
    double ratio = xo == floorX ? 1.0 : xo - floorX;
    if (o.mode == "nearest") {
      if (outside) {
        s.nearest.push_back(-1);
        continue;
      }
      // Before opset 11 nearest rounded down (Upsample's repeat).
      bool up;
      if (o.legacy || o.nearestMode == "floor" || xo == floorX)
        up = false;
      else if (o.nearestMode == "round_prefer_floor")
        up = ratio > 0.5;
      else if (o.nearestMode == "round_prefer_ceil")
        up = ratio >= 0.5;
      else if (o.nearestMode == "ceil")
        up = true;
      else
        return ctx.unsupported("nearest_mode '" + o.nearestMode + "'");
      int64_t idx = int64_t(floorX) + (up ? 1 : 0);
      s.nearest.push_back(std::clamp<int64_t>(idx, 0, in - 1));
      continue;
    }
    s.extrapolate.push_back(outside);
    if (outside)
      continue;
    SmallVector<double> c = resizeCoefficients(o, ratio, scale);
    int64_t n = c.size(), pad = (n + 1) / 2;
    SmallVector<int64_t> idx = neighbors(xo + pad, n, in + 2 * pad);
    if (int64_t(idx.size()) != n)
      return ctx.unsupported("a resampling window wider than the padded "
                             "input");
    for (int64_t &i : idx)
      i -= pad;
    if (o.excludeOutside) {
      double sum = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (idx[i] < 0 || idx[i] >= in)
          c[i] = 0;
        sum += c[i];
      }
      for (double &v : c)
        v /= sum;
    }
    for (int64_t i = 0; i < n; ++i)
      s.weights[x * in + std::clamp<int64_t>(idx[i], 0, in - 1)] += c[i];
  }
  return s;
}

/// Resamples axis `axis` of `x` as `s` says.
FailureOr<Value> resampleAxis(NodeContext &ctx, const ResizeOptions &o,
                              Value x, int64_t axis, const AxisSampling &s) {
  ArrayRef<int64_t> shape = NodeContext::shape(x);
  Type et = NodeContext::elementType(x);
  SmallVector<int64_t> outShape(shape);
  outShape[axis] = s.out;
  if (o.mode == "nearest") {
    SmallVector<int64_t> idx(s.nearest);
    Value src = x;
    if (llvm::is_contained(idx, -1)) {
      // Index `in` is an extra slice holding the extrapolation value.
      SmallVector<int64_t> blockShape(shape);
      blockShape[axis] = 1;
      BORN_TRY(block, ctx.broadcastTo(ctx.scalar(et, o.extrapolation),
                                      blockShape));
      BORN_TRY(c, ctx.make<ConcatOp>(ValueRange{x, block}, axis));
      src = c;
      for (int64_t &i : idx)
        if (i < 0)
          i = s.in;
    }
    return ctx.make<GatherOp>(src, i64Vector(ctx, idx), axis);
  }
  // [outer, in, inner] -> W [out, in] x that -> [outer, out, inner].
  int64_t outer = product(shape.take_front(axis)),
          inner = product(shape.drop_front(axis + 1));
  BORN_TRY(x3, ctx.reshape(x, {outer, s.in, inner}));
  BORN_TRY(w, ctx.make<MatmulOp>(
                  numericTensor(ctx, et, {s.out, s.in}, s.weights), x3));
  Value y = w;
  if (llvm::is_contained(s.extrapolate, true)) {
    SmallVector<bool> mask(s.extrapolate.begin(), s.extrapolate.end());
    BORN_TRY(e, ctx.make<WhereOp>(boolTensor(ctx, {s.out, 1}, mask),
                                  ctx.scalar(et, o.extrapolation), y));
    y = e;
  }
  return ctx.reshape(y, outShape);
}

LogicalResult importResize(NodeContext &ctx) {
  Value x = ctx.input(0);
  if (!x)
    return failure();
  ArrayRef<int64_t> shape = NodeContext::shape(x);
  int64_t rank = shape.size();
  bool isUpsample = ctx.node.op_type() == "Upsample";
  ResizeOptions o;
  o.mode = ctx.attrString("mode", "nearest");
  o.legacy = isUpsample || ctx.opset < 11;
  o.transform = o.legacy ? "asymmetric"
                         : ctx.attrString("coordinate_transformation_mode",
                                          "half_pixel");
  o.nearestMode = ctx.attrString("nearest_mode", "round_prefer_floor");
  o.cubicA = ctx.attrFloat("cubic_coeff_a", -0.75);
  o.excludeOutside = ctx.attrInt("exclude_outside", 0);
  o.extrapolation = ctx.attrFloat("extrapolation_value", 0);
  o.antialias = ctx.opset >= 18 && ctx.attrInt("antialias", 0);
  o.aspectPolicy = ctx.opset >= 18
                       ? ctx.attrString("keep_aspect_ratio_policy", "stretch")
                       : "stretch";
  if (o.mode != "nearest" && o.mode != "linear" &&
      (o.mode != "cubic" || o.legacy))
    return ctx.unsupported("mode '" + o.mode + "'");
  if (o.mode == "nearest" && o.antialias)
    return ctx.unsupported("antialias with mode 'nearest'");
  if (o.mode != "nearest" && !isa<FloatType>(NodeContext::elementType(x)))
    return ctx.unsupported("mode '" + o.mode + "' on " +
                           typeString(x.getType()));

  SmallVector<int64_t> axes;
  if (ctx.opset >= 18 && ctx.hasAttr("axes")) {
    for (int64_t a : ctx.attrInts("axes")) {
      FailureOr<int64_t> n = ctx.axis(a, rank, "axes entry");
      if (failed(n))
        return failure();
      axes.push_back(*n);
    }
  } else {
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  int64_t n = axes.size();

  // Scales or sizes, per listed axis.
  SmallVector<double> scales(rank, 1.0), roi;
  SmallVector<int64_t> outSize(shape);
  int64_t scalesInput = o.legacy ? 1 : 2, sizesInput = 3;
  bool haveSizes = !o.legacy && ctx.hasInput(sizesInput);
  if (isUpsample && ctx.opset < 9) {
    SmallVector<double> s = ctx.attrFloats("scales");
    if (int64_t(s.size()) != rank)
      return ctx.error("scales must have one entry per dimension");
    for (int64_t i = 0; i < rank; ++i)
      scales[i] = s[i];
  } else if (haveSizes) {
    FailureOr<SmallVector<int64_t>> s = ctx.intsInput(sizesInput, "sizes");
    if (failed(s))
      return failure();
    if (int64_t(s->size()) != n)
      return ctx.error("sizes has " + Twine(s->size()) + " entries for " +
                       Twine(n) + " axes");
    for (int64_t i = 0; i < n; ++i) {
      outSize[axes[i]] = (*s)[i];
      scales[axes[i]] = double((*s)[i]) / shape[axes[i]];
    }
    if (o.aspectPolicy != "stretch") {
      double scale = scales[axes[0]];
      for (int64_t a : axes)
        scale = o.aspectPolicy == "not_larger" ? std::min(scale, scales[a])
                                               : std::max(scale, scales[a]);
      if (o.aspectPolicy != "not_larger" && o.aspectPolicy != "not_smaller")
        return ctx.unsupported("keep_aspect_ratio_policy '" + o.aspectPolicy +
                               "'");
      for (int64_t a : axes) {
        scales[a] = scale;
        outSize[a] = int64_t(scale * shape[a] + 0.5);
      }
    }
  } else {
    std::optional<DenseElementsAttr> s = ctx.constantInput(scalesInput);
    if (!s) {
      if (!ctx.hasInput(scalesInput))
        return ctx.error("either scales or sizes is required");
      return ctx.error("scales (input '" + ctx.node.input(scalesInput) +
                       "') must be known at compile time; bind it with " +
                       "--bind-input " + ctx.node.input(scalesInput) +
                       "=FILE");
    }
    if (!isa<FloatType>(s->getElementType()) || s->getNumElements() != n)
      return ctx.error("scales must hold " + Twine(n) + " floats");
    int64_t i = 0;
    for (const APFloat &v : s->getValues<APFloat>()) {
      scales[axes[i]] = v.convertToDouble();
      ++i;
    }
  }
  for (int64_t a : axes) {
    if (!haveSizes || isUpsample)
      outSize[a] = int64_t(std::floor(scales[a] * shape[a]));
    if (scales[a] <= 0 || outSize[a] <= 0)
      return ctx.error("axis " + Twine(a) + " resizes to nothing");
  }
  if (o.transform == "tf_crop_and_resize") {
    std::optional<DenseElementsAttr> r = ctx.constantInput(1);
    if (!r) {
      if (!ctx.hasInput(1))
        return ctx.error("roi is required by tf_crop_and_resize");
      return ctx.error("roi (input '" + ctx.node.input(1) +
                       "') must be known at compile time; bind it with " +
                       "--bind-input " + ctx.node.input(1) + "=FILE");
    }
    if (r->getNumElements() != 2 * n || !isa<FloatType>(r->getElementType()))
      return ctx.error("roi must hold " + Twine(2 * n) + " floats");
    for (const APFloat &v : r->getValues<APFloat>())
      roi.push_back(v.convertToDouble());
  }

  // One axis at a time, innermost first: the reference interpolates the
  // inner axes first, which matters for extrapolated values.
  Value y = x;
  SmallVector<int64_t> order(axes);
  llvm::sort(order, std::greater<int64_t>());
  for (int64_t a : order) {
    int64_t i = llvm::find(axes, a) - axes.begin();
    bool crop = !roi.empty() && (roi[i] != 0 || roi[i + n] != 1);
    if (outSize[a] == shape[a] && scales[a] == 1.0 && !crop)
      continue;
    FailureOr<AxisSampling> s =
        planAxis(ctx, o, shape[a], outSize[a], scales[a],
                 roi.empty() ? 0 : roi[i], roi.empty() ? 1 : roi[i + n]);
    if (failed(s))
      return failure();
    BORN_TRY(r, resampleAxis(ctx, o, y, a, *s));
    y = r;
  }
  ctx.setOutput(0, y);
  return success();
}

#undef BORN_TRY

} // namespace

void registerIndexingOps(OpTable &t) {
  t.add("Split", importSplit);
  t.add("Tile", importTile);
  t.add("Pad", importPad);
  t.add("Range", importRange, 11);
  t.add("EyeLike", importEyeLike, 9);
  t.add("Trilu", importTrilu, 14);
  t.add("GatherElements", importGatherElements, 11);
  t.add("GatherND", importGatherND, 11);
  t.add("Compress", importCompress, 9);
  t.add("ReverseSequence", importReverseSequence, 10);
  t.add("OneHot", importOneHot, 9);
  t.add("DepthToSpace", importDepthToSpace);
  t.add("SpaceToDepth", importSpaceToDepth);
  t.add("CumSum", importCumSum, 11);
  t.add("Einsum", importEinsum, 12);
  t.add("Resize", importResize, 10);
  t.add("Upsample", importResize, 7);
}

} // namespace born::onnx
