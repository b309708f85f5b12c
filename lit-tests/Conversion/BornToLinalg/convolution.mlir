// RUN: born-opt %s --split-input-file --born-convert-to-linalg | FileCheck %s

// Zero padding is explicit; strides and dilations go to the linalg op.
// CHECK-LABEL: func @conv_pad_stride
// CHECK:         %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK:         %[[PADDED:.+]] = tensor.pad %arg0 low[0, 0, 1, 2] high[0, 0, 3, 0]
// CHECK:           tensor.yield %[[ZERO]] : f32
// CHECK:         } : tensor<1x3x8x8xf32> to tensor<1x3x12x10xf32>
// CHECK:         %[[INIT:.+]] = linalg.fill
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_nchw_fchw {dilations = dense<[2, 1]> : vector<2xi64>, strides = dense<[2, 3]> : vector<2xi64>}
// CHECK-SAME:      ins(%[[PADDED]], %arg1 : tensor<1x3x12x10xf32>, tensor<4x3x3x3xf32>) outs(%[[INIT]] : tensor<1x4x4x3xf32>)
// CHECK:         return %[[CONV]]
func.func @conv_pad_stride(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x4x3xf32> {
  %0 = born.conv2d %x, %w strides = [2, 3] padding = [1, 2, 3, 0] dilations = [2, 1] groups = 1 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>
  return %0 : tensor<1x4x4x3xf32>
}

// -----

// CHECK-LABEL: func @conv_no_padding
// CHECK-NOT:     tensor.pad
// CHECK:         linalg.conv_2d_nchw_fchw {{.*}} ins(%arg0, %arg1 :
func.func @conv_no_padding(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x6x6xf32> {
  %0 = born.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>
  return %0 : tensor<1x4x6x6xf32>
}

// -----

// groups = 2: channels split into (group, channel-in-group), one grouped
// convolution, and the result's group dimensions fold back.
// CHECK-LABEL: func @conv_groups
// CHECK:         %[[IN:.+]] = tensor.expand_shape %arg0 {{\[\[}}0], [1, 2], [3], [4]] output_shape [2, 2, 2, 6, 6] : tensor<2x4x6x6xf32> into tensor<2x2x2x6x6xf32>
// CHECK:         %[[F:.+]] = tensor.expand_shape %arg1 {{\[\[}}0, 1], [2], [3], [4]] output_shape [2, 3, 2, 3, 3] : tensor<6x2x3x3xf32> into tensor<2x3x2x3x3xf32>
// CHECK:         %[[INIT:.+]] = linalg.fill {{.*}} -> tensor<2x2x3x4x4xf32>
// CHECK:         %[[CONV:.+]] = linalg.conv_2d_ngchw_gfchw {{.*}} ins(%[[IN]], %[[F]] : tensor<2x2x2x6x6xf32>, tensor<2x3x2x3x3xf32>) outs(%[[INIT]] : tensor<2x2x3x4x4xf32>)
// CHECK:         %[[OUT:.+]] = tensor.collapse_shape %[[CONV]] {{\[\[}}0], [1, 2], [3], [4]] : tensor<2x2x3x4x4xf32> into tensor<2x6x4x4xf32>
// CHECK:         return %[[OUT]]
func.func @conv_groups(%x: tensor<2x4x6x6xf32>, %w: tensor<6x2x3x3xf32>) -> tensor<2x6x4x4xf32> {
  %0 = born.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 2 : tensor<2x4x6x6xf32>, tensor<6x2x3x3xf32>
  return %0 : tensor<2x6x4x4xf32>
}

// -----

// Depthwise is the groups = channels case: one channel per group.
// CHECK-LABEL: func @depthwise
// CHECK:         %[[PADDED:.+]] = tensor.pad %arg0
// CHECK:         tensor.expand_shape %[[PADDED]] {{.*}} into tensor<1x8x1x8x8xf32>
// CHECK:         tensor.expand_shape %arg1 {{.*}} into tensor<8x1x1x3x3xf32>
// CHECK:         linalg.conv_2d_ngchw_gfchw
func.func @depthwise(%x: tensor<1x8x6x6xf32>, %w: tensor<8x1x3x3xf32>) -> tensor<1x8x6x6xf32> {
  %0 = born.conv2d %x, %w strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 8 : tensor<1x8x6x6xf32>, tensor<8x1x3x3xf32>
  return %0 : tensor<1x8x6x6xf32>
}

// -----

// Max pooling pads with -inf, which never wins, and starts from -inf.
// CHECK-LABEL: func @max_pool
// CHECK:         %[[WINDOW:.+]] = tensor.empty() : tensor<3x3xf32>
// CHECK:         %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK:         %[[PADDED:.+]] = tensor.pad %arg0 low[0, 0, 1, 1] high[0, 0, 1, 1]
// CHECK:           tensor.yield %[[NEG_INF]] : f32
// CHECK:         %[[INIT_VALUE:.+]] = arith.constant 0xFF800000 : f32
// CHECK:         %[[INIT:.+]] = linalg.fill ins(%[[INIT_VALUE]] : f32)
// CHECK:         linalg.pooling_nchw_max {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
// CHECK-SAME:      ins(%[[PADDED]], %[[WINDOW]] : tensor<1x2x7x7xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<1x2x3x3xf32>)
func.func @max_pool(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %0 = born.pool2d max %x kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<1x2x5x5xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// count_include_pad divides every window by kh * kw.
// CHECK-LABEL: func @avg_pool_include_pad
// CHECK:         tensor.pad
// CHECK:         %[[SUM:.+]] = linalg.pooling_nchw_sum
// CHECK:         %[[N:.+]] = arith.constant 9.000000e+00 : f32
// CHECK:         linalg.generic {{.*}} ins(%[[SUM]] : tensor<1x2x3x3xf32>)
// CHECK:           arith.divf %{{.+}}, %[[N]] : f32
func.func @avg_pool_include_pad(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %0 = born.pool2d avg %x kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] count_include_pad : tensor<1x2x5x5xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// Otherwise windows over the border divide by their count of real elements,
// a constant per output position.
// CHECK-DAG:   #[[$ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG:   #[[$HW:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-LABEL: func @avg_pool_exclude_pad
// CHECK:         %[[SUM:.+]] = linalg.pooling_nchw_sum
// CHECK:         %[[COUNTS:.+]] = arith.constant dense<{{\[\[}}4.000000e+00, 6.000000e+00, 4.000000e+00], [6.000000e+00, 9.000000e+00, 6.000000e+00], [4.000000e+00, 6.000000e+00, 4.000000e+00]]> : tensor<3x3xf32>
// CHECK:         linalg.generic {indexing_maps = [#[[$ID]], #[[$HW]], #[[$ID]]]{{.*}} ins(%[[SUM]], %[[COUNTS]] :
// CHECK:           arith.divf
func.func @avg_pool_exclude_pad(%x: tensor<1x2x5x5xf32>) -> tensor<1x2x3x3xf32> {
  %0 = born.pool2d avg %x kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<1x2x5x5xf32>
  return %0 : tensor<1x2x3x3xf32>
}

// -----

// Without padding every window is full: no counts table.
// CHECK-LABEL: func @avg_pool_no_padding
// CHECK-NOT:     tensor.pad
// CHECK:         linalg.pooling_nchw_sum
// CHECK:         arith.constant 4.000000e+00 : f32
// CHECK-NOT:     arith.constant dense
func.func @avg_pool_no_padding(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %0 = born.pool2d avg %x kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<1x2x4x4xf32>
  return %0 : tensor<1x2x2x2xf32>
}
