// RUN: born-opt %s --split-input-file --born-autodiff | FileCheck %s

// The loss's cotangent is 1; x feeds the mul twice, so its two cotangents
// add up. The gradient is appended to the results and named.
// CHECK-LABEL: func.func @square
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<4xf32>) -> (tensor<f32>, tensor<4xf32> {born.name = "grad_input_0"})
// CHECK:         %[[Y:.+]] = born.mul %[[X]], %[[X]]
// CHECK:         %[[L:.+]] = born.reduce sum %[[Y]] axes = [0]
// CHECK:         %[[ONE:.+]] = born.constant dense<1.000000e+00> : tensor<f32>
// CHECK:         %[[G:.+]] = born.reshape %[[ONE]] : tensor<f32> to tensor<1xf32>
// CHECK:         %[[GB:.+]] = born.broadcast %[[G]] : tensor<1xf32> to tensor<4xf32>
// CHECK:         %[[D1:.+]] = born.mul %[[GB]], %[[X]]
// CHECK:         %[[D2:.+]] = born.mul %[[GB]], %[[X]]
// CHECK:         %[[SUM:.+]] = born.add %[[D1]], %[[D2]]
// CHECK:         return %[[L]], %[[SUM]] : tensor<f32>, tensor<4xf32>
func.func @square(%x: tensor<4xf32> {born.grad}) -> tensor<f32> {
  %y = born.mul %x, %x : tensor<4xf32>, tensor<4xf32>
  %l = born.reduce sum %y axes = [0] : tensor<4xf32>
  return %l : tensor<f32>
}

// -----

// Broadcasting: the bias's gradient sums over the rows it was stretched
// along. matmul's gradients are matmuls with the other operand transposed.
// Only marked arguments get gradients; other results pass through.
// CHECK-LABEL: func.func @linear
// CHECK-SAME:    (%[[X:[^:]+]]: tensor<2x3xf32>, %{{[^:]+}}: tensor<3x5xf32> {born.name = "w"}, %{{[^:]+}}: tensor<5xf32> {born.name = "b"})
// CHECK-SAME:    -> (tensor<f32>, tensor<2x5xf32>, tensor<3x5xf32> {born.name = "grad_w"}, tensor<5xf32> {born.name = "grad_b"})
// CHECK:         %[[DB:.+]] = born.reduce sum %[[DY:[^ ]+]] axes = [0] : tensor<2x5xf32>
// CHECK:         %[[XT:.+]] = born.transpose %[[X]] permutation = [1, 0] : tensor<2x3xf32>
// CHECK:         %[[DW:.+]] = born.matmul %[[XT]], %[[DY]] : tensor<3x2xf32>, tensor<2x5xf32>
// CHECK:         return %{{.+}}, %{{.+}}, %[[DW]], %[[DB]]
func.func @linear(%x: tensor<2x3xf32>, %w: tensor<3x5xf32> {born.grad, born.name = "w"},
                  %b: tensor<5xf32> {born.grad, born.name = "b"}) -> (tensor<f32>, tensor<2x5xf32>) {
  %m = born.matmul %x, %w : tensor<2x3xf32>, tensor<3x5xf32>
  %y = born.add %m, %b : tensor<2x5xf32>, tensor<5xf32>
  %l = born.reduce mean %y axes = [0, 1] : tensor<2x5xf32>
  return %l, %y : tensor<f32>, tensor<2x5xf32>
}

// -----

// relu's gradient passes where the input is positive; the mask itself
// carries no gradient.
// CHECK-LABEL: func.func @relu
// CHECK:         %[[ZERO:.+]] = born.constant dense<0.000000e+00> : tensor<f32>
// CHECK:         %[[POS:.+]] = born.cmp gt, %arg0, %[[ZERO]]
// CHECK:         %[[D:.+]] = born.where %[[POS]], %{{.+}}, %{{.+}} : tensor<3xi1>, tensor<3xf32>, tensor<f32>
// CHECK:         return %{{.+}}, %[[D]]
func.func @relu(%x: tensor<3xf32> {born.grad}) -> tensor<1xf32> {
  %r = born.relu %x : tensor<3xf32>
  %l = born.reduce sum %r axes = [0] keepdims : tensor<3xf32>
  return %l : tensor<1xf32>
}

// -----

// Embedding: the table's gradient scatters the rows' cotangents back.
// CHECK-LABEL: func.func @embedding
// CHECK:         %[[D:.+]] = born.scatter_add %{{.+}}, %arg1 axis = 0 : tensor<2x3x4xf32>, tensor<2x3xi64> to tensor<10x4xf32>
// CHECK:         return %{{.+}}, %[[D]]
func.func @embedding(%t: tensor<10x4xf32> {born.grad}, %ids: tensor<2x3xi64>) -> tensor<f32> {
  %e = born.gather %t, %ids axis = 0 : tensor<10x4xf32>, tensor<2x3xi64>
  %l = born.reduce sum %e axes = [0, 1, 2] : tensor<2x3x4xf32>
  return %l : tensor<f32>
}

// -----

// Ops off the gradient's path need no rule (argmax here); without a path
// the gradient is zero.
// CHECK-LABEL: func.func @unreached
// CHECK:         %[[Z:.+]] = born.constant dense<0.000000e+00> : tensor<4xf32>
// CHECK:         return %{{.+}}, %{{.+}}, %[[Z]]
func.func @unreached(%x: tensor<4xf32> {born.grad}, %y: tensor<4xf32>) -> (tensor<f32>, tensor<i64>) {
  %i = born.argmax %x axis = 0 : tensor<4xf32>
  %l = born.reduce sum %y axes = [0] : tensor<4xf32>
  return %l, %i : tensor<f32>, tensor<i64>
}
