// RUN: born-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(born-cpu-convert-conv-to-matmul{tile-cols=8 vector-width=4}))' | FileCheck %s

// A stride-2 convolution on a zero-padded input: the window copy (im2col)
// reads the unpadded input through per-pixel origin tables (the padding is
// the bounds check), in front of the dispatch region, into 8-pixel panels
// [N, P/8, C, KH, KW, 8]; the region computes filters x panels, and the bias
// add takes the collapsed [N, F, OH*OW] shape.
// CHECK-DAG: #[[TABLE:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1, d5)>
// CHECK-DAG: #[[W:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d2, d4)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>
// CHECK-DAG: #[[OUT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d1, d3)>
// CHECK-LABEL: func @strided
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<1x4x9x9xf32>
// CHECK-DAG: %[[COLS:.*]] = arith.constant dense<{{\[}}[-1, 1, 3, 5, -1, 1, 3, 5], [-1, 1, 3, 5, -1, 1, 3, 5]]> : tensor<2x8xi32>
// CHECK-DAG: %[[ROWS:.*]] = arith.constant dense<{{\[}}[-1, -1, -1, -1, 1, 1, 1, 1], [3, 3, 3, 3, 5, 5, 5, 5]]> : tensor<2x8xi32>
// CHECK-NOT: tensor.pad
// CHECK: %[[PANELS:.*]] = linalg.generic {indexing_maps = [#[[TABLE]], #[[TABLE]], {{.*}}]{{.*}} ins(%[[ROWS]], %[[COLS]] : {{.*}}) outs(%{{.*}} : tensor<1x2x4x3x3x8xf32>)
// CHECK: arith.cmpi ult
// CHECK: tensor.extract %[[X]]
// CHECK: %[[PCOL:.*]] = tensor.collapse_shape %[[PANELS]] {{\[\[}}0], [1], [2, 3, 4], [5]] : tensor<1x2x4x3x3x8xf32> into tensor<1x2x36x8xf32>
// CHECK: born.dispatch
// CHECK: %[[W2:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0], [1, 2, 3]] : tensor<16x4x3x3xf32> into tensor<16x36xf32>
// CHECK: %[[INIT:.*]] = linalg.fill {{.*}} -> tensor<1x16x2x8xf32>
// CHECK: %[[MM:.*]] = linalg.generic {indexing_maps = [#[[W]], #[[COL]], #[[OUT]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[W2]], %[[PCOL]] : tensor<16x36xf32>, tensor<1x2x36x8xf32>) outs(%[[INIT]] : tensor<1x16x2x8xf32>)
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[MM]] {{\[\[}}0], [1], [2, 3]] : tensor<1x16x2x8xf32> into tensor<1x16x16xf32>
// CHECK: %[[BIAS:.*]] = linalg.generic {{.*}} ins(%[[FLAT]], %{{.*}} : tensor<1x16x16xf32>, tensor<16xf32>)
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[BIAS]] {{\[\[}}0], [1], [2, 3]] output_shape [1, 16, 4, 4]
// CHECK: born.yield %[[Y]]
func.func @strided(%x: tensor<1x4x9x9xf32>, %w: tensor<16x4x3x3xf32> {born.param = "w"}, %b: tensor<16xf32> {born.param = "b"}) -> tensor<1x16x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %padded = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x4x9x9xf32> to tensor<1x4x10x10xf32>
  %e = tensor.empty() : tensor<1x16x4x4xf32>
  %r = born.dispatch -> (tensor<1x16x4x4xf32>) {
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
    %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>} ins(%padded, %w : tensor<1x4x10x10xf32>, tensor<16x4x3x3xf32>) outs(%f : tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
    %bias = tensor.expand_shape %b [[0, 1, 2]] output_shape [16, 1, 1] : tensor<16xf32> into tensor<16x1x1xf32>
    %a = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, 0, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c, %bias : tensor<1x16x4x4xf32>, tensor<16x1x1xf32>) outs(%e : tensor<1x16x4x4xf32>) {
    ^bb0(%in: f32, %in2: f32, %out: f32):
      %s = arith.addf %in, %in2 : f32
      linalg.yield %s : f32
    } -> tensor<1x16x4x4xf32>
    born.yield %a : tensor<1x16x4x4xf32>
  }
  return %r : tensor<1x16x4x4xf32>
}

