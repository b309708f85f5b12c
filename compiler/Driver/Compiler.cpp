#include "compiler/Driver/Compiler.h"

#include "codegen/CPU/Pipeline.h"
#include "codegen/SPIRV/Pipeline.h"
#include "dialects/born/IR/BornDialect.h"
#include "passes/Dispatch/Passes.h"
#include "passes/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Transforms/IPO/MergeFunctions.h"
#include "llvm/TargetParser/Host.h"

#include "runtime/include/born/runtime.h"

#include <chrono>

using namespace mlir;

namespace born {

void registerCompilerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  registry.insert<BornDialect>();
}

static void registerCompilerPasses() {
  static bool once = [] {
    registerAllPasses();
    registerBornTransformsPasses();
    registerCPUCodegenPasses();
    registerSPIRVCodegenPasses();
    return true;
  }();
  (void)once;
}

static LogicalResult runPipeline(ModuleOp module, llvm::StringRef pipeline) {
  registerCompilerPasses();
  PassManager pm(module.getContext(), ModuleOp::getOperationName());
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(parsePassPipeline(pipeline, pm, errorStream)))
    return module.emitError("internal error: bad pass pipeline: ") << errors;
  return pm.run(module);
}

static func::FuncOp findEntry(ModuleOp module, llvm::StringRef name) {
  if (!name.empty())
    return module.lookupSymbol<func::FuncOp>(name);
  func::FuncOp entry;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isPrivate() || func.isExternal())
      continue;
    if (entry)
      return nullptr;
    entry = func;
  }
  return entry;
}

static FailureOr<std::vector<ParamSpec>> entryParams(func::FuncOp entry);

LogicalResult Compiler::runPhase(ModuleOp module, Phase phase) {
  switch (phase) {
  case Phase::Import: {
    if (failed(verify(module)))
      return failure();
    func::FuncOp entry = findEntry(module, options.entry);
    if (!entry)
      return module.emitError()
             << (options.entry.empty()
                     ? "expected exactly one public function as the entry "
                       "point (or name one with --entry)"
                     : "no function named '" + options.entry + "'");
    entryName = entry.getSymName().str();
    return success();
  }
  case Phase::Graph:
    // Autodiff first: the backward graph it appends is canonicalized, fused
    // and lowered with the rest.
    if (failed(runPipeline(module, "born-autodiff, canonicalize, cse, "
                                   "born-lift-params, canonicalize")))
      return failure();
    return captureSignature(module);
  case Phase::Dispatch:
    if (failed(runPipeline(module, dispatchPipeline())))
      return failure();
    // Everything above the kernels phase is shared; from here on the Vulkan
    // path works on its own copy.
    if (options.targetVulkan) {
      vulkanKernels = module.clone();
      FailureOr<std::vector<ParamSpec>> params =
          entryParams(findEntry(*vulkanKernels, entryName));
      if (failed(params))
        return failure();
      vulkanParams = std::move(*params);
    }
    if (!options.targetCPU)
      module.getBody()->clear();
    return success();
  case Phase::Kernels:
    if (options.targetVulkan && failed(runVulkanKernelsPhase()))
      return failure();
    if (failed(runPipeline(module, cpuKernelsPipeline(registerBlock()))))
      return failure();
    return collectTargetParams(module);
  case Phase::Host: {
    if (failed(runPipeline(module, cpuHostPipeline(registerBlock()))))
      return failure();
    // Born's argument annotations mean nothing to LLVM.
    module.walk([](FunctionOpInterface func) {
      for (unsigned i = 0; i < func.getNumArguments(); ++i) {
        func.removeArgAttr(i, kParamAttrName);
        func.removeArgAttr(i, kParamSourceAttrName);
        func.removeArgAttr(i, kExpandedShapeAttrName);
        func.removeArgAttr(i, kPermutationAttrName);
        func.removeArgAttr(i, "born.name");
        func.removeArgAttr(i, kTiedInputAttrName);
      }
    });
    return success();
  }
  case Phase::Object:
    return success();
  }
  return failure();
}

LogicalResult Compiler::runVulkanKernelsPhase() {
  if (failed(runPipeline(*vulkanKernels, vulkanKernelsPipeline())))
    return failure();
  FailureOr<VulkanProgram> program = buildVulkanProgram(
      *vulkanKernels, entryName, modelSignature.outputs.size());
  if (failed(program))
    return failure();
  vulkanSchedule = std::move(*program);
  return success();
}

