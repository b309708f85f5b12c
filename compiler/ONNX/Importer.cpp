//===- Importer.cpp - ONNX model to born dialect --------------------------===//
#include "compiler/ONNX/Importer.h"
#include "compiler/ONNX/NodeContext.h"
#include "compiler/ONNX/TensorProto.h"

#include "onnx.pb.h"

#include "dialects/born/IR/BornOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include <deque>

using namespace mlir;
using llvm::Error;
using llvm::Expected;
using llvm::SmallVector;
using llvm::StringRef;
using llvm::Twine;

namespace born::onnx {
namespace {

/// Initializers at most this big become constants in the IR (so shape
/// computations fold); larger ones are weights.
constexpr int64_t kMaxConstantElements = 64;
constexpr int64_t kMaxIntConstantElements = 4096;

Error failure(const Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

bool isDefaultDomain(StringRef domain) {
  return domain.empty() || domain == "ai.onnx";
}

class GraphImporter {
public:
  GraphImporter(StringRef path, MLIRContext &context,
                const ImportOptions &options, WeightSet &weights)
      : path(path), baseDir(llvm::sys::path::parent_path(path)),
        context(context), options(options), weights(weights),
        builder(&context) {}

  Expected<OwningOpRef<ModuleOp>> run(const ::onnx::ModelProto &model);

private:
  Error fail(const Twine &msg) { return failure(path + ": " + msg); }
  Error importInitializers(const ::onnx::GraphProto &graph);
  Expected<RankedTensorType> inputType(const ::onnx::ValueInfoProto &input);
  Expected<SmallVector<const ::onnx::NodeProto *>>
  sortNodes(const ::onnx::GraphProto &graph);
  Error importNode(const ::onnx::NodeProto &node);
  Error checkOutput(const ::onnx::ValueInfoProto &output, Value value);
  SmallVector<std::string> argNames; // graph inputs, in argument order

  StringRef path, baseDir;
  MLIRContext &context;
  const ImportOptions &options;
  WeightSet &weights;
  OpBuilder builder;
  llvm::StringMap<Value> values;
  llvm::DenseSet<Value> unsignedValues;
  llvm::StringMap<int64_t> opsets;
};

Error GraphImporter::importInitializers(const ::onnx::GraphProto &graph) {
  if (graph.sparse_initializer_size())
    return fail("sparse initializer '" + graph.sparse_initializer(0).values().name() +
                "' is not supported");
  for (const ::onnx::TensorProto &tensor : graph.initializer()) {
    const std::string &name = tensor.name();
    if (name.empty())
      return fail("an initializer has no name");
    if (values.count(name))
      return fail("initializer '" + name + "' is defined twice");
    Expected<TensorBytes> bytes = readTensor(tensor, &context, baseDir);
    if (!bytes)
      return fail("initializer '" + name + "': " +
                  toString(bytes.takeError()));
    int64_t n = bytes->numElements();
    bool isInt = bytes->elementType.isInteger();
    Location loc = NameLoc::get(builder.getStringAttr(name));
    if (n <= kMaxConstantElements || (isInt && n <= kMaxIntConstantElements)) {
      values[name] = ConstantOp::create(builder, loc, bytes->type(),
                                        bytes->toAttr());
      if (bytes->isUnsigned)
        unsignedValues.insert(values[name]);
      continue;
    }
    std::string dtype = safeTensorsDType(bytes->elementType);
    if (bytes->file) {
      weights.tensors[name] = TensorData{dtype, bytes->shape, bytes->bytes};
      weights.files.push_back(std::move(bytes->file));
    } else {
      weights.ownedBytes.push_back(std::move(bytes->owned));
      weights.tensors[name] = TensorData{
          dtype, bytes->shape, llvm::ArrayRef<uint8_t>(weights.ownedBytes.back())};
    }
    values[name] = ParamOp::create(builder, loc, bytes->type(),
                                   builder.getStringAttr(name),
                                   /*permutation=*/nullptr);
    if (bytes->isUnsigned)
      unsignedValues.insert(values[name]);
  }
  return Error::success();
}

Expected<RankedTensorType>
GraphImporter::inputType(const ::onnx::ValueInfoProto &input) {
  const std::string &name = input.name();
  if (!input.type().has_tensor_type())
    return fail("input '" + name + "' is not a tensor (sequences, maps and " +
                "optionals are not supported)");
  const auto &tensorType = input.type().tensor_type();
  Type elementType = born::onnx::elementType(&context, tensorType.elem_type());
  if (!elementType)
    return fail("input '" + name + "' has element type " +
                typeName(tensorType.elem_type()) + ", which is not supported");
  auto given = options.inputShapes.find(name);
  if (!tensorType.has_shape()) {
    if (given == options.inputShapes.end())
      return fail("input '" + name + "' has no shape; give it with " +
                  "--input-shape " + name + "=D0xD1...");
    return RankedTensorType::get(given->second, elementType);
  }
  const auto &dims = tensorType.shape().dim();
  SmallVector<int64_t> shape;
  for (int i = 0; i < dims.size(); ++i) {
    const auto &dim = dims[i];
    if (dim.has_dim_value() && dim.dim_value() >= 0) {
      shape.push_back(dim.dim_value());
      continue;
    }
    if (given == options.inputShapes.end())
      return fail("input '" + name + "' has a " +
                  (dim.has_dim_param() ? "symbolic dimension '" +
                                             dim.dim_param() + "'"
                                       : std::string("dynamic dimension")) +
                  " (dim " + Twine(i) + "); Born compiles static shapes: " +
                  "give it with --input-shape " + name + "=D0xD1...");
    shape.push_back(-1);
  }
  if (given != options.inputShapes.end()) {
    if (given->second.size() != shape.size())
      return fail("--input-shape " + name + " has rank " +
                  Twine(given->second.size()) + ", the model's input has rank " +
                  Twine(shape.size()));
    for (size_t i = 0; i < shape.size(); ++i) {
      if (shape[i] >= 0 && shape[i] != given->second[i])
        return fail("--input-shape " + name + ": dim " + Twine(i) + " is " +
                    Twine(given->second[i]) + ", the model fixes it to " +
                    Twine(shape[i]));
      shape[i] = given->second[i];
    }
  }
  return RankedTensorType::get(shape, elementType);
}

Expected<SmallVector<const ::onnx::NodeProto *>>
GraphImporter::sortNodes(const ::onnx::GraphProto &graph) {
  // Kahn's algorithm in the file's order, so a sorted graph keeps its order
  // and a cycle or a dangling input is reported by name.
  int n = graph.node_size();
  llvm::StringMap<int> producer;
  for (int i = 0; i < n; ++i)
    for (const std::string &out : graph.node(i).output()) {
      if (out.empty())
        continue;
      if (values.count(out))
        return fail("node '" + graph.node(i).name() + "' (" +
                    graph.node(i).op_type() + ") overwrites '" + out +
                    "', a graph input or initializer");
      if (!producer.try_emplace(out, i).second)
        return fail("value '" + out + "' is produced by two nodes");
    }
  std::vector<int> pending(n, 0);
  std::vector<SmallVector<int>> users(n);
  for (int i = 0; i < n; ++i) {
    const auto &node = graph.node(i);
    for (const std::string &in : node.input()) {
      if (in.empty() || values.count(in))
        continue;
      auto it = producer.find(in);
      if (it == producer.end())
        return fail("node '" + node.name() + "' (" + node.op_type() +
                    "): input '" + in + "' is not a graph input, an " +
                    "initializer or any node's output");
      ++pending[i];
      users[it->second].push_back(i);
    }
  }
  SmallVector<const ::onnx::NodeProto *> order;
  std::deque<int> ready;
  for (int i = 0; i < n; ++i)
    if (!pending[i])
      ready.push_back(i);
  while (!ready.empty()) {
    int i = ready.front();
    ready.pop_front();
    order.push_back(&graph.node(i));
    for (int user : users[i])
      if (--pending[user] == 0)
        ready.push_back(user);
  }
  if (int64_t(order.size()) != n)
    for (int i = 0; i < n; ++i)
      if (pending[i])
        return fail("the graph has a cycle through node '" +
                    graph.node(i).name() + "' (" + graph.node(i).op_type() +
                    ")");
  return order;
}

Error GraphImporter::importNode(const ::onnx::NodeProto &node) {
  std::string domain = isDefaultDomain(node.domain()) ? "" : node.domain();
  auto describe = [&] {
    return "node '" + node.name() + "' (" + node.op_type() +
           (domain.empty() ? "" : ", domain '" + domain + "'") + ")";
  };
  auto opset = opsets.find(domain);
  if (opset == opsets.end())
    return fail(describe() + ": the model imports no opset for domain '" +
                domain + "'");
  for (const auto &a : node.attribute())
    if (a.has_g() || a.graphs_size())
      return fail(describe() + ": ops with subgraphs (If, Loop, Scan) are " +
                  "not supported");
  if (!domain.empty())
    return fail(describe() + ": domain '" + domain + "' (opset " +
                Twine(opset->second) + ") is not supported");
  const OpTable &table = opTable();
  const ImportFn *fn = table.lookup(node.op_type(), opset->second);
  if (!fn)
    return fail(describe() + ": op " + node.op_type() + " at opset " +
                Twine(opset->second) + " is not supported");
  NodeContext ctx(node, opset->second, builder,
                  [&](StringRef name) { return values.lookup(name); },
                  unsignedValues);
  ctx.inputName = [&](Value v) -> std::string {
    auto arg = dyn_cast<BlockArgument>(v);
    return arg && arg.getArgNumber() < argNames.size()
               ? argNames[arg.getArgNumber()]
               : "";
  };
  if (failed((*fn)(ctx))) {
    std::string message = ctx.errorMessage();
    if (message.empty())
      message = ctx.describe() + ": import failed";
    return fail(message);
  }
  for (int64_t i = 0; i < ctx.numOutputs(); ++i) {
    if (!ctx.hasOutput(i))
      continue;
    Value v = ctx.outputs()[i];
    if (!v)
      return fail(ctx.describe() + ": output " + Twine(i) + " ('" +
                  node.output(i) + "') is not supported");
    values[node.output(i)] = v;
    std::optional<bool> isUnsigned = ctx.outputUnsigned(i);
    if (!isUnsigned) {
      Value first = node.input_size() && !node.input(0).empty()
                        ? values.lookup(node.input(0))
                        : Value();
      Type t = cast<RankedTensorType>(v.getType()).getElementType();
      isUnsigned = first && unsignedValues.contains(first) && !t.isInteger(1) &&
                   cast<RankedTensorType>(first.getType()).getElementType() == t;
    }
    // A value can reach here twice (an Identity of an input): signedness
    // belongs to the ONNX value, and both names share one SSA value.
    if (*isUnsigned)
      unsignedValues.insert(v);
  }
  return Error::success();
}

Error GraphImporter::checkOutput(const ::onnx::ValueInfoProto &output,
                                 Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  if (!output.type().has_tensor_type())
    return Error::success();
  const auto &declared = output.type().tensor_type();
  if (declared.elem_type() != 0) {
    Type want = elementType(&context, declared.elem_type());
    if (want != type.getElementType())
      return fail("output '" + output.name() + "' is declared " +
                  typeName(declared.elem_type()) + " but computes " +
                  typeString(type));
  }
  if (!declared.has_shape())
    return Error::success();
  const auto &dims = declared.shape().dim();
  bool mismatch = dims.size() != type.getRank();
  for (int i = 0; !mismatch && i < dims.size(); ++i)
    mismatch = dims[i].has_dim_value() &&
               dims[i].dim_value() != type.getDimSize(i);
  if (mismatch) {
    std::string want;
    for (int i = 0; i < dims.size(); ++i)
      want += (i ? "x" : "") + (dims[i].has_dim_value()
                                    ? std::to_string(dims[i].dim_value())
                                    : std::string("?"));
    return fail("output '" + output.name() + "' is declared with shape [" +
                want + "] but the graph computes " + typeString(type));
  }
  return Error::success();
}

Expected<OwningOpRef<ModuleOp>>
GraphImporter::run(const ::onnx::ModelProto &model) {
  if (!model.has_graph())
    return fail("the model has no graph");
  for (const auto &opset : model.opset_import())
    opsets[isDefaultDomain(opset.domain()) ? "" : opset.domain()] =
        opset.version();
  if (!opsets.count(""))
    opsets[""] = 1; // IR version 1 and 2 models predate opset_import
  const ::onnx::GraphProto &graph = model.graph();

  Location loc = FileLineColLoc::get(&context, path, 0, 0);
  OwningOpRef<ModuleOp> module = ModuleOp::create(loc);
  auto func = func::FuncOp::create(loc, options.functionName,
                                   builder.getFunctionType({}, {}));
  module->push_back(func);
  Block *body = func.addEntryBlock();
  builder.setInsertionPointToStart(body);

  if (Error err = importInitializers(graph))
    return std::move(err);

  llvm::StringSet<> graphInputs;
  SmallVector<Type> argTypes;
  for (const auto &input : graph.input()) {
    graphInputs.insert(input.name());
    if (values.count(input.name()))
      continue; // an initializer's default value: a weight, not an input
    Expected<RankedTensorType> type = inputType(input);
    if (!type)
      return type.takeError();
    auto bound = options.boundInputs.find(input.name());
    if (bound != options.boundInputs.end()) {
      Expected<TensorBytes> bytes = readTensorFile(bound->second, &context);
      if (!bytes)
        return fail("--bind-input " + input.name() + ": " +
                    toString(bytes.takeError()));
      if (bytes->type() != *type)
        return fail("--bind-input " + input.name() + ": the file holds " +
                    typeString(bytes->type()) + ", the input is " +
                    typeString(*type));
      values[input.name()] = ConstantOp::create(
          builder, NameLoc::get(builder.getStringAttr(input.name())),
          bytes->type(), bytes->toAttr());
      if (bytes->isUnsigned)
        unsignedValues.insert(values[input.name()]);
      continue;
    }
    values[input.name()] = body->addArgument(*type, loc);
    if (isUnsignedType(input.type().tensor_type().elem_type()))
      unsignedValues.insert(values[input.name()]);
    argTypes.push_back(*type);
    argNames.push_back(input.name());
  }
  for (const auto &entry : options.inputShapes)
    if (!graphInputs.contains(entry.getKey()))
      return fail("--input-shape names '" + entry.getKey() +
                  "', which is not an input of the graph");
  for (const auto &entry : options.boundInputs)
    if (!graphInputs.contains(entry.getKey()))
      return fail("--bind-input names '" + entry.getKey() +
                  "', which is not an input of the graph");

  Expected<SmallVector<const ::onnx::NodeProto *>> order = sortNodes(graph);
  if (!order)
    return order.takeError();
  for (const ::onnx::NodeProto *node : *order)
    if (Error err = importNode(*node))
      return std::move(err);

  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (const auto &output : graph.output()) {
    Value v = values.lookup(output.name());
    if (!v)
      return fail("graph output '" + output.name() + "' is not produced by " +
                  "any node");
    if (Error err = checkOutput(output, v))
      return std::move(err);
    results.push_back(v);
    resultTypes.push_back(v.getType());
  }
  if (results.empty())
    return fail("the graph has no outputs");
  func::ReturnOp::create(builder, loc, results);
  func.setFunctionType(builder.getFunctionType(argTypes, resultTypes));
  for (auto [i, name] : llvm::enumerate(argNames))
    func.setArgAttr(i, "born.name", builder.getStringAttr(name));
  for (auto [i, output] : llvm::enumerate(graph.output())) {
    func.setResultAttr(i, "born.name", builder.getStringAttr(output.name()));
    if (isUnsignedType(output.type().tensor_type().elem_type()))
      func.setResultAttr(i, "born.unsigned", builder.getUnitAttr());
  }
  for (unsigned i = 0; i < argTypes.size(); ++i)
    if (unsignedValues.contains(body->getArgument(i)))
      func.setArgAttr(i, "born.unsigned", builder.getUnitAttr());

  std::string diagnostics;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    diagnostics += diag.str();
    return success();
  });
  if (failed(verify(*module)))
    return fail("the imported graph does not verify: " + diagnostics);
  return module;
}

} // namespace