// -----

// Five pixels would make 1-wide blocks (5 is no whole number of 4-wide
// vectors): they are padded to two 4-wide panels. The padding pixels'
// origin lies below the input (always outside, so zero), and the result is
// sliced back to 5 pixels.
// CHECK-LABEL: func @few_pixels
// CHECK-DAG: arith.constant dense<{{\[}}[0, 0, 0, 0], [0, 1, 1, 1]]> : tensor<2x4xi32>
// CHECK: linalg.generic {{.*}} outs(%{{.*}} : tensor<1x2x2x1x1x4xf32>)
// CHECK: %[[MM:.*]] = linalg.generic
// CHECK: } -> tensor<1x8x2x4xf32>
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[MM]] {{.*}} into tensor<1x8x8xf32>
// CHECK: %[[SLICE:.*]] = tensor.extract_slice %[[FLAT]][0, 0, 0] [1, 8, 5] [1, 1, 1]
// CHECK: tensor.expand_shape %[[SLICE]] {{.*}} output_shape [1, 8, 1, 5]
func.func @few_pixels(%x: tensor<1x2x1x5xf32>, %w: tensor<8x2x1x1xf32>) -> tensor<1x8x1x5xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x1x5xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x1x5xf32>) -> tensor<1x8x1x5xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x2x1x5xf32>, tensor<8x2x1x1xf32>) outs(%f : tensor<1x8x1x5xf32>) -> tensor<1x8x1x5xf32>
  return %c : tensor<1x8x1x5xf32>
}

// -----

// A convolution whose input is computed inside its dispatch region stays a
// convolution: its window copy would have to run once per block of filters.
// CHECK-LABEL: func @input_in_region
// CHECK: born.dispatch
// CHECK: linalg.conv_2d_nchw_fchw
func.func @input_in_region(%x: tensor<1x4x6x6xf32>, %w: tensor<8x4x3x3xf32>) -> tensor<1x8x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x4x4xf32>
  %ex = tensor.empty() : tensor<1x4x6x6xf32>
  %r = born.dispatch -> (tensor<1x8x4x4xf32>) {
    %relu = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : tensor<1x4x6x6xf32>) outs(%ex : tensor<1x4x6x6xf32>) {
    ^bb0(%in: f32, %out: f32):
      %m = arith.maximumf %in, %zero : f32
      linalg.yield %m : f32
    } -> tensor<1x4x6x6xf32>
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
    %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%relu, %w : tensor<1x4x6x6xf32>, tensor<8x4x3x3xf32>) outs(%f : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
    born.yield %c : tensor<1x8x4x4xf32>
  }
  return %r : tensor<1x8x4x4xf32>
}

// -----

// A 1x1 convolution with unit strides and no padding copies nothing: the
// matmul reads the input [N, C, H*W], viewed as [N, C, P/w, w], directly.
// CHECK-DAG: #[[DIRECT:.*]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d4, d1, d3)>
// CHECK-LABEL: func @pointwise
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<1x4x4x4xf32>
// CHECK-NOT: tensor.extract
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[X]] {{\[\[}}0], [1], [2, 3]] : tensor<1x4x4x4xf32> into tensor<1x4x16xf32>
// CHECK: %[[COLS:.*]] = tensor.expand_shape %[[FLAT]] {{\[\[}}0], [1], [2, 3]] output_shape [1, 4, 2, 8] : tensor<1x4x16xf32> into tensor<1x4x2x8xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #[[DIRECT]], #{{.*}}], {{.*}} ins(%{{.*}}, %[[COLS]] : tensor<16x4xf32>, tensor<1x4x2x8xf32>)
func.func @pointwise(%x: tensor<1x4x4x4xf32>, %w: tensor<16x4x1x1xf32>) -> tensor<1x16x4x4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x16x4x4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : vector<2xi64>, strides = dense<1> : vector<2xi64>} ins(%x, %w : tensor<1x4x4x4xf32>, tensor<16x4x1x1xf32>) outs(%f : tensor<1x16x4x4xf32>) -> tensor<1x16x4x4xf32>
  return %c : tensor<1x16x4x4xf32>
}
