// RUN: born-opt %s --pass-pipeline="builtin.module(func.func(born-wrap-serial-linalg-ops))" | FileCheck %s

// A full reduction gets a one-iteration parallel loop; an op with a parallel
// dimension is left alone.
// CHECK-LABEL: func @wrap
// CHECK: linalg.fill ins(%{{.*}} : f32) outs(%{{.*}} : memref<4xf32>)
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: scf.parallel (%{{.*}}) = (%[[C0]]) to (%[[C1]]) step (%[[C1]]) {
// CHECK-NEXT: linalg.reduce ins(%{{.*}} : memref<4xf32>) outs(%{{.*}} : memref<f32>) dimensions = [0]
func.func @wrap(%x: memref<4xf32>, %s: memref<f32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%x : memref<4xf32>)
  linalg.reduce ins(%x : memref<4xf32>) outs(%s : memref<f32>) dimensions = [0]
    (%a: f32, %b: f32) {
      %r = arith.addf %a, %b : f32
      linalg.yield %r : f32
    }
  return
}
