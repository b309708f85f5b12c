// Sessions: validate a model descriptor, load its weights, set up the chosen
// device, and run it.
#include "born/runtime.h"

#include "internal.h"
#include "thread_pool.h"
#include "vulkan_executor.h"
#include "weights.h"

#include <memory>
#include <new>
#include <vector>

struct born_session {
  const born_model *model = nullptr;
  int32_t device = BORN_DEVICE_CPU;
  born::ModelWeights weights;
  std::unique_ptr<born::ThreadPool> pool;          // CPU sessions
  std::unique_ptr<born::VulkanExecutor> vulkan;    // Vulkan sessions
  std::vector<size_t> inputBytes, outputBytes;     // per tensor, for overlap checks
};

namespace born {
namespace {

const char *compiledFor(const born_model &model) {
  if (model.cpu_entry && model.vk_program)
    return "cpu, vulkan";
  if (model.cpu_entry)
    return "cpu";
  if (model.vk_program)
    return "vulkan";
  return "nothing";
}

bool validateTensorInfos(const char *what, int32_t count, const born_tensor_info *infos,
                         std::string *error) {
  if (count < 0 || (count > 0 && infos == nullptr)) {
    *error = format("model has %d %ss but no tensor infos for them", count, what);
    return false;
  }
  for (int32_t i = 0; i < count; ++i) {
    const born_tensor_info &info = infos[i];
    if (born_dtype_size(info.dtype) == 0) {
      *error = format("model %s %d has unknown dtype %d", what, i, info.dtype);
      return false;
    }
    if (info.rank < 0 || (info.rank > 0 && info.shape == nullptr) ||
        tensorBytes(info.dtype, info.shape, info.rank) == SIZE_MAX) {
      *error = format("model %s %d has an invalid shape", what, i);
      return false;
    }
  }
  return true;
}

bool validateModel(const born_model *model, std::string *error) {
  if (model == nullptr) {
    *error = "model is NULL";
    return false;
  }
  if (model->abi_version != BORN_ABI_VERSION) {
    *error = format("model '%s' was compiled for runtime ABI version %u, but this runtime "
                    "implements version %d: recompile the model or relink with a matching "
                    "runtime",
                    model->name ? model->name : "(unnamed)", model->abi_version,
                    BORN_ABI_VERSION);
    return false;
  }
  if (!validateTensorInfos("input", model->num_inputs, model->inputs, error) ||
      !validateTensorInfos("output", model->num_outputs, model->outputs, error))
    return false;
  for (int32_t o = 0; o < model->num_outputs; ++o) {
    const born_tensor_info &out = model->outputs[o];
    if (out.tied_input == -1)
      continue;
    if (out.tied_input < 0 || out.tied_input >= model->num_inputs) {
      *error = format("model output %d is tied to input %d, but the model has %d inputs", o,
                      out.tied_input, model->num_inputs);
      return false;
    }
    const born_tensor_info &in = model->inputs[out.tied_input];
    if (in.dtype != out.dtype ||
        tensorBytes(in.dtype, in.shape, in.rank) != tensorBytes(out.dtype, out.shape, out.rank)) {
      *error = format("model output %d is tied to input %d of another dtype or size", o,
                      out.tied_input);
      return false;
    }
  }
  return true;
}

born_session *createSession(const born_model *model, const born_options *opts,
                            std::string *error) {
  born_options defaults;
  born_options_init(&defaults);
  if (opts == nullptr)
    opts = &defaults;
  if (!validateModel(model, error))
    return nullptr;
  const char *name = model->name ? model->name : "(unnamed)";

  int32_t device = opts->device;
  if (device == BORN_DEVICE_DEFAULT)
    device = model->cpu_entry ? BORN_DEVICE_CPU : BORN_DEVICE_VULKAN;
  if (device == BORN_DEVICE_CPU && model->cpu_entry == nullptr) {
    *error = format("model '%s' was not compiled for the CPU (compiled for: %s)", name,
                    compiledFor(*model));
    return nullptr;
  }
  if (device == BORN_DEVICE_VULKAN && model->vk_program == nullptr) {
    *error = format("model '%s' was not compiled for Vulkan (compiled for: %s)", name,
                    compiledFor(*model));
    return nullptr;
  }
  if (device != BORN_DEVICE_CPU && device != BORN_DEVICE_VULKAN) {
    *error = format("unknown device %d (expected BORN_DEVICE_DEFAULT, _CPU or _VULKAN)",
                    opts->device);
    return nullptr;
  }
  if (opts->threads < 0) {
    *error = format("invalid thread count %d (0 means all hardware threads)", opts->threads);
    return nullptr;
  }

  std::unique_ptr<born_session> session(new born_session);
  session->model = model;
  session->device = device;
  for (int32_t i = 0; i < model->num_inputs; ++i)
    session->inputBytes.push_back(
        tensorBytes(model->inputs[i].dtype, model->inputs[i].shape, model->inputs[i].rank));
  for (int32_t i = 0; i < model->num_outputs; ++i)
    session->outputBytes.push_back(
        tensorBytes(model->outputs[i].dtype, model->outputs[i].shape, model->outputs[i].rank));
  if (!session->weights.load(*model, opts->weights_path, error))
    return nullptr;
  if (device == BORN_DEVICE_CPU) {
    int threads = opts->threads == 0 ? hardwareThreads() : opts->threads;
    session->pool.reset(new ThreadPool(threads));
  } else {
    session->vulkan = VulkanExecutor::create(*model, session->weights.data(),
                                             session->weights.size(), opts->vk_device, error);
    if (!session->vulkan)
      return nullptr;
  }
  return session.release();
}

bool runSession(born_session *session, const void *const *inputs, void *const *outputs,
                std::string *error) {
  if (session == nullptr) {
    *error = "session is NULL";
    return false;
  }
  const born_model &model = *session->model;
  if ((model.num_inputs > 0 && inputs == nullptr) ||
      (model.num_outputs > 0 && outputs == nullptr)) {
    *error = "inputs or outputs array is NULL";
    return false;
  }
  for (int32_t i = 0; i < model.num_inputs; ++i) {
    if (inputs[i] == nullptr) {
      *error = format("input %d ('%s') is NULL", i, model.inputs[i].name);
      return false;
    }
  }
  for (int32_t i = 0; i < model.num_outputs; ++i) {
    if (outputs[i] == nullptr) {
      *error = format("output %d ('%s') is NULL", i, model.outputs[i].name);
      return false;
    }
  }
  // The generated code reads an input while it writes outputs: an output
  // may share memory only with the input it is tied to, and only as a whole.
  for (int32_t o = 0; o < model.num_outputs; ++o) {
    const born_tensor_info &out = model.outputs[o];
    auto outBegin = static_cast<const char *>(outputs[o]);
    size_t outBytes = session->outputBytes[size_t(o)];
    for (int32_t i = 0; i < model.num_inputs; ++i) {
      const born_tensor_info &in = model.inputs[i];
      auto inBegin = static_cast<const char *>(inputs[i]);
      size_t inBytes = session->inputBytes[size_t(i)];
      bool overlap = outBytes > 0 && inBytes > 0 && outBegin < inBegin + inBytes &&
                     inBegin < outBegin + outBytes;
      if (!overlap || (out.tied_input == i && inBegin == outBegin))
        continue;
      *error = out.tied_input == i
                   ? format("output %d ('%s') overlaps input %d ('%s') but does not start "
                            "at it: a tied output shares its input's whole buffer or none",
                            o, out.name, i, in.name)
                   : format("output %d ('%s') overlaps input %d ('%s'); only an output tied "
                            "to an input may share its buffer",
                            o, out.name, i, in.name);
      return false;
    }
  }
  if (session->vulkan)
    return session->vulkan->run(inputs, outputs, error);

  // The entry point takes inputs then outputs in one array. Most models have
  // a handful, so avoid a heap allocation per run.
  size_t numArgs = static_cast<size_t>(model.num_inputs) + static_cast<size_t>(model.num_outputs);
  void *smallArgs[16];
  std::vector<void *> largeArgs;
  void **args = smallArgs;
  if (numArgs > 16) {
    largeArgs.resize(numArgs);
    args = largeArgs.data();
  }
  for (int32_t i = 0; i < model.num_inputs; ++i)
    args[i] = const_cast<void *>(inputs[i]); // the generated code only reads inputs
  for (int32_t i = 0; i < model.num_outputs; ++i)
    args[model.num_inputs + i] = outputs[i];
  ThreadPoolScope scope(session->pool.get());
  model.cpu_entry(args, session->weights.data());
  return true;
}

} // namespace
} // namespace born

