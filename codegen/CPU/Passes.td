#ifndef BORN_CODEGEN_CPU_PASSES_TD
#define BORN_CODEGEN_CPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def TileAndVectorize : Pass<"born-cpu-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tile linalg ops into register-sized blocks, fuse producers, vectorize";
  let description = [{
    CPU kernel formation on linalg-on-tensors. Each op that ends a chain (its
    result feeds no other linalg op) is tiled along its parallel dimensions
    into blocks that fit the vector registers (`tile-rows` x `tile-cols`),
    and its linalg producers are fused into the tile loop: matmul + bias +
    activation become one loop nest computing one output block at a time.
    Reduction dimensions of contractions are then tiled by 1, so each step
    is a rank-1 update of the block, which is vectorized to outer products
    (FMAs) with the accumulator kept in registers across the reduction loop.
    Ops that do not vectorize stay as they are and lower to scalar loops.
  }];
  let options = [
    Option<"tileRows", "tile-rows", "int64_t", /*default=*/"8",
           "Tile size of the second-innermost parallel dimension">,
    Option<"tileCols", "tile-cols", "int64_t", /*default=*/"16",
           "Tile size of the innermost parallel dimension">,
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "Elements of one vector register: blocks wider than this are "
           "whole vectors wide">,
    Option<"maxVectorElements", "max-vector-elements", "int64_t",
           /*default=*/"4096",
           "Largest iteration space (elements) an op is vectorized at">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::vector::VectorDialect",
                           "mlir::tensor::TensorDialect", "mlir::linalg::LinalgDialect"];
}


def ConvertConvToMatmul : Pass<"born-cpu-convert-conv-to-matmul", "mlir::func::FuncOp"> {
  let summary = "Compute NCHW convolutions as im2col plus a matmul";
  let description = [{
    A direct convolution's register block (output rows x columns of one
    filter) uses each input value it loads for one multiply-add, and a
    strided window is no vector read at all. This pass rewrites each
    statically shaped floating-point `linalg.conv_2d_nchw_fchw` into a copy
    of the input windows (im2col) into pixel panels, and a matmul of the
    filters, viewed as [F, C*KH*KW], with those panels:

    ```mlir
    %y = linalg.conv_2d_nchw_fchw {strides = dense<2> : vector<2xi64>, ...}
           ins(%x, %w : tensor<1x64x58x58xf32>, tensor<128x64x3x3xf32>)
           outs(%init : tensor<1x128x28x28xf32>)
    // becomes (w: the panel width, P = OH*OW pixels)
    %panels = linalg.generic ins(%rows, %cols : tensor<P/w x w x i32>, ...)
                // [N, P/w, C, KH, KW, w]: pixel p = pb*w + pi reads
                // x[n, c, rows[p] + kh, cols[p] + kw], zero outside x
    %col = tensor.collapse_shape %panels [[0], [1], [2, 3, 4], [5]]
    %w2 = tensor.collapse_shape %w [[0], [1, 2, 3]]    // [F, C*KH*KW]
    %p = linalg.generic {maps (n, pb, f, pi, k) -> (f, k), (n, pb, k, pi),
                                                  (n, f, pb, pi)}
           ins(%w2, %col) outs(fill : [N, F, P/w, w])
    %y = expand_shape(collapse_shape %p : [N, F, P]) : [N, F, OH, OW]
    ```

    Panels are as wide as the register block tile-and-vectorize gives the
    pixel dimension (`tile-cols`, `vector-width`), so each block's
    reduction streams one contiguous panel, each loaded panel row serving a
    block of filters, and the output comes out in NCHW. The window origins
    of the pixels are constant tables, so the copy does no division, and a
    zero `tensor.pad` of the input is read in place (outside the input is
    zero). A 1x1 convolution with unit strides and no padding reads its
    input as the panels, uncopied. Few pixels (7x7 = 49: blocks 7 wide) are
    padded to whole vectors when that wastes less, and sliced off after.
    The copy goes in front of the dispatch region (a kernel of its own, run
    once rather than once per block of filters); convolutions whose input
    is computed inside their region are left alone. Elementwise consumers of
    the result are collapsed to [N, F, OH*OW] as well, so they still fuse
    into the matmul's blocks.
  }];
  let options = [
    Option<"tileCols", "tile-cols", "int64_t", /*default=*/"16",
           "born-cpu-tile-and-vectorize's tile-cols: pixel panels are as "
           "wide as its blocks">,
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "born-cpu-tile-and-vectorize's vector-width">,
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}


