// Locating and mapping a model's weights blob.
#ifndef BORN_RUNTIME_WEIGHTS_H
#define BORN_RUNTIME_WEIGHTS_H

#include "born/runtime.h"

#include <cstdint>
#include <string>

namespace born {

// The weights of one session: either the model's embedded blob (borrowed) or
// an external file mapped read-only (owned, unmapped on destruction). Not
// named Weights: the graph API's born::Weights links into the same programs.
class ModelWeights {
public:
  ModelWeights() = default;
  ~ModelWeights();
  ModelWeights(const ModelWeights &) = delete;
  ModelWeights &operator=(const ModelWeights &) = delete;

  // `overridePath` (may be null or empty) replaces the model's own source.
  bool load(const born_model &model, const char *overridePath, std::string *error);

  const uint8_t *data() const { return data_; }
  uint64_t size() const { return size_; }
  // The file the weights came from; empty for embedded weights.
  const std::string &path() const { return path_; }

private:
  bool mapFile(const std::string &path, uint64_t expectedSize, const char *modelName,
               std::string *error);

  const uint8_t *data_ = nullptr;
  uint64_t size_ = 0;
  void *mapping_ = nullptr;
  size_t mappingSize_ = 0;
  std::string path_;
};

// Directory of the running executable (from /proc/self/exe), empty if unknown.
std::string executableDirectory();

} // namespace born

#endif // BORN_RUNTIME_WEIGHTS_H
