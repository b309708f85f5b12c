//===- Graph.h - Build and compile born graphs from C++ ---------*- C++ -*-===//
//
// A PyTorch-like way to write a model in C++ and compile it in process:
//
//   born::Graph g("mlp");
//   born::Tensor x = g.input("x", {64, 784});
//   born::Tensor h = born::relu(born::matmul(x, g.param("fc1.weight", {784, 512}))
//                               + g.param("fc1.bias", {512}));
//   g.output(born::matmul(h, g.param("fc2.weight", {512, 10})), "logits");
//
//   llvm::Expected<born::Weights> w = born::Weights::loadSafeTensors("mlp.st");
//   llvm::Expected<born::CompiledModel> m = g.compile(*w);
//   std::vector<float> in(64 * 784), out(64 * 10);
//   if (llvm::Error e = m->run({in}, {out})) ...
//
// Errors. LLVM is built without exceptions, so nothing here throws. A failed
// operation (shapes that do not fit, an axis out of range, ...) records an
// error in its Graph and returns an invalid Tensor; operations on invalid
// tensors return invalid tensors without further errors, so only the first
// error is kept, and it names the op, its operand types and what is wrong.
// Check `g.ok()` / `g.error()` whenever convenient; `compile*` return it as an
// llvm::Error. `Weights` collects errors the same way.
//
// Operations are free functions named as in PyTorch (relu, matmul, conv2d,
// max_pool2d, log_softmax, ...), plus + - * / and unary - on tensors and
// scalars. Axes may be negative (counted from the end), as in PyTorch.
//
//===----------------------------------------------------------------------===//
#ifndef BORN_COMPILER_API_GRAPH_H
#define BORN_COMPILER_API_GRAPH_H

#include "compiler/Weights/Weights.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
class OpBuilder;
class Operation;
namespace func {
class FuncOp;
} // namespace func
} // namespace mlir

namespace born {

class Graph;

/// Element types of graph tensors.
enum class DType { F32, F16, BF16, F64, I64, I32, I16, I8, Bool };

/// "f32", "i64", ...
llvm::StringRef dtypeName(DType dtype);
/// The DType of an MLIR element type (f32 for any float type it does not
/// name).
DType dtypeOf(mlir::Type elementType);
/// Bytes per element (Bool takes one byte).
size_t dtypeSize(DType dtype);

/// A value in a Graph: a statically shaped tensor. A cheap handle, valid while
/// its Graph lives. Invalid when default-constructed or produced by a failed
/// operation (see the error handling above).
class Tensor {
public:
  Tensor() = default;

  bool valid() const { return static_cast<bool>(value_); }
  Graph *graph() const { return graph_; }
  mlir::Value value() const { return value_; }

  /// Empty for an invalid tensor.
  llvm::ArrayRef<int64_t> shape() const;
  int64_t rank() const { return shape().size(); }
  /// Size of dimension `axis` (negative counts from the end).
  int64_t dim(int64_t axis) const;
  int64_t numElements() const;
  DType dtype() const;
  /// "f32[64, 784]", or "<invalid>".
  std::string str() const;

private:
  friend class Graph;
  Tensor(Graph *graph, mlir::Value value) : graph_(graph), value_(value) {}
  Graph *graph_ = nullptr;
  mlir::Value value_;
};

/// Named tensors that feed a graph's params: loaded from SafeTensors or set
/// from host data. A failed `set` records an error that `error()` and
/// compiling with these weights report.
class Weights {
public:
  Weights();
  ~Weights();
  Weights(Weights &&) noexcept;
  Weights &operator=(Weights &&) noexcept;

  /// Maps a SafeTensors file; it stays mapped while the Weights live.
  static llvm::Expected<Weights> loadSafeTensors(llvm::StringRef path);

