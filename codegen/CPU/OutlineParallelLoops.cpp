#include "codegen/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/ADT/SetVector.h"
#include "mlir/Transforms/RegionUtils.h"

namespace born {
#define GEN_PASS_DEF_OUTLINEPARALLELLOOPS
#include "codegen/CPU/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
bool isPlainBuffer(Value v) {
  auto type = dyn_cast<MemRefType>(v.getType());
  return type && type.hasStaticShape() && type.getLayout().isIdentity();
}

/// Adds to `ops`, operands first, the side-effect-free ops that compute `v`
/// from constants and plain buffers alone (a loop-invariant `vector.step + c`
/// that CSE and hoisting moved out of the loop; the strided view of a padded
/// buffer's interior that a copy writes), so that a task can recompute it
/// from the buffers, which it takes as arguments (`buffers`); false when `v`
/// depends on anything else.
bool collectRecomputable(Value v, llvm::SetVector<Operation *> &ops,
                         llvm::SetVector<Value> &buffers, unsigned depth = 0) {
  if (isPlainBuffer(v)) {
    buffers.insert(v);
    return true;
  }
  Operation *def = v.getDefiningOp();
  if (!def || depth > 8 || def->getNumRegions() != 0)
    return false;
  if (ops.contains(def))
    return true;
  bool view = isa<memref::SubViewOp, memref::ExpandShapeOp,
                  memref::CollapseShapeOp>(def);
  if (isa<MemRefType>(v.getType()) && !view)
    return false;
  if (!def->hasTrait<OpTrait::ConstantLike>() && !isPure(def) && !view)
    return false;
  for (Value operand : def->getOperands())
    if (!collectRecomputable(operand, ops, buffers, depth + 1))
      return false;
  ops.insert(def);
  return true;
}

struct OutlineParallelLoopsPass
    : born::impl::OutlineParallelLoopsBase<OutlineParallelLoopsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> funcs(module.getOps<func::FuncOp>());
    for (func::FuncOp func : funcs) {
      unsigned counter = 0;
      SmallVector<scf::ForallOp> loops;
      func.walk([&](scf::ForallOp loop) {
        if (!loop->getParentOfType<scf::ForallOp>())
          loops.push_back(loop);
      });
      for (scf::ForallOp loop : loops)
        outline(func, loop, counter);
    }
  }

  void outline(func::FuncOp func, scf::ForallOp loop, unsigned &counter) {
    if (loop.getNumResults() != 0)
      return;
    ArrayRef<int64_t> lbs = loop.getStaticLowerBound(),
                      ubs = loop.getStaticUpperBound(),
                      steps = loop.getStaticStep();
    for (ArrayRef<int64_t> bounds : {lbs, ubs, steps})
      if (llvm::any_of(bounds, ShapedType::isDynamic))
        return;
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(loop.getRegion(), captured);
    llvm::SetVector<Value> buffers;
    llvm::SetVector<Operation *> constants; // and what they compute
    for (Value v : captured)
      if (!collectRecomputable(v, constants, buffers))
        return;
    SmallVector<int64_t> counts;
    int64_t total = 1;
    for (auto [lb, ub, step] : llvm::zip(lbs, ubs, steps)) {
      counts.push_back(llvm::divideCeil(ub - lb, step));
      total *= counts.back();
    }
    if (total <= 1)
      return;

    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);
    Location loc = loop.getLoc();
    std::string stem = (func.getSymName() + "__").str();
    unsigned id = counter++;
    Type index = b.getIndexType();

    // The task: for %l in [begin, end): delinearize, run the body.
    SmallVector<Type> taskArgs = llvm::map_to_vector(
        buffers, [](Value v) { return v.getType(); });
    taskArgs.append({index, index});
    b.setInsertionPointAfter(func);
    auto task = func::FuncOp::create(
        b, loc, stem + "task" + std::to_string(id),
        b.getFunctionType(taskArgs, {}));
    task.setPrivate();
    Block *entry = task.addEntryBlock();
    b.setInsertionPointToStart(entry);
    IRMapping map;
    for (auto [i, v] : llvm::enumerate(buffers))
      map.map(v, entry->getArgument(i));
    for (Operation *c : constants)
      b.clone(*c, map);
    Value begin = entry->getArgument(buffers.size());
    Value end = entry->getArgument(buffers.size() + 1);
    Value one = arith::ConstantIndexOp::create(b, loc, 1);
    auto body = scf::ForOp::create(b, loc, begin, end, one);
    func::ReturnOp::create(b, loc);
    b.setInsertionPointToStart(body.getBody());
    Value linear = body.getInductionVar();
    int64_t stride = total;
    for (auto [d, iv] : llvm::enumerate(loop.getInductionVars())) {
      stride /= counts[d];
      Value idx = arith::DivUIOp::create(
          b, loc, linear, arith::ConstantIndexOp::create(b, loc, stride));
      idx = arith::RemUIOp::create(
          b, loc, idx, arith::ConstantIndexOp::create(b, loc, counts[d]));
      Value scaled = arith::MulIOp::create(
          b, loc, idx, arith::ConstantIndexOp::create(b, loc, steps[d]));
      map.map(iv, arith::AddIOp::create(
                      b, loc, scaled,
                      arith::ConstantIndexOp::create(b, loc, lbs[d])));
    }
    for (Operation &op : loop.getBody()->without_terminator())
      b.clone(op, map);

    // The launcher, defined at LLVM IR translation.
    SmallVector<Type> launchArgs = llvm::map_to_vector(
        buffers, [](Value v) { return v.getType(); });
    launchArgs.push_back(index);
    b.setInsertionPointAfter(task);
    auto launch = func::FuncOp::create(
        b, loc, stem + "launch" + std::to_string(id),
        b.getFunctionType(launchArgs, {}));
    launch.setPrivate();

    b.setInsertionPoint(loop);
    SmallVector<Value> operands(buffers.begin(), buffers.end());
    operands.push_back(arith::ConstantIndexOp::create(b, loc, total));
    func::CallOp::create(b, loc, launch, operands);
    loop.erase();
  }
};
} // namespace
