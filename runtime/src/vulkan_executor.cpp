#include "vulkan_executor.h"

#include "internal.h"

// The Vulkan loader is opened with dlopen on first use rather than linked, so
// that executables start (and run on the CPU) on machines without it. Only the
// headers are used at build time.
#define VK_NO_PROTOTYPES
#include <vulkan/vulkan.h>

#include <dlfcn.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

namespace born {
namespace {

const char *resultName(VkResult result) {
  switch (result) {
#define BORN_VK_RESULT(name) case name: return #name;
    BORN_VK_RESULT(VK_SUCCESS)
    BORN_VK_RESULT(VK_NOT_READY)
    BORN_VK_RESULT(VK_TIMEOUT)
    BORN_VK_RESULT(VK_INCOMPLETE)
    BORN_VK_RESULT(VK_ERROR_OUT_OF_HOST_MEMORY)
    BORN_VK_RESULT(VK_ERROR_OUT_OF_DEVICE_MEMORY)
    BORN_VK_RESULT(VK_ERROR_INITIALIZATION_FAILED)
    BORN_VK_RESULT(VK_ERROR_DEVICE_LOST)
    BORN_VK_RESULT(VK_ERROR_MEMORY_MAP_FAILED)
    BORN_VK_RESULT(VK_ERROR_LAYER_NOT_PRESENT)
    BORN_VK_RESULT(VK_ERROR_EXTENSION_NOT_PRESENT)
    BORN_VK_RESULT(VK_ERROR_FEATURE_NOT_PRESENT)
    BORN_VK_RESULT(VK_ERROR_INCOMPATIBLE_DRIVER)
    BORN_VK_RESULT(VK_ERROR_TOO_MANY_OBJECTS)
    BORN_VK_RESULT(VK_ERROR_FORMAT_NOT_SUPPORTED)
    BORN_VK_RESULT(VK_ERROR_FRAGMENTED_POOL)
    BORN_VK_RESULT(VK_ERROR_UNKNOWN)
    BORN_VK_RESULT(VK_ERROR_OUT_OF_POOL_MEMORY)
    BORN_VK_RESULT(VK_ERROR_INVALID_EXTERNAL_HANDLE)
    BORN_VK_RESULT(VK_ERROR_FRAGMENTATION)
    BORN_VK_RESULT(VK_ERROR_INVALID_SHADER_NV)
#undef BORN_VK_RESULT
  default: return "unknown VkResult";
  }
}

// Evaluates a Vulkan call; on failure names the call and the result in
// *error and returns false from the enclosing function.
#define BORN_VK_CHECK(fn, ...)                                                        \
  do {                                                                                \
    VkResult bornResult_ = fn(__VA_ARGS__);                                           \
    if (bornResult_ != VK_SUCCESS) {                                                  \
      *error = format("%s failed: %s (%d)", #fn, resultName(bornResult_),             \
                      static_cast<int>(bornResult_));                                 \
      return false;                                                                   \
    }                                                                                 \
  } while (0)

const char *deviceTypeName(VkPhysicalDeviceType type) {
  switch (type) {
  case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete GPU";
  case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated GPU";
  case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual GPU";
  case VK_PHYSICAL_DEVICE_TYPE_CPU: return "CPU";
  default: return "other";
  }
}

// Lower is better: discrete, integrated, virtual, CPU (lavapipe), other.
int deviceTypeRank(VkPhysicalDeviceType type) {
  switch (type) {
  case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return 0;
  case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return 1;
  case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return 2;
  case VK_PHYSICAL_DEVICE_TYPE_CPU: return 3;
  default: return 4;
  }
}

// The Vulkan functions the executor calls, by how they are resolved. Each
// becomes a member of VulkanExecutorImpl named like the function, so the code
// reads as plain Vulkan. Global functions: vkGetInstanceProcAddr with no
// instance (vkEnumerateInstanceVersion is handled apart: 1.0 loaders lack it).
#define BORN_VK_GLOBAL_FUNCTIONS(X) X(vkCreateInstance)
// Instance functions: vkGetInstanceProcAddr with the instance. vkDestroyDevice
// is here too so that a device whose functions fail to load can be destroyed.
#define BORN_VK_INSTANCE_FUNCTIONS(X)                                                     \
  X(vkDestroyInstance) X(vkEnumeratePhysicalDevices) X(vkGetPhysicalDeviceProperties)    \
  X(vkGetPhysicalDeviceQueueFamilyProperties) X(vkGetPhysicalDeviceMemoryProperties)      \
  X(vkGetPhysicalDeviceFeatures) X(vkCreateDevice) X(vkGetDeviceProcAddr)                \
  X(vkDestroyDevice)
// Device functions: vkGetDeviceProcAddr, which skips the loader's dispatch.
#define BORN_VK_DEVICE_FUNCTIONS(X)                                                       \
  X(vkGetDeviceQueue) X(vkDeviceWaitIdle) X(vkCreatePipelineCache)                        \
  X(vkDestroyPipelineCache) X(vkCreateShaderModule) X(vkDestroyShaderModule)              \
  X(vkCreateDescriptorSetLayout) X(vkDestroyDescriptorSetLayout) X(vkCreatePipelineLayout) \
  X(vkDestroyPipelineLayout) X(vkCreateComputePipelines) X(vkDestroyPipeline)             \
  X(vkCreateBuffer) X(vkDestroyBuffer) X(vkGetBufferMemoryRequirements)                   \
  X(vkAllocateMemory) X(vkFreeMemory) X(vkBindBufferMemory) X(vkMapMemory)                \
  X(vkCreateDescriptorPool) X(vkDestroyDescriptorPool) X(vkAllocateDescriptorSets)        \
  X(vkUpdateDescriptorSets) X(vkCreateCommandPool) X(vkDestroyCommandPool)                \
  X(vkAllocateCommandBuffers) X(vkBeginCommandBuffer) X(vkEndCommandBuffer)               \
  X(vkCmdPipelineBarrier) X(vkCmdBindPipeline) X(vkCmdBindDescriptorSets)                 \
  X(vkCmdDispatch) X(vkCreateFence) X(vkDestroyFence) X(vkResetFences)                    \
  X(vkWaitForFences) X(vkQueueSubmit)

// The process's Vulkan loader: libvulkan.so.1 (else libvulkan.so, the
// development symlink), or exactly $BORN_VULKAN_LIBRARY when set. Opened
// once, on the first Vulkan session, and never closed: later sessions reuse
// it, and unloading drivers while their threads may still run is unsafe.
struct VulkanLoader {
  PFN_vkGetInstanceProcAddr getInstanceProcAddr = nullptr;
  std::string error; // why there is none
};

VulkanLoader openVulkanLoader() {
  VulkanLoader loader;
  const char *chosen = std::getenv("BORN_VULKAN_LIBRARY");
  bool useChosen = chosen != nullptr && chosen[0] != '\0';
  std::vector<const char *> candidates;
  if (useChosen)
    candidates = {chosen};
  else
    candidates = {"libvulkan.so.1", "libvulkan.so"};
  std::string firstFailure;
  for (const char *name : candidates) {
    void *library = dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (library == nullptr) {
      const char *why = dlerror();
      if (firstFailure.empty())
        firstFailure = why ? why : format("dlopen(%s) failed", name);
      continue;
    }
    void *symbol = dlsym(library, "vkGetInstanceProcAddr");
    if (symbol != nullptr) {
      loader.getInstanceProcAddr = reinterpret_cast<PFN_vkGetInstanceProcAddr>(symbol);
      return loader;
    }
    if (firstFailure.empty())
      firstFailure = format("%s has no vkGetInstanceProcAddr", name);
    dlclose(library);
  }
  std::string tried = useChosen ? format("BORN_VULKAN_LIBRARY=%s", chosen) : "libvulkan.so.1";
  loader.error = format("no Vulkan loader found (%s): install the Vulkan loader (Debian: "
                        "libvulkan1) and a driver such as mesa-vulkan-drivers or the GPU "
                        "vendor's (%s)",
                        tried.c_str(), firstFailure.c_str());
  return loader;
}

const VulkanLoader &vulkanLoader() {
  static const VulkanLoader loader = openVulkanLoader(); // thread-safe initialisation
  return loader;
}

const char *kNoDeviceHint =
    "is a Vulkan driver such as mesa-vulkan-drivers installed?";

// Entry point names declared by OpEntryPoint in a SPIR-V module, or false when
// the words are not a well-formed module. Checked up front because passing a
// bad module or an unknown entry name to the driver is undefined behaviour.
bool spirvEntryPoints(const uint32_t *words, uint64_t count, std::vector<std::string> *names) {
  constexpr uint32_t kMagic = 0x07230203, kOpEntryPoint = 15;
  if (count < 5 || words[0] != kMagic)
    return false;
  for (uint64_t i = 5; i < count;) {
    uint32_t wordCount = words[i] >> 16, opcode = words[i] & 0xffff;
    if (wordCount == 0 || wordCount > count - i)
      return false;
    if (opcode == kOpEntryPoint && wordCount > 3) {
      // Operands: execution model, function id, then the name as a
      // nul-terminated string packed into words.
      const char *name = reinterpret_cast<const char *>(&words[i + 3]);
      size_t maxLength = (wordCount - 3) * 4;
      names->emplace_back(name, strnlen(name, maxLength));
    }
    i += wordCount;
  }
  return true;
}

struct Kernel {
  VkShaderModule module = VK_NULL_HANDLE;
  VkDescriptorSetLayout setLayout = VK_NULL_HANDLE;
  VkPipelineLayout pipelineLayout = VK_NULL_HANDLE;
  VkPipeline pipeline = VK_NULL_HANDLE;
};

struct Buffer {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  void *mapped = nullptr; // host-visible buffers stay mapped for the session
};

class VulkanExecutorImpl final : public VulkanExecutor {
public:
  VulkanExecutorImpl(const born_model &model) : model_(model), program_(*model.vk_program) {}
  ~VulkanExecutorImpl() override;

