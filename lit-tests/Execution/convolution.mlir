// RUN: born-opt %s %lower-to-llvm | %run-main | FileCheck %s

// born.conv2d and born.pool2d run end to end. The CHECK lines at the bottom
// come from `/usr/bin/python3 lit-tests/Execution/reference.py convolution`
// (PyTorch on the same inputs); they follow the order of the prints below.

func.func @main() {
  %x = arith.constant dense<[[[[-3.0, -2.75, -2.5, -2.25, -2.0], [-1.75, -1.5, -1.25, -1.0, -0.75], [-0.5, -0.25, 0.0, 0.25, 0.5], [0.75, 1.0, 1.25, 1.5, 1.75], [2.0, 2.25, 2.5, 2.75, 3.0]], [[3.25, 3.5, 3.75, 4.0, 4.25], [4.5, 4.75, 5.0, 5.25, 5.5], [5.75, 6.0, 6.25, 6.5, 6.75], [7.0, 7.25, 7.5, 7.75, 8.0], [8.25, 8.5, 8.75, 9.0, 9.25]]]]> : tensor<1x2x5x5xf32>
  %w = arith.constant dense<[[[[-2.0, -1.875, -1.75], [-1.625, -1.5, -1.375], [-1.25, -1.125, -1.0]], [[-0.875, -0.75, -0.625], [-0.5, -0.375, -0.25], [-0.125, 0.0, 0.125]]], [[[0.25, 0.375, 0.5], [0.625, 0.75, 0.875], [1.0, 1.125, 1.25]], [[1.375, 1.5, 1.625], [1.75, 1.875, 2.0], [2.125, 2.25, 2.375]]], [[[2.5, 2.625, 2.75], [2.875, 3.0, 3.125], [3.25, 3.375, 3.5]], [[3.625, 3.75, 3.875], [4.0, 4.125, 4.25], [4.375, 4.5, 4.625]]]]> : tensor<3x2x3x3xf32>
  %w2 = arith.constant dense<[[[[-1.0, -0.5], [0.0, 0.5]], [[1.0, 1.5], [2.0, 2.5]]], [[[3.0, 3.5], [4.0, 4.5]], [[5.0, 5.5], [6.0, 6.5]]]]> : tensor<2x2x2x2xf32>
  %xg = arith.constant dense<[[[[-4.0, -3.5, -3.0], [-2.5, -2.0, -1.5], [-1.0, -0.5, 0.0]], [[0.5, 1.0, 1.5], [2.0, 2.5, 3.0], [3.5, 4.0, 4.5]], [[5.0, 5.5, 6.0], [6.5, 7.0, 7.5], [8.0, 8.5, 9.0]], [[9.5, 10.0, 10.5], [11.0, 11.5, 12.0], [12.5, 13.0, 13.5]]]]> : tensor<1x4x3x3xf32>
  %wg = arith.constant dense<[[[[-3.0, -2.75], [-2.5, -2.25]], [[-2.0, -1.75], [-1.5, -1.25]]], [[[-1.0, -0.75], [-0.5, -0.25]], [[0.0, 0.25], [0.5, 0.75]]], [[[1.0, 1.25], [1.5, 1.75]], [[2.0, 2.25], [2.5, 2.75]]], [[[3.0, 3.25], [3.5, 3.75]], [[4.0, 4.25], [4.5, 4.75]]]]> : tensor<4x2x2x2xf32>
  %wd = arith.constant dense<[[[[-2.0, -1.5, -1.0], [-0.5, 0.0, 0.5], [1.0, 1.5, 2.0]]], [[[2.5, 3.0, 3.5], [4.0, 4.5, 5.0], [5.5, 6.0, 6.5]]], [[[7.0, 7.5, 8.0], [8.5, 9.0, 9.5], [10.0, 10.5, 11.0]]], [[[11.5, 12.0, 12.5], [13.0, 13.5, 14.0], [14.5, 15.0, 15.5]]]]> : tensor<4x1x3x3xf32>
  %p = arith.constant dense<[[[[1.0, -2.0, 3.0, -4.0], [-5.0, -6.0, -7.0, -8.0], [9.0, -10.0, 11.0, -12.0], [-13.0, -14.0, -15.0, -16.0]]]]> : tensor<1x1x4x4xf32>

  %conv = born.conv2d %x, %w strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : tensor<1x2x5x5xf32>, tensor<3x2x3x3xf32>
  %conv_u = tensor.cast %conv : tensor<1x3x3x3xf32> to tensor<*xf32>
  call @showF32(%conv_u) : (tensor<*xf32>) -> ()
  %asym = born.conv2d %x, %w2 strides = [1, 1] padding = [1, 0, 0, 2] dilations = [2, 2] groups = 1 : tensor<1x2x5x5xf32>, tensor<2x2x2x2xf32>
  %asym_u = tensor.cast %asym : tensor<1x2x4x5xf32> to tensor<*xf32>
  call @showF32(%asym_u) : (tensor<*xf32>) -> ()
  %grouped = born.conv2d %xg, %wg strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 2 : tensor<1x4x3x3xf32>, tensor<4x2x2x2xf32>
  %grouped_u = tensor.cast %grouped : tensor<1x4x4x4xf32> to tensor<*xf32>
  call @showF32(%grouped_u) : (tensor<*xf32>) -> ()
  %depthwise = born.conv2d %xg, %wd strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 4 : tensor<1x4x3x3xf32>, tensor<4x1x3x3xf32>
  %depthwise_u = tensor.cast %depthwise : tensor<1x4x1x1xf32> to tensor<*xf32>
  call @showF32(%depthwise_u) : (tensor<*xf32>) -> ()
  %maxpool = born.pool2d max %p kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<1x1x4x4xf32>
  %maxpool_u = tensor.cast %maxpool : tensor<1x1x2x2xf32> to tensor<*xf32>
  call @showF32(%maxpool_u) : (tensor<*xf32>) -> ()
  %avg_incl = born.pool2d avg %p kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] count_include_pad : tensor<1x1x4x4xf32>
  %avg_incl_u = tensor.cast %avg_incl : tensor<1x1x2x2xf32> to tensor<*xf32>
  call @showF32(%avg_incl_u) : (tensor<*xf32>) -> ()
  %avg_excl = born.pool2d avg %p kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<1x1x4x4xf32>
  %avg_excl_u = tensor.cast %avg_excl : tensor<1x1x2x2xf32> to tensor<*xf32>
  call @showF32(%avg_excl_u) : (tensor<*xf32>) -> ()
  %avg = born.pool2d avg %p kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<1x1x4x4xf32>
  %avg_u = tensor.cast %avg : tensor<1x1x2x2xf32> to tensor<*xf32>
  call @showF32(%avg_u) : (tensor<*xf32>) -> ()
  %maxpool1 = born.pool2d max %p kernel = [2, 2] strides = [1, 1] padding = [0, 0, 0, 0] : tensor<1x1x4x4xf32>
  %maxpool1_u = tensor.cast %maxpool1 : tensor<1x1x3x3xf32> to tensor<*xf32>
  call @showF32(%maxpool1_u) : (tensor<*xf32>) -> ()
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

