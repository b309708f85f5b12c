//===- NodeContext.cpp - What an ONNX op importer sees --------------------===//
#include "compiler/ONNX/NodeContext.h"
#include "compiler/ONNX/TensorProto.h"

#include "onnx.pb.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using llvm::SmallVector;
using llvm::StringRef;
using llvm::Twine;

namespace born::onnx {

void OpTable::add(StringRef opType, ImportFn fn, int64_t sinceVersion) {
  auto &versions = ops[opType];
  versions.emplace_back(sinceVersion, std::move(fn));
  llvm::sort(versions, [](const auto &a, const auto &b) {
    return a.first > b.first;
  });
}

const ImportFn *OpTable::lookup(StringRef opType, int64_t opset) const {
  auto it = ops.find(opType);
  if (it == ops.end())
    return nullptr;
  for (const auto &[since, fn] : it->second)
    if (opset >= since)
      return &fn;
  return nullptr;
}

const OpTable &opTable() {
  static const OpTable table = [] {
    OpTable t;
    registerAttentionOps(t);
    registerElementwiseOps(t);
    registerIndexingOps(t);
    registerLossOps(t);
    registerNNOps(t);
    registerReductionOps(t);
    registerShapeOps(t);
    return t;
  }();
  return table;
}

NodeContext::NodeContext(const ::onnx::NodeProto &node, int64_t opset,
                         OpBuilder &builder, ValueLookup lookup,
                         llvm::DenseSet<Value> &unsignedValues)
    : node(node), opset(opset), b(builder),
      loc(NameLoc::get(builder.getStringAttr(
          node.name().empty() ? node.op_type() : node.name()))),
      lookup(std::move(lookup)), unsignedValues(unsignedValues) {
  results.resize(node.output_size());
  signs.resize(node.output_size());
}

std::string NodeContext::describe() const {
  std::string what = "node '" + node.name() + "' (" + node.op_type();
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    what += ", domain '" + node.domain() + "'";
  return what + ", opset " + std::to_string(opset) + ")";
}

LogicalResult NodeContext::error(const Twine &message) {
  if (firstError.empty())
    firstError = describe() + ": " + message.str();
  return failure();
}

LogicalResult NodeContext::unsupported(const Twine &what) {
  return error(what + " is not supported");
}

int64_t NodeContext::numInputs() const { return node.input_size(); }

bool NodeContext::hasInput(int64_t i) const {
  return i < node.input_size() && !node.input(i).empty();
}

Value NodeContext::input(int64_t i) {
  if (!hasInput(i)) {
    (void)error("input " + Twine(i) + " is required");
    return {};
  }
  Value v = lookup(node.input(i));
  if (!v)
    (void)error("input '" + node.input(i) + "' is not defined");
  return v;
}

Value NodeContext::optionalInput(int64_t i) {
  return hasInput(i) ? input(i) : Value();
}

std::optional<DenseElementsAttr> NodeContext::constantInput(int64_t i) {
  Value v = optionalInput(i);
  if (!v)
    return std::nullopt;
  DenseElementsAttr value;
  if (auto c = v.getDefiningOp<ConstantOp>())
    if ((value = dyn_cast<DenseElementsAttr>(c.getValue())))
      return value;
  return std::nullopt;
}

FailureOr<DenseElementsAttr> NodeContext::requiredConstant(int64_t i,
                                                         StringRef what) {
  if (!hasInput(i))
    return error(what + " (input " + Twine(i) + ") is required");
  if (std::optional<DenseElementsAttr> value = constantInput(i))
    return *value;
  if (!input(i))
    return failure();
  return notConstant(i, what);
}

FailureOr<SmallVector<int64_t>> NodeContext::intsInput(int64_t i,
                                                       StringRef what) {
  FailureOr<DenseElementsAttr> value = requiredConstant(i, what);
  if (failed(value))
    return failure();
  if (!value->getElementType().isInteger())
    return error(what + " (input '" + node.input(i) + "') must be integers");
  SmallVector<int64_t> ints;
  for (const APInt &v : value->getValues<APInt>())
    ints.push_back(v.getBitWidth() == 1 ? v.getZExtValue() : v.getSExtValue());
  return ints;
}

FailureOr<SmallVector<int64_t>>
NodeContext::attrOrInputInts(StringRef name, int64_t inputSince,
                             int64_t index) {
  if (opset < inputSince)
    return attrInts(name);
  if (!hasInput(index))
    return SmallVector<int64_t>();
  return intsInput(index, name);
}

LogicalResult NodeContext::notConstant(int64_t i, StringRef what) {
  // Name the graph inputs the value is computed from: those are what the
  // user can bind.
  llvm::SetVector<Value> inputs;
  SmallVector<Value> work = {input(i)};
  llvm::DenseSet<Value> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    if (auto arg = dyn_cast<BlockArgument>(v))
      inputs.insert(arg);
    else if (Operation *op = v.getDefiningOp())
      work.append(op->operand_begin(), op->operand_end());
  }
  std::string bind;
  for (Value v : inputs) {
    std::string name = inputName ? inputName(v) : "";
    if (!name.empty())
      bind += " --bind-input " + name + "=FILE";
  }
  return error(what + " (input '" + node.input(i) +
               "') must be known at compile time; Born compiles static " +
               "shapes" + (bind.empty() ? "" : ": bind what it is computed " +
                                                   std::string("from with") +
                                                   bind));
}

