#include "codegen/SPIRV/Passes.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"

namespace born {
#define GEN_PASS_DEF_ANNOTATESPIRVKERNELS
#include "codegen/SPIRV/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// What Born's Vulkan runtime can count on: Vulkan 1.1 accepts SPIR-V 1.3.
/// Int64 (i64 tensors), Float64 (f64 tensors), Int16 (i16 tensors) and
/// StorageBuffer16BitAccess plus Float16 (f16) or Int16 (i16) are only required by kernels that use them (spirv-update-vce drops what a
/// kernel does not use); the runtime enables the matching device features
/// where the device has them and refuses kernels that need missing ones.
spirv::TargetEnvAttr vulkanTargetEnv(MLIRContext *ctx) {
  auto triple = spirv::VerCapExtAttr::get(
      spirv::Version::V_1_3,
      {spirv::Capability::Shader, spirv::Capability::Int64,
       spirv::Capability::Float64, spirv::Capability::Int16,
       spirv::Capability::Float16,
       spirv::Capability::StorageBuffer16BitAccess},
      {spirv::Extension::SPV_KHR_storage_buffer_storage_class,
       spirv::Extension::SPV_KHR_16bit_storage},
      ctx);
  return spirv::TargetEnvAttr::get(triple,
                                   spirv::getDefaultResourceLimits(ctx),
                                   spirv::ClientAPI::Vulkan);
}

/// GLSL.std.450 instructions that take 64-bit floats (the transcendental
/// ones take only 16- and 32-bit floats).
bool hasF64Instruction(Operation *op) {
  return isa<math::SqrtOp, math::RsqrtOp, math::AbsFOp, math::FloorOp,
             math::CeilOp, math::RoundOp, math::RoundEvenOp, math::TruncOp,
             math::FmaOp, math::CopySignOp>(op);
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
      WalkResult f64 = kernel.walk([&](Operation *op) {
        Dialect *dialect = op->getDialect();
        if (!dialect || dialect->getNamespace() != "math" ||
            hasF64Instruction(op))
          return WalkResult::advance();
        if (!llvm::any_of(op->getOperandTypes(), [](Type t) {
              return getElementTypeOrSelf(t).isF64();
            }))
          return WalkResult::advance();
        op->emitOpError("on f64 has no Vulkan instruction (GLSL.std.450 "
                        "offers it for 16- and 32-bit floats only): cast to "
                        "f32 around it, or compile for the CPU target");
        return WalkResult::interrupt();
      });
      if (f64.wasInterrupted())
        return WalkResult::interrupt();
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
