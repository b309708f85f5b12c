// RUN: born-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(born-cpu-widen-ragged-transfers))" | FileCheck %s
// RUN: born-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(born-cpu-widen-ragged-transfers{register-bits=256}))" | FileCheck %s --check-prefix=AVX2

// A 14-wide row (a 14 x 14 feature map's) is one masked load and one masked
// store of 16 lanes; with 256-bit registers, two registers' worth.
// CHECK-LABEL: func @row14
// CHECK: %[[MASK:.*]] = vector.constant_mask [14] : vector<16xi1>
// CHECK: %[[WIDE:.*]] = vector.maskedload %{{.*}}[%{{.*}}], %[[MASK]], %{{.*}} : memref<196xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK: %[[ROW:.*]] = vector.extract_strided_slice %[[WIDE]] {offsets = [0], sizes = [14], strides = [1]} : vector<16xf32> to vector<14xf32>
// CHECK: %[[SUM:.*]] = arith.addf %[[ROW]], %[[ROW]] : vector<14xf32>
// CHECK: %[[PADDED:.*]] = vector.insert_strided_slice %[[SUM]], %{{.*}} {offsets = [0], strides = [1]} : vector<14xf32> into vector<16xf32>
// CHECK: %[[MASK2:.*]] = vector.constant_mask [14] : vector<16xi1>
// CHECK: vector.maskedstore %{{.*}}[%{{.*}}], %[[MASK2]], %[[PADDED]] : memref<196xf32, strided<[1], offset: ?>>, vector<16xi1>, vector<16xf32>
// CHECK-NOT: vector.transfer
// AVX2-LABEL: func @row14
// AVX2: vector.constant_mask [14] : vector<16xi1>
func.func @row14(%in: memref<196xf32>, %out: memref<196xf32, strided<[1], offset: ?>>, %i: index) {
  %pad = arith.constant 0.0 : f32
  %v = vector.transfer_read %in[%i], %pad {in_bounds = [true]} : memref<196xf32>, vector<14xf32>
  %s = arith.addf %v, %v : vector<14xf32>
  vector.transfer_write %s, %out[%i] {in_bounds = [true]} : vector<14xf32>, memref<196xf32, strided<[1], offset: ?>>
  return
}

// -----

// 28 lanes become two registers of 16, the second masked to 12; with 256-bit
// registers, four of 8.
// CHECK-LABEL: func @row28
// CHECK: vector.constant_mask [28] : vector<32xi1>
// CHECK: vector.maskedload {{.*}} into vector<32xf32>
// AVX2-LABEL: func @row28
// AVX2: vector.constant_mask [28] : vector<32xi1>
func.func @row28(%in: memref<28x28xf32>, %i: index) -> vector<28xf32> {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %v = vector.transfer_read %in[%i, %c0], %pad {in_bounds = [true]} : memref<28x28xf32>, vector<28xf32>
  return %v : vector<28xf32>
}

// -----

// Left alone: widths that fill registers or halves of them, reads that may
// run past the buffer (their own masks), strided rows, tensors.
// CHECK-LABEL: func @untouched
// CHECK-NOT: vector.maskedload
// CHECK-COUNT-4: vector.transfer_read
// CHECK-NOT: vector.maskedload
func.func @untouched(%in: memref<196xf32>, %strided: memref<14x14xf32, strided<[28, 2]>>, %t: tensor<196xf32>, %i: index) -> (vector<16xf32>, vector<14xf32>, vector<14xf32>, vector<14xf32>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %a = vector.transfer_read %in[%i], %pad {in_bounds = [true]} : memref<196xf32>, vector<16xf32>
  %b = vector.transfer_read %in[%i], %pad {in_bounds = [false]} : memref<196xf32>, vector<14xf32>
  %c = vector.transfer_read %strided[%i, %c0], %pad {in_bounds = [true]} : memref<14x14xf32, strided<[28, 2]>>, vector<14xf32>
  %d = vector.transfer_read %t[%i], %pad {in_bounds = [true]} : tensor<196xf32>, vector<14xf32>
  return %a, %b, %c, %d : vector<16xf32>, vector<14xf32>, vector<14xf32>, vector<14xf32>
}
