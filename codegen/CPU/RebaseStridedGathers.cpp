#include "codegen/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"

namespace born {
#define GEN_PASS_DEF_REBASESTRIDEDGATHERS
#include "codegen/CPU/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// Whether `type` is laid out densely in row-major order (any offset): the
/// only layout in which a logical linear index is a memory displacement.
bool isContiguousRowMajor(MemRefType type, SmallVectorImpl<int64_t> &strides) {
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  int64_t expected = 1;
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    int64_t size = type.getDimSize(d);
    // Strides of unit dims never matter.
    if (size != 1 && (ShapedType::isDynamic(size) || strides[d] != expected))
      return false;
    expected *= size;
  }
  return true;
}

/// The vector.gather the linalg vectorizer makes from a tensor.extract has
/// offsets that linearize the index over the source's logical shape; on a
/// strided memref they must be memory displacements. Delinearize the
/// logical offset and re-linearize it with the strides.
LogicalResult rebase(vector::GatherOp gather, IRRewriter &rewriter) {
  auto type = dyn_cast<MemRefType>(gather.getBase().getType());
  if (!type)
    return success();
  SmallVector<int64_t> strides;
  if (isContiguousRowMajor(type, strides))
    return success();
  if (!type.hasStaticShape())
    return gather.emitOpError("gathers from a memref of dynamic shape");
  Location loc = gather.getLoc();
  rewriter.setInsertionPoint(gather);
  auto indexVecType = cast<VectorType>(gather.getIndices().getType());
  VectorType vecType = indexVecType.clone(rewriter.getIndexType());
  Value logical = gather.getIndices();
  if (!indexVecType.getElementType().isIndex())
    logical = arith::IndexCastOp::create(rewriter, loc, vecType, logical);
  auto splat = [&](int64_t v) -> Value {
    return arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(vecType, rewriter.getIndexAttr(v)));
  };
  // Dynamic strides (a fully dynamic layout) are read from the descriptor.
  SmallVector<Value> dynamicStrides;
  if (llvm::any_of(strides, ShapedType::isDynamic)) {
    auto metadata = memref::ExtractStridedMetadataOp::create(
        rewriter, loc, gather.getBase());
    for (Value s : metadata.getStrides())
      dynamicStrides.push_back(
          vector::BroadcastOp::create(rewriter, loc, vecType, s));
  }
  auto stride = [&](int64_t d) -> Value {
    if (ShapedType::isDynamic(strides[d]))
      return dynamicStrides[d];
    return splat(strides[d]);
  };
  // The base indices, linearized over the logical shape, join the offsets.
  ArrayRef<int64_t> shape = type.getShape();
  Value base;
  for (auto [d, index] : llvm::enumerate(gather.getOffsets())) {
    if (!base) {
      base = index;
      continue;
    }
    Value scaled = arith::MulIOp::create(
        rewriter, loc, base, arith::ConstantIndexOp::create(rewriter, loc, shape[d]));
    base = arith::AddIOp::create(rewriter, loc, scaled, index);
  }
  logical = arith::AddIOp::create(
      rewriter, loc, logical, vector::BroadcastOp::create(rewriter, loc, vecType, base));
  Value memory;
  for (int64_t d = type.getRank() - 1; d >= 0; --d) {
    if (shape[d] == 1 && d != 0)
      continue; // contributes nothing; the quotient is the value itself
    Value index = logical;
    if (d != 0) {
      index = arith::RemUIOp::create(rewriter, loc, logical, splat(shape[d]));
      logical = arith::DivUIOp::create(rewriter, loc, logical, splat(shape[d]));
    }
    Value term = strides[d] == 1
                     ? index
                     : arith::MulIOp::create(rewriter, loc, index, stride(d))
                           .getResult();
    memory = memory ? arith::AddIOp::create(rewriter, loc, memory, term).getResult()
                    : term;
  }
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  rewriter.modifyOpInPlace(gather, [&] {
    gather.getOffsetsMutable().assign(
        SmallVector<Value>(type.getRank(), zero));
    gather.getIndicesMutable().assign(memory);
  });
  return success();
}

struct RebaseStridedGathersPass
    : born::impl::RebaseStridedGathersBase<RebaseStridedGathersPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<vector::GatherOp> gathers;
    getOperation().walk([&](vector::GatherOp g) { gathers.push_back(g); });
    for (vector::GatherOp gather : gathers)
      if (failed(rebase(gather, rewriter)))
        return signalPassFailure();
  }
};
} // namespace
