#ifndef BORN_CODEGEN_SPIRV_VULKANPROGRAM_H
#define BORN_CODEGEN_SPIRV_VULKANPROGRAM_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringRef.h"
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace born {

/// A compiled SPIR-V kernel (runtime.h: born_vk_kernel).
struct VulkanKernel {
  std::string name;  // unique within the program; the .spv file name
  std::string entry; // SPIR-V entry point
  std::vector<uint32_t> spirv;
  uint32_t numBindings = 0;
  std::array<uint32_t, 3> localSize = {1, 1, 1};
};

/// A storage buffer of the schedule (runtime.h: born_vk_buffer). Weights are
/// named by parameter: their blob offset is only known at link time.
/// Constant tensors of the IR are weights too: the ABI has no buffer kind
/// for initialized data, so their bytes go into the weights blob under a
/// reserved name (see Compiler::buildWeightsBlob).
struct VulkanBuffer {
  enum class Kind { Input = 1, Output = 2, Weights = 3, Temp = 4 };
  Kind kind;
  int32_t index = 0;     // input or output number
  std::string param;     // weights only
  uint64_t size = 0;     // bytes
  std::vector<uint8_t> constant; // a constant's bytes (weights only)
};

/// One kernel launch (runtime.h: born_vk_dispatch).
struct VulkanDispatch {
  uint32_t kernel = 0;
  std::array<uint32_t, 3> grid = {1, 1, 1};
  std::vector<uint32_t> bindings; // buffer indices, in kernel-argument order
};

/// SPIR-V kernels plus the static schedule that runs the model on Vulkan.
struct VulkanProgram {
  std::vector<VulkanKernel> kernels;
  std::vector<VulkanBuffer> buffers;
  std::vector<VulkanDispatch> dispatches;

  /// A human-readable listing of buffers and dispatches.
  std::string summary() const;
};

/// Reads the program out of a module after the Vulkan kernels pipeline:
/// serializes each spirv.module and walks the entry function `entryName`,
/// which must be straight-line: memref.alloc (temporaries), memref.get_global
/// of constants and gpu.launch_func on function arguments, allocs or
/// constants. Arguments with a
/// `born.param` attribute are weights, the last `numOutputs` are the outputs,
/// the others inputs in order. Anything else is an error naming the op.
mlir::FailureOr<VulkanProgram> buildVulkanProgram(mlir::ModuleOp module,
                                                  llvm::StringRef entryName,
                                                  unsigned numOutputs);
} // namespace born

#endif
