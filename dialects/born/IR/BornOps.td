#ifndef BORN_OPS_TD
#define BORN_OPS_TD

include "dialects/born/IR/BornDialect.td"
include "dialects/born/IR/BornInterfaces.td"
include "mlir/IR/EnumAttr.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

//===----------------------------------------------------------------------===//
// Elementwise operations
//===----------------------------------------------------------------------===//

// Binary elementwise op with NumPy broadcasting; the result shape is inferred.
class Born_BinaryOp<string mnemonic, Type operandType, string example,
                    list<Trait> traits = [], string details = "">
    : Born_Op<mnemonic, !listconcat(traits, [Pure, InferTypeOpAdaptor])> {
  let arguments = (ins operandType:$lhs, operandType:$rhs);
  let results = (outs operandType:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs)
  }];
  let description = [{
    Elementwise operation on two tensors of the same element type. Shapes
    broadcast as in NumPy: they align on the right, and a dimension of size 1
    stretches to match the other operand.
  }] # details # [{

    Example:
    ```mlir
  }] # example # [{
    ```
  }];
}

def Born_AddOp : Born_BinaryOp<"add", Born_NumericTensor,
    "%0 = born.add %x, %bias : tensor<4x8xf32>, tensor<8xf32>", [Commutative, Born_Differentiable]> {
  let summary = "elementwise addition";
  let hasFolder = 1;
}
def Born_SubOp : Born_BinaryOp<"sub", Born_NumericTensor,
    "%0 = born.sub %x, %y : tensor<4x8xf32>, tensor<4x1xf32>", [Born_Differentiable]> {
  let summary = "elementwise subtraction";
  let hasFolder = 1;
}
def Born_MulOp : Born_BinaryOp<"mul", Born_NumericTensor,
    "%0 = born.mul %x, %scale : tensor<2x3xf16>, tensor<1x3xf16>", [Commutative, Born_Differentiable]> {
  let summary = "elementwise multiplication";
  let hasFolder = 1;
}
def Born_DivOp : Born_BinaryOp<"div", Born_NumericTensor,
    "%0 = born.div %x, %n : tensor<4x8xf32>, tensor<4x1xf32>", [Born_Differentiable]> {
  let summary = "elementwise division (integer division truncates toward zero)";
  let hasFolder = 1;
}
def Born_PowOp : Born_BinaryOp<"pow", Born_FloatTensor,
    "%0 = born.pow %x, %e : tensor<4x8xf32>, tensor<f32>", [Born_Differentiable]> {
  let summary = "elementwise power lhs ** rhs";
}
def Born_MaxOp : Born_BinaryOp<"max", Born_NumericTensor,
    "%0 = born.max %x, %y : tensor<4xf32>, tensor<4xf32>", [Commutative, Born_Differentiable]> {
  let summary = "elementwise maximum (NaN propagates)";
  let hasFolder = 1;
}
def Born_MinOp : Born_BinaryOp<"min", Born_NumericTensor,
    "%0 = born.min %x, %y : tensor<4xi32>, tensor<1xi32>", [Commutative, Born_Differentiable]> {
  let summary = "elementwise minimum (NaN propagates)";
  let hasFolder = 1;
}
def Born_RemOp : Born_BinaryOp<"rem", Born_NumericTensor,
    "%0 = born.rem %x, %n : tensor<4x8xi32>, tensor<i32>", [],
    "`lhs - trunc(lhs / rhs) * rhs`, as C's `fmod` and `%`: the result has "
    "the sign of `lhs` (ONNX `Mod` with `fmod = 1`). Integer division by "
    "zero is undefined."> {
  let summary = "elementwise remainder with the sign of the dividend";
  let hasFolder = 1;
}
def Born_AndOp : Born_BinaryOp<"and", Born_BitsTensor,
    "%0 = born.and %a, %b : tensor<4xi1>, tensor<4xi1>", [Commutative]> {
  let summary = "elementwise logical (i1) or bitwise (integers) and";
  let hasFolder = 1;
}
def Born_OrOp : Born_BinaryOp<"or", Born_BitsTensor,
    "%0 = born.or %a, %b : tensor<4xi32>, tensor<i32>", [Commutative]> {
  let summary = "elementwise logical (i1) or bitwise (integers) or";
  let hasFolder = 1;
}
def Born_XorOp : Born_BinaryOp<"xor", Born_BitsTensor,
    "%0 = born.xor %a, %b : tensor<4xi1>, tensor<1xi1>", [Commutative]> {
  let summary = "elementwise logical (i1) or bitwise (integers) exclusive or";
  let hasFolder = 1;
}