FailureOr<double> NodeContext::scalarInput(int64_t i, StringRef what) {
  FailureOr<DenseElementsAttr> value = requiredConstant(i, what);
  if (failed(value))
    return failure();
  if (value->getNumElements() != 1)
    return error(what + " must have one element");
  if (value->getElementType().isInteger())
    return double((*value->value_begin<APInt>()).getSExtValue());
  return (*value->value_begin<APFloat>()).convertToDouble();
}

int64_t NodeContext::numOutputs() const { return node.output_size(); }

bool NodeContext::hasOutput(int64_t i) const {
  return i < node.output_size() && !node.output(i).empty();
}

void NodeContext::setOutput(int64_t i, Value value) {
  if (i >= int64_t(results.size()))
    return;
  // A tensor without elements is the same whatever computed it; as a
  // constant it leaves codegen no empty loops or buffers to handle.
  auto type = dyn_cast_or_null<RankedTensorType>(value ? value.getType()
                                                       : Type());
  if (type && type.hasStaticShape() && type.getNumElements() == 0 &&
      !value.getDefiningOp<ConstantOp>())
    value = constant(DenseElementsAttr::get(type, ArrayRef<Attribute>{}));
  results[i] = value;
}

void NodeContext::setOutputUnsigned(int64_t i, bool isUnsigned) {
  if (i < int64_t(signs.size()))
    signs[i] = isUnsigned;
}

bool NodeContext::anyUnsigned(ValueRange values) const {
  return llvm::any_of(values, [&](Value v) { return isUnsigned(v); });
}

FailureOr<Value> NodeContext::signedView(Value v, bool assumeUnsigned) {
  if (!isUnsigned(v) && !assumeUnsigned)
    return v;
  unsigned width = elementType(v).getIntOrFloatBitWidth();
  if (width >= 64)
    return unsupported("this operation on UINT64");
  Type wide = b.getIntegerType(width == 8 ? 16 : 2 * width);
  FailureOr<Value> w = cast(v, wide);
  if (failed(w))
    return failure();
  // The cast sign-extends; the mask keeps the low `width` bits.
  return make<AndOp>(*w, scalar(wide, double((uint64_t(1) << width) - 1)));
}

FailureOr<Value> NodeContext::onSignedViews(
    ArrayRef<Value> operands,
    llvm::function_ref<FailureOr<Value>(ArrayRef<Value>)> fn, bool orderOnly) {
  auto it = llvm::find_if(operands, [&](Value v) { return isUnsigned(v); });
  if (it == operands.end())
    return fn(operands);
  Type narrow = elementType(*it);
  if (orderOnly && narrow.isInteger(64)) {
    Value bias = constant(DenseElementsAttr::get(
        RankedTensorType::get({}, narrow), APInt::getSignMask(64)));
    SmallVector<Value> views;
    for (Value v : operands) {
      FailureOr<Value> view =
          elementType(v) == narrow ? make<XorOp>(v, bias) : FailureOr<Value>(v);
      if (failed(view))
        return failure();
      views.push_back(*view);
    }
    FailureOr<Value> y = fn(views);
    if (failed(y) || elementType(*y) != narrow)
      return y;
    return make<XorOp>(*y, bias);
  }
  SmallVector<Value> views;
  for (Value v : operands) {
    FailureOr<Value> view = signedView(v, elementType(v) == narrow);
    if (failed(view))
      return failure();
    views.push_back(*view);
  }
  FailureOr<Value> y = fn(views);
  if (failed(y))
    return failure();
  Type wide = elementType(views[it - operands.begin()]);
  return elementType(*y) == wide ? cast(*y, narrow) : y;
}

const ::onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::attrInt(StringRef name, int64_t defaultValue) const {
  const auto *a = attr(name);
  return a ? a->i() : defaultValue;
}

double NodeContext::attrFloat(StringRef name, double defaultValue) const {
  const auto *a = attr(name);
  return a ? double(a->f()) : defaultValue;
}

