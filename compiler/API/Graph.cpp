//===- Graph.cpp - Graph construction, weights and compilation ------------===//

#include "compiler/API/Graph.h"

#include "compiler/Driver/Compiler.h"
#include "dialects/born/IR/BornOps.h"
#include "passes/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace born {

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}


static int64_t product(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

//===----------------------------------------------------------------------===//
// DType and Tensor
//===----------------------------------------------------------------------===//

llvm::StringRef dtypeName(DType dtype) {
  switch (dtype) {
  case DType::F32: return "f32";
  case DType::F16: return "f16";
  case DType::BF16: return "bf16";
  case DType::F64: return "f64";
  case DType::I64: return "i64";
  case DType::I32: return "i32";
  case DType::I16: return "i16";
  case DType::I8: return "i8";
  case DType::Bool: return "bool";
  }
  return "?";
}

size_t dtypeSize(DType dtype) {
  switch (dtype) {
  case DType::F64:
  case DType::I64: return 8;
  case DType::F32:
  case DType::I32: return 4;
  case DType::F16:
  case DType::BF16:
  case DType::I16: return 2;
  case DType::I8:
  case DType::Bool: return 1;
  }
  return 0;
}

DType dtypeOf(Type t) {
  if (t.isF16()) return DType::F16;
  if (t.isBF16()) return DType::BF16;
  if (t.isF64()) return DType::F64;
  if (t.isInteger(64)) return DType::I64;
  if (t.isInteger(32)) return DType::I32;
  if (t.isInteger(16)) return DType::I16;
  if (t.isInteger(8)) return DType::I8;
  if (t.isInteger(1)) return DType::Bool;
  return DType::F32;
}

static std::string safeTensorsName(DType dtype) {
  return dtype == DType::Bool ? "BOOL" : llvm::StringRef(dtypeName(dtype)).upper();
}

llvm::ArrayRef<int64_t> Tensor::shape() const {
  if (!value_)
    return {};
  return llvm::cast<RankedTensorType>(value_.getType()).getShape();
}

int64_t Tensor::dim(int64_t axis) const {
  llvm::ArrayRef<int64_t> s = shape();
  if (axis < 0)
    axis += s.size();
  return axis >= 0 && axis < static_cast<int64_t>(s.size()) ? s[axis] : 0;
}

int64_t Tensor::numElements() const { return valid() ? product(shape()) : 0; }

DType Tensor::dtype() const {
  return value_ ? dtypeOf(llvm::cast<RankedTensorType>(value_.getType())
                              .getElementType())
                : DType::F32;
}

std::string Tensor::str() const {
  if (!value_)
    return "<invalid>";
  return dtypeName(dtype()).str() + shapeString(shape());
}

int64_t TensorInfo::numElements() const { return product(shape); }

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

Weights::Weights() : set_(std::make_unique<WeightSet>()) {}
Weights::~Weights() = default;
Weights::Weights(Weights &&) noexcept = default;
Weights &Weights::operator=(Weights &&) noexcept = default;

llvm::Expected<Weights> Weights::loadSafeTensors(llvm::StringRef path) {
  Weights weights;
  if (llvm::Error err = born::loadSafeTensors(path, *weights.set_))
    return std::move(err);
  return std::move(weights);
}

void Weights::setBytes(llvm::StringRef name, DType dtype,
                       llvm::ArrayRef<int64_t> shape,
                       llvm::ArrayRef<uint8_t> bytes) {
  put(name, dtype, shape, bytes, /*copy=*/true);
}

void Weights::setView(llvm::StringRef name, DType dtype,
                      llvm::ArrayRef<int64_t> shape,
                      llvm::ArrayRef<uint8_t> bytes) {
  put(name, dtype, shape, bytes, /*copy=*/false);
}

void Weights::put(llvm::StringRef name, DType dtype,
                  llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<uint8_t> bytes,
                  bool copy) {
  uint64_t expected = product(shape) * dtypeSize(dtype);
  if (bytes.size() != expected) {
    if (error_.empty())
      error_ = ("weights: tensor '" + name + "' of shape " +
                shapeString(shape) + " needs " + llvm::Twine(expected) +
                " bytes of " + dtypeName(dtype) + ", got " +
                llvm::Twine(bytes.size()))
                   .str();
    return;
  }
  llvm::erase(unshaped_, name.str());
  if (copy)
    set_->addCopy(name, safeTensorsName(dtype), shape, bytes);
  else
    set_->tensors[name] = TensorData{safeTensorsName(dtype),
                                     llvm::SmallVector<int64_t>(shape), bytes};
}

template <typename T>
static llvm::ArrayRef<uint8_t> asBytes(llvm::ArrayRef<T> values) {
  return {reinterpret_cast<const uint8_t *>(values.data()),
          values.size() * sizeof(T)};
}

void Weights::set(llvm::StringRef name, llvm::ArrayRef<int64_t> shape,
                  llvm::ArrayRef<float> values) {
  setBytes(name, DType::F32, shape, asBytes(values));
}

void Weights::set(llvm::StringRef name, llvm::ArrayRef<int64_t> shape,
                  llvm::ArrayRef<int64_t> values) {
  setBytes(name, DType::I64, shape, asBytes(values));
}

void Weights::set(llvm::StringRef name, llvm::ArrayRef<float> values) {
  int64_t n = values.size();
  setBytes(name, DType::F32, {n}, asBytes(values));
  unshaped_.push_back(name.str());
}

bool Weights::contains(llvm::StringRef name) const {
  return set_->tensors.count(name);
}

std::vector<std::string> Weights::names() const {
  std::vector<std::string> names;
  for (const auto &entry : set_->tensors)
    names.push_back(entry.getKey().str());
  llvm::sort(names);
  return names;
}

//===----------------------------------------------------------------------===//
// Graph construction
//===----------------------------------------------------------------------===//

Graph::Graph(llvm::StringRef name) : name_(name.str()) {
  DialectRegistry registry;
  registerCompilerDialects(registry);
  context_ = std::make_unique<MLIRContext>(registry);
  context_->loadDialect<BornDialect, func::FuncDialect>();
  Location loc = NameLoc::get(StringAttr::get(context_.get(), name_));
  module_ = ModuleOp::create(loc);
  builder_ = std::make_unique<OpBuilder>(context_.get());
  builder_->setInsertionPointToEnd(module_->getBody());
  auto func = func::FuncOp::create(*builder_, loc, name_,
                                   builder_->getFunctionType({}, {}));
  builder_->setInsertionPointToEnd(func.addEntryBlock());
  function_ = func;
}

Graph::~Graph() = default;

void Graph::recordError(const llvm::Twine &message) {
  if (error_.empty())
    error_ = message.str();
}

OpBuilder &Graph::builder() {
  // The return op is rebuilt whenever the IR is looked at; new ops go
  // before it.
  Block &body = llvm::cast<func::FuncOp>(function_).getBody().front();
  if (!body.empty() && isa<func::ReturnOp>(body.back()))
    body.back().erase();
  builder_->setInsertionPointToEnd(&body);
  return *builder_;
}

Type Graph::elementType(DType dtype) {
  Builder b(context_.get());
  switch (dtype) {
  case DType::F32: return b.getF32Type();
  case DType::F16: return b.getF16Type();
  case DType::BF16: return b.getBF16Type();
  case DType::F64: return b.getF64Type();
  case DType::I64: return b.getI64Type();
  case DType::I32: return b.getI32Type();
  case DType::I16: return b.getI16Type();
  case DType::I8: return b.getI8Type();
  case DType::Bool: return b.getI1Type();
  }
  return {};
}

/// "f32[2, 3]" for a ranked tensor type.
static std::string typeString(Type type) {
  auto t = llvm::cast<RankedTensorType>(type);
  return dtypeName(dtypeOf(t.getElementType())).str() +
         shapeString(t.getShape());
}

Tensor Graph::finish(Operation *op) {
  std::string diagnostics;
  LogicalResult result = success();
  {
    ScopedDiagnosticHandler handler(context_.get(), [&](Diagnostic &diag) {
      if (!diagnostics.empty())
        diagnostics += "; ";
      diagnostics += diag.str();
      return success();
    });
    // Ops were created with a placeholder result type wherever the dialect
    // infers it, so that a shape error comes back as a message here instead
    // of the fatal error of the inferring builders.
    if (auto infer = dyn_cast<InferTypeOpInterface>(op)) {
      SmallVector<Type> types;
      result = infer.inferReturnTypes(
          context_.get(), op->getLoc(), op->getOperands(),
          op->getRawDictionaryAttrs(), op->getPropertiesStorage(),
          op->getRegions(), types);
      if (succeeded(result))
        for (auto [value, type] : llvm::zip(op->getResults(), types))
          value.setType(type);
    }
    if (succeeded(result))
      result = verify(op);
  }
  if (succeeded(result))
    return wrap(op->getResult(0));

  std::string name = op->getName().getStringRef().str();
  std::string message = name + "(";
  for (auto [i, operand] : llvm::enumerate(op->getOperands()))
    message += (i ? ", " : "") + typeString(operand.getType());
  message += ")";
  if (!isa<InferTypeOpInterface>(op) || isa<ReshapeOp, BroadcastOp, CastOp>(op))
    message += " -> " + typeString(op->getResult(0).getType());
  // Verifier messages start with "'born.x' op ": the op is named already.
  llvm::StringRef text(diagnostics);
  text.consume_front("'" + name + "' op ");
  recordError(message + ": " + (text.empty() ? "invalid operation" : text));
  op->erase();
  return Tensor(this, Value());
}

Tensor Graph::input(llvm::StringRef name, llvm::ArrayRef<int64_t> shape,
                    DType dtype) {
  if (llvm::is_contained(inputNames_, name.str())) {
    recordError("input '" + name + "' is declared twice");
    return Tensor(this, Value());
  }
  if (llvm::any_of(shape, [](int64_t d) { return d < 0; })) {
    recordError("input '" + name + "': shape " + shapeString(shape) +
                " has a negative size");
    return Tensor(this, Value());
  }
  auto func = llvm::cast<func::FuncOp>(function_);
  auto type = RankedTensorType::get(shape, elementType(dtype));
  BlockArgument arg = func.getBody().front().addArgument(
      type, NameLoc::get(StringAttr::get(context_.get(), name)));
  inputNames_.push_back(name.str());
  syncSignature();
  return wrap(arg);
}

Tensor Graph::param(llvm::StringRef name, llvm::ArrayRef<int64_t> shape,
                    DType dtype) {
  auto type = RankedTensorType::get(shape, elementType(dtype));
  auto it = params_.find(name);
  if (it != params_.end()) {
    if (it->second.getType() == type)
      return wrap(it->second);
    recordError("param '" + name + "' is declared as " +
                typeString(it->second.getType()) + " and again as " +
                typeString(type));
    return Tensor(this, Value());
  }
  if (name.empty() || llvm::any_of(shape, [](int64_t d) { return d < 0; })) {
    recordError("param '" + name + "': needs a name and a shape of sizes "
                ">= 0, got " + shapeString(shape));
    return Tensor(this, Value());
  }
  Location loc = NameLoc::get(StringAttr::get(context_.get(), name));
  Tensor t = paramsAsInputs_ ? input(name, shape, dtype)
                             : finish(ParamOp::create(builder(), loc, type,
                                                      name,
                                                      /*permutation=*/nullptr));
  if (t.valid()) {
    params_[name] = t.value();
    paramOrder_.push_back(name.str());
  }
  return t;
}

std::vector<TensorInfo> Graph::params() const {
  std::vector<TensorInfo> infos;
  for (const std::string &name : paramOrder_) {
    auto type = llvm::cast<RankedTensorType>(params_.lookup(name).getType());
    infos.push_back({name, dtypeOf(type.getElementType()),
                     std::vector<int64_t>(type.getShape())});
  }
  return infos;
}

Tensor Graph::param(llvm::StringRef name, llvm::ArrayRef<int64_t> shape,
                    llvm::ArrayRef<float> values) {
  if (static_cast<int64_t>(values.size()) != product(shape)) {
    recordError("param '" + name + "': " + llvm::Twine(values.size()) +
                " values given for shape " + shapeString(shape));
    return Tensor(this, Value());
  }
  inlineWeights_.set(name, shape, values);
  return param(name, shape, DType::F32);
}

Location Graph::constantLoc() {
  return NameLoc::get(StringAttr::get(context_.get(), "constant"));
}

/// `value` in every element of `type`, converted to its element type.
static DenseElementsAttr splatAttr(RankedTensorType type, double value) {
  Type et = type.getElementType();
  if (auto ft = dyn_cast<FloatType>(et)) {
    llvm::APFloat f(value);
    bool lost;
    f.convert(ft.getFloatSemantics(), llvm::APFloat::rmNearestTiesToEven,
              &lost);
    return DenseElementsAttr::get(type, f);
  }
  unsigned width = et.getIntOrFloatBitWidth();
  if (width == 1)
    return DenseElementsAttr::get(type, llvm::APInt(1, value != 0));
  return DenseElementsAttr::get(
      type, llvm::APInt(width, static_cast<int64_t>(value), /*isSigned=*/true,
                        /*implicitTrunc=*/true));
}

Tensor Graph::scalar(double value, Type type) {
  auto t = RankedTensorType::get({}, type);
  return finish(ConstantOp::create(builder(), constantLoc(),
                                   splatAttr(t, value)));
}

Tensor Graph::constant(double value, DType dtype) {
  return scalar(value, elementType(dtype));
}

Tensor Graph::full(llvm::ArrayRef<int64_t> shape, double value, DType dtype) {
  auto t = RankedTensorType::get(shape, elementType(dtype));
  return finish(ConstantOp::create(builder(), constantLoc(),
                                   splatAttr(t, value)));
}

Tensor Graph::constant(llvm::ArrayRef<float> values,
                       llvm::ArrayRef<int64_t> shape) {
  if (static_cast<int64_t>(values.size()) != product(shape)) {
    recordError("constant: " + llvm::Twine(values.size()) +
                " values given for shape " + shapeString(shape));
    return Tensor(this, Value());
  }
  auto t = RankedTensorType::get(shape, builder_->getF32Type());
  return finish(ConstantOp::create(builder(), constantLoc(),
                                   DenseElementsAttr::get(t, values)));
}

Tensor Graph::intConstant(llvm::ArrayRef<int64_t> values,
                          llvm::ArrayRef<int64_t> shape, DType dtype) {
  if (static_cast<int64_t>(values.size()) != product(shape)) {
    recordError("intConstant: " + llvm::Twine(values.size()) +
                " values given for shape " + shapeString(shape));
    return Tensor(this, Value());
  }
  auto t = RankedTensorType::get(shape, elementType(dtype));
  SmallVector<Attribute> elements;
  for (int64_t v : values)
    elements.push_back(splatAttr(RankedTensorType::get({}, t.getElementType()),
                                 static_cast<double>(v))
                           .getSplatValue<Attribute>());
  return finish(ConstantOp::create(builder(), constantLoc(),
                                   DenseElementsAttr::get(t, elements)));
}

void Graph::output(const Tensor &value, llvm::StringRef name) {
  if (!value.valid()) {
    // A failed operation has recorded why already; this names the rest.
    recordError("output '" + name + "': empty or invalid Tensor");
    return;
  }
  if (value.graph() != this) {
    recordError("output '" + name + "': the tensor belongs to another graph");
    return;
  }
  appendOutput(value.value(), name, /*tiedInput=*/-1);
}

void Graph::appendOutput(Value value, llvm::StringRef name,
                         int64_t tiedInput) {
  std::string outputName =
      name.empty() ? "output_" + std::to_string(outputs_.size()) : name.str();
  outputs_.push_back({value, outputName, tiedInput});
  syncSignature();
}

void Graph::output(const Tensor &value, llvm::StringRef name,
                   const Tensor &input) {
  auto arg = input.valid() ? dyn_cast<BlockArgument>(input.value()) : nullptr;
  if (input.graph() != this || !arg ||
      arg.getOwner()->getParentOp() != function_)
    return recordError("output '" + name + "': " + input.str() +
                       " is not an input of graph '" + name_ + "'");
  if (value.valid() && value.value().getType() != arg.getType())
    return recordError("output '" + name + "' is " + value.str() +
                       " but input '" + inputNames_[arg.getArgNumber()] +
                       "', whose buffer it may share, is " + input.str());
  if (llvm::any_of(outputs_, [&](const Output &o) {
        return o.tiedInput == arg.getArgNumber();
      }))
    return recordError("output '" + name + "': input '" +
                       inputNames_[arg.getArgNumber()] +
                       "' already has an output written into its buffer");
  if (!value.valid() || value.graph() != this)
    return output(value, name); // records why
  appendOutput(value.value(), name, arg.getArgNumber());
}

void Graph::syncSignature() {
  OpBuilder &b = builder(); // drops the old return op
  auto func = llvm::cast<func::FuncOp>(function_);
  SmallVector<Value> results;
  for (const Output &output : outputs_)
    results.push_back(output.value);
  func::ReturnOp::create(b, func.getLoc(), results);
  Block &body = func.getBody().front();
  func.setFunctionType(
      b.getFunctionType(body.getArgumentTypes(), ValueRange(results).getTypes()));
  // Set wholesale: the attribute arrays must match the new argument and
  // result counts.
  auto named = [&](llvm::StringRef name) {
    return b.getDictionaryAttr(
        b.getNamedAttr("born.name", b.getStringAttr(name)));
  };
  SmallVector<DictionaryAttr> argAttrs, resultAttrs;
  for (auto [i, name] : llvm::enumerate(inputNames_)) {
    NamedAttrList attrs = {b.getNamedAttr("born.name", b.getStringAttr(name))};
    // born-autodiff, in the compile pipeline, reads the marks.
    if (llvm::is_contained(gradientInputs_, i))
      attrs.append("born.grad", b.getUnitAttr());
    argAttrs.push_back(attrs.getDictionary(b.getContext()));
  }
  for (const Output &output : outputs_) {
    NamedAttrList attrs = named(output.name).getValue();
    if (output.tiedInput >= 0)
      attrs.append(kTiedInputAttrName, b.getI64IntegerAttr(output.tiedInput));
    resultAttrs.push_back(attrs.getDictionary(b.getContext()));
  }
  func.setAllArgAttrs(argAttrs);
  func.setAllResultAttrs(resultAttrs);
}

std::vector<Tensor> Graph::call(func::FuncOp model,
                                llvm::ArrayRef<Tensor> args) {
  std::string name = "@" + model.getSymName().str();
  auto fail = [&](const llvm::Twine &message) {
    recordError("call " + name + ": " + message);
    return std::vector<Tensor>(model.getNumResults(), Tensor(this, Value()));
  };
  if (model->getContext() != context_.get())
    return fail("the function belongs to another MLIRContext than the graph");
  if (model.isExternal() || !model.getBody().hasOneBlock())
    return fail("expected a function with a body of one block");
  if (args.size() != model.getNumArguments())
    return fail("the function takes " + llvm::Twine(model.getNumArguments()) +
                " arguments, got " + llvm::Twine(args.size()));
  IRMapping map;
  for (auto [i, arg, t] : llvm::enumerate(model.getArguments(), args)) {
    if (!t.valid() || t.graph() != this)
      return fail("argument " + llvm::Twine(i) +
                  " is not a valid tensor of this graph");
    if (!isa<RankedTensorType>(arg.getType()))
      return fail("argument " + llvm::Twine(i) + " is not a ranked tensor");
    if (t.value().getType() != arg.getType())
      return fail("argument " + llvm::Twine(i) + " is " +
                  typeString(arg.getType()) + ", got " + t.str());
    map.map(arg, t.value());
  }
  Block &body = model.getBody().front();
  for (Operation &op : body.without_terminator()) {
    auto p = dyn_cast<ParamOp>(op);
    if (!p) {
      // builder() each time: declaring a param as an input rebuilds the
      // return op, which the next op must come before.
      builder().clone(op, map);
      continue;
    }
    if (p.getPermutationAttr())
      return fail("param '" + p.getName() + "' has a permutation; expected "
                  "the params as stored");
    auto type = llvm::cast<RankedTensorType>(p.getType());
    Tensor t = param(p.getName(), type.getShape(),
                     dtypeOf(type.getElementType()));
    if (!t.valid())
      return fail("param '" + p.getName() + "': " + error_);
    map.map(p.getResult(), t.value());
  }
  std::vector<Tensor> results;
  for (Value v : body.getTerminator()->getOperands())
    results.push_back(wrap(map.lookupOrDefault(v)));
  return results;
}

void Graph::requestGradients(llvm::ArrayRef<Tensor> inputs) {
  for (const Tensor &input : inputs) {
    if (!input.valid())
      return; // the failed op recorded the error
    auto arg = dyn_cast<BlockArgument>(input.value());
    if (input.graph() != this || !arg ||
        arg.getOwner()->getParentOp() != function_)
      return recordError("requestGradients: " + input.str() +
                         " is not an input of graph '" + name_ + "'");
    if (!isa<FloatType>(
            llvm::cast<RankedTensorType>(arg.getType()).getElementType()))
      return recordError("requestGradients: input '" +
                         inputNames_[arg.getArgNumber()] + "' is " +
                         input.str() + "; only float inputs have gradients");
    if (!llvm::is_contained(gradientInputs_, arg.getArgNumber()))
      gradientInputs_.push_back(arg.getArgNumber());
  }
}

std::vector<Tensor> Graph::gradients(const Tensor &loss,
                                     llvm::ArrayRef<Tensor> wrt) {
  std::vector<Tensor> invalidResult(wrt.size(), invalid());
  if (!loss.valid() ||
      llvm::any_of(wrt, [](const Tensor &t) { return !t.valid(); }))
    return invalidResult; // the failed op recorded the error
  auto all = llvm::to_vector(wrt);
  all.push_back(loss);
  for (const Tensor &t : all)
    if (t.graph() != this) {
      recordError("gradients: " + t.str() + " belongs to another graph");
      return invalidResult;
    }
  if (!llvm::isa<FloatType>(
          llvm::cast<RankedTensorType>(loss.value().getType())
              .getElementType()) ||
      loss.numElements() != 1) {
    recordError("gradients: the loss must be a float tensor of one element, "
                "got " + loss.str());
    return invalidResult;
  }
  SmallVector<Value> values;
  SmallVector<std::string> names;
  for (const Tensor &t : wrt) {
    values.push_back(t.value());
    auto arg = dyn_cast<BlockArgument>(t.value());
    names.push_back(arg && arg.getOwner()->getParentOp() == function_
                        ? inputNames_[arg.getArgNumber()]
                        : t.str());
  }
  syncSignature(); // the return op marks where the backward graph goes
  Operation *ret = llvm::cast<func::FuncOp>(function_).getBody().front()
                       .getTerminator();
  std::string diagnostics;
  FailureOr<SmallVector<Value>> grads;
  {
    ScopedDiagnosticHandler handler(context_.get(), [&](Diagnostic &diag) {
      diagnostics += (diagnostics.empty() ? "" : "; ") + diag.str();
      return success();
    });
    grads = buildGradients(ret, loss.value(), values, names);
  }
  if (failed(grads)) {
    recordError("gradients: " + diagnostics);
    return invalidResult;
  }
  std::vector<Tensor> result;
  for (Value v : *grads)
    result.push_back(wrap(v));
  return result;
}

ModuleOp Graph::module() {
  syncSignature();
  return *module_;
}

std::string Graph::str() {
  std::string s;
  llvm::raw_string_ostream os(s);
  module().print(os);
  return s;
}

//===----------------------------------------------------------------------===//
// Compilation
//===----------------------------------------------------------------------===//

/// Compiles the graph to an object file; fills `header` when non-null.
llvm::Error Graph::compileToFile(llvm::StringRef objectPath,
                                 const Weights &weights,
                                 const BuildOptions &options, bool withMain,
                                 std::string *header) {
  auto fail = [&](const llvm::Twine &msg) {
    return makeError("graph '" + name_ + "': " + msg);
  };
  if (!ok())
    return fail(error_);
  if (!weights.ok())
    return fail(weights.error());
  if (outputs_.empty())
    return fail("no outputs (call Graph::output)");

  CompileOptions compileOptions;
  compileOptions.prefix = options.prefix.empty() ? name_ : options.prefix;
  compileOptions.cpuName = options.cpu;
  compileOptions.targetVulkan = options.vulkan;
  compileOptions.targetCPU = options.withCPU || !options.vulkan;
  compileOptions.quiet = !options.verbose;
  compileOptions.entry = name_;
  for (char c : compileOptions.prefix)
    if (!llvm::isAlnum(c) && c != '_')
      return fail("symbol prefix '" + compileOptions.prefix +
                  "' is not a C identifier (set BuildOptions::prefix)");

  // Every param in use needs bytes: say so before compiling.
  for (const auto &entry : params_) {
    llvm::StringRef param = entry.getKey();
    // A param declared as an input (setParamsAsInputs) needs no bytes.
    if (entry.getValue().use_empty() || isa<BlockArgument>(entry.getValue()) ||
        weights.contains(param) || inlineWeights_.contains(param))
      continue;
    std::vector<std::string> known = weights.names();
    return fail("param '" + param + "' (" +
                typeString(entry.getValue().getType()) +
                ") has no weights: it is neither in the Weights given to "
                "compile nor given inline" +
                (known.empty() ? std::string(" (the Weights are empty)")
                               : " (the Weights hold: " +
                                     llvm::join(known, ", ") + ")"));
  }

  // The phases rewrite the module in place; compile a copy so that the graph
  // can still be printed, extended or compiled again.
  OwningOpRef<ModuleOp> copy(module().clone());
  Compiler compiler(compileOptions);
  std::string diagnostics;
  {
    ScopedDiagnosticHandler handler(context_.get(), [&](Diagnostic &diag) {
      if (diag.getSeverity() != DiagnosticSeverity::Error)
        return success();
      diagnostics += "\n  ";
      // API ops are located by the function that made them (loc("matmul")).
      if (!isa<UnknownLoc>(diag.getLocation())) {
        llvm::raw_string_ostream os(diagnostics);
        os << diag.getLocation() << ": ";
      }
      diagnostics += diag.str();
      return success();
    });
    if (failed(compiler.runPhases(*copy)))
      return fail("compilation failed:" +
                  (diagnostics.empty() ? " (no diagnostics)" : diagnostics));
  }

  // Params take their bytes from inline values first, then from `weights`.
  WeightSet merged;
  for (const WeightSet *set : {&weights.tensors(), &inlineWeights_.tensors()})
    for (const auto &entry : set->tensors)
      merged.tensors[entry.getKey()] = entry.getValue();
  for (const ParamSpec &param : compiler.signature().params) {
    auto it = merged.tensors.find(param.name);
    if (it == merged.tensors.end())
      continue; // buildWeightsBlob reports it
    // Weights set without a shape take the param's.
    if (llvm::is_contained(weights.unshaped(), param.name) &&
        product(it->second.shape) == product(param.shape))
      it->second.shape.assign(param.shape.begin(), param.shape.end());
  }
  // The compiler's blob builder also places the Vulkan kernels' constants.
  llvm::Expected<WeightsBlob> blob =
      compiler.buildWeightsBlob(merged, "the Weights given to compile");
  if (!blob)
    return fail(llvm::toString(blob.takeError()));

  WeightsPlacement placement;
  placement.blob = &*blob;
  placement.size = blob->bytes.size();
  llvm::LLVMContext llvmContext;
  auto llvmModule =
      compiler.translateToLLVM(*copy, llvmContext, placement, withMain);
  if (!llvmModule)
    return fail(llvm::toString(llvmModule.takeError()));
  if (llvm::Error err = compiler.writeObject(**llvmModule, objectPath))
    return fail(llvm::toString(std::move(err)));
  if (header)
    *header = compiler.cHeader();
  return llvm::Error::success();
}

llvm::Error Graph::compileToObject(llvm::StringRef path,
                                   const Weights &weights,
                                   const BuildOptions &options) {
  std::string header;
  if (llvm::Error err =
          compileToFile(path, weights, options, /*withMain=*/false, &header))
    return err;
  llvm::SmallString<128> headerPath(path);
  llvm::sys::path::replace_extension(headerPath, ".h");
  std::error_code ec;
  llvm::raw_fd_ostream os(headerPath, ec);
  if (ec)
    return makeError("cannot write " + headerPath + ": " + ec.message());
  os << header;
  return llvm::Error::success();
}

llvm::Error Graph::compileToExecutable(llvm::StringRef path,
                                       const Weights &weights,
                                       const BuildOptions &options) {
  llvm::SmallString<128> object;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("born-" + name_, "o", object))
    return makeError("cannot create a temporary file: " + ec.message());
  llvm::Error err =
      compileToFile(object, weights, options, /*withMain=*/true, nullptr);
  if (!err)
    err = linkExecutable({object.str().str()}, path);
  llvm::sys::fs::remove(object);
  return err;
}
} // namespace born
