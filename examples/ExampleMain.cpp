#include "examples/ExampleMain.h"

#include "runtime/include/born/runtime.h"
#include "runtime/include/born/tensor_io.h"

#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <random>

namespace born::examples {
namespace {

int fail(const llvm::Twine &message) {
  llvm::errs() << "error: " << message << "\n";
  return 1;
}

struct Flags {
  std::string weights, input, output, emitExe, emitObj;
  bool printIR = false;
  int threads = 0;
};

const char *kUsage =
    "options:\n"
    "  --weights FILE.safetensors   weights (default: pseudo-random)\n"
    "  --input X.npy                input (default: pseudo-random)\n"
    "  --output OUT.npy             write the class scores\n"
    "  --emit-exe PATH              also write a standalone executable\n"
    "  --emit-obj PATH.o            also write an object file and PATH.h\n"
    "  --print-ir                   print the graph's born IR\n"
    "  --threads N                  CPU threads (default: all)\n";

bool parseFlags(int argc, char **argv, Flags &flags, std::string &error) {
  std::string threads;
  const std::pair<llvm::StringRef, std::string *> valued[] = {
      {"--weights", &flags.weights}, {"--input", &flags.input},
      {"--output", &flags.output},   {"--emit-exe", &flags.emitExe},
      {"--emit-obj", &flags.emitObj}, {"--threads", &threads}};
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == "--print-ir") {
      flags.printIR = true;
      continue;
    }
    auto it = llvm::find_if(valued, [&](auto &v) { return v.first == arg; });
    if (it == std::end(valued)) {
      error = "unknown argument '" + arg.str() + "'";
      return false;
    }
    if (i + 1 >= argc) {
      error = arg.str() + " needs a value";
      return false;
    }
    *it->second = argv[++i];
  }
  flags.threads = std::atoi(threads.c_str());
  return true;
}

/// Uniform in +-1/sqrt(fan_in) like PyTorch's default initialisation, so
/// that activations stay in a sensible range through the layers.
Weights randomWeights(const std::vector<TensorInfo> &params) {
  std::mt19937 rng(0);
  Weights weights;
  for (const TensorInfo &p : params) {
    int64_t fanIn = 1;
    for (size_t i = 1; i < p.shape.size(); ++i)
      fanIn *= p.shape[i];
    if (p.shape.size() == 1)
      fanIn = p.shape[0];
    float bound = 1.0f / std::sqrt(static_cast<float>(fanIn));
    std::uniform_real_distribution<float> dist(-bound, bound);
    std::vector<float> values(p.numElements());
    for (float &v : values)
      v = dist(rng);
    weights.set(p.name, p.shape, values);
  }
  return weights;
}

llvm::Expected<std::vector<float>> loadInput(const std::string &path,
                                             const TensorInfo &info) {
  std::vector<float> values(info.numElements());
  if (path.empty()) {
    std::mt19937 rng(1);
    std::normal_distribution<float> dist;
    for (float &v : values)
      v = dist(rng);
    return values;
  }
  born_host_tensor t{};
  char err[256];
  if (born_tensor_load(path.c_str(), &t, err, sizeof(err)))
    return llvm::createStringError(llvm::inconvertibleErrorCode(), err);
  bool fits = t.dtype == BORN_DTYPE_F32 &&
              t.rank == static_cast<int32_t>(info.shape.size()) &&
              std::equal(info.shape.begin(), info.shape.end(), t.shape);
  if (fits)
    std::memcpy(values.data(), t.data, t.nbytes);
  born_tensor_free(&t);
  if (!fits)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   path + ": expected f32 of the shape of "
                                          "input '" +
                                       info.name + "'");
  return values;
}

int saveNpy(const std::string &path, const TensorInfo &info,
            const std::vector<float> &values) {
  born_host_tensor t{};
  t.dtype = BORN_DTYPE_F32;
  t.rank = info.shape.size();
  std::copy(info.shape.begin(), info.shape.end(), t.shape);
  t.data = const_cast<float *>(values.data());
  t.nbytes = values.size() * sizeof(float);
  char err[256];
  if (born_npy_save(path.c_str(), &t, err, sizeof(err)))
    return fail(err);
  return 0;
}
} // namespace

int runExample(int argc, char **argv, Graph &graph) {
  Flags flags;
  std::string error;
  for (int i = 1; i < argc; ++i)
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      llvm::outs() << "usage: " << argv[0] << " [options]\n" << kUsage;
      return 0;
    }
  if (!parseFlags(argc, argv, flags, error))
    return fail(error + "\n" + kUsage);
  if (!graph.ok())
    return fail(graph.error());
  if (flags.printIR)
    llvm::outs() << graph.str();

  Weights weights;
  if (!flags.weights.empty()) {
    llvm::Expected<Weights> loaded = Weights::loadSafeTensors(flags.weights);
    if (!loaded)
      return fail(llvm::toString(loaded.takeError()));
    weights = std::move(*loaded);
  } else {
    weights = randomWeights(graph.params());
  }

  BuildOptions options;
  options.threads = flags.threads;
  if (!flags.emitExe.empty()) {
    if (llvm::Error err =
            graph.compileToExecutable(flags.emitExe, weights, options))
      return fail(llvm::toString(std::move(err)));
    llvm::outs() << "wrote " << flags.emitExe << "\n";
  }
  if (!flags.emitObj.empty()) {
    if (llvm::Error err = graph.compileToObject(flags.emitObj, weights, options))
      return fail(llvm::toString(std::move(err)));
    llvm::outs() << "wrote " << flags.emitObj << " and its header\n";
  }

  llvm::Expected<CompiledModel> model = graph.compile(weights, options);
  if (!model)
    return fail(llvm::toString(model.takeError()));
  llvm::Expected<std::vector<float>> input =
      loadInput(flags.input, model->inputs()[0]);
  if (!input)
    return fail(llvm::toString(input.takeError()));

  // Outputs as raw bytes of their own dtypes; the first holds the scores.
  std::vector<std::vector<uint8_t>> outputs;
  std::vector<OutputBuffer> buffers;
  for (const TensorInfo &info : model->outputs()) {
    outputs.emplace_back(info.numBytes());
    buffers.emplace_back(outputs.back().data(), info.numBytes(),
                         dtypeSize(info.dtype));
  }
  if (llvm::Error err = model->run({*input}, buffers))
    return fail(llvm::toString(std::move(err)));

  const TensorInfo &scoresInfo = model->outputs()[0];
  if (scoresInfo.dtype != DType::F32 || scoresInfo.shape.size() != 2)
    return fail("the first output should be f32 [batch, classes]");
  std::vector<float> scores(scoresInfo.numElements());
  std::memcpy(scores.data(), outputs[0].data(), outputs[0].size());
  // The graph's own argmax, when it has one as its second output.
  int64_t rows = scoresInfo.shape[0], classes = scoresInfo.shape[1];
  bool graphArgmax = model->outputs().size() > 1 &&
                     model->outputs()[1].dtype == DType::I64 &&
                     model->outputs()[1].numElements() == rows;
  llvm::outs() << "top class per row:";
  for (int64_t r = 0; r < rows; ++r) {
    const float *row = scores.data() + r * classes;
    int64_t top = std::max_element(row, row + classes) - row;
    if (graphArgmax)
      std::memcpy(&top, outputs[1].data() + r * sizeof(int64_t),
                  sizeof(int64_t));
    llvm::outs() << " " << top;
  }
  llvm::outs() << "\n";
  if (!flags.output.empty())
    return saveNpy(flags.output, scoresInfo, scores);
  return 0;
}
} // namespace born::examples
