// The e2e MLP (784-512-256-10, batch 64) on Vulkan: each layer's fill +
// matmul + bias (+ relu) is one dispatch writing the layer's output, so the
// whole model is three dispatches (it was three per layer).
// RUN: rm -rf %t && bornc -q %S/../../../tests/e2e/mlp.mlir --emit=spirv -o %t
// RUN: FileCheck %s --input-file=%t/schedule.txt
// RUN: spirv-val --target-env vulkan1.1 %t/mlp_kernel.spv
// RUN: spirv-val --target-env vulkan1.1 %t/mlp_kernel_0.spv
// RUN: spirv-val --target-env vulkan1.1 %t/mlp_kernel_1.spv

// CHECK: kernels 3
// CHECK: dispatches 3
// CHECK-NEXT: 0: kernel 0 grid=8x64x1 buffers=[8, 0, 4, 1]
// CHECK-NEXT: 1: kernel 1 grid=8x32x1 buffers=[9, 8, 5, 2]
// CHECK-NEXT: 2: kernel 2 grid=8x2x1 buffers=[7, 9, 6, 3]
