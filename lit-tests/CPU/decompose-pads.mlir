// RUN: born-opt %s --split-input-file --born-cpu-decompose-pads | FileCheck %s

// A max-pool's -inf padding: the padded tensor is filled, and the source is
// copied into its interior by a linalg.copy (which tiles and vectorizes).
// CHECK-LABEL: func @pad
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<1x8x6x6xf32>
// CHECK: %[[V:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[E:.*]] = bufferization.alloc_tensor() : tensor<1x8x8x9xf32>
// CHECK: %[[F:.*]] = linalg.fill ins(%[[V]] : f32) outs(%[[E]] : tensor<1x8x8x9xf32>)
// CHECK: %[[I:.*]] = tensor.extract_slice %[[F]][0, 0, 1, 2] [1, 8, 6, 6] [1, 1, 1, 1]
// CHECK: %[[C:.*]] = linalg.copy ins(%[[X]] : tensor<1x8x6x6xf32>) outs(%[[I]] : tensor<1x8x6x6xf32>)
// CHECK: %[[R:.*]] = tensor.insert_slice %[[C]] into %[[F]][0, 0, 1, 2] [1, 8, 6, 6] [1, 1, 1, 1]
// CHECK: return %[[R]]
func.func @pad(%x: tensor<1x8x6x6xf32>) -> tensor<1x8x8x9xf32> {
  %v = arith.constant 0xFF800000 : f32
  %p = tensor.pad %x low[0, 0, 1, 2] high[0, 0, 1, 1] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %v : f32
  } : tensor<1x8x6x6xf32> to tensor<1x8x8x9xf32>
  return %p : tensor<1x8x8x9xf32>
}

// -----

// Dynamic shapes are left to bufferization.
// CHECK-LABEL: func @dynamic
// CHECK: tensor.pad
func.func @dynamic(%x: tensor<?x6xf32>) -> tensor<?x8xf32> {
  %v = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1] high[0, 1] {
  ^bb0(%i: index, %j: index):
    tensor.yield %v : f32
  } : tensor<?x6xf32> to tensor<?x8xf32>
  return %p : tensor<?x8xf32>
}