llvm::Expected<WeightsBlob>
Compiler::buildWeightsBlob(const WeightSet &set, llvm::StringRef origin,
                           llvm::ArrayRef<uint8_t> inPlace) const {
  llvm::Expected<WeightsBlob> blob =
      born::buildWeightsBlob(modelSignature.params, set, origin, inPlace);
  if (!blob)
    return blob.takeError();
  // The Vulkan ABI has no buffer kind for initialized data: constants travel
  // in the blob like weights (the CPU code keeps them as LLVM globals).
  if (const VulkanProgram *program = vulkanProgram())
    for (const VulkanBuffer &buffer : program->buffers)
      if (!buffer.constant.empty())
        if (llvm::Error err =
                appendToBlob(*blob, buffer.param, buffer.constant))
          return std::move(err);
  // Kernels read booleans as bytes packed in 32-bit words, so a bool
  // parameter at the end of the blob must not end mid-word.
  blob->bytes.resize(llvm::alignTo(blob->bytes.size(), 4));
  return blob;
}

LogicalResult Compiler::runPhases(ModuleOp module) {
  Phase last = std::min(options.compileTo, Phase::Host);
  for (Phase phase : kAllPhases) {
    if (phase > last)
      break;
    auto start = std::chrono::steady_clock::now();
    if (failed(runPhase(module, phase)))
      return failure();
    double ms = std::chrono::duration<double, std::milli>(
                    std::chrono::steady_clock::now() - start)
                    .count();
    if (!options.quiet)
      llvm::errs() << llvm::formatv("bornc: {0,-9} {1,8:f1} ms\n",
                                    phaseName(phase), ms);
  }
  return success();
}

static std::string argName(func::FuncOp func, unsigned i,
                           llvm::StringRef fallback) {
  if (auto name = func.getArgAttrOfType<StringAttr>(i, "born.name"))
    return name.str();
  return (fallback + llvm::Twine(i)).str();
}

/// The params an entry function takes, in argument order, from the
/// attributes born-lift-params (and CPU weight packing) set; tensors or,
/// after bufferization, memrefs. None for a null (emptied) entry.
static FailureOr<std::vector<ParamSpec>> entryParams(func::FuncOp entry) {
  std::vector<ParamSpec> params;
  if (!entry)
    return params;
  for (unsigned i = 0; i < entry.getNumArguments(); ++i) {
    auto key = entry.getArgAttrOfType<StringAttr>(i, kParamAttrName);
    if (!key)
      continue;
    BlockArgument arg = entry.getArgument(i);
    auto type = dyn_cast<ShapedType>(arg.getType());
    if (!type || !type.hasStaticShape())
      return emitError(arg.getLoc())
             << "parameter '" << key.getValue()
             << "' must be statically shaped, got " << arg.getType();
    ParamSpec p{key.str(), type.getElementType(),
                llvm::SmallVector<int64_t>(type.getShape()), "", {}, {}};
    if (auto source = entry.getArgAttrOfType<StringAttr>(i, kParamSourceAttrName))
      p.source = source.str();
    if (auto shape =
            entry.getArgAttrOfType<DenseI64ArrayAttr>(i, kExpandedShapeAttrName))
      p.expandedShape.assign(shape.asArrayRef().begin(),
                             shape.asArrayRef().end());
    if (auto perm =
            entry.getArgAttrOfType<DenseI64ArrayAttr>(i, kPermutationAttrName))
      p.permutation.assign(perm.asArrayRef().begin(), perm.asArrayRef().end());
    params.push_back(std::move(p));
  }
  return params;
}

LogicalResult Compiler::collectTargetParams(ModuleOp cpuModule) {
  FailureOr<std::vector<ParamSpec>> cpu =
      entryParams(findEntry(cpuModule, entryName));
  if (failed(cpu))
    return failure();
  modelSignature.cpuParams = std::move(*cpu);
  // Targets that read a param in the same layout share its blob slice.
  modelSignature.params.clear();
  llvm::StringSet<> seen;
  for (const std::vector<ParamSpec> *list :
       {&modelSignature.cpuParams, &vulkanParams})
    for (const ParamSpec &p : *list)
      if (seen.insert(p.name).second)
        modelSignature.params.push_back(p);
  return success();
}