def DecomposePads : Pass<"born-cpu-decompose-pads", "mlir::func::FuncOp"> {
  let summary = "Write padded tensors with linalg ops that tile and vectorize";
  let description = [{
    A `tensor.pad` bufferizes to a fill and a `memref.copy` into the
    interior, which lower to scalar loops in the host function, outside any
    parallel kernel. This pass writes each statically shaped pad with a
    constant value as linalg ops instead, so that tile-and-vectorize makes
    each of them a vectorized, parallel loop nest: fills of the border only
    (along each padded dim, the slab before the interior and the slab after
    it) and a copy of the source into the interior:

    ```mlir
    %p = tensor.pad %x low[0, 1] high[0, 1] { tensor.yield %v }
           : tensor<8x6xf32> to tensor<8x8xf32>
    // becomes
    %a = bufferization.alloc_tensor() : tensor<8x8xf32>
    %l = tensor.extract_slice %a[0, 0] [8, 1] [1, 1]
    %lf = linalg.fill ins(%v) outs(%l)
    %a1 = tensor.insert_slice %lf into %a[0, 0] [8, 1] [1, 1]
    %h = tensor.extract_slice %a1[0, 7] [8, 1] [1, 1]
    %hf = linalg.fill ins(%v) outs(%h)
    %a2 = tensor.insert_slice %hf into %a1[0, 7] [8, 1] [1, 1]
    %i = tensor.extract_slice %a2[0, 1] [8, 6] [1, 1]
    %c = linalg.copy ins(%x) outs(%i)
    %p = tensor.insert_slice %c into %a2[0, 1] [8, 6] [1, 1]
    ```

    Bufferization writes each of them in place. The buffer is a
    `bufferization.alloc_tensor`, not a `tensor.empty`, so that CSE cannot
    give two pads one buffer (which bufferization would then copy whole).
  }];
  let dependentDialects = ["mlir::bufferization::BufferizationDialect",
                           "mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect"];
}