  /// Copies `values` as tensor `name` of the given shape.
  void set(llvm::StringRef name, llvm::ArrayRef<int64_t> shape,
           llvm::ArrayRef<float> values);
  void set(llvm::StringRef name, llvm::ArrayRef<int64_t> shape,
           llvm::ArrayRef<int64_t> values);
  /// Copies `values` without a shape: the param they feed gives it, as long
  /// as the element counts agree.
  void set(llvm::StringRef name, llvm::ArrayRef<float> values);
  /// Copies raw row-major bytes of any dtype.
  void setBytes(llvm::StringRef name, DType dtype,
                llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<uint8_t> bytes);
  /// Like setBytes, but borrows `bytes`, which must outlive the Weights (a
  /// mapped file's tensor, which a model may then read in place).
  void setView(llvm::StringRef name, DType dtype,
               llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<uint8_t> bytes);

  bool contains(llvm::StringRef name) const;
  std::vector<std::string> names() const;

  bool ok() const { return error_.empty(); }
  const std::string &error() const { return error_; }

  /// The underlying set, as the compiler's weights blob builder reads it.
  const WeightSet &tensors() const { return *set_; }
  /// Names given without a shape (see set(name, values)).
  const std::vector<std::string> &unshaped() const { return unshaped_; }

private:
  void put(llvm::StringRef name, DType dtype, llvm::ArrayRef<int64_t> shape,
           llvm::ArrayRef<uint8_t> bytes, bool copy);

  std::unique_ptr<WeightSet> set_;
  std::vector<std::string> unshaped_;
  std::string error_;
};

/// Options for compiling a graph.
struct BuildOptions {
  /// Symbol prefix of the compiled model's exports (PREFIX_model, PREFIX.h
  /// helpers); empty = the graph's name.
  std::string prefix;
  /// LLVM CPU name, e.g. "x86-64-v3"; empty = the host CPU and its features.
  std::string cpu;
  /// CPU threads of the session `compile` creates; 0 = all hardware threads.
  int threads = 0;
  /// Print per-phase timings on stderr.
  bool verbose = false;
  /// Also compile Vulkan kernels; `compile` then runs the model on Vulkan.
  bool vulkan = false;
  /// Compile CPU code; false (with `vulkan`) gives a Vulkan-only model,
  /// which compiles faster.
  bool withCPU = true;
};

/// The signature of one compiled-model input or output.
struct TensorInfo {
  std::string name;
  DType dtype;
  std::vector<int64_t> shape;
  /// Outputs: the input whose buffer this output may share, -1 if none.
  int tiedInput = -1;
  int64_t numElements() const;
  size_t numBytes() const { return numElements() * dtypeSize(dtype); }
};

/// Host memory handed to CompiledModel::run; built implicitly from a
/// std::vector or an ArrayRef, so `m.run({x}, {y})` works with vectors.
struct InputBuffer {
  template <typename T>
  InputBuffer(const std::vector<T> &v)
      : data(v.data()), bytes(v.size() * sizeof(T)), elementSize(sizeof(T)) {}
  template <typename T>
  InputBuffer(llvm::ArrayRef<T> v)
      : data(v.data()), bytes(v.size() * sizeof(T)), elementSize(sizeof(T)) {}
  InputBuffer(const void *data, size_t bytes, size_t elementSize)
      : data(data), bytes(bytes), elementSize(elementSize) {}
  const void *data;
  size_t bytes, elementSize;
};
struct OutputBuffer {
  template <typename T>
  OutputBuffer(std::vector<T> &v)
      : data(v.data()), bytes(v.size() * sizeof(T)), elementSize(sizeof(T)) {}
  template <typename T>
  OutputBuffer(llvm::MutableArrayRef<T> v)
      : data(v.data()), bytes(v.size() * sizeof(T)), elementSize(sizeof(T)) {}
  OutputBuffer(void *data, size_t bytes, size_t elementSize)
      : data(data), bytes(bytes), elementSize(elementSize) {}
  void *data;
  size_t bytes, elementSize;
};

/// A graph compiled in process: a shared library (the model plus its own copy
/// of the runtime) loaded with dlopen, and a session on it. Owns a temporary
/// directory that it removes when destroyed.
class CompiledModel {
public:
  CompiledModel(CompiledModel &&other) noexcept;
  CompiledModel &operator=(CompiledModel &&other) noexcept;
  ~CompiledModel();

