/* llama_reference: greedy generation with llama.cpp, the independent
 * reference for Born's GGUF language models (tests/llm/generate_test.py).
 *
 *   llama_reference LIBDIR MODEL.gguf N IDS_OUT LOGITS_OUT [PROMPT]
 *
 * loads llama.cpp's prebuilt libllama from LIBDIR (the npm package
 * @node-llama-cpp/linux-x64@3.22.1, llama.cpp release v0.5.0 by its
 * _nlcBuildMetadata.json), feeds the prompt tokenized by llama.cpp (BOS
 * added as the model asks; just BOS when there is no prompt) in one batch,
 * then N times: writes the logits of the last token (f32, raw) and feeds the
 * first most likely token. IDS_OUT gets the N chosen ids, one per line.
 *
 *   llama_reference LIBDIR MODEL.gguf --bench THREADS
 *
 * instead measures llama-bench's pp512 (a 512-token batch) and tg128 (128
 * tokens one at a time from an empty context) with llama.cpp's default
 * context settings (f16 KV cache, flash attention auto): the mean tokens/s
 * of 3 runs after a warm-up, printed as Born's executables print theirs
 * (bench/llm_bench.py).
 *
 * The library is opened with dlopen and called through the C API of llama.h.
 * Parameter structs are passed as llama.cpp's defaults with a few fields
 * changed; the fields touched are at offsets that have not moved in many
 * releases, and their default values are checked before they are changed so
 * that a different layout fails loudly instead of misbehaving. The KV cache
 * is switched to f32 (its default is f16) so that both sides compute in f32.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Big enough for llama_model_params / llama_context_params: both are passed
 * in memory (SysV ABI), so a larger buffer with the real struct at its start
 * is read and written the same way. */
typedef struct {
  unsigned char bytes[1024];
} opaque_params;

typedef struct {
  int32_t n_tokens;
  int32_t *token;
  float *embd;
  int32_t *pos;
  int32_t *n_seq_id;
  int32_t **seq_id;
  int8_t *logits;
} llama_batch;

/* Offsets in this release's llama_context_params (read from the defaults it
 * returns: n_ctx 512, n_batch 2048, n_ubatch 512, n_seq_max 1, three newer
 * uint32 fields, n_threads 4, n_threads_batch 4, ctx_type, then the four
 * enums rope_scaling_type .. flash_attn_type at -1 (auto), seven floats and
 * a uint32, two pointers, type_k and type_v at GGML_TYPE_F16). */
enum {
  kNCtx = 0,
  kNBatch = 4,
  kNUbatch = 8,
  kNSeqMax = 12,
  kNThreads = 28,
  kNThreadsBatch = 32,
  kFlashAttnType = 52,
  kTypeK = 104,
  kTypeV = 108,
};

static void *lib_llama, *lib_ggml;

static void *symbol(void *lib, const char *name) {
  void *p = dlsym(lib, name);
  if (!p) {
    fprintf(stderr, "llama_reference: %s not found: %s\n", name, dlerror());
    exit(2);
  }
  return p;
}

static int32_t get_i32(const opaque_params *p, int offset) {
  int32_t v;
  memcpy(&v, p->bytes + offset, sizeof v);
  return v;
}

static void set_i32(opaque_params *p, int offset, int32_t v) {
  memcpy(p->bytes + offset, &v, sizeof v);
}

static void quiet_log(int level, const char *text, void *user) {
  (void)level;
  (void)text;
  (void)user;
}

#include <time.h>

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

typedef struct {
  void *ctx;
  void (*clear)(void *, int /*bool*/);
  void *(*get_memory)(void *);
  llama_batch (*batch_one)(int32_t *, int32_t);
  int32_t (*decode)(void *, llama_batch);
  void (*synchronize)(void *);
} bench_api;

/* One run: a prompt of `batch` tokens decoded at once (`count` 1) or
 * `count` tokens decoded one at a time, from an empty KV cache. */
static int bench_run(const bench_api *api, int32_t *tokens, int batch,
                     int count) {
  api->clear(api->get_memory(api->ctx), 1);
  for (int i = 0; i < count; ++i)
    if (api->decode(api->ctx, api->batch_one(tokens + i, batch)) != 0)
      return 0;
  api->synchronize(api->ctx);
  return 1;
}

