// f64 and i16 tensors on both targets: on Vulkan, f64 needs the device's
// shaderFloat64 and i16 its shaderInt16 and storageBuffer16BitAccess (the
// runtime enables them where present and refuses the kernel otherwise).
func.func @forward(%x: tensor<4x33xf64>, %y: tensor<33xf64>, %a: tensor<4x33xi16>)
    -> (tensor<4x33xf64>, tensor<4x33xf64>, tensor<4xf64>, tensor<4x33xf32>,
        tensor<4x33xi16>, tensor<4x33xi1>, tensor<4x33xf64>) {
  %k = born.param "k" : tensor<33xi16>
  %axpy = born.add %x, %y : tensor<4x33xf64>, tensor<33xf64>
  %prod = born.mul %x, %x : tensor<4x33xf64>, tensor<4x33xf64>
  %abs = born.abs %x : tensor<4x33xf64>
  %root = born.sqrt %abs : tensor<4x33xf64>
  %sum = born.reduce sum %prod axes = [1] : tensor<4x33xf64>
  %xf = born.cast %axpy : tensor<4x33xf64> to tensor<4x33xf32>
  %mul = born.mul %a, %k : tensor<4x33xi16>, tensor<33xi16>
  %gt = born.cmp gt, %a, %k : tensor<4x33xi16>, tensor<33xi16>
  %ad = born.cast %a : tensor<4x33xi16> to tensor<4x33xf64>
  %mix = born.add %ad, %root : tensor<4x33xf64>, tensor<4x33xf64>
  return %axpy, %prod, %sum, %xf, %mul, %gt, %mix
      : tensor<4x33xf64>, tensor<4x33xf64>, tensor<4xf64>, tensor<4x33xf32>,
        tensor<4x33xi16>, tensor<4x33xi1>, tensor<4x33xf64>
}
