// RUN: born-opt %s --born-approximate-math | FileCheck %s
// RUN: born-opt %s --born-approximate-math=all | FileCheck %s --check-prefix=ALL

// With `all` (the CPU pipeline), exp and tanh become polynomials too.
// ALL-LABEL: func @activations
// ALL-NOT: math.erf
// ALL-NOT: math.tanh
// ALL-NOT: math.exp
// ALL: return

// erf has no GLSL.std.450 instruction: it becomes a polynomial; tanh and exp
// are left to the driver.
// CHECK-LABEL: func @activations
// CHECK-NOT: math.erf
// CHECK: math.fma
// CHECK: arith.divf
// CHECK: math.tanh
// CHECK: math.exp
func.func @activations(%x: f32) -> (f32, f32, f32) {
  %e = math.erf %x : f32
  %t = math.tanh %x : f32
  %x2 = math.exp %x : f32
  return %e, %t, %x2 : f32, f32, f32
}

// Vulkan: trunc has no SPIR-V conversion and GLSL's asin/acos are imprecise
// on some drivers; all three become ops that are accurate there. The CPU
// keeps them (LLVM intrinsics or libm).
// CHECK-LABEL: func @trunc_asin_acos
// CHECK-SAME:    (%[[X:.*]]: vector<4xf32>)
// CHECK:         arith.constant dense<1.000000e+00>
// CHECK:         %[[ABS:.*]] = math.absf %[[X]]
// CHECK:         %[[FLOOR:.*]] = math.floor %[[ABS]]
// CHECK:         %[[T:.*]] = math.copysign %[[FLOOR]], %[[X]]
// CHECK:         %[[SQ:.*]] = arith.mulf
// CHECK:         %[[S:.*]] = math.sqrt %[[SQ]]
// CHECK:         %[[Q:.*]] = arith.divf %[[X]], %[[S]]
// CHECK:         %[[ASIN:.*]] = math.atan %[[Q]]
// CHECK:         %[[R:.*]] = arith.divf
// CHECK:         %[[RS:.*]] = math.sqrt %[[R]]
// CHECK:         %[[AT:.*]] = math.atan %[[RS]]
// CHECK:         %[[ACOS:.*]] = arith.mulf %[[AT]], %{{.*}}
// CHECK:         return %[[T]], %[[ASIN]], %[[ACOS]]
// ALL-LABEL: func @trunc_asin_acos
// ALL: math.trunc
// ALL: math.asin
// ALL: math.acos
func.func @trunc_asin_acos(%x: vector<4xf32>) -> (vector<4xf32>, vector<4xf32>, vector<4xf32>) {
  %t = math.trunc %x : vector<4xf32>
  %s = math.asin %x : vector<4xf32>
  %c = math.acos %x : vector<4xf32>
  return %t, %s, %c : vector<4xf32>, vector<4xf32>, vector<4xf32>
}

// asinh, acosh and atanh are libm calls on the CPU, and libm has no f16:
// they compute in f32.
// ALL-LABEL: func @half_libm
// ALL: arith.extf %{{.*}} : f16 to f32
// ALL: math.asinh %{{.*}} : f32
// ALL: arith.truncf %{{.*}} : f32 to f16
func.func @half_libm(%x: f16) -> f16 {
  %0 = math.asinh %x : f16
  return %0 : f16
}
