#include "codegen/CPU/BlockSizes.h"
#include "codegen/CPU/Passes.h"
#include "passes/Dispatch/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Transforms/TileUsingInterface.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
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

/// Whether `v` is computed from the loop indices (linalg.index) and values
/// from outside `generic` alone: not from an operand's element, as a
/// gather's index is.
bool followsLoopIndices(Value v, linalg::GenericOp generic) {
  Operation *def = v.getDefiningOp();
  if (!def)
    return !generic->isAncestor(v.getParentBlock()->getParentOp());
  if (isa<linalg::IndexOp>(def) || !generic->isProperAncestor(def))
    return true;
  if (def->getNumRegions() || !isPure(def))
    return false;
  return llvm::all_of(def->getOperands(), [&](Value operand) {
    return followsLoopIndices(operand, generic);
  });
}

/// A generic that decodes quantized blocks inside its reduction
/// (born.quantized_matmul's lowering): its body reads the weight with
/// tensor.extract, bytes from an i8 tensor or the values of a float
/// weight, at positions computed from the loop indices (a gather of
/// floats fused into a reduction reads at positions from its operands).
bool decodesBlocks(linalg::LinalgOp op) {
  auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
  if (!generic || !op.getNumReductionLoops() ||
      !op.hasPureTensorSemantics() || !hasStaticLoops(op))
    return false;
  bool readsWeight = false;
  op->walk([&](tensor::ExtractOp extract) {
    Type type = extract.getType();
    readsWeight |=
        type.isInteger(8) ||
        (isa<FloatType>(type) &&
         llvm::all_of(extract.getIndices(), [&](Value index) {
           return followsLoopIndices(index, generic);
         }));
  });
  return readsWeight;
}

bool isReshape(Operation *op) {
  return isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(op);
}

/// Whether `user` is in `nest`, or a reshape that only feeds the nest.
bool feedsOnly(Operation *user, const llvm::SmallPtrSetImpl<Operation *> &nest) {
  if (nest.contains(user))
    return true;
  return isReshape(user) && llvm::all_of(user->getUsers(), [&](Operation *u) {
           return feedsOnly(u, nest);
         });
}

/// The uses of `value`, looking through reshapes.
void usesThroughReshapes(Value value, SmallVectorImpl<OpOperand *> &uses) {
  for (OpOperand &use : value.getUses()) {
    if (isReshape(use.getOwner()))
      usesThroughReshapes(use.getOwner()->getResult(0), uses);
    else
      uses.push_back(&use);
  }
}

/// Whether `ofr` is provably a multiple of `factor`: a constant, or the
/// induction variable of an scf.forall whose lower bound and step are.
bool isMultipleOf(OpFoldResult ofr, int64_t factor) {
  if (std::optional<int64_t> c = getConstantIntValue(ofr))
    return *c % factor == 0;
  auto v = dyn_cast<Value>(ofr);
  auto forall = v ? scf::getForallOpThreadIndexOwner(v) : scf::ForallOp();
  if (!forall)
    return false;
  unsigned i = cast<BlockArgument>(v).getArgNumber();
  std::optional<int64_t> lb = getConstantIntValue(forall.getMixedLowerBound()[i]),
                         step = getConstantIntValue(forall.getMixedStep()[i]);
  return lb && step && *lb % factor == 0 && *step % factor == 0;
}

