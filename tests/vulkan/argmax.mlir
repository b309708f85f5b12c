// Argmax family on Vulkan: along the last axis and, keeping dims, along the
// first (a reduction carrying value and index).
func.func @forward(%x: tensor<5x33xf32>) -> (tensor<5xi64>, tensor<1x33xi64>) {
  %a1 = born.argmax %x axis = 1 : tensor<5x33xf32>
  %a0 = born.argmax %x axis = 0 keepdims : tensor<5x33xf32>
  return %a1, %a0 : tensor<5xi64>, tensor<1x33xi64>
}
