#include "dialects/born/IR/BornOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "passes/Transforms/Passes.h"
#include "llvm/ADT/MapVector.h"

namespace born {
#define GEN_PASS_DEF_LIFTPARAMS
#include "passes/Transforms/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
struct LiftParamsPass : born::impl::LiftParamsBase<LiftParamsPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (failed(liftParams(func)))
        return signalPassFailure();
  }

  LogicalResult liftParams(func::FuncOp func) {
    // One argument per distinct (name, permutation): a permuted parameter
    // is laid out separately in the weights blob.
    MLIRContext *ctx = func.getContext();
    llvm::MapVector<StringAttr, SmallVector<born::ParamOp>> byName;
    func.walk([&](born::ParamOp op) {
      byName[StringAttr::get(ctx, born::paramKey(
                                op.getName(), {},
                                op.getPermutation().value_or(
                                    ArrayRef<int64_t>())))]
          .push_back(op);
    });
    if (byName.empty())
      return success();
    if (func.isPrivate() || func.isExternal())
      return byName.front().second.front().emitOpError(
          "parameters are only supported in public functions (the entry "
          "point feeds them from the weights blob)");

    Block &entry = func.getBody().front();
    for (auto &[name, ops] : byName) {
      Type type = ops.front().getType();
      for (born::ParamOp op : ops)
        if (op.getType() != type)
          return op.emitOpError("parameter '")
                 << name.getValue() << "' used with types " << type << " and "
                 << op.getType();
      unsigned index = func.getNumArguments();
      SmallVector<NamedAttribute> attrs = {
          NamedAttribute(StringAttr::get(ctx, born::kParamAttrName), name)};
      if (DenseI64ArrayAttr perm = ops.front().getPermutationAttr()) {
        attrs.emplace_back(StringAttr::get(ctx, born::kParamSourceAttrName),
                           ops.front().getNameAttr());
        attrs.emplace_back(StringAttr::get(ctx, born::kPermutationAttrName),
                           perm);
      }
      if (failed(func.insertArgument(index, type,
                                     DictionaryAttr::get(ctx, attrs),
                                     ops.front().getLoc())))
        return failure();
      for (born::ParamOp op : ops) {
        op.replaceAllUsesWith(entry.getArgument(index));
        op.erase();
      }
    }
    return success();
  }
};
} // namespace
