#include "codegen/CPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/StringSet.h"

namespace born {
#define GEN_PASS_DEF_FLATTENEMPTYMEMREFARGS
#include "codegen/CPU/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// memref<0xT> for a statically empty memref the bare-pointer convention
/// cannot take (rank > 1, or a layout other than the identity), else null.
MemRefType flatEmptyType(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.hasStaticShape() || memref.getNumElements() != 0)
    return {};
  if (memref.getRank() == 1 && memref.getLayout().isIdentity())
    return {};
  return MemRefType::get({0}, memref.getElementType(), MemRefLayoutAttrInterface(),
                         memref.getMemorySpace());
}

struct FlattenEmptyMemRefArgsPass
    : born::impl::FlattenEmptyMemRefArgsBase<FlattenEmptyMemRefArgsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    IRRewriter rewriter(&getContext());
    llvm::StringSet<> changed;
    for (auto func : module.getOps<func::FuncOp>()) {
      FunctionType type = func.getFunctionType();
      SmallVector<Type> inputs(type.getInputs());
      bool any = false;
      for (auto [i, input] : llvm::enumerate(inputs)) {
        MemRefType flat = flatEmptyType(input);
        if (!flat)
          continue;
        any = true;
        if (!func.isExternal()) {
          BlockArgument arg = func.getArgument(i);
          rewriter.setInsertionPointToStart(&func.getBody().front());
          Value local = memref::AllocaOp::create(rewriter, func.getLoc(),
                                                 cast<MemRefType>(input));
          rewriter.replaceAllUsesWith(arg, local);
          arg.setType(flat);
        }
        inputs[i] = flat;
      }
      if (!any)
        continue;
      func.setFunctionType(
          FunctionType::get(&getContext(), inputs, type.getResults()));
      changed.insert(func.getSymName());
    }
    if (changed.empty())
      return;
    module.walk([&](func::CallOp call) {
      if (!changed.contains(call.getCallee()))
        return;
      rewriter.setInsertionPoint(call);
      for (OpOperand &operand : call->getOpOperands()) {
        MemRefType flat = flatEmptyType(operand.get().getType());
        if (!flat)
          continue;
        Value cast = memref::ReinterpretCastOp::create(
            rewriter, call.getLoc(), flat, operand.get(), /*offset=*/0,
            /*sizes=*/ArrayRef<int64_t>{0}, /*strides=*/ArrayRef<int64_t>{1});
        rewriter.modifyOpInPlace(call, [&] { operand.set(cast); });
      }
    });
  }
};
} // namespace
