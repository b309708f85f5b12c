// RUN: born-opt %s --split-input-file --born-lift-params | FileCheck %s

// CHECK-LABEL: func @lift
// CHECK-SAME: (%[[X:.*]]: tensor<4x8xf32>, %[[W:.*]]: tensor<8x3xf32> {born.param = "w"}, %[[B:.*]]: tensor<3xf32> {born.param = "b"})
func.func @lift(%x: tensor<4x8xf32>) -> tensor<4x3xf32> {
  %w = born.param "w" : tensor<8x3xf32>
  %b = born.param "b" : tensor<3xf32>
  // The same name twice is one argument.
  %w2 = born.param "w" : tensor<8x3xf32>
  // CHECK-NOT: born.param "
  // CHECK: born.matmul %[[X]], %[[W]]
  %0 = born.matmul %x, %w : tensor<4x8xf32>, tensor<8x3xf32>
  // CHECK: born.matmul %[[X]], %[[W]]
  %1 = born.matmul %x, %w2 : tensor<4x8xf32>, tensor<8x3xf32>
  // CHECK: born.add %{{.*}}, %[[B]]
  %2 = born.add %0, %b : tensor<4x3xf32>, tensor<3xf32>
  %3 = born.add %2, %1 : tensor<4x3xf32>, tensor<4x3xf32>
  return %3 : tensor<4x3xf32>
}

// -----

// CHECK-LABEL: func @no_params
// CHECK-SAME: (%{{.*}}: tensor<4xf32>) -> tensor<4xf32>
func.func @no_params(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
