#include "weights.h"

#include "internal.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

namespace born {
namespace {

// A PMD-level page on x86-64 and on AArch64 with 4 KiB pages.
constexpr uint64_t kHugePageSize = 2u << 20;

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
    return mapFile(overridePath, model, error);
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
  std::string recorded = model.weights_path;
  const char *overrides = "-m / --weights FILE / born_options.weights_path override it";
  bool absolute = recorded[0] == '/';
  std::string name = absolute ? recorded.substr(recorded.rfind('/') + 1) : recorded;
  std::string exeDir = executableDirectory();
  std::string besideExe = exeDir.empty() ? "" : exeDir + "/" + name;
  // An absolute path as recorded, else (moved together with the executable)
  // its name beside the executable; a relative one beside the executable
  // first, so a model runs from any working directory, then in the working
  // directory, for programs that are not beside their weights. The size and
  // header checks apply wherever the file is found.
  std::string inCwd = absolute ? "" : currentDirectory() + "/" + recorded;
  for (const std::string &path : absolute ? std::vector<std::string>{recorded, besideExe}
                                          : std::vector<std::string>{besideExe, inCwd})
    if (!path.empty() && fileExists(path))
      return mapFile(path, model, error);
  if (absolute)
    *error = format("weights file '%s' of model '%s' not found, nor '%s' beside the "
                    "executable (%s)",
                    recorded.c_str(), modelName, besideExe.c_str(), overrides);
  else
    *error = format("weights file '%s' of model '%s' not found (looked for '%s' and '%s'; %s)",
                    recorded.c_str(), modelName, besideExe.c_str(), inCwd.c_str(), overrides);
  return false;
}

bool ModelWeights::mapFile(const std::string &path, const born_model &model,
                           std::string *error) {
  const char *modelName = model.name ? model.name : "(unnamed)";
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
  if (fileSize != model.weights_size) {
    *error = format("weights file '%s' has %llu bytes but model '%s' expects %llu bytes%s",
                    path.c_str(), static_cast<unsigned long long>(fileSize), modelName,
                    static_cast<unsigned long long>(model.weights_size),
                    model.weights_header_size ? ": it is not the file the model was compiled "
                                                "from; recompile with bornc"
                                              : "");
    ::close(fd);
    return false;
  }
  path_ = path;
  // The file, then the tail at the next BORN_WEIGHTS_TAIL_ALIGNMENT, in one
  // reserved range: the compiled code reaches both from one base pointer.
  uint64_t tailOffset =
      (fileSize + BORN_WEIGHTS_TAIL_ALIGNMENT - 1) / BORN_WEIGHTS_TAIL_ALIGNMENT *
      BORN_WEIGHTS_TAIL_ALIGNMENT;
  uint64_t total = model.weights_tail_size ? tailOffset + model.weights_tail_size : fileSize;
  if (total == 0) { // mmap refuses empty mappings
    ::close(fd);
    return true;
  }
  // The file starts at a huge-page boundary: where the page cache holds the
  // file in huge folios, the kernel then maps each with one page-table entry
  // (one TLB entry) instead of 512. Decoding streams every weight once per
  // token; measured on TinyLlama's shapes (Q4_0, 2 threads, a VM), 24 -> 35
  // tokens/s.
  void *reserved = ::mmap(nullptr, total + kHugePageSize, PROT_NONE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (reserved == MAP_FAILED) {
    *error = format("cannot reserve %llu bytes of address space for weights file '%s': %s",
                    static_cast<unsigned long long>(total), path.c_str(), std::strerror(errno));
    ::close(fd);
    return false;
  }
  mapping_ = reserved;
  mappingSize_ = static_cast<size_t>(total + kHugePageSize);
  void *base = reinterpret_cast<void *>(
      (reinterpret_cast<uintptr_t>(reserved) + kHugePageSize - 1) & ~uintptr_t(kHugePageSize - 1));
  if (fileSize > 0 &&
      ::mmap(base, fileSize, PROT_READ, MAP_PRIVATE | MAP_FIXED, fd, 0) == MAP_FAILED) {
    *error = format("cannot mmap weights file '%s': %s", path.c_str(), std::strerror(errno));
    ::close(fd);
    return false;
  }
  ::close(fd); // the mapping keeps the file alive
  // Lets khugepaged collapse what the page cache holds in small pages
  // (where the kernel supports huge pages for read-only files); advice only.
  (void)::madvise(base, fileSize, MADV_HUGEPAGE);
  auto *bytes = static_cast<uint8_t *>(base);
  if (model.weights_header_size != 0 &&
      (model.weights_header_size > fileSize ||
       fnv1a64(bytes, model.weights_header_size) != model.weights_header_hash)) {
    *error = format("weights file '%s' is not the file model '%s' was compiled from: its "
                    "header (the first %llu bytes: metadata and tensor layout) differs; "
                    "recompile with bornc",
                    path.c_str(), modelName,
                    static_cast<unsigned long long>(model.weights_header_size));
    return false;
  }
  if (model.weights_tail_size != 0) {
    void *tail = bytes + tailOffset;
    if (model.weights_tail == nullptr ||
        ::mmap(tail, model.weights_tail_size, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS, -1, 0) == MAP_FAILED) {
      *error = format("cannot place the %llu computed bytes of model '%s' after weights file "
                      "'%s'",
                      static_cast<unsigned long long>(model.weights_tail_size), modelName,
                      path.c_str());
      return false;
    }
    std::memcpy(tail, model.weights_tail, model.weights_tail_size);
    ::mprotect(tail, model.weights_tail_size, PROT_READ);
  }
  data_ = bytes;
  size_ = total;
  return true;
}

uint64_t fnv1a64(const uint8_t *bytes, uint64_t size) {
  uint64_t hash = 14695981039346656037ull;
  for (uint64_t i = 0; i < size; ++i)
    hash = (hash ^ bytes[i]) * 1099511628211ull;
  return hash;
}

} // namespace born
