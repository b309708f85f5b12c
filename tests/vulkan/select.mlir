// Comparison and selection on Vulkan: boolean tensors (an input, an
// intermediate and an output) are bytes, emulated in 32-bit words by the
// kernels; where, casts between bool, i32 and f32, and a bool constant.
func.func @forward(%x: tensor<3x7xf32>, %y: tensor<7xf32>, %keep: tensor<3x7xi1>)
    -> (tensor<3x7xf32>, tensor<3x7xi32>, tensor<3x7xi1>) {
  %gt = born.cmp gt, %x, %y : tensor<3x7xf32>, tensor<7xf32>
  %w = born.where %gt, %x, %y : tensor<3x7xi1>, tensor<3x7xf32>, tensor<7xf32>
  %gi = born.cast %gt : tensor<3x7xi1> to tensor<3x7xi32>
  %k = born.cast %keep : tensor<3x7xi1> to tensor<3x7xf32>
  %wk = born.mul %w, %k : tensor<3x7xf32>, tensor<3x7xf32>
  %odd = born.constant dense<[true, false, true, false, true, false, true]> : tensor<7xi1>
  %oi = born.cast %odd : tensor<7xi1> to tensor<7xi32>
  %ne = born.cmp ne, %gi, %oi : tensor<3x7xi32>, tensor<7xi32>
  return %wk, %gi, %ne : tensor<3x7xf32>, tensor<3x7xi32>, tensor<3x7xi1>
}
