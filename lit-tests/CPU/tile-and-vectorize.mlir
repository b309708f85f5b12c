// RUN: born-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(born-cpu-tile-and-vectorize))" | FileCheck %s

#map = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
// matmul + bias + relu: one forall over 8x16 output blocks; inside, the
// reduction steps one k at a time with the block accumulated in registers
// (a vector iter_arg) as rank-1 FMA updates, then bias + relu on the block.
// CHECK-LABEL: func @matmul_bias_relu
// CHECK: scf.forall (%[[I:.*]], %[[J:.*]]) = (0, 0) to (64, 512) step (8, 16)
// CHECK-NOT: linalg.
// CHECK: scf.for %{{.*}} = %c0 to %c784 step %c1 iter_args({{.*}}) -> ({{.*}}vector<8x16xf32>)
// CHECK-COUNT-8: vector.fma {{.*}} : vector<16xf32>
// CHECK: scf.yield {{.*}}vector<8x16xf32>
// CHECK: arith.addf {{.*}} : vector<8x16xf32>
// CHECK: arith.maximumf {{.*}} : vector<8x16xf32>
// CHECK: scf.forall.in_parallel
func.func @matmul_bias_relu(%x: tensor<64x784xf32>, %w: tensor<784x512xf32>, %b: tensor<512xf32>) -> tensor<64x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x512xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x512xf32>) -> tensor<64x512xf32>
  %m = linalg.matmul ins(%x, %w : tensor<64x784xf32>, tensor<784x512xf32>) outs(%f : tensor<64x512xf32>) -> tensor<64x512xf32>
  %r = linalg.generic {indexing_maps = [#map, #bias, #map], iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<64x512xf32>, tensor<512xf32>) outs(%e : tensor<64x512xf32>) {
  ^bb0(%in: f32, %bi: f32, %out: f32):
    %s = arith.addf %in, %bi : f32
    %y = arith.maximumf %s, %zero : f32
    linalg.yield %y : f32
  } -> tensor<64x512xf32>
  return %r : tensor<64x512xf32>
}

// -----

// Tiles divide the dimensions exactly (10 -> 10, 28 -> 14), keeping shapes
// static so every tile vectorizes.
// CHECK-LABEL: func @odd_sizes
// CHECK: scf.forall (%{{.*}}, %{{.*}}) = (0, 0) to (28, 10) step (7, 10)
// CHECK: math.exp {{.*}} : vector<7x10xf32>
func.func @odd_sizes(%x: tensor<28x10xf32>) -> tensor<28x10xf32> {
  %e = tensor.empty() : tensor<28x10xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : tensor<28x10xf32>) outs(%e : tensor<28x10xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = math.exp %in : f32
    linalg.yield %y : f32
  } -> tensor<28x10xf32>
  return %r : tensor<28x10xf32>
}

// -----

