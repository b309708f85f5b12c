#include "dialects/born/IR/BornOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace born;

#include "dialects/born/IR/BornEnums.cpp.inc"

std::optional<SmallVector<int64_t>> born::broadcastShapes(ArrayRef<int64_t> a,
                                                          ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    out[rank - 1 - i] = da == 1 ? db : da;
  }
  return out;
}

std::string born::shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  return s + "]";
}

namespace {
RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Broadcasts the shapes of `operands` together; element type `elementType`.
LogicalResult inferBroadcast(std::optional<Location> loc, ValueRange operands,
                             Type elementType,
                             SmallVectorImpl<Type> &inferred) {
  SmallVector<int64_t> shape;
  for (Value v : operands) {
    auto next = broadcastShapes(shape, rankedType(v).getShape());
    if (!next)
      return emitOptionalError(loc, "operand shapes ", shapeString(shape),
                               " and ", shapeString(rankedType(v).getShape()),
                               " do not broadcast");
    shape = *next;
  }
  inferred.push_back(RankedTensorType::get(shape, elementType));
  return success();
}

LogicalResult inferSameElementBroadcast(std::optional<Location> loc, Value lhs,
                                        Value rhs,
                                        SmallVectorImpl<Type> &inferred) {
  Type et = rankedType(lhs).getElementType();
  if (et != rankedType(rhs).getElementType())
    return emitOptionalError(loc, "operand element types differ: ", et, " vs ",
                             rankedType(rhs).getElementType());
  return inferBroadcast(loc, {lhs, rhs}, et, inferred);
}

/// Checks that `axis` is in [0, rank).
LogicalResult checkAxis(std::optional<Location> loc, int64_t axis, int64_t rank,
                        StringRef what = "axis") {
  if (axis < 0 || axis >= rank)
    return emitOptionalError(loc, what, " ", axis, " is out of range for rank ",
                             rank);
  return success();
}

/// Spatial output size of a sliding window; <= 0 means the window does not fit.
int64_t windowOutputSize(int64_t in, int64_t padBefore, int64_t padAfter,
                         int64_t kernel, int64_t stride, int64_t dilation) {
  int64_t effective = dilation * (kernel - 1) + 1;
  int64_t span = in + padBefore + padAfter - effective;
  return span < 0 ? 0 : span / stride + 1;
}

LogicalResult checkWindowAttrs(std::optional<Location> loc,
                               ArrayRef<int64_t> strides,
                               ArrayRef<int64_t> padding,
                               ArrayRef<int64_t> dilations) {
  if (strides.size() != 2 || dilations.size() != 2 || padding.size() != 4)
    return emitOptionalError(
        loc, "expected 2 strides, 2 dilations and 4 paddings, got ",
        strides.size(), ", ", dilations.size(), " and ", padding.size());
  if (llvm::any_of(strides, [](int64_t s) { return s < 1; }) ||
      llvm::any_of(dilations, [](int64_t d) { return d < 1; }))
    return emitOptionalError(loc, "strides and dilations must be >= 1");
  if (llvm::any_of(padding, [](int64_t p) { return p < 0; }))
    return emitOptionalError(loc, "padding must be >= 0");
  return success();
}
} // namespace

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

#define BORN_BINARY_INFER(OP)                                                  \
  LogicalResult OP::inferReturnTypes(MLIRContext *, std::optional<Location> loc, \
                                     Adaptor adaptor,                          \
                                     SmallVectorImpl<Type> &inferred) {        \
    return inferSameElementBroadcast(loc, adaptor.getLhs(), adaptor.getRhs(),  \
                                     inferred);                                \
  }
BORN_BINARY_INFER(AddOp)
BORN_BINARY_INFER(SubOp)
BORN_BINARY_INFER(MulOp)
BORN_BINARY_INFER(DivOp)
BORN_BINARY_INFER(PowOp)
BORN_BINARY_INFER(MaxOp)
BORN_BINARY_INFER(MinOp)
BORN_BINARY_INFER(RemOp)
BORN_BINARY_INFER(AndOp)
BORN_BINARY_INFER(OrOp)
BORN_BINARY_INFER(XorOp)
#undef BORN_BINARY_INFER

