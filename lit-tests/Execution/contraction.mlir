// RUN: born-opt %s %lower-to-llvm | %run-main | FileCheck %s

// born.matmul run end to end. The CHECK lines at the bottom come from
// `/usr/bin/python3 lit-tests/Execution/reference.py contraction` (PyTorch
// on the same inputs); they follow the order of the prints below.

func.func @main() {
  %a = arith.constant dense<[[-1.0, -0.5, 0.0], [0.5, 1.0, 1.5]]> : tensor<2x3xf32>
  %b = arith.constant dense<[[0.0, 0.25, 0.5, 0.75], [1.0, 1.25, 1.5, 1.75], [2.0, 2.25, 2.5, 2.75]]> : tensor<3x4xf32>
  %l4 = arith.constant dense<[[[[-2.0, -1.5, -1.0], [-0.5, 0.0, 0.5]]], [[[1.0, 1.5, 2.0], [2.5, 3.0, 3.5]]]]> : tensor<2x1x2x3xf32>
  %r3 = arith.constant dense<[[[-1.0, -0.75], [-0.5, -0.25], [0.0, 0.25]], [[0.5, 0.75], [1.0, 1.25], [1.5, 1.75]], [[2.0, 2.25], [2.5, 2.75], [3.0, 3.25]]]> : tensor<3x3x2xf32>
  %l3 = arith.constant dense<[[[-1.5, -1.0, -0.5], [0.0, 0.5, 1.0]], [[1.5, 2.0, 2.5], [3.0, 3.5, 4.0]]]> : tensor<2x2x3xf32>
  %r3b = arith.constant dense<[[[1.0, 0.75], [0.5, 0.25], [0.0, -0.25]], [[-0.5, -0.75], [-1.0, -1.25], [-1.5, -1.75]]]> : tensor<2x3x2xf32>
  %ia = arith.constant dense<[[-2, -1, 0], [1, 2, 3]]> : tensor<2x3xi32>
  %ib = arith.constant dense<[[-4, -1], [2, 5], [8, 11]]> : tensor<3x2xi32>

  %mm = born.matmul %a, %b : tensor<2x3xf32>, tensor<3x4xf32>
  %mm_u = tensor.cast %mm : tensor<2x4xf32> to tensor<*xf32>
  call @showF32(%mm_u) : (tensor<*xf32>) -> ()
  %bcast = born.matmul %l4, %r3 : tensor<2x1x2x3xf32>, tensor<3x3x2xf32>
  %bcast_u = tensor.cast %bcast : tensor<2x3x2x2xf32> to tensor<*xf32>
  call @showF32(%bcast_u) : (tensor<*xf32>) -> ()
  %bmm = born.matmul %l3, %r3b : tensor<2x2x3xf32>, tensor<2x3x2xf32>
  %bmm_u = tensor.cast %bmm : tensor<2x2x2xf32> to tensor<*xf32>
  call @showF32(%bmm_u) : (tensor<*xf32>) -> ()
  %shared_rhs = born.matmul %l3, %b : tensor<2x2x3xf32>, tensor<3x4xf32>
  %shared_rhs_u = tensor.cast %shared_rhs : tensor<2x2x4xf32> to tensor<*xf32>
  call @showF32(%shared_rhs_u) : (tensor<*xf32>) -> ()
  %shared_lhs = born.matmul %a, %r3b : tensor<2x3xf32>, tensor<2x3x2xf32>
  %shared_lhs_u = tensor.cast %shared_lhs : tensor<2x2x2xf32> to tensor<*xf32>
  call @showF32(%shared_lhs_u) : (tensor<*xf32>) -> ()
  %imm = born.matmul %ia, %ib : tensor<2x3xi32>, tensor<3x2xi32>
  %imm_u = tensor.cast %imm : tensor<2x2xi32> to tensor<*xi32>
  call @showI32(%imm_u) : (tensor<*xi32>) -> ()
  return
}

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)
func.func @showF32(%t: tensor<*xf32>) {
  %m = bufferization.to_buffer %t : tensor<*xf32> to memref<*xf32>
  call @printMemrefF32(%m) : (memref<*xf32>) -> ()
  return
}
func.func @showI32(%t: tensor<*xi32>) {
  %m = bufferization.to_buffer %t : tensor<*xi32> to memref<*xi32>
  call @printMemrefI32(%m) : (memref<*xi32>) -> ()
  return
}
func.func @showI64(%t: tensor<*xi64>) {
  %m = bufferization.to_buffer %t : tensor<*xi64> to memref<*xi64>
  call @printMemrefI64(%m) : (memref<*xi64>) -> ()
  return
}

// ---- matmul 2x3 x 3x4
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[\[}}-0.5,   -0.875,   -1.25,   -1.625],
// CHECK-NEXT: [4,   4.75,   5.5,   6.25]]
// ---- matmul 2x1x2x3 x 3x3x2 (batch broadcast)
// CHECK: sizes = [2, 3, 2, 2] strides
// CHECK-NEXT: {{\[\[}}{{\[\[}}2.75,     1.625],
// CHECK-NEXT: [0.5,     0.5]],
// CHECK-NEXT: {{\[\[}}-4,     -5.125],
// CHECK-NEXT: [0.5,     0.5]],
// CHECK-NEXT: {{\[\[}}-10.75,     -11.875],
// CHECK-NEXT: [0.5,     0.5]]],
// CHECK-NEXT: {{\[\[}}[-1.75,     -0.625],
// CHECK-NEXT: [-4,     -1.75]],
// CHECK-NEXT: {{\[\[}}5,     6.125],
// CHECK-NEXT: [9.5,     11.75]],
// CHECK-NEXT: {{\[\[}}11.75,     12.875],
// CHECK-NEXT: [23,     25.25]]]]
// ---- batch_matmul 2x2x3 x 2x3x2
// CHECK: sizes = [2, 2, 2] strides
// CHECK-NEXT: {{\[\[}}[-2,    -1.25],
// CHECK-NEXT: [0.25,    -0.125]],
// CHECK-NEXT: {{\[\[}}-6.5,    -8],
// CHECK-NEXT: [-11,    -13.625]]]
// ---- matmul 2x2x3 x 3x4 (shared rhs)
// CHECK: sizes = [2, 2, 4] strides
// CHECK-NEXT: {{\[\[}}[-2,    -2.75,    -3.5,    -4.25],
// CHECK-NEXT: [2.5,    2.875,    3.25,    3.625]],
// CHECK-NEXT: {{\[\[}}7,    8.5,    10,    11.5],
// CHECK-NEXT: [11.5,    14.125,    16.75,    19.375]]]
// ---- matmul 2x3 x 2x3x2 (shared lhs)
// CHECK: sizes = [2, 2, 2] strides
// CHECK-NEXT: {{\[\[}}[-1.25,    -0.875],
// CHECK-NEXT: [1,    0.25]],
// CHECK-NEXT: {{\[\[}}1,    1.375],
// CHECK-NEXT: [-3.5,    -4.25]]]
// ---- integer matmul
// CHECK: sizes = [2, 2] strides
// CHECK-NEXT: {{\[\[}}6,   -3],
// CHECK-NEXT: [24,   42]]
