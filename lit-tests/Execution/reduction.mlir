// RUN: born-opt %s %lower-to-llvm | %run-main | FileCheck %s

// Reductions, argmax and softmax run end to end. The CHECK lines at the
// bottom come from `/usr/bin/python3 lit-tests/Execution/reference.py
// reduction` (PyTorch on the same inputs); they follow the order of the
// prints below.

func.func @main() {
  %x = arith.constant dense<[[[-2.5, -2.0, -1.5, -1.0], [-0.5, 0.0, 0.5, 1.0], [1.5, 2.0, 2.5, 3.0]], [[3.5, 4.0, 4.5, 5.0], [5.5, 6.0, 6.5, 7.0], [7.5, 8.0, 8.5, 9.0]]]> : tensor<2x3x4xf32>
  %i = arith.constant dense<[[-3, -2, -1], [0, 1, 2]]> : tensor<2x3xi32>
  %ties = arith.constant dense<[[1.0, 3.0, 3.0, 2.0], [5.0, 5.0, 1.0, 5.0], [-1.0, -1.0, -1.0, -1.0]]> : tensor<3x4xf32>
  %s = arith.constant dense<[[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0]]> : tensor<2x3xf32>

  %sum = born.reduce sum %x axes = [1] keepdims : tensor<2x3x4xf32>
  %sum_u = tensor.cast %sum : tensor<2x1x4xf32> to tensor<*xf32>
  call @showF32(%sum_u) : (tensor<*xf32>) -> ()
  %mean = born.reduce mean %x axes = [0, 2] keepdims : tensor<2x3x4xf32>
  %mean_u = tensor.cast %mean : tensor<1x3x1xf32> to tensor<*xf32>
  call @showF32(%mean_u) : (tensor<*xf32>) -> ()
  %max = born.reduce max %x axes = [2] keepdims : tensor<2x3x4xf32>
  %max_u = tensor.cast %max : tensor<2x3x1xf32> to tensor<*xf32>
  call @showF32(%max_u) : (tensor<*xf32>) -> ()
  %min = born.reduce min %x axes = [1, 0] : tensor<2x3x4xf32>
  %min_u = tensor.cast %min : tensor<4xf32> to tensor<*xf32>
  call @showF32(%min_u) : (tensor<*xf32>) -> ()
  %all = born.reduce sum %x axes = [0, 1, 2] keepdims : tensor<2x3x4xf32>
  %all_u = tensor.cast %all : tensor<1x1x1xf32> to tensor<*xf32>
  call @showF32(%all_u) : (tensor<*xf32>) -> ()
  %mean1 = born.reduce mean %x axes = [1] : tensor<2x3x4xf32>
  %mean1_u = tensor.cast %mean1 : tensor<2x4xf32> to tensor<*xf32>
  call @showF32(%mean1_u) : (tensor<*xf32>) -> ()
  %imax = born.reduce max %i axes = [1] : tensor<2x3xi32>
  %imax_u = tensor.cast %imax : tensor<2xi32> to tensor<*xi32>
  call @showI32(%imax_u) : (tensor<*xi32>) -> ()
  %argmax = born.argmax %ties axis = 1 : tensor<3x4xf32>
  %argmax_u = tensor.cast %argmax : tensor<3xi64> to tensor<*xi64>
  call @showI64(%argmax_u) : (tensor<*xi64>) -> ()
  %argmax0 = born.argmax %ties axis = 0 keepdims : tensor<3x4xf32>
  %argmax0_u = tensor.cast %argmax0 : tensor<1x4xi64> to tensor<*xi64>
  call @showI64(%argmax0_u) : (tensor<*xi64>) -> ()
  %softmax = born.softmax %s axis = 1 : tensor<2x3xf32>
  %softmax_u = tensor.cast %softmax : tensor<2x3xf32> to tensor<*xf32>
  call @showF32(%softmax_u) : (tensor<*xf32>) -> ()
  %softmax0 = born.softmax %s axis = 0 : tensor<2x3xf32>
  %softmax0_u = tensor.cast %softmax0 : tensor<2x3xf32> to tensor<*xf32>
  call @showF32(%softmax0_u) : (tensor<*xf32>) -> ()
  %logsoftmax = born.log_softmax %s axis = 1 : tensor<2x3xf32>
  %logsoftmax_u = tensor.cast %logsoftmax : tensor<2x3xf32> to tensor<*xf32>
  call @showF32(%logsoftmax_u) : (tensor<*xf32>) -> ()
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

// ---- sum axes [1] keepdims
// CHECK: sizes = [2, 1, 4] strides
// CHECK-NEXT: {{\[\[}}[-1.5,    0,    1.5,    3]],
// CHECK-NEXT: {{\[\[}}16.5,    18,    19.5,    21]]]
// ---- mean axes [0, 2] keepdims
// CHECK: sizes = [1, 3, 1] strides
// CHECK-NEXT: {{\[\[}}[1.25],
// CHECK-NEXT: [3.25],
// CHECK-NEXT: [5.25]]]
// ---- max axes [2] keepdims
// CHECK: sizes = [2, 3, 1] strides
// CHECK-NEXT: {{\[\[}}[-1],
// CHECK-NEXT: [1],
// CHECK-NEXT: [3]],
// CHECK-NEXT: {{\[\[}}5],
// CHECK-NEXT: [7],
// CHECK-NEXT: [9]]]
// ---- min axes [0, 1]
// CHECK: sizes = [4] strides
// CHECK-NEXT: [-2.5,  -2,  -1.5,  -1]
// ---- sum all keepdims
// CHECK: sizes = [1, 1, 1] strides
// CHECK-NEXT: {{\[\[}}[78]]]
// ---- mean axes [1]
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[\[}}-0.5,   0,   0.5,   1],
// CHECK-NEXT: [5.5,   6,   6.5,   7]]
// ---- integer max axes [1]
// CHECK: sizes = [2] strides
// CHECK-NEXT: [-1,  2]
// ---- argmax axis 1 with ties
// CHECK: sizes = [3] strides
// CHECK-NEXT: [1,  0,  0]
// ---- argmax axis 0 keepdims
// CHECK: sizes = [1, 4] strides
// CHECK-NEXT: {{\[\[}}1,   1,   0,   1]]
// ---- softmax axis 1 (rtol 1e-06)
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[\[}}{{0.0900305|0.0900306|0.0900307}},   {{0.244728|0.244729}},   {{0.66524|0.665241|0.665242}}],
// CHECK-NEXT: [{{0.0900305|0.0900306|0.0900307}},   {{0.244728|0.244729}},   {{0.66524|0.665241|0.665242}}]]
// ---- softmax axis 0 (rtol 1e-06)
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[\[}}0,   0,   0],
// CHECK-NEXT: [{{0.999999|1}},   {{0.999999|1}},   {{0.999999|1}}]]
// ---- log_softmax axis 1 (rtol 1e-06)
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[\[}}{{-2.40761|-2.4076}},   {{-1.40761|-1.4076}},   -0.407606],
// CHECK-NEXT: [{{-2.40761|-2.4076}},   {{-1.40761|-1.4076}},   -0.407606]]
