// RUN: born-opt %s --pass-pipeline="builtin.module(func.func(born-convert-copies-to-linalg))" | FileCheck %s

// CHECK-LABEL: func @copy
// CHECK-SAME: (%[[A:.*]]: memref<4x3xf32>, %[[B:.*]]: memref<4x3xf32>)
// CHECK-NEXT: linalg.copy ins(%[[A]] : memref<4x3xf32>) outs(%[[B]] : memref<4x3xf32>)
// CHECK-NOT: memref.copy
func.func @copy(%a: memref<4x3xf32>, %b: memref<4x3xf32>) {
  memref.copy %a, %b : memref<4x3xf32> to memref<4x3xf32>
  return
}

// With keep-contiguous (the CPU), a copy between contiguous views stays a
// memref.copy (llvm.memcpy); a strided one still becomes linalg.copy.
// RUN: born-opt %s --pass-pipeline="builtin.module(func.func(born-convert-copies-to-linalg{keep-contiguous}))" | FileCheck %s --check-prefix=KEEP
// KEEP-LABEL: func @copy
// KEEP-NEXT:    memref.copy
// KEEP-LABEL: func @strided
// KEEP-NEXT:    linalg.copy
func.func @strided(%a: memref<4x3xf32>, %b: memref<4x3xf32, strided<[4, 1]>>) {
  memref.copy %a, %b : memref<4x3xf32> to memref<4x3xf32, strided<[4, 1]>>
  return
}
