// born_main: the command-line driver that standalone model executables use.
#include "born/runtime.h"
#include "born/tensor_io.h"

#include "internal.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace born {
namespace {

struct CommandLine {
  std::vector<const char *> inputs;
  const char *outDir = nullptr;
  int32_t device = BORN_DEVICE_DEFAULT;
  int32_t threads = 0;
  int32_t vkDevice = -1;
  int benchRuns = 0;
  const char *weightsPath = nullptr;
  bool help = false;
};

// Owns loaded inputs and allocated outputs.
struct HostTensors {
  std::vector<born_host_tensor> tensors;
  ~HostTensors() {
    for (born_host_tensor &t : tensors)
      born_tensor_free(&t);
  }
};

std::string describeTensor(int32_t dtype, int32_t rank, const int64_t *shape) {
  return std::string(born_dtype_name(dtype)) + " " + shapeToString(shape, rank);
}

std::string tensorName(const born_tensor_info &info) {
  return info.name ? info.name : "";
}

void printUsage(const char *program, const born_model &model) {
  const char *name = model.name ? model.name : "(unnamed)";
  std::string devices;
  if (model.cpu_entry)
    devices += "cpu";
  if (model.vk_program)
    devices += devices.empty() ? "vulkan" : ", vulkan";
  std::printf("usage: %s IN0 [IN1 ...] --out DIR [options]\n\n", program);
  std::printf("Runs model '%s' (compiled for: %s).\n\n", name,
              devices.empty() ? "nothing" : devices.c_str());
  std::printf("inputs (.npy or ONNX TensorProto .pb files, in this order):\n");
  for (int32_t i = 0; i < model.num_inputs; ++i) {
    const born_tensor_info &info = model.inputs[i];
    std::printf("  %d  %s  %s\n", i, tensorName(info).c_str(),
                describeTensor(info.dtype, info.rank, info.shape).c_str());
  }
  std::printf("outputs (written to DIR/output_<i>.npy):\n");
  for (int32_t i = 0; i < model.num_outputs; ++i) {
    const born_tensor_info &info = model.outputs[i];
    std::printf("  %d  %s  %s\n", i, tensorName(info).c_str(),
                describeTensor(info.dtype, info.rank, info.shape).c_str());
  }
  std::printf("\noptions:\n"
              "  --out DIR        write the outputs into DIR (created if missing)\n"
              "  --device D       cpu or vulkan (default: cpu when compiled for it)\n"
              "  --threads N      CPU threads (default 0: all hardware threads)\n"
              "  --vk-device N    Vulkan device index (default: the best one;\n"
              "                   BORN_VK_DEBUG=1 prints the one chosen)\n"
              "  --bench N        one warm-up run, then time N runs and print the median\n"
              "                   latency (--out is optional then)\n"
              "  --weights FILE   read the weights from FILE\n"
              "  --help           show this help\n");
}

bool parseInt(const char *text, int32_t min, int32_t *value) {
  errno = 0;
  char *end = nullptr;
  long parsed = std::strtol(text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || parsed < min || parsed > INT32_MAX)
    return false;
  *value = static_cast<int32_t>(parsed);
  return true;
}

bool parseCommandLine(int argc, char **argv, CommandLine *cl, std::string *error) {
  bool onlyInputs = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (onlyInputs || arg.size() < 2 || arg[0] != '-') {
      cl->inputs.push_back(argv[i]);
      continue;
    }
    if (arg == "--") {
      onlyInputs = true;
      continue;
    }
    if (arg == "--help" || arg == "-h") {
      cl->help = true;
      continue;
    }
    // Options with a value: "--opt VALUE" or "--opt=VALUE".
    std::string option = arg, value;
    const char *valueText = nullptr;
    size_t equals = arg.find('=');
    if (equals != std::string::npos) {
      option = arg.substr(0, equals);
      valueText = argv[i] + equals + 1;
    }
    static const char *const kValueOptions[] = {"--out", "--device", "--threads",
                                                "--vk-device", "--bench", "--weights"};
    if (std::find_if(std::begin(kValueOptions), std::end(kValueOptions), [&](const char *o) {
          return option == o;
        }) == std::end(kValueOptions)) {
      *error = format("unknown option '%s' (see --help)", arg.c_str());
      return false;
    }
    if (valueText == nullptr) {
      if (i + 1 >= argc) {
        *error = format("option %s needs a value", option.c_str());
        return false;
      }
      valueText = argv[++i];
    }
    if (option == "--out") {
      cl->outDir = valueText;
    } else if (option == "--weights") {
      cl->weightsPath = valueText;
    } else if (option == "--device") {
      if (std::strcmp(valueText, "cpu") == 0)
        cl->device = BORN_DEVICE_CPU;
      else if (std::strcmp(valueText, "vulkan") == 0)
        cl->device = BORN_DEVICE_VULKAN;
      else {
        *error = format("--device must be cpu or vulkan, not '%s'", valueText);
        return false;
      }
    } else if (option == "--threads") {
      if (!parseInt(valueText, 0, &cl->threads)) {
        *error = format("--threads needs a non-negative integer, not '%s'", valueText);
        return false;
      }
    } else if (option == "--vk-device") {
      if (!parseInt(valueText, 0, &cl->vkDevice)) {
        *error = format("--vk-device needs a non-negative integer, not '%s'", valueText);
        return false;
      }
    } else if (option == "--bench") {
      int32_t runs = 0;
      if (!parseInt(valueText, 1, &runs)) {
        *error = format("--bench needs a positive integer, not '%s'", valueText);
        return false;
      }
      cl->benchRuns = runs;
    }
  }
  return true;
}

