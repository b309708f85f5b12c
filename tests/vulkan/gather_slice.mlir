// Gathers reading slices (regression: on the CPU, the vectorized gather of a
// slice indexed its strided view as if it were dense, rows after the first
// read with the slice's width as their stride). A 4-D slice gathered on
// axis 2, a reshaped slice gathered on its last axis, and axis 0.
func.func @forward(%x: tensor<1x2x5x7xf32>, %t: tensor<6x9xf32>)
    -> (tensor<1x2x4x6xf32>, tensor<4x2x2xf32>, tensor<4x6xf32>) {
  %s = born.slice %x start = [0, 0, 0, 1] limit = [1, 2, 5, 7] step = [1, 1, 1, 1] : tensor<1x2x5x7xf32>
  %i = born.constant dense<[0, 0, 1, 2]> : tensor<4xi64>
  %g = born.gather %s, %i axis = 2 : tensor<1x2x5x6xf32>, tensor<4xi64>
  %ts = born.slice %t start = [1, 2] limit = [5, 8] step = [1, 1] : tensor<6x9xf32>
  %r = born.reshape %ts : tensor<4x6xf32> to tensor<4x2x3xf32>
  %j = born.constant dense<[2, 0]> : tensor<2xi32>
  %g2 = born.gather %r, %j axis = 2 : tensor<4x2x3xf32>, tensor<2xi32>
  %k = born.constant dense<[0, 0, 1, -2]> : tensor<4xi64>
  %g3 = born.gather %ts, %k axis = 0 : tensor<4x6xf32>, tensor<4xi64>
  return %g, %g2, %g3 : tensor<1x2x4x6xf32>, tensor<4x2x2xf32>, tensor<4x6xf32>
}