class Born_UnaryOp<string mnemonic, Type operandType, string formula,
                   string exampleType = "tensor<2x3xf32>",
                   list<Trait> traits = [Born_Differentiable]>
    : Born_Op<mnemonic, !listconcat(traits, [Pure, SameOperandsAndResultType])> {
  let arguments = (ins operandType:$input);
  let results = (outs operandType:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let description = [{
    Elementwise `}] # formula # [{` on every element of `input`; the result
    has the input's type.

    Example:
    ```mlir
    %0 = born.}] # mnemonic # [{ %x : }] # exampleType # [{
    ```
  }];
}

def Born_NegOp : Born_UnaryOp<"neg", Born_NumericTensor, "y = -x"> {
  let summary = "elementwise negation";
  let hasFolder = 1;
}
def Born_AbsOp : Born_UnaryOp<"abs", Born_NumericTensor, "y = |x|"> {
  let summary = "elementwise absolute value";
  let hasFolder = 1;
}
def Born_ExpOp : Born_UnaryOp<"exp", Born_FloatTensor, "y = e^x"> {
  let summary = "elementwise exponential";
}
def Born_LogOp : Born_UnaryOp<"log", Born_FloatTensor, "y = ln(x)"> {
  let summary = "elementwise natural logarithm";
}
def Born_SqrtOp : Born_UnaryOp<"sqrt", Born_FloatTensor, "y = sqrt(x)"> {
  let summary = "elementwise square root";
}
def Born_RsqrtOp : Born_UnaryOp<"rsqrt", Born_FloatTensor, "y = 1 / sqrt(x)"> {
  let summary = "elementwise reciprocal square root";
}
def Born_TanhOp : Born_UnaryOp<"tanh", Born_FloatTensor, "y = tanh(x)"> {
  let summary = "elementwise hyperbolic tangent";
}
def Born_SigmoidOp : Born_UnaryOp<"sigmoid", Born_FloatTensor,
                                  "y = 1 / (1 + e^-x)"> {
  let summary = "elementwise logistic sigmoid";
}
def Born_ReluOp : Born_UnaryOp<"relu", Born_NumericTensor, "y = max(x, 0)"> {
  let summary = "elementwise rectified linear unit";
}
def Born_SiluOp : Born_UnaryOp<"silu", Born_FloatTensor, "y = x * sigmoid(x)"> {
  let summary = "elementwise SiLU (swish)";
}
def Born_ErfOp : Born_UnaryOp<"erf", Born_FloatTensor, "y = erf(x)"> {
  let summary = "elementwise Gauss error function";
}

// Trigonometric and hyperbolic functions and their inverses, in radians.
def Born_SinOp : Born_UnaryOp<"sin", Born_FloatTensor, "y = sin(x)"> {
  let summary = "elementwise sine";
}
def Born_CosOp : Born_UnaryOp<"cos", Born_FloatTensor, "y = cos(x)"> {
  let summary = "elementwise cosine";
}
def Born_TanOp : Born_UnaryOp<"tan", Born_FloatTensor, "y = tan(x)"> {
  let summary = "elementwise tangent";
}
def Born_AsinOp : Born_UnaryOp<"asin", Born_FloatTensor, "y = asin(x)"> {
  let summary = "elementwise arcsine (NaN outside [-1, 1])";
}
def Born_AcosOp : Born_UnaryOp<"acos", Born_FloatTensor, "y = acos(x)"> {
  let summary = "elementwise arccosine (NaN outside [-1, 1])";
}
def Born_AtanOp : Born_UnaryOp<"atan", Born_FloatTensor, "y = atan(x)"> {
  let summary = "elementwise arctangent";
}
def Born_SinhOp : Born_UnaryOp<"sinh", Born_FloatTensor, "y = sinh(x)"> {
  let summary = "elementwise hyperbolic sine";
}
def Born_CoshOp : Born_UnaryOp<"cosh", Born_FloatTensor, "y = cosh(x)"> {
  let summary = "elementwise hyperbolic cosine";
}
def Born_AsinhOp : Born_UnaryOp<"asinh", Born_FloatTensor, "y = asinh(x)"> {
  let summary = "elementwise inverse hyperbolic sine";
}
def Born_AcoshOp : Born_UnaryOp<"acosh", Born_FloatTensor, "y = acosh(x)"> {
  let summary = "elementwise inverse hyperbolic cosine (NaN below 1)";
}
def Born_AtanhOp : Born_UnaryOp<"atanh", Born_FloatTensor, "y = atanh(x)"> {
  let summary = "elementwise inverse hyperbolic tangent (NaN outside [-1, 1])";
}

// Rounding to an integral value, which stays a float.
def Born_FloorOp : Born_UnaryOp<"floor", Born_FloatTensor, "y = floor(x)",
                                "tensor<2x3xf32>", []> {
  let summary = "elementwise rounding toward negative infinity";
}
def Born_CeilOp : Born_UnaryOp<"ceil", Born_FloatTensor, "y = ceil(x)",
                                "tensor<2x3xf32>", []> {
  let summary = "elementwise rounding toward positive infinity";
}
def Born_RoundOp : Born_UnaryOp<"round", Born_FloatTensor,
                                "y = the integer nearest x, halves to even",
                                "tensor<2x3xf32>", []> {
  let summary = "elementwise rounding to nearest, ties to even";
}
def Born_TruncOp : Born_UnaryOp<"trunc", Born_FloatTensor, "y = trunc(x)",
                                "tensor<2x3xf32>", []> {
  let summary = "elementwise rounding toward zero";
}

def Born_SignOp : Born_UnaryOp<"sign", Born_NumericTensor,
                               "y = -1, 0 or 1 by the sign of x (NaN stays NaN)",
                               "tensor<2x3xf32>", []> {
  let summary = "elementwise sign";
  let hasFolder = 1;
}
def Born_NotOp : Born_UnaryOp<"not", Born_BitsTensor,
                              "y = !x (i1) or ~x (integers, bitwise)",
                              "tensor<2x3xi1>", []> {
  let summary = "elementwise logical or bitwise not";
  let hasFolder = 1;
}

def Born_GeluOp : Born_Op<"gelu", [Born_Differentiable, Pure, SameOperandsAndResultType]> {
  let summary = "elementwise GELU activation";
  let description = [{
    `y = 0.5 * x * (1 + erf(x / sqrt(2)))`; with the `approximate` unit
    attribute, the tanh approximation
    `y = 0.5 * x * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)))`.

    Example:
    ```mlir
    %0 = born.gelu %x : tensor<2x3xf32>
    %1 = born.gelu %x approximate : tensor<2x3xf32>
    ```
  }];
  let arguments = (ins Born_FloatTensor:$input, UnitAttr:$approximate);
  let results = (outs Born_FloatTensor:$result);
  let assemblyFormat = "$input (`approximate` $approximate^)? attr-dict `:` type($input)";
}

def Born_CmpPredicateAttr : I64EnumAttr<"CmpPredicate", "comparison predicate", [
    I64EnumAttrCase<"eq", 0>, I64EnumAttrCase<"ne", 1>,
    I64EnumAttrCase<"lt", 2>, I64EnumAttrCase<"le", 3>,
    I64EnumAttrCase<"gt", 4>, I64EnumAttrCase<"ge", 5>]> {
  let cppNamespace = "::born";
}

def Born_CmpOp : Born_Op<"cmp", [Pure, InferTypeOpAdaptor]> {
  let summary = "elementwise comparison producing an i1 mask";
  let description = [{
    Compares `lhs` and `rhs` elementwise with the predicate (`eq`, `ne`,
    `lt`, `le`, `gt`, `ge`) and broadcasting; floats compare as ordered
    (any comparison with NaN is false, except `ne`).

    Example:
    ```mlir
    %mask = born.cmp gt, %x, %zero : tensor<4x8xf32>, tensor<f32>
    ```
  }];
  let hasFolder = 1;
  let arguments = (ins Born_CmpPredicateAttr:$predicate,
                       Born_NumericTensor:$lhs, Born_NumericTensor:$rhs);
  let results = (outs Born_BoolTensor:$result);
  let assemblyFormat = [{
    $predicate `,` $lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs)
  }];
}

