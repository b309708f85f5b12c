// RUN: born-opt %s --pass-pipeline="builtin.module(func.func(born-convert-copies-to-linalg))" | FileCheck %s

// CHECK-LABEL: func @copy
// CHECK-SAME: (%[[A:.*]]: memref<4x3xf32>, %[[B:.*]]: memref<4x3xf32>)
// CHECK-NEXT: linalg.copy ins(%[[A]] : memref<4x3xf32>) outs(%[[B]] : memref<4x3xf32>)
// CHECK-NOT: memref.copy
func.func @copy(%a: memref<4x3xf32>, %b: memref<4x3xf32>) {
  memref.copy %a, %b : memref<4x3xf32> to memref<4x3xf32>
  return
}
