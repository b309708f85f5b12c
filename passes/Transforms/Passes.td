#ifndef BORN_PASSES_TRANSFORMS_PASSES_TD
#define BORN_PASSES_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def LiftParams : Pass<"born-lift-params", "mlir::ModuleOp"> {
  let summary = "Turn born.param ops into arguments of the entry function";
  let description = [{
    Weights never live in the IR; at run time they are slices of a weights
    blob that the runtime hands to the compiled entry point. This pass makes
    that explicit: every distinct `born.param` of a public function becomes
    a trailing function argument carrying a `born.param = "<name>"`
    attribute, and its uses take that argument instead.

    ```mlir
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %w = born.param "w" : tensor<4xf32>
      ...
    // becomes
    func.func @f(%x: tensor<4xf32>, %w: tensor<4xf32> {born.param = "w"}) ...
    ```

    A permuted param (`permutation = [...]`) is fed from its own blob
    slice: its argument's `born.param` is the blob key `name:perm=1,0`, with
    `born.param_source` and `born.permutation` saying how to build it.

    Two params with one name and different types are an error, as are params
    in private functions (which the entry point cannot feed).
  }];
  let dependentDialects = ["::born::BornDialect"];
}

#endif