// mkdir -p
bool makeDirectories(const std::string &path, std::string *error) {
  for (size_t pos = 1; pos <= path.size(); ++pos) {
    if (pos != path.size() && path[pos] != '/')
      continue;
    std::string prefix = path.substr(0, pos);
    if (::mkdir(prefix.c_str(), 0777) != 0 && errno != EEXIST) {
      *error = format("cannot create directory '%s': %s", prefix.c_str(), std::strerror(errno));
      return false;
    }
  }
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    *error = format("'%s' is not a directory", path.c_str());
    return false;
  }
  return true;
}

bool loadInputs(const born_model &model, const CommandLine &cl, HostTensors *inputs,
                std::string *error) {
  if (static_cast<int32_t>(cl.inputs.size()) != model.num_inputs) {
    std::string names;
    for (int32_t i = 0; i < model.num_inputs; ++i)
      names += (i ? ", " : "") + tensorName(model.inputs[i]);
    *error = format("model '%s' takes %d input file(s) (%s), got %zu (see --help)",
                    model.name ? model.name : "(unnamed)", model.num_inputs, names.c_str(),
                    cl.inputs.size());
    return false;
  }
  inputs->tensors.resize(cl.inputs.size());
  for (size_t i = 0; i < cl.inputs.size(); ++i) {
    const born_tensor_info &info = model.inputs[i];
    born_host_tensor &t = inputs->tensors[i];
    char message[1024];
    if (born_tensor_load(cl.inputs[i], &t, message, sizeof message) != 0) {
      *error = format("input %zu ('%s'): %s", i, tensorName(info).c_str(), message);
      return false;
    }
    bool sameShape = t.rank == info.rank &&
                     std::equal(info.shape, info.shape + info.rank, t.shape);
    // .npy has no bfloat16: such inputs come as '<u2' files of their bits.
    if (info.dtype == BORN_DTYPE_BF16 && t.dtype == BORN_DTYPE_U16)
      t.dtype = BORN_DTYPE_BF16;
    if (t.dtype != info.dtype || !sameShape) {
      *error = format("input %zu ('%s') from '%s': expected %s, got %s", i,
                      tensorName(info).c_str(), cl.inputs[i],
                      describeTensor(info.dtype, info.rank, info.shape).c_str(),
                      describeTensor(t.dtype, t.rank, t.shape).c_str());
      return false;
    }
  }
  return true;
}

