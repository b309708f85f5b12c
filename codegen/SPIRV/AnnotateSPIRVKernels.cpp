#include "codegen/SPIRV/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"

namespace born {
#define GEN_PASS_DEF_ANNOTATESPIRVKERNELS
#include "codegen/SPIRV/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// What Born's Vulkan runtime can count on: Vulkan 1.1 accepts SPIR-V 1.3.
/// Int64 (i64 tensors) and Float16 + StorageBuffer16BitAccess (f16 tensors)
/// are only required by kernels that use them (spirv-update-vce drops what a
/// kernel does not use); the runtime enables the matching device features
/// where the device has them and refuses kernels that need missing ones.
spirv::TargetEnvAttr vulkanTargetEnv(MLIRContext *ctx) {
  auto triple = spirv::VerCapExtAttr::get(
      spirv::Version::V_1_3,
      {spirv::Capability::Shader, spirv::Capability::Int64,
       spirv::Capability::Float16,
       spirv::Capability::StorageBuffer16BitAccess},
      {spirv::Extension::SPV_KHR_storage_buffer_storage_class,
       spirv::Extension::SPV_KHR_16bit_storage},
      ctx);
  return spirv::TargetEnvAttr::get(triple,
                                   spirv::getDefaultResourceLimits(ctx),
                                   spirv::ClientAPI::Vulkan);
}

struct AnnotateSPIRVKernelsPass
    : born::impl::AnnotateSPIRVKernelsBase<AnnotateSPIRVKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    if (!module->hasAttr(spirv::getTargetEnvAttrName()))
      module->setAttr(spirv::getTargetEnvAttrName(), vulkanTargetEnv(ctx));

    WalkResult result = module.walk([&](gpu::GPUFuncOp kernel) {
      if (!kernel.isKernel())
        return WalkResult::advance();
      std::optional<ArrayRef<int32_t>> blockSize = kernel.getKnownBlockSize();
      if (!blockSize) {
        kernel.emitOpError("has no static workgroup size (known_block_size)");
        return WalkResult::interrupt();
      }
      kernel->setAttr(spirv::getEntryPointABIAttrName(),
                      spirv::getEntryPointABIAttr(ctx, *blockSize));
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
