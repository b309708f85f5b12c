// The Vulkan executor: a two-dispatch program (temporary buffer, weights
// slice, barrier between dispatches) through born_session_run, compared with
// the CPU entry of the same model.
#include "born/runtime.h"
#include "test_models.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>

using born_test::ScaledAddModel;
using testing::HasSubstr;

namespace {

struct SessionDeleter {
  void operator()(born_session *s) const { born_session_destroy(s); }
};
using SessionPtr = std::unique_ptr<born_session, SessionDeleter>;

SessionPtr createOn(const born_model &model, int32_t device, char *err, size_t errlen,
                    int32_t vkDevice = -1) {
  born_options opts;
  born_options_init(&opts);
  opts.device = device;
  opts.vk_device = vkDevice;
  return SessionPtr(born_session_create(&model, &opts, err, errlen));
}

// Creates a Vulkan session, or skips the test when the machine has no Vulkan
// device at all (any other failure is a real error).
#define CREATE_VULKAN_OR_SKIP(session, model)                                              \
  char err[2048];                                                                          \
  SessionPtr session = createOn(model, BORN_DEVICE_VULKAN, err, sizeof err);               \
  if (!session && std::string(err).find("no Vulkan device found") != std::string::npos)    \
    GTEST_SKIP() << err;                                                                   \
  ASSERT_TRUE(session) << err

std::vector<float> run(born_session *session, const std::vector<float> &a,
                       const std::vector<float> &b) {
  std::vector<float> out(a.size(), -7.0f);
  const void *inputs[] = {a.data(), b.data()};
  void *outputs[] = {out.data()};
  char err[1024];
  EXPECT_EQ(born_session_run(session, inputs, outputs, err, sizeof err), 0) << err;
  return out;
}

template <int64_t N> void compareWithCpu(std::vector<int64_t> shape) {
  std::unique_ptr<ScaledAddModel> model(ScaledAddModel::create<N>(std::move(shape)));
  CREATE_VULKAN_OR_SKIP(vulkan, model->model());
  SessionPtr cpu = createOn(model->model(), BORN_DEVICE_CPU, err, sizeof err);
  ASSERT_TRUE(cpu) << err;
  // Several runs with different data: inputs are copied in every time and
  // nothing is left over from the previous run.
  for (int r = 0; r < 3; ++r) {
    std::vector<float> a = born_test::ramp(N, 0.5f + r, -3.0f * r);
    std::vector<float> b = born_test::ramp(N, -0.25f, 1.0f + r);
    std::vector<float> onVulkan = run(vulkan.get(), a, b);
    std::vector<float> onCpu = run(cpu.get(), a, b);
    // One add and one multiply, both correctly rounded: bit-exact.
    ASSERT_EQ(onVulkan, onCpu) << "run " << r;
    ASSERT_EQ(onVulkan, model->expected(a, b));
  }
}

TEST(Vulkan, TwoDispatchProgramMatchesCpuSingleWorkgroup) { compareWithCpu<60>({3, 4, 5}); }

TEST(Vulkan, TwoDispatchProgramMatchesCpuManyWorkgroups) {
  compareWithCpu<100003>({100003}); // not a multiple of the workgroup size
}

// `out` is tied to `a`: inputs are copied to the device before any dispatch
// and outputs back after the last, so one host buffer serves both.
TEST(Vulkan, TiedOutputWrittenOverItsInput) {
  std::unique_ptr<ScaledAddModel> model(ScaledAddModel::create<1000>({1000}));
  CREATE_VULKAN_OR_SKIP(session, model->model());
  std::vector<float> a = born_test::ramp(1000, 0.5f, -3.0f), b = born_test::ramp(1000, -0.25f, 1.0f);
  std::vector<float> expected = model->expected(a, b);
  const void *inputs[] = {a.data(), b.data()};
  void *outputs[] = {a.data()};
  ASSERT_EQ(born_session_run(session.get(), inputs, outputs, err, sizeof err), 0) << err;
  EXPECT_EQ(a, expected);
}

TEST(Vulkan, DefaultDeviceIsVulkanForVulkanOnlyModel) {
  std::unique_ptr<ScaledAddModel> model(ScaledAddModel::create<60>({60}));
  born_model vulkanOnly = model->model();
  vulkanOnly.cpu_entry = nullptr;
  char err[2048];
  SessionPtr session = createOn(vulkanOnly, BORN_DEVICE_DEFAULT, err, sizeof err);
  if (!session && std::string(err).find("no Vulkan device found") != std::string::npos)
    GTEST_SKIP() << err;
  ASSERT_TRUE(session) << err;
  std::vector<float> a = born_test::ramp(60, 1.0f, 0.0f), b = born_test::ramp(60, 2.0f, 0.0f);
  EXPECT_EQ(run(session.get(), a, b), model->expected(a, b));
}

TEST(Vulkan, DeviceIndexZeroWorksAndOutOfRangeFails) {
  std::unique_ptr<ScaledAddModel> model(ScaledAddModel::create<60>({60}));
  CREATE_VULKAN_OR_SKIP(best, model->model());
  SessionPtr first = createOn(model->model(), BORN_DEVICE_VULKAN, err, sizeof err, 0);
  ASSERT_TRUE(first) << err;
  SessionPtr missing = createOn(model->model(), BORN_DEVICE_VULKAN, err, sizeof err, 99);
  EXPECT_FALSE(missing);
  EXPECT_THAT(err, HasSubstr("Vulkan device index 99 out of range"));
  EXPECT_THAT(err, HasSubstr("0: ")); // lists the devices there are
}

TEST(Vulkan, DebugEnvPrintsChosenDevice) {
  std::unique_ptr<ScaledAddModel> model(ScaledAddModel::create<60>({60}));
  setenv("BORN_VK_DEBUG", "1", 1);
  testing::internal::CaptureStderr();
  char err[2048];
  SessionPtr session = createOn(model->model(), BORN_DEVICE_VULKAN, err, sizeof err);
  std::string printed = testing::internal::GetCapturedStderr();
  unsetenv("BORN_VK_DEBUG");
  if (!session && std::string(err).find("no Vulkan device found") != std::string::npos)
    GTEST_SKIP() << err;
  ASSERT_TRUE(session) << err;
  EXPECT_THAT(printed, HasSubstr("born: Vulkan device 0: "));
}

TEST(Vulkan, InvalidProgramsAreRejectedBeforeTouchingTheDevice) {
  std::unique_ptr<ScaledAddModel> model(ScaledAddModel::create<60>({60}));
  char err[2048];

  born_vk_program program = *model->model().vk_program;
  std::vector<born_vk_buffer> buffers(program.buffers, program.buffers + program.num_buffers);
  buffers[3].offset = model->weightsBlob().size(); // weights slice past the blob
  program.buffers = buffers.data();
  born_model bad = model->model();
  bad.vk_program = &program;
  EXPECT_FALSE(createOn(bad, BORN_DEVICE_VULKAN, err, sizeof err));
  EXPECT_THAT(err, HasSubstr("outside the"));

  const born_vk_buffer *original = model->model().vk_program->buffers;
  std::copy(original, original + 5, buffers.begin()); // program.buffers still points here
  buffers[4].kind = BORN_VK_BUFFER_TEMP; // no buffer left for output 0
  EXPECT_FALSE(createOn(bad, BORN_DEVICE_VULKAN, err, sizeof err));
  EXPECT_THAT(err, HasSubstr("no buffer for output 0"));

  std::copy(original, original + 5, buffers.begin());
  buffers[0].size = 8; // smaller than input 0
  EXPECT_FALSE(createOn(bad, BORN_DEVICE_VULKAN, err, sizeof err));
  EXPECT_THAT(err, HasSubstr("input 0"));
}

TEST(Vulkan, BadSpirvAndUnknownEntryPointAreRejected) {
  std::unique_ptr<ScaledAddModel> model(ScaledAddModel::create<60>({60}));
  born_vk_program program = *model->model().vk_program;
  std::vector<born_vk_kernel> kernels(program.kernels, program.kernels + program.num_kernels);
  program.kernels = kernels.data();
  born_model bad = model->model();
  bad.vk_program = &program;
  char err[2048];

  kernels[1].entry = "no_such_entry";
  EXPECT_FALSE(createOn(bad, BORN_DEVICE_VULKAN, err, sizeof err));
  EXPECT_THAT(err, HasSubstr("kernel 1: the SPIR-V has no entry point 'no_such_entry' "
                             "(it has: 'mul')"));

  const uint32_t garbage[] = {0xdeadbeef, 1, 2, 3, 4, 5};
  kernels[1] = {garbage, 6, "mul", 3, {64, 1, 1}};
  EXPECT_FALSE(createOn(bad, BORN_DEVICE_VULKAN, err, sizeof err));
  EXPECT_THAT(err, HasSubstr("kernel 1 ('mul') is not a valid SPIR-V module"));

  // The last instruction (OpFunctionEnd, one word) claims two words.
  std::vector<uint32_t> overrun(born_test_mul_spirv, born_test_mul_spirv + born_test_mul_spirv_words);
  ASSERT_EQ(overrun.back(), 0x00010038u);
  overrun.back() = 0x00020038u;
  kernels[1] = {overrun.data(), overrun.size(), "mul", 3, {64, 1, 1}};
  EXPECT_FALSE(createOn(bad, BORN_DEVICE_VULKAN, err, sizeof err));
  EXPECT_THAT(err, HasSubstr("not a valid SPIR-V module"));
}

} // namespace
