// RUN: born-opt %s %lower-to-llvm | %run-main | FileCheck %s

// Elementwise ops, run end to end. The CHECK lines at the bottom come from
// `/usr/bin/python3 lit-tests/Execution/reference.py elementwise` (PyTorch
// 1.13 on the same inputs); they follow the order of the prints below.

func.func @main() {
  %x = arith.constant dense<[[1.0, -2.0, 3.0], [0.5, 4.0, -1.5]]> : tensor<2x3xf32>
  %b = arith.constant dense<[10.0, 20.0, 30.0]> : tensor<3xf32>
  %c = arith.constant dense<[[2.0], [-4.0]]> : tensor<2x1xf32>
  %r = arith.constant dense<[[1.0, 2.0, 0.5]]> : tensor<1x3xf32>
  %xp = arith.constant dense<[[1.5, 4.0, 2.0], [3.0, 9.0, 0.5]]> : tensor<2x3xf32>
  %n1 = arith.constant dense<[1.0, 0x7FC00000, -1.0]> : tensor<3xf32>
  %n2 = arith.constant dense<[0x7FC00000, 2.0, 0.0]> : tensor<3xf32>
  %a = arith.constant dense<[[-2.0, -1.0, -0.5, 0.0], [0.5, 1.0, 2.0, 3.0]]> : tensor<2x4xf32>
  %p = arith.constant dense<[[0.25, 1.0, 2.0, 9.0]]> : tensor<1x4xf32>
  %f = arith.constant dense<[[-2.7, -0.5, 0.0, 2.5, 3.9, -100.2]]> : tensor<1x6xf32>
  %i = arith.constant dense<[[-7, 0, 5, 16777217]]> : tensor<1x4xi32>
  %z = arith.constant dense<[0.0, -0.0, 0.5, 0x7FC00000]> : tensor<4xf32>
  %n = arith.constant dense<[-7, 7, -8, 9]> : tensor<4xi32>
  %d = arith.constant dense<[2, -2, 3, 4]> : tensor<4xi32>

  %add = born.add %x, %b : tensor<2x3xf32>, tensor<3xf32>
  %add_u = tensor.cast %add : tensor<2x3xf32> to tensor<*xf32>
  call @showF32(%add_u) : (tensor<*xf32>) -> ()
  %mul = born.mul %c, %r : tensor<2x1xf32>, tensor<1x3xf32>
  %mul_u = tensor.cast %mul : tensor<2x3xf32> to tensor<*xf32>
  call @showF32(%mul_u) : (tensor<*xf32>) -> ()
  %div = born.div %x, %c : tensor<2x3xf32>, tensor<2x1xf32>
  %div_u = tensor.cast %div : tensor<2x3xf32> to tensor<*xf32>
  call @showF32(%div_u) : (tensor<*xf32>) -> ()
  %sub = born.sub %b, %c : tensor<3xf32>, tensor<2x1xf32>
  %sub_u = tensor.cast %sub : tensor<2x3xf32> to tensor<*xf32>
  call @showF32(%sub_u) : (tensor<*xf32>) -> ()
  %pow = born.pow %xp, %r : tensor<2x3xf32>, tensor<1x3xf32>
  %pow_u = tensor.cast %pow : tensor<2x3xf32> to tensor<*xf32>
  call @showF32(%pow_u) : (tensor<*xf32>) -> ()
  %max = born.max %x, %r : tensor<2x3xf32>, tensor<1x3xf32>
  %max_u = tensor.cast %max : tensor<2x3xf32> to tensor<*xf32>
  call @showF32(%max_u) : (tensor<*xf32>) -> ()
  %min = born.min %x, %r : tensor<2x3xf32>, tensor<1x3xf32>
  %min_u = tensor.cast %min : tensor<2x3xf32> to tensor<*xf32>
  call @showF32(%min_u) : (tensor<*xf32>) -> ()
  %nmax = born.max %n1, %n2 : tensor<3xf32>, tensor<3xf32>
  %nmax_u = tensor.cast %nmax : tensor<3xf32> to tensor<*xf32>
  call @showF32(%nmax_u) : (tensor<*xf32>) -> ()
  %nmin = born.min %n1, %n2 : tensor<3xf32>, tensor<3xf32>
  %nmin_u = tensor.cast %nmin : tensor<3xf32> to tensor<*xf32>
  call @showF32(%nmin_u) : (tensor<*xf32>) -> ()

  %neg = born.neg %a : tensor<2x4xf32>
  %neg_u = tensor.cast %neg : tensor<2x4xf32> to tensor<*xf32>
  call @showF32(%neg_u) : (tensor<*xf32>) -> ()
  %abs = born.abs %a : tensor<2x4xf32>
  %abs_u = tensor.cast %abs : tensor<2x4xf32> to tensor<*xf32>
  call @showF32(%abs_u) : (tensor<*xf32>) -> ()
  %relu = born.relu %a : tensor<2x4xf32>
  %relu_u = tensor.cast %relu : tensor<2x4xf32> to tensor<*xf32>
  call @showF32(%relu_u) : (tensor<*xf32>) -> ()
  %exp = born.exp %a : tensor<2x4xf32>
  %exp_u = tensor.cast %exp : tensor<2x4xf32> to tensor<*xf32>
  call @showF32(%exp_u) : (tensor<*xf32>) -> ()
  %tanh = born.tanh %a : tensor<2x4xf32>
  %tanh_u = tensor.cast %tanh : tensor<2x4xf32> to tensor<*xf32>
  call @showF32(%tanh_u) : (tensor<*xf32>) -> ()
  %sigmoid = born.sigmoid %a : tensor<2x4xf32>
  %sigmoid_u = tensor.cast %sigmoid : tensor<2x4xf32> to tensor<*xf32>
  call @showF32(%sigmoid_u) : (tensor<*xf32>) -> ()
  %silu = born.silu %a : tensor<2x4xf32>
  %silu_u = tensor.cast %silu : tensor<2x4xf32> to tensor<*xf32>
  call @showF32(%silu_u) : (tensor<*xf32>) -> ()
  %erf = born.erf %a : tensor<2x4xf32>
  %erf_u = tensor.cast %erf : tensor<2x4xf32> to tensor<*xf32>
  call @showF32(%erf_u) : (tensor<*xf32>) -> ()
  %gelu = born.gelu %a : tensor<2x4xf32>
  %gelu_u = tensor.cast %gelu : tensor<2x4xf32> to tensor<*xf32>
  call @showF32(%gelu_u) : (tensor<*xf32>) -> ()
  %gelu_tanh = born.gelu %a approximate : tensor<2x4xf32>
  %gelu_tanh_u = tensor.cast %gelu_tanh : tensor<2x4xf32> to tensor<*xf32>
  call @showF32(%gelu_tanh_u) : (tensor<*xf32>) -> ()
  %log = born.log %p : tensor<1x4xf32>
  %log_u = tensor.cast %log : tensor<1x4xf32> to tensor<*xf32>
  call @showF32(%log_u) : (tensor<*xf32>) -> ()
  %sqrt = born.sqrt %p : tensor<1x4xf32>
  %sqrt_u = tensor.cast %sqrt : tensor<1x4xf32> to tensor<*xf32>
  call @showF32(%sqrt_u) : (tensor<*xf32>) -> ()
  %rsqrt = born.rsqrt %p : tensor<1x4xf32>
  %rsqrt_u = tensor.cast %rsqrt : tensor<1x4xf32> to tensor<*xf32>
  call @showF32(%rsqrt_u) : (tensor<*xf32>) -> ()

  %mask = born.cmp gt, %x, %r : tensor<2x3xf32>, tensor<1x3xf32>
  %mask_i = born.cast %mask : tensor<2x3xi1> to tensor<2x3xi32>
  %mask_u = tensor.cast %mask_i : tensor<2x3xi32> to tensor<*xi32>
  call @showI32(%mask_u) : (tensor<*xi32>) -> ()
  %where = born.where %mask, %x, %b : tensor<2x3xi1>, tensor<2x3xf32>, tensor<3xf32>
  %where_u = tensor.cast %where : tensor<2x3xf32> to tensor<*xf32>
  call @showF32(%where_u) : (tensor<*xf32>) -> ()
  %ne = born.cmp ne, %n1, %n2 : tensor<3xf32>, tensor<3xf32>
  %ne_i = born.cast %ne : tensor<3xi1> to tensor<3xi32>
  %ne_u = tensor.cast %ne_i : tensor<3xi32> to tensor<*xi32>
  call @showI32(%ne_u) : (tensor<*xi32>) -> ()
  %eq = born.cmp eq, %n1, %n2 : tensor<3xf32>, tensor<3xf32>
  %eq_i = born.cast %eq : tensor<3xi1> to tensor<3xi32>
  %eq_u = tensor.cast %eq_i : tensor<3xi32> to tensor<*xi32>
  call @showI32(%eq_u) : (tensor<*xi32>) -> ()

  %f2i = born.cast %f : tensor<1x6xf32> to tensor<1x6xi32>
  %f2i_u = tensor.cast %f2i : tensor<1x6xi32> to tensor<*xi32>
  call @showI32(%f2i_u) : (tensor<*xi32>) -> ()
  %i2f = born.cast %i : tensor<1x4xi32> to tensor<1x4xf32>
  %i2f_u = tensor.cast %i2f : tensor<1x4xf32> to tensor<*xf32>
  call @showF32(%i2f_u) : (tensor<*xf32>) -> ()
  %f2b = born.cast %z : tensor<4xf32> to tensor<4xi1>
  %f2b_i = born.cast %f2b : tensor<4xi1> to tensor<4xi32>
  %f2b_u = tensor.cast %f2b_i : tensor<4xi32> to tensor<*xi32>
  call @showI32(%f2b_u) : (tensor<*xi32>) -> ()
  %idiv = born.div %n, %d : tensor<4xi32>, tensor<4xi32>
  %idiv_u = tensor.cast %idiv : tensor<4xi32> to tensor<*xi32>
  call @showI32(%idiv_u) : (tensor<*xi32>) -> ()
  return
}

