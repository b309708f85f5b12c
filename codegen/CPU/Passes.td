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
    Option<"maxVectorElements", "max-vector-elements", "int64_t",
           /*default=*/"4096",
           "Largest iteration space (elements) an op is vectorized at">,
  ];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::vector::VectorDialect",
                           "mlir::tensor::TensorDialect", "mlir::linalg::LinalgDialect"];
}

#endif

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
    memrefs and constants are left in place (they run serially once
    `scf-forall-to-for` converts them).
  }];
  let dependentDialects = ["mlir::func::FuncDialect", "mlir::scf::SCFDialect",
                           "mlir::arith::ArithDialect"];
}
