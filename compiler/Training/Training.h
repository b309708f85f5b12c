//===- Training.h - Losses, optimizers and compiled training steps -*- C++
//-*-===//
//
// Training as a compiler feature (docs/training.md): a whole step (forward,
// loss, backward, optimizer update) is one graph, compiled and fused like
// any other, and run from the host step by step.
//
//   born::Trainer::Options o;
//   o.inputShape = {64, 784};
//   auto t = born::Trainer::create(model, born::cross_entropy,
//                                  born::Optimizer::adam(), o);
//   float loss;
//   if (llvm::Error e = t->step(images, labels, /*lr=*/1e-3, &loss)) ...
//   t->saveCheckpoint("ckpt.safetensors");
//
//===----------------------------------------------------------------------===//
#ifndef BORN_COMPILER_TRAINING_TRAINING_H
#define BORN_COMPILER_TRAINING_TRAINING_H

#include "compiler/API/Graph.h"

#include <functional>

namespace born {

//===----------------------------------------------------------------------===//
// Losses: graph ops giving a scalar f32 (rank 0), averaged over the batch.
//===----------------------------------------------------------------------===//

/// PyTorch's cross_entropy: logits [N, C], integer class labels [N].
Tensor cross_entropy(const Tensor &logits, const Tensor &labels);
/// PyTorch's nll_loss: log-probabilities [N, C], integer class labels [N].
Tensor nll_loss(const Tensor &logProbs, const Tensor &labels);
/// PyTorch's mse_loss: the mean of (prediction - target)^2 over all elements.
Tensor mse_loss(const Tensor &prediction, const Tensor &target);

//===----------------------------------------------------------------------===//
// Optimizers and learning-rate schedules
//===----------------------------------------------------------------------===//

/// An optimizer, with the update rules of torch.optim's SGD, Adam and AdamW.
struct Optimizer {
  enum class Kind { SGD, Adam, AdamW };
  Kind kind = Kind::SGD;
  double momentum = 0;    // SGD
  double weightDecay = 0; // L2 added to the gradient; AdamW: decoupled
  double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8; // Adam, AdamW

  static Optimizer sgd(double momentum = 0, double weightDecay = 0);
  static Optimizer adam(double beta1 = 0.9, double beta2 = 0.999,
                        double epsilon = 1e-8, double weightDecay = 0);
  static Optimizer adamw(double beta1 = 0.9, double beta2 = 0.999,
                         double epsilon = 1e-8, double weightDecay = 1e-2);

  /// "sgd", "adam", "adamw".
  llvm::StringRef name() const;
  /// The state each param carries, named as in torch.optim's state dicts:
  /// SGD with momentum {"momentum_buffer"}, Adam/AdamW {"exp_avg",
  /// "exp_avg_sq"}, plain SGD none.
  std::vector<std::string> stateNames() const;

  /// Appends to the graph the update of `params` given their gradients and
  /// optimizer state (one vector per param, in stateNames() order), the
  /// learning rate and the 1-based step number (f32 scalars, so that the
  /// host picks them per step without recompiling). Fills the new params and
  /// the new state.
  void update(llvm::ArrayRef<Tensor> params, llvm::ArrayRef<Tensor> grads,
              llvm::ArrayRef<std::vector<Tensor>> state, const Tensor &lr,
              const Tensor &step, std::vector<Tensor> &newParams,
              std::vector<std::vector<Tensor>> &newState) const;
};

/// The learning rate per step, computed by the host: constant, step decay
/// (PyTorch's StepLR: lr * gamma^(step / stepSize)) or cosine annealing from
/// `base` to `minimum` over `totalSteps` (CosineAnnealingLR).
struct LRSchedule {
  enum class Kind { Constant, Step, Cosine };
  Kind kind = Kind::Constant;
  double base = 1e-3;
  int64_t stepSize = 1;
  double gamma = 0.1;
  int64_t totalSteps = 1;
  double minimum = 0;

  static LRSchedule constant(double lr);
  static LRSchedule stepDecay(double lr, int64_t stepSize, double gamma);
  static LRSchedule cosine(double lr, int64_t totalSteps, double minimum = 0);
  /// The learning rate of 0-based step `step`.
  double at(int64_t step) const;
};

//===----------------------------------------------------------------------===//
// Trainer
//===----------------------------------------------------------------------===//

/// Builds a model's output from its input, declaring its weights with
/// `g.param`. The same function builds the training step (params become
/// inputs) and the inference graph (params become weights).
using ModelFn = std::function<Tensor(Graph &g, const Tensor &input)>;
/// A loss from the model's output and the target (e.g. cross_entropy).
using LossFn =
    std::function<Tensor(const Tensor &output, const Tensor &target)>;

/// A compiled training step and the host state around it: the params, the
/// optimizer state and the step count.
///
/// Buffers: one per param and state tensor. The step's updated params and
/// state are outputs tied to their inputs, and the step writes them over
/// the old values in the same buffers (docs/training.md, "Buffers").
class Trainer {
public:
  struct Options {
    std::string name = "train";
    /// One batch: the model's input and the loss's target.
    std::string inputName = "input";
    std::vector<int64_t> inputShape;
    DType inputDType = DType::F32;
    std::vector<int64_t> targetShape; // default: {inputShape[0]}
    DType targetDType = DType::I64;
    /// Batch size of evaluate(); 0 = the training batch.
    int64_t evalBatch = 0;
    /// Seed of the initial params (see initParams).
    uint32_t seed = 0;
    BuildOptions build;
  };

