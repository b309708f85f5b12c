// Views on the host (tensor.pad writes into a subview of the padded buffer,
// reshapes of weights are expand/collapse_shape) are folded into the kernels'
// loads and stores, so each kernel binds whole buffers and the host function
// keeps only allocations and launches.
// RUN: bornc -q %s --target=vulkan --compile-to=kernels | FileCheck %s
// RUN: rm -rf %t && bornc -q %s --emit=spirv -o %t
// RUN: FileCheck %s --input-file=%t/schedule.txt --check-prefix=SCHEDULE

// CHECK-LABEL: func.func @forward
// CHECK-NOT: memref.subview
// CHECK-NOT: memref.expand_shape
// CHECK-NOT: memref.collapse_shape
// CHECK: return

// SCHEDULE: buffers 4
// SCHEDULE-NEXT: 0: input 0 384 bytes
// SCHEDULE-NEXT: 1: weights 'b' 8 bytes
// SCHEDULE-NEXT: 2: output 0 1024 bytes
// SCHEDULE-NEXT: 3: temp 384 bytes
func.func @forward(%x: tensor<1x2x6x8xf32>) -> tensor<1x2x8x16xf32> {
  %b = born.param "b" : tensor<2xf32>
  %rb = born.reshape %b : tensor<2xf32> to tensor<2x1x1xf32>
  %a = born.add %x, %rb : tensor<1x2x6x8xf32>, tensor<2x1x1xf32>
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %a low[0, 0, 1, 4] high[0, 0, 1, 4] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<1x2x6x8xf32> to tensor<1x2x8x16xf32>
  return %p : tensor<1x2x8x16xf32>
}