Expected<OwningOpRef<ModuleOp>> importModel(StringRef path,
                                            MLIRContext &context,
                                            const ImportOptions &options,
                                            WeightSet &weights) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return failure(path + ": " + buffer.getError().message());
  ::onnx::ModelProto model;
  if ((*buffer)->getBufferSize() > size_t(INT32_MAX))
    return failure(path + ": larger than 2 GiB; store the weights as " +
                   "external data");
  if (!model.ParseFromArray((*buffer)->getBufferStart(),
                            int((*buffer)->getBufferSize())))
    return failure(path + ": not an ONNX model (the protobuf does not parse: " +
                   "truncated or another kind of file)");
  context.loadDialect<BornDialect, func::FuncDialect>();
  return GraphImporter(path, context, options, weights).run(model);
}

Error parseInputShape(StringRef spec, ImportOptions &options) {
  auto [name, dims] = spec.rsplit('=');
  if (name.empty() || dims.empty())
    return failure("--input-shape expects NAME=D0xD1..., got '" + spec + "'");
  SmallVector<int64_t> shape;
  SmallVector<StringRef> parts;
  dims.split(parts, 'x');
  for (StringRef part : parts) {
    int64_t d;
    if (part.getAsInteger(10, d) || d < 0)
      return failure("--input-shape " + name + ": '" + part +
                     "' is not a dimension");
    shape.push_back(d);
  }
  options.inputShapes[name] = shape;
  return Error::success();
}

} // namespace born::onnx
