// RUN: born-opt %s %lower-to-llvm | %run-main | FileCheck %s

// Shape ops and constants run end to end. The CHECK lines at the bottom come
// from `/usr/bin/python3 lit-tests/Execution/reference.py shape` (PyTorch on
// the same inputs); they follow the order of the prints below.

func.func @main() {
  %x = arith.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0]], [[12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<2x3x4xf32>
  %c = arith.constant dense<[[1.0], [2.0], [3.0]]> : tensor<3x1xf32>
  %a = arith.constant dense<[[1.0], [2.0]]> : tensor<2x1xf32>
  %b = arith.constant dense<[[10.0, 11.0, 12.0], [13.0, 14.0, 15.0]]> : tensor<2x3xf32>
  %m = arith.constant dense<[[0.0, 1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0, 9.0], [10.0, 11.0, 12.0, 13.0, 14.0], [15.0, 16.0, 17.0, 18.0, 19.0]]> : tensor<4x5xf32>
  %table = arith.constant dense<[[100.0, 101.0, 102.0], [103.0, 104.0, 105.0], [106.0, 107.0, 108.0], [109.0, 110.0, 111.0], [112.0, 113.0, 114.0]]> : tensor<5x3xf32>
  %ids = arith.constant dense<[[0, -1], [2, -5]]> : tensor<2x2xi64>
  %ids2 = arith.constant dense<[3, -1, 7, -9]> : tensor<4xi32>

  %r46 = born.reshape %x : tensor<2x3x4xf32> to tensor<4x6xf32>
  %r46_u = tensor.cast %r46 : tensor<4x6xf32> to tensor<*xf32>
  call @showF32(%r46_u) : (tensor<*xf32>) -> ()
  %r64 = born.reshape %x : tensor<2x3x4xf32> to tensor<6x4xf32>
  %r64_u = tensor.cast %r64 : tensor<6x4xf32> to tensor<*xf32>
  call @showF32(%r64_u) : (tensor<*xf32>) -> ()
  %r324 = born.reshape %x : tensor<2x3x4xf32> to tensor<3x2x4xf32>
  %r324_u = tensor.cast %r324 : tensor<3x2x4xf32> to tensor<*xf32>
  call @showF32(%r324_u) : (tensor<*xf32>) -> ()
  %t = born.transpose %x permutation = [2, 0, 1] : tensor<2x3x4xf32>
  %t_u = tensor.cast %t : tensor<4x2x3xf32> to tensor<*xf32>
  call @showF32(%t_u) : (tensor<*xf32>) -> ()
  %bc = born.broadcast %c : tensor<3x1xf32> to tensor<2x3x4xf32>
  %bc_u = tensor.cast %bc : tensor<2x3x4xf32> to tensor<*xf32>
  call @showF32(%bc_u) : (tensor<*xf32>) -> ()
  %cat1 = born.concat %a, %b, %a axis = 1 : tensor<2x1xf32>, tensor<2x3xf32>, tensor<2x1xf32>
  %cat1_u = tensor.cast %cat1 : tensor<2x5xf32> to tensor<*xf32>
  call @showF32(%cat1_u) : (tensor<*xf32>) -> ()
  %cat0 = born.concat %b, %b axis = 0 : tensor<2x3xf32>, tensor<2x3xf32>
  %cat0_u = tensor.cast %cat0 : tensor<4x3xf32> to tensor<*xf32>
  call @showF32(%cat0_u) : (tensor<*xf32>) -> ()
  %slice = born.slice %m start = [1, 0] limit = [4, 5] step = [2, 2] : tensor<4x5xf32>
  %slice_u = tensor.cast %slice : tensor<2x3xf32> to tensor<*xf32>
  call @showF32(%slice_u) : (tensor<*xf32>) -> ()
  %g = born.gather %table, %ids axis = 0 : tensor<5x3xf32>, tensor<2x2xi64>
  %g_u = tensor.cast %g : tensor<2x2x3xf32> to tensor<*xf32>
  call @showF32(%g_u) : (tensor<*xf32>) -> ()
  %g1 = born.gather %table, %ids2 axis = 1 : tensor<5x3xf32>, tensor<4xi32>
  %g1_u = tensor.cast %g1 : tensor<5x4xf32> to tensor<*xf32>
  call @showF32(%g1_u) : (tensor<*xf32>) -> ()
  %k = born.constant dense<[[1.5, -2.0], [0.0, 4.0]]> : tensor<2x2xf32>
  %k_u = tensor.cast %k : tensor<2x2xf32> to tensor<*xf32>
  call @showF32(%k_u) : (tensor<*xf32>) -> ()
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

// ---- reshape 2x3x4 -> 4x6
// CHECK: sizes = [4, 6] strides
// CHECK-NEXT: {{\[\[}}0,   1,   2,   3,   4,   5],
// CHECK-NEXT: [6,   7,   8,   9,   10,   11],
// CHECK-NEXT: [12,   13,   14,   15,   16,   17],
// CHECK-NEXT: [18,   19,   20,   21,   22,   23]]
// ---- reshape 2x3x4 -> 6x4
// CHECK: sizes = [6, 4] strides
// CHECK-NEXT: {{\[\[}}0,   1,   2,   3],
// CHECK-NEXT: [4,   5,   6,   7],
// CHECK-NEXT: [8,   9,   10,   11],
// CHECK-NEXT: [12,   13,   14,   15],
// CHECK-NEXT: [16,   17,   18,   19],
// CHECK-NEXT: [20,   21,   22,   23]]
// ---- reshape 2x3x4 -> 2x12 -> 3x2x4
// CHECK: sizes = [3, 2, 4] strides
// CHECK-NEXT: {{\[\[}}[0,    1,    2,    3],
// CHECK-NEXT: [4,    5,    6,    7]],
// CHECK-NEXT: {{\[\[}}8,    9,    10,    11],
// CHECK-NEXT: [12,    13,    14,    15]],
// CHECK-NEXT: {{\[\[}}16,    17,    18,    19],
// CHECK-NEXT: [20,    21,    22,    23]]]
// ---- transpose [2, 0, 1]
// CHECK: sizes = [4, 2, 3] strides
// CHECK-NEXT: {{\[\[}}[0,    4,    8],
// CHECK-NEXT: [12,    16,    20]],
// CHECK-NEXT: {{\[\[}}1,    5,    9],
// CHECK-NEXT: [13,    17,    21]],
// CHECK-NEXT: {{\[\[}}2,    6,    10],
// CHECK-NEXT: [14,    18,    22]],
// CHECK-NEXT: {{\[\[}}3,    7,    11],
// CHECK-NEXT: [15,    19,    23]]]
// ---- broadcast 3x1 -> 2x3x4
// CHECK: sizes = [2, 3, 4] strides
// CHECK-NEXT: {{\[\[}}[1,    1,    1,    1],
// CHECK-NEXT: [2,    2,    2,    2],
// CHECK-NEXT: [3,    3,    3,    3]],
// CHECK-NEXT: {{\[\[}}1,    1,    1,    1],
// CHECK-NEXT: [2,    2,    2,    2],
// CHECK-NEXT: [3,    3,    3,    3]]]
// ---- concat axis 1
// CHECK: sizes = [2, 5] strides
// CHECK-NEXT: {{\[\[}}1,   10,   11,   12,   1],
// CHECK-NEXT: [2,   13,   14,   15,   2]]
// ---- concat axis 0
// CHECK: sizes = [4, 3] strides
// CHECK-NEXT: {{\[\[}}10,   11,   12],
// CHECK-NEXT: [13,   14,   15],
// CHECK-NEXT: [10,   11,   12],
// CHECK-NEXT: [13,   14,   15]]
// ---- slice [1:4:2, 0:5:2]
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[\[}}5,   7,   9],
// CHECK-NEXT: [15,   17,   19]]
// ---- gather axis 0 with negative ids
// CHECK: sizes = [2, 2, 3] strides
// CHECK-NEXT: {{\[\[}}[100,    101,    102],
// CHECK-NEXT: [112,    113,    114]],
// CHECK-NEXT: {{\[\[}}106,    107,    108],
// CHECK-NEXT: [100,    101,    102]]]
// ---- gather axis 1, clamped
// CHECK: sizes = [5, 4] strides
// CHECK-NEXT: {{\[\[}}102,   102,   102,   100],
// CHECK-NEXT: [105,   105,   105,   103],
// CHECK-NEXT: [108,   108,   108,   106],
// CHECK-NEXT: [111,   111,   111,   109],
// CHECK-NEXT: [114,   114,   114,   112]]
// ---- constant
// CHECK: sizes = [2, 2] strides
// CHECK-NEXT: {{\[\[}}1.5,   -2],
// CHECK-NEXT: [0,   4]]
