// Concat family on Vulkan: along a leading and an inner axis (each operand is
// copied into a subview of the result), with a constant operand.
func.func @forward(%a: tensor<2x3x4xf32>, %b: tensor<2x5x4xf32>)
    -> (tensor<2x9x4xf32>, tensor<4x3x4xf32>) {
  %k = born.constant dense<[[[1.0, 2.0, 3.0, 4.0]], [[5.0, 6.0, 7.0, 8.0]]]> : tensor<2x1x4xf32>
  %inner = born.concat %a, %b, %k axis = 1 : tensor<2x3x4xf32>, tensor<2x5x4xf32>, tensor<2x1x4xf32>
  %outer = born.concat %a, %a axis = 0 : tensor<2x3x4xf32>, tensor<2x3x4xf32>
  return %inner, %outer : tensor<2x9x4xf32>, tensor<4x3x4xf32>
}