  const std::vector<TensorInfo> &inputs() const { return inputs_; }
  const std::vector<TensorInfo> &outputs() const { return outputs_; }

  /// Runs the model on dense row-major buffers, in graph order. Checks the
  /// buffer counts, sizes and element sizes against the signature first.
  llvm::Error run(llvm::ArrayRef<InputBuffer> inputs,
                  llvm::ArrayRef<OutputBuffer> outputs);

private:
  friend class Graph;
  struct Library;
  CompiledModel();
  /// Loads a shared library made by linkSharedLibrary; takes over `tempDir`
  /// (removed with the model).
  static llvm::Expected<CompiledModel> load(llvm::StringRef libraryPath,
                                            llvm::StringRef tempDir,
                                            llvm::StringRef prefix,
                                            int threads, bool vulkan);
  std::unique_ptr<Library> library_;
  std::vector<TensorInfo> inputs_, outputs_;
};

/// A function under construction: inputs, params, operations and outputs.
/// Owns its MLIRContext and module. Not copyable or movable, because Tensors
/// point to it.
class Graph {
public:
  /// `name` becomes the function's name and the default symbol prefix; it
  /// should be a C identifier.
  explicit Graph(llvm::StringRef name = "model");
  ~Graph();
  Graph(const Graph &) = delete;
  Graph &operator=(const Graph &) = delete;

  /// A graph input (an argument of the compiled model, in call order).
  Tensor input(llvm::StringRef name, llvm::ArrayRef<int64_t> shape,
               DType dtype = DType::F32);
  /// A named weight whose bytes come from the Weights given to compile.
  /// Declaring a name again returns the same tensor if shape and dtype agree.
  Tensor param(llvm::StringRef name, llvm::ArrayRef<int64_t> shape,
               DType dtype = DType::F32);
  /// A param whose values are given right here (they win over Weights).
  Tensor param(llvm::StringRef name, llvm::ArrayRef<int64_t> shape,
               llvm::ArrayRef<float> values);

  /// Constants live in the IR: use them for scalars and small tables, params
  /// for weights.
  Tensor constant(double value, DType dtype = DType::F32);
  Tensor constant(llvm::ArrayRef<float> values, llvm::ArrayRef<int64_t> shape);
  /// Integer (or Bool) constant; a separate name because `{1, 2}` would
  /// match both element types.
  Tensor intConstant(llvm::ArrayRef<int64_t> values,
                     llvm::ArrayRef<int64_t> shape, DType dtype = DType::I64);
  Tensor full(llvm::ArrayRef<int64_t> shape, double value,
              DType dtype = DType::F32);

  /// Appends a graph output; default name "output_<i>".
  void output(const Tensor &value, llvm::StringRef name = "");
  /// Appends an output that may be written into the buffer of `input` (a
  /// graph input of the same shape and dtype): callers may pass one buffer
  /// for both, as a training step updates its params in place; the result
  /// is the same either way (born.tied_input, docs/training.md).
  void output(const Tensor &value, llvm::StringRef name, const Tensor &input);

  /// Asks for gradients (docs/autodiff.md): the compiled model also returns,
  /// after the outputs, the gradient of the first output (the loss, a float
  /// tensor of one element) with respect to each of `inputs` (float graph
  /// inputs), in input order, named "grad_<input name>".
  void requestGradients(llvm::ArrayRef<Tensor> inputs);

  /// Builds the body of `model` (a function of born ops in this graph's
  /// context(), e.g. parsed from a .mlir file) on `args`, one per argument,
  /// and returns its results. Its `born.param` ops become this graph's
  /// params, so that with setParamsAsInputs they are inputs.
  std::vector<Tensor> call(mlir::func::FuncOp model,
                           llvm::ArrayRef<Tensor> args);

