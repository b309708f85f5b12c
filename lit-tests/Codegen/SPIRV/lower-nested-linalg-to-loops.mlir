// RUN: born-opt %s --pass-pipeline="builtin.module(func.func(born-lower-nested-linalg-to-loops))" | FileCheck %s

// Inside a kernel's loop, a linalg op is one thread's work: sequential
// loops. An op outside any scf.parallel is left for its own kernel.
// CHECK-LABEL: func @nested
// CHECK: scf.parallel
// CHECK-NOT: scf.parallel
// CHECK-NOT: linalg.
// CHECK: memref.store %cst
// CHECK: scf.for %{{.*}} = %{{.*}} to %c8
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: scf.reduce
// CHECK: linalg.fill ins(%cst : f32) outs(%{{.*}} : memref<4xf32>)
func.func @nested(%x: memref<4x8xf32>, %w: memref<8x16xf32>, %out: memref<4x16xf32>, %other: memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %zero = arith.constant 0.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c16) step (%c1, %c1) {
    %xs = memref.subview %x[%i, 0] [1, 8] [1, 1] : memref<4x8xf32> to memref<1x8xf32, strided<[8, 1], offset: ?>>
    %ws = memref.subview %w[0, %j] [8, 1] [1, 1] : memref<8x16xf32> to memref<8x1xf32, strided<[16, 1], offset: ?>>
    %os = memref.subview %out[%i, %j] [1, 1] [1, 1] : memref<4x16xf32> to memref<1x1xf32, strided<[16, 1], offset: ?>>
    linalg.fill ins(%zero : f32) outs(%os : memref<1x1xf32, strided<[16, 1], offset: ?>>)
    linalg.matmul ins(%xs, %ws : memref<1x8xf32, strided<[8, 1], offset: ?>>, memref<8x1xf32, strided<[16, 1], offset: ?>>)
                  outs(%os : memref<1x1xf32, strided<[16, 1], offset: ?>>)
    scf.reduce
  }
  linalg.fill ins(%zero : f32) outs(%other : memref<4xf32>)
  return
}
