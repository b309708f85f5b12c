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

def Autodiff : Pass<"born-autodiff", "mlir::ModuleOp"> {
  let summary = "Append the gradients of a scalar loss to a function's results";
  let description = [{
    Reverse-mode differentiation on tensor SSA. A function asks for it by
    marking the arguments to differentiate with the unit attribute
    `born.grad`; its first result is the loss, a float tensor of one element.
    The pass appends to the results, in argument order, the gradient of the
    loss with respect to every marked argument (each of that argument's
    type, named `grad_<argument name>` through `born.name`) and drops the
    marks. Functions without marks are left alone.

    ```mlir
    func.func @f(%x: tensor<4xf32> {born.grad}) -> tensor<f32> {
      %y = born.mul %x, %x : tensor<4xf32>, tensor<4xf32>
      %l = born.reduce sum %y axes = [0] : tensor<4xf32>
      return %l : tensor<f32>
    }
    // becomes
    func.func @f(%x: tensor<4xf32>)
        -> (tensor<f32>, tensor<4xf32> {born.name = "grad_input_0"}) {
      ... forward ...
      ... %dx = born.add (born.mul %g, %x), (born.mul %g, %x) ...
      return %l, %dx : tensor<f32>, tensor<4xf32>
    }
    ```

    Every op on a path from a marked argument to the loss must implement
    `DifferentiableOpInterface` (the rules live with the ops); a value used
    several times gets the sum of its uses' cotangents. Integer and boolean
    values carry no gradient, so masks, indices and comparisons need no
    rule; a float op without one (floor, sign, ...) on the path is an error
    naming the op. Run it before fusion: the backward ops are born ops that
    the rest of the pipeline fuses and lowers like the forward ones.
  }];
  let dependentDialects = ["::born::BornDialect"];
}

#endif
