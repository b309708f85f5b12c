// bornc --train compiles a model's training step: forward, loss, backward
// and optimizer update in one function, params and optimizer state as
// inputs, their updated values as outputs tied to them (written in place).
// RUN: bornc -q %s --train=adam --compile-to=graph | FileCheck %s --check-prefix=STEP
// RUN: bornc -q %s --train=sgd --compile-to=graph | FileCheck %s --check-prefix=SGD
// RUN: bornc -q %s --train=adam --emit=obj -o %t.o && FileCheck %s --check-prefix=HEADER < %t.h
// Every tied output is written in place: no input is copied at entry
// (born-cpu-isolate-tied-results keeps the gradients out of their buffers).
// RUN: bornc -q %S/../../tests/e2e/train_mlp.mlir --train=adam --compile-to=kernels | FileCheck %s --check-prefix=INPLACE
// RUN: not bornc -q %s --train=lbfgs -o %t 2>&1 | FileCheck %s --check-prefix=OPTIMIZER
// RUN: not bornc -q %s --train=adam --loss=hinge -o %t 2>&1 | FileCheck %s --check-prefix=LOSS
// RUN: not bornc -q %s --loss=mse -o %t 2>&1 | FileCheck %s --check-prefix=NOTRAIN
// RUN: not bornc -q %s --train=adam --weights %t.w -o %t 2>&1 | FileCheck %s --check-prefix=WEIGHTS
// RUN: not bornc -q %s --train=adam --entry=two_inputs -o %t 2>&1 | FileCheck %s --check-prefix=INPUTS
// RUN: not bornc -q %t.missing.gguf --train=adam -o %t 2>&1 | FileCheck %s --check-prefix=GGUF

// STEP: func.func @model(%{{.*}}: tensor<8x6xf32> {born.name = "x"}, %{{.*}}: tensor<4x6xf32> {born.name = "fc.weight"}, %{{.*}}: tensor<4xf32> {born.name = "fc.bias"}, %{{.*}}: tensor<8xi64> {born.name = "target"}, %{{.*}}: tensor<f32> {born.name = "lr"}, %{{.*}}: tensor<f32> {born.name = "step"}, %{{.*}}: tensor<4x6xf32> {born.name = "fc.weight.exp_avg"}, %{{.*}}: tensor<4x6xf32> {born.name = "fc.weight.exp_avg_sq"}, %{{.*}}: tensor<4xf32> {born.name = "fc.bias.exp_avg"}, %{{.*}}: tensor<4xf32> {born.name = "fc.bias.exp_avg_sq"})
// STEP-SAME: -> (tensor<f32> {born.name = "loss"}, tensor<4x6xf32> {born.name = "updated.fc.weight", born.tied_input = 1 : i64}, tensor<4xf32> {born.name = "updated.fc.bias", born.tied_input = 2 : i64}, tensor<4x6xf32> {born.name = "updated.fc.weight.exp_avg", born.tied_input = 6 : i64}, tensor<4x6xf32> {born.name = "updated.fc.weight.exp_avg_sq", born.tied_input = 7 : i64}, tensor<4xf32> {born.name = "updated.fc.bias.exp_avg", born.tied_input = 8 : i64}, tensor<4xf32> {born.name = "updated.fc.bias.exp_avg_sq", born.tied_input = 9 : i64})
// STEP-NOT: born.param
// STEP: born.log_softmax
// STEP: born.sqrt

// SGD: -> (tensor<f32> {born.name = "loss"}, tensor<4x6xf32> {born.name = "updated.fc.weight", born.tied_input = 1 : i64}, tensor<4xf32> {born.name = "updated.fc.bias", born.tied_input = 2 : i64})

// INPLACE: func.func @model
// INPLACE-NOT: memref.copy %arg

// HEADER: output 1 'updated.fc.weight': float[4][6], may be written over input 1 'fc.weight'

// OPTIMIZER: bornc: error: --train: unknown optimizer 'lbfgs' (expected sgd, adam or adamw)
// LOSS: unknown loss 'hinge' (expected cross-entropy, nll or mse)
// NOTRAIN: bornc: error: --loss applies to training steps (--train)
// WEIGHTS: --weights and --external-weights do not apply
// GGUF: bornc: error: --train applies to born-dialect .mlir models, not GGUF language models
// INPUTS: training step of @two_inputs: the model takes 2 inputs and returns 1 results; expected one batch in and one result out

func.func @model(%x: tensor<8x6xf32> {born.name = "x"}) -> tensor<8x4xf32> {
  %w = born.param "fc.weight" : tensor<4x6xf32>
  %b = born.param "fc.bias" : tensor<4xf32>
  %t = born.transpose %w permutation = [1, 0] : tensor<4x6xf32>
  %m = born.matmul %x, %t : tensor<8x6xf32>, tensor<6x4xf32>
  %y = born.add %m, %b : tensor<8x4xf32>, tensor<4xf32>
  return %y : tensor<8x4xf32>
}

func.func private @two_inputs(%x: tensor<8x6xf32>, %y: tensor<8x6xf32>) -> tensor<8x6xf32> {
  %s = born.add %x, %y : tensor<8x6xf32>, tensor<8x6xf32>
  return %s : tensor<8x6xf32>
}