  /// Builds the gradients of `loss` (a float tensor of one element) with
  /// respect to each of `wrt` right now, as tensors of this graph, so that
  /// they can feed further ops (an optimizer update; docs/training.md). On
  /// failure (a gradient through a non-differentiable op, ...) records the
  /// error and returns invalid tensors.
  std::vector<Tensor> gradients(const Tensor &loss, llvm::ArrayRef<Tensor> wrt);

  /// From now on `param` declares a graph input of the param's name instead
  /// of a weight: a training step takes its params as arguments, to
  /// differentiate with respect to them and return them updated. The same
  /// model-building code then serves training and inference.
  void setParamsAsInputs(bool enable) { paramsAsInputs_ = enable; }

  const std::string &name() const { return name_; }
  /// The params declared so far, in declaration order.
  std::vector<TensorInfo> params() const;
  bool ok() const { return error_.empty(); }
  /// The first error, or "".
  const std::string &error() const { return error_; }

  /// The IR built so far (a func.func of born ops).
  mlir::ModuleOp module();
  std::string str();
  mlir::MLIRContext &context() { return *context_; }

  /// Compiles for this host and loads the result.
  llvm::Expected<CompiledModel> compile(const Weights &weights = Weights(),
                                        const BuildOptions &options = {});
  /// Writes an object file exporting PREFIX_model plus a C header next to it
  /// (same path, extension .h). Weights are embedded.
  llvm::Error compileToObject(llvm::StringRef path,
                              const Weights &weights = Weights(),
                              const BuildOptions &options = {});
  /// Writes a standalone executable (see born_main in born/runtime.h).
  llvm::Error compileToExecutable(llvm::StringRef path,
                                  const Weights &weights = Weights(),
                                  const BuildOptions &options = {});

  // -- For the operation functions below; not needed to build graphs. --

  /// Records `message` unless an error is already recorded.
  void recordError(const llvm::Twine &message);
  /// Takes ownership of a newly created op: infers its result type (when the
  /// op can), verifies it and returns its result, or erases it and records an
  /// error naming the op and its operand types.
  Tensor finish(mlir::Operation *op);
  /// Builder positioned where the next op goes.
  mlir::OpBuilder &builder();
  mlir::Type elementType(DType dtype);
  /// A rank-0 constant of element type `type`.
  Tensor scalar(double value, mlir::Type type);
  /// The invalid tensor of this graph that failed operations return.
  Tensor invalid();

private:
  Tensor wrap(mlir::Value value) { return Tensor(this, value); }
  mlir::Location constantLoc();
  void syncSignature();
  llvm::Error compileToFile(llvm::StringRef objectPath, const Weights &weights,
                            const BuildOptions &options, bool withMain,
                            std::string *header);

