// Locating and mapping a model's weights blob.
#ifndef BORN_RUNTIME_WEIGHTS_H
#define BORN_RUNTIME_WEIGHTS_H

#include "born/runtime.h"

#include <cstdint>
#include <string>

namespace born {

// The weights of one session: either the model's embedded blob (borrowed) or
// an external file mapped read-only, followed by the model's weights tail
// when it has one (owned, unmapped on destruction). Not
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
  // Maps `path`, checked against the model's size and header hash, with the
  // model's weights tail placed after it.
  bool mapFile(const std::string &path, const born_model &model, std::string *error);

  const uint8_t *data_ = nullptr;
  uint64_t size_ = 0;
  void *mapping_ = nullptr;
  size_t mappingSize_ = 0;
  std::string path_;
};

// 64-bit FNV-1a, the hash born_model.weights_header_hash holds.
uint64_t fnv1a64(const uint8_t *bytes, uint64_t size);

// Directory of the running executable (from /proc/self/exe), empty if unknown.
std::string executableDirectory();

} // namespace born

#endif // BORN_RUNTIME_WEIGHTS_H
