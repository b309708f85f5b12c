#include "codegen/SPIRV/VulkanProgram.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Target/SPIRV/Serialization.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace born {
namespace {

/// convert-gpu-to-spirv names the spirv.module of gpu.module @k "__spv__k".
constexpr llvm::StringLiteral kSPIRVModulePrefix = "__spv__";

/// Weights names of constant buffers: "born.constant." + the global's name.
/// born.param names come from the model, but none has this prefix in
/// practice, and a clash is an error when the blob is built.
constexpr llvm::StringLiteral kConstantPrefix = "born.constant.";

/// Bytes of a buffer the runtime can bind: a static, dense memref of an
/// element type the kernels support.
FailureOr<uint64_t> bufferBytes(Location loc, Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.hasStaticShape() || !memref.getLayout().isIdentity())
    return emitError(loc) << "the Vulkan target needs statically shaped, "
                             "dense buffers, got "
                          << type;
  Type element = memref.getElementType();
  if (element.isInteger(1) || element.isInteger(8)) {
    // Booleans and i8 are bytes, which the SPIR-V conversion emulates inside
    // 32-bit words (no 8-bit storage capability needed): round up to whole
    // words.
    return llvm::alignTo(static_cast<uint64_t>(memref.getNumElements()), 4);
  }
  if (element.isF16() || element.isInteger(16))
    return llvm::alignTo(static_cast<uint64_t>(memref.getNumElements()) * 2,
                         4);
  if (!element.isF32() && !element.isF64() && !element.isInteger(32) &&
      !element.isInteger(64))
    return emitError(loc) << "the Vulkan target supports f32, f64, f16, i64, "
                             "i32, i16, i8 and i1 tensors, got "
                          << type;
  return static_cast<uint64_t>(memref.getNumElements()) *
         (element.getIntOrFloatBitWidth() / 8);
}

/// The row-major bytes of a dense attribute of a type bufferBytes accepted
/// (little-endian, like the host and the weights blob).
std::vector<uint8_t> denseBytes(DenseElementsAttr value) {
  if (value.getElementType().isInteger(1)) {
    // A byte per boolean, whatever the attribute's own storage.
    std::vector<uint8_t> bytes;
    for (bool b : value.getValues<bool>())
      bytes.push_back(b);
    return bytes;
  }
  ArrayRef<char> raw = value.getRawData();
  std::vector<uint8_t> bytes;
  int64_t copies = value.isSplat() ? value.getNumElements() : 1;
  bytes.reserve(raw.size() * copies);
  for (int64_t i = 0; i < copies; ++i)
    bytes.insert(bytes.end(), raw.begin(), raw.end());
  return bytes;
}

FailureOr<VulkanKernel> compileKernel(ModuleOp module,
                                      gpu::LaunchFuncOp launch) {
  StringRef name = launch.getKernelModuleName().getValue();
  auto spirvModule = module.lookupSymbol<spirv::ModuleOp>(
      (kSPIRVModulePrefix + name).str());
  if (!spirvModule)
    return launch.emitOpError("kernel '")
           << name << "' was not converted to SPIR-V";
  VulkanKernel kernel;
  kernel.name = name.str();
  kernel.numBindings = launch.getKernelOperands().size();
  for (auto entry : spirvModule.getOps<spirv::EntryPointOp>())
    kernel.entry = entry.getFn().str();
  for (auto mode : spirvModule.getOps<spirv::ExecutionModeOp>()) {
    if (mode.getExecutionMode() != spirv::ExecutionMode::LocalSize)
      continue;
    for (auto [i, value] : llvm::enumerate(mode.getValues()))
      if (i < 3)
        kernel.localSize[i] = cast<IntegerAttr>(value).getInt();
  }
  if (kernel.entry.empty())
    return spirvModule.emitOpError("has no entry point");
  SmallVector<uint32_t> words;
  if (failed(spirv::serialize(spirvModule, words)))
    return failure();
  kernel.spirv.assign(words.begin(), words.end());
  return kernel;
}

/// Builds the program; `buffers` maps each memref value the host function
/// uses to its buffer index.
class ProgramBuilder {
public:
  ProgramBuilder(ModuleOp module) : module(module) {}