  static llvm::Expected<Trainer> create(const ModelFn &model,
                                        const LossFn &loss,
                                        const Optimizer &optimizer,
                                        const Options &options);
  Trainer(Trainer &&) noexcept;
  Trainer &operator=(Trainer &&) noexcept;
  ~Trainer();

  /// One training step on a batch with learning rate `lr`; `loss` (if
  /// non-null) gets the batch's loss before the update.
  llvm::Error step(InputBuffer input, InputBuffer target, double lr,
                   float *loss = nullptr);
  /// Runs the model with the current params on `evalBatch` inputs.
  llvm::Error evaluate(InputBuffer input, OutputBuffer output);

  /// Steps taken so far (restored by loadCheckpoint).
  int64_t steps() const { return steps_; }
  const Optimizer &optimizer() const { return optimizer_; }
  /// The params, in declaration order.
  const std::vector<TensorInfo> &params() const { return params_; }
  /// Current values of a param or optimizer state tensor ("fc1.weight",
  /// "fc1.weight.exp_avg"); empty if there is none of that name.
  llvm::ArrayRef<float> values(llvm::StringRef name) const;
  /// Replaces a param or state tensor (element count must match).
  llvm::Error setValues(llvm::StringRef name, llvm::ArrayRef<float> values);

  /// Params initialized like PyTorch's layers: tensors of rank >= 2 uniform
  /// in +-1/sqrt(fan_in) (fan_in = the product of all dims but the first),
  /// rank-1 tensors (biases) zero; optimizer state zero. `create` calls it.
  void initParams(uint32_t seed);

  /// SafeTensors with the params, the optimizer state (PARAM.STATE) and the
  /// step count ("step", i64 scalar); metadata names the optimizer.
  llvm::Error saveCheckpoint(llvm::StringRef path) const;
  /// Restores what saveCheckpoint wrote; errors name the file and tensor.
  llvm::Error loadCheckpoint(llvm::StringRef path);
  /// SafeTensors with the params only: the weights of the inference graph.
  llvm::Error saveWeights(llvm::StringRef path) const;

private:
  Trainer();
  struct Slot;
  std::unique_ptr<CompiledModel> train_, eval_;
  Optimizer optimizer_;
  std::vector<TensorInfo> params_;
  /// Params then states, one buffer each.
  std::vector<Slot> slots_;
  std::string inputName_;
  int64_t steps_ = 0;
};

/// Builds a training step into `g` (an empty graph): inputs
/// `options.inputName`, the params (in the order the model declares them),
/// `target`, `lr`, `step` (f32 scalars) and the optimizer state
/// `PARAM.STATE`; outputs `loss`, then `updated.PARAM` and
/// `updated.PARAM.STATE`, each tied to its input (updated in place).
/// Returns the params. The Trainer compiles the same graph in process;
/// `bornc --train` compiles it from a model in born IR.
llvm::Expected<std::vector<TensorInfo>>
buildTrainingStep(Graph &g, const ModelFn &model, const LossFn &loss,
                  const Optimizer &optimizer, const Trainer::Options &options);

/// The loss functions by name: "cross-entropy", "nll", "mse"; null for
/// another name.
LossFn lossNamed(llvm::StringRef name);

/// buildTrainingStep for a model written in born IR: `model` (in
/// g.context()) takes one batch and returns what the loss reads. The
/// classification losses take integer labels [N] for an output [N, C]; mse
/// a target of the output's shape and dtype.
llvm::Expected<std::vector<TensorInfo>>
buildTrainingStep(Graph &g, mlir::func::FuncOp model, llvm::StringRef loss,
                  const Optimizer &optimizer);

/// Writes float and i64 tensors as a SafeTensors file (tensors in the given
/// order; `metadata` goes to "__metadata__").
struct NamedTensor {
  std::string name;
  DType dtype; // F32 or I64
  std::vector<int64_t> shape;
  const void *data;
};
llvm::Error writeSafeTensors(
    llvm::StringRef path, llvm::ArrayRef<NamedTensor> tensors,
    llvm::ArrayRef<std::pair<std::string, std::string>> metadata = {});

} // namespace born

#endif