  bool init(const uint8_t *weights, uint64_t weightsSize, int deviceIndex, std::string *error);
  bool run(const void *const *inputs, void *const *outputs, std::string *error) override;

private:
  bool validateProgram(uint64_t weightsSize, std::string *error);
  bool loadGlobalFunctions(std::string *error);
  bool createInstance(std::string *error);
  bool pickPhysicalDevice(int deviceIndex, std::string *error);
  bool createDevice(std::string *error);
  bool createKernels(std::string *error);
  bool createBuffers(const uint8_t *weights, std::string *error);
  const char *missingFeature(const born_vk_kernel &kernel) const;
  std::string deviceName() const;
  bool createDescriptorSets(std::string *error);
  bool recordCommands(std::string *error);
  int findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags required,
                     VkMemoryPropertyFlags preferred) const;
  size_t tensorSize(const born_tensor_info &info) const {
    return tensorBytes(info.dtype, info.shape, info.rank);
  }

  const born_model &model_;
  const born_vk_program &program_;
  VkInstance instance_ = VK_NULL_HANDLE;
  VkPhysicalDevice physicalDevice_ = VK_NULL_HANDLE;
  VkPhysicalDeviceMemoryProperties memoryProperties_{};
  VkPhysicalDeviceLimits limits_{};
  uint32_t queueFamily_ = 0;
  VkDevice device_ = VK_NULL_HANDLE;
  VkQueue queue_ = VK_NULL_HANDLE;
  VkPipelineCache pipelineCache_ = VK_NULL_HANDLE;
  uint32_t instanceApiVersion_ = VK_API_VERSION_1_0;
  // Optional features enabled on the device, for the SPIR-V capabilities
  // kernels may declare.
  bool shaderInt64_ = false, shaderFloat16_ = false, storageBuffer16_ = false;
  bool shaderFloat64_ = false, shaderInt16_ = false;
  std::vector<Kernel> kernels_;
  std::vector<Buffer> buffers_;
  VkDescriptorPool descriptorPool_ = VK_NULL_HANDLE;
  std::vector<VkDescriptorSet> descriptorSets_; // one per dispatch
  VkCommandPool commandPool_ = VK_NULL_HANDLE;
  VkCommandBuffer commandBuffer_ = VK_NULL_HANDLE;
  VkFence fence_ = VK_NULL_HANDLE;
  std::mutex runMutex_;