std::string NodeContext::attrString(StringRef name,
                                    StringRef defaultValue) const {
  const auto *a = attr(name);
  return a ? a->s() : defaultValue.str();
}

SmallVector<int64_t> NodeContext::attrInts(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return {};
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

SmallVector<double> NodeContext::attrFloats(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return {};
  return SmallVector<double>(a->floats().begin(), a->floats().end());
}

FailureOr<DenseElementsAttr> NodeContext::attrTensor(StringRef name) {
  const auto *a = attr(name);
  if (!a || !a->has_t())
    return error("attribute '" + name + "' (a tensor) is required");
  auto bytes = readTensor(a->t(), b.getContext(), /*baseDir=*/"");
  if (!bytes)
    return error("attribute '" + name + "': " +
                 llvm::toString(bytes.takeError()));
  return bytes->toAttr();
}

FailureOr<Value> NodeContext::finish(OperationState &state, bool inferType) {
  // Diagnostics from inference and verification become the node's error.
  std::string diagnostics;
  ScopedDiagnosticHandler handler(b.getContext(), [&](Diagnostic &diag) {
    if (!diagnostics.empty())
      diagnostics += "; ";
    diagnostics += diag.str();
    return success();
  });
  if (inferType) {
    std::optional<RegisteredOperationName> info = state.name.getRegisteredInfo();
    auto *infer = info ? info->getInterface<InferTypeOpInterface>() : nullptr;
    SmallVector<Type> types;
    if (!infer ||
        failed(infer->inferReturnTypes(
            b.getContext(), state.location, state.operands,
            state.attributes.getDictionary(b.getContext()),
            state.getRawProperties(), state.regions, types)))
      return error("cannot build " + state.name.getStringRef() + ": " +
                   (diagnostics.empty() ? "invalid operands" : diagnostics));
    state.types.assign(types.begin(), types.end());
  }
  Operation *op = b.create(state);
  if (failed(verify(op))) {
    op->erase();
    return error("cannot build " + state.name.getStringRef() + ": " +
                 diagnostics);
  }
  // Empty results are constants: nothing to compute, and codegen need not
  // see zero-size tensors.
  auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (op->getNumResults() == 1 && resultType &&
      resultType.getNumElements() == 0) {
    op->erase();
    return constant(DenseElementsAttr::get(resultType, ArrayRef<Attribute>()));
  }
  SmallVector<Value, 1> folded;
  if (succeeded(b.tryFold(op, folded)) && !folded.empty()) {
    op->erase();
    return folded.front();
  }
  return op->getResult(0);
}

Value NodeContext::constant(DenseElementsAttr value) {
  return ConstantOp::create(b, loc, value.getType(), value);
}

Value NodeContext::scalar(Type elementType, double v, ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, elementType);
  if (auto f = dyn_cast<FloatType>(elementType)) {
    APFloat value(v);
    bool lost;
    value.convert(f.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    return constant(DenseElementsAttr::get(type, value));
  }
  unsigned width = elementType.getIntOrFloatBitWidth();
  APInt value(width, uint64_t(int64_t(v)), /*isSigned=*/width > 1);
  return constant(DenseElementsAttr::get(type, value));
}

FailureOr<Value> NodeContext::reshape(Value v, ArrayRef<int64_t> shape) {
  if (NodeContext::shape(v) == shape)
    return v;
  return makeTyped<ReshapeOp>(RankedTensorType::get(shape, elementType(v)), v);
}

FailureOr<Value> NodeContext::cast(Value v, Type elementType) {
  if (NodeContext::elementType(v) == elementType)
    return v;
  return makeTyped<CastOp>(RankedTensorType::get(shape(v), elementType), v);
}

FailureOr<Value> NodeContext::broadcastTo(Value v, ArrayRef<int64_t> shape) {
  if (NodeContext::shape(v) == shape)
    return v;
  return makeTyped<BroadcastOp>(RankedTensorType::get(shape, elementType(v)),
                                v);
}

FailureOr<Value> NodeContext::transpose(Value v, ArrayRef<int64_t> perm) {
  if (llvm::equal(perm, llvm::seq<int64_t>(0, perm.size())))
    return v;
  return make<TransposeOp>(v, perm);
}

FailureOr<int64_t> NodeContext::axis(int64_t axis, int64_t rank,
                                     StringRef what) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1))
    return error(what + " " + Twine(axis) + " is out of range for rank " +
                 Twine(rank));
  return axis < 0 ? axis + rank : axis;
}

LogicalResult NodeContext::requireFloat(Value v, StringRef what) {
  if (isa<FloatType>(elementType(v)))
    return success();
  return unsupported(what + " of type " + typeString(type(v)));
}

std::string typeString(Type type) {
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

} // namespace born::onnx
