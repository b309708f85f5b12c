// Sessions on the CPU: running, device selection errors, ABI checks, weights.
#include "born/runtime.h"
#include "test_models.h"
#include "test_util.h"
#include "weights.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <unistd.h>

using born_test::ScaledAddModel;
using testing::HasSubstr;

namespace {

struct SessionDeleter {
  void operator()(born_session *s) const { born_session_destroy(s); }
};
using SessionPtr = std::unique_ptr<born_session, SessionDeleter>;

class SessionTest : public testing::Test {
protected:
  SessionTest() : model_(ScaledAddModel::create<60>({3, 4, 5})) {}

  SessionPtr create(const born_model &model, const born_options *opts) {
    err_[0] = '\0';
    return SessionPtr(born_session_create(&model, opts, err_, sizeof err_));
  }
  born_options cpuOptions(int threads = 0) {
    born_options opts;
    born_options_init(&opts);
    opts.device = BORN_DEVICE_CPU;
    opts.threads = threads;
    return opts;
  }
  // Runs the scaled-add model and checks the result against the reference.
  void runAndCheck(born_session *session) {
    std::vector<float> a = born_test::ramp(60, 0.5f, -3.0f), b = born_test::ramp(60, -0.25f, 1.0f);
    std::vector<float> out(60, -1.0f);
    const void *inputs[] = {a.data(), b.data()};
    void *outputs[] = {out.data()};
    ASSERT_EQ(born_session_run(session, inputs, outputs, err_, sizeof err_), 0) << err_;
    EXPECT_EQ(out, model_->expected(a, b));
  }

  // Runs `session` on zero inputs and returns its output.
  std::vector<float> runOnZeros(born_session *session) {
    std::vector<float> a(60), b(60), out(60);
    const void *inputs[] = {a.data(), b.data()};
    void *outputs[] = {out.data()};
    EXPECT_EQ(born_session_run(session, inputs, outputs, err_, sizeof err_), 0) << err_;
    return out;
  }

  std::unique_ptr<ScaledAddModel> model_;
  char err_[1024];
};

TEST_F(SessionTest, OptionsDefaults) {
  born_options opts;
  born_options_init(&opts);
  EXPECT_EQ(opts.device, BORN_DEVICE_DEFAULT);
  EXPECT_EQ(opts.threads, 0);
  EXPECT_EQ(opts.vk_device, -1);
  EXPECT_EQ(opts.weights_path, nullptr);
}

TEST_F(SessionTest, DtypeSizesAndNames) {
  EXPECT_EQ(born_dtype_size(BORN_DTYPE_F32), 4u);
  EXPECT_EQ(born_dtype_size(BORN_DTYPE_F16), 2u);
  EXPECT_EQ(born_dtype_size(BORN_DTYPE_F64), 8u);
  EXPECT_EQ(born_dtype_size(BORN_DTYPE_I32), 4u);
  EXPECT_EQ(born_dtype_size(BORN_DTYPE_I64), 8u);
  EXPECT_EQ(born_dtype_size(BORN_DTYPE_I8), 1u);
  EXPECT_EQ(born_dtype_size(BORN_DTYPE_U8), 1u);
  EXPECT_EQ(born_dtype_size(BORN_DTYPE_BOOL), 1u);
  EXPECT_EQ(born_dtype_size(0), 0u);
  EXPECT_EQ(born_dtype_size(99), 0u);
  EXPECT_STREQ(born_dtype_name(BORN_DTYPE_F32), "f32");
  EXPECT_STREQ(born_dtype_name(BORN_DTYPE_I64), "i64");
  EXPECT_STREQ(born_dtype_name(BORN_DTYPE_BOOL), "bool");
  EXPECT_STREQ(born_dtype_name(42), "?");
}

TEST_F(SessionTest, RunsOnCpuWithDefaults) {
  SessionPtr session = create(model_->model(), nullptr); // NULL options = defaults
  ASSERT_TRUE(session) << err_;
  runAndCheck(session.get());
  runAndCheck(session.get()); // sessions are reusable
}

TEST_F(SessionTest, RunsWithEachThreadCount) {
  for (int threads : {1, 2, 3, 0}) {
    born_options opts = cpuOptions(threads);
    SessionPtr session = create(model_->model(), &opts);
    ASSERT_TRUE(session) << err_;
    runAndCheck(session.get());
  }
}

// The pool of the session running the model is the one born_parallel_for uses.
TEST_F(SessionTest, ParallelForUsesTheSessionPool) {
  static std::set<std::thread::id> threadsSeen;
  static std::mutex mutex;
  struct Probe {
    static void chunk(void *, int64_t, int64_t) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      std::lock_guard<std::mutex> lock(mutex);
      threadsSeen.insert(std::this_thread::get_id());
    }
    static void entry(void *const *, const uint8_t *) { born_parallel_for(8, chunk, nullptr); }
  };
  born_model model = model_->model();
  model.cpu_entry = &Probe::entry;
  born_options opts = cpuOptions(4);
  SessionPtr session = create(model, &opts);
  ASSERT_TRUE(session) << err_;
  float a[60], b[60], out[60];
  const void *inputs[] = {a, b};
  void *outputs[] = {out};
  ASSERT_EQ(born_session_run(session.get(), inputs, outputs, err_, sizeof err_), 0) << err_;
  EXPECT_GT(threadsSeen.size(), 1u);
  EXPECT_LE(threadsSeen.size(), 4u);
}

