// RUN: born-opt %s --split-input-file | born-opt | FileCheck %s

// CHECK-LABEL: func @elementwise
func.func @elementwise(%x: tensor<4x8xf32>, %b: tensor<8xf32>, %m: tensor<4x1xi1>) -> tensor<4x8xf32> {
  // CHECK: born.add %{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8xf32>
  %0 = born.add %x, %b : tensor<4x8xf32>, tensor<8xf32>
  // CHECK: born.sub
  %1 = born.sub %0, %x : tensor<4x8xf32>, tensor<4x8xf32>
  // CHECK: born.mul
  %2 = born.mul %1, %b : tensor<4x8xf32>, tensor<8xf32>
  // CHECK: born.div
  %3 = born.div %2, %b : tensor<4x8xf32>, tensor<8xf32>
  // CHECK: born.pow
  %4 = born.pow %3, %b : tensor<4x8xf32>, tensor<8xf32>
  // CHECK: born.max
  %5 = born.max %4, %x : tensor<4x8xf32>, tensor<4x8xf32>
  // CHECK: born.min
  %6 = born.min %5, %x : tensor<4x8xf32>, tensor<4x8xf32>
  %7 = born.neg %6 : tensor<4x8xf32>
  %8 = born.abs %7 : tensor<4x8xf32>
  %9 = born.exp %8 : tensor<4x8xf32>
  %10 = born.log %9 : tensor<4x8xf32>
  %11 = born.sqrt %10 : tensor<4x8xf32>
  %12 = born.rsqrt %11 : tensor<4x8xf32>
  %13 = born.tanh %12 : tensor<4x8xf32>
  %14 = born.sigmoid %13 : tensor<4x8xf32>
  %15 = born.relu %14 : tensor<4x8xf32>
  %16 = born.silu %15 : tensor<4x8xf32>
  %17 = born.erf %16 : tensor<4x8xf32>
  // CHECK: born.gelu %{{.*}} : tensor<4x8xf32>
  %18 = born.gelu %17 : tensor<4x8xf32>
  // CHECK: born.gelu %{{.*}} approximate : tensor<4x8xf32>
  %19 = born.gelu %18 approximate : tensor<4x8xf32>
  // CHECK: born.cmp ge, %{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<8xf32>
  %20 = born.cmp ge, %19, %b : tensor<4x8xf32>, tensor<8xf32>
  // CHECK: born.where %{{.*}} : tensor<4x1xi1>, tensor<4x8xf32>, tensor<8xf32>
  %21 = born.where %m, %19, %b : tensor<4x1xi1>, tensor<4x8xf32>, tensor<8xf32>
  // CHECK: born.cast %{{.*}} : tensor<4x8xf32> to tensor<4x8xf16>
  %22 = born.cast %21 : tensor<4x8xf32> to tensor<4x8xf16>
  return %21 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @nn
func.func @nn(%x: tensor<2x4x8x8xf32>, %w: tensor<8x2x3x3xf32>, %a: tensor<3x64x32xf32>, %b: tensor<32x16xf32>) -> tensor<3x64x16xf32> {
  // CHECK: born.conv2d %{{.*}}, %{{.*}} strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 2 : tensor<2x4x8x8xf32>, tensor<8x2x3x3xf32>
  %0 = born.conv2d %x, %w strides = [2, 2] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 2 : tensor<2x4x8x8xf32>, tensor<8x2x3x3xf32>
  // CHECK: born.pool2d avg %{{.*}} kernel = [2, 2] strides = [2, 2] padding = [0, 0, 1, 1] count_include_pad : tensor<2x8x4x4xf32>
  %1 = born.pool2d avg %0 kernel = [2, 2] strides = [2, 2] padding = [0, 0, 1, 1] count_include_pad : tensor<2x8x4x4xf32>
  // CHECK: born.pool2d max
  %2 = born.pool2d max %0 kernel = [3, 3] strides = [1, 1] padding = [1, 1, 1, 1] : tensor<2x8x4x4xf32>
  // CHECK: born.matmul %{{.*}}, %{{.*}} : tensor<3x64x32xf32>, tensor<32x16xf32>
  %3 = born.matmul %a, %b : tensor<3x64x32xf32>, tensor<32x16xf32>
  return %3 : tensor<3x64x16xf32>
}

// -----

// CHECK-LABEL: func @reductions
func.func @reductions(%x: tensor<4x8xf32>, %g: tensor<8xf32>) -> tensor<4xi64> {
  // CHECK: born.reduce sum %{{.*}} axes = [1] keepdims : tensor<4x8xf32>
  %0 = born.reduce sum %x axes = [1] keepdims : tensor<4x8xf32>
  // CHECK: born.reduce mean %{{.*}} axes = [0, 1] : tensor<4x8xf32>
  %1 = born.reduce mean %x axes = [0, 1] : tensor<4x8xf32>
  // CHECK: born.argmax %{{.*}} axis = 1 : tensor<4x8xf32>
  %2 = born.argmax %x axis = 1 : tensor<4x8xf32>
  // CHECK: born.softmax %{{.*}} axis = 1 : tensor<4x8xf32>
  %3 = born.softmax %x axis = 1 : tensor<4x8xf32>
  // CHECK: born.log_softmax
  %4 = born.log_softmax %x axis = 0 : tensor<4x8xf32>
  // CHECK: born.layer_norm %{{.*}}, %{{.*}}, %{{.*}} axis = 1 epsilon = 1.000000e-05
  %5 = born.layer_norm %x, %g, %g axis = 1 epsilon = 1.0e-5 : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32>
  // CHECK: born.rms_norm %{{.*}}, %{{.*}} axis = 1 epsilon = 9.9999999999999995E-7
  %6 = born.rms_norm %x, %g axis = 1 epsilon = 1.0e-6 : tensor<4x8xf32>, tensor<8xf32>
  return %2 : tensor<4xi64>
}

// -----

// CHECK-LABEL: func @shapes
func.func @shapes(%x: tensor<2x3x4xf32>, %y: tensor<2x5x4xf32>, %t: tensor<16x8xf32>, %i: tensor<2x3xi64>) -> tensor<2x3x8xf32> {
  // CHECK: born.reshape %{{.*}} : tensor<2x3x4xf32> to tensor<6x4xf32>
  %0 = born.reshape %x : tensor<2x3x4xf32> to tensor<6x4xf32>
  // CHECK: born.transpose %{{.*}} permutation = [2, 0, 1] : tensor<2x3x4xf32>
  %1 = born.transpose %x permutation = [2, 0, 1] : tensor<2x3x4xf32>
  // CHECK: born.broadcast %{{.*}} : tensor<2x3x4xf32> to tensor<5x2x3x4xf32>
  %2 = born.broadcast %x : tensor<2x3x4xf32> to tensor<5x2x3x4xf32>
  // CHECK: born.concat %{{.*}}, %{{.*}} axis = 1 : tensor<2x3x4xf32>, tensor<2x5x4xf32>
  %3 = born.concat %x, %y axis = 1 : tensor<2x3x4xf32>, tensor<2x5x4xf32>
  // CHECK: born.slice %{{.*}} start = [0, 1, 0] limit = [2, 3, 4] step = [1, 1, 2] : tensor<2x3x4xf32>
  %4 = born.slice %x start = [0, 1, 0] limit = [2, 3, 4] step = [1, 1, 2] : tensor<2x3x4xf32>
  // CHECK: born.gather %{{.*}}, %{{.*}} axis = 0 : tensor<16x8xf32>, tensor<2x3xi64>
  %5 = born.gather %t, %i axis = 0 : tensor<16x8xf32>, tensor<2x3xi64>
  // CHECK: born.scatter_add %{{.*}}, %{{.*}} axis = 0 : tensor<2x3x8xf32>, tensor<2x3xi64> to tensor<16x8xf32>
  %8 = born.scatter_add %5, %i axis = 0 : tensor<2x3x8xf32>, tensor<2x3xi64> to tensor<16x8xf32>
  // CHECK: born.constant dense<[1, 2]> : tensor<2xi32>
  %6 = born.constant dense<[1, 2]> : tensor<2xi32>
  // CHECK: born.param "embed.weight" : tensor<16x8xf32>
  %7 = born.param "embed.weight" : tensor<16x8xf32>
  return %5 : tensor<2x3x8xf32>
}

// -----

// CHECK-LABEL: func @math
func.func @math(%x: tensor<4x8xf32>, %h: tensor<3xf16>) -> tensor<4x8xf32> {
  // CHECK: born.sin %{{.*}} : tensor<4x8xf32>
  %0 = born.sin %x : tensor<4x8xf32>
  // CHECK: born.cos
  %1 = born.cos %0 : tensor<4x8xf32>
  // CHECK: born.tan
  %2 = born.tan %1 : tensor<4x8xf32>
  // CHECK: born.asin
  %3 = born.asin %2 : tensor<4x8xf32>
  // CHECK: born.acos
  %4 = born.acos %3 : tensor<4x8xf32>
  // CHECK: born.atan
  %5 = born.atan %4 : tensor<4x8xf32>
  // CHECK: born.sinh
  %6 = born.sinh %5 : tensor<4x8xf32>
  // CHECK: born.cosh
  %7 = born.cosh %6 : tensor<4x8xf32>
  // CHECK: born.asinh
  %8 = born.asinh %7 : tensor<4x8xf32>
  // CHECK: born.acosh
  %9 = born.acosh %8 : tensor<4x8xf32>
  // CHECK: born.atanh
  %10 = born.atanh %9 : tensor<4x8xf32>
  // CHECK: born.floor
  %11 = born.floor %10 : tensor<4x8xf32>
  // CHECK: born.ceil
  %12 = born.ceil %11 : tensor<4x8xf32>
  // CHECK: born.round
  %13 = born.round %12 : tensor<4x8xf32>
  // CHECK: born.trunc
  %14 = born.trunc %13 : tensor<4x8xf32>
  // CHECK: born.sign %{{.*}} : tensor<4x8xf32>
  %15 = born.sign %14 : tensor<4x8xf32>
  // CHECK: born.rem %{{.*}}, %{{.*}} : tensor<4x8xf32>, tensor<4x8xf32>
  %16 = born.rem %x, %15 : tensor<4x8xf32>, tensor<4x8xf32>
  // CHECK: born.round %{{.*}} : tensor<3xf16>
  %17 = born.round %h : tensor<3xf16>
  return %16 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @bits
func.func @bits(%a: tensor<4xi1>, %b: tensor<1xi1>, %i: tensor<2x4xi16>, %j: tensor<4xi16>) -> (tensor<4xi1>, tensor<2x4xi16>) {
  // CHECK: born.and %{{.*}}, %{{.*}} : tensor<4xi1>, tensor<1xi1>
  %0 = born.and %a, %b : tensor<4xi1>, tensor<1xi1>
  // CHECK: born.or
  %1 = born.or %0, %a : tensor<4xi1>, tensor<4xi1>
  // CHECK: born.xor
  %2 = born.xor %1, %b : tensor<4xi1>, tensor<1xi1>
  // CHECK: born.not %{{.*}} : tensor<4xi1>
  %3 = born.not %2 : tensor<4xi1>
  // CHECK: born.and %{{.*}}, %{{.*}} : tensor<2x4xi16>, tensor<4xi16>
  %4 = born.and %i, %j : tensor<2x4xi16>, tensor<4xi16>
  // CHECK: born.not %{{.*}} : tensor<2x4xi16>
  %5 = born.not %4 : tensor<2x4xi16>
  // CHECK: born.sign %{{.*}} : tensor<2x4xi16>
  %6 = born.sign %5 : tensor<2x4xi16>
  // CHECK: born.rem %{{.*}}, %{{.*}} : tensor<2x4xi16>, tensor<4xi16>
  %7 = born.rem %6, %j : tensor<2x4xi16>, tensor<4xi16>
  // CHECK: born.cast %{{.*}} : tensor<2x4xi16> to tensor<2x4xbf16>
  %8 = born.cast %7 : tensor<2x4xi16> to tensor<2x4xbf16>
  return %3, %7 : tensor<4xi1>, tensor<2x4xi16>
}

// -----

// CHECK-LABEL: func @quantized_matmul
func.func @quantized_matmul(%x: tensor<2x3x64xf32>, %v: tensor<256xf32>) -> (tensor<2x3x5xf32>, tensor<7xf32>) {
  // CHECK: born.quantized_matmul q4_0 %{{.*}}, %{{.*}} : tensor<2x3x64xf32>, tensor<5x36xi8>
  %w = born.param "w" : tensor<5x36xi8>
  %0 = born.quantized_matmul q4_0 %x, %w : tensor<2x3x64xf32>, tensor<5x36xi8>
  // CHECK: born.quantized_matmul q6_K %{{.*}}, %{{.*}} : tensor<256xf32>, tensor<7x210xi8>
  %k = born.param "k" : tensor<7x210xi8>
  %1 = born.quantized_matmul q6_K %v, %k : tensor<256xf32>, tensor<7x210xi8>
  return %0, %1 : tensor<2x3x5xf32>, tensor<7xf32>
}

// -----

// CHECK-LABEL: func @dequantize
func.func @dequantize(%ids: tensor<2xi64>) -> (tensor<2x64xf32>, tensor<256xf32>) {
  %t = born.param "t" : tensor<10x68xi8>
  %rows = born.gather %t, %ids axis = 0 : tensor<10x68xi8>, tensor<2xi64>
  // CHECK: born.dequantize q8_0 %{{.*}} : tensor<2x68xi8>
  %0 = born.dequantize q8_0 %rows : tensor<2x68xi8>
  %k = born.param "k" : tensor<144xi8>
  // CHECK: born.dequantize q4_K %{{.*}} : tensor<144xi8>
  %1 = born.dequantize q4_K %k : tensor<144xi8>
  return %0, %1 : tensor<2x64xf32>, tensor<256xf32>
}
