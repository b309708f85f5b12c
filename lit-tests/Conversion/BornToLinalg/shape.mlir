// RUN: born-opt %s --split-input-file --born-convert-to-linalg | FileCheck %s

// Shapes without a common grouping go through 1-D.
// CHECK-LABEL: func @reshape_through_1d
// CHECK:         %[[FLAT:.+]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2]] : tensor<2x3x4xf32> into tensor<24xf32>
// CHECK:         %[[R:.+]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0, 1]] output_shape [4, 6] : tensor<24xf32> into tensor<4x6xf32>
// CHECK:         return %[[R]]
func.func @reshape_through_1d(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  %0 = born.reshape %x : tensor<2x3x4xf32> to tensor<4x6xf32>
  return %0 : tensor<4x6xf32>
}

// -----

// One collapse or one expand when the dimensions group.
// CHECK-LABEL: func @reshape_single_op
// CHECK:         %[[C:.+]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<2x3x4xf32> into tensor<6x4xf32>
// CHECK:         %[[E:.+]] = tensor.expand_shape %arg1 {{\[\[}}0, 1]] output_shape [2, 3] : tensor<6xf32> into tensor<2x3xf32>
// CHECK:         return %[[C]], %[[E]], %arg0
func.func @reshape_single_op(%x: tensor<2x3x4xf32>, %v: tensor<6xf32>) -> (tensor<6x4xf32>, tensor<2x3xf32>, tensor<2x3x4xf32>) {
  %0 = born.reshape %x : tensor<2x3x4xf32> to tensor<6x4xf32>
  %1 = born.reshape %v : tensor<6xf32> to tensor<2x3xf32>
  %2 = born.reshape %x : tensor<2x3x4xf32> to tensor<2x3x4xf32>
  return %0, %1, %2 : tensor<6x4xf32>, tensor<2x3xf32>, tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func @reshape_rank0
// CHECK:         tensor.collapse_shape %arg0 [] : tensor<1x1xi64> into tensor<i64>
func.func @reshape_rank0(%x: tensor<1x1xi64>) -> tensor<i64> {
  %0 = born.reshape %x : tensor<1x1xi64> to tensor<i64>
  return %0 : tensor<i64>
}

// -----

// CHECK-LABEL: func @transpose
// CHECK:         %[[EMPTY:.+]] = tensor.empty() : tensor<4x2x3xf32>
// CHECK:         linalg.transpose ins(%arg0 : tensor<2x3x4xf32>) outs(%[[EMPTY]] : tensor<4x2x3xf32>) permutation = [2, 0, 1]
func.func @transpose(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %0 = born.transpose %x permutation = [2, 0, 1] : tensor<2x3x4xf32>
  return %0 : tensor<4x2x3xf32>
}

// -----

// NumPy broadcast: a new leading dimension and a stretched unit dimension.
// CHECK-DAG:   #[[$IN:.+]] = affine_map<(d0, d1, d2) -> (d1, 0)>
// CHECK-DAG:   #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func @broadcast
// CHECK:         linalg.generic {indexing_maps = [#[[$IN]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME:      ins(%arg0 : tensor<3x1xf32>) outs(%{{.+}} : tensor<2x3x4xf32>)
// CHECK:         ^bb0(%[[X:.+]]: f32, %{{.+}}: f32):
// CHECK:           linalg.yield %[[X]] : f32
func.func @broadcast(%c: tensor<3x1xf32>) -> tensor<2x3x4xf32> {
  %0 = born.broadcast %c : tensor<3x1xf32> to tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func @concat
// CHECK:         %[[EMPTY:.+]] = tensor.empty() : tensor<2x5xf32>
// CHECK:         %[[S0:.+]] = tensor.insert_slice %arg0 into %[[EMPTY]][0, 0] [2, 1] [1, 1] : tensor<2x1xf32> into tensor<2x5xf32>
// CHECK:         %[[S1:.+]] = tensor.insert_slice %arg1 into %[[S0]][0, 1] [2, 3] [1, 1] : tensor<2x3xf32> into tensor<2x5xf32>
// CHECK:         %[[S2:.+]] = tensor.insert_slice %arg0 into %[[S1]][0, 4] [2, 1] [1, 1] : tensor<2x1xf32> into tensor<2x5xf32>
// CHECK:         return %[[S2]]
func.func @concat(%a: tensor<2x1xf32>, %b: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %0 = born.concat %a, %b, %a axis = 1 : tensor<2x1xf32>, tensor<2x3xf32>, tensor<2x1xf32>
  return %0 : tensor<2x5xf32>
}

// -----

// CHECK-LABEL: func @strided_slice
// CHECK:         tensor.extract_slice %arg0[1, 0, 1] [1, 2, 2] [1, 2, 2] : tensor<2x3x4xf32> to tensor<1x2x2xf32>
func.func @strided_slice(%x: tensor<2x3x4xf32>) -> tensor<1x2x2xf32> {
  %0 = born.slice %x start = [1, 0, 1] limit = [2, 3, 4] step = [1, 2, 2] : tensor<2x3x4xf32>
  return %0 : tensor<1x2x2xf32>
}

// -----

// Gather along axis 1 of a 5x7x3 table with 2x4 indices: the generic runs
// over the 5x2x4x3 result, reads the index through (d1, d2), wraps negative
// indices, clamps into [0, 6] and extracts table[d0, index, d3].
// CHECK-DAG:   #[[$IDS:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d2)>
// CHECK-DAG:   #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func @gather
// CHECK:         linalg.generic {indexing_maps = [#[[$IDS]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel", "parallel"]}
// CHECK-SAME:      ins(%arg1 : tensor<2x4xi32>) outs(%{{.+}} : tensor<5x2x4x3xf32>)
// CHECK:         ^bb0(%[[ID:.+]]: i32, %{{.+}}: f32):
// CHECK:           %[[I:.+]] = arith.index_cast %[[ID]] : i32 to index
// CHECK-DAG:       %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG:       %[[C7:.+]] = arith.constant 7 : index
// CHECK-DAG:       %[[C6:.+]] = arith.constant 6 : index
// CHECK:           %[[NEG:.+]] = arith.cmpi slt, %[[I]], %[[C0]] : index
// CHECK:           %[[WRAPPED:.+]] = arith.addi %[[I]], %[[C7]] : index
// CHECK:           %[[SEL:.+]] = arith.select %[[NEG]], %[[WRAPPED]], %[[I]] : index
// CHECK:           %[[LOW:.+]] = arith.maxsi %[[SEL]], %[[C0]] : index
// CHECK:           %[[CLAMPED:.+]] = arith.minsi %[[LOW]], %[[C6]] : index
// CHECK:           %[[D0:.+]] = linalg.index 0 : index
// CHECK:           %[[D3:.+]] = linalg.index 3 : index
// CHECK:           %[[V:.+]] = tensor.extract %arg0[%[[D0]], %[[CLAMPED]], %[[D3]]] : tensor<5x7x3xf32>
// CHECK:           linalg.yield %[[V]] : f32
func.func @gather(%t: tensor<5x7x3xf32>, %ids: tensor<2x4xi32>) -> tensor<5x2x4x3xf32> {
  %0 = born.gather %t, %ids axis = 1 : tensor<5x7x3xf32>, tensor<2x4xi32>
  return %0 : tensor<5x2x4x3xf32>
}

// -----

// CHECK-LABEL: func @constant
// CHECK:         %[[C:.+]] = arith.constant dense<[1, -2]> : tensor<2xi64>
// CHECK:         return %[[C]]
func.func @constant() -> tensor<2xi64> {
  %0 = born.constant dense<[1, -2]> : tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// scatter_add reduces over the indices' dimensions (d3, d4): each result
// element adds the updates whose wrapped and clamped index equals its
// position along the axis (d1).
// CHECK-DAG:   #[[$UPD:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d3, d4, d2)>
// CHECK-DAG:   #[[$IDX:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d3, d4)>
// CHECK-DAG:   #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>
// CHECK-LABEL: func @scatter_add
// CHECK:         %[[ZERO:.+]] = linalg.fill
// CHECK:         linalg.generic {indexing_maps = [#[[$UPD]], #[[$IDX]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction"]}
// CHECK-SAME:      ins(%arg0, %arg1 : tensor<5x2x4x3xf32>, tensor<2x4xi32>) outs(%[[ZERO]] : tensor<5x7x3xf32>)
// CHECK:         ^bb0(%[[U:.+]]: f32, %[[ID:.+]]: i32, %[[ACC:.+]]: f32):
// CHECK:           %[[I:.+]] = arith.index_cast %[[ID]] : i32 to index
// CHECK:           %[[NEG:.+]] = arith.cmpi slt, %[[I]], %{{.+}} : index
// CHECK:           %[[SEL:.+]] = arith.select %[[NEG]], %{{.+}}, %[[I]] : index
// CHECK:           %[[LOW:.+]] = arith.maxsi %[[SEL]], %{{.+}} : index
// CHECK:           %[[CLAMPED:.+]] = arith.minsi %[[LOW]], %{{.+}} : index
// CHECK:           %[[D1:.+]] = linalg.index 1 : index
// CHECK:           %[[HERE:.+]] = arith.cmpi eq, %[[CLAMPED]], %[[D1]] : index
// CHECK:           %[[V:.+]] = arith.select %[[HERE]], %[[U]], %{{.+}} : f32
// CHECK:           %[[SUM:.+]] = arith.addf %[[ACC]], %[[V]] : f32
// CHECK:           linalg.yield %[[SUM]] : f32
func.func @scatter_add(%u: tensor<5x2x4x3xf32>, %ids: tensor<2x4xi32>) -> tensor<5x7x3xf32> {
  %0 = born.scatter_add %u, %ids axis = 1 : tensor<5x2x4x3xf32>, tensor<2x4xi32> to tensor<5x7x3xf32>
  return %0 : tensor<5x7x3xf32>
}