// `out` is tied to `a`: the same buffer for both gives the result in place.
TEST_F(SessionTest, TiedOutputMayShareItsInputsBuffer) {
  SessionPtr session = create(model_->model(), nullptr);
  ASSERT_TRUE(session) << err_;
  std::vector<float> a = born_test::ramp(60, 0.5f, -3.0f), b = born_test::ramp(60, -0.25f, 1.0f);
  std::vector<float> expected = model_->expected(a, b);
  const void *inputs[] = {a.data(), b.data()};
  void *outputs[] = {a.data()};
  ASSERT_EQ(born_session_run(session.get(), inputs, outputs, err_, sizeof err_), 0) << err_;
  EXPECT_EQ(a, expected);
}

// Any other overlap between an output and an input is refused.
TEST_F(SessionTest, OtherOverlapsAreRefused) {
  SessionPtr session = create(model_->model(), nullptr);
  ASSERT_TRUE(session) << err_;
  std::vector<float> a(64), b(60);
  const void *inputs[] = {a.data(), b.data()};
  void *intoB[] = {b.data()};
  EXPECT_NE(born_session_run(session.get(), inputs, intoB, err_, sizeof err_), 0);
  EXPECT_THAT(err_, HasSubstr("output 0 ('out') overlaps input 1 ('b'); only an output tied"));
  void *shifted[] = {a.data() + 4};
  EXPECT_NE(born_session_run(session.get(), inputs, shifted, err_, sizeof err_), 0);
  EXPECT_THAT(err_, HasSubstr("overlaps input 0 ('a') but does not start at it"));
}

TEST_F(SessionTest, BadTiedInputFails) {
  born_model model = model_->model();
  born_tensor_info outputs[1] = {model.outputs[0]};
  outputs[0].tied_input = 2;
  model.outputs = outputs;
  EXPECT_FALSE(create(model, nullptr));
  EXPECT_THAT(err_, HasSubstr("output 0 is tied to input 2, but the model has 2 inputs"));
  int64_t shape[] = {3};
  outputs[0].rank = 1;
  outputs[0].shape = shape;
  outputs[0].tied_input = 1;
  EXPECT_FALSE(create(model, nullptr));
  EXPECT_THAT(err_, HasSubstr("tied to input 1 of another dtype or size"));
}

TEST_F(SessionTest, VulkanRequestForCpuOnlyModelFails) {
  born_model model = model_->model();
  model.vk_program = nullptr;
  born_options opts;
  born_options_init(&opts);
  opts.device = BORN_DEVICE_VULKAN;
  EXPECT_FALSE(create(model, &opts));
  EXPECT_THAT(err_, HasSubstr("not compiled for Vulkan"));
  EXPECT_THAT(err_, HasSubstr("compiled for: cpu"));
}

