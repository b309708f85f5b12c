#include "codegen/CPU/Passes.h"
#include "passes/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace born {
#define GEN_PASS_DEF_PACKMATMULWEIGHTS
#include "codegen/CPU/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// A param's layout as its entry-argument attributes give it.
struct ParamLayout {
  std::string source;
  SmallVector<int64_t> expandedShape;
  SmallVector<int64_t> permutation;
};

ParamLayout layoutOf(func::FuncOp func, unsigned index, StringAttr key) {
  ParamLayout layout;
  auto source =
      func.getArgAttrOfType<StringAttr>(index, born::kParamSourceAttrName);
  layout.source = (source ? source : key).str();
  auto perm =
      func.getArgAttrOfType<DenseI64ArrayAttr>(index, born::kPermutationAttrName);
  auto shape = cast<ShapedType>(func.getArgument(index).getType()).getShape();
  if (perm)
    layout.permutation.assign(perm.asArrayRef().begin(),
                              perm.asArrayRef().end());
  else
    layout.permutation = llvm::to_vector(llvm::seq<int64_t>(0, shape.size()));
  if (auto expanded = func.getArgAttrOfType<DenseI64ArrayAttr>(
          index, born::kExpandedShapeAttrName)) {
    layout.expandedShape.assign(expanded.asArrayRef().begin(),
                                expanded.asArrayRef().end());
  } else {
    layout.expandedShape.resize(shape.size());
    for (auto [i, p] : llvm::enumerate(layout.permutation))
      layout.expandedShape[p] = shape[i];
  }
  return layout;
}

/// The layout of [K, N] -> [N/w, K, w] applied on top of `layout` (whose
/// result is [K, N]): N's expanded dim splits in two, and the permutation
/// picks (N outer, K, N inner).
ParamLayout packedLayout(const ParamLayout &layout, int64_t width) {
  int64_t kDim = layout.permutation[0], nDim = layout.permutation[1];
  auto afterSplit = [&](int64_t d) { return d < nDim ? d : d + 1; };
  ParamLayout packed{layout.source, {}, {}};
  for (auto [d, size] : llvm::enumerate(layout.expandedShape)) {
    if (static_cast<int64_t>(d) == nDim)
      packed.expandedShape.append({size / width, width});
    else
      packed.expandedShape.push_back(size);
  }
  packed.permutation = {nDim, afterSplit(kDim), nDim + 1};
  return packed;
}

struct PackMatmulWeightsPass
    : born::impl::PackMatmulWeightsBase<PackMatmulWeightsPass> {
  using PackMatmulWeightsBase::PackMatmulWeightsBase;

  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        if (auto key = func.getArgAttrOfType<StringAttr>(i, born::kParamAttrName))
          if (isPackable(func.getArgument(i)))
            pack(func, i, key);
    }
    // A packed matmul's init, expand_shape(fill(empty)), becomes a fill of
    // the packed shape, which tiling fuses into the matmul's blocks.
    RewritePatternSet patterns(&getContext());
    linalg::FillOp::getCanonicalizationPatterns(patterns, &getContext());
    tensor::populateFoldTensorEmptyPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }

  /// A static 2-D weight whose columns split into panels, read only as the
  /// right-hand side of plain floating-point matmuls.
  bool isPackable(BlockArgument arg) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || type.getRank() != 2 || !type.hasStaticShape() ||
        !isa<FloatType>(type.getElementType()))
      return false;
    // One panel is already contiguous.
    int64_t n = type.getDimSize(1);
    if (n % panelWidth != 0 || n == panelWidth || arg.use_empty())
      return false;
    return llvm::all_of(arg.getUses(), [&](OpOperand &use) {
      auto matmul = dyn_cast<linalg::MatmulOp>(use.getOwner());
      return matmul && matmul.hasPureTensorSemantics() &&
             !matmul.hasUserDefinedMaps() && use.getOperandNumber() == 1 &&
             matmul.getDpsInputs()[0] != arg &&
             llvm::all_of(matmul->getOperandTypes(), [&](Type t) {
               return getElementTypeOrSelf(t) == type.getElementType();
             });
    });
  }

  void pack(func::FuncOp func, unsigned index, StringAttr key) {
    MLIRContext *ctx = &getContext();
    BlockArgument arg = func.getArgument(index);
    auto type = cast<RankedTensorType>(arg.getType());
    int64_t k = type.getDimSize(0), n = type.getDimSize(1);
    ParamLayout layout = packedLayout(layoutOf(func, index, key), panelWidth);

    arg.setType(RankedTensorType::get({n / panelWidth, k, panelWidth},
                                      type.getElementType()));
    func.setType(FunctionType::get(ctx, func.getBody().getArgumentTypes(),
                                   func.getResultTypes()));
    Builder b(ctx);
    func.setArgAttr(index, born::kParamAttrName,
                    b.getStringAttr(born::paramKey(layout.source,
                                                   layout.expandedShape,
                                                   layout.permutation)));
    func.setArgAttr(index, born::kParamSourceAttrName,
                    b.getStringAttr(layout.source));
    func.setArgAttr(index, born::kExpandedShapeAttrName,
                    b.getDenseI64ArrayAttr(layout.expandedShape));
    func.setArgAttr(index, born::kPermutationAttrName,
                    b.getDenseI64ArrayAttr(layout.permutation));

    IRRewriter rewriter(ctx);
    for (OpOperand &use : llvm::make_early_inc_range(arg.getUses()))
      rewriteMatmul(rewriter, cast<linalg::MatmulOp>(use.getOwner()));
  }

  void rewriteMatmul(IRRewriter &rewriter, linalg::MatmulOp matmul) {
    MLIRContext *ctx = &getContext();
    Location loc = matmul.getLoc();
    rewriter.setInsertionPoint(matmul);
    Value lhs = matmul.getDpsInputs()[0], packed = matmul.getDpsInputs()[1];
    Value init = matmul.getDpsInits()[0];
    auto resultType = cast<RankedTensorType>(init.getType());
    int64_t m = resultType.getDimSize(0), n = resultType.getDimSize(1);
    auto packedResultType = RankedTensorType::get(
        {m, n / panelWidth, panelWidth}, resultType.getElementType());
    SmallVector<ReassociationIndices> splitColumns = {{0}, {1, 2}};
    Value packedInit = tensor::ExpandShapeOp::create(
        rewriter, loc, packedResultType, init, splitColumns);

    // Loops (jb, i, jj, k): the panel index outermost, so that a register
    // block of rows x one panel is the usual rows x cols tile.
    AffineExpr jb, i, jj, kk;
    bindDims(ctx, jb, i, jj, kk);
    SmallVector<AffineMap> maps = {
        AffineMap::get(4, 0, {i, kk}, ctx),
        AffineMap::get(4, 0, {jb, kk, jj}, ctx),
        AffineMap::get(4, 0, {i, jb, jj}, ctx)};
    SmallVector<utils::IteratorType> iterators(3,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{packedResultType}, ValueRange{lhs, packed},
        ValueRange{packedInit}, maps, iterators,
        [](OpBuilder &b, Location loc, ValueRange args) {
          Value product = arith::MulFOp::create(b, loc, args[0], args[1]);
          Value sum = arith::AddFOp::create(b, loc, args[2], product);
          linalg::YieldOp::create(b, loc, sum);
        });
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        matmul, resultType, generic.getResult(0), splitColumns);
  }
};
} // namespace
