// bornc: compiles a model to a standalone executable, an object file with a
// C header, or any intermediate form.
#include "compiler/Driver/Compiler.h"
#include "compiler/LLM/LlamaModel.h"
#include "compiler/ONNX/Importer.h"
#include "compiler/Training/Training.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace {
enum class Emit { Exe, Obj, MLIR, LLVM, SPIRV };

cl::OptionCategory category("bornc options");
cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx | model.mlir | model.gguf>"),
                               cl::Required, cl::cat(category));
cl::opt<std::string> outputPath("o", cl::desc("Output file ('-' = stdout for "
                                              "text forms)"),
                                cl::value_desc("path"), cl::cat(category));
cl::opt<Emit> emit(
    "emit", cl::desc("What to produce"), cl::init(Emit::Exe),
    cl::values(clEnumValN(Emit::Exe, "exe", "standalone executable (default)"),
               clEnumValN(Emit::Obj, "obj", "object file plus a C header"),
               clEnumValN(Emit::MLIR, "mlir", "MLIR after --compile-to"),
               clEnumValN(Emit::LLVM, "llvm", "LLVM IR"),
               clEnumValN(Emit::SPIRV, "spirv", "SPIR-V kernels")),
    cl::cat(category));
cl::opt<std::string> targets("target",
                             cl::desc("Targets: cpu, vulkan or cpu,vulkan"),
                             cl::init("cpu"), cl::cat(category));
cl::opt<std::string> compileTo(
    "compile-to",
    cl::desc("Stop after a phase and print its IR: import, graph, dispatch, "
             "kernels, host"),
    cl::cat(category));
cl::opt<std::string> prefix("prefix",
                            cl::desc("Symbol prefix of the model's exports "
                                     "(default: 'model')"),
                            cl::init("model"), cl::cat(category));
cl::opt<std::string> targetCpu("target-cpu",
                               cl::desc("LLVM CPU name (default: the host CPU "
                                        "and its features)"),
                               cl::cat(category));
cl::opt<std::string> registerBlock(
    "register-block",
    cl::desc("CPU matmul register block ROWSxCOLS (default: chosen for the "
             "target CPU), for tuning"),
    cl::value_desc("8x32"), cl::cat(category));
cl::opt<std::string> entry("entry", cl::desc("Entry function name"),
                           cl::cat(category));
cl::opt<std::string> weightsPath(
    "weights", cl::desc("SafeTensors file with the born.param tensors"),
    cl::value_desc("file.safetensors"), cl::cat(category));
cl::opt<bool> externalWeights(
    "external-weights",
    cl::desc("Write weights to OUTPUT.weights (mmapped at run time) instead "
             "of embedding them"),
    cl::cat(category));
cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("ONNX: static shape of an input with symbolic dimensions"),
    cl::value_desc("NAME=1x3x224x224"), cl::cat(category));
cl::list<std::string> boundInputs(
    "bind-input",
    cl::desc("ONNX: make an input a constant read from a TensorProto (.pb) "
             "file, for inputs that determine shapes"),
    cl::value_desc("NAME=FILE"), cl::cat(category));
cl::opt<int64_t> ctxSize(
    "ctx-size",
    cl::desc("GGUF language models: KV cache positions (default: the "
             "model's context length, at most 2048)"),
    cl::init(0), cl::cat(category));
cl::opt<int64_t> prefillChunk(
    "prefill-chunk",
    cl::desc("GGUF language models: prompt tokens per prefill call"),
    cl::init(64), cl::cat(category));
cl::opt<bool> embedWeights(
    "embed-weights",
    cl::desc("GGUF language models: embed the weights in the executable "
             "instead of reading the GGUF file in place at run time"),
    cl::cat(category));
cl::opt<bool> quiet("q", cl::desc("No progress on stderr"), cl::cat(category));

cl::OptionCategory trainCategory("training steps (.mlir models)");
cl::opt<std::string> train(
    "train",
    cl::desc("Compile a training step of the model instead of the model: "
             "sgd, adam or adamw (docs/training.md)"),
    cl::value_desc("optimizer"), cl::cat(trainCategory));
cl::opt<std::string> loss("loss",
                          cl::desc("Training: cross-entropy (default), nll "
                                   "or mse"),
                          cl::init("cross-entropy"), cl::cat(trainCategory));
cl::opt<double> momentum("momentum", cl::desc("Training, sgd: momentum"),
                         cl::init(0), cl::cat(trainCategory));
cl::opt<double> weightDecay(
    "weight-decay",
    cl::desc("Training: L2 (sgd, adam) or decoupled (adamw) weight decay"),
    cl::cat(trainCategory));