/// extract_slice(collapse_shape(x)) -> collapse_shape(extract_slice(x)) where
/// each slice of a collapsed pair of dims (outer, inner) covers whole rows of
/// `inner`: a register block of a packed matmul's result, viewed unpacked,
/// is a block of the packed result, which tile-and-fuse can then fuse.
struct SliceWholeRowsOfCollapse : OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    auto collapse = slice.getSource().getDefiningOp<tensor::CollapseShapeOp>();
    if (!collapse || !slice.hasUnitStride() ||
        slice.getSourceType().getRank() != slice.getResultType().getRank())
      return failure();
    ArrayRef<int64_t> srcShape = collapse.getSrcType().getShape();
    SmallVector<ReassociationIndices> groups =
        collapse.getReassociationIndices();
    SmallVector<OpFoldResult> offsets = slice.getMixedOffsets(),
                              sizes = slice.getMixedSizes();
    for (auto [group, offset, size] : llvm::zip(groups, offsets, sizes)) {
      if (group.size() == 1)
        continue;
      std::optional<int64_t> staticSize = getConstantIntValue(size);
      if (group.size() != 2 || ShapedType::isDynamic(srcShape[group[1]]) ||
          !staticSize || *staticSize % srcShape[group[1]] != 0 ||
          !isMultipleOf(offset, srcShape[group[1]]))
        return failure();
    }
    Location loc = slice.getLoc();
    SmallVector<OpFoldResult> newOffsets, newSizes;
    for (auto [group, offset, size] : llvm::zip(groups, offsets, sizes)) {
      if (group.size() == 1) {
        newOffsets.push_back(offset);
        newSizes.push_back(size);
        continue;
      }
      int64_t inner = srcShape[group[1]];
      Value outer = arith::DivUIOp::create(
          rewriter, loc, getValueOrCreateConstantIndexOp(rewriter, loc, offset),
          arith::ConstantIndexOp::create(rewriter, loc, inner));
      newOffsets.append({outer, rewriter.getIndexAttr(0)});
      newSizes.append({rewriter.getIndexAttr(*getConstantIntValue(size) / inner),
                       rewriter.getIndexAttr(inner)});
    }
    SmallVector<OpFoldResult> strides(newOffsets.size(),
                                      rewriter.getIndexAttr(1));
    Value packedSlice = tensor::ExtractSliceOp::create(
        rewriter, loc, collapse.getSrc(), newOffsets, newSizes, strides);
    rewriter.replaceOpWithNewOp<tensor::CollapseShapeOp>(
        slice, slice.getResultType(), packedSlice, groups);
    return success();
  }
};

/// Whether `xfer` moves a whole static tensor, elements in row-major
/// order: indices 0, in bounds, unmasked, and a map that only drops unit
/// dims.
bool movesWholeTensor(VectorTransferOpInterface xfer) {
  auto tensor = dyn_cast<RankedTensorType>(xfer.getBase().getType());
  if (!tensor || !tensor.hasStaticShape() || xfer.getMask() ||
      xfer.hasOutOfBoundsDim() ||
      !llvm::all_of(xfer.getIndices(), isZeroInteger))
    return false;
  AffineMap map = xfer.getPermutationMap();
  ArrayRef<int64_t> vectorShape = xfer.getVectorType().getShape();
  int64_t previous = -1;
  for (auto [result, size] : llvm::zip(map.getResults(), vectorShape)) {
    auto dim = dyn_cast<AffineDimExpr>(result);
    if (!dim || (int64_t)dim.getPosition() <= previous ||
        tensor.getDimSize(dim.getPosition()) != size)
      return false;
    previous = dim.getPosition();
  }
  return xfer.getVectorType().getNumElements() == tensor.getNumElements();
}

/// A whole tile read back from the vector that wrote it, through reshapes
/// and slices that keep every element (a matmul's register block read by its
/// fused epilogue), is that vector: without this, each tile's result goes
/// through a temporary buffer, allocated per tile.
struct ForwardWholeTileWrite : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    if (!movesWholeTensor(read))
      return failure();
    Value source = read.getBase();
    while (Operation *def = source.getDefiningOp()) {
      if (isReshape(def)) {
        source = def->getOperand(0);
        continue;
      }
      if (auto insert = dyn_cast<tensor::InsertSliceOp>(def);
          insert && insert.getSourceType().getNumElements() ==
                        insert.getDestType().getNumElements()) {
        source = insert.getSource();
        continue;
      }
      if (auto extract = dyn_cast<tensor::ExtractSliceOp>(def);
          extract && extract.getSourceType().getNumElements() ==
                         extract.getResultType().getNumElements()) {
        source = extract.getSource();
        continue;
      }
      break;
    }
    auto write = source.getDefiningOp<vector::TransferWriteOp>();
    if (!write || !movesWholeTensor(write) ||
        write.getVectorType().getElementType() !=
            read.getVectorType().getElementType())
      return failure();
    rewriter.replaceOpWithNewOp<vector::ShapeCastOp>(
        read, read.getVectorType(), write.getVector());
    return success();
  }
};