def Born_WhereOp : Born_Op<"where", [Born_Differentiable, Pure, InferTypeOpAdaptor]> {
  let summary = "elementwise selection by a mask";
  let description = [{
    `result[i] = condition[i] ? on_true[i] : on_false[i]`, with the three
    operands broadcast together.

    Example:
    ```mlir
    %0 = born.where %mask, %x, %y : tensor<4x1xi1>, tensor<4x8xf32>, tensor<f32>
    ```
  }];
  let hasFolder = 1;
  let arguments = (ins Born_BoolTensor:$condition, Born_Tensor:$on_true,
                       Born_Tensor:$on_false);
  let results = (outs Born_Tensor:$result);
  let assemblyFormat = [{
    $condition `,` $on_true `,` $on_false attr-dict `:` type($condition) `,`
    type($on_true) `,` type($on_false)
  }];
}

def Born_CastOp : Born_Op<"cast", [Born_Differentiable, Pure, SameOperandsAndResultShape]> {
  let summary = "elementwise element-type conversion";
  let description = [{
    Converts each element to the result's element type: float to float
    rounds to nearest even, float to integer truncates toward zero, integer
    to float rounds, integers extend with sign or truncate, and anything to
    `i1` tests `!= 0`.

    Example:
    ```mlir
    %0 = born.cast %x : tensor<2x3xf32> to tensor<2x3xf16>
    ```
  }];
  let arguments = (ins Born_Tensor:$input);
  let results = (outs Born_Tensor:$result);
  let hasFolder = 1;
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
}

//===----------------------------------------------------------------------===//
// Contractions, convolution and pooling
//===----------------------------------------------------------------------===//

