// Trigonometric, hyperbolic and rounding functions, sign and remainder on
// f32, and the bitwise/logical ops on i32 and i1.
func.func @forward(%x: tensor<3x40xf32>, %u: tensor<3x40xf32>,
                   %g: tensor<3x40xf32>, %h: tensor<40xf32>,
                   %i: tensor<50xi32>, %j: tensor<50xi32>,
                   %p: tensor<50xi1>, %q: tensor<50xi1>)
    -> (tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>,
        tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>,
        tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>,
        tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>,
        tensor<3x40xf32>, tensor<3x40xf32>,
        tensor<50xi32>, tensor<50xi32>, tensor<50xi32>, tensor<50xi32>,
        tensor<50xi32>, tensor<50xi32>,
        tensor<50xi1>, tensor<50xi1>, tensor<50xi1>, tensor<50xi1>) {
  %sin = born.sin %x : tensor<3x40xf32>
  %cos = born.cos %x : tensor<3x40xf32>
  %tan = born.tan %u : tensor<3x40xf32>
  %asin = born.asin %u : tensor<3x40xf32>
  %acos = born.acos %u : tensor<3x40xf32>
  %atan = born.atan %x : tensor<3x40xf32>
  %sinh = born.sinh %u : tensor<3x40xf32>
  %cosh = born.cosh %u : tensor<3x40xf32>
  %asinh = born.asinh %x : tensor<3x40xf32>
  %acosh = born.acosh %g : tensor<3x40xf32>
  %atanh = born.atanh %u : tensor<3x40xf32>
  %floor = born.floor %x : tensor<3x40xf32>
  %ceil = born.ceil %x : tensor<3x40xf32>
  %round = born.round %h : tensor<40xf32>
  %round_b = born.broadcast %round : tensor<40xf32> to tensor<3x40xf32>
  %trunc = born.trunc %x : tensor<3x40xf32>
  %sign = born.sign %x : tensor<3x40xf32>
  %rem = born.rem %x, %h : tensor<3x40xf32>, tensor<40xf32>
  %irem = born.rem %i, %j : tensor<50xi32>, tensor<50xi32>
  %isign = born.sign %i : tensor<50xi32>
  %iand = born.and %i, %j : tensor<50xi32>, tensor<50xi32>
  %ior = born.or %i, %j : tensor<50xi32>, tensor<50xi32>
  %ixor = born.xor %i, %j : tensor<50xi32>, tensor<50xi32>
  %inot = born.not %i : tensor<50xi32>
  %band = born.and %p, %q : tensor<50xi1>, tensor<50xi1>
  %bor = born.or %p, %q : tensor<50xi1>, tensor<50xi1>
  %bxor = born.xor %p, %q : tensor<50xi1>, tensor<50xi1>
  %bnot = born.not %p : tensor<50xi1>
  return %sin, %cos, %tan, %asin, %acos, %atan, %sinh, %cosh, %asinh, %acosh,
         %atanh, %floor, %ceil, %round_b, %trunc, %sign, %rem,
         %irem, %isign, %iand, %ior, %ixor, %inot, %band, %bor, %bxor, %bnot
      : tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>,
        tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>,
        tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>,
        tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>, tensor<3x40xf32>,
        tensor<3x40xf32>, tensor<3x40xf32>,
        tensor<50xi32>, tensor<50xi32>, tensor<50xi32>, tensor<50xi32>,
        tensor<50xi32>, tensor<50xi32>,
        tensor<50xi1>, tensor<50xi1>, tensor<50xi1>, tensor<50xi1>
}
