// Small helpers shared by the runtime's translation units (not installed).
#ifndef BORN_RUNTIME_INTERNAL_H
#define BORN_RUNTIME_INTERNAL_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace born {

// Buffers the runtime allocates for tensors: 64 bytes is a cache line and
// the widest vector register the CPU code generator targets.
constexpr size_t kTensorAlignment = 64;

// printf-style formatting into a std::string.
std::string format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// Copies `message` into a caller's C error buffer, truncated to fit; does
// nothing when there is no buffer.
void writeError(char *err, size_t errlen, const std::string &message);

// 64-byte aligned allocation; at least one alignment unit even for 0 bytes,
// so empty tensors still get a valid pointer. nullptr when out of memory.
void *alignedAlloc(size_t bytes);
void alignedFree(void *ptr);

// "[2, 3]"; "[]" for a scalar.
std::string shapeToString(const int64_t *shape, int32_t rank);

// Number of elements, 1 for a scalar; -1 when a dimension is negative or the
// product overflows.
int64_t elementCount(const int64_t *shape, int32_t rank);

// Bytes of a dense tensor, or SIZE_MAX when it cannot be represented.
size_t tensorBytes(int32_t dtype, const int64_t *shape, int32_t rank);

} // namespace born

#endif // BORN_RUNTIME_INTERNAL_H
