// RUN: born-opt %s --split-input-file --born-cpu-decompose-pads | FileCheck %s

// A max-pool's -inf padding: the border of the padded buffer is filled, slab
// by slab (rows 0 and 7 whole; columns 0..1 and 8 of rows 1..6), and the
// source is copied into its interior by a linalg.copy (which tiles and
// vectorizes). The interior is never filled.
// CHECK-LABEL: func @pad
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<1x8x6x6xf32>
// CHECK: %[[V:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[A:.*]] = bufferization.alloc_tensor() : tensor<1x8x8x9xf32>
// CHECK: %[[T:.*]] = tensor.extract_slice %[[A]][0, 0, 0, 0] [1, 8, 1, 9] [1, 1, 1, 1]
// CHECK: %[[TF:.*]] = linalg.fill ins(%[[V]] : f32) outs(%[[T]] : tensor<1x8x1x9xf32>)
// CHECK: %[[A1:.*]] = tensor.insert_slice %[[TF]] into %[[A]][0, 0, 0, 0] [1, 8, 1, 9] [1, 1, 1, 1]
// CHECK: %[[B:.*]] = tensor.extract_slice %[[A1]][0, 0, 7, 0] [1, 8, 1, 9] [1, 1, 1, 1]
// CHECK: %[[BF:.*]] = linalg.fill ins(%[[V]] : f32) outs(%[[B]] : tensor<1x8x1x9xf32>)
// CHECK: %[[A2:.*]] = tensor.insert_slice %[[BF]] into %[[A1]][0, 0, 7, 0] [1, 8, 1, 9] [1, 1, 1, 1]
// CHECK: %[[L:.*]] = tensor.extract_slice %[[A2]][0, 0, 1, 0] [1, 8, 6, 2] [1, 1, 1, 1]
// CHECK: %[[LF:.*]] = linalg.fill ins(%[[V]] : f32) outs(%[[L]] : tensor<1x8x6x2xf32>)
// CHECK: %[[A3:.*]] = tensor.insert_slice %[[LF]] into %[[A2]][0, 0, 1, 0] [1, 8, 6, 2] [1, 1, 1, 1]
// CHECK: %[[R:.*]] = tensor.extract_slice %[[A3]][0, 0, 1, 8] [1, 8, 6, 1] [1, 1, 1, 1]
// CHECK: %[[RF:.*]] = linalg.fill ins(%[[V]] : f32) outs(%[[R]] : tensor<1x8x6x1xf32>)
// CHECK: %[[A4:.*]] = tensor.insert_slice %[[RF]] into %[[A3]][0, 0, 1, 8] [1, 8, 6, 1] [1, 1, 1, 1]
// CHECK-NOT: linalg.fill
// CHECK: %[[I:.*]] = tensor.extract_slice %[[A4]][0, 0, 1, 2] [1, 8, 6, 6] [1, 1, 1, 1]
// CHECK: %[[C:.*]] = linalg.copy ins(%[[X]] : tensor<1x8x6x6xf32>) outs(%[[I]] : tensor<1x8x6x6xf32>)
// CHECK: %[[P:.*]] = tensor.insert_slice %[[C]] into %[[A4]][0, 0, 1, 2] [1, 8, 6, 6] [1, 1, 1, 1]
// CHECK: return %[[P]]
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
