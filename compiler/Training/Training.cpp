//===- Training.cpp - Losses, optimizers and compiled training steps ------===//

#include "compiler/Training/Training.h"

#include "compiler/Weights/Weights.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include "llvm/Support/MathExtras.h"
#include <cmath>
#include <cstring>
#include <random>

namespace born {

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

static bool isInteger(DType d) {
  return d == DType::I64 || d == DType::I32 || d == DType::I16 ||
         d == DType::I8;
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

Tensor nll_loss(const Tensor &logProbs, const Tensor &labels) {
  if (!logProbs.valid() || !labels.valid())
    return logProbs.valid() ? labels : logProbs;
  Graph &g = *logProbs.graph();
  if (logProbs.rank() != 2 || labels.rank() != 1 ||
      labels.dim(0) != logProbs.dim(0) || !isInteger(labels.dtype())) {
    g.recordError("nll_loss(" + logProbs.str() + ", " + labels.str() +
                  "): expected float scores [N, C] and integer labels [N]");
    return g.invalid();
  }
  int64_t n = logProbs.dim(0), classes = logProbs.dim(1);
  // One-hot through a comparison with 0..C-1: the gradient then flows only
  // into each row's labelled class, as a gather's would.
  std::vector<int64_t> ids(classes);
  for (int64_t c = 0; c < classes; ++c)
    ids[c] = c;
  Tensor oneHot = eq(reshape(labels, {n, 1}),
                     g.intConstant(ids, {1, classes}, labels.dtype()));
  Tensor picked = where(oneHot, logProbs, g.constant(0.0, logProbs.dtype()));
  return -sum(picked) / static_cast<double>(n);
}

Tensor cross_entropy(const Tensor &logits, const Tensor &labels) {
  return nll_loss(log_softmax(logits, 1), labels);
}

Tensor mse_loss(const Tensor &prediction, const Tensor &target) {
  Tensor diff = prediction - target;
  return mean(diff * diff);
}

//===----------------------------------------------------------------------===//
// Optimizers
//===----------------------------------------------------------------------===//

Optimizer Optimizer::sgd(double momentum, double weightDecay) {
  Optimizer o;
  o.kind = Kind::SGD;
  o.momentum = momentum;
  o.weightDecay = weightDecay;
  return o;
}

Optimizer Optimizer::adam(double beta1, double beta2, double epsilon,
                          double weightDecay) {
  Optimizer o;
  o.kind = Kind::Adam;
  o.beta1 = beta1;
  o.beta2 = beta2;
  o.epsilon = epsilon;
  o.weightDecay = weightDecay;
  return o;
}

Optimizer Optimizer::adamw(double beta1, double beta2, double epsilon,
                           double weightDecay) {
  Optimizer o = adam(beta1, beta2, epsilon, weightDecay);
  o.kind = Kind::AdamW;
  return o;
}

llvm::StringRef Optimizer::name() const {
  switch (kind) {
  case Kind::SGD: return "sgd";
  case Kind::Adam: return "adam";
  case Kind::AdamW: return "adamw";
  }
  return "?";
}

std::vector<std::string> Optimizer::stateNames() const {
  if (kind == Kind::SGD)
    return momentum != 0 ? std::vector<std::string>{"momentum_buffer"}
                         : std::vector<std::string>{};
  return {"exp_avg", "exp_avg_sq"};
}

void Optimizer::update(llvm::ArrayRef<Tensor> params,
                       llvm::ArrayRef<Tensor> grads,
                       llvm::ArrayRef<std::vector<Tensor>> state,
                       const Tensor &lr, const Tensor &step,
                       std::vector<Tensor> &newParams,
                       std::vector<std::vector<Tensor>> &newState) const {
  newParams.clear();
  newState.clear();
  for (auto [p, grad, s] : llvm::zip(params, grads, state)) {
    Tensor gr = grad;
    if (weightDecay != 0 && kind != Kind::AdamW)
      gr = gr + p * weightDecay; // L2, as torch.optim's weight_decay
    if (kind == Kind::SGD) {
      if (momentum != 0) {
        // torch starts the buffer at the first gradient; a zero buffer
        // times momentum plus the gradient is the same.
        gr = s[0] * momentum + gr;
        newState.push_back({gr});
      } else {
        newState.push_back({});
      }
      newParams.push_back(p - lr * gr);
      continue;
    }
    Graph &g = *p.graph();
    Tensor decayed = p;
    if (kind == Kind::AdamW && weightDecay != 0)
      decayed = p * (1.0 - lr * weightDecay);
    Tensor m = s[0] * beta1 + gr * (1 - beta1);
    Tensor v = s[1] * beta2 + gr * gr * (1 - beta2);
    Tensor correction1 = 1.0 - pow(g.constant(beta1), step);
    Tensor correction2 = 1.0 - pow(g.constant(beta2), step);
    Tensor denominator = sqrt(v) / sqrt(correction2) + epsilon;
    newParams.push_back(decayed - (lr / correction1) * (m / denominator));
    newState.push_back({m, v});
  }
}

LRSchedule LRSchedule::constant(double lr) {
  LRSchedule s;
  s.base = lr;
  return s;
}

LRSchedule LRSchedule::stepDecay(double lr, int64_t stepSize, double gamma) {
  LRSchedule s;
  s.kind = Kind::Step;
  s.base = lr;
  s.stepSize = std::max<int64_t>(stepSize, 1);
  s.gamma = gamma;
  return s;
}

LRSchedule LRSchedule::cosine(double lr, int64_t totalSteps, double minimum) {
  LRSchedule s;
  s.kind = Kind::Cosine;
  s.base = lr;
  s.totalSteps = std::max<int64_t>(totalSteps, 1);
  s.minimum = minimum;
  return s;
}

double LRSchedule::at(int64_t step) const {
  switch (kind) {
  case Kind::Constant: return base;
  case Kind::Step: return base * std::pow(gamma, step / stepSize);
  case Kind::Cosine: {
    double t = std::min<double>(step, totalSteps) / totalSteps;
    return minimum +
           (base - minimum) * (1 + std::cos(llvm::numbers::pi * t)) / 2;
  }
  }
  return base;
}

//===----------------------------------------------------------------------===//
// SafeTensors output
//===----------------------------------------------------------------------===//

llvm::Error
writeSafeTensors(llvm::StringRef path, llvm::ArrayRef<NamedTensor> tensors,
                 llvm::ArrayRef<std::pair<std::string, std::string>> metadata) {
  std::string header;
  llvm::raw_string_ostream hs(header);
  llvm::json::OStream json(hs);
  uint64_t offset = 0;
  std::vector<size_t> sizes;
  json.object([&] {
    if (!metadata.empty())
      json.attributeObject("__metadata__", [&] {
        for (const auto &[key, value] : metadata)
          json.attribute(key, value);
      });
    for (const NamedTensor &t : tensors) {
      int64_t count = 1;
      for (int64_t d : t.shape)
        count *= d;
      size_t bytes = count * dtypeSize(t.dtype);
      sizes.push_back(bytes);
      json.attributeObject(t.name, [&] {
        json.attribute("dtype", t.dtype == DType::I64 ? "I64" : "F32");
        json.attributeArray("shape", [&] {
          for (int64_t d : t.shape)
            json.value(d);
        });
        json.attributeArray("data_offsets", [&] {
          json.value(static_cast<int64_t>(offset));
          json.value(static_cast<int64_t>(offset + bytes));
        });
      });
      offset += bytes;
    }
  });
  // The data starts 8-byte aligned: pad the header with spaces.
  header.append((8 - header.size() % 8) % 8, ' ');

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    return makeError("cannot write " + path + ": " + ec.message());
  uint64_t headerSize = header.size();
  char sizeBytes[8];
  for (int i = 0; i < 8; ++i)
    sizeBytes[i] = static_cast<char>(headerSize >> (8 * i)); // little endian
  os.write(sizeBytes, 8);
  os << header;
  for (auto [t, bytes] : llvm::zip(tensors, sizes))
    os.write(static_cast<const char *>(t.data), bytes);
  os.close();
  if (os.has_error())
    return makeError("cannot write " + path + ": " + os.error().message());
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Trainer
//===----------------------------------------------------------------------===//

struct Trainer::Slot {
  std::string name;
  std::vector<int64_t> shape;
  /// The step reads this buffer and writes the updated values over it (the
  /// updated tensor is an output tied to the input).
  std::vector<float> values;
};

Trainer::Trainer() = default;
Trainer::Trainer(Trainer &&) noexcept = default;
Trainer &Trainer::operator=(Trainer &&) noexcept = default;
Trainer::~Trainer() = default;

static constexpr llvm::StringLiteral kUpdatedPrefix = "updated.";

llvm::Expected<std::vector<TensorInfo>>
buildTrainingStep(Graph &g, const ModelFn &model, const LossFn &loss,
                  const Optimizer &optimizer,
                  const Trainer::Options &options) {
  if (options.inputShape.empty())
    return makeError("training step: the input shape is empty (it is the "
                     "shape of one batch of model inputs)");
  std::vector<int64_t> targetShape = options.targetShape;
  if (targetShape.empty())
    targetShape = {options.inputShape[0]};
  g.setParamsAsInputs(true);
  Tensor input =
      g.input(options.inputName, options.inputShape, options.inputDType);
  Tensor output = model(g, input);
  Tensor target = g.input("target", targetShape, options.targetDType);
  Tensor lossValue = loss(output, target);
  Tensor lr = g.input("lr", {});
  Tensor step = g.input("step", {});
  std::vector<TensorInfo> params = g.params();
  if (g.ok() && params.empty())
    return makeError("training step: the model declares no params");
  for (const TensorInfo &p : params)
    if (p.dtype != DType::F32)
      return makeError("training step: param '" + p.name + "' is " +
                       dtypeName(p.dtype) + "; only f32 params are trained");
  std::vector<Tensor> paramTensors;
  std::vector<std::vector<Tensor>> state;
  std::vector<std::string> stateNames = optimizer.stateNames();
  for (const TensorInfo &p : params) {
    paramTensors.push_back(g.param(p.name, p.shape, p.dtype));
    state.emplace_back();
    for (const std::string &s : stateNames)
      state.back().push_back(g.input(p.name + "." + s, p.shape, p.dtype));
  }
  std::vector<Tensor> grads = g.gradients(lossValue, paramTensors);
  std::vector<Tensor> newParams;
  std::vector<std::vector<Tensor>> newState;
  optimizer.update(paramTensors, grads, state, lr, step, newParams, newState);
  g.output(lossValue, "loss");
  for (auto [p, t, old] : llvm::zip(params, newParams, paramTensors))
    g.output(t, (kUpdatedPrefix + p.name).str(), old);
  for (auto [p, tensors, olds] : llvm::zip(params, newState, state))
    for (auto [s, t, old] : llvm::zip(stateNames, tensors, olds))
      g.output(t, (kUpdatedPrefix + p.name + "." + s).str(), old);
  if (!g.ok())
    return makeError("building the training step: " + g.error());
  return params;
}

LossFn lossNamed(llvm::StringRef name) {
  if (name == "cross-entropy")
    return cross_entropy;
  if (name == "nll")
    return nll_loss;
  if (name == "mse")
    return mse_loss;
  return nullptr;
}

llvm::Expected<std::vector<TensorInfo>>
buildTrainingStep(Graph &g, mlir::func::FuncOp model, llvm::StringRef loss,
                  const Optimizer &optimizer) {
  std::string where = "training step of @" + model.getSymName().str();
  LossFn lossFn = lossNamed(loss);
  if (!lossFn)
    return makeError(where + ": unknown loss '" + loss +
                     "' (expected cross-entropy, nll or mse)");
  if (model.getNumArguments() != 1 || model.getNumResults() != 1)
    return makeError(where + ": the model takes " +
                     llvm::Twine(model.getNumArguments()) + " inputs and returns " +
                     llvm::Twine(model.getNumResults()) +
                     " results; expected one batch in and one result out "
                     "(what the loss reads)");
  auto inputType =
      llvm::dyn_cast<mlir::RankedTensorType>(model.getArgument(0).getType());
  auto outputType =
      llvm::dyn_cast<mlir::RankedTensorType>(model.getResultTypes()[0]);
  if (!inputType || !inputType.hasStaticShape() || inputType.getRank() == 0 ||
      !outputType || !outputType.hasStaticShape())
    return makeError(where + ": the input and the result must be statically "
                     "shaped tensors, the input batched (rank >= 1)");
  Trainer::Options options;
  if (auto name = model.getArgAttrOfType<mlir::StringAttr>(0, "born.name"))
    options.inputName = name.str();
  options.inputShape.assign(inputType.getShape().begin(),
                            inputType.getShape().end());
  options.inputDType = dtypeOf(inputType.getElementType());
  if (loss == "mse") {
    options.targetShape.assign(outputType.getShape().begin(),
                               outputType.getShape().end());
    options.targetDType = dtypeOf(outputType.getElementType());
  } else if (outputType.getRank() != 2) {
    return makeError(where + ": loss " + loss + " reads logits [N, C]; the "
                     "model returns " + llvm::Twine(outputType.getRank()) +
                     "-d values");
  } else {
    options.targetShape = {outputType.getDimSize(0)};
  }
  auto call = [&](Graph &graph, const Tensor &input) {
    std::vector<Tensor> results = graph.call(model, {input});
    return results.empty() ? Tensor() : results[0];
  };
  return buildTrainingStep(g, call, lossFn, optimizer, options);
}

llvm::Expected<Trainer> Trainer::create(const ModelFn &model,
                                        const LossFn &loss,
                                        const Optimizer &optimizer,
                                        const Options &options) {
  // The training step: inputs, params, target, lr, step, optimizer state ->
  // loss, updated params, updated state.
  Graph g(options.name);
  llvm::Expected<std::vector<TensorInfo>> params =
      buildTrainingStep(g, model, loss, optimizer, options);
  if (!params)
    return makeError("Trainer: " + llvm::toString(params.takeError()));
  std::vector<std::string> stateNames = optimizer.stateNames();

  Trainer trainer;
  trainer.optimizer_ = optimizer;
  trainer.params_ = *params;
  trainer.inputName_ = options.inputName;
  llvm::Expected<CompiledModel> train = g.compile(Weights(), options.build);
  if (!train)
    return train.takeError();
  trainer.train_ = std::make_unique<CompiledModel>(std::move(*train));

  // Evaluation: the same model with params as inputs, at its own batch size.
  Graph e(options.name + "_eval");
  e.setParamsAsInputs(true);
  std::vector<int64_t> evalShape = options.inputShape;
  if (options.evalBatch > 0)
    evalShape[0] = options.evalBatch;
  e.output(model(e, e.input(options.inputName, evalShape, options.inputDType)),
           "output");
  llvm::Expected<CompiledModel> eval = e.compile(Weights(), options.build);
  if (!eval)
    return eval.takeError();
  trainer.eval_ = std::make_unique<CompiledModel>(std::move(*eval));

  for (const TensorInfo &p : *params) {
    trainer.slots_.push_back({p.name, p.shape, {}});
    for (const std::string &s : stateNames)
      trainer.slots_.push_back({p.name + "." + s, p.shape, {}});
  }
  for (Slot &slot : trainer.slots_) {
    int64_t n = 1;
    for (int64_t d : slot.shape)
      n *= d;
    slot.values.assign(n, 0.0f);
  }
  trainer.initParams(options.seed);
  return std::move(trainer);
}

void Trainer::initParams(uint32_t seed) {
  std::mt19937 rng(seed);
  for (Slot &slot : slots_) {
    std::vector<float> &values = slot.values;
    bool isParam = llvm::any_of(
        params_, [&](const TensorInfo &p) { return p.name == slot.name; });
    if (!isParam || slot.shape.size() < 2) {
      std::fill(values.begin(), values.end(), 0.0f);
      continue;
    }
    int64_t fanIn = 1;
    for (size_t i = 1; i < slot.shape.size(); ++i)
      fanIn *= slot.shape[i];
    float bound = 1.0f / std::sqrt(static_cast<float>(fanIn));
    std::uniform_real_distribution<float> dist(-bound, bound);
    for (float &v : values)
      v = dist(rng);
  }
  steps_ = 0;
}

llvm::ArrayRef<float> Trainer::values(llvm::StringRef name) const {
  for (const Slot &slot : slots_)
    if (slot.name == name)
      return slot.values;
  return {};
}

llvm::Error Trainer::setValues(llvm::StringRef name,
                               llvm::ArrayRef<float> values) {
  for (Slot &slot : slots_) {
    if (slot.name != name)
      continue;
    if (values.size() != slot.values.size())
      return makeError("setValues: '" + name + "' has " +
                       llvm::Twine(slot.values.size()) + " elements, got " +
                       llvm::Twine(values.size()));
    llvm::copy(values, slot.values.begin());
    return llvm::Error::success();
  }
  return makeError("setValues: no param or optimizer state named '" + name +
                   "'");
}

llvm::Error Trainer::step(InputBuffer input, InputBuffer target, double lr,
                          float *loss) {
  float lrValue = static_cast<float>(lr);
  float stepValue = static_cast<float>(steps_ + 1); // 1-based, as torch
  float lossValue = 0;
  std::vector<InputBuffer> inputs;
  for (const TensorInfo &info : train_->inputs()) {
    if (info.name == inputName_)
      inputs.push_back(input);
    else if (info.name == "target")
      inputs.push_back(target);
    else if (info.name == "lr")
      inputs.emplace_back(&lrValue, sizeof(float), sizeof(float));
    else if (info.name == "step")
      inputs.emplace_back(&stepValue, sizeof(float), sizeof(float));
    else if (llvm::ArrayRef<float> v = values(info.name); !v.empty())
      inputs.emplace_back(v);
    else
      return makeError("Trainer: the training step has an unknown input '" +
                       info.name + "'");
  }
  std::vector<OutputBuffer> outputs;
  for (const TensorInfo &info : train_->outputs()) {
    if (info.name == "loss") {
      outputs.emplace_back(&lossValue, sizeof(float), sizeof(float));
      continue;
    }
    llvm::StringRef name(info.name);
    auto slot = llvm::find_if(slots_, [&](const Slot &s) {
      return name.starts_with(kUpdatedPrefix) &&
             s.name == name.drop_front(kUpdatedPrefix.size());
    });
    if (slot == slots_.end())
      return makeError("Trainer: the training step has an unknown output '" +
                       info.name + "'");
    outputs.emplace_back(slot->values); // in place: tied to the input
  }
  if (llvm::Error err = train_->run(inputs, outputs))
    return err;
  ++steps_;
  if (loss)
    *loss = lossValue;
  return llvm::Error::success();
}

llvm::Error Trainer::evaluate(InputBuffer input, OutputBuffer output) {
  std::vector<InputBuffer> inputs;
  for (const TensorInfo &info : eval_->inputs()) {
    if (info.name == inputName_) {
      inputs.push_back(input);
      continue;
    }
    llvm::ArrayRef<float> v = values(info.name);
    if (v.empty())
      return makeError("Trainer: the evaluation model has an unknown input '" +
                       info.name + "'");
    inputs.emplace_back(v);
  }
  return eval_->run(inputs, {output});
}

llvm::Error Trainer::saveCheckpoint(llvm::StringRef path) const {
  std::vector<NamedTensor> tensors;
  for (const Slot &slot : slots_)
    tensors.push_back(
        {slot.name, DType::F32, slot.shape, slot.values.data()});
  tensors.push_back({"step", DType::I64, {}, &steps_});
  return writeSafeTensors(
      path, tensors,
      {{"format", "born-checkpoint"}, {"optimizer", optimizer_.name().str()}});
}

llvm::Error Trainer::saveWeights(llvm::StringRef path) const {
  std::vector<NamedTensor> tensors;
  for (const TensorInfo &p : params_)
    tensors.push_back({p.name, DType::F32, p.shape, values(p.name).data()});
  return writeSafeTensors(path, tensors);
}

llvm::Error Trainer::loadCheckpoint(llvm::StringRef path) {
  WeightSet set;
  if (llvm::Error err = loadSafeTensors(path, set))
    return err;
  auto shapeString = [](llvm::ArrayRef<int64_t> shape) {
    std::string s = "[";
    for (auto [i, d] : llvm::enumerate(shape))
      s += (i ? ", " : "") + std::to_string(d);
    return s + "]";
  };
  // Check everything before changing anything.
  for (const Slot &slot : slots_) {
    auto it = set.tensors.find(slot.name);
    if (it == set.tensors.end())
      return makeError(path + ": no tensor '" + slot.name +
                       "' (a checkpoint of this model with optimizer " +
                       optimizer_.name() + " has one)");
    const TensorData &t = it->second;
    if (t.dtype != "F32" ||
        llvm::ArrayRef<int64_t>(t.shape) != llvm::ArrayRef<int64_t>(slot.shape))
      return makeError(path + ": tensor '" + slot.name + "' is " + t.dtype +
                       shapeString(t.shape) + ", expected F32" +
                       shapeString(slot.shape));
  }
  auto step = set.tensors.find("step");
  if (step == set.tensors.end() || step->second.dtype != "I64" ||
      step->second.bytes.size() != sizeof(int64_t))
    return makeError(path + ": expected an I64 scalar tensor 'step'");
  for (Slot &slot : slots_) {
    llvm::ArrayRef<uint8_t> bytes = set.tensors[slot.name].bytes;
    std::memcpy(slot.values.data(), bytes.data(), bytes.size());
  }
  std::memcpy(&steps_, step->second.bytes.data(), sizeof(int64_t));
  return llvm::Error::success();
}

} // namespace born
