// Matmuls on weights at a small size, from tests/e2e/reference.py: the CPU
// packs both weights into 16-column panels (b as stored, w transposed from
// torch's [out, in] layout); the Vulkan path reads them unpacked.
func.func @matmul(%a: tensor<40x96xf32>) -> tensor<40x48xf32> {
  %b = born.param "b" : tensor<96x64xf32>
  %w = born.param "w" : tensor<48x64xf32>
  %m = born.matmul %a, %b : tensor<40x96xf32>, tensor<96x64xf32>
  %wt = born.transpose %w permutation = [1, 0] : tensor<48x64xf32>
  %r = born.matmul %m, %wt : tensor<40x64xf32>, tensor<64x48xf32>
  return %r : tensor<40x48xf32>
}
