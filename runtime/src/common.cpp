#include "internal.h"

#include "born/runtime.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace born {

std::string format(const char *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  va_list argsCopy;
  va_copy(argsCopy, args);
  int length = std::vsnprintf(nullptr, 0, fmt, args);
  va_end(args);
  std::string result;
  if (length > 0) {
    result.resize(static_cast<size_t>(length) + 1);
    std::vsnprintf(&result[0], result.size(), fmt, argsCopy);
    result.resize(static_cast<size_t>(length));
  }
  va_end(argsCopy);
  return result;
}

void writeError(char *err, size_t errlen, const std::string &message) {
  if (err == nullptr || errlen == 0)
    return;
  size_t n = message.size() < errlen - 1 ? message.size() : errlen - 1;
  std::memcpy(err, message.data(), n);
  err[n] = '\0';
}

void *alignedAlloc(size_t bytes) {
  // aligned_alloc wants a multiple of the alignment.
  size_t rounded = (bytes + kTensorAlignment - 1) / kTensorAlignment * kTensorAlignment;
  if (rounded < bytes) // overflow
    return nullptr;
  if (rounded == 0)
    rounded = kTensorAlignment;
  return std::aligned_alloc(kTensorAlignment, rounded);
}

void alignedFree(void *ptr) { std::free(ptr); }

std::string shapeToString(const int64_t *shape, int32_t rank) {
  std::string text = "[";
  for (int32_t i = 0; i < rank; ++i) {
    if (i > 0)
      text += ", ";
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

int64_t elementCount(const int64_t *shape, int32_t rank) {
  int64_t count = 1;
  for (int32_t i = 0; i < rank; ++i) {
    if (shape[i] < 0)
      return -1;
    if (shape[i] != 0 && count > std::numeric_limits<int64_t>::max() / shape[i])
      return -1;
    count *= shape[i];
  }
  return count;
}

size_t tensorBytes(int32_t dtype, const int64_t *shape, int32_t rank) {
  int64_t count = elementCount(shape, rank);
  size_t elementSize = born_dtype_size(dtype);
  if (count < 0 || elementSize == 0)
    return SIZE_MAX;
  if (static_cast<uint64_t>(count) > SIZE_MAX / elementSize)
    return SIZE_MAX;
  return static_cast<size_t>(count) * elementSize;
}

} // namespace born

extern "C" size_t born_dtype_size(int32_t dtype) {
  switch (dtype) {
  case BORN_DTYPE_F32: return 4;
  case BORN_DTYPE_F16: return 2;
  case BORN_DTYPE_BF16: return 2;
  case BORN_DTYPE_F64: return 8;
  case BORN_DTYPE_I32: return 4;
  case BORN_DTYPE_I64: return 8;
  case BORN_DTYPE_I8: return 1;
  case BORN_DTYPE_I16: return 2;
  case BORN_DTYPE_U8: return 1;
  case BORN_DTYPE_U16: return 2;
  case BORN_DTYPE_U32: return 4;
  case BORN_DTYPE_U64: return 8;
  case BORN_DTYPE_BOOL: return 1;
  default: return 0;
  }
}

extern "C" const char *born_dtype_name(int32_t dtype) {
  switch (dtype) {
  case BORN_DTYPE_F32: return "f32";
  case BORN_DTYPE_F16: return "f16";
  case BORN_DTYPE_BF16: return "bf16";
  case BORN_DTYPE_F64: return "f64";
  case BORN_DTYPE_I32: return "i32";
  case BORN_DTYPE_I64: return "i64";
  case BORN_DTYPE_I8: return "i8";
  case BORN_DTYPE_I16: return "i16";
  case BORN_DTYPE_U8: return "u8";
  case BORN_DTYPE_U16: return "u16";
  case BORN_DTYPE_U32: return "u32";
  case BORN_DTYPE_U64: return "u64";
  case BORN_DTYPE_BOOL: return "bool";
  default: return "?";
  }
}