func.func private @printMemrefF32(memref<*xf32>)
func.func private @printMemrefI32(memref<*xi32>)
func.func private @printMemrefI64(memref<*xi64>)
func.func @showF32(%t: tensor<*xf32>) {
  %m = bufferization.to_buffer %t : tensor<*xf32> to memref<*xf32>
  call @printMemrefF32(%m) : (memref<*xf32>) -> ()
  return
}
func.func @showI32(%t: tensor<*xi32>) {
  %m = bufferization.to_buffer %t : tensor<*xi32> to memref<*xi32>
  call @printMemrefI32(%m) : (memref<*xi32>) -> ()
  return
}
func.func @showI64(%t: tensor<*xi64>) {
  %m = bufferization.to_buffer %t : tensor<*xi64> to memref<*xi64>
  call @printMemrefI64(%m) : (memref<*xi64>) -> ()
  return
}

// ---- add 2x3 + 3
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[\[}}11,   18,   33],
// CHECK-NEXT: [10.5,   24,   28.5]]
// ---- mul 2x1 * 1x3
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[\[}}2,   4,   1],
// CHECK-NEXT: [-4,   -8,   -2]]
// ---- div 2x3 / 2x1
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[\[}}0.5,   -1,   1.5],
// CHECK-NEXT: [-0.125,   -1,   0.375]]
// ---- sub 3 - 2x1
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[\[}}8,   18,   28],
// CHECK-NEXT: [14,   24,   34]]
// ---- pow 2x3 ** 1x3 (rtol 1e-06)
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[\[}}1.5,   16,   1.41421],
// CHECK-NEXT: [3,   {{80.9999|81|81.0001}},   {{0.707106|0.707107}}]]
// ---- max 2x3, 1x3
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[\[}}1,   2,   3],
// CHECK-NEXT: [1,   4,   0.5]]
// ---- min 2x3, 1x3
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[\[}}1,   -2,   0.5],
// CHECK-NEXT: [0.5,   2,   -1.5]]
// ---- max with NaN
// CHECK: sizes = [3] strides
// CHECK-NEXT: [{{-?nan}},  {{-?nan}},  0]
// ---- min with NaN
// CHECK: sizes = [3] strides
// CHECK-NEXT: [{{-?nan}},  {{-?nan}},  -1]
// ---- neg
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[\[}}2,   1,   0.5,   -0],
// CHECK-NEXT: [-0.5,   -1,   -2,   -3]]
// ---- abs
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[\[}}2,   1,   0.5,   0],
// CHECK-NEXT: [0.5,   1,   2,   3]]
// ---- relu
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[\[}}0,   0,   0,   0],
// CHECK-NEXT: [0.5,   1,   2,   3]]
// ---- exp (rtol 1e-06)
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[\[}}0.135335,   {{0.367879|0.36788}},   {{0.60653|0.606531}},   {{0.999999|1}}],
// CHECK-NEXT: [1.64872,   2.71828,   {{7.38905|7.38906}},   {{20.0855|20.0856}}]]
// ---- tanh (rtol 1e-06)
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[\[}}{{-0.964029|-0.964028|-0.964027}},   {{-0.761595|-0.761594|-0.761593}},   {{-0.462118|-0.462117}},   0],
// CHECK-NEXT: [{{0.462117|0.462118}},   {{0.761593|0.761594|0.761595}},   {{0.964027|0.964028|0.964029}},   {{0.995054|0.995055|0.995056}}]]
// ---- sigmoid (rtol 1e-06)
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[\[}}0.119203,   {{0.268941|0.268942}},   {{0.37754|0.377541}},   {{0.499999|0.5}}],
// CHECK-NEXT: [{{0.622459|0.62246}},   {{0.731058|0.731059}},   {{0.880796|0.880797|0.880798}},   {{0.952573|0.952574|0.952575}}]]
// ---- silu (rtol 1e-06)
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[\[}}-0.238406,   {{-0.268942|-0.268941}},   {{-0.188771|-0.18877}},   0],
// CHECK-NEXT: [{{0.311229|0.31123}},   {{0.731058|0.731059}},   {{1.76159|1.7616}},   {{2.85772|2.85773}}]]
// ---- erf (rtol 1e-06)
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[\[}}{{-0.995323|-0.995322|-0.995321}},   {{-0.842702|-0.842701|-0.8427}},   {{-0.5205|-0.520499}},   0],
// CHECK-NEXT: [{{0.520499|0.5205}},   {{0.8427|0.842701|0.842702}},   {{0.995321|0.995322|0.995323}},   {{0.999977|0.999978|0.999979}}]]
// ---- gelu exact (rtol 5e-06)
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[\[}}{{-0.0455005|-0.0455004|-0.0455003|-0.0455002|-0.0455001|-0.0455}},   {{-0.158656|-0.158655|-0.158654}},   {{-0.15427|-0.154269|-0.154268}},   0],
// CHECK-NEXT: [{{0.34573|0.345731|0.345732|0.345733}},   {{0.841341|0.841342|0.841343|0.841344|0.841345|0.841346|0.841347|0.841348|0.841349}},   {{1.95449|1.9545|1.95451}},   {{2.99594|2.99595|2.99596|2.99597}}]]
// ---- gelu tanh (rtol 5e-06)
// CHECK: sizes = [2, 4] strides
// CHECK-NEXT: {{\[\[}}{{-0.0454025|-0.0454024|-0.0454023|-0.0454022|-0.0454021}},   {{-0.158809|-0.158808|-0.158807}},   {{-0.154287|-0.154286|-0.154285}},   0],
// CHECK-NEXT: [{{0.345712|0.345713|0.345714|0.345715|0.345716}},   {{0.841188|0.841189|0.84119|0.841191|0.841192|0.841193|0.841194|0.841195|0.841196}},   {{1.95459|1.9546|1.95461}},   {{2.99635|2.99636|2.99637|2.99638}}]]
// ---- log (rtol 1e-06)
// CHECK: sizes = [1, 4] strides
// CHECK-NEXT: {{\[\[}}{{-1.3863|-1.38629}},   0,   {{0.693146|0.693147|0.693148}},   {{2.19722|2.19723}}]]
// ---- sqrt
// CHECK: sizes = [1, 4] strides
// CHECK-NEXT: {{\[\[}}0.5,   1,   1.41421,   3]]
// ---- rsqrt (rtol 1e-06)
// CHECK: sizes = [1, 4] strides
// CHECK-NEXT: {{\[\[}}2,   {{0.999999|1}},   {{0.707106|0.707107}},   {{0.333333|0.333334}}]]
// ---- cmp gt 2x3, 1x3 (as i32)
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[\[}}0,   0,   1],
// CHECK-NEXT: [0,   1,   0]]
// ---- where(x > r, x, b)
// CHECK: sizes = [2, 3] strides
// CHECK-NEXT: {{\[\[}}10,   20,   3],
// CHECK-NEXT: [10,   4,   30]]
// ---- cmp ne with NaN (as i32)
// CHECK: sizes = [3] strides
// CHECK-NEXT: [1,  1,  1]
// ---- cmp eq with NaN (as i32)
// CHECK: sizes = [3] strides
// CHECK-NEXT: [0,  0,  0]
// ---- cast f32 -> i32
// CHECK: sizes = [1, 6] strides
// CHECK-NEXT: {{\[\[}}-2,   0,   0,   2,   3,   -100]]
// ---- cast i32 -> f32
// CHECK: sizes = [1, 4] strides
// CHECK-NEXT: {{\[\[}}-7,   0,   5,   1.67772e+07]]
// ---- cast f32 -> i1 (as i32)
// CHECK: sizes = [4] strides
// CHECK-NEXT: [0,  0,  1,  1]
// ---- int div truncates
// CHECK: sizes = [4] strides
// CHECK-NEXT: [-3,  -3,  -2,  2]