#a = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
#bp = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
#cp = affine_map<(d0, d1, d2, d3) -> (d1, d0, d2)>
#id = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
// A matmul on a packed weight (born-cpu-pack-matmul-weights), viewed
// unpacked by bias + relu: the 8x16 block of the view is the packed block
// [8, 1, 16], so the fill and the matmul fuse into the one loop nest, and
// each reduction step reads 16 contiguous floats of panel j / 16. The
// block's sums go from registers straight into bias + relu, not through a
// [8, 1, 16] temporary read back as [8, 16] (a buffer per tile).
// CHECK-LABEL: func @packed_matmul_bias_relu
// CHECK: scf.forall (%[[I:.*]], %[[J:.*]]) = (0, 0) to (64, 512) step (8, 16)
// CHECK: %[[PANEL:.*]] = arith.divui %[[J]], %c16
// CHECK-NOT: linalg.
// CHECK: %[[ACC:[0-9]+]]{{(:2)?}} = scf.for %[[K:.*]] = %c0 to %c784 step %c1 iter_args({{.*}}) -> ({{.*}}vector<8x16xf32>)
// CHECK: vector.transfer_read %{{.*}}[%[[PANEL]], %[[K]], %c0]{{.*}} : tensor<32x784x16xf32>, vector<1x16xf32>
// CHECK-COUNT-8: vector.fma {{.*}} : vector<16xf32>
// CHECK-NOT: vector.transfer_read {{.*}} : tensor<8x
// CHECK: arith.addf %[[ACC]]{{(#1)?}}, %{{.*}} : vector<8x16xf32>
// CHECK: arith.maximumf {{.*}} : vector<8x16xf32>
// CHECK: scf.forall.in_parallel
// CHECK-NOT: scf.forall
func.func @packed_matmul_bias_relu(%x: tensor<64x784xf32>, %w: tensor<32x784x16xf32>, %b: tensor<512xf32>) -> tensor<64x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x512xf32>
  %ep = tensor.empty() : tensor<64x32x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%ep : tensor<64x32x16xf32>) -> tensor<64x32x16xf32>
  %mp = linalg.generic {indexing_maps = [#a, #bp, #cp], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<64x784xf32>, tensor<32x784x16xf32>) outs(%f : tensor<64x32x16xf32>) {
  ^bb0(%in: f32, %wi: f32, %out: f32):
    %p = arith.mulf %in, %wi : f32
    %s = arith.addf %out, %p : f32
    linalg.yield %s : f32
  } -> tensor<64x32x16xf32>
  %m = tensor.collapse_shape %mp [[0], [1, 2]] : tensor<64x32x16xf32> into tensor<64x512xf32>
  %r = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel"]}
      ins(%m, %b : tensor<64x512xf32>, tensor<512xf32>) outs(%e : tensor<64x512xf32>) {
  ^bb0(%in: f32, %bi: f32, %out: f32):
    %s = arith.addf %in, %bi : f32
    %y = arith.maximumf %s, %zero : f32
    linalg.yield %y : f32
  } -> tensor<64x512xf32>
  return %r : tensor<64x512xf32>
}

// -----

#map = affine_map<(d0, d1) -> (d0, d1)>
#bias = affine_map<(d0, d1) -> (d1)>
// In a dispatch region with a contraction, column blocks are the outer loop:
// consecutive blocks share one K x 16 panel of the right-hand side, which
// stays in cache, rather than reading every panel again for each row block.
// CHECK-LABEL: func @region_matmul_bias
// CHECK: scf.forall (%[[J:.*]], %[[I:.*]]) = (0, 0) to (512, 64) step (16, 8)
// CHECK: tensor.extract_slice %{{.*}}[%[[I]], %[[J]]] [8, 16] [1, 1]
// CHECK: vector.fma
func.func @region_matmul_bias(%x: tensor<64x784xf32>, %w: tensor<784x512xf32>, %b: tensor<512xf32>) -> tensor<64x512xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64x512xf32>
  %r = born.dispatch -> (tensor<64x512xf32>) {
    %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x512xf32>) -> tensor<64x512xf32>
    %m = linalg.matmul ins(%x, %w : tensor<64x784xf32>, tensor<784x512xf32>) outs(%f : tensor<64x512xf32>) -> tensor<64x512xf32>
    %a = linalg.generic {indexing_maps = [#map, #bias, #map], iterator_types = ["parallel", "parallel"]}
        ins(%m, %b : tensor<64x512xf32>, tensor<512xf32>) outs(%e : tensor<64x512xf32>) {
    ^bb0(%in: f32, %bi: f32, %out: f32):
      %s = arith.addf %in, %bi : f32
      linalg.yield %s : f32
    } -> tensor<64x512xf32>
    born.yield %a : tensor<64x512xf32>
  }
  return %r : tensor<64x512xf32>
}

// -----