LogicalResult CmpOp::inferReturnTypes(MLIRContext *ctx,
                                      std::optional<Location> loc,
                                      Adaptor adaptor,
                                      SmallVectorImpl<Type> &inferred) {
  if (failed(inferSameElementBroadcast(loc, adaptor.getLhs(), adaptor.getRhs(),
                                       inferred)))
    return failure();
  auto t = cast<RankedTensorType>(inferred.back());
  inferred.back() = t.clone(IntegerType::get(ctx, 1));
  return success();
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  Type et = rankedType(adaptor.getOnTrue()).getElementType();
  if (et != rankedType(adaptor.getOnFalse()).getElementType())
    return emitOptionalError(loc, "on_true and on_false element types differ");
  return inferBroadcast(
      loc, {adaptor.getCondition(), adaptor.getOnTrue(), adaptor.getOnFalse()},
      et, inferred);
}

//===----------------------------------------------------------------------===//
// Contractions, convolution, pooling
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto lt = rankedType(adaptor.getLhs()), rt = rankedType(adaptor.getRhs());
  if (lt.getElementType() != rt.getElementType())
    return emitOptionalError(loc, "operand element types differ");
  if (lt.getRank() < 2 || rt.getRank() < 2)
    return emitOptionalError(loc, "operands must have rank >= 2, got ",
                             lt.getRank(), " and ", rt.getRank());
  ArrayRef<int64_t> ls = lt.getShape(), rs = rt.getShape();
  int64_t m = ls[ls.size() - 2], k = ls.back(), k2 = rs[rs.size() - 2],
          n = rs.back();
  if (k != k2)
    return emitOptionalError(loc, "contraction sizes differ: lhs ",
                             shapeString(ls), " vs rhs ", shapeString(rs));
  auto batch = broadcastShapes(ls.drop_back(2), rs.drop_back(2));
  if (!batch)
    return emitOptionalError(loc, "batch dimensions of ", shapeString(ls),
                             " and ", shapeString(rs), " do not broadcast");
  batch->append({m, n});
  inferred.push_back(RankedTensorType::get(*batch, lt.getElementType()));
  return success();
}

int64_t QuantizedMatmulOp::blockSize(QuantType type) {
  switch (type) {
  case QuantType::f32:
  case QuantType::f16:
  case QuantType::bf16:
    return 1;
  case QuantType::q4_0:
  case QuantType::q4_1:
  case QuantType::q5_0:
  case QuantType::q5_1:
  case QuantType::q8_0:
    return 32;
  default:
    return 256; // the K-quants' super-blocks
  }
}

int64_t QuantizedMatmulOp::blockBytes(QuantType type) {
  switch (type) {
  case QuantType::f32:
    return 4;
  case QuantType::f16:
  case QuantType::bf16:
    return 2;
  case QuantType::q4_0:
    return 18;
  case QuantType::q4_1:
    return 20;
  case QuantType::q5_0:
    return 22;
  case QuantType::q5_1:
    return 24;
  case QuantType::q8_0:
    return 34;
  case QuantType::q2_K:
    return 84;
  case QuantType::q3_K:
    return 110;
  case QuantType::q4_K:
    return 144;
  case QuantType::q5_K:
    return 176;
  case QuantType::q6_K:
    return 210;
  case QuantType::q8_K:
    return 292;
  }
  llvm_unreachable("unknown quant type");
}

Type QuantizedMatmulOp::floatElementType(MLIRContext *ctx, QuantType type) {
  switch (type) {
  case QuantType::f32:
    return Float32Type::get(ctx);
  case QuantType::f16:
    return Float16Type::get(ctx);
  case QuantType::bf16:
    return BFloat16Type::get(ctx);
  default:
    return {};
  }
}

