// i8, i16 and f64 through the CPU pipeline (tiled, vectorized, threaded),
// with an i16 weight from SafeTensors. CPU only: the Vulkan target has no
// f64 sin (GLSL.std.450 has transcendentals for 16/32-bit floats only).
func.func @forward(%a: tensor<4x33xi16>, %b: tensor<33xi8>, %x: tensor<4x33xf64>)
    -> (tensor<4x33xi16>, tensor<4x33xi16>, tensor<33xi8>, tensor<4x33xf64>,
        tensor<4x33xf64>, tensor<4x33xi8>, tensor<4x33xf32>, tensor<4xf64>,
        tensor<4x33xi1>) {
  %k = born.param "k" : tensor<33xi16>
  %mul = born.mul %a, %k : tensor<4x33xi16>, tensor<33xi16>
  %rem = born.rem %a, %k : tensor<4x33xi16>, tensor<33xi16>
  %not = born.not %b : tensor<33xi8>
  %sin = born.sin %x : tensor<4x33xf64>
  %round = born.round %x : tensor<4x33xf64>
  %x8 = born.cast %x : tensor<4x33xf64> to tensor<4x33xi8>
  %af = born.cast %a : tensor<4x33xi16> to tensor<4x33xf32>
  %sum = born.reduce sum %x axes = [1] : tensor<4x33xf64>
  %b16 = born.cast %b : tensor<33xi8> to tensor<33xi16>
  %gt = born.cmp gt, %a, %b16 : tensor<4x33xi16>, tensor<33xi16>
  return %mul, %rem, %not, %sin, %round, %x8, %af, %sum, %gt
      : tensor<4x33xi16>, tensor<4x33xi16>, tensor<33xi8>, tensor<4x33xf64>,
        tensor<4x33xf64>, tensor<4x33xi8>, tensor<4x33xf32>, tensor<4xf64>,
        tensor<4x33xi1>
}
