// RUN: born-opt %s %lower-to-llvm | %run-main | FileCheck %s

// i8, i16 and f64 arithmetic, the new elementwise ops, and casts between
// element types, run end to end. Results print as i64 or f64 (through
// born.cast). Expected values: numpy (int wrapping, np.fmod, np.round).

func.func @main() {
  %a16 = arith.constant dense<[-300, 7, -7, 32767]> : tensor<4xi16>
  %b16 = arith.constant dense<[7, 2, 2, -1]> : tensor<4xi16>
  %one16 = arith.constant dense<1> : tensor<i16>
  %a8 = arith.constant dense<[100, -128, 5, -3]> : tensor<4xi8>
  %three8 = arith.constant dense<3> : tensor<i8>
  %h = arith.constant dense<[0.5, 1.5, 2.5, -0.5, -2.5, -2.7]> : tensor<6xf64>
  %u = arith.constant dense<[-0.9, -0.25, 0.0, 0.5]> : tensor<4xf32>
  %g = arith.constant dense<[1.0, 1.5, 3.0, 10.0]> : tensor<4xf32>
  %f = arith.constant dense<[-2.7, 2.7, 127.9, -128.9]> : tensor<4xf32>
  %p = arith.constant dense<[true, false, true, false]> : tensor<4xi1>
  %q = arith.constant dense<[true, true, false, false]> : tensor<4xi1>

  // ---- i16: div, rem, sign, not, and, wrapping add
  %div = born.div %a16, %b16 : tensor<4xi16>, tensor<4xi16>
  call @showI16(%div) : (tensor<4xi16>) -> ()
  %rem = born.rem %a16, %b16 : tensor<4xi16>, tensor<4xi16>
  call @showI16(%rem) : (tensor<4xi16>) -> ()
  %sign = born.sign %a16 : tensor<4xi16>
  call @showI16(%sign) : (tensor<4xi16>) -> ()
  %not = born.not %a16 : tensor<4xi16>
  call @showI16(%not) : (tensor<4xi16>) -> ()
  %and = born.and %a16, %b16 : tensor<4xi16>, tensor<4xi16>
  call @showI16(%and) : (tensor<4xi16>) -> ()
  %wrap = born.add %a16, %one16 : tensor<4xi16>, tensor<i16>
  call @showI16(%wrap) : (tensor<4xi16>) -> ()
  // ---- i8: wrapping mul, xor
  %mul8 = born.mul %a8, %three8 : tensor<4xi8>, tensor<i8>
  %mul8_w = born.cast %mul8 : tensor<4xi8> to tensor<4xi16>
  call @showI16(%mul8_w) : (tensor<4xi16>) -> ()
  %xor8 = born.xor %a8, %three8 : tensor<4xi8>, tensor<i8>
  %xor8_w = born.cast %xor8 : tensor<4xi8> to tensor<4xi16>
  call @showI16(%xor8_w) : (tensor<4xi16>) -> ()
  // ---- f64: round (half to even), floor, ceil, trunc, sign, rem
  %round = born.round %h : tensor<6xf64>
  call @showF64(%round) : (tensor<6xf64>) -> ()
  %floor = born.floor %h : tensor<6xf64>
  call @showF64(%floor) : (tensor<6xf64>) -> ()
  %ceil = born.ceil %h : tensor<6xf64>
  call @showF64(%ceil) : (tensor<6xf64>) -> ()
  %trunc = born.trunc %h : tensor<6xf64>
  call @showF64(%trunc) : (tensor<6xf64>) -> ()
  %fsign = born.sign %h : tensor<6xf64>
  call @showF64(%fsign) : (tensor<6xf64>) -> ()
  %two = arith.constant dense<2.0> : tensor<f64>
  %frem = born.rem %h, %two : tensor<6xf64>, tensor<f64>
  call @showF64(%frem) : (tensor<6xf64>) -> ()
  // ---- f32 functions (libm and LLVM intrinsics), shown as f64
  %asin = born.asin %u : tensor<4xf32>
  call @showF32(%asin) : (tensor<4xf32>) -> ()
  %acos = born.acos %u : tensor<4xf32>
  call @showF32(%acos) : (tensor<4xf32>) -> ()
  %atanh = born.atanh %u : tensor<4xf32>
  call @showF32(%atanh) : (tensor<4xf32>) -> ()
  %acosh = born.acosh %g : tensor<4xf32>
  call @showF32(%acosh) : (tensor<4xf32>) -> ()
  %asinh = born.asinh %g : tensor<4xf32>
  call @showF32(%asinh) : (tensor<4xf32>) -> ()
  %tan = born.tan %u : tensor<4xf32>
  call @showF32(%tan) : (tensor<4xf32>) -> ()
  %cosh = born.cosh %u : tensor<4xf32>
  call @showF32(%cosh) : (tensor<4xf32>) -> ()
  // ---- casts: f32 -> i8 truncates, i16 -> f16, i1 -> i16, i16 -> i1
  %f2i = born.cast %f : tensor<4xf32> to tensor<4xi8>
  %f2i_w = born.cast %f2i : tensor<4xi8> to tensor<4xi16>
  call @showI16(%f2i_w) : (tensor<4xi16>) -> ()
  %i2h = born.cast %a16 : tensor<4xi16> to tensor<4xf16>
  %i2h_w = born.cast %i2h : tensor<4xf16> to tensor<4xf32>
  call @showF32(%i2h_w) : (tensor<4xf32>) -> ()
  %bits = born.xor %p, %q : tensor<4xi1>, tensor<4xi1>
  %nbits = born.not %bits : tensor<4xi1>
  %b2i = born.cast %nbits : tensor<4xi1> to tensor<4xi16>
  call @showI16(%b2i) : (tensor<4xi16>) -> ()
  %i2b = born.cast %rem : tensor<4xi16> to tensor<4xi1>
  %i2b_w = born.cast %i2b : tensor<4xi1> to tensor<4xi16>
  call @showI16(%i2b_w) : (tensor<4xi16>) -> ()
  return
}