def Born_MatmulOp : Born_Op<"matmul", [Born_Differentiable, Pure, InferTypeOpAdaptor]> {
  let summary = "matrix product with broadcast batch dimensions";
  let description = [{
    NumPy `matmul` on operands of rank 2 or more: the last two dimensions
    multiply as matrices (`[..., M, K] x [..., K, N] -> [..., M, N]`), the
    leading batch dimensions broadcast.

    Example:
    ```mlir
    %0 = born.matmul %q, %kt : tensor<8x128x64xf32>, tensor<8x64x128xf32>
    %1 = born.matmul %x, %w : tensor<64x784xf32>, tensor<784x512xf32>
    ```
  }];
  let arguments = (ins Born_NumericTensor:$lhs, Born_NumericTensor:$rhs);
  let results = (outs Born_NumericTensor:$result);
  let assemblyFormat = "$lhs `,` $rhs attr-dict `:` type($lhs) `,` type($rhs)";
}

def Born_QuantTypeAttr : I64EnumAttr<"QuantType", "ggml tensor type", [
    I64EnumAttrCase<"f32", 0>, I64EnumAttrCase<"f16", 1>,
    I64EnumAttrCase<"bf16", 30>,
    I64EnumAttrCase<"q4_0", 2>, I64EnumAttrCase<"q4_1", 3>,
    I64EnumAttrCase<"q5_0", 6>, I64EnumAttrCase<"q5_1", 7>,
    I64EnumAttrCase<"q8_0", 8>, I64EnumAttrCase<"q2_K", 10>,
    I64EnumAttrCase<"q3_K", 11>, I64EnumAttrCase<"q4_K", 12>,
    I64EnumAttrCase<"q5_K", 13>, I64EnumAttrCase<"q6_K", 14>,
    I64EnumAttrCase<"q8_K", 15>]> {
  // The values are ggml's type ids (GGMLType in compiler/GGUF/GGUF.h).
  let cppNamespace = "::born";
}

def Born_QuantizedMatmulOp : Born_Op<"quantized_matmul",
    [Pure, InferTypeOpAdaptor]> {
  let summary = "matrix product with a weight stored as GGUF quantized blocks";
  let description = [{
    `x @ transpose(dequantize(weight))`: the `[..., K]` f32 activations
    times an `[N, K]` weight matrix stored in one of ggml's block formats,
    giving `[..., N]`. The weight is the raw bytes of the matrix as a GGUF
    file stores it (llama.cpp's layout: row `n` holds the `K` values of
    output `n` as `K / B` consecutive blocks of `B` values), one `i8` row
    of `K / B * bytes` per output: `tensor<N x (K / B * bytes) x i8>`,
    typically a `born.param` whose bytes are the GGUF tensor's, unchanged.
    `quant_type` names the format (ggml's type names; block size `B` and
    bytes per block in docs/gguf.md):

    | type | B | bytes |   | type | B | bytes |
    |---|---|---|---|---|---|---|
    | q4_0 | 32 | 18 | | q2_K | 256 | 84 |
    | q4_1 | 32 | 20 | | q3_K | 256 | 110 |
    | q5_0 | 32 | 22 | | q4_K | 256 | 144 |
    | q5_1 | 32 | 24 | | q5_K | 256 | 176 |
    | q8_0 | 32 | 34 | | q6_K | 256 | 210 |
    |      |    |    | | q8_K | 256 | 292 |

    `f32`, `f16` and `bf16` name a weight of plain floats: `weight` is then
    the `[N, K]` matrix itself, of that element type (a GGUF tensor of
    type F32, F16 or BF16, read in place), and each value is widened to f32
    exactly. Unlike `born.matmul` on a transposed weight, this keeps the
    stored layout: nothing is repacked or converted ahead of time.

    One op rather than `born.dequantize` feeding `born.matmul`: the lowering
    decodes each weight value inside the matmul's reduction, so the weight
    is read once, in its compressed form, and no dequantized copy (4x to 8x
    larger) is ever materialized; a separate dequantize op would have to be
    fused back to get that.

    Each weight value is decoded exactly as ggml's reference dequantizer
    computes it (float scales from f16, the same operations in the same
    order); products accumulate in f32.

    Example (a Q4_0 weight of 5632 x 2048: 64 blocks of 18 bytes per row):
    ```mlir
    %w = born.param "blk.0.ffn_up.weight" : tensor<5632x1152xi8>
    %y = born.quantized_matmul q4_0 %x, %w
           : tensor<7x2048xf32>, tensor<5632x1152xi8>  // tensor<7x5632xf32>
    ```
  }];
  let arguments = (ins Born_QuantTypeAttr:$quant_type,
                       StaticShapeTensorOf<[F32]>:$input,
                       StaticShapeTensorOf<[I8, F32, F16, BF16]>:$weight);
  let results = (outs StaticShapeTensorOf<[F32]>:$result);
  let assemblyFormat = [{
    $quant_type $input `,` $weight attr-dict `:` type($input) `,`
    type($weight)
  }];
  let extraClassDeclaration = [{
    /// Values per block and bytes per block of a format (1 and the
    /// element's size for the float types).
    static int64_t blockSize(QuantType type);
    static int64_t blockBytes(QuantType type);
    /// The element type of a float type's weight; null for block formats.
    static ::mlir::Type floatElementType(::mlir::MLIRContext *ctx,
                                         QuantType type);
  }];
}

