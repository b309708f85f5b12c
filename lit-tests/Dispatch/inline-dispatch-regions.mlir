// RUN: born-opt %s --pass-pipeline="builtin.module(func.func(born-inline-dispatch-regions))" | FileCheck %s

// CHECK-LABEL: func @inline
// CHECK-NOT: born.dispatch
// CHECK: %[[F:.*]] = linalg.fill
// CHECK-NOT: born.yield
// CHECK: return %[[F]]
func.func @inline(%e: tensor<4xf32>) -> tensor<4xf32> {
  %zero = arith.constant 0.0 : f32
  %r = born.dispatch -> (tensor<4xf32>) {
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
    born.yield %f : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
