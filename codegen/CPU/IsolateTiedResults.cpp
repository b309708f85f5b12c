#include "codegen/CPU/Passes.h"
#include "passes/Transforms/Passes.h"

#include "mlir/Interfaces/DestinationStyleOpInterface.h"

namespace born {
#define GEN_PASS_DEF_ISOLATETIEDRESULTS
#include "codegen/CPU/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// The operand whose buffer `result` is written into: a destination-passing
/// op's init, a forall's shared output, a loop's initial iteration value.
OpOperand *destinationOf(OpResult result) {
  Operation *op = result.getOwner();
  if (auto dps = dyn_cast<DestinationStyleOpInterface>(op))
    return dps.getTiedOpOperand(result);
  if (auto forall = dyn_cast<scf::ForallOp>(op))
    return forall.getTiedOpOperand(result);
  if (auto loop = dyn_cast<LoopLikeOpInterface>(op))
    return loop.getTiedLoopInit(loop.getTiedLoopRegionIterArg(result));
  return nullptr;
}

struct IsolateTiedResultsPass
    : born::impl::IsolateTiedResultsBase<IsolateTiedResultsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Operation *ret = func.getBody().front().getTerminator();
    for (unsigned i = 0; i < func.getNumResults(); ++i) {
      if (!func.getResultAttr(i, born::kTiedInputAttrName))
        continue;
      OpOperand *use = &ret->getOpOperand(i);
      while (auto result = dyn_cast<OpResult>(use->get())) {
        if (auto empty = dyn_cast<tensor::EmptyOp>(result.getOwner())) {
          if (!empty->hasOneUse()) {
            OpBuilder b(use->getOwner());
            use->set(b.clone(*empty)->getResult(0));
          }
          break;
        }
        use = destinationOf(result);
        if (!use)
          break;
      }
    }
  }
};
} // namespace
