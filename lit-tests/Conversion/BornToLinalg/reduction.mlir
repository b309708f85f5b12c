// RUN: born-opt %s --split-input-file --born-convert-to-linalg | FileCheck %s

// Sum starts from 0; keepdims restores the unit dimension with expand_shape.
// CHECK-LABEL: func @sum_keepdims
// CHECK:         %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[EMPTY:.+]] = tensor.empty() : tensor<2x4xf32>
// CHECK:         %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[EMPTY]] : tensor<2x4xf32>)
// CHECK:         %[[SUM:.+]] = linalg.reduce ins(%arg0 : tensor<2x3x4xf32>) outs(%[[INIT]] : tensor<2x4xf32>) dimensions = [1]
// CHECK:           arith.addf
// CHECK:         %[[R:.+]] = tensor.expand_shape %[[SUM]] {{\[\[}}0], [1, 2]] output_shape [2, 1, 4] : tensor<2x4xf32> into tensor<2x1x4xf32>
// CHECK:         return %[[R]]
func.func @sum_keepdims(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
  %0 = born.reduce sum %x axes = [1] keepdims : tensor<2x3x4xf32>
  return %0 : tensor<2x1x4xf32>
}

// -----

// Axes are sorted for linalg.reduce; mean divides the sum by the count.
// CHECK-LABEL: func @mean
// CHECK:         %[[SUM:.+]] = linalg.reduce ins(%arg0 : tensor<2x3x4xf32>) outs(%{{.+}} : tensor<3xf32>) dimensions = [0, 2]
// CHECK:         %[[N:.+]] = arith.constant 8.000000e+00 : f32
// CHECK:         linalg.generic {{.*}} ins(%[[SUM]] : tensor<3xf32>)
// CHECK:           arith.divf %{{.+}}, %[[N]] : f32
// CHECK-NOT:     tensor.expand_shape
func.func @mean(%x: tensor<2x3x4xf32>) -> tensor<3xf32> {
  %0 = born.reduce mean %x axes = [2, 0] : tensor<2x3x4xf32>
  return %0 : tensor<3xf32>
}

// -----

// CHECK-LABEL: func @max_min
// CHECK:         %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK:         linalg.fill ins(%[[NEG_INF]] : f32)
// CHECK:         linalg.reduce
// CHECK:           arith.maximumf
// CHECK:         %[[INF:.+]] = arith.constant 0x7F800000 : f32
// CHECK:         linalg.fill ins(%[[INF]] : f32)
// CHECK:         linalg.reduce
// CHECK:           arith.minimumf
func.func @max_min(%x: tensor<2x3xf32>) -> (tensor<2xf32>, tensor<2xf32>) {
  %0 = born.reduce max %x axes = [1] : tensor<2x3xf32>
  %1 = born.reduce min %x axes = [1] : tensor<2x3xf32>
  return %0, %1 : tensor<2xf32>, tensor<2xf32>
}

// -----

// Integer max starts from the smallest i32; reducing every axis with
// keepdims expands a rank-0 tensor.
// CHECK-LABEL: func @integer_max_all
// CHECK:         %[[LOWEST:.+]] = arith.constant -2147483648 : i32
// CHECK:         %[[EMPTY:.+]] = tensor.empty() : tensor<i32>
// CHECK:         linalg.fill ins(%[[LOWEST]] : i32) outs(%[[EMPTY]] : tensor<i32>)
// CHECK:         %[[MAX:.+]] = linalg.reduce {{.*}} dimensions = [0, 1]
// CHECK:           arith.maxsi
// CHECK:         tensor.expand_shape %[[MAX]] [] output_shape [1, 1] : tensor<i32> into tensor<1x1xi32>
func.func @integer_max_all(%x: tensor<2x3xi32>) -> tensor<1x1xi32> {
  %0 = born.reduce max %x axes = [0, 1] keepdims : tensor<2x3xi32>
  return %0 : tensor<1x1xi32>
}

// -----

