// RUN: born-opt %s %lower-to-llvm | %run-main | FileCheck %s

// layer_norm and rms_norm run end to end. The CHECK lines at the bottom come
// from `/usr/bin/python3 lit-tests/Execution/reference.py normalization`
// (PyTorch on the same inputs); they follow the order of the prints below.

func.func @main() {
  %x = arith.constant dense<[[[-4.0, -3.25, -2.5, -1.75], [-1.0, -0.25, 0.5, 1.25], [2.0, 2.75, 3.5, 4.25]], [[5.0, 5.75, 6.5, 7.25], [8.0, 8.75, 9.5, 10.25], [11.0, 11.75, 12.5, 13.25]]]> : tensor<2x3x4xf32>
  %g = arith.constant dense<[1.0, 0.5, -1.0, 2.0]> : tensor<4xf32>
  %b = arith.constant dense<[0.0, 0.25, -0.5, 1.0]> : tensor<4xf32>
  %g2 = arith.constant dense<[[-1.0, -0.75, -0.5, -0.25], [0.0, 0.25, 0.5, 0.75], [1.0, 1.25, 1.5, 1.75]]> : tensor<3x4xf32>
  %b2 = arith.constant dense<[[0.5, 0.375, 0.25, 0.125], [0.0, -0.125, -0.25, -0.375], [-0.5, -0.625, -0.75, -0.875]]> : tensor<3x4xf32>
  %y = arith.constant dense<[[-5.0, -3.5, -2.0, -0.5], [1.0, 2.5, 4.0, 5.5]]> : tensor<2x4xf32>

  %ln = born.layer_norm %x, %g, %b axis = 2 epsilon = 1.0e-05 : tensor<2x3x4xf32>, tensor<4xf32>, tensor<4xf32>
  %ln_u = tensor.cast %ln : tensor<2x3x4xf32> to tensor<*xf32>
  call @showF32(%ln_u) : (tensor<*xf32>) -> ()
  %ln1 = born.layer_norm %x, %g2, %b2 axis = 1 epsilon = 1.0e-03 : tensor<2x3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>
  %ln1_u = tensor.cast %ln1 : tensor<2x3x4xf32> to tensor<*xf32>
  call @showF32(%ln1_u) : (tensor<*xf32>) -> ()
  %rms = born.rms_norm %y, %g axis = 1 epsilon = 1.0e-06 : tensor<2x4xf32>, tensor<4xf32>
  %rms_u = tensor.cast %rms : tensor<2x4xf32> to tensor<*xf32>
  call @showF32(%rms_u) : (tensor<*xf32>) -> ()
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

// ---- layer_norm axis 2 (rtol 2e-06)
// CHECK: sizes = [2, 3, 4] strides
// CHECK-NEXT: {{\[\[}}[-1.34163,    {{0.0263947|0.0263948}},    {{-0.947212|-0.947211|-0.94721|-0.947209}},    {{3.68326|3.68327}}],
// CHECK-NEXT: [-1.34163,    {{0.0263947|0.0263948}},    {{-0.947212|-0.947211|-0.94721|-0.947209}},    {{3.68326|3.68327}}],
// CHECK-NEXT: [-1.34163,    {{0.0263947|0.0263948}},    {{-0.947212|-0.947211|-0.94721|-0.947209}},    {{3.68326|3.68327}}]],
// CHECK-NEXT: {{\[\[}}-1.34163,    {{0.0263947|0.0263948}},    {{-0.947212|-0.947211|-0.94721|-0.947209}},    {{3.68326|3.68327}}],
// CHECK-NEXT: [-1.34163,    {{0.0263947|0.0263948}},    {{-0.947212|-0.947211|-0.94721|-0.947209}},    {{3.68326|3.68327}}],
// CHECK-NEXT: [-1.34163,    {{0.0263947|0.0263948}},    {{-0.947212|-0.947211|-0.94721|-0.947209}},    {{3.68326|3.68327}}]]]
// ---- layer_norm axis 1 (rtol 2e-06)
// CHECK: sizes = [2, 3, 4] strides
// CHECK-NEXT: {{\[\[}}[{{2.09313|2.09314}},    {{1.3526|1.35261}},    {{0.756905|0.756906|0.756907|0.756908}},    {{0.306038|0.306039}}],
// CHECK-NEXT: [0,    {{-0.161208|-0.161207}},    {{-0.177585|-0.177584}},    {{-0.0491313|-0.0491312|-0.0491311}}],
// CHECK-NEXT: [{{0.224152|0.224153}},    {{0.642266|0.642267|0.642268|0.642269}},    1.20521,    {{1.91298|1.91299}}]],
// CHECK-NEXT: {{\[\[}}{{2.09313|2.09314}},    {{1.3526|1.35261}},    {{0.756905|0.756906|0.756907|0.756908}},    {{0.306038|0.306039}}],
// CHECK-NEXT: [0,    {{-0.161208|-0.161207}},    {{-0.177585|-0.177584}},    {{-0.0491313|-0.0491312|-0.0491311}}],
// CHECK-NEXT: [{{0.224152|0.224153}},    {{0.642266|0.642267|0.642268|0.642269}},    1.20521,    {{1.91298|1.91299}}]]]
// ---- rms_norm axis 1 (rtol 2e-06)
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[\[}}-1.5523,   {{-0.543306|-0.543305|-0.543304}},   {{0.620919|0.62092|0.620921|0.620922}},   {{-0.310461|-0.31046}}],
// CHECK-NEXT: [{{0.273434|0.273435}},   {{0.341792|0.341793|0.341794}},   -1.09374,   {{3.00777|3.00778}}]]
