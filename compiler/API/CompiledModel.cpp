//===- CompiledModel.cpp - In-process compile, dlopen and run -------------===//
//
// A compiled graph becomes a shared library holding the model and its own
// copy of the runtime. Everything is called through that library's symbols,
// so that one copy of the runtime's state serves the model.
//
//===----------------------------------------------------------------------===//

#include "compiler/API/Graph.h"

#include "compiler/Driver/Compiler.h"
#include "runtime/include/born/runtime.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <dlfcn.h>

namespace born {

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

struct CompiledModel::Library {
  ~Library() {
    if (session)
      sessionDestroy(session);
    if (handle)
      dlclose(handle);
    if (!tempDir.empty())
      llvm::sys::fs::remove_directories(tempDir);
  }

  void *handle = nullptr;
  std::string tempDir;
  const born_model *model = nullptr;
  born_session *session = nullptr;
  decltype(&born_options_init) optionsInit = nullptr;
  decltype(&born_session_create) sessionCreate = nullptr;
  decltype(&born_session_run) sessionRun = nullptr;
  decltype(&born_session_destroy) sessionDestroy = nullptr;
};

CompiledModel::CompiledModel() = default;
CompiledModel::CompiledModel(CompiledModel &&other) noexcept = default;
CompiledModel &
CompiledModel::operator=(CompiledModel &&other) noexcept = default;
CompiledModel::~CompiledModel() = default;

static std::optional<DType> dtypeFromRuntime(int32_t dtype) {
  switch (dtype) {
  case BORN_DTYPE_F32: return DType::F32;
  case BORN_DTYPE_F16: return DType::F16;
  case BORN_DTYPE_BF16: return DType::BF16;
  case BORN_DTYPE_F64: return DType::F64;
  case BORN_DTYPE_I32: return DType::I32;
  case BORN_DTYPE_I64: return DType::I64;
  case BORN_DTYPE_I16: return DType::I16;
  case BORN_DTYPE_I8: return DType::I8;
  case BORN_DTYPE_BOOL: return DType::Bool;
  default: return std::nullopt;
  }
}

static std::string describe(const TensorInfo &info) {
  std::string s = dtypeName(info.dtype).str() + "[";
  for (size_t i = 0; i < info.shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(info.shape[i]);
  return s + "]";
}

llvm::Expected<CompiledModel>
CompiledModel::load(llvm::StringRef libraryPath, llvm::StringRef tempDir,
                    llvm::StringRef prefix, int threads, bool vulkan) {
  auto library = std::make_unique<Library>();
  library->tempDir = tempDir.str();
  // RTLD_LOCAL keeps this model's runtime copy out of the global namespace,
  // so several compiled models can be loaded side by side.
  library->handle = dlopen(libraryPath.str().c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library->handle)
    return makeError("cannot load the compiled model " + libraryPath + ": " +
                     dlerror());
  llvm::SmallVector<std::string> missing;
  auto lookup = [&](const llvm::Twine &symbol) {
    void *address = dlsym(library->handle, symbol.str().c_str());
    if (!address)
      missing.push_back(symbol.str());
    return address;
  };
  library->optionsInit = reinterpret_cast<decltype(library->optionsInit)>(
      lookup("born_options_init"));
  library->sessionCreate = reinterpret_cast<decltype(library->sessionCreate)>(
      lookup("born_session_create"));
  library->sessionRun = reinterpret_cast<decltype(library->sessionRun)>(
      lookup("born_session_run"));
  library->sessionDestroy =
      reinterpret_cast<decltype(library->sessionDestroy)>(
          lookup("born_session_destroy"));
  library->model = static_cast<const born_model *>(lookup(prefix + "_model"));
  if (!missing.empty())
    return makeError("the compiled model " + libraryPath + " lacks " +
                     llvm::join(missing, ", "));

  born_options options;
  library->optionsInit(&options);
  options.device = vulkan ? BORN_DEVICE_VULKAN : BORN_DEVICE_CPU;
  options.threads = threads;
  char message[512] = "";
  library->session = library->sessionCreate(library->model, &options, message,
                                            sizeof(message));
  if (!library->session)
    return makeError(llvm::Twine("cannot create a session: ") + message);

  CompiledModel result;
  auto infos = [&](const born_tensor_info *infos, int32_t count,
                   std::vector<TensorInfo> &out) -> llvm::Error {
    for (int32_t i = 0; i < count; ++i) {
      std::optional<DType> dtype = dtypeFromRuntime(infos[i].dtype);
      if (!dtype)
        return makeError(llvm::Twine("tensor '") + infos[i].name +
                         "' has a dtype the API does not support");
      out.push_back({infos[i].name, *dtype,
                     std::vector<int64_t>(infos[i].shape,
                                          infos[i].shape + infos[i].rank),
                     &out == &result.outputs_ ? infos[i].tied_input : -1});
    }
    return llvm::Error::success();
  };
  const born_model &m = *library->model;
  if (llvm::Error err = infos(m.inputs, m.num_inputs, result.inputs_))
    return std::move(err);
  if (llvm::Error err = infos(m.outputs, m.num_outputs, result.outputs_))
    return std::move(err);
  result.library_ = std::move(library);
  return std::move(result);
}

llvm::Error CompiledModel::run(llvm::ArrayRef<InputBuffer> inputs,
                               llvm::ArrayRef<OutputBuffer> outputs) {
  if (!library_)
    return makeError("run: the model was moved from");
  if (inputs.size() != inputs_.size() || outputs.size() != outputs_.size())
    return makeError("run: the model takes " + llvm::Twine(inputs_.size()) +
                     " inputs and " + llvm::Twine(outputs_.size()) +
                     " outputs, got " + llvm::Twine(inputs.size()) + " and " +
                     llvm::Twine(outputs.size()));
  auto check = [](llvm::StringRef what, size_t i, const TensorInfo &info,
                  size_t bytes, size_t elementSize) -> llvm::Error {
    if (bytes == info.numBytes() && elementSize == dtypeSize(info.dtype))
      return llvm::Error::success();
    return makeError("run: " + what + " " + llvm::Twine(i) + " '" + info.name +
                     "' is " + describe(info) + " (" +
                     llvm::Twine(info.numBytes()) + " bytes), got " +
                     llvm::Twine(bytes) + " bytes of " +
                     llvm::Twine(elementSize) + "-byte elements");
  };
  std::vector<const void *> in;
  std::vector<void *> out;
  for (auto [i, buffer] : llvm::enumerate(inputs)) {
    if (llvm::Error err = check("input", i, inputs_[i], buffer.bytes,
                                buffer.elementSize))
      return err;
    in.push_back(buffer.data);
  }
  for (auto [i, buffer] : llvm::enumerate(outputs)) {
    if (llvm::Error err = check("output", i, outputs_[i], buffer.bytes,
                                buffer.elementSize))
      return err;
    out.push_back(buffer.data);
  }
  char message[512] = "";
  if (library_->sessionRun(library_->session, in.data(), out.data(), message,
                           sizeof(message)) != 0)
    return makeError(llvm::Twine("run: ") + message);
  return llvm::Error::success();
}

llvm::Expected<CompiledModel> Graph::compile(const Weights &weights,
                                             const BuildOptions &options) {
  llvm::SmallString<128> dir;
  if (std::error_code ec =
          llvm::sys::fs::createUniqueDirectory("born-" + name_, dir))
    return makeError("cannot create a temporary directory: " + ec.message());
  auto cleanup = [&](llvm::Error err) {
    llvm::sys::fs::remove_directories(dir);
    return err;
  };
  std::string object = (dir + "/model.o").str();
  std::string library = (dir + "/model.so").str();
  if (llvm::Error err = compileToFile(object, weights, options,
                                      /*withMain=*/false, nullptr))
    return cleanup(std::move(err));
  if (llvm::Error err = linkSharedLibrary({object}, library))
    return cleanup(std::move(err));
  llvm::sys::fs::remove(object);
  std::string prefix = options.prefix.empty() ? name_ : options.prefix;
  // On failure the Library being built removes the directory.
  return CompiledModel::load(library, dir, prefix, options.threads,
                             options.vulkan);
}
} // namespace born
