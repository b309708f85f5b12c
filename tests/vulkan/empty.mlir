// Zero-size tensors on the CPU: the entry takes and returns rank-3 tensors
// with a zero dimension (one pointer each, no data), and a reduction over
// the empty axis yields its identity.
func.func @forward(%x: tensor<3x0x5xi64>, %f: tensor<2x0x4xf32>)
    -> (tensor<3x0x5xi64>, tensor<2x4xf32>, tensor<2x0x4xf32>) {
  %y = born.add %x, %x : tensor<3x0x5xi64>, tensor<3x0x5xi64>
  %s = born.reduce sum %f axes = [1] : tensor<2x0x4xf32>
  %e = born.exp %f : tensor<2x0x4xf32>
  return %y, %s, %e : tensor<3x0x5xi64>, tensor<2x4xf32>, tensor<2x0x4xf32>
}
