// The C API of tensor_io.h: allocation, file loading, dispatch by format.
#include "born/tensor_io.h"

#include "born/runtime.h"
#include "internal.h"
#include "tensor_io_internal.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

namespace born {

bool allocTensor(born_host_tensor *t, int32_t dtype, int32_t rank, const int64_t *shape,
                 std::string *error) {
  std::memset(t, 0, sizeof *t);
  if (born_dtype_size(dtype) == 0) {
    *error = format("unknown dtype %d", dtype);
    return false;
  }
  if (rank < 0 || rank > BORN_MAX_RANK) {
    *error = format("rank %d is not supported (at most %d)", rank, BORN_MAX_RANK);
    return false;
  }
  size_t bytes = tensorBytes(dtype, shape, rank);
  if (bytes == SIZE_MAX) {
    *error = format("invalid shape %s", shapeToString(shape, rank).c_str());
    return false;
  }
  void *data = alignedAlloc(bytes);
  if (data == nullptr) {
    *error = format("out of memory allocating %zu bytes", bytes);
    return false;
  }
  std::memset(data, 0, bytes);
  t->dtype = dtype;
  t->rank = rank;
  for (int32_t i = 0; i < rank; ++i)
    t->shape[i] = shape[i];
  t->data = data;
  t->nbytes = bytes;
  return true;
}

namespace {

bool readFile(const char *path, std::vector<uint8_t> *contents, std::string *error) {
  FILE *file = std::fopen(path, "rb");
  if (file == nullptr) {
    *error = format("cannot open: %s", std::strerror(errno));
    return false;
  }
  contents->clear();
  uint8_t buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0)
    contents->insert(contents->end(), buffer, buffer + n);
  bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) {
    *error = "read error";
    return false;
  }
  return true;
}

bool endsWith(const std::string &text, const char *suffix) {
  size_t n = std::strlen(suffix);
  return text.size() >= n && text.compare(text.size() - n, n, suffix) == 0;
}

} // namespace
} // namespace born

extern "C" int born_tensor_alloc(born_host_tensor *t, int32_t dtype, int32_t rank,
                                 const int64_t *shape, char *err, size_t errlen) {
  std::string error;
  if (t == nullptr || (rank > 0 && shape == nullptr)) {
    born::writeError(err, errlen, "born_tensor_alloc: NULL tensor or shape");
    return 1;
  }
  if (!born::allocTensor(t, dtype, rank, shape, &error)) {
    born::writeError(err, errlen, error);
    return 1;
  }
  return 0;
}

extern "C" int born_tensor_load(const char *path, born_host_tensor *t, char *err,
                                size_t errlen) {
  if (path == nullptr || t == nullptr) {
    born::writeError(err, errlen, "born_tensor_load: NULL path or tensor");
    return 1;
  }
  std::memset(t, 0, sizeof *t);
  std::string error;
  bool ok = false;
  try {
    std::vector<uint8_t> contents;
    if (born::readFile(path, &contents, &error)) {
      std::string name = path;
      bool npyMagic = contents.size() >= 6 && std::memcmp(contents.data(), "\x93NUMPY", 6) == 0;
      bool isNpy = born::endsWith(name, ".npy") || (!born::endsWith(name, ".pb") && npyMagic);
      ok = isNpy ? born::parseNpy(contents.data(), contents.size(), t, &error)
                 : born::parseTensorProto(contents.data(), contents.size(), t, &error);
    }
  } catch (const std::bad_alloc &) {
    error = "out of memory";
  }
  if (!ok) {
    born_tensor_free(t);
    born::writeError(err, errlen, born::format("%s: %s", path, error.c_str()));
    return 1;
  }
  return 0;
}

extern "C" int born_npy_parse(const void *bytes, size_t size, born_host_tensor *t, char *err,
                              size_t errlen) {
  std::string error;
  if (t == nullptr || (bytes == nullptr && size > 0)) {
    born::writeError(err, errlen, "born_npy_parse: NULL argument");
    return 1;
  }
  std::memset(t, 0, sizeof *t);
  if (!born::parseNpy(static_cast<const uint8_t *>(bytes), size, t, &error)) {
    born_tensor_free(t);
    born::writeError(err, errlen, error);
    return 1;
  }
  return 0;
}

extern "C" int born_pb_parse(const void *bytes, size_t size, born_host_tensor *t, char *err,
                             size_t errlen) {
  std::string error;
  if (t == nullptr || (bytes == nullptr && size > 0)) {
    born::writeError(err, errlen, "born_pb_parse: NULL argument");
    return 1;
  }
  std::memset(t, 0, sizeof *t);
  bool ok = false;
  try {
    ok = born::parseTensorProto(static_cast<const uint8_t *>(bytes), size, t, &error);
  } catch (const std::bad_alloc &) {
    error = "out of memory";
  }
  if (!ok) {
    born_tensor_free(t);
    born::writeError(err, errlen, error);
    return 1;
  }
  return 0;
}

extern "C" int born_npy_save(const char *path, const born_host_tensor *t, char *err,
                             size_t errlen) {
  if (path == nullptr || t == nullptr) {
    born::writeError(err, errlen, "born_npy_save: NULL path or tensor");
    return 1;
  }
  std::string error;
  if (!born::saveNpy(path, *t, &error)) {
    born::writeError(err, errlen, born::format("%s: %s", path, error.c_str()));
    return 1;
  }
  return 0;
}

extern "C" void born_tensor_free(born_host_tensor *t) {
  if (t == nullptr)
    return;
  born::alignedFree(t->data);
  std::memset(t, 0, sizeof *t);
}
