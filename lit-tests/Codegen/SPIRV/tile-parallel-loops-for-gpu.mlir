// RUN: born-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(born-tile-parallel-loops-for-gpu, cse))" | FileCheck %s
// RUN: born-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(born-tile-parallel-loops-for-gpu{workgroup-size=16}, cse))" | FileCheck %s --check-prefix=SMALL

// One dimension: the whole workgroup, with a guard for the last partial tile.
// CHECK-LABEL: func @one_dim
// CHECK-DAG: %[[C100:.*]] = arith.constant 100 : index
// CHECK-DAG: %[[C64:.*]] = arith.constant 64 : index
// CHECK: %[[T:.*]] = arith.muli %{{.*}}, %[[C64]]
// CHECK: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%[[C100]]) step (%[[T]])
// CHECK: scf.parallel (%[[J:.*]]) = (%{{.*}}) to (%[[T]])
// CHECK: arith.cmpi ult, %{{.*}}, %[[C100]]
// CHECK: scf.if
// SMALL-LABEL: func @one_dim
// SMALL: arith.constant 16 : index
func.func @one_dim(%a: memref<100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c100 = arith.constant 100 : index
  %cst = arith.constant 1.0 : f32
  scf.parallel (%i) = (%c0) to (%c100) step (%c1) {
    memref.store %cst, %a[%i] : memref<100xf32>
  }
  return
}

// -----

// A short outer dimension leaves the threads to the inner one: 4x16.
// CHECK-LABEL: func @two_dims
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C16:.*]] = arith.constant 16 : index
// CHECK: %[[T0:.*]] = arith.muli %{{.*}}, %[[C4]]
// CHECK: %[[T1:.*]] = arith.muli %{{.*}}, %[[C16]]
// CHECK: scf.parallel ({{.*}}) step (%[[T0]], %[[T1]])
// CHECK: scf.parallel ({{.*}}) to (%[[T0]], %[[T1]])
func.func @two_dims(%a: memref<4x70xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c70 = arith.constant 70 : index
  %cst = arith.constant 1.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c70) step (%c1, %c1) {
    memref.store %cst, %a[%i, %j] : memref<4x70xf32>
  }
  return
}

// -----

// Dimensions past the third stay sequential (tile size 1): 2x4x8x1.
// CHECK-LABEL: func @four_dims
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[C4:.*]] = arith.constant 4 : index
// CHECK-DAG: %[[C8:.*]] = arith.constant 8 : index
// CHECK: %[[T0:.*]] = arith.muli %[[C1]], %[[C2]]
// CHECK: %[[T1:.*]] = arith.muli %[[C1]], %[[C4]]
// CHECK: %[[T2:.*]] = arith.muli %[[C1]], %[[C8]]
// CHECK: %[[T3:.*]] = arith.muli %[[C1]], %[[C1]]
// CHECK: scf.parallel ({{.*}}) step (%[[T0]], %[[T1]], %[[T2]], %[[T3]])
// CHECK: scf.parallel ({{.*}}) to (%[[T0]], %[[T1]], %[[T2]], %[[T3]])
// CHECK-NOT: scf.parallel
func.func @four_dims(%a: memref<2x8x8x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %cst = arith.constant 1.0 : f32
  scf.parallel (%i, %j, %k, %l) = (%c0, %c0, %c0, %c0) to (%c2, %c8, %c8, %c8) step (%c1, %c1, %c1, %c1) {
    memref.store %cst, %a[%i, %j, %k, %l] : memref<2x8x8x8xf32>
  }
  return
}
