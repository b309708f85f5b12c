// bfloat16 on the CPU: x86 without AVX512-BF16 has no float -> bf16
// conversion instruction, so LLVM calls __truncsfbf2 / __truncdfbf2, which
// the runtime defines. bf16 tensors are '<u2' .npy files holding the bits.
func.func @forward(%x: tensor<4x33xbf16>, %f: tensor<4x33xf32>, %d: tensor<33xf64>)
    -> (tensor<4x33xbf16>, tensor<4x33xf32>, tensor<4x33xbf16>, tensor<4x33xbf16>,
        tensor<33xbf16>) {
  %e = born.exp %x : tensor<4x33xbf16>
  %xf = born.cast %x : tensor<4x33xbf16> to tensor<4x33xf32>
  %fb = born.cast %f : tensor<4x33xf32> to tensor<4x33xbf16>
  %p = born.mul %x, %fb : tensor<4x33xbf16>, tensor<4x33xbf16>
  %db = born.cast %d : tensor<33xf64> to tensor<33xbf16>
  return %e, %xf, %fb, %p, %db
      : tensor<4x33xbf16>, tensor<4x33xf32>, tensor<4x33xbf16>, tensor<4x33xbf16>,
        tensor<33xbf16>
}
