// RUN: born-opt %s --split-input-file --verify-diagnostics

func.func @bad_broadcast(%a: tensor<4x8xf32>, %b: tensor<3xf32>) {
  // expected-error @+1 {{operand shapes [4, 8] and [3] do not broadcast}}
  %0 = born.add %a, %b : tensor<4x8xf32>, tensor<3xf32>
  return
}

// -----

func.func @mixed_elements(%a: tensor<4xf32>, %b: tensor<4xf16>) {
  // expected-error @+1 {{operand element types differ}}
  %0 = born.mul %a, %b : tensor<4xf32>, tensor<4xf16>
  return
}

// -----

func.func @matmul_k(%a: tensor<4x8xf32>, %b: tensor<7x2xf32>) {
  // expected-error @+1 {{contraction sizes differ: lhs [4, 8] vs rhs [7, 2]}}
  %0 = born.matmul %a, %b : tensor<4x8xf32>, tensor<7x2xf32>
  return
}

// -----

func.func @matmul_rank(%a: tensor<8xf32>, %b: tensor<8x2xf32>) {
  // expected-error @+1 {{operands must have rank >= 2, got 1 and 2}}
  %0 = born.matmul %a, %b : tensor<8xf32>, tensor<8x2xf32>
  return
}

// -----

func.func @conv_groups(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{groups = 2 must divide the 3 input channels and the 4 filters}}
  %0 = born.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 2 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>
  return
}

// -----

func.func @conv_window(%x: tensor<1x3x2x2xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{the filter window does not fit the padded input}}
  %0 = born.conv2d %x, %w strides = [1, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x2x2xf32>, tensor<4x3x3x3xf32>
  return
}

// -----

func.func @conv_strides(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) {
  // expected-error @+1 {{strides and dilations must be >= 1}}
  %0 = born.conv2d %x, %w strides = [0, 1] padding = [0, 0, 0, 0] dilations = [1, 1] groups = 1 : tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>
  return
}

// -----

func.func @pool_padding(%x: tensor<1x3x8x8xf32>) {
  // expected-error @+1 {{padding must be smaller than the kernel}}
  %0 = born.pool2d max %x kernel = [2, 2] strides = [2, 2] padding = [2, 0, 0, 0] : tensor<1x3x8x8xf32>
  return
}

// -----

func.func @reduce_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = born.reduce sum %x axes = [2] : tensor<4x8xf32>
  return
}

// -----

func.func @reduce_twice(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis 1 appears twice}}
  %0 = born.reduce max %x axes = [1, 1] : tensor<4x8xf32>
  return
}

// -----

func.func @mean_int(%x: tensor<4x8xi32>) {
  // expected-error @+1 {{mean needs a floating-point input}}
  %0 = born.reduce mean %x axes = [1] : tensor<4x8xi32>
  return
}

// -----

func.func @softmax_axis(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{axis -1 is out of range for rank 2}}
  %0 = born.softmax %x axis = -1 : tensor<4x8xf32>
  return
}

// -----

func.func @layer_norm_scale(%x: tensor<4x8xf32>, %g: tensor<4xf32>) {
  // expected-error @+1 {{expected scale/bias of shape [8] (input dims from axis 1), got [4]}}
  %0 = born.layer_norm %x, %g, %g axis = 1 epsilon = 1.0e-5 : tensor<4x8xf32>, tensor<4xf32>, tensor<4xf32>
  return
}

// -----

func.func @reshape_count(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{input has 32 elements but the result type has 30}}
  %0 = born.reshape %x : tensor<4x8xf32> to tensor<5x6xf32>
  return
}

// -----

func.func @transpose_perm(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{permutation repeats 0}}
  %0 = born.transpose %x permutation = [0, 0] : tensor<4x8xf32>
  return
}

// -----

func.func @broadcast_shape(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{cannot broadcast [4, 8] to [4, 7]}}
  %0 = born.broadcast %x : tensor<4x8xf32> to tensor<4x7xf32>
  return
}

// -----