cl::opt<double> beta1("beta1", cl::desc("Training, adam(w): beta1"),
                      cl::init(0.9), cl::cat(trainCategory));
cl::opt<double> beta2("beta2", cl::desc("Training, adam(w): beta2"),
                      cl::init(0.999), cl::cat(trainCategory));
cl::opt<double> epsilon("epsilon", cl::desc("Training, adam(w): epsilon"),
                        cl::init(1e-8), cl::cat(trainCategory));

int fail(const Twine &msg) {
  errs() << "bornc: error: " << msg << "\n";
  return 1;
}

int fail(Error err) {
  std::string msg = toString(std::move(err));
  return fail(msg);
}

/// Writes DIR/<kernel>.spv for every kernel and DIR/schedule.txt.
bool writeSPIRV(const born::VulkanProgram &program, StringRef dir) {
  if (std::error_code ec = sys::fs::create_directories(dir)) {
    fail("cannot create directory " + dir + ": " + ec.message());
    return false;
  }
  auto write = [&](StringRef name, StringRef bytes) {
    SmallString<128> path(dir);
    sys::path::append(path, name);
    std::error_code ec;
    raw_fd_ostream os(path, ec, sys::fs::OF_None);
    if (!ec) {
      os << bytes;
      os.close();
      ec = os.error();
    }
    if (ec)
      fail("cannot write " + path + ": " + ec.message());
    return !ec;
  };
  for (const born::VulkanKernel &kernel : program.kernels) {
    StringRef bytes(reinterpret_cast<const char *>(kernel.spirv.data()),
                    kernel.spirv.size() * sizeof(uint32_t));
    if (!write(kernel.name + ".spv", bytes))
      return false;
  }
  return write("schedule.txt", program.summary());
}

