// Softmax family on Vulkan: over the last axis and over a leading one (max,
// exp, sum and divide as separate kernels).
func.func @forward(%x: tensor<4x37xf32>) -> (tensor<4x37xf32>, tensor<4x37xf32>, tensor<4x37xf32>) {
  %s1 = born.softmax %x axis = 1 : tensor<4x37xf32>
  %s0 = born.softmax %x axis = 0 : tensor<4x37xf32>
  %l1 = born.log_softmax %x axis = 1 : tensor<4x37xf32>
  return %s1, %s0, %l1 : tensor<4x37xf32>, tensor<4x37xf32>, tensor<4x37xf32>
}
