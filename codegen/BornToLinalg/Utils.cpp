#include "codegen/BornToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;

Value born::createScalar(OpBuilder &b, Location loc, Type type, double value) {
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
  return arith::ConstantOp::create(
      b, loc, b.getIntegerAttr(type, static_cast<int64_t>(value)));
}

TypedAttr born::zeroAttr(Type type) {
  return cast<TypedAttr>(Builder(type.getContext()).getZeroAttr(type));
}

static TypedAttr extremeValueAttr(Type type, bool lowest) {
  if (auto ft = dyn_cast<FloatType>(type))
    return FloatAttr::get(ft, APFloat::getInf(ft.getFloatSemantics(), lowest));
  unsigned width = type.getIntOrFloatBitWidth();
  return IntegerAttr::get(type, lowest ? APInt::getSignedMinValue(width)
                                       : APInt::getSignedMaxValue(width));
}

TypedAttr born::lowestValueAttr(Type type) {
  return extremeValueAttr(type, /*lowest=*/true);
}
TypedAttr born::highestValueAttr(Type type) {
  return extremeValueAttr(type, /*lowest=*/false);
}

Value born::createEmptyTensor(OpBuilder &b, Location loc,
                              RankedTensorType type) {
  return tensor::EmptyOp::create(b, loc, type.getShape(),
                                 type.getElementType());
}

Value born::createFilledTensor(OpBuilder &b, Location loc,
                               RankedTensorType type, TypedAttr value) {
  Value scalar = arith::ConstantOp::create(b, loc, value);
  Value empty = createEmptyTensor(b, loc, type);
  return linalg::FillOp::create(b, loc, TypeRange{type}, ValueRange{scalar},
                                ValueRange{empty})
      .getResult(0);
}

Value born::createZeroTensor(OpBuilder &b, Location loc,
                             RankedTensorType type) {
  return createFilledTensor(b, loc, type, zeroAttr(type.getElementType()));
}

Value born::createMatmul(OpBuilder &b, Location loc, Value lhs, Value rhs) {
  RankedTensorType lhsType = tensorType(lhs);
  auto type = RankedTensorType::get(
      {lhsType.getDimSize(0), tensorType(rhs).getDimSize(1)},
      lhsType.getElementType());
  return linalg::MatmulOp::create(b, loc, TypeRange{type}, ValueRange{lhs, rhs},
                                  ValueRange{createZeroTensor(b, loc, type)})
      .getResult(0);
}

Value born::reshapeTensor(OpBuilder &b, Location loc, Value value,
                          RankedTensorType type) {
  RankedTensorType source = tensorType(value);
  if (source == type)
    return value;
  // Rank-0 tensors reshape with an empty reassociation.
  if (source.getRank() == 0)
    return tensor::ExpandShapeOp::create(b, loc, type, value,
                                         ArrayRef<ReassociationIndices>{});
  if (type.getRank() == 0)
    return tensor::CollapseShapeOp::create(b, loc, type, value,
                                           ArrayRef<ReassociationIndices>{});
  if (source.getRank() != type.getRank()) {
    if (auto groups = getReassociationIndicesForReshape(source, type)) {
      if (source.getRank() > type.getRank())
        return tensor::CollapseShapeOp::create(b, loc, type, value, *groups);
      return tensor::ExpandShapeOp::create(b, loc, type, value, *groups);
    }
  }
  // No single reassociation relates the shapes: go through 1-D.
  auto allDims = [](int64_t rank) {
    return SmallVector<ReassociationIndices>{
        llvm::to_vector(llvm::seq<int64_t>(0, rank))};
  };
  Value flat = value;
  if (source.getRank() != 1)
    flat = tensor::CollapseShapeOp::create(
        b, loc,
        RankedTensorType::get({source.getNumElements()},
                              source.getElementType()),
        value, allDims(source.getRank()));
  if (type.getRank() == 1)
    return flat;
  return tensor::ExpandShapeOp::create(b, loc, type, flat,
                                       allDims(type.getRank()));
}

AffineMap born::broadcastIndexingMap(MLIRContext *ctx,
                                     ArrayRef<int64_t> operandShape,
                                     ArrayRef<int64_t> resultShape) {
  size_t offset = resultShape.size() - operandShape.size();
  SmallVector<AffineExpr> exprs;
  for (auto [i, size] : llvm::enumerate(operandShape)) {
    if (size == 1 && resultShape[offset + i] != 1)
      exprs.push_back(getAffineConstantExpr(0, ctx));
    else
      exprs.push_back(getAffineDimExpr(offset + i, ctx));
  }
  return AffineMap::get(resultShape.size(), 0, exprs, ctx);
}

AffineMap born::projectionMap(MLIRContext *ctx, unsigned rank,
                              ArrayRef<int64_t> droppedDims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d = 0; d < rank; ++d)
    if (!llvm::is_contained(droppedDims, d))
      exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, exprs, ctx);
}

SmallVector<utils::IteratorType>
born::iteratorTypes(unsigned rank, ArrayRef<int64_t> reductionDims) {
  SmallVector<utils::IteratorType> types(rank, utils::IteratorType::parallel);
  for (int64_t d : reductionDims)
    types[d] = utils::IteratorType::reduction;
  return types;
}

Value born::createParallelGeneric(OpBuilder &b, Location loc,
                                  RankedTensorType resultType,
                                  ValueRange inputs,
                                  ArrayRef<AffineMap> inputMaps,
                                  ScalarBodyFn body) {
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(b.getMultiDimIdentityMap(resultType.getRank()));
  Value init = createEmptyTensor(b, loc, resultType);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
      iteratorTypes(resultType.getRank()),
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        // The output is write-only: its block argument is not passed on.
        Value result = body(nested, nestedLoc, args.drop_back());
        linalg::YieldOp::create(nested, nestedLoc, result);
      });
  return generic.getResult(0);
}

Value born::createReductionGeneric(OpBuilder &b, Location loc, Value init,
                                   ValueRange inputs,
                                   ArrayRef<AffineMap> inputMaps,
                                   ArrayRef<int64_t> reductionDims,
                                   ScalarBodyFn body) {
  unsigned rank = inputMaps.front().getNumDims();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(projectionMap(b.getContext(), rank, reductionDims));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iteratorTypes(rank, reductionDims),
      [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
        linalg::YieldOp::create(nested, nestedLoc,
                                body(nested, nestedLoc, args));
      });
  return generic.getResult(0);
}

Value born::createElementwise(OpBuilder &b, Location loc,
                              RankedTensorType resultType, ValueRange inputs,
                              ScalarBodyFn body) {
  SmallVector<AffineMap> maps;
  for (Value input : inputs)
    maps.push_back(broadcastIndexingMap(
        b.getContext(), tensorType(input).getShape(), resultType.getShape()));
  return createParallelGeneric(b, loc, resultType, inputs, maps, body);
}

Value born::broadcastTensor(OpBuilder &b, Location loc, Value input,
                            ArrayRef<int64_t> shape) {
  RankedTensorType type = tensorType(input);
  if (type.getShape() == shape)
    return input;
  return createElementwise(
      b, loc, RankedTensorType::get(shape, type.getElementType()), input,
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

SmallVector<int64_t> born::reducedShape(ArrayRef<int64_t> shape,
                                        ArrayRef<int64_t> dims, bool keepDims) {
  SmallVector<int64_t> result;
  for (auto [d, size] : llvm::enumerate(shape)) {
    if (!llvm::is_contained(dims, static_cast<int64_t>(d)))
      result.push_back(size);
    else if (keepDims)
      result.push_back(1);
  }
  return result;
}
