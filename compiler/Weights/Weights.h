#ifndef BORN_COMPILER_WEIGHTS_WEIGHTS_H
#define BORN_COMPILER_WEIGHTS_WEIGHTS_H

#include "mlir/IR/Types.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace born {

/// A tensor's bytes (dense, row-major) with its SafeTensors dtype name
/// ("F32", "F16", "I64", ...). The bytes are borrowed from their owner.
struct TensorData {
  std::string dtype;
  llvm::SmallVector<int64_t> shape;
  llvm::ArrayRef<uint8_t> bytes;
};

/// Named tensors that feed `born.param`s, plus whatever owns their bytes.
struct WeightSet {
  llvm::StringMap<TensorData> tensors;
  std::vector<std::unique_ptr<llvm::MemoryBuffer>> files;
  std::vector<std::vector<uint8_t>> ownedBytes;

  /// Adds a tensor whose bytes the set keeps a copy of.
  void addCopy(llvm::StringRef name, llvm::StringRef dtype,
               llvm::ArrayRef<int64_t> shape, llvm::ArrayRef<uint8_t> bytes);
};

/// Reads a SafeTensors file (8-byte header length, JSON header, data) into
/// `set`; the file stays mapped while the set lives. Errors name the file and
/// the offending tensor.
llvm::Error loadSafeTensors(llvm::StringRef path, WeightSet &set);

/// The SafeTensors dtype name for an MLIR element type ("F32", ...), or "".
std::string safeTensorsDType(mlir::Type elementType);

/// The weights blob a compiled model reads: each parameter at an offset
/// aligned to kAlignment. A blob over a file read in place (a GGUF model)
/// is the file's bytes, then `bytes` (the tail) at `tailOffset`, the file's
/// size rounded up to kTailAlignment (the runtime's
/// BORN_WEIGHTS_TAIL_ALIGNMENT).
struct WeightsBlob {
  static constexpr uint64_t kAlignment = 64;
  static constexpr uint64_t kTailAlignment = 65536;
  uint64_t tailOffset = 0;
  std::vector<uint8_t> bytes;
  llvm::StringMap<uint64_t> offsets;

  uint64_t size() const { return tailOffset + bytes.size(); }
  bool operator==(const WeightsBlob &other) const {
    return tailOffset == other.tailOffset && bytes == other.bytes &&
           offsets == other.offsets;
  }
};

/// Places `bytes` in `blob`'s tail under `name` at the next aligned offset;
/// an error if the name is taken.
llvm::Error appendToBlob(WeightsBlob &blob, llvm::StringRef name,
                         llvm::ArrayRef<uint8_t> bytes);

/// A parameter as the entry point reads it: the stored tensor `source`,
/// viewed row-major as `expandedShape` (a split of the stored dims; empty =
/// the stored shape), then permuted: shape[i] = expanded[permutation[i]].
struct ParamSpec {
  std::string name;   // blob key
  mlir::Type elementType;
  llvm::SmallVector<int64_t> shape;
  std::string source; // stored tensor's name; empty = `name`
  llvm::SmallVector<int64_t> expandedShape;
  llvm::SmallVector<int64_t> permutation;

  llvm::StringRef sourceName() const { return source.empty() ? name : source; }
};

/// Lays out `params` from `set`, checking that each exists with the dtype and
/// shape the IR expects. `origin` names where the weights came from, for
/// errors. With `inPlace` (the bytes of a file the model reads at run time),
/// a param whose bytes lie in it, unpermuted, stays there: the blob is the
/// file plus a tail of the others.
llvm::Expected<WeightsBlob>
buildWeightsBlob(llvm::ArrayRef<ParamSpec> params, const WeightSet &set,
                 llvm::StringRef origin, llvm::ArrayRef<uint8_t> inPlace = {});
} // namespace born

#endif
