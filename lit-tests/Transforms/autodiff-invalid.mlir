// RUN: born-opt %s --split-input-file --born-autodiff --verify-diagnostics

func.func @floor(%x: tensor<4xf32> {born.grad, born.name = "x"}) -> tensor<f32> {
  // expected-error @+1 {{'born.floor' op is not differentiable, but the gradient of the loss with respect to 'x' flows through it}}
  %f = born.floor %x : tensor<4xf32>
  %l = born.reduce sum %f axes = [0] : tensor<4xf32>
  return %l : tensor<f32>
}

// -----

// Integer values carry no gradient: the cast to i32 cuts the path, so no
// rule is needed and the gradient is zero (no error).
func.func @int_cast(%x: tensor<4xf32> {born.grad}) -> tensor<f32> {
  %i = born.cast %x : tensor<4xf32> to tensor<4xi32>
  %f = born.cast %i : tensor<4xi32> to tensor<4xf32>
  %l = born.reduce sum %f axes = [0] : tensor<4xf32>
  return %l : tensor<f32>
}

// -----

// expected-error @+1 {{'func.func' op first result (the loss) must be a float tensor of one element to be differentiated, got 'tensor<4xf32>'}}
func.func @not_scalar(%x: tensor<4xf32> {born.grad}) -> tensor<4xf32> {
  %y = born.exp %x : tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// expected-error @+1 {{'func.func' op argument 0 ('input_0') is marked 'born.grad' but has type 'tensor<4xi32>'; only float tensors have gradients}}
func.func @int_arg(%x: tensor<4xi32> {born.grad}) -> tensor<f32> {
  %f = born.cast %x : tensor<4xi32> to tensor<4xf32>
  %l = born.reduce sum %f axes = [0] : tensor<4xf32>
  return %l : tensor<f32>
}