func.func @concat_shape(%a: tensor<2x3xf32>, %b: tensor<3x3xf32>) {
  // expected-error @+1 {{input 1 has shape [3, 3], input 0 has [2, 3]}}
  %0 = born.concat %a, %b axis = 1 : tensor<2x3xf32>, tensor<3x3xf32>
  return
}

// -----

func.func @slice_bounds(%x: tensor<4x8xf32>) {
  // expected-error @+1 {{dimension 1: slice 0:9:1 is not within 0 <= start <= limit <= 8 with step >= 1}}
  %0 = born.slice %x start = [0, 0] limit = [4, 9] step = [1, 1] : tensor<4x8xf32>
  return
}

// -----

func.func @gather_axis(%x: tensor<4x8xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = born.gather %x, %i axis = 2 : tensor<4x8xf32>, tensor<3xi64>
  return
}

// -----

func.func @dynamic_shape(%x: tensor<?x8xf32>) {
  // expected-error @+1 {{must be statically shaped tensor}}
  %0 = born.exp %x : tensor<?x8xf32>
  return
}

// -----

func.func @param_name() {
  // expected-error @+1 {{parameter name must not be empty}}
  %0 = born.param "" : tensor<4xf32>
  return
}

// -----

func.func @sqrt_int(%x: tensor<4xi32>) {
  // expected-error @+1 {{must be statically shaped tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %0 = born.sqrt %x : tensor<4xi32>
  return
}

// -----

func.func @param_permutation() {
  // expected-error @+1 {{permutation is not a permutation of [0, 2)}}
  %0 = born.param "w" permutation = [0, 0] : tensor<4x4xf32>
  return
}

// -----

func.func @dispatch_types(%e: tensor<4xf32>) {
  // expected-error @+1 {{yields 'tensor<4xf32>' but the region returns 'tensor<5xf32>'}}
  %r = born.dispatch -> (tensor<5xf32>) {
    born.yield %e : tensor<4xf32>
  }
  return
}

// -----

func.func @sin_of_ints(%a: tensor<4xi32>) {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 16-bit float or bfloat16 type or 32-bit float or 64-bit float values}}
  %0 = born.sin %a : tensor<4xi32>
  return
}

// -----

func.func @and_of_floats(%a: tensor<4xf32>) {
  // expected-error @+1 {{operand #0 must be statically shaped tensor of 1-bit signless integer or 8-bit signless integer or 16-bit signless integer or 32-bit signless integer or 64-bit signless integer values}}
  %0 = born.and %a, %a : tensor<4xf32>, tensor<4xf32>
  return
}

// -----

func.func @xor_mixed(%a: tensor<4xi1>, %b: tensor<4xi8>) {
  // expected-error @+1 {{operand element types differ}}
  %0 = born.xor %a, %b : tensor<4xi1>, tensor<4xi8>
  return
}

// -----

func.func @rem_shapes(%a: tensor<4xi16>, %b: tensor<3xi16>) {
  // expected-error @+1 {{operand shapes [4] and [3] do not broadcast}}
  %0 = born.rem %a, %b : tensor<4xi16>, tensor<3xi16>
  return
}

// -----

func.func @not_of_floats(%a: tensor<4xf16>) {
  // expected-error @+1 {{must be statically shaped tensor of 1-bit signless integer}}
  %0 = born.not %a : tensor<4xf16>
  return
}

// -----

func.func @sign_of_bools(%a: tensor<4xi1>) {
  // expected-error @+1 {{must be statically shaped tensor of 16-bit float}}
  %0 = born.sign %a : tensor<4xi1>
  return
}

// -----

func.func @scatter_add_shape(%u: tensor<2x4xf32>, %i: tensor<3xi64>) {
  // expected-error @+1 {{updates have shape [2, 4], expected [3, 4] (result.shape[:axis] + indices.shape + result.shape[axis+1:])}}
  %0 = born.scatter_add %u, %i axis = 0 : tensor<2x4xf32>, tensor<3xi64> to tensor<10x4xf32>
  return
}

// -----

