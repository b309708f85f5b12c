#ifndef BORN_DIALECT_TD
#define BORN_DIALECT_TD

include "mlir/IR/OpBase.td"

def Born_Dialect : Dialect {
  let name = "born";
  let cppNamespace = "::born";
  let summary = "Born's tensor-graph dialect";
  let description = [{
    The born dialect describes a model as a graph of operations on ranked,
    statically shaped tensors: elementwise math with NumPy broadcasting,
    contractions, convolutions, pooling, reductions, normalizations and shape
    manipulation. Weights are never stored in the IR: `born.param` refers to
    a named tensor in the model's weights blob.

    Every frontend (ONNX, GGUF, the C++ graph API, textual IR) produces this
    dialect; fusion, autodiff and quantization transform it; codegen lowers it
    to upstream linalg, tensor, arith and math.
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
  // Folders produce DenseElementsAttrs; they become born.constant.
  let hasConstantMaterializer = 1;
}

class Born_Op<string mnemonic, list<Trait> traits = []>
    : Op<Born_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def Born_FloatElement : AnyTypeOf<[F16, BF16, F32, F64]>;
def Born_IntElement : AnyTypeOf<[I8, I16, I32, I64]>;
def Born_NumericElement : AnyTypeOf<[F16, BF16, F32, F64, I8, I16, I32, I64]>;
def Born_IndexElement : AnyTypeOf<[I32, I64]>;

// Integers are signed (two's complement); i1 is a boolean.
def Born_FloatTensor : StaticShapeTensorOf<[F16, BF16, F32, F64]>;
def Born_NumericTensor
    : StaticShapeTensorOf<[F16, BF16, F32, F64, I8, I16, I32, I64]>;
def Born_IndexTensor : StaticShapeTensorOf<[I32, I64]>;
def Born_BoolTensor : StaticShapeTensorOf<[I1]>;
// Operands of logical (i1) or bitwise (integer) operations.
def Born_BitsTensor : StaticShapeTensorOf<[I1, I8, I16, I32, I64]>;
def Born_Tensor
    : StaticShapeTensorOf<[F16, BF16, F32, F64, I1, I8, I16, I32, I64]>;

#endif // BORN_DIALECT_TD
