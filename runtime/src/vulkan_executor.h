// Runs a model's born_vk_program on a Vulkan device.
#ifndef BORN_RUNTIME_VULKAN_EXECUTOR_H
#define BORN_RUNTIME_VULKAN_EXECUTOR_H

#include "born/runtime.h"

#include <memory>
#include <string>

namespace born {

class VulkanExecutor {
public:
  // Picks the device (`deviceIndex` >= 0, or the best one for -1), builds the
  // pipelines, allocates buffers, uploads the weights slices and records the
  // command buffer. nullptr with *error set on failure.
  static std::unique_ptr<VulkanExecutor> create(const born_model &model, const uint8_t *weights,
                                                uint64_t weightsSize, int deviceIndex,
                                                std::string *error);
  virtual ~VulkanExecutor() = default;
  // Copies inputs in, runs every dispatch, copies outputs out. Thread-safe
  // (runs are serialised).
  virtual bool run(const void *const *inputs, void *const *outputs, std::string *error) = 0;
};

} // namespace born

#endif // BORN_RUNTIME_VULKAN_EXECUTOR_H
