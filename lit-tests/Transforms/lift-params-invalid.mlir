// RUN: born-opt %s --split-input-file --born-lift-params --verify-diagnostics


func.func @mismatch() -> tensor<4xf32> {
  %a = born.param "w" : tensor<4xf32>
  // expected-error @+1 {{parameter 'w' used with types 'tensor<4xf32>' and 'tensor<5xf32>'}}
  %b = born.param "w" : tensor<5xf32>
  return %a : tensor<4xf32>
}

// -----

func.func private @helper() -> tensor<4xf32> {
  // expected-error @+1 {{parameters are only supported in public functions}}
  %a = born.param "w" : tensor<4xf32>
  return %a : tensor<4xf32>
}
