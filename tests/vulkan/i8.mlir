// i8 tensors on both targets. On Vulkan they need no 8-bit feature: like
// booleans, bytes are emulated inside 32-bit words.
func.func @forward(%a: tensor<4x33xi8>, %b: tensor<33xi8>)
    -> (tensor<4x33xi8>, tensor<4x33xi8>, tensor<4x33xi1>, tensor<4x33xi32>,
        tensor<4x33xi8>, tensor<33xi8>, tensor<4x33xi8>) {
  %sum = born.add %a, %b : tensor<4x33xi8>, tensor<33xi8>
  %prod = born.mul %a, %b : tensor<4x33xi8>, tensor<33xi8>
  %lt = born.cmp lt, %a, %b : tensor<4x33xi8>, tensor<33xi8>
  %wide = born.cast %a : tensor<4x33xi8> to tensor<4x33xi32>
  %rem = born.rem %a, %b : tensor<4x33xi8>, tensor<33xi8>
  %not = born.not %b : tensor<33xi8>
  %back = born.cast %wide : tensor<4x33xi32> to tensor<4x33xi8>
  return %sum, %prod, %lt, %wide, %rem, %not, %back
      : tensor<4x33xi8>, tensor<4x33xi8>, tensor<4x33xi1>, tensor<4x33xi32>,
        tensor<4x33xi8>, tensor<33xi8>, tensor<4x33xi8>
}
