// RUN: born-opt %s --split-input-file --verify-diagnostics --pass-pipeline="builtin.module(func.func(born-cpu-guard-tied-inputs))" | FileCheck %s

// A fused update (an SGD step): each tile reads the weights where it then
// writes the new ones, after the gradient's reduction loop. In place as it
// is: no copy.
// CHECK-LABEL: func @elementwise_update
// CHECK-NOT:     memref.alloc
// CHECK-NOT:     memref.copy
// CHECK:         scf.forall
// CHECK:           vector.transfer_read %arg0[%[[I:.+]], %[[J:.+]]]
func.func @elementwise_update(%w: memref<32x64xf32>, %g: memref<32x64xf32>,
                              %out: memref<32x64xf32> {born.tied_input = 0 : i64}) {
  %c0 = arith.constant 0 : index
  %pad = ub.poison : f32
  %lr = arith.constant dense<0.1> : vector<8x32xf32>
  scf.forall (%i, %j) = (0, 0) to (32, 64) step (8, 32) {
    %tile = memref.subview %out[%i, %j] [8, 32] [1, 1] : memref<32x64xf32> to memref<8x32xf32, strided<[64, 1], offset: ?>>
    %gv = vector.transfer_read %g[%i, %j], %pad {in_bounds = [true, true]} : memref<32x64xf32>, vector<8x32xf32>
    %wv = vector.transfer_read %w[%i, %j], %pad {in_bounds = [true, true]} : memref<32x64xf32>, vector<8x32xf32>
    %step = arith.mulf %gv, %lr : vector<8x32xf32>
    %new = arith.subf %wv, %step : vector<8x32xf32>
    vector.transfer_write %new, %tile[%c0, %c0] {in_bounds = [true, true]} : vector<8x32xf32>, memref<8x32xf32, strided<[64, 1], offset: ?>>
  }
  return
}

// -----

// The weights are read again after the new ones are written (a kernel
// scheduled after the update): reads go to a copy taken at entry.
// CHECK-LABEL: func @read_after_write
// CHECK-NEXT:    %[[COPY:.+]] = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
// CHECK-NEXT:    memref.copy %arg0, %[[COPY]]
// CHECK:         linalg.copy ins(%[[COPY]] : memref<16xf32>) outs(%arg1
// CHECK:         linalg.copy ins(%[[COPY]] : memref<16xf32>) outs(%arg2
func.func @read_after_write(%w: memref<16xf32>, %out: memref<16xf32> {born.tied_input = 0 : i64},
                            %other: memref<16xf32>) {
  linalg.copy ins(%w : memref<16xf32>) outs(%out : memref<16xf32>)
  linalg.copy ins(%w : memref<16xf32>) outs(%other : memref<16xf32>)
  return
}

// -----

// Bufferization used the output's buffer as a temporary for an earlier
// kernel (through a reshape); the input is read after that.
// CHECK-LABEL: func @output_as_temporary
// CHECK:         memref.copy %arg0, %[[COPY:.+]] :
// CHECK:         linalg.copy ins(%[[COPY]] : memref<16xf32>) outs(%arg2
func.func @output_as_temporary(%w: memref<16xf32>, %x: memref<4x4xf32>,
                               %out: memref<16xf32> {born.tied_input = 0 : i64}) {
  %view = memref.expand_shape %out [[0, 1]] output_shape [4, 4] : memref<16xf32> into memref<4x4xf32>
  linalg.copy ins(%x : memref<4x4xf32>) outs(%view : memref<4x4xf32>)
  linalg.copy ins(%w : memref<16xf32>) outs(%out : memref<16xf32>)
  return
}

// -----

// A view made before the write (memref.transpose: not a ViewLikeOpInterface)
// is read after it: the read goes through the view, to the copy.
// CHECK-LABEL: func @read_through_transpose_view
// CHECK:         memref.copy %arg0, %[[COPY:.+]] :
// CHECK:         memref.transpose %[[COPY]]
func.func @read_through_transpose_view(%w: memref<4x4xf32>, %other: memref<4x4xf32>,
                                       %out: memref<4x4xf32> {born.tied_input = 0 : i64}) {
  %t = memref.transpose %w (i, j) -> (j, i) : memref<4x4xf32> to memref<4x4xf32, strided<[1, 4]>>
  linalg.copy ins(%other : memref<4x4xf32>) outs(%out : memref<4x4xf32>)
  linalg.copy ins(%t : memref<4x4xf32, strided<[1, 4]>>) outs(%other : memref<4x4xf32>)
  return
}

// -----

// Each tile reads the transposed box of the one it writes: another tile
// may have overwritten it.
// CHECK-LABEL: func @transposed_read
// CHECK:         memref.copy %arg0, %[[COPY:.+]] :
// CHECK:         vector.transfer_read %[[COPY]]
func.func @transposed_read(%w: memref<32x32xf32>,
                           %out: memref<32x32xf32> {born.tied_input = 0 : i64}) {
  %c0 = arith.constant 0 : index
  %pad = ub.poison : f32
  scf.forall (%i, %j) = (0, 0) to (32, 32) step (8, 8) {
    %tile = memref.subview %out[%i, %j] [8, 8] [1, 1] : memref<32x32xf32> to memref<8x8xf32, strided<[32, 1], offset: ?>>
    %wv = vector.transfer_read %w[%j, %i], %pad {in_bounds = [true, true]} : memref<32x32xf32>, vector<8x8xf32>
    vector.transfer_write %wv, %tile[%c0, %c0] {in_bounds = [true, true]} : vector<8x8xf32>, memref<8x8xf32, strided<[32, 1], offset: ?>>
  }
  return
}

// -----

// The tile writes its box before reading it.
// CHECK-LABEL: func @write_before_read
// CHECK:         memref.copy %arg0, %[[COPY:.+]] :
func.func @write_before_read(%w: memref<32xf32>,
                             %out: memref<32xf32> {born.tied_input = 0 : i64}) {
  %c0 = arith.constant 0 : index
  %pad = ub.poison : f32
  %zero = arith.constant dense<0.0> : vector<8xf32>
  scf.forall (%i) = (0) to (32) step (8) {
    %tile = memref.subview %out[%i] [8] [1] : memref<32xf32> to memref<8xf32, strided<[1], offset: ?>>
    vector.transfer_write %zero, %tile[%c0] {in_bounds = [true]} : vector<8xf32>, memref<8xf32, strided<[1], offset: ?>>
    %wv = vector.transfer_read %w[%i], %pad {in_bounds = [true]} : memref<32xf32>, vector<8xf32>
    vector.transfer_write %wv, %tile[%c0] {in_bounds = [true]} : vector<8xf32>, memref<8xf32, strided<[1], offset: ?>>
  }
  return
}

// -----

// expected-error @+1 {{argument 1 ('memref<8xf32>') is tied to argument 0 of another type ('memref<16xf32>')}}
func.func @wrong_type(%w: memref<16xf32>, %out: memref<8xf32> {born.tied_input = 0 : i64}) {
  return
}

// -----

// expected-error @+1 {{argument 1: born.tied_input = 5 names no other argument}}
func.func @no_such_input(%w: memref<16xf32>, %out: memref<16xf32> {born.tied_input = 5 : i64}) {
  return
}