def Born_DequantizeOp : Born_Op<"dequantize", [Pure, InferTypeOpAdaptor]> {
  let summary = "decodes rows of GGUF quantized blocks to f32";
  let description = [{
    The f32 values of rows stored in one of ggml's block formats: `input`
    is `[..., K / B * bytes]` raw bytes (`i8`), each row `K / B`
    consecutive blocks of `B` values (block sizes as for
    `born.quantized_matmul`), and the result is `[..., K]`. Each value is
    decoded exactly as ggml's reference dequantizer computes it.

    For the rows a computation picks out of a quantized table, such as a
    token embedding: gather the rows' bytes, then decode only those.
    Matmuls should use `born.quantized_matmul`, which never materializes
    the decoded weight.

    Example (two Q8_0 rows of 64 values: 2 blocks of 34 bytes each):
    ```mlir
    %rows = born.gather %table, %ids axis = 0
              : tensor<512x68xi8>, tensor<2xi64>          // tensor<2x68xi8>
    %x = born.dequantize q8_0 %rows : tensor<2x68xi8>  // tensor<2x64xf32>
    ```
  }];
  let arguments = (ins Born_QuantTypeAttr:$quant_type,
                       StaticShapeTensorOf<[I8]>:$input);
  let results = (outs StaticShapeTensorOf<[F32]>:$result);
  let assemblyFormat = "$quant_type $input attr-dict `:` type($input)";
}

def Born_Conv2DOp : Born_Op<"conv2d", [Born_Differentiable, Pure, InferTypeOpAdaptor]> {
  let summary = "2-D convolution, NCHW input and FCHW filter";
  let description = [{
    Cross-correlation of `input` (`[N, C, H, W]`) with `filter`
    (`[F, C / groups, KH, KW]`), producing `[N, F, OH, OW]` with
    `OH = (H + pad_top + pad_bottom - dilation_h * (KH - 1) - 1) / stride_h + 1`
    (likewise OW). `padding` is `[top, left, bottom, right]` of zeros. With
    `groups = g`, input channels and filters split into `g` groups that
    convolve separately (`groups = C = F` is a depthwise convolution). Bias
    is a separate `born.add`, which fusion folds into the convolution.

    Example:
    ```mlir
    %0 = born.conv2d %x, %w strides = [1, 1] padding = [1, 1, 1, 1]
           dilations = [1, 1] groups = 1
           : tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>
    ```
  }];
  let arguments = (ins Born_FloatTensor:$input, Born_FloatTensor:$filter,
                       DenseI64ArrayAttr:$strides, DenseI64ArrayAttr:$padding,
                       DenseI64ArrayAttr:$dilations, I64Attr:$groups);
  let results = (outs Born_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $filter `strides` `=` $strides `padding` `=` $padding
    `dilations` `=` $dilations `groups` `=` $groups attr-dict `:`
    type($input) `,` type($filter)
  }];
}

def Born_PoolKindAttr : I64EnumAttr<"PoolKind", "pooling reduction", [
    I64EnumAttrCase<"max", 0>, I64EnumAttrCase<"avg", 1>]> {
  let cppNamespace = "::born";
}

