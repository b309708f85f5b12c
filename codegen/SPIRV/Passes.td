#ifndef BORN_CODEGEN_SPIRV_PASSES_TD
#define BORN_CODEGEN_SPIRV_PASSES_TD

include "mlir/Pass/PassBase.td"

def WrapSerialLinalgOps
    : Pass<"born-wrap-serial-linalg-ops", "mlir::func::FuncOp"> {
  let summary = "Put linalg ops without parallel loops in a one-iteration scf.parallel";
  let description = [{
    A kernel is made from an `scf.parallel` loop, but a linalg op with no
    parallel dimension (a rank-0 fill, a full reduction to a scalar) lowers
    to sequential loops only and would stay on the host. Wrapping it in a
    one-iteration parallel loop makes it a kernel run by a single thread:
    slow, but correct, and rare in models.

    ```mlir
    linalg.reduce ins(%x : memref<4xf32>) outs(%s : memref<f32>) dimensions = [0] ...
    // becomes
    scf.parallel (%i) = (%c0) to (%c1) step (%c1) {
      linalg.reduce ins(%x : memref<4xf32>) outs(%s : memref<f32>) dimensions = [0] ...
    }
    ```
  }];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect"];
}

def TileParallelLoopsForGPU
    : Pass<"born-tile-parallel-loops-for-gpu", "mlir::func::FuncOp"> {
  let summary = "Tile outermost scf.parallel loops into workgroups and threads";
  let description = [{
    Splits each outermost `scf.parallel` into an outer loop over workgroups
    and an inner loop over the threads of one workgroup, ready for
    `gpu-map-parallel-loops`. The first three dimensions (those that map to
    GPU ids) get tile sizes whose product is at most `workgroup-size`,
    clamped to the loop's constant trip count so that small dimensions do
    not waste threads; further dimensions get tile size 1 and run
    sequentially. The inner loop has constant bounds (a guard handles the
    remainder), so every kernel has a static workgroup size.

    ```mlir
    scf.parallel (%i) = (%c0) to (%c100) step (%c1) { ... }
    // becomes (workgroup-size=64)
    scf.parallel (%i) = (%c0) to (%c100) step (%c64) {
      scf.parallel (%j) = (%c0) to (%c64) step (%c1) {
        %k = arith.addi %i, %j ; scf.if (%k < 100) { ... }
    ```
  }];
  let options = [
    Option<"workgroupSize", "workgroup-size", "int64_t", /*default=*/"64",
           "Most threads per workgroup">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::scf::SCFDialect"];
}

def MoveReductionsInward
    : Pass<"born-move-reductions-inward", "mlir::func::FuncOp"> {
  let summary = "Interchange linalg loops so that parallel loops come first";
  let description = [{
    convert-linalg-to-parallel-loops turns the outermost run of parallel
    dimensions into an `scf.parallel` (a kernel) and everything from the
    first reduction dimension inward into `scf.for`. A linalg op whose
    reduction dimension comes first (argmax or a sum over axis 0, a
    `linalg.reduce` with `dimensions = [0]`) would leave a sequential loop
    on the host around one kernel launch per iteration, which the Vulkan
    schedule cannot express. This pass moves every parallel dimension
    before every reduction dimension (generalizing named ops when needed),
    so that each thread runs its reduction sequentially instead.

    ```mlir
    linalg.generic {iterator_types = ["reduction", "parallel"], ...}
    // becomes
    linalg.generic {iterator_types = ["parallel", "reduction"], ...}
    ```
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def AnnotateSPIRVKernels
    : Pass<"born-annotate-spirv-kernels", "mlir::ModuleOp"> {
  let summary = "Set the SPIR-V target environment and entry-point ABI of kernels";
  let description = [{
    Prepares outlined `gpu.func` kernels for `convert-gpu-to-spirv`: puts a
    Vulkan target environment on the module (SPIR-V 1.3, Shader, Int64,
    Float64, Int16, Float16, 16-bit storage, storage-buffer storage class)
    unless one is already there, and gives every kernel a
    `spirv.entry_point_abi` whose workgroup size is the kernel's
    `known_block_size`. Kernels without a known block size are an error: the
    workgroup size must be static. So are f64 math functions that
    GLSL.std.450 has only for 16- and 32-bit floats (exp, log, sin, pow...):
    the error names the op, instead of a failure to legalize the kernel.
  }];
  let dependentDialects = ["mlir::spirv::SPIRVDialect"];
}

def TileDispatchRegions
    : Pass<"born-tile-dispatch-regions", "mlir::func::FuncOp"> {
  let summary = "Turn each fusable dispatch region into one scf.forall over its output";
  let description = [{
    Makes a `born.dispatch` region one kernel: its root is tiled by an
    `scf.forall` with one iteration per element of its parallel dimensions
    (reductions run sequentially inside) and the other members are fused
    into the loop body. A region is fused only when, at that tile size,
    every member can write the root's output element in place: the members
    form one chain of destinations (a fill initializing a matmul) and of
    elementwise generics that overwrite their producer's tile. Then, after
    `eliminate-empty-tensors`, bufferization leaves no temporary, which a
    kernel could only keep in private memory. Other regions, and ops outside
    any region, are dissolved and keep one kernel per linalg op.

    ```mlir
    %r = born.dispatch -> (tensor<4x16xf32>) {
      %f = linalg.fill ins(%zero : f32) outs(%e : tensor<4x16xf32>)
      %m = linalg.matmul ins(%x, %w ...) outs(%f ...)
      %y = linalg.generic ins(%m, %b ...) outs(%e ...)   // bias + relu
      born.yield %y
    }
    // becomes
    %r = scf.forall (%i, %j) in (4, 16) shared_outs(%o = %e) {
      %t = tensor.empty() : tensor<1x1xf32>
      %f = linalg.fill ins(%zero : f32) outs(%t : tensor<1x1xf32>)
      %m = linalg.matmul ins(%x[%i, 0] 1x8, %w[0, %j] 8x1) outs(%f)
      %y = linalg.generic ins(%m, %b[%j] 1) outs(%m)
      scf.forall.in_parallel { tensor.parallel_insert_slice %y into %o[%i, %j] [1, 1] }
    }
    ```
  }];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::tensor::TensorDialect"];
}

def LowerNestedLinalgToLoops
    : Pass<"born-lower-nested-linalg-to-loops", "mlir::func::FuncOp"> {
  let summary = "Lower linalg ops inside an scf.parallel to sequential loops";
  let description = [{
    Inside a kernel (the body of a fused dispatch region's loop, or a
    one-thread wrap), a linalg op is the work of one thread: it becomes
    `scf.for` loops. `convert-linalg-to-parallel-loops` would make its
    parallel dimensions a nested `scf.parallel` instead, which maps to
    nothing useful.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect",
                           "mlir::memref::MemRefDialect"];
}

def HoistAccumulators
    : Pass<"born-hoist-accumulators", "mlir::func::FuncOp"> {
  let summary = "Keep a kernel loop's accumulator in a register";
  let description = [{
    A reduction lowered to loops inside a kernel (a matmul's `k` loop) loads
    and stores its output element in every iteration: a storage-buffer round
    trip the driver cannot remove, since it cannot prove that the buffers do
    not alias. Where a sequential loop inside an `scf.parallel` is the only
    access to an element that does not change across iterations (one load,
    then one store), the element is loaded once before the loop, carried as
    an iter_arg, and stored once after it. Buffers bound to one kernel are
    distinct, so loads from other buffers in the loop cannot see the
    element.

    ```mlir
    scf.for %k = %c0 to %c8 step %c1 {
      %a = memref.load %out[%i, %j]
      %s = arith.addf %a, ...
      memref.store %s, %out[%i, %j]
    }
    // becomes
    %a0 = memref.load %out[%i, %j]
    %r = scf.for %k = %c0 to %c8 step %c1 iter_args(%a = %a0) {
      %s = arith.addf %a, ...
      scf.yield %s
    }
    memref.store %r, %out[%i, %j]
    ```
  }];
  let dependentDialects = ["mlir::memref::MemRefDialect",
                           "mlir::scf::SCFDialect"];
}

#endif
