// RUN: born-opt %s --split-input-file --born-convert-to-linalg | FileCheck %s

// layer_norm over dims [1, 2] (12 elements per row): mean, then the biased
// variance from squared deviations, then one elementwise generic with
// scale and bias read through the normalized dims.
// CHECK-DAG:   #[[$ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG:   #[[$ROW:.+]] = affine_map<(d0, d1, d2) -> (d0)>
// CHECK-DAG:   #[[$NORMALIZED:.+]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK-LABEL: func @layer_norm
// CHECK:         %[[N:.+]] = arith.constant 1.200000e+01 : f32
// CHECK:         %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK-SAME:      ins(%arg0 : tensor<2x3x4xf32>) outs(%{{.+}} : tensor<2xf32>)
// CHECK:           arith.addf
// CHECK:         %[[MEAN:.+]] = linalg.generic {{.*}} ins(%[[SUM]] : tensor<2xf32>)
// CHECK:           arith.divf %{{.+}}, %[[N]]
// CHECK:         %[[SQ:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ROW]]], iterator_types = ["parallel", "reduction", "reduction"]}
// CHECK-SAME:      ins(%arg0, %[[MEAN]] : tensor<2x3x4xf32>, tensor<2xf32>)
// CHECK:           %[[D:.+]] = arith.subf
// CHECK:           %[[D2:.+]] = arith.mulf %[[D]], %[[D]]
// CHECK:           arith.addf %{{.+}}, %[[D2]]
// CHECK:         %[[EPS:.+]] = arith.constant 9.99999974E-6 : f32
// CHECK:         %[[INV_STD:.+]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<2xf32>)
// CHECK:           %[[VAR:.+]] = arith.divf
// CHECK:           %[[VAR_EPS:.+]] = arith.addf %[[VAR]], %[[EPS]]
// CHECK:           math.rsqrt %[[VAR_EPS]]
// CHECK:         linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$ROW]], #[[$NORMALIZED]], #[[$NORMALIZED]], #[[$ID]]], iterator_types = ["parallel", "parallel", "parallel"]}
// CHECK-SAME:      ins(%arg0, %[[MEAN]], %[[INV_STD]], %arg1, %arg2 :
// CHECK:         ^bb0(%[[X:.+]]: f32, %[[M:.+]]: f32, %[[S:.+]]: f32, %[[G:.+]]: f32, %[[B:.+]]: f32, %{{.+}}: f32):
// CHECK:           %[[C:.+]] = arith.subf %[[X]], %[[M]]
// CHECK:           %[[NORM:.+]] = arith.mulf %[[C]], %[[S]]
// CHECK:           %[[SCALED:.+]] = arith.mulf %[[NORM]], %[[G]]
// CHECK:           %[[Y:.+]] = arith.addf %[[SCALED]], %[[B]]
// CHECK:           linalg.yield %[[Y]]
func.func @layer_norm(%x: tensor<2x3x4xf32>, %g: tensor<3x4xf32>, %b: tensor<3x4xf32>) -> tensor<2x3x4xf32> {
  %0 = born.layer_norm %x, %g, %b axis = 1 epsilon = 1.0e-05 : tensor<2x3x4xf32>, tensor<3x4xf32>, tensor<3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// rms_norm: x * rsqrt(mean(x^2) + eps) * scale.
// CHECK-DAG:   #[[$ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG:   #[[$ROW:.+]] = affine_map<(d0, d1) -> (d0)>
// CHECK-DAG:   #[[$COL:.+]] = affine_map<(d0, d1) -> (d1)>
// CHECK-LABEL: func @rms_norm
// CHECK:         %[[SQ:.+]] = linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]]], iterator_types = ["parallel", "reduction"]}
// CHECK:           %[[X2:.+]] = arith.mulf %[[X:.+]], %[[X]]
// CHECK:           arith.addf %{{.+}}, %[[X2]]
// CHECK:         %[[N:.+]] = arith.constant 1.600000e+01 : f32
// CHECK:         %[[EPS:.+]] = arith.constant 9.99999997E-7 : f32
// CHECK:         %[[INV:.+]] = linalg.generic {{.*}} ins(%[[SQ]] : tensor<7xf32>)
// CHECK:           arith.divf %{{.+}}, %[[N]]
// CHECK:           arith.addf %{{.+}}, %[[EPS]]
// CHECK:           math.rsqrt
// CHECK:         linalg.generic {indexing_maps = [#[[$ID]], #[[$ROW]], #[[$COL]], #[[$ID]]], iterator_types = ["parallel", "parallel"]}
// CHECK-SAME:      ins(%arg0, %[[INV]], %arg1 : tensor<7x16xf32>, tensor<7xf32>, tensor<16xf32>)
// CHECK:           arith.mulf
// CHECK:           arith.mulf
func.func @rms_norm(%x: tensor<7x16xf32>, %w: tensor<16xf32>) -> tensor<7x16xf32> {
  %0 = born.rms_norm %x, %w axis = 1 epsilon = 1.0e-06 : tensor<7x16xf32>, tensor<16xf32>
  return %0 : tensor<7x16xf32>
}
