#include "passes/Dispatch/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/SetVector.h"

namespace born {
#define GEN_PASS_DEF_FORMDISPATCHREGIONS
#include "passes/Dispatch/Passes.h.inc"

std::string dispatchPipeline() {
  return "born-convert-to-linalg, func.func(born-fuse-elementwise), "
         "canonicalize, cse, func.func(born-form-dispatch-regions)";
}

bool isFusableWithoutRecomputation(mlir::OpOperand &use) {
  auto consumer = mlir::dyn_cast<mlir::linalg::LinalgOp>(use.getOwner());
  return consumer && (consumer.isDpsInit(&use) ||
                      consumer.getMatchingIndexingMap(&use).isPermutation());
}
} // namespace born

using namespace mlir;

namespace {
bool isKernelOp(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && linalgOp.hasPureTensorSemantics() &&
         isa<func::FuncOp>(op->getParentOp());
}

struct FormDispatchRegionsPass
    : born::impl::FormDispatchRegionsBase<FormDispatchRegionsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    giveEachInitItsFill(rewriter);
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isKernelOp(op))
        ops.push_back(op);
    });
    llvm::DenseSet<Operation *> grouped;
    for (Operation *root : llvm::reverse(ops)) {
      if (grouped.contains(root))
        continue;
      llvm::SetVector<Operation *> group = growGroup(root, grouped);
      grouped.insert(group.begin(), group.end());
      wrap(rewriter, root, group);
    }
  }

  /// CSE merges equal fills (the zeroed accumulators of two matmuls of one
  /// shape): a fill used as the destination of several ops is cloned for
  /// each, so that every one fuses into its user's region instead of
  /// becoming a kernel of its own that writes memory the user copies.
  void giveEachInitItsFill(IRRewriter &rewriter) {
    SmallVector<linalg::FillOp> fills;
    getOperation().walk([&](linalg::FillOp fill) {
      if (isKernelOp(fill) && !fill->hasOneUse())
        fills.push_back(fill);
    });
    for (linalg::FillOp fill : fills) {
      SmallVector<OpOperand *> inits;
      for (OpOperand &use : fill->getResult(0).getUses()) {
        auto user = dyn_cast<linalg::LinalgOp>(use.getOwner());
        if (user && user.isDpsInit(&use))
          inits.push_back(&use);
      }
      // One use keeps the original.
      if (inits.size() == llvm::range_size(fill->getUses()))
        inits.pop_back();
      for (OpOperand *use : inits) {
        rewriter.setInsertionPoint(use->getOwner());
        Operation *clone = rewriter.clone(*fill);
        rewriter.modifyOpInPlace(use->getOwner(),
                                 [&] { use->set(clone->getResult(0)); });
      }
    }
  }

  /// The root plus every producer that fuses into it without recomputation
  /// and has no use outside the group.
  llvm::SetVector<Operation *>
  growGroup(Operation *root, const llvm::DenseSet<Operation *> &grouped) {
    llvm::SetVector<Operation *> group;
    group.insert(root);
    for (size_t i = 0; i < group.size(); ++i) {
      for (OpOperand &use : group[i]->getOpOperands()) {
        Operation *producer = use.get().getDefiningOp();
        if (!producer || !isKernelOp(producer) || grouped.contains(producer) ||
            group.contains(producer) ||
            !born::isFusableWithoutRecomputation(use))
          continue;
        bool usedOnlyInGroup = llvm::all_of(
            producer->getUsers(),
            [&](Operation *user) { return group.contains(user); });
        if (usedOnlyInGroup)
          group.insert(producer);
      }
    }
    return group;
  }

  void wrap(IRRewriter &rewriter, Operation *root,
            const llvm::SetVector<Operation *> &group) {
    rewriter.setInsertionPoint(root);
    auto dispatch = born::DispatchOp::create(rewriter, root->getLoc(),
                                             root->getResultTypes());
    Block *body = rewriter.createBlock(&dispatch.getBody());
    // Program order inside the region, as in the function.
    SmallVector<Operation *> ordered(group.begin(), group.end());
    llvm::sort(ordered, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });
    for (Operation *op : ordered)
      rewriter.moveOpBefore(op, body, body->end());
    rewriter.setInsertionPointToEnd(body);
    born::YieldOp::create(rewriter, root->getLoc(), root->getResults());
    rewriter.replaceUsesWithIf(
        root->getResults(), dispatch.getResults(), [&](OpOperand &use) {
          return !dispatch->isProperAncestor(use.getOwner());
        });
  }
};
} // namespace