func.func private @printMemrefI64(memref<*xi64>)
func.func private @printMemrefF64(memref<*xf64>)
func.func @showI16(%t: tensor<4xi16>) {
  %w = born.cast %t : tensor<4xi16> to tensor<4xi64>
  %u = tensor.cast %w : tensor<4xi64> to tensor<*xi64>
  %m = bufferization.to_buffer %u : tensor<*xi64> to memref<*xi64>
  call @printMemrefI64(%m) : (memref<*xi64>) -> ()
  return
}
func.func @showF32(%t: tensor<4xf32>) {
  %w = born.cast %t : tensor<4xf32> to tensor<4xf64>
  %u = tensor.cast %w : tensor<4xf64> to tensor<*xf64>
  %m = bufferization.to_buffer %u : tensor<*xf64> to memref<*xf64>
  call @printMemrefF64(%m) : (memref<*xf64>) -> ()
  return
}
func.func @showF64(%t: tensor<6xf64>) {
  %u = tensor.cast %t : tensor<6xf64> to tensor<*xf64>
  %m = bufferization.to_buffer %u : tensor<*xf64> to memref<*xf64>
  call @printMemrefF64(%m) : (memref<*xf64>) -> ()
  return
}

// CHECK: data =
// CHECK-NEXT: [-42,  3,  -3,  -32767]
// CHECK: data =
// CHECK-NEXT: [-6,  1,  -1,  0]
// CHECK: data =
// CHECK-NEXT: [-1,  1,  -1,  1]
// CHECK: data =
// CHECK-NEXT: [299,  -8,  6,  -32768]
// CHECK: data =
// CHECK-NEXT: [4,  2,  0,  32767]
// CHECK: data =
// CHECK-NEXT: [-299,  8,  -6,  -32768]
// CHECK: data =
// CHECK-NEXT: [44,  -128,  15,  -9]
// CHECK: data =
// CHECK-NEXT: [103,  -125,  6,  -2]
// CHECK: data =
// CHECK-NEXT: [0,  2,  2,  -0,  -2,  -3]
// CHECK: data =
// CHECK-NEXT: [0,  1,  2,  -1,  -3,  -3]
// CHECK: data =
// CHECK-NEXT: [1,  2,  3,  -0,  -2,  -2]
// CHECK: data =
// CHECK-NEXT: [0,  1,  2,  -0,  -2,  -2]
// CHECK: data =
// CHECK-NEXT: [1,  1,  1,  -1,  -1,  -1]
// CHECK: data =
// CHECK-NEXT: [0.5,  1.5,  0.5,  -0.5,  -0.5,  -0.7]
// CHECK: data =
// CHECK-NEXT: [-1.11977,  -0.25268,  0,  0.523599]
// CHECK: data =
// CHECK-NEXT: [2.69057,  1.82348,  1.5708,  1.0472]
// CHECK: data =
// CHECK-NEXT: [-1.47222,  -0.255413,  0,  0.549306]
// CHECK: data =
// CHECK-NEXT: [0,  0.962424,  1.76275,  2.99322]
// CHECK: data =
// CHECK-NEXT: [0.881374,  1.19476,  1.81845,  2.99822]
// CHECK: data =
// CHECK-NEXT: [-1.26016,  -0.255342,  0,  0.546302]
// CHECK: data =
// CHECK-NEXT: [1.43309,  1.03141,  1,  1.12763]
// CHECK: data =
// CHECK-NEXT: [-2,  2,  127,  -128]
// CHECK: data =
// CHECK-NEXT: [-300,  7,  -7,  32768]
// CHECK: data =
// CHECK-NEXT: [1,  0,  0,  1]
// CHECK: data =
// CHECK-NEXT: [1,  1,  1,  0]