def Born_Pool2DOp : Born_Op<"pool2d", [Born_Differentiable, Pure, InferTypeOpAdaptor]> {
  let summary = "2-D max or average pooling over NCHW";
  let description = [{
    Slides a `kernel` window over the spatial dimensions of `input`
    (`[N, C, H, W]`) and takes the maximum (`max`) or the mean (`avg`) of
    each window. `padding` is `[top, left, bottom, right]`; padded elements
    never win a max; for `avg` they count toward the divisor only with
    `count_include_pad`. Output size as for `born.conv2d` (floor).

    Example:
    ```mlir
    %0 = born.pool2d max %x kernel = [2, 2] strides = [2, 2]
           padding = [0, 0, 0, 0] : tensor<1x16x32x32xf32>
    ```
  }];
  let arguments = (ins Born_PoolKindAttr:$kind, Born_FloatTensor:$input,
                       DenseI64ArrayAttr:$kernel, DenseI64ArrayAttr:$strides,
                       DenseI64ArrayAttr:$padding,
                       UnitAttr:$count_include_pad);
  let results = (outs Born_FloatTensor:$result);
  let assemblyFormat = [{
    $kind $input `kernel` `=` $kernel `strides` `=` $strides
    `padding` `=` $padding (`count_include_pad` $count_include_pad^)?
    attr-dict `:` type($input)
  }];
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

def Born_ReduceKindAttr : I64EnumAttr<"ReduceKind", "reduction", [
    I64EnumAttrCase<"sum", 0>, I64EnumAttrCase<"mean", 1>,
    I64EnumAttrCase<"max", 2>, I64EnumAttrCase<"min", 3>,
    I64EnumAttrCase<"prod", 4>]> {
  let cppNamespace = "::born";
}

def Born_ReduceOp : Born_Op<"reduce", [Born_Differentiable, Pure, InferTypeOpAdaptor]> {
  let summary = "sum, mean, max, min or product over a set of axes";
  let description = [{
    Reduces `input` over `axes` (distinct, in `[0, rank)`). With `keepdims`
    the reduced dimensions stay with size 1; otherwise they are removed.

    Example:
    ```mlir
    %0 = born.reduce sum %x axes = [1] keepdims : tensor<4x8xf32>
    %1 = born.reduce max %x axes = [0, 1] : tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Born_ReduceKindAttr:$kind, Born_NumericTensor:$input,
                       DenseI64ArrayAttr:$axes, UnitAttr:$keepdims);
  let hasFolder = 1;
  let results = (outs Born_NumericTensor:$result);
  let assemblyFormat = [{
    $kind $input `axes` `=` $axes (`keepdims` $keepdims^)? attr-dict `:`
    type($input)
  }];
}

def Born_ArgmaxOp : Born_Op<"argmax", [Pure, InferTypeOpAdaptor]> {
  let summary = "index of the maximum along one axis";
  let description = [{
    The `i64` index of the largest element along `axis` (the first one on
    ties), with the axis kept as size 1 under `keepdims`, removed otherwise.

    Example:
    ```mlir
    %0 = born.argmax %logits axis = 1 : tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Born_NumericTensor:$input, I64Attr:$axis,
                       UnitAttr:$keepdims);
  let results = (outs StaticShapeTensorOf<[I64]>:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis (`keepdims` $keepdims^)? attr-dict `:` type($input)
  }];
}

class Born_SoftmaxBase<string mnemonic, string formula>
    : Born_Op<mnemonic, [Born_Differentiable, Pure, SameOperandsAndResultType]> {
  let arguments = (ins Born_FloatTensor:$input, I64Attr:$axis);
  let results = (outs Born_FloatTensor:$result);
  let hasVerifier = 1;
  let assemblyFormat = "$input `axis` `=` $axis attr-dict `:` type($input)";
  let description = [{
    `}] # formula # [{` along `axis`, computed stably (the maximum is
    subtracted first).

    Example:
    ```mlir
    %0 = born.}] # mnemonic # [{ %x axis = 1 : tensor<64x10xf32>
    ```
  }];
}
def Born_SoftmaxOp : Born_SoftmaxBase<"softmax",
    "y_i = exp(x_i) / sum_j exp(x_j)"> {
  let summary = "softmax along one axis";
}
def Born_LogSoftmaxOp : Born_SoftmaxBase<"log_softmax",
    "y_i = x_i - log(sum_j exp(x_j))"> {
  let summary = "log-softmax along one axis";
}

def Born_LayerNormOp : Born_Op<"layer_norm", [Born_Differentiable, Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "layer normalization over the trailing dimensions";
  let description = [{
    Normalizes `input` over the dimensions from `axis` to the last one:
    `(x - mean) / sqrt(var + epsilon) * scale + bias`, with the biased
    variance. `scale` and `bias` have the normalized shape
    (`input.shape[axis:]`).

    Example:
    ```mlir
    %0 = born.layer_norm %x, %gamma, %beta axis = 2 epsilon = 1.0e-05
           : tensor<1x128x256xf32>, tensor<256xf32>, tensor<256xf32>
    ```
  }];
  let arguments = (ins Born_FloatTensor:$input, Born_FloatTensor:$scale,
                       Born_FloatTensor:$bias, I64Attr:$axis, F64Attr:$epsilon);
  let results = (outs Born_FloatTensor:$result);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `,` $scale `,` $bias `axis` `=` $axis `epsilon` `=` $epsilon
    attr-dict `:` type($input) `,` type($scale) `,` type($bias)
  }];
}

def Born_RmsNormOp : Born_Op<"rms_norm", [Born_Differentiable, Pure, AllTypesMatch<["input", "result"]>]> {
  let summary = "root-mean-square normalization over the trailing dimensions";
  let description = [{
    `x / sqrt(mean(x^2) + epsilon) * scale`, the mean taken over the
    dimensions from `axis` to the last; `scale` has shape `input.shape[axis:]`.

    Example:
    ```mlir
    %0 = born.rms_norm %x, %w axis = 1 epsilon = 1.0e-06
           : tensor<7x576xf32>, tensor<576xf32>
    ```
  }];
  let arguments = (ins Born_FloatTensor:$input, Born_FloatTensor:$scale,
                       I64Attr:$axis, F64Attr:$epsilon);
  let results = (outs Born_FloatTensor:$result);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $input `,` $scale `axis` `=` $axis `epsilon` `=` $epsilon attr-dict `:`
    type($input) `,` type($scale)
  }];
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