int mainImpl(const born_model *model, int argc, char **argv) {
  const char *program = argc > 0 && argv[0] ? argv[0] : "born";
  auto fail = [&](const std::string &message) {
    std::fprintf(stderr, "%s: error: %s\n", program, message.c_str());
    return 1;
  };
  if (model == nullptr)
    return fail("no model");
  CommandLine cl;
  std::string error;
  if (!parseCommandLine(argc, argv, &cl, &error))
    return fail(error);
  if (cl.help) {
    printUsage(program, *model);
    return 0;
  }
  if (cl.outDir == nullptr && cl.benchRuns == 0)
    return fail("missing --out DIR (where to write the outputs; see --help)");
  HostTensors inputs;
  if (!loadInputs(*model, cl, &inputs, &error))
    return fail(error);

  born_options options;
  born_options_init(&options);
  options.device = cl.device;
  options.threads = cl.threads;
  options.vk_device = cl.vkDevice;
  options.weights_path = cl.weightsPath;
  char message[2048];
  born_session *session = born_session_create(model, &options, message, sizeof message);
  if (session == nullptr)
    return fail(message);
  struct SessionGuard {
    born_session *s;
    ~SessionGuard() { born_session_destroy(s); }
  } guard{session};

  // Before running, so that a bad --out fails fast rather than after a benchmark.
  if (cl.outDir != nullptr && !makeDirectories(cl.outDir, &error))
    return fail(error);

  HostTensors outputs;
  outputs.tensors.resize(static_cast<size_t>(model->num_outputs));
  for (int32_t i = 0; i < model->num_outputs; ++i) {
    const born_tensor_info &info = model->outputs[i];
    if (born_tensor_alloc(&outputs.tensors[i], info.dtype, info.rank, info.shape, message,
                          sizeof message) != 0)
      return fail(format("output %d ('%s'): %s", i, tensorName(info).c_str(), message));
  }
  std::vector<const void *> inputPointers;
  for (born_host_tensor &t : inputs.tensors)
    inputPointers.push_back(t.data);
  std::vector<void *> outputPointers;
  for (born_host_tensor &t : outputs.tensors)
    outputPointers.push_back(t.data);

  if (born_session_run(session, inputPointers.data(), outputPointers.data(), message,
                       sizeof message) != 0)
    return fail(message);
  if (cl.benchRuns > 0) { // the run above was the warm-up
    std::vector<double> milliseconds;
    for (int r = 0; r < cl.benchRuns; ++r) {
      auto start = std::chrono::steady_clock::now();
      if (born_session_run(session, inputPointers.data(), outputPointers.data(), message,
                           sizeof message) != 0)
        return fail(message);
      auto stop = std::chrono::steady_clock::now();
      milliseconds.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
    }
    std::sort(milliseconds.begin(), milliseconds.end());
    size_t n = milliseconds.size();
    double median = n % 2 ? milliseconds[n / 2]
                          : (milliseconds[n / 2 - 1] + milliseconds[n / 2]) / 2;
    std::printf("median latency: %.4f ms (%zu runs)\n", median, n);
    std::printf("min latency: %.4f ms\n", milliseconds.front());
    std::fflush(stdout);
  }
  if (cl.outDir == nullptr)
    return 0;
  for (int32_t i = 0; i < model->num_outputs; ++i) {
    std::string path = format("%s/output_%d.npy", cl.outDir, i);
    if (born_npy_save(path.c_str(), &outputs.tensors[i], message, sizeof message) != 0)
      return fail(message);
  }
  return 0;
}

} // namespace
} // namespace born

extern "C" int born_main(const born_model *model, int argc, char **argv) {
  try {
    return born::mainImpl(model, argc, argv);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "%s: error: %s\n", argc > 0 && argv[0] ? argv[0] : "born", e.what());
    return 1;
  }
}
