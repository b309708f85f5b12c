#ifndef BORN_CODEGEN_COMMON_PASSES_TD
#define BORN_CODEGEN_COMMON_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertCopiesToLinalg
    : Pass<"born-convert-copies-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Turn memref.copy into linalg.copy so that copies become kernels";
  let description = [{
    Bufferization leaves `memref.copy` where a result aliases an argument
    (e.g. `return %input`) or a value is copied into a view (`tensor.pad`).
    As `linalg.copy` it becomes an ordinary kernel: a copy kernel on Vulkan,
    where every op that touches memory must run in a kernel, and loops on
    the CPU, where the generic `memref.copy` would otherwise call a library
    function (`memrefCopy`) the outputs do not link.

    ```mlir
    memref.copy %a, %b : memref<4xf32> to memref<4xf32>
    // becomes
    linalg.copy ins(%a : memref<4xf32>) outs(%b : memref<4xf32>)
    ```

    With `keep-contiguous` (the CPU), a copy between two contiguous views
    stays: `finalize-memref-to-llvm` lowers it to `llvm.memcpy`, which
    needs no library function of ours.
  }];
  let options = [
    Option<"keepContiguous", "keep-contiguous", "bool", /*default=*/"false",
           "Leave copies between contiguous views (memcpy) as they are">,
  ];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def ApproximateMath : Pass<"born-approximate-math"> {
  let summary = "Replace math functions by polynomial approximations";
  let description = [{
    By default rewrites `math.erf` and `math.erfc`, which neither SPIR-V's
    GLSL.std.450 instruction set nor LLVM's vector intrinsics provide, into
    MLIR's polynomial approximations (arith and other math ops), and
    `math.trunc`, which `convert-math-to-spirv` lacks, into
    `copysign(floor(|x|), x)`, and `math.asin`/`math.acos` into `math.atan`
    and `math.sqrt` (GLSL's own are imprecise on some drivers), leaving
    every other math op to the target
    (`convert-math-to-spirv` on Vulkan).
    With `all`, exp, expm1, log, log1p, log2, tanh, erf and erfc are
    rewritten (in f32 for narrower floats): on the CPU this keeps vector code vector instead of one
    libm call per element.
  }];
  let options = [
    Option<"all", "all", "bool", /*default=*/"false",
           "Also approximate exp, log and tanh families">,
  ];
  let dependentDialects = ["mlir::arith::ArithDialect",
                           "mlir::math::MathDialect"];
}

#endif
