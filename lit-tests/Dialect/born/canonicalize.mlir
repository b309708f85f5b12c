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

// -----

// Constant folding: an ONNX-style shape computation (Shape -> Gather ->
// Concat -> Reshape) on i64 folds to a static shape.
// CHECK-LABEL: func @shape_chain
// CHECK-DAG: %[[S:.*]] = born.constant dense<[2, 12]> : tensor<2xi64>
// CHECK-DAG: %[[X:.*]] = born.constant dense<{{\[}}[0, 2], [1, 3]]> : tensor<2x2xi32>
// CHECK-NOT: born.gather
// CHECK-NOT: born.concat
// CHECK: return %[[S]], %[[X]]
func.func @shape_chain() -> (tensor<2xi64>, tensor<2x2xi32>) {
  %shape = born.constant dense<[2, 3, 4]> : tensor<3xi64>
  %i0 = born.constant dense<0> : tensor<1xi64>
  %batch = born.gather %shape, %i0 axis = 0 : tensor<3xi64>, tensor<1xi64>
  %tail = born.slice %shape start = [1] limit = [3] step = [1] : tensor<3xi64>
  %p = born.reduce sum %tail axes = [0] keepdims : tensor<2xi64>
  %prod = born.mul %tail, %tail : tensor<2xi64>, tensor<2xi64>
  %twelve = born.add %p, %p : tensor<1xi64>, tensor<1xi64>
  %five = born.constant dense<-2> : tensor<i64>
  %r = born.add %twelve, %five : tensor<1xi64>, tensor<i64>
  %s = born.concat %batch, %r axis = 0 : tensor<1xi64>, tensor<1xi64>
  %m = born.constant dense<[[0, 1], [2, 3]]> : tensor<2x2xi32>
  %t = born.transpose %m permutation = [1, 0] : tensor<2x2xi32>
  return %s, %t : tensor<2xi64>, tensor<2x2xi32>
}

// -----

// Integer division truncates toward zero; division by zero and INT_MIN / -1
// are left to run time. rem takes the sign of the dividend.
// CHECK-LABEL: func @int_division
// CHECK-DAG: born.constant dense<[-3, 3, -3, 3]> : tensor<4xi32>
// CHECK-DAG: born.constant dense<[-1, 1, 1, -1]> : tensor<4xi32>
// CHECK-DAG: born.constant dense<[-1, 0, 1]> : tensor<3xi8>
// CHECK: born.div %{{.*}}, %{{.*}} : tensor<2xi8>, tensor<2xi8>
// CHECK: born.rem %{{.*}}, %{{.*}} : tensor<2xi8>, tensor<2xi8>
func.func @int_division() -> (tensor<4xi32>, tensor<4xi32>, tensor<3xi8>, tensor<2xi8>, tensor<2xi8>) {
  %a = born.constant dense<[-7, 7, 7, -7]> : tensor<4xi32>
  %b = born.constant dense<[2, 2, -2, -2]> : tensor<4xi32>
  %q = born.div %a, %b : tensor<4xi32>, tensor<4xi32>
  %r = born.rem %a, %b : tensor<4xi32>, tensor<4xi32>
  %c = born.constant dense<[-5, 0, 9]> : tensor<3xi8>
  %s = born.sign %c : tensor<3xi8>
  %min = born.constant dense<[-128, 1]> : tensor<2xi8>
  %d = born.constant dense<[-1, 0]> : tensor<2xi8>
  %bad = born.div %min, %d : tensor<2xi8>, tensor<2xi8>
  %bad_rem = born.rem %min, %d : tensor<2xi8>, tensor<2xi8>
  return %q, %r, %s, %bad, %bad_rem : tensor<4xi32>, tensor<4xi32>, tensor<3xi8>, tensor<2xi8>, tensor<2xi8>
}

// -----

// Floats: broadcasting, NaN propagation in max, fmod, comparisons, where.
// CHECK-LABEL: func @floats
// CHECK-DAG: born.constant dense<{{\[}}[1.500000e+00, -1.000000e+00], [3.000000e+00, 5.000000e-01]]> : tensor<2x2xf32>
// CHECK-DAG: born.constant dense<[0x7FC00000, 2.000000e+00]> : tensor<2xf32>
// CHECK-DAG: born.constant dense<[-1.000000e+00, 1.500000e+00]> : tensor<2xf32>
// CHECK-DAG: born.constant dense<true> : tensor<3xi1>
// CHECK-DAG: born.constant dense<[1.000000e+00, 2.500000e+00, 0x7E00]> : tensor<3xf16>
// CHECK-DAG: born.constant dense<[true, false, true]> : tensor<3xi1>
// CHECK-DAG: born.constant dense<[2.500000e+00, 2.000000e+00]> : tensor<2xf64>
// CHECK-NOT: born.{{add|max|rem|cmp|where|neg|abs|reduce}}
func.func @floats() -> (tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<3xi1>, tensor<3xf16>, tensor<3xi1>, tensor<2xf64>) {
  %a = born.constant dense<[[1.0], [2.5]]> : tensor<2x1xf32>
  %b = born.constant dense<[0.5, -2.0]> : tensor<2xf32>
  %sum = born.add %a, %b : tensor<2x1xf32>, tensor<2xf32>
  %n = born.constant dense<[0x7FC00000, 1.0]> : tensor<2xf32>
  %two = born.constant dense<2.0> : tensor<f32>
  %max = born.max %n, %two : tensor<2xf32>, tensor<f32>
  %x = born.constant dense<[-7.0, 5.5]> : tensor<2xf32>
  %r = born.rem %x, %two : tensor<2xf32>, tensor<f32>
  %u = born.constant dense<[1.0, -2.5, 0x7E00]> : tensor<3xf16>
  %zero = born.constant dense<0.0> : tensor<f16>
  %ne = born.cmp ne, %u, %zero : tensor<3xf16>, tensor<f16>
  %neg = born.neg %u : tensor<3xf16>
  %abs = born.abs %neg : tensor<3xf16>
  %m1 = born.constant dense<-1.0> : tensor<f16>
  %w = born.where %ne, %u, %m1 : tensor<3xi1>, tensor<3xf16>, tensor<f16>
  %wr = born.cmp lt, %w, %zero : tensor<3xf16>, tensor<f16>
  %wrong = born.xor %wr, %ne : tensor<3xi1>, tensor<3xi1>
  %d = born.constant dense<[[1.0, 2.0], [4.0, 2.0]]> : tensor<2x2xf64>
  %mean = born.reduce mean %d axes = [0] : tensor<2x2xf64>
  return %sum, %max, %r, %ne, %abs, %wrong, %mean : tensor<2x2xf32>, tensor<2xf32>, tensor<2xf32>, tensor<3xi1>, tensor<3xf16>, tensor<3xi1>, tensor<2xf64>
}

