// born_main through a real executable (born_test_model, built from
// test_model_main.cpp): inputs from .npy and .pb files, outputs to .npy, and
// the error messages a user sees.
#include "born/runtime.h"
#include "born/tensor_io.h"
#include "test_models.h"
#include "test_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

using born_test::CommandResult;
using born_test::shellQuote;
using testing::HasSubstr;

namespace {

struct TensorGuard {
  born_host_tensor t{};
  ~TensorGuard() { born_tensor_free(&t); }
};

class BornMainTest : public testing::Test {
protected:
  BornMainTest() : reference_(born_test::ScaledAddModel::create<60>({3, 4, 5})) {
    a_ = born_test::ramp(60, 0.5f, -3.0f);
    b_ = born_test::ramp(60, -0.25f, 1.0f);
    aPath_ = writeNpy("a.npy", BORN_DTYPE_F32, {3, 4, 5}, a_.data());
    bPath_ = writeNpy("b.npy", BORN_DTYPE_F32, {3, 4, 5}, b_.data());
  }

  std::string writeNpy(const std::string &name, int32_t dtype, std::vector<int64_t> shape,
                       const void *data) {
    TensorGuard t;
    char err[512];
    EXPECT_EQ(born_tensor_alloc(&t.t, dtype, static_cast<int32_t>(shape.size()), shape.data(),
                                err, sizeof err),
              0)
        << err;
    if (data)
      std::memcpy(t.t.data, data, t.t.nbytes);
    std::string path = dir_.file(name);
    EXPECT_EQ(born_npy_save(path.c_str(), &t.t, err, sizeof err), 0) << err;
    return path;
  }

  // `env`: "NAME=value " assignments for the executable's environment.
  CommandResult run(const std::string &args, const std::string &env = "") {
    return born_test::runCommand(env + shellQuote(BORN_TEST_MODEL_EXE) + " " + args, dir_);
  }

  std::vector<float> readOutput(const std::string &path) {
    TensorGuard t;
    char err[512];
    EXPECT_EQ(born_tensor_load(path.c_str(), &t.t, err, sizeof err), 0) << err;
    EXPECT_EQ(t.t.dtype, BORN_DTYPE_F32);
    EXPECT_EQ(t.t.rank, 3);
    const float *values = static_cast<const float *>(t.t.data);
    return std::vector<float>(values, values + t.t.nbytes / 4);
  }