// A block-decoding generic (born.quantized_matmul's lowering: per-lane
// partial sums [rows, n, lanes], reducing over blocks) fused into its
// consumer's tile, then stepped one output and one block at a time: the
// body is a 32-lane vector multiply-add whose weight bytes are one
// contiguous load, not a gather, and not a per-lane contraction.
// CHECK-LABEL: func @q8_0_gemv
// CHECK:         scf.forall
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               scf.for
// CHECK:                 %[[Q:.+]] = vector.transfer_read %{{.+}}[%{{.+}}, %{{.+}}], %{{.+}} {in_bounds = [true]} : tensor<32x68xi8>, vector<32xi8>
// CHECK:                 arith.extsi %[[Q]] : vector<32xi8> to vector<32xi32>
// CHECK-NOT:             vector.gather
// CHECK-NOT:             vector.contract
// CHECK:                 arith.mulf %{{.+}}, %{{.+}} : vector<32xf32>
// CHECK:                 arith.addf %{{.+}}, %{{.+}} : vector<32xf32>
// CHECK:           vector.reduction <add>
#x = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
#partial = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#sum = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @q8_0_gemv(%x: tensor<1x2x32xf32>) -> tensor<1x32xf32> {
  %zero = arith.constant 0.0 : f32
  %w = born.param "w" : tensor<32x68xi8>
  %e = tensor.empty() : tensor<1x32x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x32x32xf32>) -> tensor<1x32x32xf32>
  %p = linalg.generic {indexing_maps = [#x, #partial], iterator_types = ["parallel", "parallel", "reduction", "parallel"]} ins(%x : tensor<1x2x32xf32>) outs(%init : tensor<1x32x32xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %n = linalg.index 1 : index
    %block = linalg.index 2 : index
    %lane = linalg.index 3 : index
    %c34 = arith.constant 34 : index
    %c2 = arith.constant 2 : index
    %start = arith.muli %block, %c34 : index
    %off = arith.addi %lane, %c2 : index
    %at = arith.addi %start, %off : index
    %q = tensor.extract %w[%n, %at] : tensor<32x68xi8>
    %q32 = arith.extsi %q : i8 to i32
    %qf = arith.sitofp %q32 : i32 to f32
    %d = tensor.extract %w[%n, %start] : tensor<32x68xi8>
    %d32 = arith.extsi %d : i8 to i32
    %df = arith.sitofp %d32 : i32 to f32
    %v = arith.mulf %qf, %df : f32
    %prod = arith.mulf %in, %v : f32
    %s = arith.addf %acc, %prod : f32
    linalg.yield %s : f32
  } -> tensor<1x32x32xf32>
  %e2 = tensor.empty() : tensor<1x32xf32>
  %init2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x32xf32>) -> tensor<1x32xf32>
  %r = linalg.generic {indexing_maps = [#id, #sum], iterator_types = ["parallel", "parallel", "reduction"]} ins(%p : tensor<1x32x32xf32>) outs(%init2 : tensor<1x32xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %acc, %in : f32
    linalg.yield %s : f32
  } -> tensor<1x32xf32>
  return %r : tensor<1x32xf32>
}

// -----