def Born_ReshapeOp : Born_Op<"reshape", [Born_Differentiable, Pure, SameOperandsAndResultElementType]> {
  let summary = "reinterpret a tensor with another shape of equal size";
  let description = [{
    Returns the elements of `input`, in row-major order, with the result's
    shape; both shapes hold the same number of elements.

    Example:
    ```mlir
    %0 = born.reshape %x : tensor<64x1x28x28xf32> to tensor<64x784xf32>
    ```
  }];
  let arguments = (ins Born_Tensor:$input);
  let hasFolder = 1;
  let results = (outs Born_Tensor:$result);
  let hasVerifier = 1;
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
}

def Born_TransposeOp : Born_Op<"transpose", [Born_Differentiable, Pure, InferTypeOpAdaptor]> {
  let summary = "permute dimensions";
  let description = [{
    `result.shape[i] = input.shape[permutation[i]]`; `permutation` is a
    permutation of `[0, rank)`.

    Example:
    ```mlir
    %0 = born.transpose %x permutation = [0, 2, 1] : tensor<8x128x64xf32>
    ```
  }];
  let arguments = (ins Born_Tensor:$input, DenseI64ArrayAttr:$permutation);
  let hasFolder = 1;
  let results = (outs Born_Tensor:$result);
  let assemblyFormat = "$input `permutation` `=` $permutation attr-dict `:` type($input)";
  let hasCanonicalizer = 1;
}

def Born_BroadcastOp : Born_Op<"broadcast", [Born_Differentiable, Pure, SameOperandsAndResultElementType]> {
  let summary = "broadcast to a larger shape, NumPy style";
  let description = [{
    Stretches `input` to the result shape under NumPy broadcasting rules
    (align right, size-1 dimensions stretch, new leading dimensions).

    Example:
    ```mlir
    %0 = born.broadcast %b : tensor<10xf32> to tensor<64x10xf32>
    ```
  }];
  let arguments = (ins Born_Tensor:$input);
  let hasFolder = 1;
  let results = (outs Born_Tensor:$result);
  let hasVerifier = 1;
  let assemblyFormat = "$input attr-dict `:` type($input) `to` type($result)";
}

def Born_ConcatOp : Born_Op<"concat", [Born_Differentiable, Pure, InferTypeOpAdaptor]> {
  let summary = "join tensors along one axis";
  let description = [{
    Concatenates `inputs` (same rank and element type, equal sizes except
    along `axis`) along `axis`.

    Example:
    ```mlir
    %0 = born.concat %a, %b axis = 1 : tensor<2x3xf32>, tensor<2x5xf32>
    ```
  }];
  let arguments = (ins Variadic<Born_Tensor>:$inputs, I64Attr:$axis);
  let hasFolder = 1;
  let results = (outs Born_Tensor:$result);
  let assemblyFormat = "$inputs `axis` `=` $axis attr-dict `:` type($inputs)";
}

def Born_SliceOp : Born_Op<"slice", [Born_Differentiable, Pure, InferTypeOpAdaptor]> {
  let summary = "strided slice with static bounds";
  let description = [{
    For every dimension `d`, takes indices `start[d], start[d] + step[d], ...`
    below `limit[d]` (Python's `x[start:limit:step]` with
    `0 <= start <= limit <= size` and `step >= 1`).

    Example:
    ```mlir
    %0 = born.slice %x start = [0, 2] limit = [4, 8] step = [1, 2]
           : tensor<4x8xf32>
    ```
  }];
  let arguments = (ins Born_Tensor:$input, DenseI64ArrayAttr:$start,
                       DenseI64ArrayAttr:$limit, DenseI64ArrayAttr:$step);
  let hasFolder = 1;
  let results = (outs Born_Tensor:$result);
  let assemblyFormat = [{
    $input `start` `=` $start `limit` `=` $limit `step` `=` $step attr-dict
    `:` type($input)
  }];
}

def Born_GatherOp : Born_Op<"gather", [Born_Differentiable, Pure, InferTypeOpAdaptor]> {
  let summary = "gather slices along an axis by index (embedding lookup)";
  let description = [{
    ONNX `Gather`: `result.shape = data.shape[:axis] + indices.shape +
    data.shape[axis+1:]`, each index selecting a slice of `data` along
    `axis`. Negative indices count from the end; indices out of range are
    clamped into range.

    Example:
    ```mlir
    %0 = born.gather %table, %ids axis = 0 : tensor<512x64xf32>, tensor<1x7xi64>
    ```
  }];
  let arguments = (ins Born_Tensor:$data, Born_IndexTensor:$indices,
                       I64Attr:$axis);
  let hasFolder = 1;
  let results = (outs Born_Tensor:$result);
  let assemblyFormat = [{
    $data `,` $indices `axis` `=` $axis attr-dict `:` type($data) `,`
    type($indices)
  }];
}