func.func @scatter_add_axis(%u: tensor<2x4xf32>, %i: tensor<2xi64>) {
  // expected-error @+1 {{axis 2 is out of range for rank 2}}
  %0 = born.scatter_add %u, %i axis = 2 : tensor<2x4xf32>, tensor<2xi64> to tensor<10x4xf32>
  return
}

// -----

func.func @scatter_add_type(%u: tensor<2x4xf16>, %i: tensor<2xi64>) {
  // expected-error @+1 {{updates element type 'f16' differs from the result's 'f32'}}
  %0 = born.scatter_add %u, %i axis = 0 : tensor<2x4xf16>, tensor<2xi64> to tensor<10x4xf32>
  return
}

// -----

func.func @quantized_matmul_partial_block(%x: tensor<1x48xf32>, %w: tensor<4x27xi8>) {
  // expected-error @+1 {{contraction size 48 is not a whole number of q4_0 blocks of 32}}
  %0 = born.quantized_matmul q4_0 %x, %w : tensor<1x48xf32>, tensor<4x27xi8>
  return
}

// -----

func.func @quantized_matmul_row_bytes(%x: tensor<1x512xf32>, %w: tensor<4x290xi8>) {
  // expected-error @+1 {{weight rows of q4_K blocks for K = 512 take 288 bytes, got 290}}
  %0 = born.quantized_matmul q4_K %x, %w : tensor<1x512xf32>, tensor<4x290xi8>
  return
}

// -----

func.func @quantized_matmul_weight_rank(%x: tensor<1x32xf32>, %w: tensor<34xi8>) {
  // expected-error @+1 {{weight must be [N, bytes per row] of i8, got [34] of 'i8'}}
  %0 = born.quantized_matmul q8_0 %x, %w : tensor<1x32xf32>, tensor<34xi8>
  return
}

// -----

func.func @quantized_matmul_weight_type(%x: tensor<2x32xf32>, %w: tensor<3x34xi32>) {
  // expected-error @+1 {{weight must be [N, bytes per row] of i8, got [3, 34] of 'i32'}}
  %0 = born.quantized_matmul q8_0 %x, %w : tensor<2x32xf32>, tensor<3x34xi32>
  return
}

// -----

func.func @quantized_matmul_unknown_type(%x: tensor<2x32xf32>, %w: tensor<3x34xi8>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'quant_type' [f32, f16, bf16, q4_0, q4_1, q5_0, q5_1, q8_0, q2_K, q3_K, q4_K, q5_K, q6_K, q8_K]}}
  %0 = born.quantized_matmul iq2_xs %x, %w : tensor<2x32xf32>, tensor<3x34xi8>
  return
}

// -----

func.func @quantized_matmul_float_weight_type(%x: tensor<2x32xf32>, %w: tensor<3x32xf32>) {
  // expected-error @+1 {{a f16 weight must be [N, 32] of 'f16', got [3, 32] of 'f32'}}
  %0 = born.quantized_matmul f16 %x, %w : tensor<2x32xf32>, tensor<3x32xf32>
  return
}

// -----

func.func @quantized_matmul_float_weight_shape(%x: tensor<2x32xf32>, %w: tensor<3x64xbf16>) {
  // expected-error @+1 {{a bf16 weight must be [N, 32] of 'bf16', got [3, 64] of 'bf16'}}
  %0 = born.quantized_matmul bf16 %x, %w : tensor<2x32xf32>, tensor<3x64xbf16>
  return
}

// -----

func.func @dequantize_float(%w: tensor<2x32xf16>) {
  // expected-error @+1 {{f16 values need no decoding: use born.cast}}
  %0 = born.dequantize f16 %w : tensor<2x32xf16>
  return
}

// -----

func.func @dequantize_partial_block(%w: tensor<2x40xi8>) {
  // expected-error @+1 {{rows of 40 bytes are not a whole number of q8_0 blocks of 34 bytes}}
  %0 = born.dequantize q8_0 %w : tensor<2x40xi8>
  return
}

// -----

func.func @dequantize_scalar(%w: tensor<i8>) {
  // expected-error @+1 {{input must have rank >= 1}}
  %0 = born.dequantize q8_0 %w : tensor<i8>
  return
}