LogicalResult
QuantizedMatmulOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                    Adaptor adaptor,
                                    SmallVectorImpl<Type> &inferred) {
  auto xt = rankedType(adaptor.getInput()),
       wt = rankedType(adaptor.getWeight());
  QuantType type = adaptor.getQuantType();
  StringRef name = stringifyQuantType(type);
  if (xt.getRank() < 1)
    return emitOptionalError(loc, "input must have rank >= 1");
  int64_t k = xt.getShape().back();
  if (Type element = floatElementType(ctx, type)) {
    if (wt.getRank() != 2 || wt.getDimSize(1) != k ||
        wt.getElementType() != element)
      return emitOptionalError(loc, "a ", name, " weight must be [N, ", k,
                               "] of ", element, ", got ",
                               shapeString(wt.getShape()), " of ",
                               wt.getElementType());
    SmallVector<int64_t> shape(xt.getShape().drop_back());
    shape.push_back(wt.getDimSize(0));
    inferred.push_back(RankedTensorType::get(shape, xt.getElementType()));
    return success();
  }
  if (wt.getRank() != 2 || !wt.getElementType().isInteger(8))
    return emitOptionalError(loc, "weight must be [N, bytes per row] of i8, "
                             "got ", shapeString(wt.getShape()), " of ",
                             wt.getElementType());
  int64_t block = blockSize(type);
  if (k % block != 0)
    return emitOptionalError(loc, "contraction size ", k,
                             " is not a whole number of ", name, " blocks of ",
                             block);
  int64_t rowBytes = k / block * blockBytes(type);
  if (wt.getDimSize(1) != rowBytes)
    return emitOptionalError(loc, "weight rows of ", name,
                             " blocks for K = ", k, " take ", rowBytes,
                             " bytes, got ", wt.getDimSize(1));
  SmallVector<int64_t> shape(xt.getShape().drop_back());
  shape.push_back(wt.getDimSize(0));
  inferred.push_back(RankedTensorType::get(shape, xt.getElementType()));
  return success();
}

LogicalResult
DequantizeOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                               Adaptor adaptor,
                               SmallVectorImpl<Type> &inferred) {
  auto it = rankedType(adaptor.getInput());
  QuantType type = adaptor.getQuantType();
  if (it.getRank() < 1)
    return emitOptionalError(loc, "input must have rank >= 1");
  if (QuantizedMatmulOp::floatElementType(ctx, type))
    return emitOptionalError(loc, stringifyQuantType(type),
                             " values need no decoding: use born.cast");
  int64_t rowBytes = it.getShape().back();
  int64_t blockBytes = QuantizedMatmulOp::blockBytes(type);
  if (rowBytes % blockBytes != 0)
    return emitOptionalError(loc, "rows of ", rowBytes,
                             " bytes are not a whole number of ",
                             stringifyQuantType(type), " blocks of ",
                             blockBytes, " bytes");
  SmallVector<int64_t> shape(it.getShape().drop_back());
  shape.push_back(rowBytes / blockBytes * QuantizedMatmulOp::blockSize(type));
  inferred.push_back(RankedTensorType::get(shape, Float32Type::get(ctx)));
  return success();
}