extern "C" void born_options_init(born_options *opts) {
  if (opts == nullptr)
    return;
  opts->device = BORN_DEVICE_DEFAULT;
  opts->threads = 0;
  opts->vk_device = -1;
  opts->weights_path = nullptr;
}

extern "C" born_session *born_session_create(const born_model *model, const born_options *opts,
                                             char *err, size_t errlen) {
  std::string error;
  born_session *session = nullptr;
  try {
    session = born::createSession(model, opts, &error);
  } catch (const std::bad_alloc &) {
    error = "out of memory while creating the session";
  } catch (const std::exception &e) {
    error = born::format("cannot create the session: %s", e.what());
  }
  if (session == nullptr)
    born::writeError(err, errlen, error.empty() ? "cannot create the session" : error);
  return session;
}

extern "C" int born_session_run(born_session *session, const void *const *inputs,
                                void *const *outputs, char *err, size_t errlen) {
  std::string error;
  bool ok = false;
  try {
    ok = born::runSession(session, inputs, outputs, &error);
  } catch (const std::exception &e) {
    error = born::format("run failed: %s", e.what());
  }
  if (!ok) {
    born::writeError(err, errlen, error.empty() ? "run failed" : error);
    return 1;
  }
  return 0;
}

extern "C" void born_session_destroy(born_session *session) { delete session; }
