// RUN: born-opt %s --split-input-file --born-cpu-pack-matmul-weights | FileCheck %s

// A weight [K, N] = [64, 32] read only as a matmul's right-hand side becomes
// two contiguous 16-column panels [2, 64, 16]; the matmul reads them through
// a generic on the result viewed as [M, N/16, 16] (its fill folded into
// that shape).
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
// CHECK-DAG: #[[BP:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2)>
// CHECK-LABEL: func @plain
// CHECK-SAME: %[[B:[a-z0-9]+]]: tensor<2x64x16xf32> {born.expanded_shape = array<i64: 64, 2, 16>, born.param = "b:shape=64x2x16:perm=1,0,2", born.param_source = "b", born.permutation = array<i64: 1, 0, 2>}
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<8x2x16xf32>
// CHECK: %[[INIT:.*]] = linalg.fill ins(%{{.*}} : f32) outs(%[[EMPTY]] : tensor<8x2x16xf32>)
// CHECK: %[[P:.*]] = linalg.generic
// CHECK-SAME: indexing_maps = [#[[A]], #[[BP]], #[[C]]]
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-SAME: ins(%{{.*}}, %[[B]] : tensor<8x64xf32>, tensor<2x64x16xf32>) outs(%[[INIT]] : tensor<8x2x16xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: %[[R:.*]] = tensor.collapse_shape %[[P]] {{\[\[}}0], [1, 2]] : tensor<8x2x16xf32> into tensor<8x32xf32>
// CHECK: return %[[R]]
func.func @plain(%a: tensor<8x64xf32>, %b: tensor<64x32xf32> {born.param = "b"}) -> tensor<8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
  %m = linalg.matmul ins(%a, %b : tensor<8x64xf32>, tensor<64x32xf32>) outs(%f : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %m : tensor<8x32xf32>
}

// -----

// A transposed weight (torch's [out, in]) composes: the stored [32, 64] is
// viewed as [2, 16, 64], then permuted to [2, 64, 16].
// CHECK-LABEL: func @transposed
// CHECK-SAME: tensor<2x64x16xf32> {born.expanded_shape = array<i64: 2, 16, 64>, born.param = "w:shape=2x16x64:perm=0,2,1", born.param_source = "w", born.permutation = array<i64: 0, 2, 1>}
// CHECK: linalg.generic
func.func @transposed(%a: tensor<8x64xf32>, %w: tensor<64x32xf32> {born.param = "w:perm=1,0", born.param_source = "w", born.permutation = array<i64: 1, 0>}) -> tensor<8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
  %m = linalg.matmul ins(%a, %w : tensor<8x64xf32>, tensor<64x32xf32>) outs(%f : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %m : tensor<8x32xf32>
}

// -----

// Not packed: N = 24 is not a multiple of the panel width.
// CHECK-LABEL: func @ragged_columns
// CHECK-SAME: tensor<64x24xf32> {born.param = "b"}
// CHECK: linalg.matmul
func.func @ragged_columns(%a: tensor<8x64xf32>, %b: tensor<64x24xf32> {born.param = "b"}) -> tensor<8x24xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x24xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x24xf32>) -> tensor<8x24xf32>
  %m = linalg.matmul ins(%a, %b : tensor<8x64xf32>, tensor<64x24xf32>) outs(%f : tensor<8x24xf32>) -> tensor<8x24xf32>
  return %m : tensor<8x24xf32>
}

// -----

// Not packed: the right-hand side is an input, not a weight.
// CHECK-LABEL: func @not_a_weight
// CHECK-SAME: %{{.*}}: tensor<64x32xf32>)
// CHECK: linalg.matmul
func.func @not_a_weight(%a: tensor<8x64xf32>, %b: tensor<64x32xf32>) -> tensor<8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
  %m = linalg.matmul ins(%a, %b : tensor<8x64xf32>, tensor<64x32xf32>) outs(%f : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %m : tensor<8x32xf32>
}

// -----

// Not packed: the weight has another use besides the matmul.
// CHECK-LABEL: func @other_use
// CHECK-SAME: tensor<64x32xf32> {born.param = "b"}
// CHECK: linalg.matmul
func.func @other_use(%a: tensor<8x64xf32>, %b: tensor<64x32xf32> {born.param = "b"}) -> (tensor<8x32xf32>, tensor<64x32xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
  %m = linalg.matmul ins(%a, %b : tensor<8x64xf32>, tensor<64x32xf32>) outs(%f : tensor<8x32xf32>) -> tensor<8x32xf32>
  return %m, %b : tensor<8x32xf32>, tensor<64x32xf32>
}
