// Unsupported element types are a compile error naming the op.
// RUN: not bornc -q %s --target=vulkan -o %t 2>&1 | FileCheck %s

// CHECK: error: {{.*}}the Vulkan target supports f32, i32, i64 and i1 tensors, got 'memref<4xf16>'
func.func @forward(%x: tensor<4xf16>) -> tensor<4xf16> {
  %e = tensor.empty() : tensor<4xf16>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<4xf16>) outs(%e : tensor<4xf16>) {
  ^bb0(%a: f16, %o: f16):
    %s = arith.addf %a, %a : f16
    linalg.yield %s : f16
  } -> tensor<4xf16>
  return %y : tensor<4xf16>
}