// -----

// Casts follow born.cast's rules: float -> int truncates toward zero,
// -> i1 tests != 0, i1 -> number is 0 or 1, ints sign-extend or wrap.
// CHECK-LABEL: func @casts
// CHECK-DAG: born.constant dense<[-2, 0, 2, 127]> : tensor<4xi8>
// CHECK-DAG: born.constant dense<[true, false, true, true]> : tensor<4xi1>
// CHECK-DAG: born.constant dense<[1, 0, 1, 1]> : tensor<4xi16>
// CHECK-DAG: born.constant dense<[-2.000000e+00, 0.000000e+00, 2.000000e+00, 1.270000e+02]> : tensor<4xbf16>
// CHECK-DAG: born.constant dense<[-1, 255, 300]> : tensor<3xi64>
// CHECK-DAG: born.constant dense<[-1, -1, 44]> : tensor<3xi8>
// CHECK: born.cast %{{.*}} : tensor<2xf32> to tensor<2xi8>
func.func @casts() -> (tensor<4xi8>, tensor<4xi1>, tensor<4xi16>, tensor<4xbf16>, tensor<3xi64>, tensor<3xi8>, tensor<2xi8>) {
  %f = born.constant dense<[-2.7, 0.5, 2.9, 127.2]> : tensor<4xf32>
  %i = born.cast %f : tensor<4xf32> to tensor<4xi8>
  %zf = born.constant dense<[-0.5, 0.0, 1.0, 0x7FC00000]> : tensor<4xf32>
  %b = born.cast %zf : tensor<4xf32> to tensor<4xi1>
  %bi = born.cast %b : tensor<4xi1> to tensor<4xi16>
  %if = born.cast %i : tensor<4xi8> to tensor<4xbf16>
  %w = born.constant dense<[-1, 255, 300]> : tensor<3xi16>
  %ext = born.cast %w : tensor<3xi16> to tensor<3xi64>
  %ext2 = born.and %ext, %ext : tensor<3xi64>, tensor<3xi64>
  %or = born.or %ext2, %ext2 : tensor<3xi64>, tensor<3xi64>
  %not = born.not %or : tensor<3xi64>
  %notnot = born.not %not : tensor<3xi64>
  %wrapped = born.cast %w : tensor<3xi16> to tensor<3xi8>
  %big = born.constant dense<[1.0e10, 0x7FC00000]> : tensor<2xf32>
  %undefined = born.cast %big : tensor<2xf32> to tensor<2xi8>
  return %i, %b, %bi, %if, %notnot, %wrapped, %undefined : tensor<4xi8>, tensor<4xi1>, tensor<4xi16>, tensor<4xbf16>, tensor<3xi64>, tensor<3xi8>, tensor<2xi8>
}

// -----

// Results larger than 1 << 16 elements are not folded, so weights-sized
// tensors never enter the IR; identity reshapes and casts fold away.
// CHECK-LABEL: func @limits
// CHECK: born.broadcast %{{.*}} : tensor<f32> to tensor<256x257xf32>
// CHECK-NOT: born.reshape
// CHECK-NOT: born.cast
// CHECK: return %{{.*}}, %arg0
func.func @limits(%x: tensor<4xf32>) -> (tensor<256x257xf32>, tensor<4xf32>) {
  %c = born.constant dense<1.0> : tensor<f32>
  %big = born.broadcast %c : tensor<f32> to tensor<256x257xf32>
  %r = born.reshape %x : tensor<4xf32> to tensor<4xf32>
  %k = born.cast %r : tensor<4xf32> to tensor<4xf32>
  return %big, %k : tensor<256x257xf32>, tensor<4xf32>
}

// -----

// Operands that are not all constants do not fold.
// CHECK-LABEL: func @params
// CHECK: born.add
// CHECK: born.gather
func.func @params(%x: tensor<2xi64>) -> (tensor<2xi64>, tensor<1xf32>) {
  %c = born.constant dense<[1, 2]> : tensor<2xi64>
  %s = born.add %x, %c : tensor<2xi64>, tensor<2xi64>
  %w = born.param "w" : tensor<4xf32>
  %i = born.constant dense<1> : tensor<1xi64>
  %g = born.gather %w, %i axis = 0 : tensor<4xf32>, tensor<1xi64>
  return %s, %g : tensor<2xi64>, tensor<1xf32>
}
