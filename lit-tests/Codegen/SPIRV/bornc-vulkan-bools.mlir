// Boolean tensors are a byte per element, emulated inside 32-bit words by
// the kernels: buffers round up to whole words, and no 8-bit storage
// capability is needed.
// RUN: rm -rf %t && bornc -q %s --emit=spirv -o %t
// RUN: FileCheck %s --input-file=%t/schedule.txt
// RUN: spirv-val --target-env vulkan1.1 %t/forward_kernel.spv
// RUN: spirv-dis %t/forward_kernel.spv | FileCheck %s --check-prefix=SPIRV

// CHECK: buffers 3
// CHECK-NEXT: 0: input 0 20 bytes
// CHECK-NEXT: 1: input 1 8 bytes
// CHECK-NEXT: 2: output 0 8 bytes

// Byte stores into a word are atomic so that neighbouring threads can not
// undo each other's writes.
// SPIRV-NOT: StorageBuffer8BitAccess
// SPIRV: OpAtomicAnd
// SPIRV: OpAtomicOr
func.func @forward(%x: tensor<5xf32>, %keep: tensor<5xi1>) -> tensor<5xi1> {
  %zero = born.constant dense<0.0> : tensor<5xf32>
  %kf = born.cast %keep : tensor<5xi1> to tensor<5xf32>
  %kx = born.mul %x, %kf : tensor<5xf32>, tensor<5xf32>
  %gt = born.cmp gt, %kx, %zero : tensor<5xf32>, tensor<5xf32>
  return %gt : tensor<5xi1>
}