// Q4_0's blocks have an inner dim of two nibbles per byte: its loop is
// unrolled, so that both copies read the same 16 bytes and f16 scale (one
// load each once CSE runs), and the block loop runs two 16-lane
// multiply-adds.
// CHECK-LABEL: func @q4_0_gemv
// CHECK:         scf.forall
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               scf.for
// CHECK-NOT:           scf.for
// CHECK:               vector.transfer_read %{{.+}} : tensor<32x36xi8>, vector<16xi8>
// CHECK:               arith.andi
// CHECK-NOT:           arith.shrui
// CHECK:               arith.addf %{{.+}}, %{{.+}} fastmath<contract> : vector<16xf32>
// CHECK:               vector.transfer_read %{{.+}} : tensor<32x36xi8>, vector<16xi8>
// CHECK:               arith.shrui
// CHECK:               arith.addf %{{.+}}, %{{.+}} fastmath<contract> : vector<16xf32>
// CHECK-NEXT:          scf.yield
#x = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d3, d4)>
#partial = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4)>
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#sum = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @q4_0_gemv(%x: tensor<1x2x2x16xf32>) -> tensor<1x32xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c18 = arith.constant 18 : index
  %c4_i32 = arith.constant 4 : i32
  %c8_i32 = arith.constant 8 : i32
  %c15_i32 = arith.constant 15 : i32
  %zero = arith.constant 0.0 : f32
  %w = born.param "w" : tensor<32x36xi8>
  %e = tensor.empty() : tensor<1x32x16xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x32x16xf32>) -> tensor<1x32x16xf32>
  %p = linalg.generic {indexing_maps = [#x, #partial], iterator_types = ["parallel", "parallel", "reduction", "reduction", "parallel"]} ins(%x : tensor<1x2x2x16xf32>) outs(%init : tensor<1x32x16xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %n = linalg.index 1 : index
    %block = linalg.index 2 : index
    %start = arith.muli %block, %c18 : index
    %h = linalg.index 3 : index
    %i = linalg.index 4 : index
    %off = arith.addi %i, %c2 : index
    %at = arith.addi %start, %off : index
    %q = tensor.extract %w[%n, %at] : tensor<32x36xi8>
    %q32 = arith.extui %q : i8 to i32
    %h32 = arith.index_castui %h : index to i32
    %shift = arith.muli %h32, %c4_i32 : i32
    %nibble = arith.shrui %q32, %shift : i32
    %low = arith.andi %nibble, %c15_i32 : i32
    %centered = arith.subi %low, %c8_i32 : i32
    %qf = arith.sitofp %centered : i32 to f32
    %d0 = tensor.extract %w[%n, %start] : tensor<32x36xi8>
    %d32 = arith.extui %d0 : i8 to i32
    %hi = arith.addi %start, %c1 : index
    %d1 = tensor.extract %w[%n, %hi] : tensor<32x36xi8>
    %d1_32 = arith.extui %d1 : i8 to i32
    %d1s = arith.shli %d1_32, %c8_i32 : i32
    %bits = arith.ori %d32, %d1s : i32
    %b16 = arith.trunci %bits : i32 to i16
    %half = arith.bitcast %b16 : i16 to f16
    %d = arith.extf %half : f16 to f32
    %v = arith.mulf %qf, %d : f32
    %prod = arith.mulf %in, %v fastmath<contract> : f32
    %s = arith.addf %acc, %prod fastmath<contract> : f32
    linalg.yield %s : f32
  } -> tensor<1x32x16xf32>
  %e2 = tensor.empty() : tensor<1x32xf32>
  %init2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x32xf32>) -> tensor<1x32xf32>
  %r = linalg.generic {indexing_maps = [#id, #sum], iterator_types = ["parallel", "parallel", "reduction"]} ins(%p : tensor<1x32x16xf32>) outs(%init2 : tensor<1x32xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %acc, %in : f32
    linalg.yield %s : f32
  } -> tensor<1x32xf32>
  return %r : tensor<1x32xf32>
}

// -----