LogicalResult Compiler::captureSignature(ModuleOp module) {
  func::FuncOp entry = findEntry(module, entryName);
  modelSignature = ModelSignature();
  auto specOf = [&](Type type, Location loc, std::string name,
                    TensorSpec &spec) -> LogicalResult {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape())
      return emitError(loc) << "entry point '" << entryName
                            << "': '" << name
                            << "' must be a statically shaped tensor, got "
                            << type;
    spec = {std::move(name), tensor.getElementType(),
            llvm::SmallVector<int64_t>(tensor.getShape())};
    return success();
  };
  for (unsigned i = 0; i < entry.getNumArguments(); ++i) {
    BlockArgument arg = entry.getArgument(i);
    TensorSpec spec;
    if (entry.getArgAttr(i, kParamAttrName)) {
      if (failed(specOf(arg.getType(), arg.getLoc(), "parameter", spec)))
        return failure();
      continue;
    }
    if (failed(specOf(arg.getType(), arg.getLoc(), argName(entry, i, "input_"),
                      spec)))
      return failure();
    spec.isUnsigned = bool(entry.getArgAttr(i, "born.unsigned"));
    modelSignature.inputs.push_back(std::move(spec));
  }
  FailureOr<std::vector<ParamSpec>> params = entryParams(entry);
  if (failed(params))
    return failure();
  modelSignature.params = std::move(*params);
  for (unsigned i = 0; i < entry.getNumResults(); ++i) {
    TensorSpec spec;
    std::string name = "output_" + std::to_string(i);
    if (auto attr = entry.getResultAttrOfType<StringAttr>(i, "born.name"))
      name = attr.str();
    if (failed(specOf(entry.getResultTypes()[i], entry.getLoc(), name, spec)))
      return failure();
    spec.isUnsigned = bool(entry.getResultAttr(i, "born.unsigned"));
    if (Attribute attr = entry.getResultAttr(i, kTiedInputAttrName)) {
      // The attribute names an entry argument; the signature counts inputs
      // only (params are arguments too).
      auto index = dyn_cast<IntegerAttr>(attr);
      int64_t arg = index ? index.getInt() : -1;
      if (arg < 0 || arg >= entry.getNumArguments() ||
          entry.getArgAttr(arg, kParamAttrName))
        return emitError(entry.getLoc())
               << "entry point '" << entryName << "': output '" << name
               << "' has " << kTiedInputAttrName << " = " << attr
               << "; expected the index of one of its "
               << modelSignature.inputs.size() << " inputs";
      int64_t j = llvm::count_if(llvm::seq<int64_t>(0, arg), [&](int64_t a) {
        return !entry.getArgAttr(a, kParamAttrName);
      });
      const TensorSpec &input = modelSignature.inputs[j];
      if (input.elementType != spec.elementType || input.shape != spec.shape)
        return emitError(entry.getLoc())
               << "entry point '" << entryName << "': output '" << name
               << "' (" << entry.getResultTypes()[i]
               << ") is tied to input '" << input.name << "' ("
               << entry.getArgument(arg).getType()
               << "); a tied output has its input's type";
      for (const TensorSpec &other : modelSignature.outputs)
        if (other.tiedInput == j)
          return emitError(entry.getLoc())
                 << "entry point '" << entryName << "': outputs '"
                 << other.name << "' and '" << name << "' are both tied to input '"
                 << input.name << "'";
      spec.tiedInput = static_cast<int32_t>(j);
    }
    modelSignature.outputs.push_back(std::move(spec));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// LLVM IR: descriptor, weights, entry wrapper, main
//===----------------------------------------------------------------------===//

static int32_t dtypeOf(Type t, bool isUnsigned = false) {
  if (isUnsigned && t.isInteger(8))
    return BORN_DTYPE_U8;
  if (isUnsigned && t.isInteger(16))
    return BORN_DTYPE_U16;
  if (isUnsigned && t.isInteger(32))
    return BORN_DTYPE_U32;
  if (isUnsigned && t.isInteger(64))
    return BORN_DTYPE_U64;
  if (t.isF32())
    return BORN_DTYPE_F32;
  if (t.isF16())
    return BORN_DTYPE_F16;
  if (t.isBF16())
    return BORN_DTYPE_BF16;
  if (t.isF64())
    return BORN_DTYPE_F64;
  if (t.isInteger(32))
    return BORN_DTYPE_I32;
  if (t.isInteger(64))
    return BORN_DTYPE_I64;
  if (t.isInteger(16))
    return BORN_DTYPE_I16;
  if (t.isInteger(8))
    return BORN_DTYPE_I8;
  if (t.isInteger(1))
    return BORN_DTYPE_BOOL;
  return 0;
}

static llvm::Error internalError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "internal error: " + msg);
}

namespace {
/// Builds the constant data that the runtime reads through born_model.
class DescriptorBuilder {
public:
  DescriptorBuilder(llvm::Module &m, llvm::StringRef prefix)
      : m(m), ctx(m.getContext()), prefix(prefix) {
    ptrTy = llvm::PointerType::getUnqual(ctx);
    i32 = llvm::Type::getInt32Ty(ctx);
    i64 = llvm::Type::getInt64Ty(ctx);
    tensorInfoTy = llvm::StructType::create(ctx, {ptrTy, i32, i32, ptrTy, i32},
                                            "born_tensor_info");
    modelTy = llvm::StructType::create(
        ctx,
        {i32, ptrTy, i32, i32, ptrTy, ptrTy, ptrTy, i64, ptrTy, ptrTy, ptrTy,
         ptrTy, i64, i64, i64},
        "born_model");
  }

  llvm::Constant *privateConstant(llvm::Constant *init, const llvm::Twine &name,
                                  uint64_t align = 8) {
    auto *g = new llvm::GlobalVariable(m, init->getType(), /*isConstant=*/true,
                                       llvm::GlobalValue::PrivateLinkage, init,
                                       prefix + "_" + name);
    g->setAlignment(llvm::Align(align));
    return g;
  }

