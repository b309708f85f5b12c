// RUN: born-opt %s --pass-pipeline="builtin.module(func.func(born-move-reductions-inward))" | FileCheck %s

// A reduction over the leading dimension: the parallel dimension moves
// outward and linalg.index follows its loop.
// CHECK-DAG: #[[IN:.*]] = affine_map<(d0, d1) -> (d1, d0)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @argmax_axis0
// CHECK: linalg.generic {indexing_maps = [#[[IN]], #[[OUT]], #[[OUT]]], iterator_types = ["parallel", "reduction"]}
// CHECK: linalg.index 1 : index
func.func @argmax_axis0(%x: memref<5x33xf32>, %m: memref<33xf32>, %i: memref<33xi64>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d1)>],
                  iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<5x33xf32>) outs(%m, %i : memref<33xf32>, memref<33xi64>) {
  ^bb0(%in: f32, %best: f32, %at: i64):
    %k = linalg.index 0 : index
    %ki = arith.index_cast %k : index to i64
    %gt = arith.cmpf ogt, %in, %best : f32
    %v = arith.select %gt, %in, %best : f32
    %j = arith.select %gt, %ki, %at : i64
    linalg.yield %v, %j : f32, i64
  }
  return
}

// Named ops are generalized first; ops already in order are left alone.
// CHECK-LABEL: func @reduce_axis0
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK-NOT: linalg.reduce
// CHECK: linalg.matmul
func.func @reduce_axis0(%x: memref<4x6xf32>, %s: memref<6xf32>, %a: memref<2x4xf32>, %c: memref<2x6xf32>) {
  linalg.reduce ins(%x : memref<4x6xf32>) outs(%s : memref<6xf32>) dimensions = [0]
    (%in: f32, %acc: f32) {
      %r = arith.addf %in, %acc : f32
      linalg.yield %r : f32
    }
  linalg.matmul ins(%a, %x : memref<2x4xf32>, memref<4x6xf32>) outs(%c : memref<2x6xf32>)
  return
}
