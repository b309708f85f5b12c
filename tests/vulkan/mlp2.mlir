// Two dense layers: matmul + bias + relu, then matmul + bias. The hidden
// activation is a temporary buffer on Vulkan. Odd sizes exercise the guards
// of partial workgroups.
#rows = affine_map<(d0, d1) -> (d0, d1)>
#cols = affine_map<(d0, d1) -> (d1)>
func.func @forward(%x: tensor<5x33xf32>) -> tensor<5x7xf32> {
  %w1 = born.param "w1" : tensor<33x70xf32>
  %b1 = born.param "b1" : tensor<70xf32>
  %w2 = born.param "w2" : tensor<70x7xf32>
  %b2 = born.param "b2" : tensor<7xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<5x70xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<5x70xf32>) -> tensor<5x70xf32>
  %m1 = linalg.matmul ins(%x, %w1 : tensor<5x33xf32>, tensor<33x70xf32>) outs(%f1 : tensor<5x70xf32>) -> tensor<5x70xf32>
  %h = linalg.generic {indexing_maps = [#rows, #cols, #rows], iterator_types = ["parallel", "parallel"]}
      ins(%m1, %b1 : tensor<5x70xf32>, tensor<70xf32>) outs(%e1 : tensor<5x70xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<5x70xf32>
  %e2 = tensor.empty() : tensor<5x7xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<5x7xf32>) -> tensor<5x7xf32>
  %m2 = linalg.matmul ins(%h, %w2 : tensor<5x70xf32>, tensor<70x7xf32>) outs(%f2 : tensor<5x7xf32>) -> tensor<5x7xf32>
  %y = linalg.generic {indexing_maps = [#rows, #cols, #rows], iterator_types = ["parallel", "parallel"]}
      ins(%m2, %b2 : tensor<5x7xf32>, tensor<7xf32>) outs(%e2 : tensor<5x7xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  } -> tensor<5x7xf32>
  return %y : tensor<5x7xf32>
}
