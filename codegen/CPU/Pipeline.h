#ifndef BORN_CODEGEN_CPU_PIPELINE_H
#define BORN_CODEGEN_CPU_PIPELINE_H

#include <cstdint>
#include <string>

namespace born {
/// The output block a matmul tile keeps in vector registers: `cols` is also
/// the width of packed weight panels.
struct RegisterBlock {
  int64_t rows = 8;
  int64_t cols = 16;
  int64_t vectorWidth = 16; // f32 elements per vector register
};

/// The block for a target's vector width: with 512-bit vectors (32
/// registers) 8 rows of two vectors, 16 accumulators; with 256-bit vectors
/// (16 registers) 4 x 16, 8 accumulators.
RegisterBlock registerBlockFor(unsigned vectorBits);

/// Pass pipelines of the phases that lower a graph to CPU code, as textual
/// pass lists for a module-anchored pass manager (in born-opt:
/// `--pass-pipeline="builtin.module(<list>)"`).
std::string cpuKernelsPipeline(RegisterBlock block = {}); // -> tiled,
                                                         // vectorized loops
std::string cpuHostPipeline(RegisterBlock block = {}); // -> LLVM dialect

void registerCPUCodegenPasses();
} // namespace born

#endif
