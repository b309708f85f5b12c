// RUN: born-opt %s --split-input-file --canonicalize | FileCheck %s

// Transposing a parameter folds into the parameter: the compiler lays its
// bytes out transposed once.
// CHECK-LABEL: func @transpose_param
// CHECK: %[[W:.*]] = born.param "w" permutation = [1, 0] : tensor<784x512xf32>
// CHECK-NOT: born.transpose
// CHECK: born.matmul %{{.*}}, %[[W]]
func.func @transpose_param(%x: tensor<4x784xf32>) -> tensor<4x512xf32> {
  %w = born.param "w" : tensor<512x784xf32>
  %t = born.transpose %w permutation = [1, 0] : tensor<512x784xf32>
  %0 = born.matmul %x, %t : tensor<4x784xf32>, tensor<784x512xf32>
  return %0 : tensor<4x512xf32>
}

// -----

// Permutations compose; composing back to the identity drops the attribute.
// CHECK-LABEL: func @compose
// CHECK: born.param "w" permutation = [2, 0, 1] : tensor<4x2x3xf32>
// CHECK: born.param "w" : tensor<2x3x4xf32>
func.func @compose() -> (tensor<4x2x3xf32>, tensor<2x3x4xf32>) {
  %w = born.param "w" : tensor<2x3x4xf32>
  %a = born.transpose %w permutation = [1, 2, 0] : tensor<2x3x4xf32>
  %b = born.transpose %a permutation = [1, 2, 0] : tensor<3x4x2xf32>
  %c = born.transpose %a permutation = [2, 0, 1] : tensor<3x4x2xf32>
  return %b, %c : tensor<4x2x3xf32>, tensor<2x3x4xf32>
}
