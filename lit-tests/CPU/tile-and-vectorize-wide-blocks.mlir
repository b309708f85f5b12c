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

// -----

// A reduction tile of 8 x 32 x 32 values (more than the 4096 an op is
// vectorized at whole: the lane sums of a block of quantized matmul
// outputs) steps through its outer parallel dim, so each step's
// 32 x 32 part vectorizes instead of the whole becoming scalar loops.
// CHECK-LABEL: func @lane_sums
// CHECK: scf.forall
// CHECK:   scf.for %{{.*}} = %c0 to %c8 step %c1
// CHECK:     vector.transfer_read %{{.*}} : tensor<8x32x32xf32>, vector<1x32x32xf32>
// CHECK:     vector.reduction <add>, %{{.*}} : vector<32xf32> into f32
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#sum = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @lane_sums(%p: tensor<8x32x32xf32>) -> tensor<8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8x32xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
  %r = linalg.generic {indexing_maps = [#id, #sum], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%p : tensor<8x32x32xf32>) outs(%f : tensor<8x32xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %acc, %in : f32
    linalg.yield %s : f32
  } -> tensor<8x32xf32>
  return %r : tensor<8x32xf32>
}
