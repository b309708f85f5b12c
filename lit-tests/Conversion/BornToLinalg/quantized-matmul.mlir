// RUN: born-opt %s --split-input-file --born-convert-to-linalg | FileCheck %s

// One generic over (rows, n, block group, chain, nibble h, byte i), block
// = group * 2 + chain: x viewed as [rows, groups, chains, 2, 16] (value
// 16 h + i of a block), the weight's bytes read in the body (no dequantized
// weight tensor) at offsets contiguous in i, products accumulated into a
// zero fill with one partial sum per chain and byte lane i (both stay
// parallel), then chains and lanes summed as one dim and the result
// expanded to [2, 3, 5].
// CHECK-DAG:   #[[$X:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d4, d5)>
// CHECK-DAG:   #[[$OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d3, d5)>
// CHECK-LABEL: func @q4_0
// CHECK:         %[[W:.+]] = born.param "w" : tensor<5x36xi8>
// CHECK:         %[[X2:.+]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<2x3x64xf32> into tensor<6x64xf32>
// CHECK:         %[[X5:.+]] = tensor.expand_shape %[[X2]] {{\[\[}}0], [1, 2, 3, 4]] output_shape [6, 1, 2, 2, 16] : tensor<6x64xf32> into tensor<6x1x2x2x16xf32>
// CHECK:         %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<6x5x2x16xf32>)
// CHECK:         %[[P:.+]] = linalg.generic {indexing_maps = [#[[$X]], #[[$OUT]]], iterator_types = ["parallel", "parallel", "reduction", "parallel", "reduction", "parallel"]} ins(%[[X5]] : tensor<6x1x2x2x16xf32>) outs(%[[INIT]] : tensor<6x5x2x16xf32>)
// CHECK-NEXT:    ^bb0(%[[XV:.+]]: f32, %[[ACC:.+]]: f32):
// CHECK-NEXT:      %[[N:.+]] = linalg.index 1 : index
// CHECK-NEXT:      %[[GROUP:.+]] = linalg.index 2 : index
// CHECK-NEXT:      %[[C2:.+]] = arith.constant 2 : index
// CHECK-NEXT:      %[[FIRST:.+]] = arith.muli %[[GROUP]], %[[C2]] : index
// CHECK-NEXT:      %[[CHAIN:.+]] = linalg.index 3 : index
// CHECK-NEXT:      %[[BLOCK:.+]] = arith.addi %[[FIRST]], %[[CHAIN]] : index
// CHECK-NEXT:      %[[C18:.+]] = arith.constant 18 : index
// CHECK-NEXT:      %[[START:.+]] = arith.muli %[[BLOCK]], %[[C18]] : index
// CHECK-NEXT:      %[[H:.+]] = linalg.index 4 : index
// CHECK-NEXT:      %[[I:.+]] = linalg.index 5 : index
// Value 16 h + i: nibble h of byte 2 + i.
// CHECK-NEXT:      %[[TWO:.+]] = arith.constant 2 : index
// CHECK-NEXT:      %[[OFF:.+]] = arith.addi %[[I]], %[[TWO]] : index
// CHECK-NEXT:      %[[AT:.+]] = arith.addi %[[START]], %[[OFF]] : index
// CHECK-NEXT:      %[[QS:.+]] = tensor.extract %[[W]][%[[N]], %[[AT]]] : tensor<5x36xi8>
// CHECK-NEXT:      %[[BYTE:.+]] = arith.extui %[[QS]] : i8 to i32
// CHECK-NEXT:      %[[H32:.+]] = arith.index_castui %[[H]] : index to i32
// CHECK-NEXT:      %[[C4:.+]] = arith.constant 4 : i32
// CHECK-NEXT:      %[[SHIFT:.+]] = arith.muli %[[H32]], %[[C4]] : i32
// CHECK-NEXT:      arith.shrui %[[BYTE]], %[[SHIFT]] : i32
// CHECK:           arith.subi
// CHECK:           %[[Q:.+]] = arith.sitofp %{{.+}} : i32 to f32
// The f16 scale from bytes 0 and 1.
// CHECK:           tensor.extract %[[W]]
// CHECK:           tensor.extract %[[W]]
// CHECK:           %[[BITS:.+]] = arith.trunci %{{.+}} : i32 to i16
// CHECK-NEXT:      %[[HALF:.+]] = arith.bitcast %[[BITS]] : i16 to f16
// CHECK-NEXT:      %[[D:.+]] = arith.extf %[[HALF]] : f16 to f32
// CHECK-NEXT:      %[[WV:.+]] = arith.mulf %[[Q]], %[[D]] fastmath<contract> : f32
// CHECK-NEXT:      %[[PROD:.+]] = arith.mulf %[[XV]], %[[WV]] fastmath<contract> : f32
// CHECK-NEXT:      %[[S:.+]] = arith.addf %[[ACC]], %[[PROD]] fastmath<contract> : f32
// CHECK-NEXT:      linalg.yield %[[S]] : f32
// CHECK:         %[[SUMS:.+]] = tensor.collapse_shape %[[P]] {{\[\[}}0], [1], [2, 3]] : tensor<6x5x2x16xf32> into tensor<6x5x32xf32>
// CHECK:         %[[Y:.+]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[SUMS]] : tensor<6x5x32xf32>) outs(%{{.+}} : tensor<6x5xf32>)
// CHECK:           arith.addf
// CHECK:         tensor.expand_shape %[[Y]] {{\[\[}}0, 1], [2]] output_shape [2, 3, 5] : tensor<6x5xf32> into tensor<2x3x5xf32>
func.func @q4_0(%x: tensor<2x3x64xf32>) -> tensor<2x3x5xf32> {
  %w = born.param "w" : tensor<5x36xi8>
  %0 = born.quantized_matmul q4_0 %x, %w : tensor<2x3x64xf32>, tensor<5x36xi8>
  return %0 : tensor<2x3x5xf32>
}

