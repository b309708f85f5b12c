#include "dialects/born/IR/BornOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "passes/Transforms/Passes.h"
#include "llvm/ADT/DenseSet.h"

namespace born {
#define GEN_PASS_DEF_AUTODIFF
#include "passes/Transforms/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
constexpr llvm::StringLiteral kGradAttrName = "born.grad";

/// Only float tensors carry gradients: integer and boolean values (indices,
/// masks) are constant as far as the loss is concerned.
bool carriesGradient(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && isa<FloatType>(type.getElementType());
}

std::string argumentName(func::FuncOp func, unsigned i) {
  if (auto name = func.getArgAttrOfType<StringAttr>(i, "born.name"))
    return name.str();
  return "input_" + std::to_string(i);
}

/// A constant tensor of `type` filled with `value`.
Value splat(OpBuilder &b, Location loc, RankedTensorType type, double value) {
  return born::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(type,
                             b.getFloatAttr(type.getElementType(), value)));
}

} // namespace

FailureOr<SmallVector<Value>>
born::buildGradients(Operation *insertionPoint, Value loss, ArrayRef<Value> wrt,
                     ArrayRef<std::string> wrtNames) {
  Block &body = *insertionPoint->getBlock();
  // The forward graph: every op before the insertion point.
  SmallVector<Operation *> forward;
  for (Operation &op : body) {
    if (&op == insertionPoint)
      break;
    forward.push_back(&op);
  }
  auto lossType = cast<RankedTensorType>(loss.getType());

  // The values a gradient flows through: reachable from a `wrt` value and
  // reaching the loss.
  llvm::DenseSet<Value> fromArgs, toLoss;
  for (Value v : wrt)
    fromArgs.insert(v);
  for (Operation *op : forward) {
    if (llvm::none_of(op->getOperands(),
                      [&](Value v) { return fromArgs.contains(v); }))
      continue;
    for (Value result : op->getResults())
      if (carriesGradient(result))
        fromArgs.insert(result);
  }
  if (fromArgs.contains(loss))
    toLoss.insert(loss);
  for (Operation *op : llvm::reverse(forward)) {
    if (llvm::none_of(op->getResults(),
                      [&](Value v) { return toLoss.contains(v); }))
      continue;
    for (Value operand : op->getOperands())
      if (fromArgs.contains(operand))
        toLoss.insert(operand);
  }

  // Walk the ops backwards, each rule turning its results' cotangents into
  // its operands'. The backward ops go at the insertion point, after every
  // forward value they read.
  OpBuilder b(insertionPoint);
  llvm::DenseMap<Value, Value> cotangents;
  cotangents[loss] = splat(b, loss.getLoc(), lossType, 1.0);
  for (Operation *op : llvm::reverse(forward)) {
    if (llvm::none_of(op->getResults(),
                      [&](Value v) { return toLoss.contains(v); }))
      continue;
    if (op->getNumRegions() != 0)
      return op->emitOpError("has regions; autodiff runs on born graphs "
                             "before dispatch regions are formed");
    auto differentiable = dyn_cast<born::DifferentiableOpInterface>(op);
    if (!differentiable) {
      InFlightDiagnostic diag =
          op->emitOpError("is not differentiable, but the gradient of the "
                          "loss with respect to ");
      llvm::interleaveComma(wrtNames, diag, [&](const std::string &name) {
        diag << "'" << name << "'";
      });
      return diag << " flows through it";
    }
    // A result the loss does not depend on has a zero cotangent.
    SmallVector<Value> resultCotangents;
    for (Value result : op->getResults()) {
      Value c = cotangents.lookup(result);
      if (!c && carriesGradient(result))
        c = splat(b, op->getLoc(), cast<RankedTensorType>(result.getType()),
                  0.0);
      resultCotangents.push_back(c);
    }
    SmallVector<Value> operandCotangents;
    if (failed(differentiable.buildOperandCotangents(b, resultCotangents,
                                                     operandCotangents)))
      return failure();
    if (operandCotangents.size() != op->getNumOperands())
      return op->emitOpError("derivative rule built ")
             << operandCotangents.size() << " cotangents for "
             << op->getNumOperands() << " operands";
    for (auto [operand, cotangent] :
         llvm::zip(op->getOperands(), operandCotangents)) {
      if (!toLoss.contains(operand))
        continue;
      if (!cotangent || cotangent.getType() != operand.getType())
        return op->emitOpError("derivative rule gave operand of type ")
               << operand.getType() << " a cotangent of type "
               << (cotangent ? cotangent.getType() : Type());
      // A value used several times gets the sum of its uses' cotangents.
      Value &sum = cotangents[operand];
      sum =
          sum ? born::AddOp::create(b, op->getLoc(), sum, cotangent).getResult()
              : cotangent;
    }
  }

  // A `wrt` value the loss does not depend on gets a zero gradient.
  SmallVector<Value> gradients;
  for (Value v : wrt) {
    Value gradient = cotangents.lookup(v);
    if (!gradient)
      gradient =
          splat(b, loss.getLoc(), cast<RankedTensorType>(v.getType()), 0.0);
    gradients.push_back(gradient);
  }
  return gradients;
}

