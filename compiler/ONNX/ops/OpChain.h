//===- OpChain.h - Building decompositions without a check per op -*- C++ -*-===//
//
// Decompositions (ConvTranspose, Attention, the losses...) build dozens of
// born ops. OpChain wraps NodeContext::make so that every op returns a plain
// Value that is null once anything failed: the first error is recorded in the
// NodeContext, later ops see a null operand and do nothing, and the importer
// checks once at the end.
//
//===----------------------------------------------------------------------===//
#ifndef BORN_COMPILER_ONNX_OPS_OPCHAIN_H
#define BORN_COMPILER_ONNX_OPS_OPCHAIN_H

#include "compiler/ONNX/NodeContext.h"

namespace born::onnx {

class OpChain {
public:
  explicit OpChain(NodeContext &ctx) : ctx(ctx) {}
  NodeContext &ctx;

  template <typename OpT, typename... Args>
  mlir::Value make(Args &&...args) {
    if ((isNull(args) || ...))
      return {};
    mlir::FailureOr<mlir::Value> v =
        ctx.make<OpT>(std::forward<Args>(args)...);
    return mlir::succeeded(v) ? *v : mlir::Value();
  }

  mlir::Value add(mlir::Value a, mlir::Value b) { return make<AddOp>(a, b); }
  mlir::Value sub(mlir::Value a, mlir::Value b) { return make<SubOp>(a, b); }
  mlir::Value mul(mlir::Value a, mlir::Value b) { return make<MulOp>(a, b); }
  mlir::Value div(mlir::Value a, mlir::Value b) { return make<DivOp>(a, b); }
  mlir::Value max(mlir::Value a, mlir::Value b) { return make<MaxOp>(a, b); }
  mlir::Value min(mlir::Value a, mlir::Value b) { return make<MinOp>(a, b); }
  mlir::Value pow(mlir::Value a, mlir::Value b) { return make<PowOp>(a, b); }
  mlir::Value matmul(mlir::Value a, mlir::Value b) {
    return make<MatmulOp>(a, b);
  }
  mlir::Value cmp(CmpPredicate p, mlir::Value a, mlir::Value b) {
    return make<CmpOp>(p, a, b);
  }
  mlir::Value where(mlir::Value c, mlir::Value a, mlir::Value b) {
    return make<WhereOp>(c, a, b);
  }
  mlir::Value reduce(ReduceKind kind, mlir::Value v,
                     llvm::ArrayRef<int64_t> axes, bool keepdims) {
    return make<ReduceOp>(kind, v, axes, keepdims);
  }
  mlir::Value slice(mlir::Value v, llvm::ArrayRef<int64_t> start,
                    llvm::ArrayRef<int64_t> limit,
                    llvm::ArrayRef<int64_t> step) {
    return make<SliceOp>(v, start, limit, step);
  }
  /// `v[lo:hi]` along `axis`, everything else whole.
  mlir::Value sliceAxis(mlir::Value v, int64_t axis, int64_t lo, int64_t hi,
                        int64_t step = 1) {
    if (!v)
      return {};
    llvm::SmallVector<int64_t> start(NodeContext::rank(v), 0),
        limit(NodeContext::shape(v)), steps(NodeContext::rank(v), 1);
    start[axis] = lo;
    limit[axis] = hi;
    steps[axis] = step;
    return slice(v, start, limit, steps);
  }
  mlir::Value concat(llvm::ArrayRef<mlir::Value> values, int64_t axis) {
    if (llvm::any_of(values, [](mlir::Value v) { return !v; }))
      return {};
    if (values.size() == 1)
      return values.front();
    return make<ConcatOp>(mlir::ValueRange(values), axis);
  }

  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape) {
    return v ? unwrap(ctx.reshape(v, shape)) : v;
  }
  mlir::Value cast(mlir::Value v, mlir::Type t) {
    return v ? unwrap(ctx.cast(v, t)) : v;
  }
  mlir::Value broadcastTo(mlir::Value v, llvm::ArrayRef<int64_t> shape) {
    return v ? unwrap(ctx.broadcastTo(v, shape)) : v;
  }
  mlir::Value transpose(mlir::Value v, llvm::ArrayRef<int64_t> perm) {
    return v ? unwrap(ctx.transpose(v, perm)) : v;
  }
  /// A rank-0 constant of `like`'s element type.
  mlir::Value scalarLike(mlir::Value like, double v) {
    return like ? ctx.scalar(NodeContext::elementType(like), v) : like;
  }
  /// A constant of element type `t` and `shape` holding `values` (integers
  /// or floats per `t`).
  mlir::Value constant(mlir::Type t, llvm::ArrayRef<int64_t> shape,
                       llvm::ArrayRef<double> values) {
    auto type = mlir::RankedTensorType::get(shape, t);
    if (auto f = llvm::dyn_cast<mlir::FloatType>(t)) {
      llvm::SmallVector<llvm::APFloat> elems;
      for (double v : values) {
        llvm::APFloat a(v);
        bool lost;
        a.convert(f.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven,
                  &lost);
        elems.push_back(a);
      }
      return ctx.constant(mlir::DenseElementsAttr::get(type, elems));
    }
    unsigned width = t.getIntOrFloatBitWidth();
    llvm::SmallVector<llvm::APInt> elems;
    for (double v : values)
      elems.push_back(llvm::APInt(width, uint64_t(int64_t(v)), width > 1));
    return ctx.constant(mlir::DenseElementsAttr::get(type, elems));
  }
  /// `0, 1, ..., n-1` of element type `t` along `axis` of a rank-`rank`
  /// tensor whose other dimensions are 1, for masks built with born.cmp.
  mlir::Value iota(mlir::Type t, int64_t n, int64_t axis, int64_t rank) {
    llvm::SmallVector<int64_t> shape(rank, 1);
    shape[axis] = n;
    llvm::SmallVector<double> values;
    for (int64_t i = 0; i < n; ++i)
      values.push_back(double(i));
    return constant(t, shape, values);
  }

  /// Succeeds when every value in `vs` was built.
  mlir::LogicalResult check(llvm::ArrayRef<mlir::Value> vs) {
    return mlir::success(llvm::all_of(vs, [](mlir::Value v) { return v; }));
  }

private:
  static mlir::Value unwrap(mlir::FailureOr<mlir::Value> v) {
    return mlir::succeeded(v) ? *v : mlir::Value();
  }
  static bool isNull(mlir::Value v) { return !v; }
  template <typename T>
  static bool isNull(const T &) {
    return false;
  }
};

} // namespace born::onnx

#endif
