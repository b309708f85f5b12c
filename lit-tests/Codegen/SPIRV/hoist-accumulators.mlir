// RUN: born-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(born-hoist-accumulators))" | FileCheck %s

// A thread's matmul reduction: the output element is loaded once before the
// loop, carried in a register, and stored once after it.
// CHECK-LABEL: func @accumulate
// CHECK: scf.parallel (%[[I:.*]], %[[J:.*]]) =
// CHECK: %[[INIT:.*]] = memref.load %[[OUT:.*]][%[[I]], %[[J]]]
// CHECK: %[[SUM:.*]] = scf.for %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32)
// CHECK-NOT: memref.store
// CHECK: %[[NEXT:.*]] = arith.addf %[[ACC]]
// CHECK: scf.yield %[[NEXT]]
// CHECK: memref.store %[[SUM]], %[[OUT]][%[[I]], %[[J]]]
func.func @accumulate(%x: memref<4x8xf32>, %w: memref<8x16xf32>, %out: memref<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c16) step (%c1, %c1) {
    scf.for %k = %c0 to %c8 step %c1 {
      %a = memref.load %x[%i, %k] : memref<4x8xf32>
      %b = memref.load %w[%k, %j] : memref<8x16xf32>
      %acc = memref.load %out[%i, %j] : memref<4x16xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %acc, %p : f32
      memref.store %s, %out[%i, %j] : memref<4x16xf32>
    }
    scf.reduce
  }
  return
}

// -----

// The loop also reads another element of the buffer it accumulates into:
// the accumulator must stay in memory.
// CHECK-LABEL: func @reads_other_element
// CHECK: scf.for
// CHECK-NOT: iter_args
// CHECK: memref.store
// CHECK: scf.reduce
func.func @reads_other_element(%out: memref<4x16xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c16) step (%c1, %c1) {
    scf.for %k = %c0 to %c16 step %c1 {
      %v = memref.load %out[%i, %k] : memref<4x16xf32>
      %acc = memref.load %out[%i, %j] : memref<4x16xf32>
      %s = arith.addf %acc, %v : f32
      memref.store %s, %out[%i, %j] : memref<4x16xf32>
    }
    scf.reduce
  }
  return
}
