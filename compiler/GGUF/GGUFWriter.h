//===- GGUFWriter.h - Writes GGUF v3 files --------------------------------===//
//
// Builds a GGUF file in memory (metadata in insertion order, tensors of any
// type Quants.h knows, given as blocks or as floats to quantize) and writes
// it as GGUF v3, through a temporary file renamed into place.
//
//===----------------------------------------------------------------------===//

#ifndef BORN_COMPILER_GGUF_GGUFWRITER_H
#define BORN_COMPILER_GGUF_GGUFWRITER_H

#include "compiler/GGUF/GGUF.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Allocator.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/StringSaver.h"

#include <cstdint>
#include <string>
#include <vector>

namespace born {

class GGUFWriter {
public:
  GGUFWriter() : strings(allocator) {}
  GGUFWriter(const GGUFWriter &) = delete;
  GGUFWriter &operator=(const GGUFWriter &) = delete;

  /// Sets metadata `key`, replacing an earlier value in place. Strings are
  /// copied. Errors (naming the key) for a value that does not fit its type,
  /// array elements of another type than the array's, arrays nested deeper
  /// than the reader accepts, or a `general.alignment` that is not a uint32
  /// power of two.
  llvm::Error set(llvm::StringRef key, const GGUFValue &value);

  /// Adds a tensor from its encoded blocks (copied). `dims` are in GGUF
  /// order, innermost first; the innermost must be a whole number of blocks
  /// and `blocks` exactly the bytes those take.
  llvm::Error addTensor(llvm::StringRef name, llvm::ArrayRef<uint64_t> dims,
                        GGMLType type, llvm::ArrayRef<uint8_t> blocks);
  /// Adds a tensor from float values, encoded (quantized) as `type`.
  llvm::Error addTensorFromFloats(llvm::StringRef name,
                                  llvm::ArrayRef<uint64_t> dims, GGMLType type,
                                  llvm::ArrayRef<float> values);

  /// The data alignment: `general.alignment` if set, else 32.
  uint64_t alignment() const;

  /// Writes the file. An existing `path` is an error unless `overwrite`;
  /// the file appears complete or not at all (temporary file + rename).
  llvm::Error write(llvm::StringRef path, bool overwrite = false) const;

private:
  struct Tensor {
    std::string name;
    llvm::SmallVector<uint64_t, 4> dims;
    GGMLType type;
    std::vector<uint8_t> data;
  };

  GGUFValue copyStrings(const GGUFValue &value);
  /// Checks a new tensor's name, dims and type; returns its element count.
  llvm::Expected<uint64_t> checkTensor(llvm::StringRef name,
                                       llvm::ArrayRef<uint64_t> dims,
                                       GGMLType type) const;
  llvm::Error writeTo(llvm::raw_ostream &os) const;

  llvm::BumpPtrAllocator allocator;
  llvm::StringSaver strings;
  std::vector<std::pair<std::string, GGUFValue>> kvs;
  llvm::StringMap<size_t> kvIndex;
  std::vector<Tensor> tensors;
  llvm::StringMap<size_t> tensorIndex;
};

} // namespace born

#endif // BORN_COMPILER_GGUF_GGUFWRITER_H
