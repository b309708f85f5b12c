// RUN: born-opt %s --split-input-file --born-convert-to-linalg | FileCheck %s

// CHECK-LABEL: func @matmul_2d
// CHECK:         %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[EMPTY:.+]] = tensor.empty() : tensor<4x16xf32>
// CHECK:         %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<4x16xf32>)
// CHECK:         %[[MM:.+]] = linalg.matmul ins(%arg0, %arg1 : tensor<4x8xf32>, tensor<8x16xf32>) outs(%[[INIT]] : tensor<4x16xf32>)
// CHECK:         return %[[MM]]
func.func @matmul_2d(%a: tensor<4x8xf32>, %b: tensor<8x16xf32>) -> tensor<4x16xf32> {
  %0 = born.matmul %a, %b : tensor<4x8xf32>, tensor<8x16xf32>
  return %0 : tensor<4x16xf32>
}

// -----

// Equal 3-D batches need no reshaping.
// CHECK-LABEL: func @batch_matmul
// CHECK:         linalg.fill ins(%{{.+}} : f16)
// CHECK:         %[[BMM:.+]] = linalg.batch_matmul ins(%arg0, %arg1 : tensor<3x4x8xf16>, tensor<3x8x16xf16>)
// CHECK-NOT:     tensor.expand_shape
// CHECK:         return %[[BMM]]
func.func @batch_matmul(%a: tensor<3x4x8xf16>, %b: tensor<3x8x16xf16>) -> tensor<3x4x16xf16> {
  %0 = born.matmul %a, %b : tensor<3x4x8xf16>, tensor<3x8x16xf16>
  return %0 : tensor<3x4x16xf16>
}

// -----

// Batch dimensions [2, 1] and [3] broadcast to [2, 3], fold into 6, and come
// back after one batch_matmul.
// CHECK-DAG:   #[[$LHS:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>
// CHECK-DAG:   #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG:   #[[$RHS:.+]] = affine_map<(d0, d1, d2, d3) -> (d1, d2, d3)>
// CHECK-LABEL: func @broadcast_batch
// CHECK:         %[[L:.+]] = linalg.generic {indexing_maps = [#[[$LHS]], #[[$ID]]]{{.*}} ins(%arg0 : tensor<2x1x4x8xf32>) outs(%{{.+}} : tensor<2x3x4x8xf32>)
// CHECK:         %[[L3:.+]] = tensor.collapse_shape %[[L]] {{\[\[}}0, 1], [2], [3]] : tensor<2x3x4x8xf32> into tensor<6x4x8xf32>
// CHECK:         %[[R:.+]] = linalg.generic {indexing_maps = [#[[$RHS]], #[[$ID]]]{{.*}} ins(%arg1 : tensor<3x8x16xf32>) outs(%{{.+}} : tensor<2x3x8x16xf32>)
// CHECK:         %[[R3:.+]] = tensor.collapse_shape %[[R]] {{\[\[}}0, 1], [2], [3]] : tensor<2x3x8x16xf32> into tensor<6x8x16xf32>
// CHECK:         %[[BMM:.+]] = linalg.batch_matmul ins(%[[L3]], %[[R3]] : tensor<6x4x8xf32>, tensor<6x8x16xf32>)
// CHECK:         tensor.expand_shape %[[BMM]] {{\[\[}}0, 1], [2], [3]] output_shape [2, 3, 4, 16] : tensor<6x4x16xf32> into tensor<2x3x4x16xf32>
func.func @broadcast_batch(%a: tensor<2x1x4x8xf32>, %b: tensor<3x8x16xf32>) -> tensor<2x3x4x16xf32> {
  %0 = born.matmul %a, %b : tensor<2x1x4x8xf32>, tensor<3x8x16xf32>
  return %0 : tensor<2x3x4x16xf32>
}

// -----

// A rank-2 rhs is shared by every batch: the lhs batches fold into rows of a
// single matmul and the weight is never copied.
// CHECK-LABEL: func @shared_rhs
// CHECK:         %[[ROWS:.+]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1, 2], [3]] : tensor<2x3x4x8xf32> into tensor<24x8xf32>
// CHECK:         %[[MM:.+]] = linalg.matmul ins(%[[ROWS]], %arg1 : tensor<24x8xf32>, tensor<8x16xf32>)
// CHECK:         tensor.expand_shape %[[MM]] {{\[\[}}0, 1, 2], [3]] output_shape [2, 3, 4, 16] : tensor<24x16xf32> into tensor<2x3x4x16xf32>
func.func @shared_rhs(%a: tensor<2x3x4x8xf32>, %w: tensor<8x16xf32>) -> tensor<2x3x4x16xf32> {
  %0 = born.matmul %a, %w : tensor<2x3x4x8xf32>, tensor<8x16xf32>
  return %0 : tensor<2x3x4x16xf32>
}

// -----

// CHECK-LABEL: func @integer
// CHECK:         %[[ZERO:.+]] = arith.constant 0 : i8
// CHECK:         linalg.fill ins(%[[ZERO]] : i8)
// CHECK:         linalg.matmul ins(%arg0, %arg1 : tensor<4x8xi8>, tensor<8x16xi8>)
func.func @integer(%a: tensor<4x8xi8>, %b: tensor<8x16xi8>) -> tensor<4x16xi8> {
  %0 = born.matmul %a, %b : tensor<4x8xi8>, tensor<8x16xi8>
  return %0 : tensor<4x16xi8>
}
