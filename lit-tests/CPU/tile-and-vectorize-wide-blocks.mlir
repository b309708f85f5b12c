// RUN: born-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(born-cpu-tile-and-vectorize{tile-rows=8 tile-cols=32 vector-width=16}))" | FileCheck %s

// Blocks two vectors wide where the width divides into them.
// CHECK-LABEL: func @whole_vectors
// CHECK: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (64, 512) step (8, 32)
// CHECK: math.exp {{.*}} : vector<8x32xf32>
func.func @whole_vectors(%x: tensor<64x512xf32>) -> tensor<64x512xf32> {
  %e = tensor.empty() : tensor<64x512xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<64x512xf32>) outs(%e : tensor<64x512xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = math.exp %in : f32
    linalg.yield %y : f32
  } -> tensor<64x512xf32>
  return %r : tensor<64x512xf32>
}

// -----

// A width of 28 would be one and three-quarter vectors: at most one vector
// (14) instead.
// CHECK-LABEL: func @ragged_width
// CHECK: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (28, 28) step (7, 14)
// CHECK: math.exp {{.*}} : vector<7x14xf32>
func.func @ragged_width(%x: tensor<28x28xf32>) -> tensor<28x28xf32> {
  %e = tensor.empty() : tensor<28x28xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<28x28xf32>) outs(%e : tensor<28x28xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = math.exp %in : f32
    linalg.yield %y : f32
  } -> tensor<28x28xf32>
  return %r : tensor<28x28xf32>
}
