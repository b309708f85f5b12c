//===- NodeContext.cpp - What an ONNX op importer sees --------------------===//
#include "compiler/ONNX/NodeContext.h"
#include "compiler/ONNX/ConstantFold.h"
#include "compiler/ONNX/TensorProto.h"

#include "onnx.pb.h"

#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/ADT/STLExtras.h"

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
    registerElementwiseOps(t);
    registerNNOps(t);
    registerReductionOps(t);
    registerShapeOps(t);
    return t;
  }();
  return table;
}

NodeContext::NodeContext(const ::onnx::NodeProto &node, int64_t opset,
                         OpBuilder &builder, ValueLookup lookup)
    : node(node), opset(opset), b(builder),
      loc(NameLoc::get(builder.getStringAttr(
          node.name().empty() ? node.op_type() : node.name()))),
      lookup(std::move(lookup)) {
  results.resize(node.output_size());
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

FailureOr<SmallVector<int64_t>> NodeContext::intsInput(int64_t i,
                                                       StringRef what) {
  if (!hasInput(i))
    return error(what + " (input " + Twine(i) + ") is required");
  std::optional<DenseElementsAttr> value = constantInput(i);
  if (!value) {
    if (!input(i))
      return failure();
    return error(what + " (input '" + node.input(i) +
                 "') must be known at compile time; Born compiles static " +
                 "shapes: bind it with --bind-input " + node.input(i) +
                 "=FILE");
  }
  if (!value->getElementType().isInteger())
    return error(what + " (input '" + node.input(i) + "') must be integers");
  SmallVector<int64_t> ints;
  for (const APInt &v : value->getValues<APInt>())
    ints.push_back(v.getBitWidth() == 1 ? v.getZExtValue() : v.getSExtValue());
  return ints;
}

FailureOr<double> NodeContext::scalarInput(int64_t i, StringRef what) {
  if (!hasInput(i))
    return error(what + " (input " + Twine(i) + ") is required");
  std::optional<DenseElementsAttr> value = constantInput(i);
  if (!value) {
    if (!input(i))
      return failure();
    return error(what + " (input '" + node.input(i) +
                 "') must be known at compile time; bind it with " +
                 "--bind-input " + node.input(i) + "=FILE");
  }
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
  if (i < int64_t(results.size()))
    results[i] = value;
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
  SmallVector<Value, 1> folded;
  if (succeeded(b.tryFold(op, folded)) && !folded.empty()) {
    op->erase();
    return folded.front();
  }
  // Shape computations on constants become constants (born ops have no
  // folders of their own).
  if (DenseElementsAttr value = foldConstantOp(op)) {
    op->erase();
    return constant(value);
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