LogicalResult Conv2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto it = rankedType(adaptor.getInput()), ft = rankedType(adaptor.getFilter());
  if (it.getElementType() != ft.getElementType())
    return emitOptionalError(loc, "input and filter element types differ");
  if (it.getRank() != 4 || ft.getRank() != 4)
    return emitOptionalError(loc, "input and filter must have rank 4 (NCHW, "
                                  "FCHW)");
  if (failed(checkWindowAttrs(loc, adaptor.getStrides(), adaptor.getPadding(),
                              adaptor.getDilations())))
    return failure();
  int64_t groups = adaptor.getGroups();
  ArrayRef<int64_t> in = it.getShape(), f = ft.getShape();
  if (groups < 1 || in[1] % groups || f[0] % groups)
    return emitOptionalError(loc, "groups = ", groups, " must divide the ",
                             in[1], " input channels and the ", f[0],
                             " filters");
  if (f[1] * groups != in[1])
    return emitOptionalError(loc, "filter has ", f[1],
                             " channels per group, expected ", in[1] / groups);
  ArrayRef<int64_t> s = adaptor.getStrides(), p = adaptor.getPadding(),
                    d = adaptor.getDilations();
  int64_t oh = windowOutputSize(in[2], p[0], p[2], f[2], s[0], d[0]);
  int64_t ow = windowOutputSize(in[3], p[1], p[3], f[3], s[1], d[1]);
  if (oh < 1 || ow < 1)
    return emitOptionalError(loc, "the filter window does not fit the padded "
                                  "input");
  inferred.push_back(
      RankedTensorType::get({in[0], f[0], oh, ow}, it.getElementType()));
  return success();
}

LogicalResult Pool2DOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto it = rankedType(adaptor.getInput());
  if (it.getRank() != 4)
    return emitOptionalError(loc, "input must have rank 4 (NCHW)");
  ArrayRef<int64_t> k = adaptor.getKernel();
  if (k.size() != 2 || k[0] < 1 || k[1] < 1)
    return emitOptionalError(loc, "kernel must be 2 sizes >= 1");
  SmallVector<int64_t> ones = {1, 1};
  if (failed(checkWindowAttrs(loc, adaptor.getStrides(), adaptor.getPadding(),
                              ones)))
    return failure();
  ArrayRef<int64_t> in = it.getShape(), s = adaptor.getStrides(),
                    p = adaptor.getPadding();
  if (p[0] >= k[0] || p[2] >= k[0] || p[1] >= k[1] || p[3] >= k[1])
    return emitOptionalError(loc, "padding must be smaller than the kernel");
  int64_t oh = windowOutputSize(in[2], p[0], p[2], k[0], s[0], 1);
  int64_t ow = windowOutputSize(in[3], p[1], p[3], k[1], s[1], 1);
  if (oh < 1 || ow < 1)
    return emitOptionalError(loc, "the window does not fit the padded input");
  inferred.push_back(
      RankedTensorType::get({in[0], in[1], oh, ow}, it.getElementType()));
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

static SmallVector<int64_t> reducedShape(ArrayRef<int64_t> shape,
                                         ArrayRef<int64_t> axes,
                                         bool keepdims) {
  SmallVector<int64_t> out;
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (!llvm::is_contained(axes, static_cast<int64_t>(i)))
      out.push_back(d);
    else if (keepdims)
      out.push_back(1);
  }
  return out;
}

LogicalResult ReduceOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto it = rankedType(adaptor.getInput());
  ArrayRef<int64_t> axes = adaptor.getAxes();
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t a : axes) {
    if (failed(checkAxis(loc, a, it.getRank())))
      return failure();
    if (!seen.insert(a).second)
      return emitOptionalError(loc, "axis ", a, " appears twice");
  }
  if (adaptor.getKind() == ReduceKind::mean &&
      !isa<FloatType>(it.getElementType()))
    return emitOptionalError(loc, "mean needs a floating-point input");
  inferred.push_back(RankedTensorType::get(
      reducedShape(it.getShape(), axes, adaptor.getKeepdims()),
      it.getElementType()));
  return success();
}