bool samePath(StringRef a, StringRef b) {
  sys::fs::UniqueID ia, ib;
  return !sys::fs::getUniqueID(a, ia) && !sys::fs::getUniqueID(b, ib) &&
         ia == ib;
}
} // namespace

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&category, &trainCategory});
  cl::SetVersionPrinter([](raw_ostream &os) {
    os << "bornc " BORN_VERSION " (LLVM/MLIR " LLVM_VERSION_STRING ")\n";
  });
  cl::ParseCommandLineOptions(
      argc, argv,
      "bornc: Born's ahead-of-time model compiler\n\n"
      "  bornc model.mlir --weights w.safetensors -o model   # executable\n"
      "  bornc model.mlir --emit=obj -o model.o               # + model.h\n");

  born::CompileOptions options;
  options.prefix = prefix;
  options.cpuName = targetCpu;
  options.entry = entry;
  options.quiet = quiet;
  if (!registerBlock.empty()) {
    auto [rows, cols] = StringRef(registerBlock).split('x');
    if (rows.getAsInteger(10, options.blockRows) ||
        cols.getAsInteger(10, options.blockCols) || options.blockRows <= 0 ||
        options.blockCols <= 0)
      return fail("--register-block: expected ROWSxCOLS, e.g. 8x32");
  }
  SmallVector<StringRef> targetList;
  StringRef(targets).split(targetList, ',');
  options.targetCPU = options.targetVulkan = false;
  for (StringRef t : targetList) {
    if (t == "cpu")
      options.targetCPU = true;
    else if (t == "vulkan")
      options.targetVulkan = true;
    else
      return fail("unknown target '" + t + "' (expected cpu, vulkan or "
                  "cpu,vulkan)");
  }
  if (emit == Emit::SPIRV) {
    if (!compileTo.empty())
      return fail("--emit=spirv and --compile-to cannot be combined");
    // Only the kernels are wanted: skip CPU codegen.
    options.targetCPU = false;
    options.targetVulkan = true;
    options.compileTo = born::Phase::Kernels;
  }
  if (!StringRef(prefix).empty() &&
      (!isalpha(prefix[0]) && prefix[0] != '_'))
    return fail("--prefix must be a C identifier");
  for (char c : prefix)
    if (!isalnum(c) && c != '_')
      return fail("--prefix must be a C identifier, got '" + prefix + "'");

  if (!compileTo.empty()) {
    std::optional<born::Phase> phase = born::parsePhase(compileTo);
    if (!phase || *phase == born::Phase::Object)
      return fail("unknown phase '" + compileTo +
                  "' for --compile-to (expected import, graph, dispatch, "
                  "kernels or host)");
    options.compileTo = *phase;
    emit = Emit::MLIR;
  } else if (emit == Emit::MLIR) {
    options.compileTo = born::Phase::Host;
  }

  StringRef ext = sys::path::extension(inputPath);
  bool isONNX = ext == ".onnx";
  if (ext == ".gguf") {
    // A language model: prefill + decode + the generation loop, CPU only.
    bool printIR = !compileTo.empty();
    if (!train.empty())
      return fail("--train applies to born-dialect .mlir models, not GGUF "
                  "language models");
    if ((emit != Emit::Exe && !printIR) || !options.targetCPU ||
        !weightsPath.empty() || externalWeights)
      return fail("GGUF models compile to executables for the CPU (or "
                  "--target=cpu,vulkan), or print their steps' IR with "
                  "--compile-to, only so far (no other --emit, --weights or "
                  "--external-weights)");
    if (outputPath.empty() && printIR)
      outputPath = "-";
    if (outputPath.empty())
      return fail("-o OUTPUT is required");
    if (samePath(inputPath, outputPath))
      return fail("output " + outputPath + " would overwrite the input");
    if (ctxSize < 0 || prefillChunk < 1)
      return fail("--ctx-size must be >= 0 and --prefill-chunk >= 1");
    born::llm::LlamaCompileOptions llmOptions;
    llmOptions.context = ctxSize;
    llmOptions.prefillChunk = prefillChunk;
    llmOptions.cpu = targetCpu;
    llmOptions.vulkan = options.targetVulkan;
    llmOptions.embedWeights = embedWeights;
    llmOptions.quiet = quiet;
    if (printIR)
      llmOptions.compileTo = options.compileTo;
    if (Error err = born::llm::compileLlamaExecutable(inputPath, outputPath,
                                                      llmOptions))
      return fail(std::move(err));
    return 0;
  }
  if (!train.empty() && (isONNX || !weightsPath.empty() || externalWeights))
    return fail("--train compiles a training step from a born-dialect .mlir "
                "model; the step takes its params as inputs, so --weights and "
                "--external-weights do not apply");
  if (train.empty())
    for (cl::Option *o : std::initializer_list<cl::Option *>{
             &loss, &momentum, &weightDecay, &beta1, &beta2, &epsilon})
      if (o->getNumOccurrences())
        return fail("--" + o->ArgStr + " applies to training steps (--train)");
  if (embedWeights)
    return fail("--embed-weights applies to GGUF models only (other models "
                "embed their weights unless --external-weights)");
  if (!isONNX && (!inputShapes.empty() || !boundInputs.empty()))
    return fail("--input-shape and --bind-input apply to ONNX models only");
  if (isONNX && !weightsPath.empty())
    return fail("--weights does not apply to ONNX models: their weights are "
                "the model's initializers");
  bool textOutput = emit == Emit::MLIR || emit == Emit::LLVM;
  if (outputPath.empty()) {
    if (!textOutput)
      return fail("-o OUTPUT is required for --emit=exe, obj and spirv");
    outputPath = "-";
  }
  if (outputPath != "-" && samePath(inputPath, outputPath))
    return fail("output " + outputPath + " would overwrite the input");

  mlir::DialectRegistry registry;
  born::registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();
  SourceMgr sourceMgr;
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  std::string error;
  // A training step is built in a graph of its own; declared before the
  // module, which then lives in the graph's context.
  std::unique_ptr<born::Graph> stepGraph;
  std::optional<mlir::SourceMgrDiagnosticHandler> stepDiagnostics;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  // Weights: the ONNX model's initializers, or a SafeTensors file.
  born::WeightSet weightSet;
  if (isONNX) {
    born::onnx::ImportOptions importOptions;
    for (const std::string &spec : inputShapes)
      if (Error err = born::onnx::parseInputShape(spec, importOptions))
        return fail(std::move(err));
    for (StringRef spec : boundInputs) {
      auto [name, file] = spec.split('=');
      if (name.empty() || file.empty())
        return fail("--bind-input expects NAME=FILE, got '" + spec + "'");
      importOptions.boundInputs[name] = file.str();
    }
    auto imported =
        born::onnx::importModel(inputPath, context, importOptions, weightSet);
    if (!imported)
      return fail(imported.takeError());
    module = std::move(*imported);
  } else if (!train.empty()) {
    // The step is built with the graph API, in the graph's context: the
    // model is parsed there and its body built into the step.
    stepGraph = std::make_unique<born::Graph>(prefix.empty() ? "train"
                                                             : prefix.getValue());
    stepDiagnostics.emplace(sourceMgr, &stepGraph->context());
    auto file = mlir::openInputFile(inputPath, &error);
    if (!file)
      return fail(error);
    sourceMgr.AddNewSourceBuffer(std::move(file), SMLoc());
    mlir::OwningOpRef<mlir::ModuleOp> source =
        mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &stepGraph->context());
    if (!source)
      return 1;
    mlir::func::FuncOp model;
    for (auto func : source->getOps<mlir::func::FuncOp>())
      if (entry.empty() ? !func.isPrivate() : func.getSymName() == entry) {
        if (model)
          return fail(inputPath + ": more than one public function; name the "
                      "model with --entry");
        model = func;
      }
    if (!model)
      return fail(inputPath + ": " +
                  (entry.empty() ? std::string("no public function")
                                 : "no function named '" + entry + "'"));
    born::Optimizer optimizer;
    double decay = weightDecay.getNumOccurrences() ? weightDecay.getValue()
                   : train == "adamw"             ? 1e-2
                                                  : 0.0;
    if (train == "sgd")
      optimizer = born::Optimizer::sgd(momentum, decay);
    else if (train == "adam")
      optimizer = born::Optimizer::adam(beta1, beta2, epsilon, decay);
    else if (train == "adamw")
      optimizer = born::Optimizer::adamw(beta1, beta2, epsilon, decay);
    else
      return fail("--train: unknown optimizer '" + train +
                  "' (expected sgd, adam or adamw)");
    Expected<std::vector<born::TensorInfo>> params =
        born::buildTrainingStep(*stepGraph, model, loss, optimizer);
    if (!params)
      return fail(params.takeError());
    module = stepGraph->module().clone();
    options.entry = "";
  } else {
    auto file = mlir::openInputFile(inputPath, &error);
    if (!file)
      return fail(error);
    sourceMgr.AddNewSourceBuffer(std::move(file), SMLoc());
    module = mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
    if (!module)
      return 1;
  }

  born::Compiler compiler(options);
  if (failed(compiler.runPhases(*module)))
    return 1;

  auto openOutput = [&](StringRef path) -> std::unique_ptr<ToolOutputFile> {
    auto out = mlir::openOutputFile(path, &error);
    if (!out)
      fail(error);
    return out;
  };
  if (emit == Emit::MLIR) {
    auto out = openOutput(outputPath);
    if (!out)
      return 1;
    if (options.targetCPU)
      module->print(out->os());
    if (mlir::ModuleOp vulkan = compiler.vulkanModule()) {
      if (options.targetCPU)
        out->os() << "\n// -----// Vulkan target //----- //\n";
      vulkan.print(out->os());
    } else if (!options.targetCPU) {
      module->print(out->os());
    }
    out->keep();
    return 0;
  }
  if (emit == Emit::SPIRV)
    return writeSPIRV(*compiler.vulkanProgram(), outputPath) ? 0 : 1;

  // SafeTensors weights are checked against the params' types.
  if (!weightsPath.empty())
    if (Error err = born::loadSafeTensors(weightsPath, weightSet))
      return fail(std::move(err));
  Expected<born::WeightsBlob> blob =
      compiler.buildWeightsBlob(weightSet, weightsPath);
  if (!blob)
    return fail(blob.takeError());
  born::WeightsPlacement placement;
  placement.size = blob->bytes.size();
  placement.offsets = &blob->offsets;
  std::string externalFile = outputPath + ".weights";
  if (externalWeights) {
    if (outputPath == "-")
      return fail("--external-weights needs -o");
    placement.externalPath = sys::path::filename(externalFile).str();
  } else {
    placement.blob = &*blob;
  }

  LLVMContext llvmContext;
  auto llvmModule = compiler.translateToLLVM(*module, llvmContext, placement,
                                             /*withMain=*/emit == Emit::Exe);
  if (!llvmModule)
    return fail(llvmModule.takeError());
  if (emit == Emit::LLVM) {
    auto out = openOutput(outputPath);
    if (!out)
      return 1;
    (*llvmModule)->print(out->os(), nullptr);
    out->keep();
    return 0;
  }

  if (externalWeights) {
    auto out = openOutput(externalFile);
    if (!out)
      return 1;
    out->os().write(reinterpret_cast<const char *>(blob->bytes.data()),
                    blob->bytes.size());
    out->keep();
  }

  std::string objectPath = outputPath;
  SmallString<128> tempObject;
  if (emit == Emit::Exe) {
    if (std::error_code ec =
            sys::fs::createTemporaryFile("bornc", "o", tempObject))
      return fail("cannot create a temporary file: " + ec.message());
    objectPath = tempObject.str().str();
  }
  if (Error err = compiler.writeObject(**llvmModule, objectPath))
    return fail(std::move(err));

  if (emit == Emit::Obj) {
    SmallString<128> headerPath(outputPath);
    sys::path::replace_extension(headerPath, ".h");
    auto out = openOutput(headerPath);
    if (!out)
      return 1;
    out->os() << compiler.cHeader();
    out->keep();
    return 0;
  }
  Error linked = born::linkExecutable({objectPath}, outputPath);
  sys::fs::remove(tempObject);
  if (linked)
    return fail(std::move(linked));
  return 0;
}
