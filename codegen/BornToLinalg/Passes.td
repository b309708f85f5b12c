#ifndef BORN_CODEGEN_BORNTOLINALG_PASSES_TD
#define BORN_CODEGEN_BORNTOLINALG_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertBornToLinalg : Pass<"born-convert-to-linalg"> {
  let summary = "lower born ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every born op except `born.param` into upstream ops on statically
    shaped tensors, in destination-passing style (`tensor.empty`, filled with
    `linalg.fill` where an op accumulates):

    - elementwise ops and `born.broadcast`: one `linalg.generic` each, NumPy
      broadcasting expressed in the indexing maps (a stretched size-1
      dimension reads index 0, missing leading dimensions are dropped);
    - `born.matmul`: `linalg.matmul` / `linalg.batch_matmul`, other ranks
      broadcast and collapsed to a 3-D `linalg.batch_matmul`;
    - `born.conv2d`: `tensor.pad` + `linalg.conv_2d_nchw_fchw`, or
      `linalg.conv_2d_ngchw_gfchw` on expanded shapes when `groups > 1`;
    - `born.pool2d`: `linalg.pooling_nchw_max` / `linalg.pooling_nchw_sum`;
    - reductions, softmax and normalizations: `linalg.reduce` and reduction
      `linalg.generic`s, keepdims through `tensor.expand_shape`;
    - shape ops: `tensor.collapse_shape`/`tensor.expand_shape`,
      `linalg.transpose`, `tensor.insert_slice`, `tensor.extract_slice`, and a
      `linalg.generic` with `tensor.extract` for gather.

    `born.param` stays: turning parameters into function arguments is a
    separate pass.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // BORN_CODEGEN_BORNTOLINALG_PASSES_TD
