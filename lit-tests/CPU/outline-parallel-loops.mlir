// RUN: born-opt %s --split-input-file --born-cpu-outline-parallel-loops | FileCheck %s

// The forall becomes a launcher call over its 8 x 4 = 32 linearized
// iterations; the task delinearizes an index range back into (i, j).
// CHECK-LABEL: func @scale
// CHECK-SAME: (%[[IN:.*]]: memref<64x64xf32>, %[[OUT:.*]]: memref<64x64xf32>)
// CHECK: %[[N:.*]] = arith.constant 32 : index
// CHECK: call @scale__launch0(%[[IN]], %[[OUT]], %[[N]]) : (memref<64x64xf32>, memref<64x64xf32>, index) -> ()
// CHECK-NOT: scf.forall
// CHECK: func private @scale__task0(%[[A:.*]]: memref<64x64xf32>, %[[B:.*]]: memref<64x64xf32>, %[[BEGIN:.*]]: index, %[[END:.*]]: index)
// CHECK: scf.for %[[L:.*]] = %[[BEGIN]] to %[[END]] step %{{.*}} {
// CHECK: arith.divui %[[L]], %c4
// CHECK: arith.remui %{{.*}}, %c8
// CHECK: arith.muli %{{.*}}, %c8
// CHECK: memref.subview %[[A]]
// CHECK: func private @scale__launch0(memref<64x64xf32>, memref<64x64xf32>, index)
func.func @scale(%in: memref<64x64xf32>, %out: memref<64x64xf32>) {
  %c2 = arith.constant 2.0 : f32
  scf.forall (%i, %j) = (0, 0) to (64, 64) step (8, 16) {
    %a = memref.subview %in[%i, %j] [8, 16] [1, 1] : memref<64x64xf32> to memref<8x16xf32, strided<[64, 1], offset: ?>>
    %b = memref.subview %out[%i, %j] [8, 16] [1, 1] : memref<64x64xf32> to memref<8x16xf32, strided<[64, 1], offset: ?>>
    linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
        ins(%a : memref<8x16xf32, strided<[64, 1], offset: ?>>) outs(%b : memref<8x16xf32, strided<[64, 1], offset: ?>>) {
    ^bb0(%x: f32, %y: f32):
      %m = arith.mulf %x, %c2 : f32
      linalg.yield %m : f32
    }
  }
  return
}

// -----

// A loop capturing a strided view cannot pass it as a bare pointer: it stays.
// CHECK-LABEL: func @strided_capture
// CHECK: scf.forall
// CHECK-NOT: call @
func.func @strided_capture(%in: memref<8x16xf32, strided<[32, 1]>>) {
  %c0 = arith.constant 0.0 : f32
  scf.forall (%i) in (8) {
    memref.store %c0, %in[%i, %i] : memref<8x16xf32, strided<[32, 1]>>
  }
  return
}

// -----

// A strided view of a plain buffer (a padded buffer's interior, which a pad's
// copy writes) is recomputed in the task from the buffer, so the loop is
// outlined.
// CHECK-LABEL: func @view_capture
// CHECK-SAME: (%[[IN:.*]]: memref<8x16xf32>, %[[PAD:.*]]: memref<10x18xf32>)
// CHECK: call @view_capture__launch0(%[[IN]], %[[PAD]], %{{.*}}) : (memref<8x16xf32>, memref<10x18xf32>, index) -> ()
// CHECK-NOT: scf.forall
// CHECK: func private @view_capture__task0(%{{.*}}: memref<8x16xf32>, %[[P:.*]]: memref<10x18xf32>, %{{.*}}: index, %{{.*}}: index)
// CHECK: memref.subview %[[P]][1, 1] [8, 16] [1, 1]
// CHECK: scf.for
func.func @view_capture(%in: memref<8x16xf32>, %pad: memref<10x18xf32>) {
  %interior = memref.subview %pad[1, 1] [8, 16] [1, 1] : memref<10x18xf32> to memref<8x16xf32, strided<[18, 1], offset: 19>>
  scf.forall (%i) in (8) {
    %v = memref.load %in[%i, %i] : memref<8x16xf32>
    memref.store %v, %interior[%i, %i] : memref<8x16xf32, strided<[18, 1], offset: 19>>
  }
  return
}

// -----

// A single iteration is not worth a launch.
// CHECK-LABEL: func @single
// CHECK: scf.forall
func.func @single(%in: memref<8xf32>) {
  %c0 = arith.constant 0.0 : f32
  scf.forall (%i) in (1) {
    memref.store %c0, %in[%i] : memref<8xf32>
  }
  return
}

// -----

// A loop-invariant vector index computation that hoisting moved out of the
// loop (vector.step + constant) is recomputed in the task, so the loop is
// still outlined.
// CHECK-LABEL: func @recomputed_capture
// CHECK: call @recomputed_capture__launch0
// CHECK-NOT: scf.forall
// CHECK: func private @recomputed_capture__task0
// CHECK: vector.step
// CHECK: arith.addi %{{.*}} : vector<16xindex>
func.func @recomputed_capture(%out: memref<64xindex>) {
  %c2 = arith.constant dense<2> : vector<16xindex>
  %step = vector.step : vector<16xindex>
  %lanes = arith.addi %step, %c2 : vector<16xindex>
  scf.forall (%i) = (0) to (64) step (16) {
    vector.store %lanes, %out[%i] : memref<64xindex>, vector<16xindex>
  }
  return
}
