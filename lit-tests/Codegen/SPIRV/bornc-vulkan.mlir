// The Vulkan kernels phase end to end: the dispatch region fill + matmul +
// bias/relu is one kernel (one thread per output element, writing it in
// place), a SPIR-V module, and a host function of launches that the
// schedule is read from.
// RUN: bornc -q %s --target=vulkan --compile-to=kernels | FileCheck %s
// RUN: rm -rf %t && bornc -q %s --emit=spirv -o %t
// RUN: FileCheck %s --input-file=%t/schedule.txt --check-prefix=SCHEDULE
// RUN: spirv-val --target-env vulkan1.1 %t/forward_kernel.spv

// CHECK: func.func @forward(%{{.*}}: memref<4x8xf32>, %{{.*}}: memref<8x16xf32> {born.param = "w"}, %{{.*}}: memref<16xf32> {born.param = "b"}, %[[OUT:.*]]: memref<4x16xf32>)
// CHECK: gpu.launch_func @forward_kernel::@forward_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}}) args(%[[OUT]] : memref<4x16xf32>
// CHECK-NOT: gpu.launch_func
// CHECK: spirv.module @__spv__forward_kernel
// CHECK: spirv.EntryPoint "GLCompute" @forward_kernel
// CHECK: spirv.ExecutionMode @forward_kernel "LocalSize", 4, 16, 1
// CHECK-NOT: spirv.module

// SCHEDULE: kernels 1
// SCHEDULE: buffers 4
// SCHEDULE-NEXT: 0: input 0 128 bytes
// SCHEDULE-NEXT: 1: weights 'w' 512 bytes
// SCHEDULE-NEXT: 2: weights 'b' 64 bytes
// SCHEDULE-NEXT: 3: output 0 256 bytes
// SCHEDULE: dispatches 1
// SCHEDULE-NEXT: 0: kernel 0 grid=1x1x1 buffers=[3, 0, 1, 2]
#rows = affine_map<(d0, d1) -> (d0, d1)>
#cols = affine_map<(d0, d1) -> (d1)>
func.func @forward(%x: tensor<4x8xf32>) -> tensor<4x16xf32> {
  %w = born.param "w" : tensor<8x16xf32>
  %b = born.param "b" : tensor<16xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %m = linalg.matmul ins(%x, %w : tensor<4x8xf32>, tensor<8x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.generic {indexing_maps = [#rows, #cols, #rows], iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<4x16xf32>, tensor<16xf32>) outs(%e : tensor<4x16xf32>) {
  ^bb0(%a: f32, %c: f32, %o: f32):
    %s = arith.addf %a, %c : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
