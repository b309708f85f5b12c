// RUN: born-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(born-cpu-split-strided-copies))" | FileCheck %s

// Scores over cached slots copied into the first 2048 columns of a wider
// buffer: one memcpy-able row copy per (head, query).
// CHECK-LABEL: func @into_wider_rows
// CHECK:         scf.for %[[I:.+]] = %c0 to %c3
// CHECK:           scf.for %[[J:.+]] = %c0 to %c4
// CHECK:             %[[A:.+]] = memref.subview %arg0[%[[I]], %[[J]], 0] [1, 1, 2048] [1, 1, 1] : memref<3x4x2048xf32> to memref<2048xf32, strided<[1], offset: ?>>
// CHECK:             %[[B:.+]] = memref.subview %arg1[%[[I]], %[[J]], 0] [1, 1, 2048] [1, 1, 1] : memref<3x4x2048xf32, strided<[8448, 2112, 1]>> to memref<2048xf32, strided<[1], offset: ?>>
// CHECK:             memref.copy %[[A]], %[[B]]
// CHECK-NOT:     memref.copy
func.func @into_wider_rows(%a: memref<3x4x2048xf32>, %b: memref<3x4x2048xf32, strided<[8448, 2112, 1]>>) {
  memref.copy %a, %b : memref<3x4x2048xf32> to memref<3x4x2048xf32, strided<[8448, 2112, 1]>>
  return
}

// -----

// Left alone: a contiguous copy (already one memcpy), rows shorter than
// min-row, and an innermost dim with a stride.
// CHECK-LABEL: func @left_alone
// CHECK-NOT:     scf.for
// CHECK-COUNT-3: memref.copy
func.func @left_alone(%a: memref<4x64xf32>, %b: memref<4x64xf32>,
                      %c: memref<64x4xf32>, %d: memref<64x4xf32, strided<[8, 1]>>,
                      %e: memref<4x64xf32, strided<[128, 2]>>) {
  memref.copy %a, %b : memref<4x64xf32> to memref<4x64xf32>
  memref.copy %c, %d : memref<64x4xf32> to memref<64x4xf32, strided<[8, 1]>>
  memref.copy %a, %e : memref<4x64xf32> to memref<4x64xf32, strided<[128, 2]>>
  return
}
