// 1024x1024x1024 f32 matmul for bench/bench.py; B is a weight.
func.func @matmul(%a: tensor<1024x1024xf32>) -> tensor<1024x1024xf32> {
  %b = born.param "b" : tensor<1024x1024xf32>
  %0 = born.matmul %a, %b : tensor<1024x1024xf32>, tensor<1024x1024xf32>
  return %0 : tensor<1024x1024xf32>
}
