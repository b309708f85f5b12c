#include "codegen/SPIRV/Pipeline.h"
#include "codegen/Common/Passes.h"
#include "codegen/SPIRV/Passes.h"
#include "passes/Dispatch/Passes.h"

namespace born {
std::string vulkanKernelsPipeline() {
  // Each dispatch region whose members can all write the root's output in
  // place becomes one kernel: an scf.forall over the root's parallel
  // elements, the other members fused into it; after
  // eliminate-empty-tensors it bufferizes with no temporary. Other regions
  // are dissolved and give one kernel per linalg op. Bufferize like the CPU
  // path (identity layouts, results written straight into the caller's
  // output buffers). The forall becomes an scf.parallel (a kernel) whose
  // linalg ops are one thread's sequential loops; every other linalg op is
  // its own kernel. Views (subviews from tiles, tensor.pad and concat,
  // reshapes) are folded into the loads and stores of the loops, so kernels
  // bind whole buffers and no view is left on the host; a thread's
  // reduction then accumulates in a register. Index computations
  // are sunk into the launch before outlining so that loop bounds do not
  // become extra kernel arguments (storage buffers). Math functions go to
  // GLSL.std.450, except those it lacks (erf), which become polynomials.
  return "func.func(born-tile-dispatch-regions), "
         "eliminate-empty-tensors, "
         "one-shot-bufferize{bufferize-function-boundaries "
         "function-boundary-type-conversion=identity-layout-map}, "
         "canonicalize, "
         "buffer-results-to-out-params{hoist-static-allocs "
         "modify-public-functions}, "
         "canonicalize, cse, "
         "func.func(born-convert-copies-to-linalg, born-move-reductions-inward, "
         "scf-forall-to-parallel, born-wrap-serial-linalg-ops, "
         "born-lower-nested-linalg-to-loops, "
         "convert-linalg-to-parallel-loops, fold-memref-alias-ops, "
         "cse, born-hoist-accumulators, "
         "born-tile-parallel-loops-for-gpu, "
         "gpu-map-parallel-loops), "
         "convert-parallel-loops-to-gpu, canonicalize, "
         "func.func(gpu-launch-sink-index-computations), "
         "gpu-kernel-outlining, lower-affine, canonicalize, "
         "gpu.module(born-approximate-math, arith-expand), "
         "born-annotate-spirv-kernels, convert-math-to-spirv, "
         "convert-gpu-to-spirv, "
         "spirv.module(spirv-lower-abi-attrs, spirv-update-vce)";
}

void registerSPIRVCodegenPasses() {
  registerBornCodegenCommonPasses();
  registerBornDispatchPasses();
  registerBornSPIRVCodegenPasses();
}
} // namespace born
