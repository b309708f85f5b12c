// Reductions: a row sum (parallel rows, sequential columns per thread) and a
// full sum to a rank-0 tensor (no parallel loop: a one-thread kernel).
func.func @forward(%x: tensor<6x37xf32>) -> (tensor<6xf32>, tensor<f32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<6xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<6xf32>) -> tensor<6xf32>
  %r = linalg.reduce ins(%x : tensor<6x37xf32>) outs(%f : tensor<6xf32>) dimensions = [1]
    (%a: f32, %b: f32) { %s = arith.addf %a, %b : f32
      linalg.yield %s : f32 }
  %e0 = tensor.empty() : tensor<f32>
  %f0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %t = linalg.reduce ins(%r : tensor<6xf32>) outs(%f0 : tensor<f32>) dimensions = [0]
    (%a: f32, %b: f32) { %s = arith.addf %a, %b : f32
      linalg.yield %s : f32 }
  return %r, %t : tensor<6xf32>, tensor<f32>
}