static int bench_test(const bench_api *api, const char *name, int32_t *tokens,
                      int batch, int count, int threads) {
  double total = 0;
  if (!bench_run(api, tokens, batch, count))
    return 0;
  for (int r = 0; r < 3; ++r) {
    double start = now();
    if (!bench_run(api, tokens, batch, count))
      return 0;
    total += now() - start;
  }
  printf("| %s%d | %d threads | %10.2f tokens/s |\n", name,
         batch * count, threads, batch * count * 3 / total);
  fflush(stdout);
  return 1;
}

int main(int argc, char **argv) {
  int benchmark = argc == 5 && strcmp(argv[3], "--bench") == 0;
  if (argc != 6 && argc != 7 && !benchmark) {
    fprintf(stderr,
            "usage: %s LIBDIR MODEL.gguf N IDS_OUT LOGITS_OUT [PROMPT]\n"
            "       %s LIBDIR MODEL.gguf --bench THREADS\n",
            argv[0], argv[0]);
    return 2;
  }
  const char *dir = argv[1], *model_path = argv[2];
  int n = benchmark ? 0 : atoi(argv[3]);
  int threads = benchmark ? atoi(argv[4]) : 1;
  char path[4096];
  snprintf(path, sizeof path, "%s/libggml.v0.5.0.so", dir);
  lib_ggml = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
  snprintf(path, sizeof path, "%s/libllama.v0.5.0.so", dir);
  lib_llama = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
  if (!lib_ggml || !lib_llama) {
    fprintf(stderr, "llama_reference: cannot load llama.cpp from %s: %s\n",
            dir, dlerror());
    return 2;
  }

  void (*log_set)(void (*)(int, const char *, void *), void *) =
      symbol(lib_llama, "llama_log_set");
  void (*load_backends)(const char *) =
      symbol(lib_ggml, "ggml_backend_load_all_from_path");
  void (*backend_init)(void) = symbol(lib_llama, "llama_backend_init");
  opaque_params (*model_defaults)(void) =
      symbol(lib_llama, "llama_model_default_params");
  opaque_params (*context_defaults)(void) =
      symbol(lib_llama, "llama_context_default_params");
  void *(*load_model)(const char *, opaque_params) =
      symbol(lib_llama, "llama_model_load_from_file");
  void *(*init_context)(void *, opaque_params) =
      symbol(lib_llama, "llama_init_from_model");
  const void *(*get_vocab)(const void *) =
      symbol(lib_llama, "llama_model_get_vocab");
  int32_t (*vocab_bos)(const void *) = symbol(lib_llama, "llama_vocab_bos");
  int32_t (*tokenize)(const void *, const char *, int32_t, int32_t *, int32_t,
                      int /*bool*/, int /*bool*/) =
      symbol(lib_llama, "llama_tokenize");
  int32_t (*vocab_size)(const void *) =
      symbol(lib_llama, "llama_vocab_n_tokens");
  llama_batch (*batch_one)(int32_t *, int32_t) =
      symbol(lib_llama, "llama_batch_get_one");
  int32_t (*decode)(void *, llama_batch) = symbol(lib_llama, "llama_decode");
  float *(*logits_ith)(void *, int32_t) =
      symbol(lib_llama, "llama_get_logits_ith");
  void (*free_context)(void *) = symbol(lib_llama, "llama_free");
  void (*free_model)(void *) = symbol(lib_llama, "llama_model_free");

  log_set(quiet_log, NULL);
  load_backends(dir);
  backend_init();

  void *model = load_model(model_path, model_defaults());
  if (!model) {
    fprintf(stderr, "llama_reference: llama.cpp cannot load %s\n", model_path);
    return 2;
  }
  opaque_params cp = context_defaults();
  if (get_i32(&cp, kNCtx) != 512 || get_i32(&cp, kNUbatch) != 512 ||
      get_i32(&cp, kNSeqMax) != 1 || get_i32(&cp, kNThreads) != 4 ||
      get_i32(&cp, kNThreadsBatch) != 4 ||
      get_i32(&cp, kFlashAttnType - 4) != -1 ||
      get_i32(&cp, kFlashAttnType) != -1 || get_i32(&cp, kTypeK) != 1 ||
      get_i32(&cp, kTypeV) != 1) {
    fprintf(stderr,
            "llama_reference: llama_context_params is not laid out as "
            "expected (n_ctx %d, n_ubatch %d, n_seq_max %d, n_threads %d/%d, "
            "attention_type %d, flash_attn_type %d, type_k %d, type_v %d; "
            "expected 512, 512, 1, 4/4, -1, -1, 1, 1)\n",
            get_i32(&cp, kNCtx), get_i32(&cp, kNUbatch),
            get_i32(&cp, kNSeqMax), get_i32(&cp, kNThreads),
            get_i32(&cp, kNThreadsBatch), get_i32(&cp, kFlashAttnType - 4),
            get_i32(&cp, kFlashAttnType), get_i32(&cp, kTypeK),
            get_i32(&cp, kTypeV));
    return 2;
  }
  set_i32(&cp, kNCtx, benchmark ? 1024 : n + 512 + 8);
  set_i32(&cp, kNBatch, 512);
  set_i32(&cp, kNUbatch, 512);
  set_i32(&cp, kNThreads, threads);
  set_i32(&cp, kNThreadsBatch, threads);
  if (!benchmark) {
    set_i32(&cp, kFlashAttnType, 0); /* off */
    set_i32(&cp, kTypeK, 0);         /* GGML_TYPE_F32 */
    set_i32(&cp, kTypeV, 0);
  }
  void *ctx = init_context(model, cp);
  if (!ctx) {
    fprintf(stderr, "llama_reference: llama.cpp cannot create a context\n");
    return 2;
  }
  if (benchmark) {
    bench_api api = {ctx,
                     symbol(lib_llama, "llama_memory_clear"),
                     symbol(lib_llama, "llama_get_memory"),
                     batch_one,
                     decode,
                     symbol(lib_llama, "llama_synchronize")};
    int32_t tokens[512];
    int32_t n_vocab = vocab_size(get_vocab(model));
    for (int i = 0; i < 512; ++i)
      tokens[i] = (int32_t)(((int64_t)i * 7919 + 1) % n_vocab);
    if (!bench_test(&api, "pp", tokens, 512, 1, threads) ||
        !bench_test(&api, "tg", tokens, 1, 128, threads)) {
      fprintf(stderr, "llama_reference: llama_decode failed\n");
      return 2;
    }
    free_context(ctx);
    free_model(model);
    return 0;
  }

  const void *vocab = get_vocab(model);
  int32_t n_vocab = vocab_size(vocab);
  int32_t prompt[512];
  int32_t n_prompt = 1;
  prompt[0] = vocab_bos(vocab);
  if (argc == 7) {
    n_prompt = tokenize(vocab, argv[6], (int32_t)strlen(argv[6]), prompt, 512,
                        /*add_special=*/1, /*parse_special=*/0);
    if (n_prompt <= 0) {
      fprintf(stderr, "llama_reference: cannot tokenize the prompt\n");
      return 2;
    }
  }
  FILE *ids = fopen(argv[4], "w"), *logits = fopen(argv[5], "wb");
  if (!ids || !logits) {
    fprintf(stderr, "llama_reference: cannot write %s / %s\n", argv[4],
            argv[5]);
    return 2;
  }
  int32_t token = 0;
  for (int step = 0; step < n; ++step) {
    llama_batch batch =
        step == 0 ? batch_one(prompt, n_prompt) : batch_one(&token, 1);
    if (decode(ctx, batch) != 0) {
      fprintf(stderr, "llama_reference: llama_decode failed at step %d\n",
              step);
      return 2;
    }
    const float *row = logits_ith(ctx, -1);
    fwrite(row, sizeof(float), (size_t)n_vocab, logits);
    int32_t best = 0;
    for (int32_t i = 1; i < n_vocab; ++i)
      if (row[i] > row[best])
        best = i;
    fprintf(ids, "%d\n", best);
    token = best;
  }
  fclose(ids);
  fclose(logits);
  free_context(ctx);
  free_model(model);
  return 0;
}
