/* Links two models compiled with `bornc --emit=obj --prefix ...` into one
 * plain C program through their generated headers, runs both, and writes
 * their outputs as .npy files.
 * Usage: two_models MLP_IN.npy CNN_IN.npy OUT_DIR */
#include "cnn.h"
#include "mlp.h"

#include "born/tensor_io.h"

#include <stdio.h>

static int run(born_session *(*create)(const born_options *, char *, size_t),
               const char *input_path, const born_tensor_info *out_info,
               const char *out_path) {
  char err[512];
  born_host_tensor input;
  if (born_tensor_load(input_path, &input, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  born_session *session = create(NULL, err, sizeof err);
  if (!session) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  born_host_tensor output;
  if (born_tensor_alloc(&output, out_info->dtype, out_info->rank,
                        out_info->shape, err, sizeof err) != 0) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  const void *inputs[] = {input.data};
  void *outputs[] = {output.data};
  int rc = born_session_run(session, inputs, outputs, err, sizeof err);
  if (rc == 0)
    rc = born_npy_save(out_path, &output, err, sizeof err);
  if (rc != 0)
    fprintf(stderr, "%s\n", err);
  born_session_destroy(session);
  born_tensor_free(&input);
  born_tensor_free(&output);
  return rc;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s MLP_IN.npy CNN_IN.npy OUT_DIR\n", argv[0]);
    return 2;
  }
  char path[4096];
  snprintf(path, sizeof path, "%s/mlp_output.npy", argv[3]);
  if (run(mlp_create, argv[1], &mlp_model.outputs[0], path))
    return 1;
  snprintf(path, sizeof path, "%s/cnn_output.npy", argv[3]);
  if (run(cnn_create, argv[2], &cnn_model.outputs[0], path))
    return 1;
  printf("ran %s (%d input) and %s (%d input)\n", mlp_model.name,
         MLP_NUM_INPUTS, cnn_model.name, CNN_NUM_INPUTS);
  return 0;
}
