//===- NodeContext.h - What an ONNX op importer sees -----------*- C++ -*-===//
//
// Each ONNX op has an importer: a function from a NodeContext to born ops.
// The context gives the node's inputs as SSA values (constants fold as they
// are built, so shape computations become attributes), its attributes with
// ONNX defaults, and reports errors that name the node.
//
//===----------------------------------------------------------------------===//
#ifndef BORN_COMPILER_ONNX_NODECONTEXT_H
#define BORN_COMPILER_ONNX_NODECONTEXT_H

#include "dialects/born/IR/BornOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include <functional>
#include <optional>
#include <string>

namespace onnx {
class NodeProto;
class AttributeProto;
} // namespace onnx

namespace born::onnx {

class NodeContext;
/// "tensor<2x3xf32>", for messages.
std::string typeString(mlir::Type type);
using ImportFn = std::function<mlir::LogicalResult(NodeContext &)>;

/// Importers by op type, for the default ONNX domain.
class OpTable {
public:
  /// Registers `fn` for `opType` from opset `sinceVersion` on.
  void add(llvm::StringRef opType, ImportFn fn, int64_t sinceVersion = 1);
  /// The importer for `opType` at `opset`, or null.
  const ImportFn *lookup(llvm::StringRef opType, int64_t opset) const;
  bool contains(llvm::StringRef opType) const { return ops.count(opType); }

private:
  llvm::StringMap<std::vector<std::pair<int64_t, ImportFn>>> ops;
};

/// Every importer, registered once.
const OpTable &opTable();

// The op families, one file each under ops/.
void registerAttentionOps(OpTable &table);
void registerElementwiseOps(OpTable &table);
void registerIndexingOps(OpTable &table);
void registerLossOps(OpTable &table);
void registerNNOps(OpTable &table);
void registerReductionOps(OpTable &table);
void registerShapeOps(OpTable &table);

/// The state of one node's import.
class NodeContext {
public:
  using ValueLookup = std::function<mlir::Value(llvm::StringRef)>;
  /// `unsignedValues` holds the values of ONNX unsigned integer types: born
  /// computes on signless integers, so importers whose result depends on
  /// signedness ask (isUnsigned) and compute on a widened signed view.
  NodeContext(const ::onnx::NodeProto &node, int64_t opset,
              mlir::OpBuilder &builder, ValueLookup lookup,
              llvm::DenseSet<mlir::Value> &unsignedValues);

  const ::onnx::NodeProto &node;
  const int64_t opset; // the node's domain version
  mlir::OpBuilder &b;
  mlir::Location loc;

  //===--- Inputs and outputs -------------------------------------------===//
  /// Inputs, counting omitted optional ones ("") in the middle.
  int64_t numInputs() const;
  bool hasInput(int64_t i) const;
  /// The i-th input's value; null (with an error reported) when missing.
  mlir::Value input(int64_t i);
  /// The i-th input when present, else null (no error).
  mlir::Value optionalInput(int64_t i);
  /// The input's value when it is a compile-time constant.
  std::optional<mlir::DenseElementsAttr> constantInput(int64_t i);
  /// A constant integer input (a shape, axes, pads...), as int64 values.
  /// Reports an error when the input is missing or not constant.
  mlir::FailureOr<llvm::SmallVector<int64_t>> intsInput(int64_t i,
                                                        llvm::StringRef what);
  /// Integers that moved from an attribute to input `index` at opset
  /// `inputSince` (Squeeze's axes, Split's split, ...); empty when absent.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  attrOrInputInts(llvm::StringRef name, int64_t inputSince, int64_t index);
  /// A constant scalar (or one-element) input as double.
  mlir::FailureOr<double> scalarInput(int64_t i, llvm::StringRef what);

  int64_t numOutputs() const;
  /// Whether the graph uses output i (it is present and named).
  bool hasOutput(int64_t i) const;
  void setOutput(int64_t i, mlir::Value value);
  /// Declares output i (un)signed; by default an output is unsigned when it
  /// has input 0's integer type and input 0 is unsigned.
  void setOutputUnsigned(int64_t i, bool isUnsigned);
  std::optional<bool> outputUnsigned(int64_t i) const {
    return i < int64_t(signs.size()) ? signs[i] : std::nullopt;
  }

  //===--- Unsigned integers --------------------------------------------===//
  bool isUnsigned(mlir::Value v) const { return unsignedValues.contains(v); }
  bool anyUnsigned(mlir::ValueRange values) const;
  /// `v` zero-extended to a signed type that holds all its values (u8 ->
  /// i16, u16 -> i32, u32 -> i64); `v` itself when signed. Fails for u64.
  mlir::FailureOr<mlir::Value> signedView(mlir::Value v,
                                          bool assumeUnsigned = false);
  /// Computes `fn` on signed views of `operands` when any is unsigned (all
  /// integer operands of that type are then read as unsigned), casting an
  /// integer result of the widened type back to the operands' type.
  /// With `orderOnly` (comparisons, max, min: ops that only order values),
  /// u64 operands are biased into i64 instead (x xor 2^63 keeps the order).
  mlir::FailureOr<mlir::Value> onSignedViews(
      llvm::ArrayRef<mlir::Value> operands,
      llvm::function_ref<mlir::FailureOr<mlir::Value>(llvm::ArrayRef<mlir::Value>)>
          fn,
      bool orderOnly = false);
  llvm::ArrayRef<mlir::Value> outputs() const { return results; }