// A K-quant's 256-value block: 4 chunks x 2 nibbles, each 32 values with a
// scale of its own. Both short loops are unrolled (8 copies): each copy's
// scale byte sits at a constant offset, and the copies of a chunk read the
// same 32 bytes (one load once CSE runs). Inside the block loop there is
// no loop left.
// CHECK-LABEL: func @k_quant_gemv
// CHECK:         scf.forall
// CHECK:           scf.for
// CHECK:             scf.for
// CHECK:               scf.for
// CHECK-NOT:           scf.for
// CHECK-COUNT-8:       arith.addf %{{.+}}, %{{.+}} fastmath<contract> : vector<32xf32>
// CHECK-NEXT:          scf.yield
#x = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d2, d3, d4, d5)>
#partial = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d5)>
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#sum = affine_map<(d0, d1, d2) -> (d0, d1)>
func.func @k_quant_gemv(%x: tensor<1x2x4x2x32xf32>) -> tensor<1x32xf32> {
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c16 = arith.constant 16 : index
  %c32 = arith.constant 32 : index
  %c144 = arith.constant 144 : index
  %c4_i32 = arith.constant 4 : i32
  %c15_i32 = arith.constant 15 : i32
  %zero = arith.constant 0.0 : f32
  %w = born.param "w" : tensor<32x288xi8>
  %e = tensor.empty() : tensor<1x32x32xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<1x32x32xf32>) -> tensor<1x32x32xf32>
  %p = linalg.generic {indexing_maps = [#x, #partial], iterator_types = ["parallel", "parallel", "reduction", "reduction", "reduction", "parallel"]} ins(%x : tensor<1x2x4x2x32xf32>) outs(%init : tensor<1x32x32xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %n = linalg.index 1 : index
    %block = linalg.index 2 : index
    %c = linalg.index 3 : index
    %h = linalg.index 4 : index
    %l = linalg.index 5 : index
    %start = arith.muli %block, %c144 : index
    %c2x = arith.muli %c, %c2 : index
    %sub = arith.addi %c2x, %h : index
    %sc_off = arith.addi %sub, %c4 : index
    %sc_at = arith.addi %start, %sc_off : index
    %sc = tensor.extract %w[%n, %sc_at] : tensor<32x288xi8>
    %sc32 = arith.extui %sc : i8 to i32
    %scf = arith.sitofp %sc32 : i32 to f32
    %c32x = arith.muli %c, %c32 : index
    %q_off = arith.addi %c32x, %l : index
    %q_off16 = arith.addi %q_off, %c16 : index
    %q_at = arith.addi %start, %q_off16 : index
    %q = tensor.extract %w[%n, %q_at] : tensor<32x288xi8>
    %q32 = arith.extui %q : i8 to i32
    %h32 = arith.index_castui %h : index to i32
    %shift = arith.muli %h32, %c4_i32 : i32
    %nibble = arith.shrui %q32, %shift : i32
    %low = arith.andi %nibble, %c15_i32 : i32
    %qf = arith.sitofp %low : i32 to f32
    %v = arith.mulf %qf, %scf fastmath<contract> : f32
    %prod = arith.mulf %in, %v fastmath<contract> : f32
    %s = arith.addf %acc, %prod fastmath<contract> : f32
    linalg.yield %s : f32
  } -> tensor<1x32x32xf32>
  %e2 = tensor.empty() : tensor<1x32xf32>
  %init2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<1x32xf32>) -> tensor<1x32xf32>
  %r = linalg.generic {indexing_maps = [#id, #sum], iterator_types = ["parallel", "parallel", "reduction"]} ins(%p : tensor<1x32x32xf32>) outs(%init2 : tensor<1x32xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %s = arith.addf %acc, %in : f32
    linalg.yield %s : f32
  } -> tensor<1x32xf32>
  return %r : tensor<1x32xf32>
}

// -----

// A softmax-style sum over 1025 cache slots: rows go one KV head (3 rows)
// at a time; for each, an scf.for carries 16 partial sums per row through
// the 64 whole steps, the last value is peeled off as a static step of its
// own, and the lanes are summed once after the loop; no vector spans the
// whole dim.
// CHECK-LABEL: func @long_reduction
// CHECK:       scf.for %[[ROW:.*]] = %c0 to %c3 step %c1
// CHECK:         %[[SUMS:.*]]:2 = scf.for %{{.*}} = %c0 to %c1024 step %c16
// CHECK:           vector.transfer_read {{.*}} : tensor<3x3x1025xf32>, vector<1x3x16xf32>
// CHECK:           math.exp {{.*}} : vector<1x3x16xf32>
// CHECK:           arith.addf {{.*}} : vector<1x3x16xf32>
// CHECK:         vector.transfer_read {{.*}}, %c1024]{{.*}} : tensor<3x3x1025xf32>, vector<1x3x1xf32>
// CHECK:         vector.reduction <add>, {{.*}} : vector<16xf32> into f32
// CHECK-NOT:     x1025xf32>
func.func @long_reduction(%x: tensor<3x3x1025xf32>) -> tensor<3x3xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<3x3xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<3x3xf32>) -> tensor<3x3xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, j, k)>, affine_map<(i, j, k) -> (i, j)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x : tensor<3x3x1025xf32>) outs(%init : tensor<3x3xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %ex = math.exp %in : f32
    %s = arith.addf %ex, %acc : f32
    linalg.yield %s : f32
  } -> tensor<3x3xf32>
  return %r : tensor<3x3xf32>
}

// -----