// One generic carries (value, index); a strictly greater element (or the
// first NaN) replaces them, so ties keep the first index.
// CHECK-DAG:   #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[$ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @argmax
// CHECK:         %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK:         %[[VALUES:.+]] = linalg.fill ins(%[[NEG_INF]] : f32) {{.*}} -> tensor<4xf32>
// CHECK:         %[[ZERO:.+]] = arith.constant 0 : i64
// CHECK:         %[[INDICES:.+]] = linalg.fill ins(%[[ZERO]] : i64) {{.*}} -> tensor<4xi64>
// CHECK:         %[[R:.+]]:2 = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME:      ins(%arg0 : tensor<4x10xf32>) outs(%[[VALUES]], %[[INDICES]] : tensor<4xf32>, tensor<4xi64>)
// CHECK:         ^bb0(%[[X:.+]]: f32, %[[BEST:.+]]: f32, %[[BEST_INDEX:.+]]: i64):
// CHECK:           %[[I:.+]] = linalg.index 1 : index
// CHECK:           %[[I64:.+]] = arith.index_cast %[[I]] : index to i64
// CHECK:           %[[GT:.+]] = arith.cmpf ogt, %[[X]], %[[BEST]] : f32
// CHECK:           %[[NAN:.+]] = arith.cmpf uno, %[[X]], %[[X]] : f32
// CHECK:           %[[NUM:.+]] = arith.cmpf ord, %[[BEST]], %[[BEST]] : f32
// CHECK:           %[[FIRST_NAN:.+]] = arith.andi %[[NAN]], %[[NUM]] : i1
// CHECK:           %[[TAKE:.+]] = arith.ori %[[GT]], %[[FIRST_NAN]] : i1
// CHECK:           %[[V:.+]] = arith.select %[[TAKE]], %[[X]], %[[BEST]] : f32
// CHECK:           %[[IDX:.+]] = arith.select %[[TAKE]], %[[I64]], %[[BEST_INDEX]] : i64
// CHECK:           linalg.yield %[[V]], %[[IDX]] : f32, i64
// CHECK:         tensor.expand_shape %[[R]]#1 {{\[\[}}0, 1]] output_shape [4, 1] : tensor<4xi64> into tensor<4x1xi64>
func.func @argmax(%x: tensor<4x10xf32>) -> tensor<4x1xi64> {
  %0 = born.argmax %x axis = 1 keepdims : tensor<4x10xf32>
  return %0 : tensor<4x1xi64>
}

// -----

// CHECK-LABEL: func @argmax_integer
// CHECK:         arith.constant -128 : i8
// CHECK:         linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
// CHECK:           arith.cmpi sgt
// CHECK-NOT:       arith.cmpf
func.func @argmax_integer(%x: tensor<5x3xi8>) -> tensor<3xi64> {
  %0 = born.argmax %x axis = 0 : tensor<5x3xi8>
  return %0 : tensor<3xi64>
}

// -----

// softmax: max, sum of exp(x - max) (one reduction generic), then
// exp(x - max) / sum.
// CHECK-DAG:   #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[$ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func @softmax
// CHECK:         %[[MAX:.+]] = linalg.reduce ins(%arg0 : tensor<4x10xf32>) {{.*}} dimensions = [1]
// CHECK:           arith.maximumf
// CHECK:         %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK-SAME:      ins(%arg0, %[[MAX]] : tensor<4x10xf32>, tensor<4xf32>)
// CHECK:           %[[D:.+]] = arith.subf
// CHECK:           %[[E:.+]] = math.exp %[[D]]
// CHECK:           arith.addf %{{.+}}, %[[E]]
// CHECK:         linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ROW]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:      ins(%arg0, %[[MAX]], %[[SUM]] : tensor<4x10xf32>, tensor<4xf32>, tensor<4xf32>)
// CHECK:           %[[D2:.+]] = arith.subf
// CHECK:           %[[E2:.+]] = math.exp %[[D2]]
// CHECK:           arith.divf %[[E2]]
func.func @softmax(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = born.softmax %x axis = 1 : tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}

// -----

// log_softmax: (x - max) - log(sum(exp(x - max))), here along axis 0.
// CHECK-DAG:   #[[$COL:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @log_softmax
// CHECK:         linalg.reduce {{.*}} dimensions = [0]
// CHECK:         linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]
// CHECK:         linalg.generic {indexing_maps = [#{{.+}}, #[[$COL]], #[[$COL]], #{{.+}}], iterator_types = ["parallel", "parallel"]}
// CHECK:           %[[SHIFTED:.+]] = arith.subf
// CHECK:           %[[LOG:.+]] = math.log
// CHECK:           arith.subf %[[SHIFTED]], %[[LOG]]
func.func @log_softmax(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %0 = born.log_softmax %x axis = 0 : tensor<4x10xf32>
  return %0 : tensor<4x10xf32>
}
