/* Born runtime: reading and writing tensor files on the host.
 *
 * .npy (NumPy format 1.0/2.0/3.0, little-endian, C order) and ONNX
 * TensorProto .pb files (as in the ONNX backend test data). Used by born_main
 * for inputs and outputs, and by tests.
 */
#ifndef BORN_TENSOR_IO_H
#define BORN_TENSOR_IO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BORN_MAX_RANK 8

/* A dense row-major tensor in host memory. `data` is 64-byte aligned and owned
 * by the tensor when it came from born_tensor_alloc or a loader. */
typedef struct born_host_tensor {
  int32_t dtype; /* born_dtype */
  int32_t rank;
  int64_t shape[BORN_MAX_RANK];
  void *data;
  size_t nbytes;
} born_host_tensor;

/* Every function returning int returns 0 on success, nonzero with a message
 * in err (at most errlen bytes including the terminator) otherwise. On
 * failure the tensor is left empty (data == NULL). */

/* Allocates zeroed storage for a tensor of the given dtype and shape. */
int born_tensor_alloc(born_host_tensor *t, int32_t dtype, int32_t rank,
                      const int64_t *shape, char *err, size_t errlen);

/* Loads a .npy or .pb file: by extension, else by the NumPy magic bytes. */
int born_tensor_load(const char *path, born_host_tensor *t, char *err,
                     size_t errlen);

/* Parses an in-memory .npy file / serialized onnx.TensorProto. */
int born_npy_parse(const void *bytes, size_t size, born_host_tensor *t,
                   char *err, size_t errlen);
int born_pb_parse(const void *bytes, size_t size, born_host_tensor *t,
                  char *err, size_t errlen);

/* Writes `t` as a .npy file (format 1.0, or 2.0 when the header needs it). */
int born_npy_save(const char *path, const born_host_tensor *t, char *err,
                  size_t errlen);

/* Frees the data of a tensor and empties it; safe on an empty tensor. */
void born_tensor_free(born_host_tensor *t);

#ifdef __cplusplus
}
#endif
#endif /* BORN_TENSOR_IO_H */