/// A read of a slice with stride 2 along its innermost dim (a stride-2
/// convolution's window) reads twice the row contiguously and keeps the
/// even lanes: a strided transfer would load one element at a time.
struct DeinterleaveStridedRead : OpRewritePattern<vector::TransferReadOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(vector::TransferReadOp read,
                                PatternRewriter &rewriter) const override {
    auto slice = read.getBase().getDefiningOp<tensor::ExtractSliceOp>();
    if (!slice || read.getMask() || !read.getPermutationMap().isMinorIdentity())
      return failure();
    RankedTensorType sliceType = slice.getResultType();
    VectorType vectorType = read.getVectorType();
    int64_t rank = sliceType.getRank();
    std::optional<int64_t> stride =
        getConstantIntValue(slice.getMixedStrides().back());
    std::optional<int64_t> lastIndex =
        getConstantIntValue(read.getIndices().back());
    if (!stride || *stride != 2 || !lastIndex || *lastIndex != 0 ||
        slice.getSourceType().getRank() != rank ||
        !sliceType.hasStaticShape() ||
        vectorType.getShape().back() != sliceType.getShape().back())
      return failure();
    int64_t lanes = vectorType.getShape().back();
    Location loc = read.getLoc();
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes(),
                              strides = slice.getMixedStrides();
    sizes.back() = rewriter.getIndexAttr(2 * lanes - 1);
    strides.back() = rewriter.getIndexAttr(1);
    Value rows = tensor::ExtractSliceOp::create(
        rewriter, loc, slice.getSource(), slice.getMixedOffsets(), sizes,
        strides);
    SmallVector<int64_t> shape(vectorType.getShape());
    shape.back() = 2 * lanes;
    SmallVector<bool> inBounds = read.getInBoundsValues();
    inBounds.back() = false; // the last odd lane is past the slice
    Value pairs = vector::TransferReadOp::create(
        rewriter, loc, VectorType::get(shape, vectorType.getElementType()),
        rows, read.getIndices(),
        read.getPadding(), ArrayRef<bool>(inBounds));
    auto split = vector::DeinterleaveOp::create(rewriter, loc, pairs);
    rewriter.replaceOp(read, split.getRes1());
    return success();
  }
};

/// Erases `op`'s reshape users that nothing uses any more.
void eraseDeadReshapes(Operation *op, IRRewriter &rewriter) {
  for (Operation *user : llvm::make_early_inc_range(op->getUsers())) {
    if (!isReshape(user))
      continue;
    eraseDeadReshapes(user, rewriter);
    if (user->use_empty())
      rewriter.eraseOp(user);
  }
}

