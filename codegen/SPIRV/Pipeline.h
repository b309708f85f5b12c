#ifndef BORN_CODEGEN_SPIRV_PIPELINE_H
#define BORN_CODEGEN_SPIRV_PIPELINE_H

#include <string>

namespace born {
/// The Vulkan kernels phase as a textual pass list for a module-anchored pass
/// manager: linalg on tensors -> bufferized host function of gpu.launch_func
/// calls plus one spirv.module per kernel.
std::string vulkanKernelsPipeline();

void registerSPIRVCodegenPasses();
} // namespace born

#endif