  //===--- Attributes ---------------------------------------------------===//
  const ::onnx::AttributeProto *attr(llvm::StringRef name) const;
  bool hasAttr(llvm::StringRef name) const { return attr(name) != nullptr; }
  int64_t attrInt(llvm::StringRef name, int64_t defaultValue) const;
  double attrFloat(llvm::StringRef name, double defaultValue) const;
  std::string attrString(llvm::StringRef name,
                         llvm::StringRef defaultValue) const;
  llvm::SmallVector<int64_t> attrInts(llvm::StringRef name) const;
  llvm::SmallVector<double> attrFloats(llvm::StringRef name) const;
  /// A tensor attribute (Constant's `value`) as an attribute.
  mlir::FailureOr<mlir::DenseElementsAttr> attrTensor(llvm::StringRef name);

  //===--- Building -----------------------------------------------------===//
  /// Creates a born op whose result type is inferred, checking the
  /// inference and the verifier first (bad shapes from the model are errors,
  /// never crashes), then folds it when its operands are constants.
  template <typename OpT, typename... Args>
  mlir::FailureOr<mlir::Value> make(Args &&...args) {
    mlir::OperationState state(loc, OpT::getOperationName());
    OpT::build(b, state, mlir::TypeRange{b.getNoneType()},
               std::forward<Args>(args)...);
    return finish(state, /*inferType=*/true);
  }
  /// Same, with the result type given.
  template <typename OpT, typename... Args>
  mlir::FailureOr<mlir::Value> makeTyped(mlir::Type resultType,
                                         Args &&...args) {
    mlir::OperationState state(loc, OpT::getOperationName());
    OpT::build(b, state, mlir::TypeRange{resultType},
               std::forward<Args>(args)...);
    return finish(state, /*inferType=*/false);
  }
  mlir::Value constant(mlir::DenseElementsAttr value);
  /// A rank-0 (or `shape`d, splat) constant of `elementType` holding `v`.
  mlir::Value scalar(mlir::Type elementType, double v,
                     llvm::ArrayRef<int64_t> shape = {});

  // Common shape helpers, each a born op (or nothing when already so).
  mlir::FailureOr<mlir::Value> reshape(mlir::Value v,
                                       llvm::ArrayRef<int64_t> shape);
  mlir::FailureOr<mlir::Value> cast(mlir::Value v, mlir::Type elementType);
  mlir::FailureOr<mlir::Value> broadcastTo(mlir::Value v,
                                           llvm::ArrayRef<int64_t> shape);
  mlir::FailureOr<mlir::Value> transpose(mlir::Value v,
                                         llvm::ArrayRef<int64_t> permutation);

  static mlir::RankedTensorType type(mlir::Value v) {
    return mlir::cast<mlir::RankedTensorType>(v.getType());
  }
  static llvm::ArrayRef<int64_t> shape(mlir::Value v) {
    return type(v).getShape();
  }
  static int64_t rank(mlir::Value v) { return type(v).getRank(); }
  static mlir::Type elementType(mlir::Value v) {
    return type(v).getElementType();
  }

  //===--- Errors -------------------------------------------------------===//
  /// Records an error about this node; returns failure.
  mlir::LogicalResult error(const llvm::Twine &message);
  /// An error for an attribute value, type or case Born does not handle.
  mlir::LogicalResult unsupported(const llvm::Twine &what);
  /// Normalizes a possibly negative axis against `rank`.
  mlir::FailureOr<int64_t> axis(int64_t axis, int64_t rank,
                                llvm::StringRef what = "axis");
  /// Fails unless `v`'s element type is one of the listed kinds.
  mlir::LogicalResult requireFloat(mlir::Value v, llvm::StringRef what);

  /// The first error, if any, with the node named.
  const std::string &errorMessage() const { return firstError; }
  /// "node 'name' (OpType, opset N)".
  std::string describe() const;

  /// Names graph inputs (block arguments) in messages.
  std::function<std::string(mlir::Value)> inputName;

private:
  mlir::LogicalResult notConstant(int64_t i, llvm::StringRef what);
  /// Input i as a constant, or an error saying it is missing or not one.
  mlir::FailureOr<mlir::DenseElementsAttr> requiredConstant(int64_t i,
                                                           llvm::StringRef what);
  mlir::FailureOr<mlir::Value> finish(mlir::OperationState &state,
                                      bool inferType);

  ValueLookup lookup;
  llvm::DenseSet<mlir::Value> &unsignedValues;
  llvm::SmallVector<mlir::Value> results;
  llvm::SmallVector<std::optional<bool>> signs;
  std::string firstError;
};

} // namespace born::onnx

#endif
