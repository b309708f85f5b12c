// Pooling family on Vulkan: average pooling with padding, excluding the pad
// from the divisor (a constant divisor table, placed in the weights blob) and
// including it, plus padded max pooling (tensor.pad writes into a subview).
func.func @forward(%x: tensor<2x3x9x9xf32>)
    -> (tensor<2x3x5x5xf32>, tensor<2x3x5x5xf32>, tensor<2x3x5x5xf32>) {
  %excl = born.pool2d avg %x kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<2x3x9x9xf32>
  %incl = born.pool2d avg %x kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] count_include_pad : tensor<2x3x9x9xf32>
  %max = born.pool2d max %x kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<2x3x9x9xf32>
  return %excl, %incl, %max : tensor<2x3x5x5xf32>, tensor<2x3x5x5xf32>, tensor<2x3x5x5xf32>
}
