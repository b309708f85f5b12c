#include "weights.h"

#include "internal.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace born {
namespace {

bool fileExists(const std::string &path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string currentDirectory() {
  char buffer[PATH_MAX];
  if (::getcwd(buffer, sizeof buffer) == nullptr)
    return ".";
  return buffer;
}

} // namespace

std::string executableDirectory() {
  char buffer[PATH_MAX];
  ssize_t length = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (length <= 0)
    return "";
  std::string path(buffer, static_cast<size_t>(length));
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash == 0 ? 1 : slash);
}

ModelWeights::~ModelWeights() {
  if (mapping_ != nullptr)
    ::munmap(mapping_, mappingSize_);
}

bool ModelWeights::load(const born_model &model, const char *overridePath, std::string *error) {
  const char *modelName = model.name ? model.name : "(unnamed)";
  if (overridePath != nullptr && overridePath[0] != '\0')
    return mapFile(overridePath, model.weights_size, modelName, error);
  if (model.weights != nullptr) {
    data_ = model.weights;
    size_ = model.weights_size;
    return true;
  }
  if (model.weights_path == nullptr || model.weights_path[0] == '\0') {
    if (model.weights_size == 0)
      return true; // a model without parameters
    *error = format("model '%s' expects %llu bytes of weights but has neither embedded "
                    "weights nor a weights file",
                    modelName, static_cast<unsigned long long>(model.weights_size));
    return false;
  }
  std::string relative = model.weights_path;
  if (relative[0] == '/')
    return mapFile(relative, model.weights_size, modelName, error);
  // Next to the executable first, so a model runs from any working directory;
  // then the working directory, for programs that are not beside their weights.
  std::string exeDir = executableDirectory();
  std::string besideExe = exeDir.empty() ? "" : exeDir + "/" + relative;
  if (!besideExe.empty() && fileExists(besideExe))
    return mapFile(besideExe, model.weights_size, modelName, error);
  std::string inCwd = currentDirectory() + "/" + relative;
  if (fileExists(inCwd))
    return mapFile(inCwd, model.weights_size, modelName, error);
  *error = format("weights file '%s' of model '%s' not found (looked for '%s' and '%s'; "
                  "--weights / born_options.weights_path overrides)",
                  relative.c_str(), modelName, besideExe.c_str(), inCwd.c_str());
  return false;
}

bool ModelWeights::mapFile(const std::string &path, uint64_t expectedSize, const char *modelName,
                      std::string *error) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *error = format("cannot open weights file '%s': %s", path.c_str(), std::strerror(errno));
    return false;
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    *error = format("cannot stat weights file '%s': %s", path.c_str(), std::strerror(errno));
    ::close(fd);
    return false;
  }
  uint64_t fileSize = static_cast<uint64_t>(st.st_size);
  if (fileSize != expectedSize) {
    *error = format("weights file '%s' has %llu bytes but model '%s' expects %llu bytes",
                    path.c_str(), static_cast<unsigned long long>(fileSize), modelName,
                    static_cast<unsigned long long>(expectedSize));
    ::close(fd);
    return false;
  }
  path_ = path;
  if (fileSize == 0) { // mmap refuses empty mappings
    ::close(fd);
    return true;
  }
  void *mapping = ::mmap(nullptr, fileSize, PROT_READ, MAP_PRIVATE, fd, 0);
  int mmapErrno = errno;
  ::close(fd); // the mapping keeps the file alive
  if (mapping == MAP_FAILED) {
    *error = format("cannot mmap weights file '%s': %s", path.c_str(), std::strerror(mmapErrno));
    return false;
  }
  mapping_ = mapping;
  mappingSize_ = static_cast<size_t>(fileSize);
  data_ = static_cast<const uint8_t *>(mapping);
  size_ = fileSize;
  return true;
}

} // namespace born
