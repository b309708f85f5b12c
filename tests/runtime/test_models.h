// Hand-written born_model descriptors standing in for compiler output.
#ifndef BORN_TESTS_RUNTIME_TEST_MODELS_H
#define BORN_TESTS_RUNTIME_TEST_MODELS_H

#include "born/runtime.h"

#include <cstdint>
#include <cstring>
#include <vector>

// SPIR-V of kernels/elementwise.spvasm.in, embedded at build time.
extern const uint32_t born_test_add_spirv[];
extern const uint64_t born_test_add_spirv_words;
extern const uint32_t born_test_mul_spirv[];
extern const uint64_t born_test_mul_spirv_words;

namespace born_test {

// The weights blob starts with padding so that the parameter sits at a
// nonzero offset, as compiled models' parameters do.
constexpr uint64_t kWeightsOffset = 64;

inline float weightValue(int64_t i) { return 0.5f + 0.25f * static_cast<float>(i % 7); }

// out = (a + b) * w for N floats, w at kWeightsOffset in the weights blob;
// the CPU entry splits the work with born_parallel_for like generated code.
template <int64_t N> struct ScaledAddKernel {
  struct Env {
    const float *a, *b, *w;
    float *out;
  };
  static void chunk(void *env, int64_t begin, int64_t end) {
    const Env &e = *static_cast<const Env *>(env);
    for (int64_t i = begin; i < end; ++i)
      e.out[i] = (e.a[i] + e.b[i]) * e.w[i];
  }
  static void entry(void *const *args, const uint8_t *weights) {
    Env env{static_cast<const float *>(args[0]), static_cast<const float *>(args[1]),
            reinterpret_cast<const float *>(weights + kWeightsOffset),
            static_cast<float *>(args[2])};
    born_parallel_for(N, chunk, &env);
  }
};

// The model of ScaledAddKernel<N> with shape `shape` (product N): inputs
// "a", "b", output "out", all f32; embedded weights; a CPU entry and a
// two-dispatch Vulkan program (t = a + b into a temporary, out = t * w).
// Tests copy model() and edit fields to get variants.
class ScaledAddModel {
public:
  template <int64_t N>
  static ScaledAddModel *create(std::vector<int64_t> shape, const char *name = "scaled_add") {
    return new ScaledAddModel(std::move(shape), N, &ScaledAddKernel<N>::entry, name);
  }

  const born_model &model() const { return model_; }
  int64_t size() const { return n_; }
  const std::vector<uint8_t> &weightsBlob() const { return weights_; }

  std::vector<float> expected(const std::vector<float> &a, const std::vector<float> &b) const {
    std::vector<float> out(static_cast<size_t>(n_));
    for (int64_t i = 0; i < n_; ++i)
      out[i] = (a[i] + b[i]) * weightValue(i);
    return out;
  }

  ScaledAddModel(const ScaledAddModel &) = delete;
  ScaledAddModel &operator=(const ScaledAddModel &) = delete;

private:
  ScaledAddModel(std::vector<int64_t> shape, int64_t n, born_cpu_entry_fn entry,
                 const char *name)
      : shape_(std::move(shape)), n_(n) {
    uint64_t bytes = static_cast<uint64_t>(n) * 4;
    weights_.assign(kWeightsOffset + bytes, 0xAB); // padding that must not be read
    for (int64_t i = 0; i < n; ++i) {
      float w = weightValue(i);
      std::memcpy(&weights_[kWeightsOffset + static_cast<uint64_t>(i) * 4], &w, 4);
    }
    int32_t rank = static_cast<int32_t>(shape_.size());
    inputs_[0] = {"a", BORN_DTYPE_F32, rank, shape_.data(), -1};
    inputs_[1] = {"b", BORN_DTYPE_F32, rank, shape_.data(), -1};
    // Elementwise, so `out` may be written over `a`.
    outputs_[0] = {"out", BORN_DTYPE_F32, rank, shape_.data(), /*tied_input=*/0};

    kernels_[0] = {born_test_add_spirv, born_test_add_spirv_words, "add", 3, {64, 1, 1}};
    kernels_[1] = {born_test_mul_spirv, born_test_mul_spirv_words, "mul", 3, {64, 1, 1}};
    buffers_[0] = {BORN_VK_BUFFER_INPUT, 0, 0, bytes};
    buffers_[1] = {BORN_VK_BUFFER_INPUT, 1, 0, bytes};
    buffers_[2] = {BORN_VK_BUFFER_TEMP, 0, 0, bytes};
    buffers_[3] = {BORN_VK_BUFFER_WEIGHTS, 0, kWeightsOffset, bytes};
    buffers_[4] = {BORN_VK_BUFFER_OUTPUT, 0, 0, bytes};
    uint32_t groups = static_cast<uint32_t>((n + 63) / 64);
    dispatches_[0] = {0, {groups, 1, 1}, addBindings_};
    dispatches_[1] = {1, {groups, 1, 1}, mulBindings_};
    program_ = {2, kernels_, 5, buffers_, 2, dispatches_};

    model_ = born_model{};
    model_.abi_version = BORN_ABI_VERSION;
    model_.name = name;
    model_.num_inputs = 2;
    model_.num_outputs = 1;
    model_.inputs = inputs_;
    model_.outputs = outputs_;
    model_.weights = weights_.data();
    model_.weights_size = weights_.size();
    model_.weights_path = nullptr;
    model_.cpu_entry = entry;
    model_.vk_program = &program_;
  }

  std::vector<int64_t> shape_;
  int64_t n_;
  std::vector<uint8_t> weights_;
  born_tensor_info inputs_[2];
  born_tensor_info outputs_[1];
  born_vk_kernel kernels_[2];
  born_vk_buffer buffers_[5];
  const uint32_t addBindings_[3] = {0, 1, 2}; // t = a + b
  const uint32_t mulBindings_[3] = {2, 3, 4}; // out = t * w
  born_vk_dispatch dispatches_[2];
  born_vk_program program_;
  born_model model_;
};

// Deterministic test data.
inline std::vector<float> ramp(int64_t n, float scale, float offset) {
  std::vector<float> values(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    values[i] = offset + scale * static_cast<float>((i * 37) % 101);
  return values;
}

} // namespace born_test

#endif // BORN_TESTS_RUNTIME_TEST_MODELS_H
