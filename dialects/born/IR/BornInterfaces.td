#ifndef BORN_INTERFACES_TD
#define BORN_INTERFACES_TD

include "mlir/IR/OpBase.td"

def Born_DifferentiableOpInterface : OpInterface<"DifferentiableOpInterface"> {
  let cppNamespace = "::born";
  let description = [{
    An op with a reverse-mode derivative rule: given the cotangents of its
    results (the gradient of a scalar loss with respect to each result), it
    builds the cotangents of its operands out of born ops. `born-autodiff`
    calls the rule of every op that a gradient flows through, last op first.

    Cotangents have exactly the type of the value they belong to; a rule
    whose op broadcasts sums the gradient back to the operand's shape.
  }];
  let methods = [
    InterfaceMethod<[{
        Builds, with `builder` (positioned after every value the rule may
        read), the cotangent of each operand from `resultCotangents` (one per
        result, each of the result's type) and appends them to
        `operandCotangents`, one per operand: a null value for an operand no
        gradient reaches through this op (integer indices, masks). Returns
        failure, after emitting an error on the op, when the op cannot be
        differentiated with these attributes or types.
      }],
      "::mlir::LogicalResult", "buildOperandCotangents",
      (ins "::mlir::OpBuilder &":$builder,
           "::mlir::ValueRange":$resultCotangents,
           "::llvm::SmallVectorImpl<::mlir::Value> &":$operandCotangents)>
  ];
}

// Marks an op whose derivative rule is in BornDerivatives.cpp.
defvar Born_Differentiable =
    DeclareOpInterfaceMethods<Born_DifferentiableOpInterface>;

#endif // BORN_INTERFACES_TD
