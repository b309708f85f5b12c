#ifndef BORN_PASSES_DISPATCH_PASSES_TD
#define BORN_PASSES_DISPATCH_PASSES_TD

include "mlir/Pass/PassBase.td"

def FormDispatchRegions
    : Pass<"born-form-dispatch-regions", "mlir::func::FuncOp"> {
  let summary = "Group linalg ops into born.dispatch regions, one per kernel";
  let description = [{
    Decides fusion once, for every target. Walking from the last op
    backwards, each linalg op not yet in a region roots a new one, and the
    region grows through producers that (1) are linalg ops used only inside
    the region and (2) cost nothing extra to fuse: a producer is fused when
    the op using it reads it as its destination (a fill initializing a
    matmul) or through a permutation map (elementwise chains, a matmul
    feeding its bias and activation). A producer read through a broadcast
    or by a contraction's input would be recomputed for every tile and
    stays in its own region. A fill that initializes several ops (CSE
    merges equal ones) is first cloned for each, so that it fuses into
    every user's region.

    ```mlir
    %f = linalg.fill ...
    %m = linalg.matmul ins(%x, %w ...) outs(%f ...)
    %r = linalg.generic ... ins(%m, %bias ...)    // bias + relu
    // becomes
    %r = born.dispatch -> (tensor<64x512xf32>) {
      %f = linalg.fill ...
      %m = linalg.matmul ...
      %0 = linalg.generic ...
      born.yield %0 : tensor<64x512xf32>
    }
    ```
  }];
  let dependentDialects = ["::born::BornDialect"];
}

def FuseElementwise : Pass<"born-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Elementwise fusion and reshape propagation that spare contractions";
  let description = [{
    MLIR's elementwise fusion (`linalg-fuse-elementwise-ops`: producers
    fused into their consumer's body, reshapes folded into linalg ops by
    expanding their loops), except that contractions and convolutions are
    left alone: neither fused into (a matmul reading `relu(x + b)` would
    become a generic whose body is no longer a multiply-accumulate, which
    the code generators no longer recognize and run as scalar loops) nor
    expanded through a reshape (a `linalg.matmul` on a collapsed 3-D input
    would become a generic, out of reach of weight packing). The producer is
    then its own kernel or joins the contraction's dispatch region.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::affine::AffineDialect"];
}

def InlineDispatchRegions
    : Pass<"born-inline-dispatch-regions", "mlir::func::FuncOp"> {
  let summary = "Dissolve born.dispatch regions into their parent block";
  let description = [{
    For code generators that form kernels per op rather than per region:
    moves each region's ops before it and replaces its results by the
    yielded values.
  }];
}

#endif