TEST_F(SessionTest, CpuRequestForVulkanOnlyModelFails) {
  born_model model = model_->model();
  model.cpu_entry = nullptr;
  born_options opts = cpuOptions();
  EXPECT_FALSE(create(model, &opts));
  EXPECT_THAT(err_, HasSubstr("not compiled for the CPU"));
  EXPECT_THAT(err_, HasSubstr("compiled for: vulkan"));
}

TEST_F(SessionTest, UnknownDeviceAndBadThreadsFail) {
  born_options opts;
  born_options_init(&opts);
  opts.device = 7;
  EXPECT_FALSE(create(model_->model(), &opts));
  EXPECT_THAT(err_, HasSubstr("unknown device 7"));
  opts = cpuOptions(-2);
  EXPECT_FALSE(create(model_->model(), &opts));
  EXPECT_THAT(err_, HasSubstr("thread count"));
}

TEST_F(SessionTest, AbiVersionMismatchFails) {
  born_model model = model_->model();
  model.abi_version = BORN_ABI_VERSION + 1;
  EXPECT_FALSE(create(model, nullptr));
  EXPECT_THAT(err_, HasSubstr("ABI version"));
  EXPECT_THAT(err_, HasSubstr("scaled_add"));
}

TEST_F(SessionTest, NullModelAndNullBuffersFail) {
  EXPECT_EQ(born_session_create(nullptr, nullptr, err_, sizeof err_), nullptr);
  EXPECT_THAT(err_, HasSubstr("NULL"));
  SessionPtr session = create(model_->model(), nullptr);
  ASSERT_TRUE(session) << err_;
  float a[60] = {}, out[60];
  const void *inputs[] = {a, nullptr};
  void *outputs[] = {out};
  EXPECT_NE(born_session_run(session.get(), inputs, outputs, err_, sizeof err_), 0);
  EXPECT_THAT(err_, HasSubstr("input 1 ('b') is NULL"));
  EXPECT_NE(born_session_run(nullptr, inputs, outputs, err_, sizeof err_), 0);
  EXPECT_NE(born_session_run(session.get(), nullptr, outputs, err_, sizeof err_), 0);
}

TEST_F(SessionTest, ErrorsAreTruncatedToTheBuffer) {
  born_model model = model_->model();
  model.abi_version = 99;
  char small[8];
  EXPECT_EQ(born_session_create(&model, nullptr, small, sizeof small), nullptr);
  EXPECT_EQ(std::string(small).size(), 7u);
  EXPECT_EQ(born_session_create(&model, nullptr, nullptr, 0), nullptr); // no buffer: no crash
}

TEST_F(SessionTest, ModelWithoutWeightsSourceFails) {
  born_model model = model_->model();
  model.weights = nullptr;
  EXPECT_FALSE(create(model, nullptr));
  EXPECT_THAT(err_, HasSubstr("neither embedded weights nor a weights file"));
}

TEST_F(SessionTest, ExternalWeightsFileIsMapped) {
  born_test::TempDir dir;
  std::string path = dir.file("model.weights");
  const std::vector<uint8_t> &blob = model_->weightsBlob();
  born_test::writeBytes(path, blob.data(), blob.size());
  born_model model = model_->model();
  model.weights = nullptr;
  model.weights_path = path.c_str(); // absolute
  SessionPtr session = create(model, nullptr);
  ASSERT_TRUE(session) << err_;
  runAndCheck(session.get());
}

TEST_F(SessionTest, WeightsFileSizeMismatchNamesFileAndSizes) {
  born_test::TempDir dir;
  std::string path = dir.file("short.weights");
  const std::vector<uint8_t> &blob = model_->weightsBlob();
  born_test::writeBytes(path, blob.data(), blob.size() - 4);
  born_model model = model_->model();
  model.weights = nullptr;
  model.weights_path = path.c_str();
  EXPECT_FALSE(create(model, nullptr));
  EXPECT_THAT(err_, HasSubstr(path));
  EXPECT_THAT(err_, HasSubstr(std::to_string(blob.size() - 4) + " bytes"));
  EXPECT_THAT(err_, HasSubstr(std::to_string(blob.size()) + " bytes"));
}

