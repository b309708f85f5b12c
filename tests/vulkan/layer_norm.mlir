// Normalization family on Vulkan: layer_norm over the last axis with weights
// from the blob, and rms_norm.
func.func @forward(%x: tensor<2x5x24xf32>) -> (tensor<2x5x24xf32>, tensor<2x5x24xf32>) {
  %g = born.param "ln.weight" : tensor<24xf32>
  %b = born.param "ln.bias" : tensor<24xf32>
  %ln = born.layer_norm %x, %g, %b axis = 2 epsilon = 1.0e-05 : tensor<2x5x24xf32>, tensor<24xf32>, tensor<24xf32>
  %rms = born.rms_norm %x, %g axis = 2 epsilon = 1.0e-06 : tensor<2x5x24xf32>, tensor<24xf32>
  return %ln, %rms : tensor<2x5x24xf32>, tensor<2x5x24xf32>
}
