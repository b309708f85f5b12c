#ifndef BORN_CODEGEN_CPU_PIPELINE_H
#define BORN_CODEGEN_CPU_PIPELINE_H

#include <string>

namespace born {
/// Pass pipelines of the phases that lower a graph to CPU code, as textual
/// pass lists for a module-anchored pass manager (in born-opt:
/// `--pass-pipeline="builtin.module(<list>)"`).
std::string cpuKernelsPipeline();  // -> tiled, vectorized, bufferized loops
std::string cpuHostPipeline();     // -> LLVM dialect

void registerCPUCodegenPasses();
} // namespace born

#endif