namespace {
struct AutodiffPass : born::impl::AutodiffBase<AutodiffPass> {
  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>())
      if (failed(differentiate(func)))
        return signalPassFailure();
  }

  LogicalResult differentiate(func::FuncOp func) {
    SmallVector<unsigned> wrt;
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      if (func.getArgAttr(i, kGradAttrName))
        wrt.push_back(i);
    if (wrt.empty())
      return success();
    if (func.isExternal())
      return func.emitOpError("has arguments marked '")
             << kGradAttrName << "' but no body to differentiate";
    if (!func.getBody().hasOneBlock())
      return func.emitOpError("must have a single block to be differentiated");
    for (unsigned i : wrt)
      if (!carriesGradient(func.getArgument(i)))
        return func.emitOpError("argument ")
               << i << " ('" << argumentName(func, i) << "') is marked '"
               << kGradAttrName << "' but has type "
               << func.getArgument(i).getType()
               << "; only float tensors have gradients";

    Block &body = func.getBody().front();
    auto ret = cast<func::ReturnOp>(body.getTerminator());
    if (ret.getNumOperands() == 0)
      return func.emitOpError("must return the loss as its first result");
    Value loss = ret.getOperand(0);
    auto lossType = dyn_cast<RankedTensorType>(loss.getType());
    if (!carriesGradient(loss) || lossType.getNumElements() != 1)
      return func.emitOpError("first result (the loss) must be a float "
                              "tensor of one element to be differentiated, "
                              "got ")
             << loss.getType();

    SmallVector<Value> wrtValues;
    SmallVector<std::string> wrtNames;
    for (unsigned i : wrt) {
      wrtValues.push_back(func.getArgument(i));
      wrtNames.push_back(argumentName(func, i));
    }
    FailureOr<SmallVector<Value>> gradients =
        born::buildGradients(ret, loss, wrtValues, wrtNames);
    if (failed(gradients))
      return failure();

    // Return the gradients after the original results.
    MLIRContext *ctx = func.getContext();
    SmallVector<Value> results(ret.getOperands());
    SmallVector<Type> resultTypes(func.getResultTypes());
    SmallVector<DictionaryAttr> resultAttrs;
    for (unsigned i = 0; i < func.getNumResults(); ++i)
      resultAttrs.push_back(func.getResultAttrDict(i));
    for (auto [i, gradient] : llvm::zip(wrt, *gradients)) {
      BlockArgument arg = func.getArgument(i);
      results.push_back(gradient);
      resultTypes.push_back(arg.getType());
      resultAttrs.push_back(DictionaryAttr::get(
          ctx, {NamedAttribute(
                   StringAttr::get(ctx, "born.name"),
                   StringAttr::get(ctx, "grad_" + argumentName(func, i)))}));
      func.removeArgAttr(i, kGradAttrName);
    }
    ret->setOperands(results);
    // Rules build every operand's cotangent; drop the ones no gradient needs.
    // Users come after their operands: erasing last to first frees chains.
    SmallVector<Operation *> ops = llvm::map_to_vector(
        body.without_terminator(), [](Operation &op) { return &op; });
    for (Operation *op : llvm::reverse(ops))
      if (isOpTriviallyDead(op))
        op->erase();
    func.setFunctionType(
        FunctionType::get(ctx, func.getArgumentTypes(), resultTypes));
    func.setAllResultAttrs(resultAttrs);
    return success();
  }
};
} // namespace
