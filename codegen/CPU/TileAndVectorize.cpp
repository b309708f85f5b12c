#include "codegen/CPU/Passes.h"
#include "passes/Dispatch/Passes.h"

#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/Dialect/Vector/Transforms/LoweringPatterns.h"
#include "mlir/Dialect/Vector/Transforms/VectorRewritePatterns.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/TilingInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace born {
#define GEN_PASS_DEF_TILEANDVECTORIZE
#include "codegen/CPU/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// The largest divisor of `size` that is <= `target`, so tiles stay static
/// (a partial last tile would make shapes dynamic and block vectorization).
int64_t staticTileSize(int64_t size, int64_t target) {
  for (int64_t t = std::min(size, target); t > 1; --t)
    if (size % t == 0)
      return t;
  return 1;
}

bool isContractionLike(linalg::LinalgOp op) {
  return linalg::isaContractionOpInterface(op) ||
         linalg::isaConvolutionOpInterface(op);
}

bool hasStaticLoops(linalg::LinalgOp op) {
  return !llvm::any_of(op.getStaticLoopRanges(), ShapedType::isDynamic);
}

bool isTopLevel(Operation *op) {
  return isa<func::FuncOp>(op->getParentOp());
}

struct TileAndVectorizePass
    : born::impl::TileAndVectorizeBase<TileAndVectorizePass> {
  using TileAndVectorizeBase::TileAndVectorizeBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    if (failed(tileAndFuse(func, rewriter)) ||
        failed(tileReductions(func, rewriter)))
      return signalPassFailure();
    vectorizeSmallOps(func, rewriter);
    if (failed(lowerVectorOps(func)))
      return signalPassFailure();
    func.walk([&](LoopLikeOpInterface loop) {
      (void)hoistLoopInvariantSubsets(rewriter, loop);
    });
  }

  /// Parallel dims get register-block tiles (innermost tileCols, next
  /// tileRows, outer ones 1); reduction dims stay whole here.
  SmallVector<OpFoldResult> parallelTileSizes(linalg::LinalgOp op,
                                              OpBuilder &b) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    SmallVector<int64_t> sizes(ranges.size(), 0);
    int64_t seen = 0;
    for (int64_t d = ranges.size() - 1; d >= 0; --d) {
      if (iterators[d] != utils::IteratorType::parallel)
        continue;
      int64_t target = seen == 0 ? tileCols : seen == 1 ? tileRows : 1;
      sizes[d] = staticTileSize(ranges[d], target);
      ++seen;
    }
    return getAsIndexOpFoldResult(b.getContext(), sizes);
  }

  LogicalResult tileAndFuse(func::FuncOp func, IRRewriter &rewriter) {
    // Each dispatch region's root is tiled and the rest of its region fused
    // into the tile loop. Ops outside any region (IR that did not go through
    // born-form-dispatch-regions) root their own nests and take the
    // producers the region former would have given them.
    llvm::DenseMap<Operation *, llvm::SmallPtrSet<Operation *, 8>> regionOf;
    SmallVector<born::DispatchOp> dispatches;
    func.walk([&](born::DispatchOp d) { dispatches.push_back(d); });
    for (born::DispatchOp dispatch : dispatches) {
      llvm::SmallPtrSet<Operation *, 8> members;
      for (Operation &op : dispatch.getBody().front().without_terminator())
        members.insert(&op);
      for (Operation *member : members)
        regionOf[member] = members;
      born::inlineDispatchRegion(rewriter, dispatch);
    }

    // Consumers first: each top-level op still standing after its consumers
    // were tiled becomes the root of its own loop nest.
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && isTopLevel(op) && hasStaticLoops(op))
        ops.push_back(op);
    });
    llvm::DenseSet<Operation *> erased;
    for (linalg::LinalgOp op : llvm::reverse(ops)) {
      if (erased.contains(op) || op->use_empty())
        continue;
      // Tiles are independent: an scf.forall, run in parallel once outlined.
      scf::SCFTilingOptions tiling;
      tiling.setTileSizes(parallelTileSizes(op, rewriter));
      tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
      scf::SCFTileAndFuseOptions options;
      options.setTilingOptions(tiling);
      auto region = regionOf.find(op);
      llvm::SmallPtrSet<Operation *, 8> nest = {op};
      options.setFusionControlFn(
          [&](tensor::ExtractSliceOp slice, OpResult producer, bool)
              -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
            Operation *owner = producer.getOwner();
            if (region != regionOf.end()) {
              if (!region->second.contains(owner))
                return std::nullopt;
              return scf::SCFTileAndFuseOptions::ControlFnResult{};
            }
            if (!isa<linalg::LinalgOp>(owner))
              return std::nullopt;
            for (Operation *user : producer.getUsers())
              if (user != slice && !nest.contains(user))
                return std::nullopt;
            for (OpOperand &use : slice->getUses())
              if (!born::isFusableWithoutRecomputation(use))
                return std::nullopt;
            nest.insert(owner);
            return scf::SCFTileAndFuseOptions::ControlFnResult{};
          });
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTileAndFuseResult> result =
          scf::tileConsumerAndFuseProducersUsingSCF(
              rewriter, cast<TilingInterface>(op.getOperation()), options);
      if (failed(result))
        continue; // stays untiled; still correct
      for (OpResult r : op->getResults())
        if (Value replacement = result->replacements.lookup(r))
          rewriter.replaceAllUsesWith(r, replacement);
      for (Operation *fused : result->fusedProducers)
        if (fused->use_empty()) {
          erased.insert(fused);
          rewriter.eraseOp(fused);
        }
      erased.insert(op);
      rewriter.eraseOp(op);
    }
    return success();
  }

  /// Contractions step through their reduction dims one element at a time:
  /// each step is a rank-1 update of the output block held in registers.
  LogicalResult tileReductions(func::FuncOp func, IRRewriter &rewriter) {
    SmallVector<linalg::LinalgOp> contractions;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && isContractionLike(op) &&
          hasStaticLoops(op) && op.getNumReductionLoops())
        contractions.push_back(op);
    });
    for (linalg::LinalgOp op : contractions) {
      SmallVector<int64_t> sizes;
      for (utils::IteratorType it : op.getIteratorTypesArray())
        sizes.push_back(it == utils::IteratorType::reduction ? 1 : 0);
      scf::SCFTilingOptions tiling;
      tiling.setTileSizes(getAsIndexOpFoldResult(&getContext(), sizes));
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> result = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), tiling);
      if (failed(result))
        continue;
      bool convolution = linalg::isaConvolutionOpInterface(op);
      rewriter.replaceOp(op, result->replacements);
      if (convolution)
        for (Operation *tiled : result->tiledOps)
          dropUnitLoops(tiled, rewriter);
    }
    return success();
  }

  /// A convolution tile with unit reduction loops is an elementwise
  /// multiply-accumulate of an input window: as a generic without its unit
  /// loops, its indexing maps become permutations, which vectorize.
  void dropUnitLoops(Operation *op, IRRewriter &rewriter) {
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp)
      return;
    rewriter.setInsertionPoint(op);
    auto generic = dyn_cast<linalg::GenericOp>(op);
    if (!generic) {
      FailureOr<linalg::GenericOp> generalized =
          linalg::generalizeNamedOp(rewriter, linalgOp);
      if (failed(generalized))
        return;
      generic = *generalized;
    }
    linalg::ControlDropUnitDims control;
    control.rankReductionStrategy = linalg::ControlDropUnitDims::
        RankReductionStrategy::ExtractInsertSlice;
    FailureOr<linalg::DropUnitDimsResult> dropped =
        linalg::dropUnitDims(rewriter, generic, control);
    if (succeeded(dropped))
      rewriter.replaceOp(generic, dropped->replacements);
  }

  void vectorizeSmallOps(func::FuncOp func, IRRewriter &rewriter) {
    SmallVector<linalg::LinalgOp> candidates;
    func.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics() || !hasStaticLoops(op))
        return;
      // Vector loads and stores of i1 pack 8 elements per byte, while the
      // ABI and scalar code keep one byte per element: keep bools scalar.
      auto isBool = [](Type t) {
        return getElementTypeOrSelf(t).isInteger(1);
      };
      if (llvm::any_of(op->getOperandTypes(), isBool) ||
          llvm::any_of(op->getResultTypes(), isBool))
        return;
      int64_t elements = 1;
      for (int64_t r : op.getStaticLoopRanges())
        elements *= r;
      if (elements <= maxVectorElements)
        candidates.push_back(op);
    });
    for (linalg::LinalgOp op : candidates) {
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::VectorizationResult> result =
          linalg::vectorize(rewriter, op, /*inputVectorSizes=*/{},
                            /*inputScalableVecDims=*/{},
                            /*vectorizeNDExtract=*/true,
                            /*flatten1DDepthwiseConv=*/false,
                            /*assumeDynamicDimsMatchVecSizes=*/false,
                            /*createNamedContraction=*/true);
      if (succeeded(result))
        rewriter.replaceOp(op, result->replacements);
    }
  }

  LogicalResult lowerVectorOps(func::FuncOp func) {
    RewritePatternSet patterns(&getContext());
    vector::populateVectorReductionToContractPatterns(patterns);
    vector::populateVectorContractLoweringPatterns(
        patterns, vector::VectorContractLowering::OuterProduct);
    vector::populateVectorTransferPermutationMapLoweringPatterns(patterns);
    vector::populateVectorMultiReductionLoweringPatterns(
        patterns, vector::VectorMultiReductionLowering::InnerReduction);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns,
                                                        &getContext());
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    return applyPatternsGreedily(func, std::move(patterns));
  }
};
} // namespace