  // Vulkan entry points (see BORN_VK_*_FUNCTIONS): every instance function is
  // set whenever instance_ is, every device function whenever device_ is.
#define BORN_VK_DECLARE(name) PFN_##name name = nullptr;
  PFN_vkGetInstanceProcAddr vkGetInstanceProcAddr = nullptr;
  PFN_vkEnumerateInstanceVersion vkEnumerateInstanceVersion = nullptr;
  BORN_VK_GLOBAL_FUNCTIONS(BORN_VK_DECLARE)
  BORN_VK_INSTANCE_FUNCTIONS(BORN_VK_DECLARE)
  BORN_VK_DEVICE_FUNCTIONS(BORN_VK_DECLARE)
#undef BORN_VK_DECLARE
};

// Resolves `name` into the member of the same name with getProcAddr(handle);
// remembers the first one missing in `missing`.
#define BORN_VK_LOAD(getProcAddr, handle, name)                                           \
  name = reinterpret_cast<PFN_##name>(getProcAddr(handle, #name));                       \
  if (name == nullptr && missing == nullptr)                                              \
    missing = #name;

VulkanExecutorImpl::~VulkanExecutorImpl() {
  if (device_ != VK_NULL_HANDLE) {
    vkDeviceWaitIdle(device_);
    vkDestroyFence(device_, fence_, nullptr);
    vkDestroyCommandPool(device_, commandPool_, nullptr); // frees the command buffer
    vkDestroyDescriptorPool(device_, descriptorPool_, nullptr); // frees the sets
    for (Buffer &buffer : buffers_) {
      vkDestroyBuffer(device_, buffer.buffer, nullptr);
      vkFreeMemory(device_, buffer.memory, nullptr); // unmaps implicitly
    }
    for (Kernel &kernel : kernels_) {
      vkDestroyPipeline(device_, kernel.pipeline, nullptr);
      vkDestroyPipelineLayout(device_, kernel.pipelineLayout, nullptr);
      vkDestroyDescriptorSetLayout(device_, kernel.setLayout, nullptr);
      vkDestroyShaderModule(device_, kernel.module, nullptr);
    }
    vkDestroyPipelineCache(device_, pipelineCache_, nullptr);
    vkDestroyDevice(device_, nullptr);
  }
  if (instance_ != VK_NULL_HANDLE)
    vkDestroyInstance(instance_, nullptr);
}

bool VulkanExecutorImpl::init(const uint8_t *weights, uint64_t weightsSize, int deviceIndex,
                              std::string *error) {
  return validateProgram(weightsSize, error) && loadGlobalFunctions(error) &&
         createInstance(error) && pickPhysicalDevice(deviceIndex, error) && createDevice(error) &&
         createKernels(error) && createBuffers(weights, error) &&
         createDescriptorSets(error) && recordCommands(error);
}

// The program comes from generated code, but a mismatch between it and the
// tensor infos would corrupt memory, so check it once up front.
bool VulkanExecutorImpl::validateProgram(uint64_t weightsSize, std::string *error) {
  const born_vk_program &p = program_;
  for (uint32_t k = 0; k < p.num_kernels; ++k) {
    const born_vk_kernel &kernel = p.kernels[k];
    if (kernel.spirv == nullptr || kernel.spirv_words == 0 || kernel.entry == nullptr) {
      *error = format("Vulkan kernel %u has no SPIR-V or no entry point name", k);
      return false;
    }
    std::vector<std::string> entries;
    if (!spirvEntryPoints(kernel.spirv, kernel.spirv_words, &entries)) {
      *error = format("Vulkan kernel %u ('%s') is not a valid SPIR-V module", k, kernel.entry);
      return false;
    }
    if (std::find(entries.begin(), entries.end(), kernel.entry) == entries.end()) {
      std::string list;
      for (const std::string &entry : entries)
        list += (list.empty() ? "'" : ", '") + entry + "'";
      *error = format("Vulkan kernel %u: the SPIR-V has no entry point '%s' (it has: %s)", k,
                      kernel.entry, list.empty() ? "none" : list.c_str());
      return false;
    }
  }
  std::vector<bool> outputHasBuffer(static_cast<size_t>(model_.num_outputs), false);
  for (uint32_t b = 0; b < p.num_buffers; ++b) {
    const born_vk_buffer &buffer = p.buffers[b];
    switch (buffer.kind) {
    case BORN_VK_BUFFER_INPUT:
    case BORN_VK_BUFFER_OUTPUT: {
      bool isInput = buffer.kind == BORN_VK_BUFFER_INPUT;
      int32_t count = isInput ? model_.num_inputs : model_.num_outputs;
      if (buffer.index < 0 || buffer.index >= count) {
        *error = format("Vulkan buffer %u refers to %s %d, but the model has %d", b,
                        isInput ? "input" : "output", buffer.index, count);
        return false;
      }
      const born_tensor_info &info =
          isInput ? model_.inputs[buffer.index] : model_.outputs[buffer.index];
      if (buffer.size < tensorSize(info)) {
        *error = format("Vulkan buffer %u (%s %d) has %llu bytes, the tensor needs %zu", b,
                        isInput ? "input" : "output", buffer.index,
                        static_cast<unsigned long long>(buffer.size), tensorSize(info));
        return false;
      }
      if (!isInput)
        outputHasBuffer[static_cast<size_t>(buffer.index)] = true;
      break;
    }
    case BORN_VK_BUFFER_WEIGHTS:
      if (buffer.offset > weightsSize || buffer.size > weightsSize - buffer.offset) {
        *error = format("Vulkan buffer %u is weights slice [%llu, +%llu) outside the %llu-byte "
                        "weights blob",
                        b, static_cast<unsigned long long>(buffer.offset),
                        static_cast<unsigned long long>(buffer.size),
                        static_cast<unsigned long long>(weightsSize));
        return false;
      }
      break;
    case BORN_VK_BUFFER_TEMP:
      break;
    default:
      *error = format("Vulkan buffer %u has unknown kind %d", b, buffer.kind);
      return false;
    }
  }
  for (size_t i = 0; i < outputHasBuffer.size(); ++i) {
    if (!outputHasBuffer[i]) {
      *error = format("Vulkan program has no buffer for output %zu", i);
      return false;
    }
  }
  for (uint32_t d = 0; d < p.num_dispatches; ++d) {
    const born_vk_dispatch &dispatch = p.dispatches[d];
    if (dispatch.kernel >= p.num_kernels) {
      *error = format("Vulkan dispatch %u uses kernel %u, but there are %u", d, dispatch.kernel,
                      p.num_kernels);
      return false;
    }
    uint32_t numBindings = p.kernels[dispatch.kernel].num_bindings;
    if (numBindings > 0 && dispatch.bindings == nullptr) {
      *error = format("Vulkan dispatch %u has no bindings", d);
      return false;
    }
    for (uint32_t i = 0; i < numBindings; ++i) {
      if (dispatch.bindings[i] >= p.num_buffers) {
        *error = format("Vulkan dispatch %u binding %u uses buffer %u, but there are %u", d, i,
                        dispatch.bindings[i], p.num_buffers);
        return false;
      }
    }
  }
  return true;
}

bool VulkanExecutorImpl::loadGlobalFunctions(std::string *error) {
  const VulkanLoader &loader = vulkanLoader();
  if (loader.getInstanceProcAddr == nullptr) {
    *error = loader.error;
    return false;
  }
  vkGetInstanceProcAddr = loader.getInstanceProcAddr;
  const char *missing = nullptr;
#define BORN_VK_LOAD_GLOBAL(name) BORN_VK_LOAD(vkGetInstanceProcAddr, VK_NULL_HANDLE, name)
  BORN_VK_GLOBAL_FUNCTIONS(BORN_VK_LOAD_GLOBAL)
#undef BORN_VK_LOAD_GLOBAL
  if (missing != nullptr) {
    *error = format("the Vulkan loader has no %s", missing);
    return false;
  }
  vkEnumerateInstanceVersion = reinterpret_cast<PFN_vkEnumerateInstanceVersion>(
      vkGetInstanceProcAddr(VK_NULL_HANDLE, "vkEnumerateInstanceVersion"));
  return true;
}

bool VulkanExecutorImpl::createInstance(std::string *error) {
  uint32_t apiVersion = VK_API_VERSION_1_0;
  if (vkEnumerateInstanceVersion == nullptr || vkEnumerateInstanceVersion(&apiVersion) != VK_SUCCESS)
    apiVersion = VK_API_VERSION_1_0;
  // SPIR-V 1.3 (what the compiler emits) needs Vulkan 1.1; ask for the newest
  // the loader offers up to 1.3 so drivers can expose what they support.
  if (apiVersion > VK_API_VERSION_1_3)
    apiVersion = VK_API_VERSION_1_3;

  VkApplicationInfo app{};
  app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
  app.pApplicationName = model_.name;
  app.pEngineName = "born";
  app.apiVersion = apiVersion;
  instanceApiVersion_ = apiVersion;
  VkInstanceCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
  info.pApplicationInfo = &app;
  VkResult result = vkCreateInstance(&info, nullptr, &instance_);
  if (result == VK_ERROR_INCOMPATIBLE_DRIVER) { // the loader found no driver at all
    *error = format("no Vulkan device found (vkCreateInstance: %s; %s)", resultName(result),
                    kNoDeviceHint);
    return false;
  }
  if (result != VK_SUCCESS) {
    *error = format("vkCreateInstance failed: %s (%d)", resultName(result), result);
    return false;
  }
  const char *missing = nullptr;
#define BORN_VK_LOAD_INSTANCE(name) BORN_VK_LOAD(vkGetInstanceProcAddr, instance_, name)
  BORN_VK_INSTANCE_FUNCTIONS(BORN_VK_LOAD_INSTANCE)
#undef BORN_VK_LOAD_INSTANCE
  if (missing != nullptr) {
    if (vkDestroyInstance != nullptr)
      vkDestroyInstance(instance_, nullptr);
    instance_ = VK_NULL_HANDLE; // keeps the destructor off the missing functions
    *error = format("the Vulkan loader has no %s", missing);
    return false;
  }
  return true;
}

bool VulkanExecutorImpl::pickPhysicalDevice(int deviceIndex, std::string *error) {
  uint32_t count = 0;
  BORN_VK_CHECK(vkEnumeratePhysicalDevices, instance_, &count, nullptr);
  if (count == 0) {
    *error = format("no Vulkan device found (%s)", kNoDeviceHint);
    return false;
  }
  std::vector<VkPhysicalDevice> devices(count);
  VkResult result = vkEnumeratePhysicalDevices(instance_, &count, devices.data());
  if (result != VK_SUCCESS && result != VK_INCOMPLETE) {
    *error = format("vkEnumeratePhysicalDevices failed: %s (%d)", resultName(result), result);
    return false;
  }
  devices.resize(count);

  std::vector<VkPhysicalDeviceProperties> properties(count);
  std::vector<int> computeFamily(count, -1);
  for (uint32_t i = 0; i < count; ++i) {
    vkGetPhysicalDeviceProperties(devices[i], &properties[i]);
    uint32_t numFamilies = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(devices[i], &numFamilies, nullptr);
    std::vector<VkQueueFamilyProperties> families(numFamilies);
    vkGetPhysicalDeviceQueueFamilyProperties(devices[i], &numFamilies, families.data());
    for (uint32_t f = 0; f < numFamilies; ++f) {
      if ((families[f].queueFlags & VK_QUEUE_COMPUTE_BIT) && families[f].queueCount > 0) {
        computeFamily[i] = static_cast<int>(f);
        break;
      }
    }
  }
  auto describe = [&](uint32_t i) {
    return format("%u: %s (%s)", i, properties[i].deviceName,
                  deviceTypeName(properties[i].deviceType));
  };

  int chosen = -1;
  if (deviceIndex >= 0) {
    if (static_cast<uint32_t>(deviceIndex) >= count) {
      std::string list;
      for (uint32_t i = 0; i < count; ++i)
        list += (i ? "; " : "") + describe(i);
      *error = format("Vulkan device index %d out of range: %u device(s) found: %s", deviceIndex,
                      count, list.c_str());
      return false;
    }
    if (computeFamily[deviceIndex] < 0) {
      *error = format("Vulkan device %s has no compute queue",
                      describe(static_cast<uint32_t>(deviceIndex)).c_str());
      return false;
    }
    chosen = deviceIndex;
  } else {
    for (uint32_t i = 0; i < count; ++i) {
      if (computeFamily[i] < 0)
        continue;
      if (chosen < 0 || deviceTypeRank(properties[i].deviceType) <
                            deviceTypeRank(properties[chosen].deviceType))
        chosen = static_cast<int>(i);
    }
    if (chosen < 0) {
      *error = format("none of the %u Vulkan device(s) has a compute queue", count);
      return false;
    }
  }
  physicalDevice_ = devices[chosen];
  limits_ = properties[chosen].limits;
  queueFamily_ = static_cast<uint32_t>(computeFamily[chosen]);
  vkGetPhysicalDeviceMemoryProperties(physicalDevice_, &memoryProperties_);
  const char *debug = std::getenv("BORN_VK_DEBUG");
  if (debug != nullptr && std::strcmp(debug, "0") != 0 && debug[0] != '\0') {
    uint32_t v = properties[chosen].apiVersion;
    std::fprintf(stderr, "born: Vulkan device %s, Vulkan %u.%u.%u, queue family %u (of %u devices)\n",
                 describe(static_cast<uint32_t>(chosen)).c_str(), VK_API_VERSION_MAJOR(v),
                 VK_API_VERSION_MINOR(v), VK_API_VERSION_PATCH(v), queueFamily_, count);
  }
  return true;
}

bool VulkanExecutorImpl::createDevice(std::string *error) {
  float priority = 1.0f;
  VkDeviceQueueCreateInfo queueInfo{};
  queueInfo.sType = VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO;
  queueInfo.queueFamilyIndex = queueFamily_;
  queueInfo.queueCount = 1;
  queueInfo.pQueuePriorities = &priority;
  // Kernels declare only the capabilities they use (Int64 for i64 tensors,
  // Float64 for f64 ones, Float16 or Int16 and StorageBuffer16BitAccess for
  // f16 or i16 ones), each valid only with
  // its device feature enabled: enable every one the device has, and let
  // createKernels refuse a kernel that needs a missing one.
  VkPhysicalDeviceFeatures supported{};
  vkGetPhysicalDeviceFeatures(physicalDevice_, &supported);
  VkPhysicalDeviceShaderFloat16Int8Features float16{};
  float16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES;
  VkPhysicalDevice16BitStorageFeatures storage16{};
  storage16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
  storage16.pNext = &float16;
  VkPhysicalDeviceFeatures2 features2{};
  features2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
  features2.pNext = &storage16;
  VkPhysicalDeviceProperties properties{};
  vkGetPhysicalDeviceProperties(physicalDevice_, &properties);
  // Both feature structs are core in Vulkan 1.2.
  auto getFeatures2 = reinterpret_cast<PFN_vkGetPhysicalDeviceFeatures2>(
      vkGetInstanceProcAddr(instance_, "vkGetPhysicalDeviceFeatures2"));
  bool vulkan12 = getFeatures2 != nullptr &&
                  properties.apiVersion >= VK_API_VERSION_1_2 &&
                  instanceApiVersion_ >= VK_API_VERSION_1_2;
  if (vulkan12)
    getFeatures2(physicalDevice_, &features2);
  shaderInt64_ = supported.shaderInt64;
  shaderFloat64_ = supported.shaderFloat64;
  shaderInt16_ = supported.shaderInt16;
  shaderFloat16_ = vulkan12 && float16.shaderFloat16;
  storageBuffer16_ = vulkan12 && storage16.storageBuffer16BitAccess;
  features2.features = VkPhysicalDeviceFeatures{};
  features2.features.shaderInt64 = shaderInt64_;
  features2.features.shaderFloat64 = shaderFloat64_;
  features2.features.shaderInt16 = shaderInt16_;
  storage16 = VkPhysicalDevice16BitStorageFeatures{};
  storage16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_16BIT_STORAGE_FEATURES;
  storage16.pNext = &float16;
  storage16.storageBuffer16BitAccess = storageBuffer16_;
  float16 = VkPhysicalDeviceShaderFloat16Int8Features{};
  float16.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_FLOAT16_INT8_FEATURES;
  float16.shaderFloat16 = shaderFloat16_;
  VkDeviceCreateInfo info{};
  info.sType = VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO;
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queueInfo;
  if (vulkan12)
    info.pNext = &features2;
  else
    info.pEnabledFeatures = &features2.features;
  BORN_VK_CHECK(vkCreateDevice, physicalDevice_, &info, nullptr, &device_);
  const char *missing = nullptr;
#define BORN_VK_LOAD_DEVICE(name) BORN_VK_LOAD(vkGetDeviceProcAddr, device_, name)
  BORN_VK_DEVICE_FUNCTIONS(BORN_VK_LOAD_DEVICE)
#undef BORN_VK_LOAD_DEVICE
  if (missing != nullptr) {
    vkDestroyDevice(device_, nullptr);
    device_ = VK_NULL_HANDLE; // keeps the destructor off the missing functions
    *error = format("the Vulkan driver has no %s", missing);
    return false;
  }
  vkGetDeviceQueue(device_, queueFamily_, 0, &queue_);

  VkPipelineCacheCreateInfo cacheInfo{};
  cacheInfo.sType = VK_STRUCTURE_TYPE_PIPELINE_CACHE_CREATE_INFO;
  BORN_VK_CHECK(vkCreatePipelineCache, device_, &cacheInfo, nullptr, &pipelineCache_);
  return true;
}

// The first optional feature a kernel's OpCapability instructions need that
// the device did not enable, or nullptr.
const char *VulkanExecutorImpl::missingFeature(const born_vk_kernel &kernel) const {
  constexpr uint32_t kOpCapability = 17, kFloat16 = 9, kFloat64 = 10,
                     kInt64 = 11, kInt16 = 22, kStorageBuffer16BitAccess = 4433;
  for (uint64_t i = 5; i < kernel.spirv_words;) {
    uint32_t count = kernel.spirv[i] >> 16, opcode = kernel.spirv[i] & 0xffff;
    if (count == 0)
      break;
    if (opcode == kOpCapability && i + 1 < kernel.spirv_words) {
      uint32_t capability = kernel.spirv[i + 1];
      if (capability == kFloat16 && !shaderFloat16_)
        return "shaderFloat16";
      if (capability == kInt64 && !shaderInt64_)
        return "shaderInt64";
      if (capability == kFloat64 && !shaderFloat64_)
        return "shaderFloat64";
      if (capability == kInt16 && !shaderInt16_)
        return "shaderInt16";
      if (capability == kStorageBuffer16BitAccess && !storageBuffer16_)
        return "storageBuffer16BitAccess";
    }
    i += count;
  }
  return nullptr;
}

std::string VulkanExecutorImpl::deviceName() const {
  VkPhysicalDeviceProperties properties{};
  vkGetPhysicalDeviceProperties(physicalDevice_, &properties);
  return properties.deviceName;
}

bool VulkanExecutorImpl::createKernels(std::string *error) {
  kernels_.resize(program_.num_kernels);
  for (uint32_t k = 0; k < program_.num_kernels; ++k) {
    const born_vk_kernel &desc = program_.kernels[k];
    Kernel &kernel = kernels_[k];
    std::string where = format(" (kernel %u '%s')", k, desc.entry);

    if (const char *feature = missingFeature(desc)) {
      *error = format("kernel %u '%s' needs the Vulkan feature %s, which %s lacks", k,
                      desc.entry, feature, deviceName().c_str());
      return false;
    }
    VkShaderModuleCreateInfo moduleInfo{};
    moduleInfo.sType = VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO;
    moduleInfo.codeSize = static_cast<size_t>(desc.spirv_words) * 4;
    moduleInfo.pCode = desc.spirv;
    if (![&] {
          BORN_VK_CHECK(vkCreateShaderModule, device_, &moduleInfo, nullptr, &kernel.module);
          std::vector<VkDescriptorSetLayoutBinding> bindings(desc.num_bindings);
          for (uint32_t i = 0; i < desc.num_bindings; ++i) {
            bindings[i] = VkDescriptorSetLayoutBinding{};
            bindings[i].binding = i;
            bindings[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
            bindings[i].descriptorCount = 1;
            bindings[i].stageFlags = VK_SHADER_STAGE_COMPUTE_BIT;
          }
          VkDescriptorSetLayoutCreateInfo layoutInfo{};
          layoutInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO;
          layoutInfo.bindingCount = desc.num_bindings;
          layoutInfo.pBindings = bindings.data();
          BORN_VK_CHECK(vkCreateDescriptorSetLayout, device_, &layoutInfo, nullptr,
                        &kernel.setLayout);
          VkPipelineLayoutCreateInfo pipelineLayoutInfo{};
          pipelineLayoutInfo.sType = VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO;
          pipelineLayoutInfo.setLayoutCount = 1;
          pipelineLayoutInfo.pSetLayouts = &kernel.setLayout;
          BORN_VK_CHECK(vkCreatePipelineLayout, device_, &pipelineLayoutInfo, nullptr,
                        &kernel.pipelineLayout);
          VkComputePipelineCreateInfo pipelineInfo{};
          pipelineInfo.sType = VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO;
          pipelineInfo.stage.sType = VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO;
          pipelineInfo.stage.stage = VK_SHADER_STAGE_COMPUTE_BIT;
          pipelineInfo.stage.module = kernel.module;
          pipelineInfo.stage.pName = desc.entry;
          pipelineInfo.layout = kernel.pipelineLayout;
          BORN_VK_CHECK(vkCreateComputePipelines, device_, pipelineCache_, 1, &pipelineInfo,
                        nullptr, &kernel.pipeline);
          return true;
        }()) {
      *error += where;
      return false;
    }
  }
  return true;
}

int VulkanExecutorImpl::findMemoryType(uint32_t typeBits, VkMemoryPropertyFlags required,
                                       VkMemoryPropertyFlags preferred) const {
  int fallback = -1;
  for (uint32_t i = 0; i < memoryProperties_.memoryTypeCount; ++i) {
    if (!(typeBits & (1u << i)))
      continue;
    VkMemoryPropertyFlags flags = memoryProperties_.memoryTypes[i].propertyFlags;
    if ((flags & required) != required)
      continue;
    if ((flags & preferred) == preferred)
      return static_cast<int>(i);
    if (fallback < 0)
      fallback = static_cast<int>(i);
  }
  return fallback;
}

bool VulkanExecutorImpl::createBuffers(const uint8_t *weights, std::string *error) {
  buffers_.resize(program_.num_buffers);
  for (uint32_t b = 0; b < program_.num_buffers; ++b) {
    const born_vk_buffer &desc = program_.buffers[b];
    Buffer &buffer = buffers_[b];
    // Binding a larger buffer whole is invalid usage, not an error the driver
    // reports, so refuse it here.
    if (desc.size > limits_.maxStorageBufferRange) {
      *error = format("Vulkan buffer %u has %llu bytes, more than this device's "
                      "maxStorageBufferRange (%u bytes)",
                      b, static_cast<unsigned long long>(desc.size),
                      limits_.maxStorageBufferRange);
      return false;
    }
    VkBufferCreateInfo info{};
    info.sType = VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO;
    // Vulkan forbids empty buffers; a 0-byte tensor still gets a binding.
    info.size = desc.size == 0 ? 4 : desc.size;
    info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT |
                 VK_BUFFER_USAGE_TRANSFER_DST_BIT;
    info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
    BORN_VK_CHECK(vkCreateBuffer, device_, &info, nullptr, &buffer.buffer);
    VkMemoryRequirements requirements;
    vkGetBufferMemoryRequirements(device_, buffer.buffer, &requirements);

    // v1: everything the host touches is host-visible coherent memory and is
    // mapped once; only temporaries live in device-local memory.
    bool hostVisible = desc.kind != BORN_VK_BUFFER_TEMP;
    VkMemoryPropertyFlags required = 0, preferred = VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
    if (hostVisible) {
      required = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
      // Outputs are read back by the CPU: cached memory makes that fast.
      preferred = desc.kind == BORN_VK_BUFFER_OUTPUT ? VK_MEMORY_PROPERTY_HOST_CACHED_BIT
                                                     : VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT;
    }
    int memoryType = findMemoryType(requirements.memoryTypeBits, required, preferred);
    if (memoryType < 0) {
      *error = format("no suitable Vulkan memory type for buffer %u (%s)", b,
                      hostVisible ? "host-visible coherent" : "any");
      return false;
    }
    VkMemoryAllocateInfo allocInfo{};
    allocInfo.sType = VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO;
    allocInfo.allocationSize = requirements.size;
    allocInfo.memoryTypeIndex = static_cast<uint32_t>(memoryType);
    BORN_VK_CHECK(vkAllocateMemory, device_, &allocInfo, nullptr, &buffer.memory);
    BORN_VK_CHECK(vkBindBufferMemory, device_, buffer.buffer, buffer.memory, 0);
    if (hostVisible) {
      BORN_VK_CHECK(vkMapMemory, device_, buffer.memory, 0, VK_WHOLE_SIZE, 0, &buffer.mapped);
      if (desc.kind == BORN_VK_BUFFER_WEIGHTS && desc.size > 0)
        std::memcpy(buffer.mapped, weights + desc.offset, desc.size);
    }
  }
  return true;
}

bool VulkanExecutorImpl::createDescriptorSets(std::string *error) {
  uint32_t totalBindings = 0;
  for (uint32_t d = 0; d < program_.num_dispatches; ++d)
    totalBindings += program_.kernels[program_.dispatches[d].kernel].num_bindings;
  if (program_.num_dispatches == 0)
    return true;
  VkDescriptorPoolSize poolSize{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER,
                                totalBindings == 0 ? 1 : totalBindings};
  VkDescriptorPoolCreateInfo poolInfo{};
  poolInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
  poolInfo.maxSets = program_.num_dispatches;
  poolInfo.poolSizeCount = 1;
  poolInfo.pPoolSizes = &poolSize;
  BORN_VK_CHECK(vkCreateDescriptorPool, device_, &poolInfo, nullptr, &descriptorPool_);

  // Bindings never change between runs, so every dispatch gets its own set,
  // written once here.
  descriptorSets_.resize(program_.num_dispatches);
  for (uint32_t d = 0; d < program_.num_dispatches; ++d) {
    const born_vk_dispatch &dispatch = program_.dispatches[d];
    const Kernel &kernel = kernels_[dispatch.kernel];
    VkDescriptorSetAllocateInfo allocInfo{};
    allocInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO;
    allocInfo.descriptorPool = descriptorPool_;
    allocInfo.descriptorSetCount = 1;
    allocInfo.pSetLayouts = &kernel.setLayout;
    BORN_VK_CHECK(vkAllocateDescriptorSets, device_, &allocInfo, &descriptorSets_[d]);

    uint32_t numBindings = program_.kernels[dispatch.kernel].num_bindings;
    std::vector<VkDescriptorBufferInfo> bufferInfos(numBindings);
    std::vector<VkWriteDescriptorSet> writes(numBindings);
    for (uint32_t i = 0; i < numBindings; ++i) {
      bufferInfos[i] = VkDescriptorBufferInfo{buffers_[dispatch.bindings[i]].buffer, 0,
                                              VK_WHOLE_SIZE};
      writes[i] = VkWriteDescriptorSet{};
      writes[i].sType = VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET;
      writes[i].dstSet = descriptorSets_[d];
      writes[i].dstBinding = i;
      writes[i].descriptorCount = 1;
      writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      writes[i].pBufferInfo = &bufferInfos[i];
    }
    vkUpdateDescriptorSets(device_, numBindings, writes.data(), 0, nullptr);
  }
  return true;
}

// The schedule is static, so the command buffer is recorded once and
// resubmitted on every run.
bool VulkanExecutorImpl::recordCommands(std::string *error) {
  VkCommandPoolCreateInfo poolInfo{};
  poolInfo.sType = VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO;
  poolInfo.queueFamilyIndex = queueFamily_;
  BORN_VK_CHECK(vkCreateCommandPool, device_, &poolInfo, nullptr, &commandPool_);
  VkCommandBufferAllocateInfo allocInfo{};
  allocInfo.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO;
  allocInfo.commandPool = commandPool_;
  allocInfo.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
  allocInfo.commandBufferCount = 1;
  BORN_VK_CHECK(vkAllocateCommandBuffers, device_, &allocInfo, &commandBuffer_);
  VkFenceCreateInfo fenceInfo{};
  fenceInfo.sType = VK_STRUCTURE_TYPE_FENCE_CREATE_INFO;
  BORN_VK_CHECK(vkCreateFence, device_, &fenceInfo, nullptr, &fence_);

  VkCommandBufferBeginInfo beginInfo{};
  beginInfo.sType = VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO;
  BORN_VK_CHECK(vkBeginCommandBuffer, commandBuffer_, &beginInfo);

  VkMemoryBarrier computeToCompute{};
  computeToCompute.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
  computeToCompute.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
  computeToCompute.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT;
  // A barrier is needed before a dispatch that touches a buffer some dispatch
  // since the last barrier touched. Which bindings are written is not in the
  // program, so any shared buffer counts.
  std::vector<bool> touched(program_.num_buffers, false);
  for (uint32_t d = 0; d < program_.num_dispatches; ++d) {
    const born_vk_dispatch &dispatch = program_.dispatches[d];
    uint32_t numBindings = program_.kernels[dispatch.kernel].num_bindings;
    bool needsBarrier = false;
    for (uint32_t i = 0; i < numBindings; ++i)
      needsBarrier = needsBarrier || touched[dispatch.bindings[i]];
    if (needsBarrier) {
      vkCmdPipelineBarrier(commandBuffer_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                           VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, 0, 1, &computeToCompute, 0,
                           nullptr, 0, nullptr);
      std::fill(touched.begin(), touched.end(), false);
    }
    for (uint32_t i = 0; i < numBindings; ++i)
      touched[dispatch.bindings[i]] = true;
    if (dispatch.grid[0] == 0 || dispatch.grid[1] == 0 || dispatch.grid[2] == 0)
      continue; // an empty tensor: nothing to compute
    const Kernel &kernel = kernels_[dispatch.kernel];
    vkCmdBindPipeline(commandBuffer_, VK_PIPELINE_BIND_POINT_COMPUTE, kernel.pipeline);
    vkCmdBindDescriptorSets(commandBuffer_, VK_PIPELINE_BIND_POINT_COMPUTE,
                            kernel.pipelineLayout, 0, 1, &descriptorSets_[d], 0, nullptr);
    vkCmdDispatch(commandBuffer_, dispatch.grid[0], dispatch.grid[1], dispatch.grid[2]);
  }
  // Waiting on the fence does not make shader writes visible to the host;
  // this barrier does.
  VkMemoryBarrier computeToHost{};
  computeToHost.sType = VK_STRUCTURE_TYPE_MEMORY_BARRIER;
  computeToHost.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT;
  computeToHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  vkCmdPipelineBarrier(commandBuffer_, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT,
                       VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &computeToHost, 0, nullptr, 0, nullptr);
  BORN_VK_CHECK(vkEndCommandBuffer, commandBuffer_);
  return true;
}

bool VulkanExecutorImpl::run(const void *const *inputs, void *const *outputs,
                             std::string *error) {
  std::lock_guard<std::mutex> lock(runMutex_);
  for (uint32_t b = 0; b < program_.num_buffers; ++b) {
    const born_vk_buffer &desc = program_.buffers[b];
    if (desc.kind == BORN_VK_BUFFER_INPUT)
      std::memcpy(buffers_[b].mapped, inputs[desc.index], tensorSize(model_.inputs[desc.index]));
  }
  // Host writes to coherent memory before vkQueueSubmit are visible to the
  // device without a barrier.
  BORN_VK_CHECK(vkResetFences, device_, 1, &fence_);
  VkSubmitInfo submit{};
  submit.sType = VK_STRUCTURE_TYPE_SUBMIT_INFO;
  submit.commandBufferCount = 1;
  submit.pCommandBuffers = &commandBuffer_;
  BORN_VK_CHECK(vkQueueSubmit, queue_, 1, &submit, fence_);
  BORN_VK_CHECK(vkWaitForFences, device_, 1, &fence_, VK_TRUE, UINT64_MAX);
  for (uint32_t b = 0; b < program_.num_buffers; ++b) {
    const born_vk_buffer &desc = program_.buffers[b];
    if (desc.kind == BORN_VK_BUFFER_OUTPUT)
      std::memcpy(outputs[desc.index], buffers_[b].mapped,
                  tensorSize(model_.outputs[desc.index]));
  }
  return true;
}

} // namespace

std::unique_ptr<VulkanExecutor> VulkanExecutor::create(const born_model &model,
                                                       const uint8_t *weights,
                                                       uint64_t weightsSize, int deviceIndex,
                                                       std::string *error) {
  std::unique_ptr<VulkanExecutorImpl> executor(new VulkanExecutorImpl(model));
  if (!executor->init(weights, weightsSize, deviceIndex, error))
    return nullptr; // the destructor releases whatever was created
  return executor;
}

} // namespace born
