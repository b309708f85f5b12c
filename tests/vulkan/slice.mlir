// Slice family on Vulkan: a strided slice and a contiguous one that is
// returned as is (a view of the input, copied to the output), and a reshape.
func.func @forward(%x: tensor<6x7x8xf32>)
    -> (tensor<3x2x8xf32>, tensor<2x7x8xf32>, tensor<6x56xf32>) {
  %s = born.slice %x start = [1, 0, 0] limit = [6, 6, 8] step = [2, 3, 1] : tensor<6x7x8xf32>
  %c = born.slice %x start = [2, 0, 0] limit = [4, 7, 8] step = [1, 1, 1] : tensor<6x7x8xf32>
  %r = born.reshape %x : tensor<6x7x8xf32> to tensor<6x56xf32>
  return %s, %c, %r : tensor<3x2x8xf32>, tensor<2x7x8xf32>, tensor<6x56xf32>
}