  llvm::Constant *string(llvm::StringRef s, const llvm::Twine &name) {
    return privateConstant(llvm::ConstantDataArray::getString(ctx, s), name, 1);
  }

  llvm::Constant *tensorInfos(llvm::ArrayRef<TensorSpec> specs,
                              llvm::StringRef kind) {
    if (specs.empty())
      return llvm::ConstantPointerNull::get(ptrTy);
    std::vector<llvm::Constant *> infos;
    for (auto [i, spec] : llvm::enumerate(specs)) {
      std::vector<uint64_t> dims(spec.shape.begin(), spec.shape.end());
      llvm::Constant *shape =
          dims.empty() ? llvm::ConstantPointerNull::get(ptrTy)
                       : privateConstant(llvm::ConstantDataArray::get(ctx, dims),
                                         kind + "_shape" + llvm::Twine(i));
      infos.push_back(llvm::ConstantStruct::get(
          tensorInfoTy,
          {string(spec.name, kind + "_name" + llvm::Twine(i)),
           llvm::ConstantInt::get(i32, dtypeOf(spec.elementType,
                                               spec.isUnsigned)),
           llvm::ConstantInt::get(i32, spec.shape.size()), shape,
           llvm::ConstantInt::get(i32, spec.tiedInput)}));
    }
    return privateConstant(
        llvm::ConstantArray::get(llvm::ArrayType::get(tensorInfoTy, infos.size()),
                                 infos),
        kind);
  }

  /// born_vk_program and everything it points to; `offsets` places the
  /// weights buffers in the blob.
  llvm::Constant *vulkanProgram(const VulkanProgram &program,
                                llvm::ArrayRef<uint64_t> weightsOffsets) {
    auto *u32Array3 = llvm::ArrayType::get(i32, 3);
    auto *kernelTy = llvm::StructType::create(
        ctx, {ptrTy, i64, ptrTy, i32, u32Array3}, "born_vk_kernel");
    auto *bufferTy =
        llvm::StructType::create(ctx, {i32, i32, i64, i64}, "born_vk_buffer");
    auto *dispatchTy = llvm::StructType::create(ctx, {i32, u32Array3, ptrTy},
                                                "born_vk_dispatch");
    auto *programTy = llvm::StructType::create(
        ctx, {i32, ptrTy, i32, ptrTy, i32, ptrTy}, "born_vk_program");
    auto triple = [&](const std::array<uint32_t, 3> &v) {
      return llvm::ConstantDataArray::get(ctx, llvm::ArrayRef<uint32_t>(v));
    };
    auto array = [&](llvm::Type *elementTy,
                     llvm::ArrayRef<llvm::Constant *> elements,
                     const llvm::Twine &name) -> llvm::Constant * {
      if (elements.empty())
        return llvm::ConstantPointerNull::get(ptrTy);
      return privateConstant(
          llvm::ConstantArray::get(
              llvm::ArrayType::get(elementTy, elements.size()), elements),
          name);
    };

    std::vector<llvm::Constant *> kernels, buffers, dispatches;
    for (auto [i, k] : llvm::enumerate(program.kernels)) {
      llvm::Constant *words = privateConstant(
          llvm::ConstantDataArray::get(ctx, llvm::ArrayRef(k.spirv)),
          "vk_spirv" + llvm::Twine(i), 4);
      kernels.push_back(llvm::ConstantStruct::get(
          kernelTy, {words, llvm::ConstantInt::get(i64, k.spirv.size()),
                     string(k.entry, "vk_entry" + llvm::Twine(i)),
                     llvm::ConstantInt::get(i32, k.numBindings),
                     triple(k.localSize)}));
    }
    for (auto [i, b] : llvm::enumerate(program.buffers))
      buffers.push_back(llvm::ConstantStruct::get(
          bufferTy, {llvm::ConstantInt::get(i32, static_cast<int>(b.kind)),
                     llvm::ConstantInt::get(i32, b.index),
                     llvm::ConstantInt::get(i64, weightsOffsets[i]),
                     llvm::ConstantInt::get(i64, b.size)}));
    for (auto [i, d] : llvm::enumerate(program.dispatches)) {
      llvm::Constant *bindings =
          d.bindings.empty()
              ? llvm::ConstantPointerNull::get(ptrTy)
              : privateConstant(
                    llvm::ConstantDataArray::get(ctx, llvm::ArrayRef(d.bindings)),
                    "vk_bindings" + llvm::Twine(i), 4);
      dispatches.push_back(llvm::ConstantStruct::get(
          dispatchTy,
          {llvm::ConstantInt::get(i32, d.kernel), triple(d.grid), bindings}));
    }
    return privateConstant(
        llvm::ConstantStruct::get(
            programTy,
            {llvm::ConstantInt::get(i32, kernels.size()),
             array(kernelTy, kernels, "vk_kernels"),
             llvm::ConstantInt::get(i32, buffers.size()),
             array(bufferTy, buffers, "vk_buffers"),
             llvm::ConstantInt::get(i32, dispatches.size()),
             array(dispatchTy, dispatches, "vk_dispatches")}),
        "vk_program");
  }