LogicalResult ArgmaxOp::inferReturnTypes(MLIRContext *ctx,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto it = rankedType(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, axis, it.getRank())))
    return failure();
  inferred.push_back(RankedTensorType::get(
      reducedShape(it.getShape(), {axis}, adaptor.getKeepdims()),
      IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult SoftmaxOp::verify() {
  return checkAxis(getLoc(), getAxis(), getInput().getType().getRank());
}
LogicalResult LogSoftmaxOp::verify() {
  return checkAxis(getLoc(), getAxis(), getInput().getType().getRank());
}

/// scale (and bias) must have the normalized shape input.shape[axis:].
static LogicalResult verifyNormalization(Operation *op, Value input,
                                         int64_t axis, ValueRange affine) {
  auto it = rankedType(input);
  if (failed(checkAxis(op->getLoc(), axis, it.getRank())))
    return failure();
  ArrayRef<int64_t> normalized = it.getShape().drop_front(axis);
  for (Value v : affine) {
    auto t = rankedType(v);
    if (t.getElementType() != it.getElementType())
      return op->emitOpError("scale and bias must have the input's element "
                             "type");
    if (t.getShape() != normalized)
      return op->emitOpError("expected scale/bias of shape ")
             << shapeString(normalized) << " (input dims from axis " << axis
             << "), got " << shapeString(t.getShape());
  }
  return success();
}

LogicalResult LayerNormOp::verify() {
  return verifyNormalization(*this, getInput(), getAxis(),
                             {getScale(), getBias()});
}
LogicalResult RmsNormOp::verify() {
  return verifyNormalization(*this, getInput(), getAxis(), {getScale()});
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  if (getInput().getType().getNumElements() !=
      getResult().getType().getNumElements())
    return emitOpError("input has ")
           << getInput().getType().getNumElements()
           << " elements but the result type has "
           << getResult().getType().getNumElements();
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &inferred) {
  auto it = rankedType(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPermutation();
  if (static_cast<int64_t>(perm.size()) != it.getRank())
    return emitOptionalError(loc, "permutation has ", perm.size(),
                             " entries, expected ", it.getRank());
  SmallVector<int64_t> shape;
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t p : perm) {
    if (failed(checkAxis(loc, p, it.getRank(), "permutation entry")))
      return failure();
    if (!seen.insert(p).second)
      return emitOptionalError(loc, "permutation repeats ", p);
    shape.push_back(it.getDimSize(p));
  }
  inferred.push_back(RankedTensorType::get(shape, it.getElementType()));
  return success();
}

LogicalResult BroadcastOp::verify() {
  ArrayRef<int64_t> in = getInput().getType().getShape(),
                    out = getResult().getType().getShape();
  auto b = broadcastShapes(in, out);
  if (!b || ArrayRef<int64_t>(*b) != out)
    return emitOpError("cannot broadcast ")
           << shapeString(in) << " to " << shapeString(out);
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  ValueRange inputs = adaptor.getInputs();
  if (inputs.empty())
    return emitOptionalError(loc, "expected at least one input");
  auto first = rankedType(inputs.front());
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, axis, first.getRank())))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (auto [i, v] : llvm::enumerate(inputs)) {
    auto t = rankedType(v);
    if (t.getElementType() != first.getElementType() ||
        t.getRank() != first.getRank())
      return emitOptionalError(loc, "input ", i,
                               " differs in element type or rank from input 0");
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != axis && t.getDimSize(d) != first.getDimSize(d))
        return emitOptionalError(loc, "input ", i, " has shape ",
                                 shapeString(t.getShape()), ", input 0 has ",
                                 shapeString(first.getShape()));
    shape[axis] += t.getDimSize(axis);
  }
  inferred.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

