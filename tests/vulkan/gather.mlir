// Gather family on Vulkan: an embedding lookup (i64 ids, axis 0, table from
// the blob) and a gather along axis 1 with negative i32 ids.
func.func @forward(%ids: tensor<2x3xi64>, %cols: tensor<4xi32>)
    -> (tensor<2x3x16xf32>, tensor<10x4xf32>) {
  %table = born.param "embedding" : tensor<10x16xf32>
  %rows = born.gather %table, %ids axis = 0 : tensor<10x16xf32>, tensor<2x3xi64>
  %t = born.transpose %table permutation = [1, 0] : tensor<10x16xf32>
  %s = born.slice %t start = [0, 0] limit = [10, 10] step = [1, 1] : tensor<16x10xf32>
  %picked = born.gather %s, %cols axis = 1 : tensor<10x10xf32>, tensor<4xi32>
  return %rows, %picked : tensor<2x3x16xf32>, tensor<10x4xf32>
}