  std::string name_;
  std::string error_;
  std::unique_ptr<mlir::MLIRContext> context_;
  mlir::OwningOpRef<mlir::ModuleOp> module_;
  std::unique_ptr<mlir::OpBuilder> builder_;
  mlir::Operation *function_ = nullptr;
  std::vector<std::string> inputNames_;
  llvm::SmallVector<unsigned> gradientInputs_; // argument numbers
  void appendOutput(mlir::Value value, llvm::StringRef name,
                    int64_t tiedInput);
  struct Output {
    mlir::Value value;
    std::string name;
    int64_t tiedInput = -1; // an input's argument number
  };
  std::vector<Output> outputs_;
  llvm::StringMap<mlir::Value> params_;
  std::vector<std::string> paramOrder_;
  Weights inlineWeights_;
  bool paramsAsInputs_ = false;
};

//===----------------------------------------------------------------------===//
// Operations. All operands of one call must come from the same Graph.
//===----------------------------------------------------------------------===//

// Elementwise binary ops broadcast as in NumPy; operands need equal dtypes.
Tensor add(const Tensor &a, const Tensor &b);
Tensor sub(const Tensor &a, const Tensor &b);
Tensor mul(const Tensor &a, const Tensor &b);
Tensor div(const Tensor &a, const Tensor &b);
Tensor pow(const Tensor &a, const Tensor &b);
Tensor pow(const Tensor &a, double exponent);
Tensor maximum(const Tensor &a, const Tensor &b);
Tensor minimum(const Tensor &a, const Tensor &b);

Tensor operator+(const Tensor &a, const Tensor &b);
Tensor operator-(const Tensor &a, const Tensor &b);
Tensor operator*(const Tensor &a, const Tensor &b);
Tensor operator/(const Tensor &a, const Tensor &b);
Tensor operator-(const Tensor &a);
// A scalar operand becomes a constant of the tensor's dtype.
Tensor operator+(const Tensor &a, double b);
Tensor operator-(const Tensor &a, double b);
Tensor operator*(const Tensor &a, double b);
Tensor operator/(const Tensor &a, double b);
Tensor operator+(double a, const Tensor &b);
Tensor operator-(double a, const Tensor &b);
Tensor operator*(double a, const Tensor &b);
Tensor operator/(double a, const Tensor &b);

// Elementwise unary ops and activations.
Tensor neg(const Tensor &x);
Tensor abs(const Tensor &x);
Tensor exp(const Tensor &x);
Tensor log(const Tensor &x);
Tensor sqrt(const Tensor &x);
Tensor rsqrt(const Tensor &x);
Tensor tanh(const Tensor &x);
Tensor sigmoid(const Tensor &x);
Tensor relu(const Tensor &x);
Tensor silu(const Tensor &x);
Tensor erf(const Tensor &x);
/// Exact GELU, or the tanh approximation.
Tensor gelu(const Tensor &x, bool approximate = false);

// Comparisons give Bool masks.
enum class Compare { Eq, Ne, Lt, Le, Gt, Ge };
Tensor compare(Compare predicate, const Tensor &a, const Tensor &b);
Tensor eq(const Tensor &a, const Tensor &b);
Tensor ne(const Tensor &a, const Tensor &b);
Tensor lt(const Tensor &a, const Tensor &b);
Tensor le(const Tensor &a, const Tensor &b);
Tensor gt(const Tensor &a, const Tensor &b);
Tensor ge(const Tensor &a, const Tensor &b);
/// condition ? onTrue : onFalse, elementwise with broadcasting.
Tensor where(const Tensor &condition, const Tensor &onTrue,
             const Tensor &onFalse);
/// Elementwise conversion (float to int truncates toward zero).
Tensor cast(const Tensor &x, DType dtype);

/// NumPy matmul: [..., M, K] x [..., K, N] -> [..., M, N].
Tensor matmul(const Tensor &a, const Tensor &b);
/// PyTorch's Linear: x @ weight^T (+ bias), weight stored [out, in].
Tensor linear(const Tensor &x, const Tensor &weight,
              const Tensor &bias = Tensor());
/// x @ weight^T for a weight stored as GGUF blocks: `x` is f32 [..., K],
/// `weight` the raw bytes of an [N, K] matrix of ggml type `ggmlType` (the
/// GGMLType id: 2 = Q4_0, 8 = Q8_0, 12 = Q4_K, 14 = Q6_K, ...), an I8
/// tensor [N, K / block size * block bytes], e.g. a param holding a GGUF
/// tensor's data unchanged; for F32 (0), F16 (1) and BF16 (30), the [N, K]
/// matrix of that type itself. Gives f32 [..., N]. See
/// born.quantized_matmul.
Tensor quantized_matmul(const Tensor &x, const Tensor &weight,
                        uint32_t ggmlType);
/// The f32 values [..., K] of rows stored as GGUF blocks of `ggmlType`, an
/// I8 tensor [..., K / block size * block bytes] (e.g. rows gathered from a
/// quantized embedding table). See born.dequantize.
Tensor dequantize(const Tensor &rows, uint32_t ggmlType);

/// Convolution settings; padding is [top, left, bottom, right].
struct Conv2DOptions {
  std::vector<int64_t> stride = {1, 1};
  std::vector<int64_t> padding = {0, 0, 0, 0};
  std::vector<int64_t> dilation = {1, 1};
  int64_t groups = 1;
};
/// NCHW input, [F, C / groups, KH, KW] filter, optional bias [F].
Tensor conv2d(const Tensor &input, const Tensor &filter,
              const Conv2DOptions &options, const Tensor &bias = Tensor());
/// PyTorch-style square settings: the same stride/padding/dilation on both
/// spatial dimensions.
Tensor conv2d(const Tensor &input, const Tensor &filter,
              const Tensor &bias = Tensor(), int64_t stride = 1,
              int64_t padding = 0, int64_t dilation = 1, int64_t groups = 1);

/// Pooling over NCHW; stride defaults to the kernel, padding is
/// [top, left, bottom, right].
struct Pool2DOptions {
  std::vector<int64_t> kernel = {2, 2};
  std::vector<int64_t> stride; // empty = kernel
  std::vector<int64_t> padding = {0, 0, 0, 0};
  bool countIncludePad = false; // average pooling only
};
Tensor max_pool2d(const Tensor &x, const Pool2DOptions &options);
Tensor avg_pool2d(const Tensor &x, const Pool2DOptions &options);
/// Square window; stride 0 = kernel.
Tensor max_pool2d(const Tensor &x, int64_t kernel, int64_t stride = 0,
                  int64_t padding = 0);
Tensor avg_pool2d(const Tensor &x, int64_t kernel, int64_t stride = 0,
                  int64_t padding = 0, bool countIncludePad = false);

// Reductions over `axes` (all axes when empty).
Tensor sum(const Tensor &x, llvm::ArrayRef<int64_t> axes = {},
           bool keepdims = false);
Tensor mean(const Tensor &x, llvm::ArrayRef<int64_t> axes = {},
            bool keepdims = false);
/// Maximum / minimum over axes (PyTorch's amax / amin).
Tensor amax(const Tensor &x, llvm::ArrayRef<int64_t> axes = {},
            bool keepdims = false);
Tensor amin(const Tensor &x, llvm::ArrayRef<int64_t> axes = {},
            bool keepdims = false);
/// I64 index of the first maximum along `axis`.
Tensor argmax(const Tensor &x, int64_t axis, bool keepdims = false);

Tensor softmax(const Tensor &x, int64_t axis = -1);
Tensor log_softmax(const Tensor &x, int64_t axis = -1);
/// Normalizes over the trailing dimensions that `scale` (and `bias`) cover.
Tensor layer_norm(const Tensor &x, const Tensor &scale, const Tensor &bias,
                  double epsilon = 1e-5);
Tensor rms_norm(const Tensor &x, const Tensor &scale, double epsilon = 1e-6);

/// One entry may be -1: inferred from the element count.
Tensor reshape(const Tensor &x, llvm::ArrayRef<int64_t> shape);
/// Merges dimensions startAxis..endAxis into one (PyTorch's flatten).
Tensor flatten(const Tensor &x, int64_t startAxis = 1, int64_t endAxis = -1);
/// result.shape[i] = x.shape[permutation[i]].
Tensor permute(const Tensor &x, llvm::ArrayRef<int64_t> permutation);
/// Swaps two dimensions (PyTorch's transpose).
Tensor transpose(const Tensor &x, int64_t axis0 = -2, int64_t axis1 = -1);
Tensor broadcast_to(const Tensor &x, llvm::ArrayRef<int64_t> shape);
Tensor concat(llvm::ArrayRef<Tensor> inputs, int64_t axis);
/// x[start:limit:step] per dimension; empty step = all 1.
Tensor slice(const Tensor &x, llvm::ArrayRef<int64_t> start,
             llvm::ArrayRef<int64_t> limit, llvm::ArrayRef<int64_t> step = {});
/// Slices along one axis only: x[..., start:limit:step, ...].
Tensor narrow(const Tensor &x, int64_t axis, int64_t start, int64_t limit,
              int64_t step = 1);
/// ONNX Gather / embedding lookup: indices (I32 or I64) select along `axis`.
Tensor gather(const Tensor &data, const Tensor &indices, int64_t axis = 0);

} // namespace born

#endif