struct TileAndVectorizePass
    : born::impl::TileAndVectorizeBase<TileAndVectorizePass> {
  using TileAndVectorizeBase::TileAndVectorizeBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    IRRewriter rewriter(&getContext());
    foldEmptyIterationSpaces(func, rewriter);
    if (failed(tileAndFuse(func, rewriter)) ||
        failed(tileReductions(func, rewriter)) ||
        failed(tileBlockDecoding(func, rewriter)))
      return signalPassFailure();
    tileLongReductions(func, rewriter);
    vectorizeSmallOps(func, rewriter);
    if (failed(lowerVectorOps(func)))
      return signalPassFailure();
    func.walk([&](LoopLikeOpInterface loop) {
      (void)hoistLoopInvariantSubsets(rewriter, loop);
    });
    // Hoisting takes an accumulator's write out of its reduction loop: only
    // then does the epilogue's read meet it.
    RewritePatternSet forwarding(&getContext());
    forwarding.add<ForwardWholeTileWrite>(&getContext());
    if (failed(applyPatternsGreedily(func, std::move(forwarding))))
      return signalPassFailure();
  }

  /// A linalg op with a zero-size loop runs no iteration: its results are
  /// its inits (an empty tensor, or a reduction's initial value). Tiling
  /// (a zero trip count) and vectorization (zero-size vectors) cannot take it.
  void foldEmptyIterationSpaces(func::FuncOp func, IRRewriter &rewriter) {
    SmallVector<linalg::LinalgOp> empty;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() &&
          llvm::is_contained(op.getStaticLoopRanges(), 0))
        empty.push_back(op);
    });
    for (linalg::LinalgOp op : empty)
      rewriter.replaceOp(op, op.getDpsInits());
  }

  /// Parallel dims get register-block tiles (innermost tileCols, next
  /// tileRows, outer ones 1); reduction dims stay whole here. A contraction
  /// whose columns fill one vector or less (a 14 x 14 or 28 x 28 feature
  /// map's pixels) takes as many more rows as the columns are short of
  /// tileCols, so that its block keeps as many independent accumulators:
  /// with 8 of one vector each, every multiply-add waits on the one before.
  SmallVector<OpFoldResult> parallelTileSizes(linalg::LinalgOp op,
                                              bool contraction, OpBuilder &b) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    SmallVector<int64_t> sizes(ranges.size(), 0);
    int64_t seen = 0, rows = tileRows;
    for (int64_t d = ranges.size() - 1; d >= 0; --d) {
      if (iterators[d] != utils::IteratorType::parallel)
        continue;
      if (seen == 0) {
        sizes[d] = born::blockWidth(ranges[d], tileCols, vectorWidth);
        if (contraction && sizes[d] <= vectorWidth)
          rows = tileRows * (tileCols / vectorWidth);
      } else {
        sizes[d] = born::staticTileSize(ranges[d], seen == 1 ? rows : 1);
      }
      ++seen;
    }
    return getAsIndexOpFoldResult(b.getContext(), sizes);
  }

  /// A loop order that steps through the row blocks of one column block
  /// before the next. A contraction's block reads a rows x K slice of its
  /// left operand and a K x cols panel of its right one; the panel, wider,
  /// then stays in cache for every row block, and the left operand is read
  /// again once per column block (4x less traffic with 8x32 blocks than the
  /// other order, which reads every panel again once per row block).
  SmallVector<int64_t> columnBlocksOuter(ArrayRef<OpFoldResult> sizes) {
    SmallVector<int64_t> order = llvm::to_vector(
        llvm::seq<int64_t>(0, static_cast<int64_t>(sizes.size())));
    SmallVector<int64_t> tiled;
    for (auto [d, size] : llvm::enumerate(sizes))
      if (!isZeroInteger(size))
        tiled.push_back(d);
    if (tiled.size() >= 2)
      std::swap(order[tiled[tiled.size() - 1]], order[tiled[tiled.size() - 2]]);
    return order;
  }

  LogicalResult tileAndFuse(func::FuncOp func, IRRewriter &rewriter) {
    // Each dispatch region's root is tiled and the rest of its region fused
    // into the tile loop. Ops outside any region (IR that did not go through
    // born-form-dispatch-regions) root their own nests and take the
    // producers the region former would have given them.
    llvm::DenseMap<Operation *, llvm::SmallPtrSet<Operation *, 8>> regionOf;
    llvm::DenseSet<Operation *> withContraction; // members of such regions
    SmallVector<born::DispatchOp> dispatches;
    func.walk([&](born::DispatchOp d) { dispatches.push_back(d); });
    for (born::DispatchOp dispatch : dispatches) {
      llvm::SmallPtrSet<Operation *, 8> members;
      for (Operation &op : dispatch.getBody().front().without_terminator())
        members.insert(&op);
      bool contraction = llvm::any_of(members, [](Operation *member) {
        auto linalgOp = dyn_cast<linalg::LinalgOp>(member);
        return linalgOp && isContractionLike(linalgOp);
      });
      for (Operation *member : members) {
        regionOf[member] = members;
        if (contraction)
          withContraction.insert(member);
      }
      born::inlineDispatchRegion(rewriter, dispatch);
    }

    // Consumers first: each top-level op still standing after its consumers
    // were tiled becomes the root of its own loop nest.
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (op.hasPureTensorSemantics() && isTopLevel(op) && hasStaticLoops(op))
        ops.push_back(op);
    });
    // Slices of a reshaped producer (a packed matmul's result, viewed
    // unpacked) become reshapes of the producer's slices, so it fuses.
    RewritePatternSet cleanupPatterns(&getContext());
    cleanupPatterns.add<SliceWholeRowsOfCollapse>(&getContext());
    FrozenRewritePatternSet cleanup(std::move(cleanupPatterns));
    llvm::DenseSet<Operation *> erased;
    for (linalg::LinalgOp op : llvm::reverse(ops)) {
      if (erased.contains(op) || op->use_empty())
        continue;
      // Tiles are independent: an scf.forall, run in parallel once outlined.
      auto region = regionOf.find(op);
      scf::SCFTilingOptions tiling;
      bool contraction = isContractionLike(op) || withContraction.contains(op);
      SmallVector<OpFoldResult> sizes =
          parallelTileSizes(op, contraction, rewriter);
      tiling.setTileSizes(sizes);
      tiling.setLoopType(scf::SCFTilingOptions::LoopType::ForallOp);
      if (contraction)
        tiling.setInterchange(columnBlocksOuter(sizes));
      scf::SCFTileAndFuseOptions options;
      options.setTilingOptions(tiling);
      options.cleanupPatterns = cleanup;
      llvm::SmallPtrSet<Operation *, 8> nest = {op};
      options.setFusionControlFn(
          [&](tensor::ExtractSliceOp slice, OpResult producer,
              bool isDestination)
              -> std::optional<scf::SCFTileAndFuseOptions::ControlFnResult> {
            Operation *owner = producer.getOwner();
            if (region != regionOf.end()) {
              if (!region->second.contains(owner))
                return std::nullopt;
              return scf::SCFTileAndFuseOptions::ControlFnResult{};
            }
            if (!isa<linalg::LinalgOp>(owner))
              return std::nullopt;
            // The tile loop itself uses a fused destination as its init.
            for (Operation *user : producer.getUsers())
              if (user != slice && !feedsOnly(user, nest) &&
                  !user->isProperAncestor(slice))
                return std::nullopt;
            SmallVector<OpOperand *> uses;
            usesThroughReshapes(slice.getResult(), uses);
            if (!isDestination)
              for (OpOperand *use : uses)
                if (!born::isFusableWithoutRecomputation(*use))
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
      erased.insert(op);
      rewriter.eraseOp(op);
      for (Operation *fused : result->fusedProducers) {
        eraseDeadReshapes(fused, rewriter);
        if (fused->use_empty()) {
          erased.insert(fused);
          rewriter.eraseOp(fused);
        }
      }
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
      if (!linalg::isaConvolutionOpInterface(op))
        op = dropUnitParallelLoops(op, rewriter);
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
          if (linalg::GenericOp generic = dropUnitLoops(tiled, rewriter)) {
            sliceStridedInputs(generic, rewriter);
            allowContraction(generic);
          }
    }
    return success();
  }

  /// A block-decoding tile steps one output and one block position at a
  /// time through every loop but the innermost (the lanes: values whose
  /// bytes are consecutive and whose partial sums are separate): what is
  /// left is one vector multiply-add whose weight bytes the vectorizer reads
  /// with one contiguous load, and whose block scales it computes once as
  /// scalars.
  static constexpr int64_t kUnrolledSubBlocks = 8;
  LogicalResult tileBlockDecoding(func::FuncOp func, IRRewriter &rewriter) {
    SmallVector<linalg::LinalgOp> ops;
    func.walk([&](linalg::LinalgOp op) {
      if (decodesBlocks(op))
        ops.push_back(op);
    });
    for (linalg::LinalgOp op : ops) {
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
      // The first reduction dim steps through the blocks; those after it
      // but the lanes are inside one.
      int64_t blocks = llvm::find(iterators, utils::IteratorType::reduction) -
                       iterators.begin();
      int64_t inner = int64_t(ranges.size()) - 2;
      SmallVector<int64_t> sizes(op.getNumLoops(), 1);
      sizes.back() = 0;
      scf::SCFTilingOptions tiling;
      tiling.setTileSizes(getAsIndexOpFoldResult(&getContext(), sizes));
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> result = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), tiling);
      if (failed(result))
        continue;
      rewriter.replaceOp(op, result->replacements);
      // Without its unit loops the tile is elementwise over the lanes
      // (acc += x * w): kept, a unit reduction loop would make it a
      // contraction that lowers one lane at a time.
      for (Operation *tiled : result->tiledOps)
        dropUnitLoops(tiled, rewriter);
      if (result->loops.size() != ranges.size() - 1)
        continue;
      // The short loops inside a block (Q4_0's two nibbles of a byte, Q4_K's
      // 4 x 2 sub-blocks) are unrolled, innermost first, up to
      // kUnrolledSubBlocks copies: each copy's position in the block is then
      // a constant, so its scale decodes from bytes at fixed offsets, and
      // CSE decodes what they share (a byte, the block's f16 scale) once.
      // Parallel dims inside the blocks loop (independent accumulator
      // chains) are unrolled too: each copy keeps its partial sums in
      // registers of its own, so their multiply-adds overlap.
      int64_t copies = 1;
      for (int64_t d = inner; d > blocks; --d) {
        if (iterators[d] == utils::IteratorType::reduction) {
          copies *= ranges[d];
          if (copies > kUnrolledSubBlocks)
            continue;
        }
        if (auto loop = dyn_cast<scf::ForOp>(result->loops[d].getOperation()))
          (void)loopUnrollFull(loop);
      }
    }
    if (ops.empty())
      return success();
    // The rank-reducing slices of the tile's slices become one slice of the
    // loop's accumulator, so that the vector read and write of the lanes'
    // sums fold into it and hoisting keeps them in registers across blocks.
    RewritePatternSet patterns(&getContext());
    tensor::populateMergeConsecutiveInsertExtractSlicePatterns(patterns);
    return applyPatternsGreedily(func, std::move(patterns));
  }

  /// A contraction tile whose unit parallel loops (a packed weight's panel
  /// index) are dropped reads its operands through rank-reduced slices: a
  /// plain matmul, which vectorizes to outer products once it is a named op.
  linalg::LinalgOp dropUnitParallelLoops(linalg::LinalgOp op,
                                         IRRewriter &rewriter) {
    auto generic = dyn_cast<linalg::GenericOp>(op.getOperation());
    if (!generic)
      return op;
    linalg::ControlDropUnitDims control;
    control.rankReductionStrategy = linalg::ControlDropUnitDims::
        RankReductionStrategy::ExtractInsertSlice;
    control.controlFn = [](Operation *op) {
      auto linalgOp = cast<linalg::LinalgOp>(op);
      SmallVector<unsigned> dims;
      for (auto [d, it] : llvm::enumerate(linalgOp.getIteratorTypesArray()))
        if (it == utils::IteratorType::parallel)
          dims.push_back(d);
      return dims;
    };
    rewriter.setInsertionPoint(generic);
    FailureOr<linalg::DropUnitDimsResult> dropped =
        linalg::dropUnitDims(rewriter, generic, control);
    if (failed(dropped))
      return op;
    rewriter.replaceOp(generic, dropped->replacements);
    auto reduced = cast<linalg::GenericOp>(dropped->resultOp.getOperation());
    rewriter.setInsertionPoint(reduced);
    FailureOr<linalg::LinalgOp> named =
        linalg::specializeGenericOp(rewriter, reduced);
    return succeeded(named) ? *named : cast<linalg::LinalgOp>(*reduced);
  }

  /// A convolution tile with unit reduction loops is an elementwise
  /// multiply-accumulate of an input window: as a generic without its unit
  /// loops, its indexing maps become permutations, which vectorize.
  linalg::GenericOp dropUnitLoops(Operation *op, IRRewriter &rewriter) {
    auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
    if (!linalgOp)
      return {};
    rewriter.setInsertionPoint(op);
    auto generic = dyn_cast<linalg::GenericOp>(op);
    if (!generic) {
      FailureOr<linalg::GenericOp> generalized =
          linalg::generalizeNamedOp(rewriter, linalgOp);
      if (failed(generalized))
        return {};
      generic = *generalized;
    }
    linalg::ControlDropUnitDims control;
    control.rankReductionStrategy = linalg::ControlDropUnitDims::
        RankReductionStrategy::ExtractInsertSlice;
    FailureOr<linalg::DropUnitDimsResult> dropped =
        linalg::dropUnitDims(rewriter, generic, control);
    if (failed(dropped))
      return generic;
    rewriter.replaceOp(generic, dropped->replacements);
    return dyn_cast<linalg::GenericOp>(dropped->resultOp.getOperation());
  }

  /// A convolution tap's multiply and accumulate may fuse into one FMA, as
  /// the matmul path's contractions do (and other frameworks' convolutions).
  static void allowContraction(linalg::GenericOp op) {
    op.getBody()->walk([](Operation *nested) {
      auto fastMath = dyn_cast<arith::ArithFastMathInterface>(nested);
      if (!fastMath)
        return;
      arith::FastMathFlagsAttr flags = fastMath.getFastMathFlagsAttr();
      fastMath->setAttr(
          fastMath.getFastMathAttrName(),
          arith::FastMathFlagsAttr::get(
              nested->getContext(),
              (flags ? flags.getValue() : arith::FastMathFlags::none) |
                  arith::FastMathFlags::contract));
    });
  }

  /// A strided convolution's tile reads its window at `d * stride`: such an
  /// input becomes a strided slice read at `d`, so that every map is a
  /// projected permutation, which vectorizes (to reads that
  /// DeinterleaveStridedRead makes contiguous).
  void sliceStridedInputs(linalg::GenericOp op, IRRewriter &rewriter) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<AffineMap> maps = op.getIndexingMapsArray();
    bool changed = false;
    for (OpOperand *input : op.getDpsInputOperands()) {
      auto type = dyn_cast<RankedTensorType>(input->get().getType());
      AffineMap map = maps[input->getOperandNumber()];
      if (!type || !type.hasStaticShape())
        continue;
      SmallVector<AffineExpr> dims;
      SmallVector<int64_t> sizes, strides;
      for (AffineExpr result : map.getResults()) {
        int64_t stride = 1;
        if (auto mul = dyn_cast<AffineBinaryOpExpr>(result);
            mul && mul.getKind() == AffineExprKind::Mul)
          if (auto c = dyn_cast<AffineConstantExpr>(mul.getRHS())) {
            stride = c.getValue();
            result = mul.getLHS();
          }
        auto dim = dyn_cast<AffineDimExpr>(result);
        if (!dim || stride < 1)
          break;
        dims.push_back(dim);
        sizes.push_back(ranges[dim.getPosition()]);
        strides.push_back(stride);
      }
      if (dims.size() != map.getNumResults() ||
          llvm::all_of(strides, [](int64_t s) { return s == 1; }))
        continue;
      AffineMap sliced = AffineMap::get(map.getNumDims(), 0, dims,
                                        rewriter.getContext());
      if (!sliced.isProjectedPermutation())
        continue;
      rewriter.setInsertionPoint(op);
      MLIRContext *ctx = rewriter.getContext();
      Value slice = tensor::ExtractSliceOp::create(
          rewriter, op.getLoc(), input->get(),
          SmallVector<OpFoldResult>(dims.size(), rewriter.getIndexAttr(0)),
          getAsIndexOpFoldResult(ctx, sizes),
          getAsIndexOpFoldResult(ctx, strides));
      rewriter.modifyOpInPlace(op, [&] { input->set(slice); });
      maps[input->getOperandNumber()] = sliced;
      changed = true;
    }
    if (changed)
      rewriter.modifyOpInPlace(op, [&] {
        op.setIndexingMapsAttr(rewriter.getAffineMapArrayAttr(maps));
      });
  }

  /// A reduction over a long innermost dim (softmax over a KV cache's
  /// slots, RMSNorm over a hidden size) would vectorize with the whole dim
  /// in one vector: hundreds of registers' worth, spilled, and machine code
  /// that grows with the dim. Instead an scf.for steps through it
  /// vectorWidth values at a time, each lane keeping a partial result, and
  /// one small reduction combines the lanes after the loop. A last partial
  /// step is peeled off, so every step has static shapes and vectorizes.
  static constexpr int64_t kLongReductionRows = 8;
  void tileLongReductions(func::FuncOp func, IRRewriter &rewriter) {
    SmallVector<linalg::LinalgOp> candidates;
    func.walk([&](linalg::LinalgOp op) {
      if (!op.hasPureTensorSemantics() || !hasStaticLoops(op) ||
          op.getNumReductionLoops() != 1 || isContractionLike(op) ||
          !isa<linalg::GenericOp, linalg::ReduceOp>(op) || decodesBlocks(op))
        return;
      SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
      if (iterators.back() != utils::IteratorType::reduction ||
          op.getStaticLoopRanges().back() <= 4 * vectorWidth)
        return;
      candidates.push_back(op);
    });
    // A linalg.reduce (softmax's max) steps through its dim like a generic.
    SmallVector<linalg::GenericOp> long_;
    for (linalg::LinalgOp op : candidates) {
      if (auto generic = dyn_cast<linalg::GenericOp>(op.getOperation())) {
        long_.push_back(generic);
        continue;
      }
      rewriter.setInsertionPoint(op);
      FailureOr<linalg::GenericOp> generic =
          linalg::generalizeNamedOp(rewriter, op);
      if (succeeded(generic))
        long_.push_back(*generic);
    }
    // Once a loop is peeled its bounds are constants: these give the slices
    // and the ops on them static types.
    RewritePatternSet patterns(&getContext());
    tensor::ExtractSliceOp::getCanonicalizationPatterns(patterns,
                                                        &getContext());
    tensor::InsertSliceOp::getCanonicalizationPatterns(patterns,
                                                       &getContext());
    tensor::CastOp::getCanonicalizationPatterns(patterns, &getContext());
    linalg::GenericOp::getCanonicalizationPatterns(patterns, &getContext());
    scf::ForOp::getCanonicalizationPatterns(patterns, &getContext());
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns,
                                                       &getContext());
    getContext()
        .getLoadedDialect<linalg::LinalgDialect>()
        ->getCanonicalizationPatterns(patterns);
    FrozenRewritePatternSet frozen(std::move(patterns));
    for (linalg::GenericOp whole : long_) {
      // Rows one at a time until a step's partial results fit in a few
      // registers.
      std::optional<linalg::LinalgOp> rows =
          stepThroughOuterDims(whole, rewriter, kLongReductionRows,
                               /*countReductions=*/false);
      if (!rows)
        continue;
      auto op = cast<linalg::GenericOp>(rows->getOperation());
      unsigned dim = op.getNumLoops() - 1;
      SmallVector<OpFoldResult> sizes(op.getNumLoops(),
                                      rewriter.getIndexAttr(0));
      sizes[dim] = rewriter.getIndexAttr(vectorWidth);
      scf::SCFTilingOptions tiling;
      tiling.setTileSizes(sizes);
      tiling.setReductionTilingStrategy(
          ReductionTilingStrategy::PartialReductionOuterReduction);
      tiling.setReductionDims({dim});
      rewriter.setInsertionPoint(op);
      FailureOr<scf::SCFTilingResult> result = scf::tileUsingSCF(
          rewriter, cast<TilingInterface>(op.getOperation()), tiling);
      if (failed(result) || result->loops.size() != 1)
        continue; // a combiner the interface does not know: stays whole
      rewriter.replaceOp(op, result->replacements);
      auto loop = cast<scf::ForOp>(result->loops.front().getOperation());
      scf::ForOp lastStep;
      (void)scf::peelForLoopAndSimplifyBounds(rewriter, loop, lastStep);
      SmallVector<Operation *> scope = {loop};
      if (lastStep)
        scope.push_back(lastStep);
      for (Operation *root : scope) {
        SmallVector<Operation *> ops;
        root->walk([&](Operation *nested) { ops.push_back(nested); });
        (void)applyOpPatternsGreedily(ops, frozen);
      }
    }
  }

  /// A reduction tile too large to vectorize whole (born.quantized_matmul's
  /// lane sums over a block of outputs, say) steps through its outer
  /// parallel dims one at a time until what is left fits: that part
  /// vectorizes instead of the whole tile becoming scalar loops.
  std::optional<linalg::LinalgOp> splitReduction(linalg::LinalgOp op,
                                                 IRRewriter &rewriter) {
    if (!op.getNumReductionLoops() || isContractionLike(op) ||
        !isa<linalg::GenericOp>(op))
      return std::nullopt;
    return stepThroughOuterDims(op, rewriter, maxVectorElements,
                                /*countReductions=*/true);
  }

  /// Tiles `op`'s outer parallel dims by 1, outermost first, until the
  /// elements of the rest (with or without its reduction dims) are at most
  /// `budget`; none if they cannot be.
  std::optional<linalg::LinalgOp> stepThroughOuterDims(linalg::LinalgOp op,
                                                       IRRewriter &rewriter,
                                                       int64_t budget,
                                                       bool countReductions) {
    SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    SmallVector<utils::IteratorType> iterators = op.getIteratorTypesArray();
    int64_t elements = 1;
    for (auto [r, it] : llvm::zip(ranges, iterators))
      if (countReductions || it == utils::IteratorType::parallel)
        elements *= r;
    if (elements <= budget)
      return op;
    SmallVector<int64_t> sizes(ranges.size(), 0);
    for (size_t d = 0; d < ranges.size() && elements > budget; ++d)
      if (iterators[d] == utils::IteratorType::parallel && ranges[d] > 1) {
        sizes[d] = 1;
        elements /= ranges[d];
      }
    if (elements > budget)
      return std::nullopt;
    scf::SCFTilingOptions tiling;
    tiling.setTileSizes(getAsIndexOpFoldResult(&getContext(), sizes));
    rewriter.setInsertionPoint(op);
    FailureOr<scf::SCFTilingResult> result = scf::tileUsingSCF(
        rewriter, cast<TilingInterface>(op.getOperation()), tiling);
    if (failed(result) || result->tiledOps.size() != 1)
      return std::nullopt;
    rewriter.replaceOp(op, result->replacements);
    return cast<linalg::LinalgOp>(result->tiledOps.front());
  }

  void vectorizeSmallOps(func::FuncOp func, IRRewriter &rewriter) {
    SmallVector<linalg::LinalgOp> candidates, tooLarge;
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
      else
        tooLarge.push_back(op);
    });
    for (linalg::LinalgOp op : tooLarge)
      if (std::optional<linalg::LinalgOp> part = splitReduction(op, rewriter))
        candidates.push_back(*part);
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
    // Ops on broadcast scalars (a quantized block's scales, decoded from
    // bytes the vectorizer loads once and broadcasts) run once, as scalars.
    vector::populateSinkVectorOpsPatterns(patterns);
    vector::TransferReadOp::getCanonicalizationPatterns(patterns,
                                                        &getContext());
    vector::TransferWriteOp::getCanonicalizationPatterns(patterns,
                                                         &getContext());
    tensor::populateFoldTensorSubsetIntoVectorTransferPatterns(patterns);
    patterns.add<DeinterleaveStridedRead>(&getContext());
    return applyPatternsGreedily(func, std::move(patterns));
  }
};
} // namespace