// A linalg.reduce (softmax's max over a cache's slots) steps through its
// long dim the same way, with no scalar loop over it.
// CHECK-LABEL: func @long_reduce_max
// CHECK:         scf.for %{{.*}} = %c0 to %c1088 step %c16
// CHECK:           arith.maximumf {{.*}} : vector<{{.*}}16xf32>
// CHECK:         vector.reduction <maximumf>, {{.*}} : vector<16xf32> into f32
func.func @long_reduce_max(%x: tensor<3x192x1088xf32>) -> tensor<3x192xf32> {
  %lowest = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<3x192xf32>
  %init = linalg.fill ins(%lowest : f32) outs(%e : tensor<3x192xf32>) -> tensor<3x192xf32>
  %r = linalg.reduce ins(%x : tensor<3x192x1088xf32>) outs(%init : tensor<3x192xf32>) dimensions = [2]
    (%in: f32, %acc: f32) {
      %m = arith.maximumf %in, %acc : f32
      linalg.yield %m : f32
    }
  return %r : tensor<3x192xf32>
}

// -----

// A stride-2 depthwise convolution (MobileNetV2's downsampling ones): each
// filter tap reads its window through a slice with stride 2 along rows and
// columns. The columns are read contiguously, twice as many, and the even
// lanes kept; the rows are 8 reads 2 rows apart. Without the slice, the tap's
// `d * 2` map would not vectorize at all.
// CHECK-LABEL: func @depthwise_stride2
// CHECK: scf.forall
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[ROWS:.*]] = tensor.extract_slice %{{.*}}[0, 0] [8, 31] [2, 1] : tensor<15x31xf32> to tensor<8x31xf32>
// CHECK: %[[PAIRS:.*]] = vector.transfer_read %[[ROWS]][%c0, %c0], %{{.*}} {in_bounds = [true, false]} : tensor<8x31xf32>, vector<8x32xf32>
// CHECK: %[[EVEN:.*]], %{{.*}} = vector.deinterleave %[[PAIRS]] : vector<8x32xf32> -> vector<8x16xf32>
// CHECK: arith.mulf %[[EVEN]], %{{.*}} : vector<8x16xf32>
// CHECK-NOT: linalg.
func.func @depthwise_stride2(%x: tensor<1x4x1x17x33xf32>, %w: tensor<4x1x1x3x3xf32>) -> tensor<1x4x1x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x1x8x16xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<1x4x1x8x16xf32>) -> tensor<1x4x1x8x16xf32>
  %c = linalg.conv_2d_ngchw_gfchw {dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}
      ins(%x, %w : tensor<1x4x1x17x33xf32>, tensor<4x1x1x3x3xf32>) outs(%f : tensor<1x4x1x8x16xf32>) -> tensor<1x4x1x8x16xf32>
  return %c : tensor<1x4x1x8x16xf32>
}

// -----

#ids = affine_map<(d0, d1) -> (d0, d1)>
#sum = affine_map<(d0, d1) -> (d0)>
// A reduction that reads floats at positions taken from an operand (an
// embedding lookup summed; ONNX's NegativeLogLikelihoodLoss expanded) is a
// gather, not a weight decoded block by block: it vectorizes whole, one
// vector.gather for the tile, rather than being stepped one row at a time.
// CHECK-LABEL: func @float_gather_reduction
// CHECK: scf.forall
// CHECK-NOT: scf.for %
// CHECK: vector.gather {{.*}} : tensor<100xf32>, vector<4x8xindex>, vector<4x8xi1>, vector<4x8xf32> into vector<4x8xf32>
// CHECK-NOT: scf.for %
func.func @float_gather_reduction(%ids: tensor<4x8xi32>, %table: tensor<100xf32>) -> tensor<4xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4xf32>
  %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4xf32>) -> tensor<4xf32>
  %r = linalg.generic {indexing_maps = [#ids, #sum], iterator_types = ["parallel", "reduction"]}
      ins(%ids : tensor<4x8xi32>) outs(%f : tensor<4xf32>) {
  ^bb0(%id: i32, %acc: f32):
    %i = arith.index_cast %id : i32 to index
    %v = tensor.extract %table[%i] : tensor<100xf32>
    %s = arith.addf %acc, %v : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  return %r : tensor<4xf32>
}
