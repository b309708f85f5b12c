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
