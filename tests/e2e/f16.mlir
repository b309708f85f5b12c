// f16 end to end on the CPU: matmul, gelu, softmax, exp and a cast to f32.
// tests/e2e/f16.py feeds it and checks it against PyTorch in f32.
func.func @f16(%x: tensor<4x32xf16>, %y: tensor<32x16xf16>) -> (tensor<4x16xf16>, tensor<4x32xf32>) {
  %m = born.matmul %x, %y : tensor<4x32xf16>, tensor<32x16xf16>
  %g = born.gelu %m : tensor<4x16xf16>
  %s = born.softmax %g axis = 1 : tensor<4x16xf16>
  %e = born.exp %x : tensor<4x32xf16>
  %c = born.cast %e : tensor<4x32xf16> to tensor<4x32xf32>
  return %s, %c : tensor<4x16xf16>, tensor<4x32xf32>
}