  llvm::Module &m;
  llvm::LLVMContext &ctx;
  std::string prefix;
  llvm::PointerType *ptrTy;
  llvm::IntegerType *i32, *i64;
  llvm::StructType *tensorInfoTy, *modelTy;
};
} // namespace

/// Defines the launchers that born-cpu-outline-parallel-loops declared:
/// `X__launchN(ptr buffers..., i64 n)` packs the buffer pointers and runs
/// `X__taskN(buffers..., begin, end)` through born_parallel_for.
static llvm::Error defineParallelLaunchers(llvm::Module &m) {
  llvm::LLVMContext &ctx = m.getContext();
  llvm::IRBuilder<> b(ctx);
  llvm::Type *ptrTy = llvm::PointerType::getUnqual(ctx);
  llvm::Type *i64 = b.getInt64Ty();
  llvm::FunctionCallee parallelFor = m.getOrInsertFunction(
      "born_parallel_for", b.getVoidTy(), i64, ptrTy, ptrTy);
  SmallVector<llvm::Function *> launchers;
  for (llvm::Function &f : m)
    if (f.isDeclaration() && f.getName().contains("__launch"))
      launchers.push_back(&f);
  for (llvm::Function *launch : launchers) {
    std::string taskName = launch->getName().str();
    taskName.replace(taskName.rfind("__launch"), 8, "__task");
    llvm::Function *task = m.getFunction(taskName);
    unsigned numBuffers = launch->arg_size() - 1;
    if (!task || task->arg_size() != numBuffers + 2)
      return internalError("no task function for " + launch->getName());

    // void trampoline(void *env, int64_t begin, int64_t end)
    auto *trampoline = llvm::Function::Create(
        llvm::FunctionType::get(b.getVoidTy(), {ptrTy, i64, i64}, false),
        llvm::GlobalValue::InternalLinkage, taskName + "_trampoline", m);
    b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "", trampoline));
    SmallVector<llvm::Value *> args;
    for (unsigned i = 0; i < numBuffers; ++i)
      args.push_back(b.CreateLoad(
          ptrTy, b.CreateConstGEP1_64(ptrTy, trampoline->getArg(0), i)));
    args.append({trampoline->getArg(1), trampoline->getArg(2)});
    b.CreateCall(task, args);
    b.CreateRetVoid();

    launch->setLinkage(llvm::GlobalValue::InternalLinkage);
    b.SetInsertPoint(llvm::BasicBlock::Create(ctx, "", launch));
    llvm::Value *env = b.CreateAlloca(ptrTy, b.getInt64(std::max(numBuffers, 1u)));
    for (unsigned i = 0; i < numBuffers; ++i)
      b.CreateStore(launch->getArg(i), b.CreateConstGEP1_64(ptrTy, env, i));
    b.CreateCall(parallelFor, {launch->getArg(numBuffers), trampoline, env});
    b.CreateRetVoid();
  }
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<llvm::Module>>
Compiler::translateToLLVM(ModuleOp module, llvm::LLVMContext &llvmContext,
                          const WeightsPlacement &weights, bool withMain) {
  std::unique_ptr<llvm::Module> m =
      translateModuleToLLVMIR(module, llvmContext, options.prefix);
  if (!m)
    return internalError("translation to LLVM IR failed");
  const std::string &prefix = options.prefix;

  // Only the descriptor (and main) are exported, so that several models link
  // into one program.
  for (llvm::Function &f : *m)
    if (!f.isDeclaration())
      f.setLinkage(llvm::GlobalValue::InternalLinkage);
  for (llvm::GlobalVariable &g : m->globals())
    if (!g.isDeclaration())
      g.setLinkage(llvm::GlobalValue::InternalLinkage);

  if (llvm::Error err = defineParallelLaunchers(*m))
    return std::move(err);

  const ModelSignature &sig = modelSignature;
  DescriptorBuilder d(*m, prefix);
  llvm::IRBuilder<> b(llvmContext);
  uint64_t weightsSize = weights.size;
  auto paramOffset = [&](const std::string &name) -> llvm::Expected<uint64_t> {
    const llvm::StringMap<uint64_t> *offsets =
        weights.offsets ? weights.offsets
                        : (weights.blob ? &weights.blob->offsets : nullptr);
    if (!offsets)
      return 0;
    auto it = offsets->find(name);
    if (it == offsets->end())
      return internalError("parameter '" + name + "' missing from blob");
    return it->second;
  };

  llvm::Constant *cpuEntry = llvm::ConstantPointerNull::get(d.ptrTy);
  if (options.targetCPU) {
    llvm::Function *forward = m->getFunction(entryName);
    if (!forward)
      return internalError("entry function '" + entryName + "' not found");
    forward->setName(prefix + "_forward");
    size_t numArgs =
        sig.inputs.size() + sig.cpuParams.size() + sig.outputs.size();
    if (forward->arg_size() != numArgs)
      return internalError("entry takes " + llvm::Twine(forward->arg_size()) +
                           " arguments, expected " + llvm::Twine(numArgs));

    // void PREFIX_entry(void *const *args, const uint8_t *weights)
    auto *entryTy = llvm::FunctionType::get(b.getVoidTy(), {d.ptrTy, d.ptrTy},
                                            /*isVarArg=*/false);
    auto *entry = llvm::Function::Create(
        entryTy, llvm::GlobalValue::InternalLinkage, prefix + "_entry", *m);
    b.SetInsertPoint(llvm::BasicBlock::Create(llvmContext, "", entry));
    llvm::Value *args = entry->getArg(0), *base = entry->getArg(1);
    std::vector<llvm::Value *> callArgs;
    auto loadArg = [&](size_t i) {
      return b.CreateLoad(d.ptrTy, b.CreateConstGEP1_64(d.ptrTy, args, i));
    };
    for (size_t i = 0; i < sig.inputs.size(); ++i)
      callArgs.push_back(loadArg(i));
    for (const ParamSpec &p : sig.cpuParams) {
      llvm::Expected<uint64_t> offset = paramOffset(p.name);
      if (!offset)
        return offset.takeError();
      callArgs.push_back(b.CreateConstGEP1_64(b.getInt8Ty(), base, *offset));
    }
    for (size_t i = 0; i < sig.outputs.size(); ++i)
      callArgs.push_back(loadArg(sig.inputs.size() + i));
    b.CreateCall(forward, callArgs);
    b.CreateRetVoid();
    cpuEntry = entry;
  }

  llvm::Constant *vkProgram = llvm::ConstantPointerNull::get(d.ptrTy);
  if (const VulkanProgram *program = vulkanProgram()) {
    std::vector<uint64_t> offsets;
    for (const VulkanBuffer &buffer : program->buffers) {
      uint64_t offset = 0;
      if (buffer.kind == VulkanBuffer::Kind::Weights) {
        llvm::Expected<uint64_t> found = paramOffset(buffer.param);
        if (!found)
          return found.takeError();
        offset = *found;
      }
      offsets.push_back(offset);
    }
    vkProgram = d.vulkanProgram(*program, offsets);
  }

  static_assert(WeightsBlob::kTailAlignment == BORN_WEIGHTS_TAIL_ALIGNMENT);
  // An embedded blob is all the weights, or, after a file read in place,
  // its tail.
  bool tail = weights.blob && weights.blob->tailOffset != 0;
  if (tail && weights.externalPath.empty())
    return internalError("a weights tail without the file it follows");
  llvm::Constant *blob = llvm::ConstantPointerNull::get(d.ptrTy);
  if (weights.blob && !weights.blob->bytes.empty()) {
    auto *g = new llvm::GlobalVariable(
        *m, llvm::ArrayType::get(b.getInt8Ty(), weights.blob->bytes.size()),
        true, llvm::GlobalValue::PrivateLinkage,
        llvm::ConstantDataArray::get(llvmContext,
                                     llvm::ArrayRef(weights.blob->bytes)),
        prefix + "_weights");
    g->setAlignment(llvm::Align(WeightsBlob::kAlignment));
    blob = g;
  }
  llvm::Constant *weightsPath =
      weights.blob && !tail ? static_cast<llvm::Constant *>(
                                  llvm::ConstantPointerNull::get(d.ptrTy))
                            : d.string(weights.externalPath, "weights_path");
  llvm::Constant *null = llvm::ConstantPointerNull::get(d.ptrTy);

  llvm::Constant *model = llvm::ConstantStruct::get(
      d.modelTy,
      {llvm::ConstantInt::get(d.i32, BORN_ABI_VERSION),
       d.string(prefix, "name"),
       llvm::ConstantInt::get(d.i32, sig.inputs.size()),
       llvm::ConstantInt::get(d.i32, sig.outputs.size()),
       d.tensorInfos(sig.inputs, "inputs"),
       d.tensorInfos(sig.outputs, "outputs"), tail ? null : blob,
       llvm::ConstantInt::get(d.i64, weightsSize), weightsPath, cpuEntry,
       vkProgram, tail ? blob : null,
       llvm::ConstantInt::get(d.i64, tail ? weights.blob->bytes.size() : 0),
       llvm::ConstantInt::get(d.i64, weights.headerSize),
       llvm::ConstantInt::get(d.i64, weights.headerHash)});
  auto *modelVar = new llvm::GlobalVariable(
      *m, d.modelTy, true, llvm::GlobalValue::ExternalLinkage, model,
      prefix + "_model");
  modelVar->setAlignment(llvm::Align(8));

  if (withMain) {
    // int main(int argc, char **argv) { return born_main(&model, argc, argv); }
    auto *bornMain = llvm::Function::Create(
        llvm::FunctionType::get(d.i32, {d.ptrTy, d.i32, d.ptrTy}, false),
        llvm::GlobalValue::ExternalLinkage, "born_main", *m);
    auto *mainFn = llvm::Function::Create(
        llvm::FunctionType::get(d.i32, {d.i32, d.ptrTy}, false),
        llvm::GlobalValue::ExternalLinkage, "main", *m);
    b.SetInsertPoint(llvm::BasicBlock::Create(llvmContext, "", mainFn));
    b.CreateRet(b.CreateCall(bornMain,
                             {modelVar, mainFn->getArg(0), mainFn->getArg(1)}));
  }
  return m;
}

