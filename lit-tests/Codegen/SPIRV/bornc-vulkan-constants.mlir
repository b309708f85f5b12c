// Constant tensors become weights buffers; their bytes are appended to the
// weights blob, after the model's parameters.
// RUN: rm -rf %t && bornc -q %s --emit=spirv -o %t
// RUN: FileCheck %s --input-file=%t/schedule.txt
// RUN: bornc -q %s --target=vulkan --emit=llvm | FileCheck %s --check-prefix=LLVM

// CHECK: buffers 3
// CHECK-NEXT: 0: input 0 16 bytes
// CHECK-NEXT: 1: output 0 16 bytes
// CHECK-NEXT: 2: constant 'born.constant.__constant_4xf32' 16 bytes
// CHECK: buffers=[0, 2, 1]

// The constant is a weights buffer (kind 3) at offset 0 of the blob, which
// holds the four floats.
// LLVM: %born_vk_buffer { i32 3, i32 0, i64 0, i64 16 }
// LLVM: @model_weights = private constant [16 x i8] c"\00\00\80?\00\00\00@\00\00@@\00\00\80@", align 64
func.func @forward(%x: tensor<4xf32>) -> tensor<4xf32> {
  %k = born.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %y = born.mul %x, %k : tensor<4xf32>, tensor<4xf32>
  return %y : tensor<4xf32>
}
