#ifndef BORN_COMPILER_GGUF_GGUF_H
#define BORN_COMPILER_GGUF_GGUF_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace born {

/// Limits the reader enforces to reject absurd files before allocating for
/// them; the writer keeps to them so that what it writes reads back.
namespace gguf_limits {
constexpr uint32_t kMaxDims = 4;            // GGML_MAX_DIMS
constexpr unsigned kMaxArrayDepth = 8;      // nested arrays
constexpr uint64_t kMaxAlignment = 1 << 20; // general.alignment
constexpr uint64_t kMaxKeyLength = 1 << 16; // metadata keys, tensor names
} // namespace gguf_limits

/// GGUF metadata value types, numbered as in the file format.
enum class GGUFValueType : uint32_t {
  UInt8 = 0,
  Int8 = 1,
  UInt16 = 2,
  Int16 = 3,
  UInt32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
  UInt64 = 10,
  Int64 = 11,
  Float64 = 12,
};

/// The name of a metadata value type ("uint32", "array", ...).
llvm::StringRef ggufValueTypeName(GGUFValueType type);

/// One metadata value. Strings point into the mapped file.
struct GGUFValue {
  GGUFValueType type = GGUFValueType::UInt8;
  uint64_t u = 0;    // UInt8..UInt64, Bool (0/1)
  int64_t i = 0;     // Int8..Int64
  double f = 0;      // Float32, Float64
  llvm::StringRef str; // String
  /// Array: the element type and the elements (which may be arrays).
  GGUFValueType elementType = GGUFValueType::UInt8;
  std::vector<GGUFValue> elements;

  bool isUnsigned() const;
  bool isSigned() const;

  // Values to write (GGUFWriter checks that each fits its type).
  static GGUFValue ofUnsigned(GGUFValueType type, uint64_t value);
  static GGUFValue ofSigned(GGUFValueType type, int64_t value);
  static GGUFValue ofFloat(GGUFValueType type, double value);
  static GGUFValue ofBool(bool value);
  /// The string is not copied.
  static GGUFValue ofString(llvm::StringRef value);
  static GGUFValue ofArray(GGUFValueType elementType,
                           std::vector<GGUFValue> elements);
};

/// ggml tensor types this reader knows, numbered as in ggml.h.
enum class GGMLType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  BF16 = 30,
};

/// Storage traits of a ggml type: `blockSize` elements take `typeSize` bytes.
struct GGMLTypeTraits {
  GGMLType type;
  llvm::StringRef name;
  uint64_t blockSize;
  uint64_t typeSize;
};

/// The traits of a known ggml type id, or nullopt for unknown/unsupported ids.
std::optional<GGMLTypeTraits> ggmlTypeTraits(uint32_t typeId);

/// A tensor as the GGUF file describes it.
struct GGUFTensorInfo {
  llvm::StringRef name;
  /// Dimensions in GGUF order: innermost (contiguous) first, as ggml's ne[].
  /// `token_embd.weight` of a vocab-V, width-D model is {D, V}.
  llvm::SmallVector<uint64_t, 4> dims;
  GGMLType type;
  /// Offset relative to the start of the data section.
  uint64_t offset = 0;
  /// Bytes the tensor takes: elements / blockSize * typeSize.
  uint64_t byteSize = 0;

  uint64_t numElements() const;
  /// Dimensions outermost first (row-major, numpy/MLIR order): dims reversed.
  llvm::SmallVector<int64_t, 4> rowMajorShape() const;
};

/// Metadata key/value pairs in file order, with typed lookups whose errors
/// name the file and key.
class GGUFMetadata {
public:
  /// The value under `key`, or null.
  const GGUFValue *lookup(llvm::StringRef key) const;
  bool contains(llvm::StringRef key) const { return lookup(key) != nullptr; }

  llvm::Expected<llvm::StringRef> getString(llvm::StringRef key) const;
  /// Any unsigned integer type, or a signed one holding a value >= 0.
  llvm::Expected<uint64_t> getUInt(llvm::StringRef key) const;
  /// Any integer type whose value fits int64.
  llvm::Expected<int64_t> getInt(llvm::StringRef key) const;
  /// float32 or float64.
  llvm::Expected<double> getFloat(llvm::StringRef key) const;
  llvm::Expected<bool> getBool(llvm::StringRef key) const;
  /// An array value (any element type).
  llvm::Expected<const GGUFValue *> getArray(llvm::StringRef key) const;
  /// An array of strings (pointing into the mapped file).
  llvm::Expected<std::vector<llvm::StringRef>>
  getStringArray(llvm::StringRef key) const;

  const std::vector<std::pair<llvm::StringRef, GGUFValue>> &entries() const {
    return kvs;
  }
  size_t size() const { return kvs.size(); }

private:
  friend class GGUFFile;
  llvm::Error error(llvm::StringRef key, const llvm::Twine &msg) const;
  llvm::Expected<const GGUFValue *> find(llvm::StringRef key) const;

  std::string path;
  std::vector<std::pair<llvm::StringRef, GGUFValue>> kvs;
  llvm::StringMap<size_t> index;
};

/// A GGUF (v2 or v3, little-endian) file, mapped read-only. Tensor data is
/// borrowed from the mapping, which lives as long as this object.
class GGUFFile {
public:
  /// Maps and parses `path`. Every count, size and offset is checked against
  /// the file; errors name the file and the key or tensor at fault.
  static llvm::Expected<GGUFFile> open(llvm::StringRef path);

  uint32_t version() const { return fileVersion; }
  uint64_t alignment() const { return dataAlignment; }
  /// Offset of the data section (aligned) from the start of the file.
  uint64_t dataOffset() const { return dataStart; }
  llvm::StringRef path() const { return filePath; }

  const GGUFMetadata &metadata() const { return meta; }
  const std::vector<GGUFTensorInfo> &tensors() const { return tensorInfos; }
  /// The tensor named `name`, or null.
  const GGUFTensorInfo *findTensor(llvm::StringRef name) const;
  /// The bytes of tensor `name`, inside the mapped file (no copy).
  llvm::Expected<llvm::ArrayRef<uint8_t>>
  tensorData(llvm::StringRef name) const;
  llvm::ArrayRef<uint8_t> tensorData(const GGUFTensorInfo &tensor) const;

  /// The whole mapped file.
  llvm::StringRef buffer() const { return file->getBuffer(); }

private:
  GGUFFile() = default;

  std::string filePath;
  std::unique_ptr<llvm::MemoryBuffer> file;
  uint32_t fileVersion = 0;
  uint64_t dataAlignment = 32;
  uint64_t dataStart = 0;
  GGUFMetadata meta;
  std::vector<GGUFTensorInfo> tensorInfos;
  llvm::StringMap<size_t> tensorIndex;
};

} // namespace born

#endif // BORN_COMPILER_GGUF_GGUF_H