def PackMatmulWeights : Pass<"born-cpu-pack-matmul-weights", "mlir::ModuleOp"> {
  let summary = "Lay out matmul weights as contiguous column panels";
  let description = [{
    A register block of a matmul reads a `panel-width`-column panel of the
    right-hand side one row per reduction step; in the plain [K, N] layout
    those rows lie N elements apart, a new page every few steps. When the
    right-hand side is a weight (an entry argument with `born.param`), used
    only as the right-hand side of plain `linalg.matmul`s, and N is a
    multiple of the panel width, this pass makes the argument the packed
    tensor [N/w, K, w] (panel jb holds columns jb*w .. jb*w+w-1, each panel
    contiguous) and each matmul a `linalg.generic` reading it:

    ```mlir
    %c = linalg.matmul ins(%a, %b : tensor<MxK>, tensor<KxN>) outs(%init)
    // becomes, with %bp : tensor<N/w x K x w>
    %initp = tensor.expand_shape %init [[0], [1, 2]] : tensor<M x N/w x w>
    %cp = linalg.generic {maps (jb, i, jj, k) -> (i, k), (jb, k, jj),
                          (i, jb, jj)} ins(%a, %bp) outs(%initp)
    %c = tensor.collapse_shape %cp [[0], [1, 2]]
    ```

    The packing is compile-time work: the argument's layout attributes
    (`born.expanded_shape`, `born.permutation`, composed with any it had)
    tell the weights blob builder how to lay the stored tensor out, under a
    blob key of its own. The loop order puts the panel index outermost, so
    the default register block (8 rows x one panel) tiles it.
  }];
  let options = [
    Option<"panelWidth", "panel-width", "int64_t", /*default=*/"16",
           "Columns per packed panel (the register block's width)">,
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect"];
}


def RebaseStridedGathers : Pass<"born-cpu-rebase-strided-gathers", "mlir::func::FuncOp"> {
  let summary = "Make vector.gather offsets on strided memrefs memory offsets";
  let description = [{
    The linalg vectorizer turns a `tensor.extract` it cannot prove
    contiguous into a `vector.gather` whose offsets linearize the indices
    over the *logical* shape of the source tensor. After bufferization the
    source may be a strided view (a `memref.subview` of a slice, a reshape
    of one), but `vector.gather` on a memref takes its offsets as element
    displacements in *memory*, so rows after the first were read with the
    view's width as their stride. Run right after bufferization, this pass
    rewrites each gather whose base is not a contiguous row-major memref:
    the logical offset (plus the linearized base indices) is delinearized
    over the static shape and re-linearized with the view's strides, and
    the base indices become zero. Gathers on contiguous buffers are left
    alone.
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect",
                           "mlir::vector::VectorDialect"];
}


def SplitStridedCopies : Pass<"born-cpu-split-strided-copies", "mlir::func::FuncOp"> {
  let summary = "Copy strided views row by row, each row one memcpy";
  let description = [{
    Bufferization copies a value into a view of a larger buffer where a
    tensor is concatenated or inserted (an attention's scores over the
    cached slots and the new ones, an ONNX Concat): `memref.copy` into a
    strided view. As a `linalg.copy` it becomes scalar loops in the host
    function, one element at a time. When the innermost dim of both sides
    is contiguous and at least `min-row` elements long, this pass makes the
    copy an `scf.for` nest over the outer dims whose body copies one row
    between two contiguous 1-D views: a `memref.copy` that
    `finalize-memref-to-llvm` lowers to `llvm.memcpy`. Other copies are
    left to `born-convert-copies-to-linalg`.

    ```mlir
    memref.copy %a, %b : memref<3x2048xf32> to memref<3x2048xf32, strided<[2112, 1]>>
    // becomes
    scf.for %i = %c0 to %c3 step %c1 {
      %ra = memref.subview %a[%i, 0] [1, 2048] [1, 1] : ... to memref<2048xf32, strided<[1], offset: ?>>
      %rb = memref.subview %b[%i, 0] [1, 2048] [1, 1] : ... to memref<2048xf32, strided<[1], offset: ?>>
      memref.copy %ra, %rb : ...
    }
    ```
  }];
  let options = [
    Option<"minRow", "min-row", "int64_t", /*default=*/"8",
           "Shortest innermost dim (elements) copied as rows">,
  ];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect"];
}


def IsolateTiedResults : Pass<"born-cpu-isolate-tied-results", "mlir::func::FuncOp"> {
  let summary = "Give each tied result a destination of its own before bufferization";
  let description = [{
    A result tied to an input (`born.tied_input`) becomes an output buffer
    that may be the input's: it must not double as an earlier kernel's
    temporary, or the input is overwritten before its last reads and
    `born-cpu-guard-tied-inputs` has to copy it. CSE merges equal
    `tensor.empty` ops, and one-shot bufferization gives one empty tensor
    one buffer, reused by every kernel that writes into it once the
    previous value is dead (a gradient, then the update written over the
    same buffer). This pass follows the destination chain of each tied
    result (destination-passing ops, `scf.forall` shared outputs, loop
    iteration arguments) back to its `tensor.empty` and, when that empty
    tensor has other uses, gives the chain a fresh one.

    ```mlir
    %e = tensor.empty() : tensor<10x32xf32>
    %grad = scf.forall ... shared_outs(%o = %e) ...
    %new = scf.forall ... shared_outs(%o = %e) ...   // returned, tied
    // becomes
    %e = tensor.empty() : tensor<10x32xf32>
    %grad = scf.forall ... shared_outs(%o = %e) ...
    %e_0 = tensor.empty() : tensor<10x32xf32>
    %new = scf.forall ... shared_outs(%o = %e_0) ...
    ```
  }];
  let dependentDialects = ["mlir::tensor::TensorDialect"];
}


def GuardTiedInputs : Pass<"born-cpu-guard-tied-inputs", "mlir::func::FuncOp"> {
  let summary = "Keep a tied output correct when it shares its input's buffer";
  let description = [{
    An entry result marked `born.tied_input = J` may be given the buffer of
    input J (a training step's updated weights written over the weights):
    after `buffer-results-to-out-params` it is an output argument with that
    attribute, and the code must compute the same values whether or not the
    two arguments point to the same memory. That holds when every read of
    the input comes before the first write to the output, in the order of
    the function's top-level ops; or when the first writer is also the last
    reader and is an `scf.forall` whose every iteration reads the input
    only where it then writes the output (a fused elementwise update:
    `vector.transfer_read` of the input and `vector.transfer_write` of the
    output at the same position and shape, the read first, in the loop
    body's block). Bufferization may also use an output's buffer as a
    temporary for an earlier kernel; that is a write like any other.

    Where neither holds, the input is copied into a buffer of its own at
    the function's entry and every read goes to the copy.

    ```mlir
    func.func @step(%w: memref<32x64xf32>, %y: memref<16x32xf32>,
                    %w_new: memref<32x64xf32> {born.tied_input = 0 : i64}) {
      // ... writes %w_new, then reads %w
    }
    // becomes
    func.func @step(...) {
      %copy = memref.alloc() : memref<32x64xf32>
      memref.copy %w, %copy : memref<32x64xf32> to memref<32x64xf32>
      // ... writes %w_new, then reads %copy
    }
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect"];
}


def FlattenEmptyMemRefArgs : Pass<"born-cpu-flatten-empty-memref-args", "mlir::ModuleOp"> {
  let summary = "Pass zero-size memrefs as rank-1 memref<0xT> across calls";
  let description = [{
    Upstream's identity layout gives a memref with a zero-size dimension
    dynamic strides for the dimensions outside it (memref<3x0x5xi64> has
    strides [?, 5, 1]: `makeCanonicalStridedLayoutExpr` treats a zero size
    like a dynamic one), so `convert-func-to-llvm` with the bare-pointer
    calling convention cannot convert a function taking one, and the
    translation to LLVM IR then fails on the leftover `func.func`. Such a
    buffer holds no data: this pass makes each such argument of every
    function (definitions and declarations) `memref<0xT>`, which is one
    pointer like any other, gives the body a local zero-size buffer of the
    old type in its place (it can read or write nothing either way), and
    reinterprets the operands of calls to changed functions.
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::func::FuncDialect"];
}


def OutlineParallelLoops : Pass<"born-cpu-outline-parallel-loops", "mlir::ModuleOp"> {
  let summary = "Run top-level scf.forall loops on the runtime's thread pool";
  let description = [{
    Each outermost `scf.forall` over memrefs becomes a task function
    `@<func>__task<N>(captured memrefs..., %begin: index, %end: index)` that
    runs the linearized iterations [begin, end), and the loop itself becomes
    a call to the declaration `@<func>__launch<N>(captured memrefs..., %n)`.
    When the module is translated to LLVM IR, the compiler defines each
    launcher: it packs the buffer pointers and calls the runtime's
    `born_parallel_for(n, task, env)`, which splits [0, n) across threads.

    Loops that capture anything other than statically shaped, identity-layout
    memrefs, views of them and constants are left in place (they run
    serially once `scf-forall-to-for` converts them).
  }];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect"];
}

def WidenRaggedTransfers : Pass<"born-cpu-widen-ragged-transfers", "mlir::func::FuncOp"> {
  let summary = "Load and store vectors of ragged widths as masked full registers";
  let description = [{
    A tile whose innermost width is not a power of two (a 14 x 14 feature
    map's rows, 7-wide ones) reads and writes `vector<14xf32>`: LLVM splits
    such an access into 8-, 4- and 2-element pieces (three loads and two
    inserts for one row of operands in a matmul's inner loop). This pass
    makes each in-bounds, contiguous 1-D transfer of a ragged width a masked
    load or store of the next power of two (within one register of
    `register-bits`) or of whole registers, with the tail lanes masked off,
    so no memory past the vector's own is touched:

    ```mlir
    %v = vector.transfer_read %m[%i], %pad {in_bounds = [true]} : memref<196xf32>, vector<14xf32>
    // becomes
    %mask = vector.constant_mask [14] : vector<16xi1>
    %w = vector.maskedload %m[%i], %mask, %poison : memref<196xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
    %v = vector.extract_strided_slice %w {offsets = [0], sizes = [14], strides = [1]} : vector<16xf32> to vector<14xf32>
    ```

    It runs after `convert-vector-to-scf{full-unroll}` has made transfers
    one-dimensional.
  }];
  let options = [
    Option<"registerBits", "register-bits", "int64_t", /*default=*/"512",
           "Bits in one vector register">,
  ];
  let dependentDialects = ["mlir::ub::UBDialect",
                           "mlir::vector::VectorDialect"];
}


#endif