TEST_F(SessionTest, OptionsWeightsPathOverridesTheModel) {
  born_test::TempDir dir;
  std::string path = dir.file("override.weights");
  const std::vector<uint8_t> &blob = model_->weightsBlob();
  born_test::writeBytes(path, blob.data(), blob.size());
  born_model model = model_->model();
  model.weights = nullptr;
  model.weights_path = "/nonexistent/model.weights";
  born_options opts = cpuOptions();
  opts.weights_path = path.c_str();
  SessionPtr session = create(model, &opts);
  ASSERT_TRUE(session) << err_;
  runAndCheck(session.get());

  opts.weights_path = "/nonexistent/other.weights";
  EXPECT_FALSE(create(model, &opts));
  EXPECT_THAT(err_, HasSubstr("/nonexistent/other.weights"));
}

TEST_F(SessionTest, RelativeWeightsPathResolvesAgainstCwd) {
  born_test::TempDir dir;
  const std::vector<uint8_t> &blob = model_->weightsBlob();
  born_test::writeBytes(dir.file("cwd.weights"), blob.data(), blob.size());
  char previous[4096];
  ASSERT_NE(getcwd(previous, sizeof previous), nullptr);
  ASSERT_EQ(chdir(dir.path().c_str()), 0);
  born_model model = model_->model();
  model.weights = nullptr;
  model.weights_path = "cwd.weights";
  SessionPtr session = create(model, nullptr);
  model.weights_path = "missing.weights";
  SessionPtr missing = create(model, nullptr);
  std::string missingError = err_;
  ASSERT_EQ(chdir(previous), 0);
  ASSERT_TRUE(session) << err_;
  runAndCheck(session.get());
  EXPECT_FALSE(missing);
  EXPECT_THAT(missingError, HasSubstr("'missing.weights'"));
  EXPECT_THAT(missingError, HasSubstr("not found"));
}

// The model's blob written beside the test executable, under a name of
// this process's own; removed at the end of the scope.
class BlobBesideExecutable {
public:
  BlobBesideExecutable(const std::string &prefix, const std::vector<uint8_t> &blob)
      : name_(prefix + std::to_string(getpid()) + ".weights"),
        path_(born::executableDirectory() + "/" + name_) {
    born_test::writeBytes(path_, blob.data(), blob.size());
  }
  ~BlobBesideExecutable() { std::remove(path_.c_str()); }
  const std::string &name() const { return name_; }

private:
  std::string name_, path_;
};

TEST_F(SessionTest, RelativeWeightsPathResolvesAgainstExecutableFirst) {
  ASSERT_FALSE(born::executableDirectory().empty());
  BlobBesideExecutable beside("born-exe-dir-test-", model_->weightsBlob());
  // A same-named file of the wrong size in the cwd must not be picked.
  born_test::TempDir dir;
  born_test::writeBytes(dir.file(beside.name()), model_->weightsBlob().data(), 3);
  char previous[4096];
  ASSERT_NE(getcwd(previous, sizeof previous), nullptr);
  ASSERT_EQ(chdir(dir.path().c_str()), 0);
  born_model model = model_->model();
  model.weights = nullptr;
  model.weights_path = beside.name().c_str();
  SessionPtr session = create(model, nullptr);
  ASSERT_EQ(chdir(previous), 0);
  ASSERT_TRUE(session) << err_;
  runAndCheck(session.get());
}

// A file read in place plus a tail the model carries: the entry reads a
// float of the file (at 4) and one of the tail (its first) from one base,
// and notes the base.
struct FileAndTail {
  static inline uintptr_t base = 0;
  static void entry(void *const *args, const uint8_t *weights) {
    base = reinterpret_cast<uintptr_t>(weights);
    float file, tail;
    std::memcpy(&file, weights + 4, 4);
    std::memcpy(&tail, weights + BORN_WEIGHTS_TAIL_ALIGNMENT, 4);
    static_cast<float *>(args[2])[0] = file;
    static_cast<float *>(args[2])[1] = tail;
  }
};