  FailureOr<VulkanProgram> build(func::FuncOp entry, unsigned numOutputs) {
    if (failed(addArgumentBuffers(entry, numOutputs)))
      return failure();
    for (Operation &op : entry.getBody().front()) {
      LogicalResult result =
          llvm::TypeSwitch<Operation *, LogicalResult>(&op)
              .Case([&](memref::AllocOp alloc) { return addTemp(alloc); })
              .Case([&](memref::GetGlobalOp get) { return addConstant(get); })
              .Case([&](gpu::LaunchFuncOp launch) {
                return addDispatch(launch);
              })
              // Temporaries live for the whole session: nothing to free.
              .Case<memref::DeallocOp, arith::ConstantOp, func::ReturnOp>(
                  [](Operation *) { return success(); })
              .Default([](Operation *op) {
                return op->emitOpError(
                    "cannot run on the Vulkan target: only kernel launches "
                    "and buffer allocations may remain outside kernels");
              });
      if (failed(result))
        return failure();
    }
    return std::move(program);
  }

private:
  LogicalResult addArgumentBuffers(func::FuncOp entry, unsigned numOutputs) {
    unsigned numArgs = entry.getNumArguments();
    if (numArgs < numOutputs || entry.getNumResults() != 0)
      return entry.emitOpError("expected results passed as out-parameters");
    int32_t nextInput = 0;
    for (unsigned i = 0; i < numArgs; ++i) {
      BlockArgument arg = entry.getArgument(i);
      FailureOr<uint64_t> size = bufferBytes(arg.getLoc(), arg.getType());
      if (failed(size))
        return failure();
      VulkanBuffer buffer;
      buffer.size = *size;
      if (i >= numArgs - numOutputs) {
        buffer.kind = VulkanBuffer::Kind::Output;
        buffer.index = i - (numArgs - numOutputs);
      } else if (auto param =
                     entry.getArgAttrOfType<StringAttr>(i, "born.param")) {
        buffer.kind = VulkanBuffer::Kind::Weights;
        buffer.param = param.str();
      } else {
        buffer.kind = VulkanBuffer::Kind::Input;
        buffer.index = nextInput++;
      }
      addBuffer(arg, std::move(buffer));
    }
    return success();
  }

  LogicalResult addTemp(memref::AllocOp alloc) {
    FailureOr<uint64_t> size = bufferBytes(alloc.getLoc(), alloc.getType());
    if (failed(size))
      return failure();
    VulkanBuffer buffer;
    buffer.kind = VulkanBuffer::Kind::Temp;
    buffer.size = *size;
    addBuffer(alloc.getResult(), std::move(buffer));
    return success();
  }