def Born_ScatterAddOp : Born_Op<"scatter_add", [Born_Differentiable, Pure]> {
  let summary = "sum slices into a zero tensor at indexed positions";
  let description = [{
    The adjoint of `born.gather`, and what an embedding's gradient is: a
    zero tensor of the result type into which every slice of `updates` is
    added at the position its index selects along `axis`,
    `result[a..., indices[i...], b...] += updates[a..., i..., b...]`, so
    repeated indices accumulate. `updates.shape = result.shape[:axis] +
    indices.shape + result.shape[axis+1:]`. Indices are read as by
    `born.gather`: negative ones count from the end, and what is still out
    of range is clamped into range.

    Example:
    ```mlir
    %0 = born.scatter_add %dy, %ids axis = 0
           : tensor<1x7x64xf32>, tensor<1x7xi64> to tensor<512x64xf32>
    ```
  }];
  let arguments = (ins Born_NumericTensor:$updates,
                       Born_IndexTensor:$indices, I64Attr:$axis);
  let results = (outs Born_NumericTensor:$result);
  let hasVerifier = 1;
  let assemblyFormat = [{
    $updates `,` $indices `axis` `=` $axis attr-dict `:` type($updates) `,`
    type($indices) `to` type($result)
  }];
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

def Born_ConstantOp : Born_Op<"constant", [Pure, ConstantLike,
                                           AllTypesMatch<["value", "result"]>]> {
  let summary = "a small constant tensor held in the IR";
  let description = [{
    A constant whose elements live in the IR. Meant for scalars, shapes and
    small tables; model weights belong in `born.param`.

    Example:
    ```mlir
    %0 = born.constant dense<[1.0, 2.0]> : tensor<2xf32>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs Born_Tensor:$result);
  let assemblyFormat = "attr-dict $value";
  let hasFolder = 1;
}

def Born_ParamOp : Born_Op<"param", [Pure]> {
  let summary = "a named tensor from the model's weights blob";
  let description = [{
    Refers by name to a tensor whose bytes live outside the IR, in the
    weights blob the compiler builds (from a SafeTensors file, an ONNX
    initializer, a GGUF tensor or the C++ API). The result type fixes the
    shape and element type the bytes must have.

    With `permutation`, the result is the stored tensor with its dimensions
    permuted (`result.shape[i] = stored.shape[permutation[i]]`); the
    compiler lays the bytes out permuted at compile time, so weights that a
    graph transposes cost nothing at run time.

    Example:
    ```mlir
    %w = born.param "fc1.weight" : tensor<512x784xf32>
    %wt = born.param "fc1.weight" permutation = [1, 0] : tensor<784x512xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name,
                       OptionalAttr<DenseI64ArrayAttr>:$permutation);
  let results = (outs Born_Tensor:$result);
  let assemblyFormat = [{
    $name (`permutation` `=` $permutation^)? attr-dict `:` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Dispatch regions
//===----------------------------------------------------------------------===//

def Born_DispatchOp : Born_Op<"dispatch", [
    RecursiveMemoryEffects, SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "a group of ops that becomes one kernel";
  let description = [{
    Marks the ops that code generation turns into one kernel: a root (the
    op whose results leave the region) and the producers fused into it,
    such as the fill that initializes a matmul, or the matmul and bias that
    feed an activation. Formed by `born-form-dispatch-regions` after the
    graph is lowered to linalg; each target's kernel formation consumes the
    regions (the CPU tiles the root and fuses everything in its region into
    the tile loop). The region may use values defined above it.

    Example:
    ```mlir
    %y = born.dispatch -> (tensor<64x512xf32>) {
      %f = linalg.fill ins(%zero : f32) outs(%e : tensor<64x512xf32>) -> tensor<64x512xf32>
      %m = linalg.matmul ins(%x, %w : tensor<64x784xf32>, tensor<784x512xf32>)
             outs(%f : tensor<64x512xf32>) -> tensor<64x512xf32>
      %r = linalg.generic ... ins(%m, %b : ...) outs(%e : ...) {...}
      born.yield %r : tensor<64x512xf32>
    }
    ```
  }];
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = "(`->` `(` type($results)^ `)`)? $body attr-dict";
  let hasVerifier = 1;
}

def Born_YieldOp : Born_Op<"yield", [Pure, Terminator, ReturnLike,
                                     HasParent<"DispatchOp">]> {
  let summary = "the results of a dispatch region";
  let description = [{
    Terminates a `born.dispatch` region; its operands become the region's
    results.

    Example:
    ```mlir
    born.yield %r : tensor<64x512xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
  let builders = [OpBuilder<(ins), [{ /* nothing to yield */ }]>];
}

#endif // BORN_OPS_TD