/// The target machine for `cpuName` (empty or "native": the host CPU and
/// its features).
static llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createTargetMachine(const std::string &cpuName) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::string error;
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return internalError("no LLVM target for " + triple.str() + ": " + error);
  std::string cpu = cpuName;
  std::string features;
  if (cpu.empty() || cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    std::vector<std::string> list;
    for (auto &f : llvm::sys::getHostCPUFeatures())
      list.push_back((f.second ? "+" : "-") + f.first().str());
    features = llvm::join(list, ",");
  }
  llvm::TargetOptions targetOptions;
  std::unique_ptr<llvm::TargetMachine> tm(target->createTargetMachine(
      triple, cpu, features, targetOptions, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    return internalError("cannot create a target machine for CPU '" + cpu +
                         "'");
  return tm;
}

RegisterBlock Compiler::registerBlock() const {
  RegisterBlock block;
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> tm =
      createTargetMachine(options.cpuName);
  if (tm)
    block = registerBlockFor(
        (*tm)->getMCSubtargetInfo()->checkFeatures("+avx512f") ? 512 : 256);
  else
    llvm::consumeError(tm.takeError()); // writeObject reports it
  if (options.blockRows)
    block.rows = options.blockRows;
  if (options.blockCols)
    block.cols = options.blockCols;
  return block;
}

llvm::Error Compiler::writeObject(llvm::Module &m, llvm::StringRef path) {
  llvm::Expected<std::unique_ptr<llvm::TargetMachine>> created =
      createTargetMachine(options.cpuName);
  if (!created)
    return created.takeError();
  std::unique_ptr<llvm::TargetMachine> tm = std::move(*created);
  const llvm::Triple &triple = tm->getTargetTriple();
  m.setTargetTriple(triple);
  m.setDataLayout(tm->createDataLayout());

  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec, llvm::sys::fs::OF_None);
  if (ec)
    return llvm::createStringError(ec, "cannot write " + path + ": " +
                                           ec.message());
  // Kernels of equal shapes (the layers of an LLM, say) come out as equal
  // functions: one of each gets machine code, which is most of the compile
  // time. No other IR pass: an O3 middle end made the kernels slower
  // (measured; ../shared/TOOLCHAIN.md).
  llvm::MergeFunctionsPass::runOnModule(m);
  llvm::legacy::PassManager pm;
  if (tm->addPassesToEmitFile(pm, os, nullptr,
                              llvm::CodeGenFileType::ObjectFile))
    return internalError("the target cannot emit object files");
  pm.run(m);
  os.flush();
  if (os.has_error())
    return llvm::createStringError(os.error(), "error writing " + path);
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// C header and linking
//===----------------------------------------------------------------------===//

static std::string cTypeName(Type t, bool isUnsigned) {
  if (t.isInteger() && !t.isInteger(1))
    return (isUnsigned ? "uint" : "int") +
           std::to_string(t.getIntOrFloatBitWidth()) + "_t";
  if (t.isF32())
    return "float";
  if (t.isF64())
    return "double";
  if (t.isF16() || t.isBF16())
    return "uint16_t";
  if (t.isInteger(64))
    return "int64_t";
  if (t.isInteger(32))
    return "int32_t";
  if (t.isInteger(8))
    return "int8_t";
  return "uint8_t";
}

std::string Compiler::cHeader() const {
  const std::string &p = options.prefix;
  std::string guard = llvm::StringRef(p).upper() + "_BORN_MODEL_H";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << "/* Generated by bornc. Link with the object file and libborn_runtime.a"
        "\n * (plus -lstdc++ -lm -lpthread -ldl).\n *\n";
  auto describe = [&](llvm::StringRef what,
                      llvm::ArrayRef<TensorSpec> specs) {
    for (auto [i, spec] : llvm::enumerate(specs)) {
      os << " * " << what << " " << i << " '" << spec.name << "': "
         << cTypeName(spec.elementType, spec.isUnsigned) << "[";
      llvm::interleave(spec.shape, os, "][");
      os << "]";
      if (spec.tiedInput >= 0)
        os << ", may be written over input " << spec.tiedInput << " '"
           << modelSignature.inputs[spec.tiedInput].name << "'";
      os << "\n";
    }
  };
  describe("input", modelSignature.inputs);
  describe("output", modelSignature.outputs);
  os << " */\n#ifndef " << guard << "\n#define " << guard
     << "\n\n#include \"born/runtime.h\"\n\n#ifdef __cplusplus\nextern \"C\" "
        "{\n#endif\n\n";
  os << "extern const born_model " << p << "_model;\n\n";
  os << "#define " << llvm::StringRef(p).upper() << "_NUM_INPUTS "
     << modelSignature.inputs.size() << "\n#define "
     << llvm::StringRef(p).upper() << "_NUM_OUTPUTS "
     << modelSignature.outputs.size() << "\n\n";
  os << "/* Creates a session (opts may be NULL); NULL with a message in err on "
        "failure. */\nstatic inline born_session *"
     << p << "_create(const born_options *opts, char *err, size_t errlen) {\n"
     << "  return born_session_create(&" << p
     << "_model, opts, err, errlen);\n}\n\n";
  os << "/* Runs the model: inputs and outputs in graph order. */\n"
        "static inline int "
     << p
     << "_run(born_session *s, const void *const *inputs, void *const "
        "*outputs, char *err, size_t errlen) {\n"
     << "  return born_session_run(s, inputs, outputs, err, errlen);\n}\n\n";
  os << "#ifdef __cplusplus\n}\n#endif\n#endif\n";
  return s;
}

std::string runtimeLibraryPath() { return BORN_RUNTIME_LIBRARY; }
std::string runtimeIncludeDir() { return BORN_RUNTIME_INCLUDE_DIR; }

/// The C++ compiler driver used as the linker: `$BORN_CXX`, else the first of
/// c++, clang++, g++ on the PATH. A C++ driver, because the runtime needs
/// libstdc++.
static llvm::Expected<std::string> findLinkerDriver() {
  if (const char *env = std::getenv("BORN_CXX"))
    return std::string(env);
  for (const char *candidate : {"c++", "clang++", "g++"})
    if (auto path = llvm::sys::findProgramByName(candidate))
      return *path;
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "no C++ compiler driver found to link with (install g++ or clang, or "
      "set BORN_CXX)");
}

