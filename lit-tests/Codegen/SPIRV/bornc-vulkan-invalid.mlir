// Unsupported element types are a compile error naming the op.
// RUN: not bornc -q %s --target=vulkan -o %t 2>&1 | FileCheck %s

// CHECK: error: {{.*}}the Vulkan target supports f32, f64, f16, i64, i32, i16, i8 and i1 tensors, got 'memref<4xbf16>'
func.func @forward(%x: tensor<4xbf16>) -> tensor<4xbf16> {
  %e = tensor.empty() : tensor<4xbf16>
  %y = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]}
      ins(%x : tensor<4xbf16>) outs(%e : tensor<4xbf16>) {
  ^bb0(%a: bf16, %o: bf16):
    %s = arith.addf %a, %a : bf16
    linalg.yield %s : bf16
  } -> tensor<4xbf16>
  return %y : tensor<4xbf16>
}
