// RUN: born-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(born-tile-dispatch-regions))" | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
// fill + matmul + bias/relu: one forall over the output's elements; the
// matmul's reduction runs inside, and bias/relu overwrites the matmul's tile.
// CHECK-LABEL: func @dense
// CHECK-NOT: born.dispatch
// CHECK: %[[E:.*]] = tensor.empty() : tensor<4x16xf32>
// CHECK: %[[R:.*]] = scf.forall (%[[I:.*]], %[[J:.*]]) in (4, 16) shared_outs(%[[O:.*]] = %[[E]])
// CHECK: %[[T:.*]] = tensor.empty() : tensor<1x1xf32>
// CHECK: %[[F:.*]] = linalg.fill {{.*}} outs(%[[T]] : tensor<1x1xf32>)
// CHECK: %[[M:.*]] = linalg.matmul ins({{.*}} : tensor<1x8xf32>, tensor<8x1xf32>) outs(%[[F]] : tensor<1x1xf32>)
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[M]], {{.*}}) outs(%[[M]] : tensor<1x1xf32>)
// CHECK: tensor.parallel_insert_slice %[[Y]] into %[[O]][%[[I]], %[[J]]] [1, 1]
// CHECK: return %[[R]]
func.func @dense(%x: tensor<4x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<4x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %r = born.dispatch -> (tensor<4x16xf32>) {
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
    %m = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
    %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
        ins(%m, %b : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
    ^bb0(%a: f32, %c: f32, %o: f32):
      %s = arith.addf %a, %c : f32
      %t = arith.maximumf %s, %zero : f32
      linalg.yield %t : f32
    } -> tensor<4x16xf32>
    born.yield %y : tensor<4x16xf32>
  }
  return %r : tensor<4x16xf32>
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
// Both operands of the root are computed in the region: only one of them
// can be overwritten, the other would need a temporary, so the region is
// dissolved and keeps a kernel per op.
// CHECK-LABEL: func @two_computed_operands
// CHECK-NOT: born.dispatch
// CHECK-NOT: scf.forall
// CHECK-COUNT-3: linalg.generic
// CHECK-NOT: scf.forall
func.func @two_computed_operands(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %e = tensor.empty() : tensor<4x16xf32>
  %r = born.dispatch -> (tensor<4x16xf32>) {
    %a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
    ^bb0(%in: f32, %o: f32):
      %n = arith.negf %in : f32
      linalg.yield %n : f32
    } -> tensor<4x16xf32>
    %b = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%x : tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
    ^bb0(%in: f32, %o: f32):
      %n = math.exp %in : f32
      linalg.yield %n : f32
    } -> tensor<4x16xf32>
    %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%a, %b : tensor<4x16xf32>, tensor<4x16xf32>) outs(%e : tensor<4x16xf32>) {
    ^bb0(%p: f32, %q: f32, %o: f32):
      %s = arith.addf %p, %q : f32
      linalg.yield %s : f32
    } -> tensor<4x16xf32>
    born.yield %y : tensor<4x16xf32>
  }
  return %r : tensor<4x16xf32>
}

// -----

#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#rows3 = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
// The sum accumulates into a fill shared with another region: its tile
// would be copied into a temporary, so the region keeps a kernel per op.
// CHECK-LABEL: func @shared_init
// CHECK-NOT: scf.forall
// CHECK: linalg.generic
// CHECK: linalg.generic
// CHECK: linalg.generic
func.func @shared_init(%x: tensor<2x5x24xf32>) -> (tensor<2x5xf32>, tensor<2x5xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x5xf32>
  %f = born.dispatch -> (tensor<2x5xf32>) {
    %0 = linalg.fill ins(%zero : f32) outs(%e : tensor<2x5xf32>) -> tensor<2x5xf32>
    born.yield %0 : tensor<2x5xf32>
  }
  %mean = born.dispatch -> (tensor<2x5xf32>) {
    %s = linalg.generic {indexing_maps = [#id3, #rows3], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x : tensor<2x5x24xf32>) outs(%f : tensor<2x5xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32
    } -> tensor<2x5xf32>
    %m = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
        ins(%s : tensor<2x5xf32>) outs(%e : tensor<2x5xf32>) {
    ^bb0(%in: f32, %o: f32):
      %c = arith.constant 24.0 : f32
      %d = arith.divf %in, %c : f32
      linalg.yield %d : f32
    } -> tensor<2x5xf32>
    born.yield %m : tensor<2x5xf32>
  }
  %max = born.dispatch -> (tensor<2x5xf32>) {
    %s = linalg.generic {indexing_maps = [#id3, #rows3], iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x : tensor<2x5x24xf32>) outs(%f : tensor<2x5xf32>) {
    ^bb0(%in: f32, %acc: f32):
      %a = arith.maximumf %in, %acc : f32
      linalg.yield %a : f32
    } -> tensor<2x5xf32>
    born.yield %s : tensor<2x5xf32>
  }
  return %mean, %max : tensor<2x5xf32>, tensor<2x5xf32>
}