/// Runs the linker driver on `objects` plus the runtime and its system
/// libraries, with `flags` before the inputs.
static llvm::Error link(llvm::ArrayRef<std::string> flags,
                        llvm::ArrayRef<std::string> objects,
                        llvm::StringRef output, bool wholeRuntime) {
  llvm::Expected<std::string> driver = findLinkerDriver();
  if (!driver)
    return driver.takeError();
  std::vector<std::string> argv = {*driver};
  llvm::append_range(argv, flags);
  argv.insert(argv.end(), {"-o", output.str()});
  llvm::append_range(argv, objects);
  if (wholeRuntime)
    argv.insert(argv.end(), {"-Wl,--whole-archive", runtimeLibraryPath(),
                             "-Wl,--no-whole-archive"});
  else
    argv.push_back(runtimeLibraryPath());
  // The runtime is a static archive: its own dependencies come along here.
  // Not libvulkan: the runtime dlopens it on first Vulkan use, so that the
  // output starts (and runs on the CPU) where there is no Vulkan loader.
  // -ldl is for dlopen before glibc 2.34.
  argv.insert(argv.end(), {"-lm", "-lpthread", "-ldl"});
  std::vector<llvm::StringRef> refs(argv.begin(), argv.end());
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(*driver, refs, std::nullopt, {}, 0, 0,
                                     &error);
  if (rc != 0)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "linking " + output + " with " + *driver +
                                       " failed (exit " + llvm::Twine(rc) +
                                       ")" + (error.empty() ? "" : ": ") +
                                       error);
  return llvm::Error::success();
}

llvm::Error linkExecutable(llvm::ArrayRef<std::string> objects,
                           llvm::StringRef output) {
  return link({}, objects, output, /*wholeRuntime=*/false);
}

llvm::Error linkSharedLibrary(llvm::ArrayRef<std::string> objects,
                              llvm::StringRef output) {
  // The whole runtime goes in: the loader calls its session functions, which
  // the model itself never references. -Bsymbolic binds the library's
  // references to that copy, even when the program that dlopens it exports
  // runtime symbols of its own.
  return link({"-shared", "-Wl,-Bsymbolic"}, objects, output,
              /*wholeRuntime=*/true);
}
} // namespace born
