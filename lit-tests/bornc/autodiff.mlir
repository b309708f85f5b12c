// A loss with gradients goes through every phase: born-autodiff runs first
// in the graph phase, and the backward graph is fused and lowered with the
// forward one.
// RUN: bornc -q %s --compile-to=graph | FileCheck %s --check-prefix=GRAPH
// RUN: bornc -q %s --compile-to=dispatch | FileCheck %s --check-prefix=DISPATCH --implicit-check-not=born.matmul --implicit-check-not=born.log_softmax
// RUN: bornc -q %s --emit=obj -o %t.o

// GRAPH: func.func @loss(%{{.*}}: tensor<8x16xf32> {born.name = "x"}, %{{.*}}: tensor<8x4xf32> {born.name = "target"}, %{{.*}}: tensor<16x4xf32> {born.name = "w"}, %{{.*}}: tensor<4xf32> {born.name = "b"})
// GRAPH-SAME: -> (tensor<f32> {born.name = "loss"}, tensor<16x4xf32> {born.name = "grad_w"}, tensor<4xf32> {born.name = "grad_b"})
// GRAPH-NOT: born.grad

// DISPATCH: func.func @loss
// DISPATCH: born.dispatch
// DISPATCH: linalg.matmul
func.func @loss(%x: tensor<8x16xf32> {born.name = "x"},
                %target: tensor<8x4xf32> {born.name = "target"},
                %w: tensor<16x4xf32> {born.name = "w", born.grad},
                %b: tensor<4xf32> {born.name = "b", born.grad})
    -> (tensor<f32> {born.name = "loss"}) {
  %m = born.matmul %x, %w : tensor<8x16xf32>, tensor<16x4xf32>
  %z = born.add %m, %b : tensor<8x4xf32>, tensor<4xf32>
  %h = born.tanh %z : tensor<8x4xf32>
  %p = born.log_softmax %h axis = 1 : tensor<8x4xf32>
  %t = born.mul %p, %target : tensor<8x4xf32>, tensor<8x4xf32>
  %s = born.reduce mean %t axes = [0, 1] : tensor<8x4xf32>
  %l = born.neg %s : tensor<f32>
  return %l : tensor<f32>
}