  born_test::TempDir dir_;
  std::unique_ptr<born_test::ScaledAddModel> reference_;
  std::vector<float> a_, b_;
  std::string aPath_, bPath_;
};

TEST_F(BornMainTest, RunsOnNpyInputsAndWritesNpyOutputs) {
  std::string out = dir_.file("nested/out/dir"); // created like mkdir -p
  CommandResult r = run(shellQuote(aPath_) + " " + shellQuote(bPath_) + " --out " + shellQuote(out));
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(readOutput(out + "/output_0.npy"), reference_->expected(a_, b_));
}

TEST_F(BornMainTest, OptionsWithEqualsAndThreads) {
  std::string out = dir_.file("out");
  CommandResult r = run(shellQuote(aPath_) + " " + shellQuote(bPath_) + " --out=" +
                        shellQuote(out) + " --threads 2 --device=cpu");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(readOutput(out + "/output_0.npy"), reference_->expected(a_, b_));
}

TEST_F(BornMainTest, RunsOnOnnxPbInputs) {
  if (std::string(BORN_ONNX_TEST_DATA).empty())
    GTEST_SKIP() << "ONNX test data not available";
  std::string data = std::string(BORN_ONNX_TEST_DATA) + "/node/test_add/test_data_set_0/";
  std::string out = dir_.file("out");
  CommandResult r = run(shellQuote(data + "input_0.pb") + " " + shellQuote(data + "input_1.pb") +
                        " --out " + shellQuote(out));
  ASSERT_EQ(r.exitCode, 0) << r.err;
  // The model computes (x + y) * w; ONNX's reference output is x + y.
  TensorGuard sum;
  char err[512];
  ASSERT_EQ(born_tensor_load((data + "output_0.pb").c_str(), &sum.t, err, sizeof err), 0) << err;
  std::vector<float> got = readOutput(out + "/output_0.npy");
  ASSERT_EQ(got.size(), 60u);
  for (int i = 0; i < 60; ++i)
    ASSERT_EQ(got[i], static_cast<float *>(sum.t.data)[i] * born_test::weightValue(i)) << i;
}

TEST_F(BornMainTest, RunsOnVulkan) {
  std::string out = dir_.file("out");
  CommandResult r = run(shellQuote(aPath_) + " " + shellQuote(bPath_) + " --out " +
                        shellQuote(out) + " --device vulkan --vk-device 0");
  if (r.exitCode != 0 && r.err.find("no Vulkan device found") != std::string::npos)
    GTEST_SKIP() << r.err;
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(readOutput(out + "/output_0.npy"), reference_->expected(a_, b_));
}

// The Vulkan loader is opened at run time, on the first Vulkan session: with
// none, a Vulkan run fails with a message saying what to install, and CPU runs
// are unaffected. BORN_VULKAN_LIBRARY names the loader to use.
TEST_F(BornMainTest, MissingVulkanLoaderIsAnErrorOnlyOnVulkan) {
  std::string hidden = "BORN_VULKAN_LIBRARY=/nonexistent/libvulkan.so.1 ";
  std::string inputs = shellQuote(aPath_) + " " + shellQuote(bPath_);
  CommandResult r =
      run(inputs + " --out " + shellQuote(dir_.file("vk")) + " --device vulkan", hidden);
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("no Vulkan loader found "
                               "(BORN_VULKAN_LIBRARY=/nonexistent/libvulkan.so.1): install "
                               "the Vulkan loader (Debian: libvulkan1) and a driver"));

  std::string out = dir_.file("cpu");
  r = run(inputs + " --out " + shellQuote(out) + " --device cpu", hidden);
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(readOutput(out + "/output_0.npy"), reference_->expected(a_, b_));
}

TEST_F(BornMainTest, VulkanLibraryPicksTheLoader) {
  std::string out = dir_.file("out");
  CommandResult r = run(shellQuote(aPath_) + " " + shellQuote(bPath_) + " --out " +
                            shellQuote(out) + " --device vulkan",
                        "BORN_VULKAN_LIBRARY=libvulkan.so.1 ");
  if (r.exitCode != 0 && r.err.find("no Vulkan device found") != std::string::npos)
    GTEST_SKIP() << r.err;
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_EQ(readOutput(out + "/output_0.npy"), reference_->expected(a_, b_));
}

TEST_F(BornMainTest, HelpListsInputsAndOutputs) {
  CommandResult r = run("--help");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("usage:"));
  EXPECT_THAT(r.out, HasSubstr("Runs model 'scaled_add' (compiled for: cpu, vulkan)"));
  EXPECT_THAT(r.out, HasSubstr("0  a  f32 [3, 4, 5]"));
  EXPECT_THAT(r.out, HasSubstr("1  b  f32 [3, 4, 5]"));
  EXPECT_THAT(r.out, HasSubstr("0  out  f32 [3, 4, 5]"));
  EXPECT_THAT(r.out, HasSubstr("--bench N"));
}

TEST_F(BornMainTest, BenchPrintsMedianLatency) {
  CommandResult r = run(shellQuote(aPath_) + " " + shellQuote(bPath_) + " --bench 5");
  ASSERT_EQ(r.exitCode, 0) << r.err;
  EXPECT_THAT(r.out, testing::ContainsRegex("median latency: [0-9]+\\.[0-9]+ ms \\(5 runs\\)"));
  EXPECT_THAT(r.out, HasSubstr("min latency: "));
}

