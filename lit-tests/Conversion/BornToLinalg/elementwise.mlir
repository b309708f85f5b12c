// RUN: born-opt %s --split-input-file --born-convert-to-linalg | FileCheck %s

// Same shapes: identity maps, one parallel generic.
// CHECK-DAG:   #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func @add_same_shape
// CHECK:         %[[EMPTY:.+]] = tensor.empty() : tensor<4x8xf32>
// CHECK:         %[[R:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ID]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:      ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<4x8xf32>) outs(%[[EMPTY]] : tensor<4x8xf32>)
// CHECK:         ^bb0(%[[A:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK:           %[[S:.+]] = arith.addf %[[A]], %[[B]] : f32
// CHECK:           linalg.yield %[[S]] : f32
// CHECK:         return %[[R]]
func.func @add_same_shape(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = born.add %x, %y : tensor<4x8xf32>, tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// A missing leading dimension is dropped from the map.
// CHECK-DAG:   #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[$ROW:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @add_bias
// CHECK:         linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ID]]]
// CHECK-SAME:      ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<8xf32>)
// CHECK:           arith.addf
func.func @add_bias(%x: tensor<4x8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %0 = born.add %x, %b : tensor<4x8xf32>, tensor<8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// Stretched size-1 dimensions read index 0; both operands may stretch.
// CHECK-DAG:   #[[$COL:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-DAG:   #[[$ROW:.+]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-DAG:   #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func @mul_both_stretch
// CHECK:         linalg.generic {indexing_maps = [#[[$COL]], #[[$ROW]], #[[$ID]]]
// CHECK-SAME:      ins(%arg0, %arg1 : tensor<4x1xf16>, tensor<1x8xf16>) outs(%{{.+}} : tensor<4x8xf16>)
// CHECK:           arith.mulf %{{.+}}, %{{.+}} : f16
func.func @mul_both_stretch(%x: tensor<4x1xf16>, %y: tensor<1x8xf16>) -> tensor<4x8xf16> {
  %0 = born.mul %x, %y : tensor<4x1xf16>, tensor<1x8xf16>
  return %0 : tensor<4x8xf16>
}

// -----

// A rank-0 operand reads with an empty map.
// CHECK-DAG:   #[[$SCALAR:.+]] = affine_map<(d0) -> ()>
// CHECK-LABEL: func @sub_scalar
// CHECK:         linalg.generic {indexing_maps = [#{{.+}}, #[[$SCALAR]], #{{.+}}]
// CHECK:           arith.subf
func.func @sub_scalar(%x: tensor<4xf32>, %s: tensor<f32>) -> tensor<4xf32> {
  %0 = born.sub %x, %s : tensor<4xf32>, tensor<f32>
  return %0 : tensor<4xf32>
}

// -----

// CHECK-LABEL: func @integer_ops
// CHECK:         arith.divsi %{{.+}}, %{{.+}} : i32
// CHECK:         arith.maxsi %{{.+}}, %{{.+}} : i32
// CHECK:         arith.minsi %{{.+}}, %{{.+}} : i32
// CHECK:         %[[ZERO:.+]] = arith.constant 0 : i32
// CHECK:         arith.subi %[[ZERO]], %{{.+}} : i32
// CHECK:         math.absi %{{.+}} : i32
func.func @integer_ops(%x: tensor<4xi32>, %y: tensor<4xi32>) -> (tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>) {
  %0 = born.div %x, %y : tensor<4xi32>, tensor<4xi32>
  %1 = born.max %x, %y : tensor<4xi32>, tensor<4xi32>
  %2 = born.min %x, %y : tensor<4xi32>, tensor<4xi32>
  %3 = born.neg %x : tensor<4xi32>
  %4 = born.abs %x : tensor<4xi32>
  return %0, %1, %2, %3, %4 : tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>, tensor<4xi32>
}

// -----

// Float max/min propagate NaN.
// CHECK-LABEL: func @float_max_min_pow
// CHECK:         arith.maximumf
// CHECK:         arith.minimumf
// CHECK:         math.powf
func.func @float_max_min_pow(%x: tensor<4xf32>, %y: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = born.max %x, %y : tensor<4xf32>, tensor<4xf32>
  %1 = born.min %x, %y : tensor<4xf32>, tensor<4xf32>
  %2 = born.pow %x, %y : tensor<4xf32>, tensor<4xf32>
  return %0, %1, %2 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// CHECK-LABEL: func @unary
// CHECK:         arith.negf
// CHECK:         math.absf
// CHECK:         math.exp
// CHECK:         math.log
// CHECK:         math.sqrt
// CHECK:         math.rsqrt
// CHECK:         math.tanh
// CHECK:         math.erf
// CHECK:         %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         arith.maximumf %{{.+}}, %[[ZERO]] : f32
func.func @unary(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) {
  %0 = born.neg %x : tensor<4xf32>
  %1 = born.abs %x : tensor<4xf32>
  %2 = born.exp %x : tensor<4xf32>
  %3 = born.log %x : tensor<4xf32>
  %4 = born.sqrt %x : tensor<4xf32>
  %5 = born.rsqrt %x : tensor<4xf32>
  %6 = born.tanh %x : tensor<4xf32>
  %7 = born.erf %x : tensor<4xf32>
  %8 = born.relu %x : tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}

// -----

// sigmoid = 1 / (1 + exp(-x)); silu = x * sigmoid(x).
// CHECK-LABEL: func @sigmoid_silu
// CHECK:         ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK:           %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK:           %[[NEG:.+]] = arith.negf %[[X]]
// CHECK:           %[[EXP:.+]] = math.exp %[[NEG]]
// CHECK:           %[[DEN:.+]] = arith.addf %[[ONE]], %[[EXP]]
// CHECK:           %[[SIG:.+]] = arith.divf %[[ONE]], %[[DEN]]
// CHECK:           linalg.yield %[[SIG]]
// CHECK:         ^bb0(%[[X2:.+]]: f32, %{{.+}}: f32):
// CHECK:           %[[SIG2:.+]] = arith.divf
// CHECK:           %[[SILU:.+]] = arith.mulf %[[X2]], %[[SIG2]]
// CHECK:           linalg.yield %[[SILU]]
func.func @sigmoid_silu(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %0 = born.sigmoid %x : tensor<4xf32>
  %1 = born.silu %x : tensor<4xf32>
  return %0, %1 : tensor<4xf32>, tensor<4xf32>
}

// -----

// Exact gelu: 0.5 * x * (1 + erf(x / sqrt(2))).
// CHECK-LABEL: func @gelu_exact
// CHECK:         ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK:           %[[C:.+]] = arith.constant 0.707106769 : f32
// CHECK:           %[[S:.+]] = arith.mulf %[[X]], %[[C]]
// CHECK:           %[[E:.+]] = math.erf %[[S]]
// CHECK:           %[[HALF:.+]] = arith.constant 5.000000e-01 : f32
// CHECK:           %[[HX:.+]] = arith.mulf %[[HALF]], %[[X]]
// CHECK:           %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK:           %[[P:.+]] = arith.addf %[[ONE]], %[[E]]
// CHECK:           %[[R:.+]] = arith.mulf %[[HX]], %[[P]]
// CHECK:           linalg.yield %[[R]]
// CHECK-NOT:     math.tanh
func.func @gelu_exact(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = born.gelu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Approximate gelu: 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 x^3))).
// CHECK-LABEL: func @gelu_tanh
// CHECK:         arith.constant 0.797884583 : f32
// CHECK:         arith.constant 4.471500e-02 : f32
// CHECK:         math.tanh
// CHECK-NOT:     math.erf
func.func @gelu_tanh(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = born.gelu %x approximate : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Floats compare ordered except `ne`; integers compare signed.
// CHECK-LABEL: func @cmp
// CHECK:         outs(%{{.+}} : tensor<4xi1>)
// CHECK:           arith.cmpf olt
// CHECK:           arith.cmpf une
// CHECK:           arith.cmpi sge
func.func @cmp(%x: tensor<4xf32>, %y: tensor<f32>, %i: tensor<4xi32>) -> (tensor<4xi1>, tensor<4xi1>, tensor<4xi1>) {
  %0 = born.cmp lt, %x, %x : tensor<4xf32>, tensor<4xf32>
  %1 = born.cmp ne, %x, %y : tensor<4xf32>, tensor<f32>
  %2 = born.cmp ge, %i, %i : tensor<4xi32>, tensor<4xi32>
  return %0, %1, %2 : tensor<4xi1>, tensor<4xi1>, tensor<4xi1>
}

// -----

// The three operands of where broadcast together in one generic.
// CHECK-DAG:   #[[$MASK:.+]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-DAG:   #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[$COL:.+]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func @where
// CHECK:         linalg.generic {indexing_maps = [#[[$MASK]], #[[$ID]], #[[$COL]], #[[$ID]]]
// CHECK:         ^bb0(%[[C:.+]]: i1, %[[T:.+]]: f32, %[[F:.+]]: f32, %{{.+}}: f32):
// CHECK:           arith.select %[[C]], %[[T]], %[[F]] : f32
func.func @where(%m: tensor<1x8xi1>, %x: tensor<4x8xf32>, %y: tensor<4x1xf32>) -> tensor<4x8xf32> {
  %0 = born.where %m, %x, %y : tensor<1x8xi1>, tensor<4x8xf32>, tensor<4x1xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @casts
// CHECK:         arith.fptosi %{{.+}} : f32 to i32
// CHECK:         arith.sitofp %{{.+}} : i32 to f32
// CHECK:         arith.truncf %{{.+}} : f32 to f16
// CHECK:         arith.extsi %{{.+}} : i8 to i64
// CHECK:         arith.trunci %{{.+}} : i64 to i32
// CHECK:         %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         arith.cmpf une, %{{.+}}, %[[ZERO]] : f32
// CHECK:         arith.uitofp %{{.+}} : i1 to f32
// CHECK:         arith.extui %{{.+}} : i1 to i32
// bf16 -> f16 goes through f32, which holds both exactly.
// CHECK:         %[[WIDE:.+]] = arith.extf %{{.+}} : bf16 to f32
// CHECK:         arith.truncf %[[WIDE]] : f32 to f16
func.func @casts(%f: tensor<4xf32>, %i: tensor<4xi32>, %b: tensor<4xi8>, %l: tensor<4xi64>, %m: tensor<4xi1>, %h: tensor<4xbf16>) -> (tensor<4xi32>, tensor<4xf32>, tensor<4xf16>, tensor<4xi64>, tensor<4xi32>, tensor<4xi1>, tensor<4xf32>, tensor<4xi32>, tensor<4xf16>) {
  %0 = born.cast %f : tensor<4xf32> to tensor<4xi32>
  %1 = born.cast %i : tensor<4xi32> to tensor<4xf32>
  %2 = born.cast %f : tensor<4xf32> to tensor<4xf16>
  %3 = born.cast %b : tensor<4xi8> to tensor<4xi64>
  %4 = born.cast %l : tensor<4xi64> to tensor<4xi32>
  %5 = born.cast %f : tensor<4xf32> to tensor<4xi1>
  %6 = born.cast %m : tensor<4xi1> to tensor<4xf32>
  %7 = born.cast %m : tensor<4xi1> to tensor<4xi32>
  %8 = born.cast %h : tensor<4xbf16> to tensor<4xf16>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8 : tensor<4xi32>, tensor<4xf32>, tensor<4xf16>, tensor<4xi64>, tensor<4xi32>, tensor<4xi1>, tensor<4xf32>, tensor<4xi32>, tensor<4xf16>
}

// -----

// born.param is left for the pass that turns parameters into arguments.
// CHECK-LABEL: func @param_stays
// CHECK:         %[[W:.+]] = born.param "fc.bias" : tensor<8xf32>
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%arg0, %[[W]] : tensor<4x8xf32>, tensor<8xf32>)
func.func @param_stays(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %w = born.param "fc.bias" : tensor<8xf32>
  %0 = born.add %x, %w : tensor<4x8xf32>, tensor<8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

// Each float function is one math op; round is roundeven (ties to even).
// CHECK-LABEL: func @math_functions
// CHECK: math.sin
// CHECK: math.cos
// CHECK: math.tan
// CHECK: math.asin
// CHECK: math.acos
// CHECK: math.atan
// CHECK: math.sinh
// CHECK: math.cosh
// CHECK: math.asinh
// CHECK: math.acosh
// CHECK: math.atanh
// CHECK: math.floor
// CHECK: math.ceil
// CHECK: math.roundeven
// CHECK: math.trunc
func.func @math_functions(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = born.sin %x : tensor<4xf32>
  %1 = born.cos %0 : tensor<4xf32>
  %2 = born.tan %1 : tensor<4xf32>
  %3 = born.asin %2 : tensor<4xf32>
  %4 = born.acos %3 : tensor<4xf32>
  %5 = born.atan %4 : tensor<4xf32>
  %6 = born.sinh %5 : tensor<4xf32>
  %7 = born.cosh %6 : tensor<4xf32>
  %8 = born.asinh %7 : tensor<4xf32>
  %9 = born.acosh %8 : tensor<4xf32>
  %10 = born.atanh %9 : tensor<4xf32>
  %11 = born.floor %10 : tensor<4xf32>
  %12 = born.ceil %11 : tensor<4xf32>
  %13 = born.round %12 : tensor<4xf32>
  %14 = born.trunc %13 : tensor<4xf32>
  return %14 : tensor<4xf32>
}

// -----

// Float sign keeps zeros and NaN (unordered-or-equal to 0), else +-1.
// CHECK-LABEL: func @sign_float
// CHECK:   ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK:     %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:     %[[KEEP:.+]] = arith.cmpf ueq, %[[X]], %[[ZERO]] : f32
// CHECK:     %[[ONE:.+]] = arith.constant 1.000000e+00 : f32
// CHECK:     %[[S:.+]] = math.copysign %[[ONE]], %[[X]] : f32
// CHECK:     arith.select %[[KEEP]], %[[X]], %[[S]] : f32
func.func @sign_float(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = born.sign %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

// Integer sign is (x > 0) - (x < 0).
// CHECK-LABEL: func @sign_int
// CHECK:   ^bb0(%[[X:.+]]: i16, %{{.+}}: i16):
// CHECK:     %[[GT:.+]] = arith.cmpi sgt, %[[X]]
// CHECK:     %[[P:.+]] = arith.extui %[[GT]] : i1 to i16
// CHECK:     %[[LT:.+]] = arith.cmpi slt, %[[X]]
// CHECK:     %[[N:.+]] = arith.extui %[[LT]] : i1 to i16
// CHECK:     arith.subi %[[P]], %[[N]] : i16
func.func @sign_int(%x: tensor<4xi16>) -> tensor<4xi16> {
  %0 = born.sign %x : tensor<4xi16>
  return %0 : tensor<4xi16>
}

// -----

// not is xor with all ones: logical on i1, bitwise on integers; and, or and
// xor are the arith bitwise ops on both.
// CHECK-LABEL: func @bits
// CHECK:       arith.xori %{{.+}}, %true : i1
// CHECK:       arith.xori %{{.+}}, %c-1_i8 : i8
// CHECK:       arith.andi %{{.+}}, %{{.+}} : i1
// CHECK:       arith.ori %{{.+}}, %{{.+}} : i8
// CHECK:       arith.xori %{{.+}}, %{{.+}} : i64
func.func @bits(%p: tensor<4xi1>, %i: tensor<4xi8>, %j: tensor<4xi64>) -> (tensor<4xi1>, tensor<4xi8>, tensor<4xi1>, tensor<4xi8>, tensor<4xi64>) {
  %0 = born.not %p : tensor<4xi1>
  %1 = born.not %i : tensor<4xi8>
  %2 = born.and %p, %0 : tensor<4xi1>, tensor<4xi1>
  %3 = born.or %i, %1 : tensor<4xi8>, tensor<4xi8>
  %4 = born.xor %j, %j : tensor<4xi64>, tensor<4xi64>
  return %0, %1, %2, %3, %4 : tensor<4xi1>, tensor<4xi8>, tensor<4xi1>, tensor<4xi8>, tensor<4xi64>
}

// -----

// rem: the sign of the dividend (C fmod and %).
// CHECK-LABEL: func @rem
// CHECK: arith.remf %{{.+}}, %{{.+}} : f64
// CHECK: arith.remsi %{{.+}}, %{{.+}} : i32
func.func @rem(%x: tensor<4xf64>, %y: tensor<f64>, %i: tensor<4xi32>, %j: tensor<4xi32>) -> (tensor<4xf64>, tensor<4xi32>) {
  %0 = born.rem %x, %y : tensor<4xf64>, tensor<f64>
  %1 = born.rem %i, %j : tensor<4xi32>, tensor<4xi32>
  return %0, %1 : tensor<4xf64>, tensor<4xi32>
}

// -----

// Casts between every kind of element type.
// CHECK-LABEL: func @casts
// CHECK: arith.fptosi %{{.+}} : f64 to i16
// CHECK: arith.sitofp %{{.+}} : i16 to bf16
// CHECK: arith.extsi %{{.+}} : i8 to i16
// CHECK: arith.trunci %{{.+}} : i64 to i16
// CHECK: arith.uitofp %{{.+}} : i1 to f64
// CHECK: arith.extui %{{.+}} : i1 to i16
// CHECK: arith.cmpi ne, %{{.+}}, %{{.+}} : i16
// CHECK: arith.extf %{{.+}} : bf16 to f32
// CHECK: arith.truncf %{{.+}} : f32 to f16
func.func @casts(%f: tensor<4xf64>, %s: tensor<4xi16>, %b: tensor<4xi8>, %l: tensor<4xi64>, %p: tensor<4xi1>, %h: tensor<4xbf16>)
    -> (tensor<4xi16>, tensor<4xbf16>, tensor<4xi16>, tensor<4xi16>, tensor<4xf64>, tensor<4xi16>, tensor<4xi1>, tensor<4xf16>) {
  %0 = born.cast %f : tensor<4xf64> to tensor<4xi16>
  %1 = born.cast %s : tensor<4xi16> to tensor<4xbf16>
  %2 = born.cast %b : tensor<4xi8> to tensor<4xi16>
  %3 = born.cast %l : tensor<4xi64> to tensor<4xi16>
  %4 = born.cast %p : tensor<4xi1> to tensor<4xf64>
  %5 = born.cast %p : tensor<4xi1> to tensor<4xi16>
  %6 = born.cast %s : tensor<4xi16> to tensor<4xi1>
  %7 = born.cast %h : tensor<4xbf16> to tensor<4xf16>
  return %0, %1, %2, %3, %4, %5, %6, %7 : tensor<4xi16>, tensor<4xbf16>, tensor<4xi16>, tensor<4xi16>, tensor<4xf64>, tensor<4xi16>, tensor<4xi1>, tensor<4xf16>
}