  /// A constant global becomes a weights buffer named after it; its bytes
  /// are appended to the weights blob when the blob is built.
  LogicalResult addConstant(memref::GetGlobalOp get) {
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
        get, get.getNameAttr());
    if (!global || !global.getConstant())
      return get.emitOpError("reads a mutable global; only constant tensors "
                             "are supported on the Vulkan target");
    auto it = constants.find(global.getSymName());
    if (it != constants.end()) {
      buffers[get.getResult()] = it->second;
      return success();
    }
    FailureOr<uint64_t> size = bufferBytes(get.getLoc(), get.getType());
    if (failed(size))
      return failure();
    auto value =
        dyn_cast_or_null<DenseElementsAttr>(global.getInitialValueAttr());
    if (!value)
      return global.emitOpError("needs a dense initial value on the Vulkan "
                                "target");
    VulkanBuffer buffer;
    buffer.kind = VulkanBuffer::Kind::Weights;
    buffer.param = (kConstantPrefix + global.getSymName()).str();
    buffer.size = *size;
    buffer.constant = denseBytes(value);
    buffer.constant.resize(buffer.size); // booleans round up to whole words
    constants[global.getSymName()] = program.buffers.size();
    addBuffer(get.getResult(), std::move(buffer));
    return success();
  }

  void addBuffer(Value value, VulkanBuffer buffer) {
    buffers[value] = program.buffers.size();
    program.buffers.push_back(std::move(buffer));
  }

  FailureOr<uint32_t> kernelIndex(gpu::LaunchFuncOp launch) {
    StringRef name = launch.getKernelModuleName().getValue();
    auto it = kernels.find(name);
    if (it != kernels.end())
      return it->second;
    FailureOr<VulkanKernel> kernel = compileKernel(module, launch);
    if (failed(kernel))
      return failure();
    uint32_t index = program.kernels.size();
    program.kernels.push_back(std::move(*kernel));
    kernels[name] = index;
    return index;
  }

  LogicalResult addDispatch(gpu::LaunchFuncOp launch) {
    if (launch.getAsyncToken() || !launch.getAsyncDependencies().empty() ||
        launch.hasClusterSize() || launch.getDynamicSharedMemorySize())
      return launch.emitOpError("uses features the Vulkan executor does not "
                                "support (async, clusters, dynamic shared "
                                "memory)");
    VulkanDispatch dispatch;
    FailureOr<uint32_t> kernel = kernelIndex(launch);
    if (failed(kernel))
      return failure();
    dispatch.kernel = *kernel;
    Value grid[] = {launch.getGridSizeX(), launch.getGridSizeY(),
                    launch.getGridSizeZ()};
    for (auto [i, size] : llvm::enumerate(grid)) {
      std::optional<int64_t> count = getConstantIntValue(size);
      if (!count || *count < 0 || *count > UINT32_MAX)
        return launch.emitOpError("needs a constant grid size on the Vulkan "
                                  "target");
      dispatch.grid[i] = *count;
    }
    for (Value operand : launch.getKernelOperands()) {
      auto it = buffers.find(operand);
      if (it == buffers.end())
        return launch.emitOpError("passes ")
               << operand.getType()
               << " to the kernel; on the Vulkan target kernel arguments must "
                  "be whole function arguments or allocations";
      dispatch.bindings.push_back(it->second);
    }
    program.dispatches.push_back(std::move(dispatch));
    return success();
  }

  ModuleOp module;
  VulkanProgram program;
  llvm::DenseMap<Value, uint32_t> buffers;
  llvm::StringMap<uint32_t> kernels;
  llvm::StringMap<uint32_t> constants; // global name -> buffer index
};
} // namespace

FailureOr<VulkanProgram> buildVulkanProgram(ModuleOp module,
                                            StringRef entryName,
                                            unsigned numOutputs) {
  auto entry = module.lookupSymbol<func::FuncOp>(entryName);
  if (!entry)
    return module.emitError("no entry function '") << entryName << "'";
  if (!entry.getBody().hasOneBlock())
    return entry.emitOpError("must be straight-line code on the Vulkan target "
                             "(control flow left outside kernels)");
  return ProgramBuilder(module).build(entry, numOutputs);
}

std::string VulkanProgram::summary() const {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "kernels " << kernels.size() << "\n";
  for (auto [i, k] : llvm::enumerate(kernels))
    os << llvm::formatv("  {0}: {1} entry={2} bindings={3} local_size={4}x{5}x"
                        "{6} words={7}\n",
                        i, k.name, k.entry, k.numBindings, k.localSize[0],
                        k.localSize[1], k.localSize[2], k.spirv.size());
  os << "buffers " << buffers.size() << "\n";
  for (auto [i, b] : llvm::enumerate(buffers)) {
    os << "  " << i << ": ";
    switch (b.kind) {
    case VulkanBuffer::Kind::Input: os << "input " << b.index; break;
    case VulkanBuffer::Kind::Output: os << "output " << b.index; break;
    case VulkanBuffer::Kind::Weights:
      os << (b.constant.empty() ? "weights '" : "constant '") << b.param << "'";
      break;
    case VulkanBuffer::Kind::Temp: os << "temp"; break;
    }
    os << " " << b.size << " bytes\n";
  }
  os << "dispatches " << dispatches.size() << "\n";
  for (auto [i, d] : llvm::enumerate(dispatches)) {
    os << llvm::formatv("  {0}: kernel {1} grid={2}x{3}x{4} buffers=[", i,
                        d.kernel, d.grid[0], d.grid[1], d.grid[2]);
    llvm::interleave(d.bindings, os, ", ");
    os << "]\n";
  }
  return s;
}
} // namespace born