TEST_F(BornMainTest, WrongShapeNamesInputFileAndShapes) {
  std::vector<float> data(60);
  std::string wrong = writeNpy("wrong_shape.npy", BORN_DTYPE_F32, {5, 4, 3}, data.data());
  CommandResult r = run(shellQuote(aPath_) + " " + shellQuote(wrong) + " --out " +
                        shellQuote(dir_.file("out")));
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("input 1 ('b')"));
  EXPECT_THAT(r.err, HasSubstr(wrong));
  EXPECT_THAT(r.err, HasSubstr("expected f32 [3, 4, 5], got f32 [5, 4, 3]"));
}

TEST_F(BornMainTest, WrongDtypeNamesBothDtypes) {
  std::vector<double> data(60);
  std::string wrong = writeNpy("wrong_dtype.npy", BORN_DTYPE_F64, {3, 4, 5}, data.data());
  CommandResult r = run(shellQuote(wrong) + " " + shellQuote(bPath_) + " --out " +
                        shellQuote(dir_.file("out")));
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("input 0 ('a')"));
  EXPECT_THAT(r.err, HasSubstr("expected f32 [3, 4, 5], got f64 [3, 4, 5]"));
}

TEST_F(BornMainTest, WrongInputCount) {
  CommandResult r = run(shellQuote(aPath_) + " --out " + shellQuote(dir_.file("out")));
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("takes 2 input file(s) (a, b), got 1"));
}

TEST_F(BornMainTest, MissingOutIsAnError) {
  CommandResult r = run(shellQuote(aPath_) + " " + shellQuote(bPath_));
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("missing --out DIR"));
}

TEST_F(BornMainTest, UnreadableInputAndBadOptions) {
  CommandResult r = run(shellQuote(dir_.file("nope.npy")) + " " + shellQuote(bPath_) +
                        " --out " + shellQuote(dir_.file("out")));
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("input 0 ('a')"));
  EXPECT_THAT(r.err, HasSubstr("nope.npy: cannot open"));

  r = run(shellQuote(aPath_) + " " + shellQuote(bPath_) + " --out x --device tpu");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("--device must be cpu or vulkan"));
  r = run("--frobnicate");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("unknown option '--frobnicate'"));
  r = run(shellQuote(aPath_) + " " + shellQuote(bPath_) + " --threads -1 --out x");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("--threads needs a non-negative integer"));
  r = run(shellQuote(aPath_) + " " + shellQuote(bPath_) + " --out");
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("option --out needs a value"));
}

TEST_F(BornMainTest, WeightsOption) {
  const std::vector<uint8_t> &blob = reference_->weightsBlob();
  // Weights file with every parameter doubled.
  std::vector<uint8_t> doubled = blob;
  for (int64_t i = 0; i < 60; ++i) {
    float w = 2 * born_test::weightValue(i);
    std::memcpy(&doubled[born_test::kWeightsOffset + i * 4], &w, 4);
  }
  std::string weights = dir_.file("doubled.weights");
  born_test::writeBytes(weights, doubled.data(), doubled.size());
  std::string out = dir_.file("out");
  CommandResult r = run(shellQuote(aPath_) + " " + shellQuote(bPath_) + " --out " +
                        shellQuote(out) + " --weights " + shellQuote(weights));
  ASSERT_EQ(r.exitCode, 0) << r.err;
  std::vector<float> got = readOutput(out + "/output_0.npy");
  std::vector<float> expected = reference_->expected(a_, b_);
  for (int i = 0; i < 60; ++i)
    ASSERT_EQ(got[i], 2 * expected[i]) << i;

  std::string shortFile = dir_.file("short.weights");
  born_test::writeBytes(shortFile, doubled.data(), 10);
  r = run(shellQuote(aPath_) + " " + shellQuote(bPath_) + " --out " + shellQuote(out) +
          " --weights " + shellQuote(shortFile));
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_THAT(r.err, HasSubstr("weights file '" + shortFile + "' has 10 bytes but model "
                               "'scaled_add' expects " + std::to_string(blob.size()) + " bytes"));
}

} // namespace