// -----

// Q8_0 reads its value as a signed byte; a rank-1 input is one row.
// CHECK-LABEL: func @q8_0_vector
// CHECK:         %[[ROW:.+]] = tensor.expand_shape %arg0 {{\[\[}}0, 1]] output_shape [1, 64] : tensor<64xf32> into tensor<1x64xf32>
// CHECK:         tensor.expand_shape %[[ROW]] {{\[\[}}0], [1, 2, 3]] output_shape [1, 1, 2, 32] : tensor<1x64xf32> into tensor<1x1x2x32xf32>
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]
// CHECK:           arith.constant 34 : index
// CHECK:           %[[Q:.+]] = tensor.extract
// CHECK-NEXT:      arith.extsi %[[Q]] : i8 to i32
// CHECK:         tensor.collapse_shape %{{.+}} {{\[\[}}0, 1]] : tensor<1x3xf32> into tensor<3xf32>
func.func @q8_0_vector(%x: tensor<64xf32>) -> tensor<3xf32> {
  %w = born.param "w" : tensor<3x68xi8>
  %0 = born.quantized_matmul q8_0 %x, %w : tensor<64xf32>, tensor<3x68xi8>
  return %0 : tensor<3xf32>
}

// -----

// Eight rows or more (a prompt): the weight is decoded once, transposed to
// [K, N] by a generic whose innermost dim runs across the weight's rows,
// and multiplied by a plain linalg.matmul.
// CHECK-LABEL: func @q8_0_rows
// CHECK:         %[[E:.+]] = tensor.empty() : tensor<2x32x5xf32>
// CHECK:         %[[D:.+]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel"]} outs(%[[E]] : tensor<2x32x5xf32>)
// CHECK:           %[[ROW:.+]] = linalg.index 2 : index
// CHECK:           %[[BLOCK:.+]] = linalg.index 0 : index
// CHECK:           %[[START:.+]] = arith.muli %[[BLOCK]]
// CHECK:           %[[I:.+]] = linalg.index 1 : index
// CHECK:           tensor.extract %arg1[%[[ROW]], %{{.+}}] : tensor<5x68xi8>
// CHECK:           linalg.yield %{{.+}} : f32
// CHECK:         %[[WT:.+]] = tensor.collapse_shape %[[D]] {{\[\[}}0, 1], [2]] : tensor<2x32x5xf32> into tensor<64x5xf32>
// CHECK:         linalg.matmul ins(%arg0, %[[WT]] : tensor<8x64xf32>, tensor<64x5xf32>) outs(%{{.+}} : tensor<8x5xf32>)
func.func @q8_0_rows(%x: tensor<8x64xf32>, %w: tensor<5x68xi8>) -> tensor<8x5xf32> {
  %0 = born.quantized_matmul q8_0 %x, %w : tensor<8x64xf32>, tensor<5x68xi8>
  return %0 : tensor<8x5xf32>
}

// -----

