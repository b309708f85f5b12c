#include "codegen/CPU/Passes.h"
#include "passes/Transforms/Passes.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SmallPtrSet.h"

namespace born {
#define GEN_PASS_DEF_GUARDTIEDINPUTS
#include "codegen/CPU/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
bool usesAny(Operation *op, const llvm::SmallPtrSet<Value, 16> &values) {
  return llvm::any_of(op->getOperands(),
                      [&](Value v) { return values.contains(v); });
}

/// An op that only makes memrefs from memrefs (a subview, reshape, cast or
/// transpose): it touches no memory, but its results alias its operands.
bool isView(Operation *op) {
  return isa<ViewLikeOpInterface>(op) ||
         (op->getNumResults() > 0 &&
          llvm::all_of(op->getResultTypes(), llvm::IsaPred<MemRefType>) &&
          isMemoryEffectFree(op));
}

/// `root` and every view of it, nested ones too.
llvm::SmallPtrSet<Value, 16> viewsOf(Value root, func::FuncOp func) {
  llvm::SmallPtrSet<Value, 16> views = {root};
  func.walk([&](Operation *op) {
    if (isView(op) && usesAny(op, views))
      views.insert(op->result_begin(), op->result_end());
  });
  return views;
}

/// Whether `op` may write one of `buffers`. Ops without declared effects
/// count as writers of every buffer they take.
bool writes(Operation *op, const llvm::SmallPtrSet<Value, 16> &buffers) {
  if (isView(op) || !usesAny(op, buffers))
    return false;
  auto iface = dyn_cast<MemoryEffectOpInterface>(op);
  if (!iface)
    return !op->hasTrait<OpTrait::HasRecursiveMemoryEffects>();
  for (Value v : op->getOperands()) {
    if (!buffers.contains(v))
      continue;
    SmallVector<MemoryEffects::EffectInstance> effects;
    iface.getEffectsOnValue(v, effects);
    if (llvm::any_of(effects, [](const MemoryEffects::EffectInstance &e) {
          return isa<MemoryEffects::Write>(e.getEffect());
        }))
      return true;
  }
  return false;
}

bool reads(Operation *op, const llvm::SmallPtrSet<Value, 16> &buffers) {
  return !isView(op) && usesAny(op, buffers);
}

/// The position a transfer touches, as one sum of terms per dim of the
/// buffer it ends up in: unit-stride subviews add their offsets to the
/// indices. Empty when the access is not a plain box (a permutation, a
/// mask, a strided or rank-reducing view).
struct Footprint {
  Value buffer;
  SmallVector<std::pair<int64_t, SmallVector<Value>>> dims;
  VectorType type;
  /// The same box, in whichever buffer.
  bool sameBox(const Footprint &o) const {
    return dims == o.dims && type == o.type;
  }
};

std::optional<Footprint> footprintOf(VectorTransferOpInterface xfer) {
  if (xfer.getMask() || !xfer.getPermutationMap().isMinorIdentity() ||
      xfer.getVectorType().getRank() !=
          cast<ShapedType>(xfer.getBase().getType()).getRank())
    return std::nullopt;
  Footprint f;
  f.type = xfer.getVectorType();
  for (Value index : xfer.getIndices()) {
    f.dims.emplace_back(0, SmallVector<Value>());
    if (std::optional<int64_t> c = getConstantIntValue(index))
      f.dims.back().first = *c;
    else
      f.dims.back().second.push_back(index);
  }
  Value buffer = xfer.getBase();
  while (auto sub = buffer.getDefiningOp<memref::SubViewOp>()) {
    if (sub.getSourceType().getRank() != sub.getType().getRank() ||
        !llvm::all_of(sub.getMixedStrides(), [](OpFoldResult s) {
          return isConstantIntValue(s, 1);
        }))
      return std::nullopt;
    for (auto [dim, offset] : llvm::enumerate(sub.getMixedOffsets())) {
      if (std::optional<int64_t> c = getConstantIntValue(offset))
        f.dims[dim].first += *c;
      else
        f.dims[dim].second.push_back(cast<Value>(offset));
    }
    buffer = sub.getSource();
  }
  for (auto &dim : f.dims)
    llvm::sort(dim.second, [](Value a, Value b) {
      return a.getAsOpaquePointer() < b.getAsOpaquePointer();
    });
  f.buffer = buffer;
  return f;
}

/// Whether each iteration of `loop` reads `input` only where it then writes
/// `output`, so that writing over the input in place changes no value read.
bool updatesInPlace(scf::ForallOp loop, Value input, Value output,
                    const llvm::SmallPtrSet<Value, 16> &inputViews,
                    const llvm::SmallPtrSet<Value, 16> &outputViews) {
  Block *body = loop.getBody();
  SmallVector<Footprint> readFootprints;
  Operation *lastRead = nullptr;
  bool ok = true;
  body->walk([&](Operation *op) {
    if (!reads(op, inputViews))
      return WalkResult::advance();
    auto read = dyn_cast<vector::TransferReadOp>(op);
    std::optional<Footprint> f;
    if (read && read->getBlock() == body)
      f = footprintOf(read);
    if (!f || f->buffer != input) {
      ok = false;
      return WalkResult::interrupt();
    }
    readFootprints.push_back(*f);
    if (!lastRead || lastRead->isBeforeInBlock(op))
      lastRead = op;
    return WalkResult::advance();
  });
  if (!ok)
    return false;
  // Every read is matched by a later write of the same box of the output,
  // and no write of the output comes before the last read.
  SmallVector<Footprint> writeFootprints;
  body->walk([&](Operation *op) {
    if (!writes(op, outputViews))
      return WalkResult::advance();
    Operation *top = body->findAncestorOpInBlock(*op);
    if (lastRead && !lastRead->isBeforeInBlock(top)) {
      ok = false;
      return WalkResult::interrupt();
    }
    if (auto write = dyn_cast<vector::TransferWriteOp>(op))
      if (std::optional<Footprint> f = footprintOf(write);
          f && f->buffer == output && write->getBlock() == body)
        writeFootprints.push_back(*f);
    return WalkResult::advance();
  });
  return ok && llvm::all_of(readFootprints, [&](const Footprint &r) {
           return llvm::any_of(writeFootprints, [&](const Footprint &w) {
             return r.sameBox(w);
           });
         });
}

/// Whether the function computes the same values when `output` is `input`'s
/// buffer.
bool isSafeInPlace(func::FuncOp func, BlockArgument input,
                   BlockArgument output) {
  llvm::SmallPtrSet<Value, 16> inputViews = viewsOf(input, func),
                               outputViews = viewsOf(output, func);
  auto touches = [](Operation *top, auto predicate) {
    bool found = false;
    top->walk([&](Operation *op) {
      if (predicate(op)) {
        found = true;
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    return found;
  };
  Operation *firstWrite = nullptr;
  for (Operation &top : func.getBody().front()) {
    bool reading = touches(&top, [&](Operation *op) {
      return reads(op, inputViews);
    });
    if (firstWrite) {
      if (reading)
        return false; // a read after the output's buffer was written
      continue;
    }
    if (!touches(&top, [&](Operation *op) { return writes(op, outputViews); }))
      continue;
    firstWrite = &top;
    if (!reading)
      continue;
    auto loop = dyn_cast<scf::ForallOp>(top);
    if (!loop ||
        !updatesInPlace(loop, input, output, inputViews, outputViews))
      return false;
  }
  return true;
}

struct GuardTiedInputsPass
    : born::impl::GuardTiedInputsBase<GuardTiedInputsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    for (unsigned i = 0; i < func.getNumArguments(); ++i) {
      auto tied = func.getArgAttrOfType<IntegerAttr>(i, born::kTiedInputAttrName);
      if (!tied)
        continue;
      int64_t j = tied.getInt();
      if (j < 0 || j >= func.getNumArguments() || j == i) {
        func.emitError() << "argument " << i << ": " << born::kTiedInputAttrName
                         << " = " << j << " names no other argument";
        return signalPassFailure();
      }
      BlockArgument input = func.getArgument(j), output = func.getArgument(i);
      if (input.getType() != output.getType()) {
        func.emitError() << "argument " << i << " (" << output.getType()
                         << ") is tied to argument " << j << " of another type ("
                         << input.getType() << ")";
        return signalPassFailure();
      }
      if (isSafeInPlace(func, input, output))
        continue;
      OpBuilder b = OpBuilder::atBlockBegin(&func.getBody().front());
      auto type = cast<MemRefType>(input.getType());
      Value copy = memref::AllocOp::create(
          b, input.getLoc(), MemRefType::get(type.getShape(), type.getElementType()),
          b.getI64IntegerAttr(64));
      Operation *fill = memref::CopyOp::create(b, input.getLoc(), input, copy);
      input.replaceAllUsesExcept(copy, fill);
    }
  }
};
} // namespace
