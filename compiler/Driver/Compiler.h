#ifndef BORN_COMPILER_DRIVER_COMPILER_H
#define BORN_COMPILER_DRIVER_COMPILER_H

#include "codegen/CPU/Pipeline.h"
#include "codegen/SPIRV/VulkanProgram.h"
#include "compiler/Driver/Phase.h"
#include "compiler/Weights/Weights.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Error.h"
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace born {

struct CompileOptions {
  Phase compileTo = Phase::Object;
  bool targetCPU = true;
  bool targetVulkan = false;
  std::string cpuName;  // LLVM CPU name; empty = the host CPU and features
  std::string prefix = "model"; // symbol prefix of everything exported
  std::string entry;    // entry function; empty = the only public function
  bool quiet = false;   // no per-phase progress on stderr
  /// The CPU matmul register block (rows x cols); 0 = chosen for the target.
  int64_t blockRows = 0, blockCols = 0;
};

/// A graph input or output of the compiled model.
struct TensorSpec {
  std::string name;
  mlir::Type elementType;
  llvm::SmallVector<int64_t> shape;
  /// Integer elements the frontend declared unsigned (ONNX UINT*): the IR
  /// computes on signless integers, the runtime and C header see uint*_t.
  bool isUnsigned = false;
  /// Outputs: the input (an index into the inputs) whose buffer the output
  /// may be written into (born.tied_input); -1 if none.
  int32_t tiedInput = -1;
};

/// What the entry point takes and returns. Inputs and outputs are captured
/// after the graph phase; params are collected from each target's module,
/// since a target may lay weights out its own way (the CPU packs matmul
/// weights into panels).
struct ModelSignature {
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> outputs;
  /// Every distinct param the weights blob holds: the graph's after the graph
  /// phase, the targets' once the kernels phase has run.
  std::vector<ParamSpec> params;
  /// The CPU entry point's params, in argument order.
  std::vector<ParamSpec> cpuParams;
};

/// Where the compiled model finds its weights at run time.
/// Where the compiled model finds its weights at run time: the embedded
/// blob; or an external file, all of the blob or, with a blob whose
/// tailOffset is set, the part before its embedded tail; or, with neither,
/// another model's (born_llm_main's steps share the prefill's).
struct WeightsPlacement {
  const WeightsBlob *blob = nullptr; // embedded in the object when non-null
  const llvm::StringMap<uint64_t> *offsets = nullptr; // param -> blob offset
  uint64_t size = 0;        // blob size in bytes, or the external file's
  std::string externalPath; // mmapped file
  /// The external file's first headerSize bytes must hash to headerHash
  /// (born_model.weights_header_hash); 0 = unchecked.
  uint64_t headerSize = 0, headerHash = 0;
};

/// Registers every dialect and interface the pipeline uses.
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// Drives one model through the phases.
class Compiler {
public:
  explicit Compiler(CompileOptions options) : options(std::move(options)) {}

  /// Runs the MLIR phases on `module`, stopping after
  /// min(options.compileTo, Phase::Host). Errors are emitted as diagnostics.
  /// With the Vulkan target, the Vulkan path works on a clone of the module
  /// taken after the dispatch phase; with Vulkan only, `module` is emptied
  /// there (no CPU code).
  mlir::LogicalResult runPhases(mlir::ModuleOp module);

  /// The Vulkan path's module (GPU host function + SPIR-V kernels); null
  /// unless the Vulkan target's kernels phase has run.
  mlir::ModuleOp vulkanModule() const {
    return vulkanKernels ? *vulkanKernels : nullptr;
  }
  /// Kernels and schedule; valid once the Vulkan kernels phase has run.
  const VulkanProgram *vulkanProgram() const {
    return vulkanSchedule ? &*vulkanSchedule : nullptr;
  }

  /// Valid once the graph phase has run.
  const ModelSignature &signature() const { return modelSignature; }

  /// The weights blob the compiled model reads: the signature's params from
  /// `set` (checked against the IR; `origin` names the file for errors),
  /// then the constant tensors the Vulkan kernels read; params whose bytes
  /// lie in `inPlace` stay there (see born::buildWeightsBlob). Call after
  /// runPhases.
  llvm::Expected<WeightsBlob>
  buildWeightsBlob(const WeightSet &set, llvm::StringRef origin,
                   llvm::ArrayRef<uint8_t> inPlace = {}) const;

  /// Translates the host-phase module to LLVM IR and adds the model
  /// descriptor, its weights and, for executables, `main`.
  llvm::Expected<std::unique_ptr<llvm::Module>>
  translateToLLVM(mlir::ModuleOp module, llvm::LLVMContext &llvmContext,
                  const WeightsPlacement &weights, bool withMain);

  /// Compiles LLVM IR to a relocatable object for the target CPU.
  llvm::Error writeObject(llvm::Module &module, llvm::StringRef path);

  /// The C header declaring the model's descriptor and typed helpers.
  std::string cHeader() const;

  const CompileOptions &getOptions() const { return options; }

private:
  mlir::LogicalResult runPhase(mlir::ModuleOp module, Phase phase);
  mlir::LogicalResult captureSignature(mlir::ModuleOp module);
  mlir::LogicalResult collectTargetParams(mlir::ModuleOp cpuModule);
  mlir::LogicalResult runVulkanKernelsPhase();
  /// The CPU register block: the options' or the target's.
  RegisterBlock registerBlock() const;

  mlir::OwningOpRef<mlir::ModuleOp> vulkanKernels;
  std::optional<VulkanProgram> vulkanSchedule;
  std::vector<ParamSpec> vulkanParams;

  CompileOptions options;
  ModelSignature modelSignature;
  std::string entryName;
};

/// Links objects with the Born runtime into an executable, with the system C++
/// compiler driver (`$BORN_CXX`, else c++, clang++, g++).
llvm::Error linkExecutable(llvm::ArrayRef<std::string> objects,
                           llvm::StringRef output);

/// Links objects with the Born runtime into a shared library for dlopen; the
/// library carries its own whole copy of the runtime (built with -fPIC) and
/// exports its born_session_* functions.
llvm::Error linkSharedLibrary(llvm::ArrayRef<std::string> objects,
                              llvm::StringRef output);

/// Directory with the runtime library and headers that outputs link against.
std::string runtimeLibraryPath();
std::string runtimeIncludeDir();
} // namespace born

#endif