// ---- conv2d stride 2, pad 1
// CHECK: sizes = [1, 3, 3, 3] strides
// CHECK-NEXT: {{\[\[}}{{\[\[}}10.25,     11.5,     4.5],
// CHECK-NEXT: [-3.9375,     -15.0938,     -17.0625],
// CHECK-NEXT: [-24.25,     -44.75,     -36]],
// CHECK-NEXT: {{\[\[}}26,     45.25,     33.75],
// CHECK-NEXT: [70.3125,     111.469,     77.4375],
// CHECK-NEXT: [59,     90.25,     60.75]],
// CHECK-NEXT: {{\[\[}}41.75,     79,     63],
// CHECK-NEXT: [144.562,     238.031,     171.938],
// CHECK-NEXT: [142.25,     225.25,     157.5]]]]
// ---- conv2d asymmetric pad, dilation 2
// CHECK: sizes = [1, 2, 4, 5] strides
// CHECK-NEXT: {{\[\[}}{{\[\[}}20.875,     22.125,     23.375,     10.5,     11],
// CHECK-NEXT: [40.25,     41.75,     43.25,     19.25,     19.75],
// CHECK-NEXT: [47.75,     49.25,     50.75,     21.75,     22.25],
// CHECK-NEXT: [55.25,     56.75,     58.25,     24.25,     24.75]],
// CHECK-NEXT: {{\[\[}}46.875,     52.125,     57.375,     27.5,     30],
// CHECK-NEXT: [92.25,     101.75,     111.25,     53.25,     57.75],
// CHECK-NEXT: [139.75,     149.25,     158.75,     75.75,     80.25],
// CHECK-NEXT: [187.25,     196.75,     206.25,     98.25,     102.75]]]]
// ---- conv2d groups 2, pad 1
// CHECK: sizes = [1, 4, 4, 4] strides
// CHECK-NEXT: {{\[\[}}{{\[\[}}8.375,     15.875,     12.125,     5.25],
// CHECK-NEXT: [13.25,     23.5,     15,     5.25],
// CHECK-NEXT: [1.25,     -2,     -10.5,     -8.25],
// CHECK-NEXT: [-3.375,     -9.625,     -14.375,     -9]],
// CHECK-NEXT: {{\[\[}}1.375,     3.875,     4.125,     2.25],
// CHECK-NEXT: [5.25,     11.5,     11,     5.25],
// CHECK-NEXT: [5.25,     10,     9.5,     3.75],
// CHECK-NEXT: [1.625,     2.375,     1.625,     0]],
// CHECK-NEXT: {{\[\[}}34.875,     68.375,     72.625,     35.25],
// CHECK-NEXT: [69.25,     134.5,     142,     68.25],
// CHECK-NEXT: [81.25,     157,     164.5,     78.75],
// CHECK-NEXT: [38.125,     72.875,     76.125,     36]],
// CHECK-NEXT: {{\[\[}}63.875,     128.375,     136.625,     68.25],
// CHECK-NEXT: [133.25,     266.5,     282,     140.25],
// CHECK-NEXT: [157.25,     313,     328.5,     162.75],
// CHECK-NEXT: [79.125,     156.875,     164.125,     81]]]]
// ---- depthwise conv2d
// CHECK: sizes = [1, 4, 1, 1] strides
// CHECK-NEXT: {{\[\[}}{{\[\[}}15]],
// CHECK-NEXT: {{\[\[}}116.25]],
// CHECK-NEXT: {{\[\[}}582]],
// CHECK-NEXT: {{\[\[}}1412.25]]]]
// ---- max pool 3x3 stride 2 pad 1
// CHECK: sizes = [1, 1, 2, 2] strides
// CHECK-NEXT: {{\[\[}}{{\[\[}}1,     3],
// CHECK-NEXT: [9,     11]]]]
// ---- avg pool 3x3 stride 2 pad 1, count_include_pad
// CHECK: sizes = [1, 1, 2, 2] strides
// CHECK-NEXT: {{\[\[}}{{\[\[}}-1.33333,     -2.66667],
// CHECK-NEXT: [-4.33333,     -8.55556]]]]
// ---- avg pool 3x3 stride 2 pad 1, excluding pad
// CHECK: sizes = [1, 1, 2, 2] strides
// CHECK-NEXT: {{\[\[}}{{\[\[}}-3,     -4],
// CHECK-NEXT: [-6.5,     -8.55556]]]]
// ---- avg pool 2x2 stride 2, no pad
// CHECK: sizes = [1, 1, 2, 2] strides
// CHECK-NEXT: {{\[\[}}{{\[\[}}-3,     -4],
// CHECK-NEXT: [-7,     -8]]]]
// ---- max pool 2x2 stride 1, no pad
// CHECK: sizes = [1, 1, 3, 3] strides
// CHECK-NEXT: {{\[\[}}{{\[\[}}1,     3,     3],
// CHECK-NEXT: [9,     11,     11],
// CHECK-NEXT: [9,     11,     11]]]]
