// RUN: born-opt %s --born-cpu-rebase-strided-gathers --split-input-file | FileCheck %s

// A gather the vectorizer made from tensor.extract of a slice: its offsets
// linearize the slice's logical shape [2, 5, 6]; in memory rows are 7 apart.
// CHECK-LABEL: func.func @strided
// CHECK-SAME: (%[[SRC:.*]]: memref<2x5x7xf32>, %[[IDX:.*]]: vector<4xindex>)
// CHECK: %[[VIEW:.*]] = memref.subview %[[SRC]]
// CHECK: %[[BASE:.*]] = vector.broadcast %{{.*}} : index to vector<4xindex>
// CHECK: %[[LIN:.*]] = arith.addi %[[IDX]], %[[BASE]] : vector<4xindex>
// CHECK: %[[COL:.*]] = arith.remui %[[LIN]], %{{.*}}
// CHECK: %[[Q:.*]] = arith.divui %[[LIN]], %{{.*}}
// CHECK: %[[ROW:.*]] = arith.remui %[[Q]], %{{.*}}
// CHECK: %[[PLANE:.*]] = arith.divui %[[Q]], %{{.*}}
// CHECK: %[[C7:.*]] = arith.constant dense<7> : vector<4xindex>
// CHECK: %[[R7:.*]] = arith.muli %[[ROW]], %[[C7]]
// CHECK: %[[S1:.*]] = arith.addi %[[COL]], %[[R7]]
// CHECK: %[[C35:.*]] = arith.constant dense<35> : vector<4xindex>
// CHECK: %[[P35:.*]] = arith.muli %[[PLANE]], %[[C35]]
// CHECK: %[[MEM:.*]] = arith.addi %[[S1]], %[[P35]]
// CHECK: vector.gather %[[VIEW]][%{{.*}}, %{{.*}}, %{{.*}}] [%[[MEM]]]
func.func @strided(%src: memref<2x5x7xf32>, %idx: vector<4xindex>) -> vector<4xf32> {
  %c0 = arith.constant 0 : index
  %mask = arith.constant dense<true> : vector<4xi1>
  %pass = arith.constant dense<0.0> : vector<4xf32>
  %view = memref.subview %src[0, 0, 1] [2, 5, 6] [1, 1, 1] : memref<2x5x7xf32> to memref<2x5x6xf32, strided<[35, 7, 1], offset: 1>>
  %g = vector.gather %view[%c0, %c0, %c0] [%idx], %mask, %pass : memref<2x5x6xf32, strided<[35, 7, 1], offset: 1>>, vector<4xindex>, vector<4xi1>, vector<4xf32> into vector<4xf32>
  return %g : vector<4xf32>
}

// -----

// Contiguous buffers (any offset, unit dims with any stride) are left alone.
// CHECK-LABEL: func.func @contiguous
// CHECK-NOT: arith.divui
// CHECK: vector.gather %{{.*}}[%{{.*}}, %{{.*}}] [%{{.*}}]
func.func @contiguous(%src: memref<4x6xf32>, %idx: vector<4xindex>) -> vector<4xf32> {
  %c0 = arith.constant 0 : index
  %mask = arith.constant dense<true> : vector<4xi1>
  %pass = arith.constant dense<0.0> : vector<4xf32>
  %view = memref.subview %src[1, 0] [2, 6] [1, 1] : memref<4x6xf32> to memref<2x6xf32, strided<[6, 1], offset: 6>>
  %g = vector.gather %view[%c0, %c0] [%idx], %mask, %pass : memref<2x6xf32, strided<[6, 1], offset: 6>>, vector<4xindex>, vector<4xi1>, vector<4xf32> into vector<4xf32>
  return %g : vector<4xf32>
}
