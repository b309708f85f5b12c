// RUN: born-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(born-fuse-elementwise))" | FileCheck %s

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#ch3 = affine_map<(d0, d1, d2) -> (d2)>
// A transformer's feed-forward block: relu(x + b) feeds a matmul through a
// collapse_shape. The matmul stays a linalg.matmul (not expanded into a
// generic, not given relu in its body); bias and relu still fuse together.
// CHECK-LABEL: func @ffn
// CHECK: %[[A:.*]] = linalg.generic
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[A]]
// CHECK: linalg.matmul ins(%[[C]], %{{.*}} : tensor<8x32xf32>, tensor<32x16xf32>)
func.func @ffn(%x: tensor<1x8x32xf32>, %b: tensor<32xf32>, %w: tensor<32x16xf32>) -> tensor<8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x32xf32>
  %s = linalg.generic {indexing_maps = [#id3, #ch3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%x, %b : tensor<1x8x32xf32>, tensor<32xf32>) outs(%e : tensor<1x8x32xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %y = arith.addf %a, %c : f32
    linalg.yield %y : f32
  } -> tensor<1x8x32xf32>
  %r = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%s : tensor<1x8x32xf32>) outs(%e : tensor<1x8x32xf32>) {
  ^bb0(%a: f32, %o: f32):
    %y = arith.maximumf %a, %zero : f32
    linalg.yield %y : f32
  } -> tensor<1x8x32xf32>
  %c = tensor.collapse_shape %r [[0, 1], [2]] : tensor<1x8x32xf32> into tensor<8x32xf32>
  %e2 = tensor.empty() : tensor<8x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e2 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %m = linalg.matmul ins(%c, %w : tensor<8x32xf32>, tensor<32x16xf32>) outs(%f : tensor<8x16xf32>) -> tensor<8x16xf32>
  return %m : tensor<8x16xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
// Elementwise chains still fuse into one generic.
// CHECK-LABEL: func @chain
// CHECK: linalg.generic
// CHECK: arith.addf
// CHECK: arith.mulf
// CHECK-NOT: linalg.generic
func.func @chain(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %e = tensor.empty() : tensor<4x8xf32>
  %s = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x, %y : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %v = arith.addf %a, %b : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  %p = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%s, %y : tensor<4x8xf32>, tensor<4x8xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %v = arith.mulf %a, %b : f32
    linalg.yield %v : f32
  } -> tensor<4x8xf32>
  return %p : tensor<4x8xf32>
}

// -----

#act = affine_map<(d0, d1, d2) -> (d0, d2)>
#acc = affine_map<(d0, d1, d2) -> (d0, d1)>
#id2 = affine_map<(d0, d1) -> (d0, d1)>
// A reducing generic that reads its input broadcast along a parallel loop
// (the activations of born.quantized_matmul's decoding generic, the same
// for every output n) would evaluate a fused producer once per n: silu
// stays a producer of its own.
// CHECK-LABEL: func @no_recompute
// CHECK: %[[S:.*]] = linalg.generic
// CHECK: arith.negf
// CHECK: linalg.generic {{.*}} ins(%[[S]] : tensor<1x64xf32>)
func.func @no_recompute(%x: tensor<1x64xf32>, %w: tensor<16x64xf32>) -> tensor<1x16xf32> {
  %one = arith.constant 1.0 : f32
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x64xf32>
  %s = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<1x64xf32>) outs(%e : tensor<1x64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %n = arith.negf %a : f32
    %ex = math.exp %n : f32
    %d = arith.addf %ex, %one : f32
    %y = arith.divf %a, %d : f32
    linalg.yield %y : f32
  } -> tensor<1x64xf32>
  %e2 = tensor.empty() : tensor<1x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x16xf32>) -> tensor<1x16xf32>
  %r = linalg.generic {indexing_maps = [#act, #acc], iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%s : tensor<1x64xf32>) outs(%f : tensor<1x16xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %n = linalg.index 1 : index
    %k = linalg.index 2 : index
    %wv = tensor.extract %w[%n, %k] : tensor<16x64xf32>
    %p = arith.mulf %a, %wv : f32
    %y = arith.addf %acc, %p : f32
    linalg.yield %y : f32
  } -> tensor<1x16xf32>
  return %r : tensor<1x16xf32>
}
