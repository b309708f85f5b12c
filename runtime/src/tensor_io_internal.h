// Shared pieces of the .npy and .pb readers.
#ifndef BORN_RUNTIME_TENSOR_IO_INTERNAL_H
#define BORN_RUNTIME_TENSOR_IO_INTERNAL_H

#include "born/tensor_io.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace born {

// Allocates zeroed, 64-byte aligned storage; on failure `t` stays empty.
bool allocTensor(born_host_tensor *t, int32_t dtype, int32_t rank, const int64_t *shape,
                 std::string *error);

bool parseNpy(const uint8_t *bytes, size_t size, born_host_tensor *t, std::string *error);
bool parseTensorProto(const uint8_t *bytes, size_t size, born_host_tensor *t,
                      std::string *error);
bool saveNpy(const char *path, const born_host_tensor &t, std::string *error);

} // namespace born

#endif // BORN_RUNTIME_TENSOR_IO_INTERNAL_H