TEST_F(SessionTest, WeightsTailFollowsTheFileInOneRange) {
  born_test::TempDir dir;
  std::string path = dir.file("model.gguf");
  const float file[3] = {1.0f, 2.5f, 4.0f}, tail[2] = {-7.0f, 9.0f};
  born_test::writeBytes(path, file, sizeof file);
  born_model model = model_->model();
  model.weights = nullptr;
  model.weights_size = sizeof file;
  model.weights_path = path.c_str();
  model.weights_tail = reinterpret_cast<const uint8_t *>(tail);
  model.weights_tail_size = sizeof tail;
  model.weights_header_size = 4;
  model.weights_header_hash = born::fnv1a64(reinterpret_cast<const uint8_t *>(file), 4);
  model.cpu_entry = &FileAndTail::entry;
  SessionPtr session = create(model, nullptr);
  ASSERT_TRUE(session) << err_;
  std::vector<float> out = runOnZeros(session.get());
  EXPECT_EQ(out[0], 2.5f);
  EXPECT_EQ(out[1], -7.0f);
  // The file starts at a huge-page boundary (so that huge page-cache
  // folios can be mapped whole).
  EXPECT_EQ(FileAndTail::base % (2u << 20), 0u);

  // Another file of the same size whose header differs is refused.
  std::string other = dir.file("other.gguf");
  const float changed[3] = {1.5f, 2.5f, 4.0f};
  born_test::writeBytes(other, changed, sizeof changed);
  born_options opts = cpuOptions();
  opts.weights_path = other.c_str();
  EXPECT_FALSE(create(model, &opts));
  EXPECT_THAT(err_, HasSubstr(other));
  EXPECT_THAT(err_, HasSubstr("is not the file model 'scaled_add' was compiled from"));
  EXPECT_THAT(err_, HasSubstr("recompile"));
  // So is one of another size, before it is mapped.
  born_test::writeBytes(other, changed, 8);
  EXPECT_FALSE(create(model, &opts));
  EXPECT_THAT(err_, HasSubstr("has 8 bytes but model 'scaled_add' expects 12 bytes"));
}

TEST_F(SessionTest, MovedAbsoluteWeightsFileIsFoundBesideTheExecutable) {
  ASSERT_FALSE(born::executableDirectory().empty());
  BlobBesideExecutable beside("born-moved-test-", model_->weightsBlob());
  std::string recorded = "/nonexistent/dir/" + beside.name();
  born_model model = model_->model();
  model.weights = nullptr;
  model.weights_path = recorded.c_str();
  SessionPtr session = create(model, nullptr);
  ASSERT_TRUE(session) << err_;
  runAndCheck(session.get());
}

TEST_F(SessionTest, MissingAbsoluteWeightsFileSaysHowToOverride) {
  born_model model = model_->model();
  model.weights = nullptr;
  model.weights_path = "/nonexistent/model.gguf";
  EXPECT_FALSE(create(model, nullptr));
  EXPECT_THAT(err_, HasSubstr("'/nonexistent/model.gguf' of model 'scaled_add' not found, "
                              "nor '" + born::executableDirectory() + "/model.gguf' beside"));
  EXPECT_THAT(err_, HasSubstr("-m / --weights FILE"));
}

TEST_F(SessionTest, EmptyWeightsFileForModelWithoutParameters) {
  born_test::TempDir dir;
  std::string path = dir.file("empty.weights");
  born_test::writeBytes(path, "", 0);
  struct NoWeights {
    static void entry(void *const *args, const uint8_t *) {
      static_cast<float *>(args[2])[0] = 42.0f;
    }
  };
  born_model model = model_->model();
  model.weights = nullptr;
  model.weights_size = 0;
  model.weights_path = path.c_str();
  model.cpu_entry = &NoWeights::entry;
  SessionPtr session = create(model, nullptr);
  ASSERT_TRUE(session) << err_;
  EXPECT_EQ(runOnZeros(session.get())[0], 42.0f);
}

} // namespace