// The K-quants decode per 256-value super-block: Q4_K's 144-byte blocks
// as (64-value chunk, nibble, byte), its two f16 scales (d, dmin) and the
// 6-bit sub-block scales chosen by sub-block < 4.
// CHECK-LABEL: func @q4_K
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.+}} : tensor<2x1x2x4x2x32xf32>) outs(%{{.+}} : tensor<2x4x2x32xf32>)
// CHECK:           arith.constant 144 : index
// CHECK:           arith.cmpi ult
// CHECK:           arith.subf
// CHECK:           linalg.yield
func.func @q4_K(%x: tensor<2x512xf32>, %w: tensor<4x288xi8>) -> tensor<2x4xf32> {
  %0 = born.quantized_matmul q4_K %x, %w : tensor<2x512xf32>, tensor<4x288xi8>
  return %0 : tensor<2x4xf32>
}

// -----

// Q6_K's 16-value sub-blocks each have a scale: the lanes are 16 values
// (128-value half, bit pair, sub-block, l % 16), so a vector of lanes
// shares one scale byte rather than gathering one per lane.
// CHECK-LABEL: func @q6_K
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.+}} : tensor<1x1x1x2x4x2x16xf32>) outs(%{{.+}} : tensor<1x3x1x16xf32>)
// CHECK:           arith.constant 210 : index
// CHECK:           linalg.yield
func.func @q6_K(%x: tensor<1x256xf32>, %w: tensor<3x210xi8>) -> tensor<1x3xf32> {
  %0 = born.quantized_matmul q6_K %x, %w : tensor<1x256xf32>, tensor<3x210xi8>
  return %0 : tensor<1x3xf32>
}

// -----

// A float weight is read in place, [N, K] as stored: blocks of K's largest
// power-of-two divisor up to 16 (8 for K = 40) stand in for quant blocks,
// each value widened to f32.
// CHECK-LABEL: func @f16
// CHECK:         linalg.generic
// CHECK-SAME:      ins(%{{.+}} : tensor<1x5x1x8xf32>) outs(%{{.+}} : tensor<1x3x1x8xf32>)
// CHECK:           %[[W:.+]] = tensor.extract %arg1[%{{.+}}, %{{.+}}] : tensor<3x40xf16>
// CHECK:           %[[WF:.+]] = arith.extf %[[W]] : f16 to f32
// CHECK:           arith.mulf %{{.+}}, %[[WF]] fastmath<contract> : f32
// CHECK-LABEL: func @bf16
// CHECK:           %[[B:.+]] = tensor.extract %arg1[%{{.+}}, %{{.+}}] : tensor<3x32xbf16>
// CHECK:           arith.extf %[[B]] : bf16 to f32
func.func @f16(%x: tensor<1x40xf32>, %w: tensor<3x40xf16>) -> tensor<1x3xf32> {
  %0 = born.quantized_matmul f16 %x, %w : tensor<1x40xf32>, tensor<3x40xf16>
  return %0 : tensor<1x3xf32>
}
func.func @bf16(%x: tensor<1x32xf32>, %w: tensor<3x32xbf16>) -> tensor<1x3xf32> {
  %0 = born.quantized_matmul bf16 %x, %w : tensor<1x32xf32>, tensor<3x32xbf16>
  return %0 : tensor<1x3xf32>
}

// -----

// born.dequantize: one parallel generic over (row, block, value) writing an
// empty [rows, blocks, 32], each value decoded from its row's bytes (byte
// 2 + i of the block times its f16 scale), reshaped to [2, 3, 64].
// CHECK-LABEL: func @dequantize_q8_0
// CHECK:         %[[B:.+]] = tensor.collapse_shape %arg0 {{\[\[}}0, 1], [2]] : tensor<2x3x68xi8> into tensor<6x68xi8>
// CHECK:         %[[E:.+]] = tensor.empty() : tensor<6x2x32xf32>
// CHECK:         %[[D:.+]] = linalg.generic {{{.*}}iterator_types = ["parallel", "parallel", "parallel"]} outs(%[[E]] : tensor<6x2x32xf32>)
// CHECK:           %[[ROW:.+]] = linalg.index 0 : index
// CHECK:           tensor.extract %[[B]][%[[ROW]], %{{.+}}] : tensor<6x68xi8>
// CHECK:           arith.extsi %{{.+}} : i8 to i32
// CHECK:           linalg.yield %{{.+}} : f32
// CHECK:         tensor.collapse_shape %[[D]] {{\[\[}}0], [1, 2]] : tensor<6x2x32xf32> into tensor<6x64xf32>
// CHECK:         tensor.expand_shape %{{.+}} : tensor<6x64xf32> into tensor<2x3x64xf32>
func.func @dequantize_q8_0(%w: tensor<2x3x68xi8>) -> tensor<2x3x64xf32> {
  %0 = born.dequantize q8_0 %w : tensor<2x3x68xi8>
  return %0 : tensor<2x3x64xf32>
}