LogicalResult SliceOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &inferred) {
  auto it = rankedType(adaptor.getInput());
  ArrayRef<int64_t> start = adaptor.getStart(), limit = adaptor.getLimit(),
                    step = adaptor.getStep();
  size_t rank = it.getRank();
  if (start.size() != rank || limit.size() != rank || step.size() != rank)
    return emitOptionalError(loc, "start, limit and step need ", rank,
                             " entries each");
  SmallVector<int64_t> shape;
  for (size_t d = 0; d < rank; ++d) {
    if (step[d] < 1 || start[d] < 0 || start[d] > limit[d] ||
        limit[d] > it.getDimSize(d))
      return emitOptionalError(loc, "dimension ", d, ": slice ", start[d], ":",
                               limit[d], ":", step[d],
                               " is not within 0 <= start <= limit <= ",
                               it.getDimSize(d), " with step >= 1");
    shape.push_back((limit[d] - start[d] + step[d] - 1) / step[d]);
  }
  inferred.push_back(RankedTensorType::get(shape, it.getElementType()));
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &inferred) {
  auto dt = rankedType(adaptor.getData()), it = rankedType(adaptor.getIndices());
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, axis, dt.getRank())))
    return failure();
  SmallVector<int64_t> shape(dt.getShape().take_front(axis));
  llvm::append_range(shape, it.getShape());
  llvm::append_range(shape, dt.getShape().drop_front(axis + 1));
  inferred.push_back(RankedTensorType::get(shape, dt.getElementType()));
  return success();
}

LogicalResult ScatterAddOp::verify() {
  RankedTensorType ut = getUpdates().getType(), it = getIndices().getType(),
                   rt = getType();
  int64_t axis = getAxis();
  if (ut.getElementType() != rt.getElementType())
    return emitOpError("updates element type ")
           << ut.getElementType() << " differs from the result's "
           << rt.getElementType();
  if (failed(checkAxis(getLoc(), axis, rt.getRank())))
    return failure();
  // The shape gather would produce from a tensor of the result's shape.
  SmallVector<int64_t> expected(rt.getShape().take_front(axis));
  llvm::append_range(expected, it.getShape());
  llvm::append_range(expected, rt.getShape().drop_front(axis + 1));
  if (ut.getShape() != ArrayRef<int64_t>(expected))
    return emitOpError("updates have shape ")
           << shapeString(ut.getShape()) << ", expected "
           << shapeString(expected) << " (result.shape[:axis] + "
           << "indices.shape + result.shape[axis+1:])";
  return success();
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

LogicalResult ParamOp::verify() {
  if (getName().empty())
    return emitOpError("parameter name must not be empty");
  if (std::optional<ArrayRef<int64_t>> perm = getPermutation()) {
    int64_t rank = getType().getRank();
    llvm::SmallSet<int64_t, 8> seen;
    if (static_cast<int64_t>(perm->size()) != rank)
      return emitOpError("permutation has ")
             << perm->size() << " entries, expected " << rank;
    for (int64_t p : *perm)
      if (p < 0 || p >= rank || !seen.insert(p).second)
        return emitOpError("permutation is not a permutation of [0, ")
               << rank << ")";
  }
  return success();
}

namespace {
/// transpose(param) reads the parameter permuted: the compiler lays its
/// bytes out that way once, instead of transposing at every run.
struct FoldTransposeOfParam : OpRewritePattern<TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(TransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto param = op.getInput().getDefiningOp<ParamOp>();
    if (!param)
      return failure();
    SmallVector<int64_t> composed;
    for (int64_t q : op.getPermutation())
      composed.push_back(param.getPermutation() ? (*param.getPermutation())[q]
                                                : q);
    DenseI64ArrayAttr permutation;
    if (!llvm::equal(composed, llvm::seq<int64_t>(0, composed.size())))
      permutation = rewriter.getDenseI64ArrayAttr(composed);
    rewriter.replaceOpWithNewOp<ParamOp>(op, op.getType(),
                                         param.getNameAttr(), permutation);
    return success();
  }
};
} // namespace

void TransposeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<FoldTransposeOfParam>(context);
}

//===----------------------------------------------------------------------===//
// Dispatch regions
//===----------------------------------------------------------------------===//

LogicalResult DispatchOp::verify() {
  auto yield = cast<YieldOp>(getBody().front().getTerminator());
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError("yields ")
           << yield.getValues().getTypes() << " but the region returns "
           << getResultTypes();
  return success();
}

#define GET_OP_CLASSES
#include "dialects/born/IR/BornOps.cpp.inc"
