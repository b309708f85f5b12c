#include "codegen/SPIRV/Passes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/LoopInvariantCodeMotionUtils.h"

namespace born {
#define GEN_PASS_DEF_HOISTACCUMULATORS
#include "codegen/SPIRV/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// The buffer under views.
Value underlyingBuffer(Value memref) {
  while (auto view = memref.getDefiningOp<ViewLikeOpInterface>())
    memref = view.getViewSource();
  return memref;
}

/// The store of `loop`'s body that, with one load of the same element
/// before it, is the loop's only access to its buffer, at an element that
/// does not change across iterations; null if none. Other accesses in the
/// body must be loads and stores of other buffers (distinct kernel
/// arguments, which do not overlap).
memref::StoreOp findAccumulator(scf::ForOp loop, memref::LoadOp &load) {
  SmallVector<memref::LoadOp> loads;
  SmallVector<memref::StoreOp> stores;
  WalkResult walk = loop.getBody()->walk([&](Operation *op) {
    if (auto l = dyn_cast<memref::LoadOp>(op))
      loads.push_back(l);
    else if (auto s = dyn_cast<memref::StoreOp>(op))
      stores.push_back(s);
    else if (!isMemoryEffectFree(op) &&
             !op->hasTrait<OpTrait::HasRecursiveMemoryEffects>())
      return WalkResult::interrupt();
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return {};
  for (memref::StoreOp store : stores) {
    Value buffer = store.getMemRef();
    if (store->getBlock() != loop.getBody() ||
        !loop.isDefinedOutsideOfLoop(buffer) ||
        !llvm::all_of(store.getIndices(), [&](Value index) {
          return loop.isDefinedOutsideOfLoop(index);
        }))
      continue;
    Value underlying = underlyingBuffer(buffer);
    auto sameBuffer = [&](auto access) {
      return underlyingBuffer(access.getMemRef()) == underlying;
    };
    SmallVector<memref::LoadOp> loadsOfBuffer(
        llvm::make_filter_range(loads, sameBuffer));
    if (llvm::count_if(stores, sameBuffer) != 1 || loadsOfBuffer.size() != 1)
      continue;
    load = loadsOfBuffer.front();
    if (load.getMemRef() == buffer && load->getBlock() == loop.getBody() &&
        llvm::equal(load.getIndices(), store.getIndices()) &&
        load->isBeforeInBlock(store))
      return store;
  }
  return {};
}

struct HoistAccumulatorsPass
    : born::impl::HoistAccumulatorsBase<HoistAccumulatorsPass> {
  void runOnOperation() override {
    SmallVector<scf::ForOp> loops;
    getOperation().walk([&](scf::ForOp loop) {
      if (loop->getParentOfType<scf::ParallelOp>())
        loops.push_back(loop);
    });
    IRRewriter rewriter(&getContext());
    // Inner loops first (post-order walk), so that an accumulator hoisted
    // out of one loop can be hoisted out of the loop around it.
    for (scf::ForOp loop : loops) {
      moveLoopInvariantCode(cast<LoopLikeOpInterface>(loop.getOperation()));
      memref::LoadOp load;
      while (memref::StoreOp store = findAccumulator(loop, load)) {
        rewriter.setInsertionPoint(loop);
        Value initial = memref::LoadOp::create(
            rewriter, load.getLoc(), load.getMemRef(), load.getIndices());
        Value stored = store.getValueToStore();
        FailureOr<LoopLikeOpInterface> grown =
            cast<LoopLikeOpInterface>(loop.getOperation())
                .replaceWithAdditionalYields(
                    rewriter, initial, /*replaceInitOperandUsesInLoop=*/false,
                    [&](OpBuilder &, Location, ArrayRef<BlockArgument>) {
                      return SmallVector<Value>{stored};
                    });
        if (failed(grown))
          break;
        loop = cast<scf::ForOp>(grown->getOperation());
        rewriter.replaceOp(load, loop.getRegionIterArgs().back());
        rewriter.setInsertionPointAfter(loop);
        memref::StoreOp::create(rewriter, store.getLoc(),
                                loop.getResults().back(), store.getMemRef(),
                                store.getIndices());
        rewriter.eraseOp(store);
      }
    }
  }
};
} // namespace
