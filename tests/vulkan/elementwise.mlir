// Elementwise family on Vulkan: transcendental activations (gelu through
// erf, its tanh approximation, erf itself, tanh, sigmoid, exp) and
// broadcasting binary ops.
func.func @forward(%x: tensor<3x50xf32>, %r: tensor<50xf32>)
    -> (tensor<3x50xf32>, tensor<3x50xf32>, tensor<3x50xf32>, tensor<3x50xf32>,
        tensor<3x50xf32>, tensor<3x50xf32>, tensor<3x50xf32>) {
  %gelu = born.gelu %x : tensor<3x50xf32>
  %gelu_tanh = born.gelu %x approximate : tensor<3x50xf32>
  %erf = born.erf %x : tensor<3x50xf32>
  %tanh = born.tanh %x : tensor<3x50xf32>
  %sigmoid = born.sigmoid %x : tensor<3x50xf32>
  %exp = born.exp %x : tensor<3x50xf32>
  %p = born.mul %x, %r : tensor<3x50xf32>, tensor<50xf32>
  %q = born.sub %p, %r : tensor<3x50xf32>, tensor<50xf32>
  return %gelu, %gelu_tanh, %erf, %tanh, %sigmoid, %exp, %q
      : tensor<3x50xf32>, tensor<3x50xf32>, tensor<3x50xf32>, tensor<3x50xf32>,
        tensor<3x50xf32>, tensor<3x50xf32>, tensor<3x50xf32>
}
