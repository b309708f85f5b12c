#include "codegen/SPIRV/Passes.h"
#include "passes/Dispatch/Passes.h"

#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace born {
#define GEN_PASS_DEF_TILEDISPATCHREGIONS
#include "codegen/SPIRV/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
using OpSet = llvm::SmallPtrSet<Operation *, 8>;

/// The input an all-parallel generic can write its result into instead of
/// its init: one computed by an op of `kernel`, used by nothing else, with
/// the init's type and indexing map, so each element is read once, at the
/// position written. Null if none. The init itself must be unused by the
/// payload, or the generic accumulates into it.
Value reusableInput(linalg::GenericOp op, const OpSet &kernel) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() != 0)
    return {};
  OpOperand *init = op.getDpsInitOperand(0);
  if (op.payloadUsesValueFromOperand(init))
    return {};
  for (OpOperand *input : op.getDpsInputOperands()) {
    Value value = input->get();
    if (value.getType() != init->get().getType() ||
        op.getMatchingIndexingMap(input) != op.getMatchingIndexingMap(init) ||
        !value.hasOneUse() || !kernel.contains(value.getDefiningOp()))
      continue;
    return value;
  }
  return {};
}

/// The value a linalg op computes its result in place of: its init, or for
/// an elementwise generic, the input it can overwrite.
Value destinationOf(linalg::LinalgOp op, const OpSet &kernel) {
  if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation()))
    if (Value input = reusableInput(generic, kernel))
      return input;
  return op.getNumDpsInits() == 1 ? op.getDpsInitOperand(0)->get() : Value();
}

bool hasStaticLoops(linalg::LinalgOp op) {
  return !llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic);
}

struct TileDispatchRegionsPass
    : born::impl::TileDispatchRegionsBase<TileDispatchRegionsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    SmallVector<born::DispatchOp> dispatches;
    func.walk([&](born::DispatchOp d) { dispatches.push_back(d); });
    for (born::DispatchOp dispatch : dispatches) {
      Block &body = dispatch.getBody().front();
      SmallVector<Operation *> members;
      for (Operation &op : body.without_terminator())
        members.push_back(&op);
      // The root is the op whose result leaves the region.
      auto yield = cast<born::YieldOp>(body.getTerminator());
      Operation *root = yield.getValues().size() == 1
                            ? yield.getValues()[0].getDefiningOp()
                            : nullptr;
      bool fuse = root && members.size() > 1 && formsOneChain(root, members);
      born::inlineDispatchRegion(rewriter, dispatch);
      if (fuse)
        tileAndFuse(rewriter, cast<linalg::LinalgOp>(root), members);
    }
    // The fill of a fused tile starts from a slice of an empty tensor: as an
    // empty tensor itself, eliminate-empty-tensors can replace it by the
    // slice of the output that the tile is inserted into.
    RewritePatternSet patterns(&getContext());
    tensor::populateFoldTensorEmptyPatterns(patterns);
    if (failed(applyPatternsGreedily(func, std::move(patterns))))
      return signalPassFailure();
  }

  /// Whether every member of the region lies on one chain of destinations
  /// ending at the root, so that once tiled to one element of the root,
  /// each member writes the same element of the output in turn and no
  /// member needs a temporary buffer. Members off the chain (two operands
  /// of one elementwise op both computed in the region, or a producer read
  /// over a reduction, whose tile would be a whole row) would need one.
  bool formsOneChain(Operation *rootOp, ArrayRef<Operation *> members) {
    OpSet region(members.begin(), members.end());
    OpSet remaining = region;
    for (Operation *op : members) {
      auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
      if (!linalgOp || !linalgOp.hasPureTensorSemantics() ||
          !hasStaticLoops(linalgOp) || op->getNumResults() != 1)
        return false;
    }
    auto root = dyn_cast<linalg::LinalgOp>(rootOp);
    if (!root || !region.contains(rootOp) || root.getNumParallelLoops() == 0)
      return false;
    Operation *op = root;
    Value destination;
    while (op && remaining.erase(op)) {
      if (op != root && !op->hasOneUse())
        return false;
      destination = destinationOf(cast<linalg::LinalgOp>(op), region);
      op = destination ? destination.getDefiningOp() : nullptr;
    }
    // The chain must start from an empty tensor, which becomes the output's
    // tile; a tile of any other tensor (a fill shared with other regions)
    // would be copied into a temporary first.
    return remaining.empty() && destination &&
           destination.getDefiningOp<tensor::EmptyOp>();
  }

  /// One scf.forall iteration per element of the root's parallel
  /// dimensions (its reductions run inside), with the other members fused
  /// in; elementwise members then write into their producer's tile.
  void tileAndFuse(IRRewriter &rewriter, linalg::LinalgOp root,
                   ArrayRef<Operation *> members) {
    SmallVector<int64_t> sizes;
    for (utils::IteratorType it : root.getIteratorTypesArray())
      sizes.push_back(it == utils::IteratorType::parallel ? 1 : 0);
    scf::SCFTilingOptions tiling;
    tiling.setTileSizes(getAsIndexOpFoldResult(&getContext(), sizes));
    tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
    scf::SCFTileAndFuseOptions options;
    options.setTilingOptions(tiling);
    OpSet region(members.begin(), members.end());
    options.setFusionControlFn(
        [&](tensor::ExtractSliceOp, OpResult producer, bool)
            -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
          if (!region.contains(producer.getOwner()))
            return std::nullopt;
          return scf::SCFTileAndFuseOptions::ControlFnResult{};
        });
    rewriter.setInsertionPoint(root);
    FailureOr<scf::SCFTileAndFuseResult> result =
        scf::tileConsumerAndFuseProducersUsingSCF(
            rewriter, cast<TilingInterface>(root.getOperation()), options);
    if (failed(result))
      return; // stays a kernel per op
    for (OpResult r : root->getResults())
      if (Value replacement = result->replacements.lookup(r))
        rewriter.replaceAllUsesWith(r, replacement);
    rewriter.eraseOp(root);
    for (Operation *fused : result->fusedProducers)
      if (fused->use_empty())
        rewriter.eraseOp(fused);
    OpSet tiledOps(result->tiledAndFusedOps.begin(),
                   result->tiledAndFusedOps.end());
    for (Operation *tiled : result->tiledAndFusedOps)
      if (auto generic = dyn_cast<linalg::GenericOp>(tiled))
        if (Value input = reusableInput(generic, tiledOps))
          rewriter.modifyOpInPlace(
              generic, [&] { generic.getDpsInitOperand(0)->set(input); });
  }
};
} // namespace
