#include "codegen/CPU/Pipeline.h"
#include "codegen/BornToLinalg/Passes.h"
#include "codegen/CPU/Passes.h"
#include "codegen/Common/Passes.h"
#include "passes/Dispatch/Passes.h"

namespace born {

RegisterBlock registerBlockFor(unsigned vectorBits) {
  // Measured on 1024^3 f32 (bench/bench.py): with AVX-512, 8x32 22 ms,
  // 4x32 25, 8x16 32, 16x16 40; with AVX2 (16 registers), 4x16 39 ms,
  // 2x32 40, 8x8 50, 8x16 55 (its 16 accumulators spill).
  if (vectorBits >= 512)
    return {8, 32, 16};
  return {4, 16, 8};
}

std::string cpuKernelsPipeline(RegisterBlock block) {
  std::string rows = std::to_string(block.rows),
              cols = std::to_string(block.cols);
  // Identity layouts at function boundaries keep the entry point's ABI a
  // plain pointer per tensor. Canonicalization must precede
  // buffer-results-to-out-params, which then writes results straight into the
  // caller's output buffers.
  // Gathers the vectorizer made from tensor.extract index a slice's
  // logical shape: on a strided view they must index memory
  // (born-cpu-rebase-strided-gathers, right after bufferization).
  // An output tied to an input (born.tied_input) may share its buffer:
  // born-cpu-isolate-tied-results keeps bufferization from using it for
  // temporaries, and born-cpu-guard-tied-inputs checks the order of reads
  // and writes once every buffer is known, copying the input where it must.
  // Weight packing changes the entry's param arguments: the CPU's own
  // layout, after the Vulkan path has taken its copy of the module.
  std::string width = std::to_string(block.vectorWidth);
  return "func.func(born-cpu-convert-conv-to-matmul{tile-cols=" + cols +
         " vector-width=" + width + "}, born-cpu-decompose-pads), "
         "born-cpu-pack-matmul-weights{panel-width=" + cols + "}, "
         "func.func(born-cpu-tile-and-vectorize{tile-rows=" + rows +
         " tile-cols=" + cols +
         " vector-width=" + width +
         "}), born-approximate-math{all}, "
         "canonicalize, cse, func.func(born-cpu-isolate-tied-results), "
         "one-shot-bufferize{bufferize-function-boundaries "
         "function-boundary-type-conversion=identity-layout-map}, "
         "func.func(born-cpu-rebase-strided-gathers), canonicalize, "
         "buffer-results-to-out-params{hoist-static-allocs "
         "modify-public-functions}, "
         "func.func(born-cpu-guard-tied-inputs), "
         "buffer-deallocation-pipeline, "
         "born-cpu-outline-parallel-loops, scf-forall-to-for, "
         "func.func(born-cpu-split-strided-copies, "
         "born-convert-copies-to-linalg{keep-contiguous}, "
         "convert-linalg-to-loops), "
         "canonicalize, cse";
}

std::string cpuHostPipeline(RegisterBlock block) {
  // Math functions without an LLVM intrinsic (asinh, ...) become libm calls
  // one element at a time, through vector.extract/insert: those must exist
  // before the vector dialect goes to LLVM.
  // Zero-size buffers of rank > 1 have no bare-pointer form upstream:
  // born-cpu-flatten-empty-memref-args passes them as memref<0xT>.
  // Buffers come from the runtime's allocator (runtime/src/buffer_cache.cpp),
  // which keeps large ones mapped from one run to the next.
  std::string registerBits = std::to_string(block.vectorWidth * 32);
  return "born-cpu-flatten-empty-memref-args, "
         "convert-vector-to-scf{full-unroll=true}, "
         "func.func(born-cpu-widen-ragged-transfers{register-bits=" +
         registerBits + "}), lower-affine, "
         "convert-scf-to-cf, expand-strided-metadata, lower-affine, "
         "convert-math-to-llvm, convert-math-to-libm, "
         "convert-vector-to-llvm{reassociate-fp-reductions}, "
         "finalize-memref-to-llvm{use-generic-functions=true}, "
         "convert-arith-to-llvm, "
         "convert-ub-to-llvm, convert-index-to-llvm, convert-cf-to-llvm, "
         "convert-func-to-llvm{use-bare-ptr-memref-call-conv=true}, "
         "reconcile-unrealized-casts";
}

void registerCPUCodegenPasses() {
  registerBornDispatchPasses();
  registerBornCodegenCommonPasses();
  registerBornToLinalgPasses();
  registerBornCPUPasses();
}
} // namespace born
