// Losses, optimizer steps (against torch.optim), checkpoints and resuming,
// and the IDX / Fashion-MNIST loader's errors.
#include "compiler/Training/Training.h"
#include "compiler/Training/Datasets.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <zlib.h>

using namespace born;

namespace {

std::string errorText(llvm::Error err) {
  return llvm::toString(std::move(err));
}

/// A fresh directory for one test's files.
std::string tempDir() {
  llvm::SmallString<128> dir;
  EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("born-training", dir));
  return dir.str().str();
}

std::vector<float> randomFloats(size_t n, uint32_t seed, float scale = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> dist(0, scale);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

//===----------------------------------------------------------------------===//
// Losses
//===----------------------------------------------------------------------===//

TEST(Losses, ValuesAndCrossEntropyGradient) {
  const int64_t n = 4, c = 5;
  std::vector<float> logits = randomFloats(n * c, 1, 2);
  std::vector<int64_t> labels = {3, 0, 4, 3};
  std::vector<float> target = randomFloats(n * c, 2);

  Graph g("losses");
  Tensor x = g.input("logits", {n, c});
  Tensor y = g.input("labels", {n}, DType::I64);
  Tensor t = g.input("target", {n, c});
  Tensor ce = cross_entropy(x, y);
  g.output(ce, "ce");
  g.output(nll_loss(x, y), "nll");
  g.output(mse_loss(x, t), "mse");
  g.output(g.gradients(ce, {x})[0], "dce");
  ASSERT_TRUE(g.ok()) << g.error();
  llvm::Expected<CompiledModel> m = g.compile();
  ASSERT_TRUE(static_cast<bool>(m)) << llvm::toString(m.takeError());
  float ceOut, nllOut, mseOut;
  std::vector<float> dce(n * c);
  ASSERT_FALSE(m->run({logits, labels, target},
                      {OutputBuffer(&ceOut, 4, 4), OutputBuffer(&nllOut, 4, 4),
                       OutputBuffer(&mseOut, 4, 4), dce}));

  // Reference in double: -mean(log softmax at the label), and its gradient
  // (softmax - one_hot) / n.
  double ceRef = 0, nllRef = 0, mseRef = 0;
  for (int64_t i = 0; i < n; ++i) {
    const float *row = &logits[i * c];
    double maxV = *std::max_element(row, row + c), z = 0;
    for (int64_t j = 0; j < c; ++j)
      z += std::exp(row[j] - maxV);
    double logZ = maxV + std::log(z);
    ceRef -= (row[labels[i]] - logZ) / n;
    nllRef -= row[labels[i]] / double(n);
    for (int64_t j = 0; j < c; ++j) {
      double grad = (std::exp(row[j] - logZ) - (j == labels[i])) / n;
      EXPECT_NEAR(dce[i * c + j], grad, 1e-6) << "row " << i << " col " << j;
      double d = row[j] - target[i * c + j];
      mseRef += d * d / (n * c);
    }
  }
  EXPECT_NEAR(ceOut, ceRef, 1e-5);
  EXPECT_NEAR(nllOut, nllRef, 1e-5);
  EXPECT_NEAR(mseOut, mseRef, 1e-5);
}

TEST(Losses, BadOperandsAreNamed) {
  Graph g("bad");
  Tensor x = g.input("logits", {4, 5});
  Tensor y = g.input("labels", {3}, DType::I64);
  EXPECT_FALSE(cross_entropy(x, y).valid());
  EXPECT_NE(g.error().find("nll_loss(f32[4, 5], i64[3])"), std::string::npos)
      << g.error();
}

TEST(Graph, GradientsNeedAScalarLoss) {
  Graph g("grad");
  Tensor x = g.input("x", {2, 3});
  std::vector<Tensor> grads = g.gradients(x * 2.0, {x});
  ASSERT_EQ(grads.size(), 1u);
  EXPECT_FALSE(grads[0].valid());
  EXPECT_NE(g.error().find("the loss must be a float tensor of one element, "
                           "got f32[2, 3]"),
            std::string::npos)
      << g.error();
}

TEST(Graph, ParamsAsInputs) {
  Graph g("p");
  g.setParamsAsInputs(true);
  Tensor x = g.input("x", {2, 3});
  Tensor w = g.param("w", {4, 3});
  EXPECT_EQ(g.param("w", {4, 3}).value(), w.value()); // declared once
  g.output(linear(x, w), "y");
  ASSERT_TRUE(g.ok()) << g.error();
  ASSERT_EQ(g.params().size(), 1u);
  EXPECT_EQ(g.params()[0].name, "w");
  // No weights needed: w is the second input.
  llvm::Expected<CompiledModel> m = g.compile();
  ASSERT_TRUE(static_cast<bool>(m)) << llvm::toString(m.takeError());
  ASSERT_EQ(m->inputs().size(), 2u);
  EXPECT_EQ(m->inputs()[1].name, "w");
  std::vector<float> xv = {1, 2, 3, 4, 5, 6}, wv(12, 0.5f), y(8);
  ASSERT_FALSE(m->run({xv, wv}, {y}));
  EXPECT_FLOAT_EQ(y[0], 3.0f);
  EXPECT_FLOAT_EQ(y[7], 7.5f);
}

TEST(LRSchedule, StepAndCosine) {
  EXPECT_DOUBLE_EQ(LRSchedule::constant(0.1).at(1000), 0.1);
  LRSchedule step = LRSchedule::stepDecay(1.0, 10, 0.5);
  EXPECT_DOUBLE_EQ(step.at(9), 1.0);
  EXPECT_DOUBLE_EQ(step.at(10), 0.5);
  EXPECT_DOUBLE_EQ(step.at(25), 0.25);
  LRSchedule cosine = LRSchedule::cosine(1.0, 100, 0.1);
  EXPECT_DOUBLE_EQ(cosine.at(0), 1.0);
  EXPECT_NEAR(cosine.at(50), 0.55, 1e-12);
  EXPECT_NEAR(cosine.at(100), 0.1, 1e-12);
}

//===----------------------------------------------------------------------===//
// Optimizers against torch.optim, checkpoints
//===----------------------------------------------------------------------===//

const int64_t kBatch = 6, kIn = 5, kOut = 4;

/// tanh(linear) * 3: nonlinear, so that several steps differ from one.
Tensor tinyModel(Graph &g, const Tensor &x) {
  return tanh(linear(x, g.param("fc.weight", {kOut, kIn}),
                     g.param("fc.bias", {kOut}))) *
         3.0;
}

llvm::Expected<Trainer> tinyTrainer(const Optimizer &optimizer) {
  Trainer::Options options;
  options.name = "tiny";
  options.inputShape = {kBatch, kIn};
  options.seed = 3;
  options.build.threads = 1;
  return Trainer::create(tinyModel, cross_entropy, optimizer, options);
}

struct TinyBatch {
  std::vector<float> x = randomFloats(kBatch * kIn, 7);
  std::vector<int64_t> y = {0, 3, 1, 2, 3, 1};
};

void checkAgainstTorch(const Optimizer &optimizer, double momentum,
                       double weightDecay) {
  llvm::Expected<Trainer> trainer = tinyTrainer(optimizer);
  ASSERT_TRUE(static_cast<bool>(trainer)) << errorText(trainer.takeError());
  // Biases start at zero; make them nonzero so weight decay touches them.
  ASSERT_FALSE(trainer->setValues("fc.bias", randomFloats(kOut, 9, 0.5)));
  std::string dir = tempDir();
  TinyBatch batch;
  std::vector<NamedTensor> start = {
      {"fc.weight",
       DType::F32,
       {kOut, kIn},
       trainer->values("fc.weight").data()},
      {"fc.bias", DType::F32, {kOut}, trainer->values("fc.bias").data()},
      {"input", DType::F32, {kBatch, kIn}, batch.x.data()},
      {"target", DType::I64, {kBatch}, batch.y.data()}};
  ASSERT_FALSE(writeSafeTensors(dir + "/start.safetensors", start));

  // Three steps on a cosine schedule: the lr is an input of the step.
  LRSchedule schedule = LRSchedule::cosine(0.1, 4);
  std::string lrs;
  for (int s = 0; s < 3; ++s) {
    double lr = schedule.at(trainer->steps());
    lrs += (s ? "," : "") + std::to_string(lr);
    ASSERT_FALSE(trainer->step(batch.x, batch.y, lr));
  }
  ASSERT_FALSE(trainer->saveCheckpoint(dir + "/end.safetensors"));
  std::string command =
      std::string("/usr/bin/python3 ") + BORN_TRAINING_DIR +
      "/torch_optim_reference.py " + dir + "/start.safetensors " + dir +
      "/end.safetensors " + optimizer.name().str() + " " +
      std::to_string(momentum) + " " + std::to_string(weightDecay) + " " + lrs;
  EXPECT_EQ(std::system(command.c_str()), 0) << command;
  llvm::sys::fs::remove_directories(dir);
}

TEST(Optimizers, SgdMomentumWeightDecayMatchesTorch) {
  checkAgainstTorch(Optimizer::sgd(0.9, 0.01), 0.9, 0.01);
}
TEST(Optimizers, AdamWithL2MatchesTorch) {
  checkAgainstTorch(Optimizer::adam(0.9, 0.999, 1e-8, 0.01), 0, 0.01);
}
TEST(Optimizers, AdamWMatchesTorch) {
  checkAgainstTorch(Optimizer::adamw(0.9, 0.999, 1e-8, 0.1), 0, 0.1);
}

TEST(Checkpoint, ResumeGivesTheSameParams) {
  TinyBatch batch;
  std::vector<float> x2 = randomFloats(kBatch * kIn, 8);
  auto run = [&](Trainer &t, int from, int to) {
    for (int s = from; s < to; ++s)
      ASSERT_FALSE(t.step(s % 2 ? x2 : batch.x, batch.y, 0.05));
  };
  llvm::Expected<Trainer> straight = tinyTrainer(Optimizer::adam());
  ASSERT_TRUE(static_cast<bool>(straight)) << errorText(straight.takeError());
  run(*straight, 0, 6);

  std::string dir = tempDir();
  std::string path = dir + "/ckpt.safetensors";
  {
    llvm::Expected<Trainer> first = tinyTrainer(Optimizer::adam());
    ASSERT_TRUE(static_cast<bool>(first));
    run(*first, 0, 3);
    ASSERT_FALSE(first->saveCheckpoint(path));
  }
  llvm::Expected<Trainer> resumed = tinyTrainer(Optimizer::adam());
  ASSERT_TRUE(static_cast<bool>(resumed));
  resumed->initParams(12345); // different from the checkpoint's
  ASSERT_FALSE(resumed->loadCheckpoint(path));
  EXPECT_EQ(resumed->steps(), 3);
  run(*resumed, 3, 6);
  for (llvm::StringRef name :
       {"fc.weight", "fc.bias", "fc.weight.exp_avg", "fc.bias.exp_avg_sq"}) {
    llvm::ArrayRef<float> a = straight->values(name), b = resumed->values(name);
    ASSERT_EQ(a.size(), b.size()) << name.str();
    EXPECT_TRUE(std::equal(a.begin(), a.end(), b.begin()))
        << name.str() << " differs after resuming";
  }
  // The training changed the params at all.
  llvm::Expected<Trainer> fresh = tinyTrainer(Optimizer::adam());
  ASSERT_TRUE(static_cast<bool>(fresh));
  EXPECT_FALSE(
      llvm::equal(fresh->values("fc.weight"), straight->values("fc.weight")));
  llvm::sys::fs::remove_directories(dir);
}

TEST(Checkpoint, ErrorsNameFileAndTensor) {
  std::string dir = tempDir();
  llvm::Expected<Trainer> adam = tinyTrainer(Optimizer::adam());
  ASSERT_TRUE(static_cast<bool>(adam));
  llvm::Expected<Trainer> sgd = tinyTrainer(Optimizer::sgd(0.9));
  ASSERT_TRUE(static_cast<bool>(sgd));
  std::string path = dir + "/sgd.safetensors";
  ASSERT_FALSE(sgd->saveCheckpoint(path));
  std::string message = errorText(adam->loadCheckpoint(path));
  EXPECT_NE(message.find(path + ": no tensor 'fc.weight.exp_avg'"),
            std::string::npos)
      << message;

  std::vector<float> wrong(3 * kIn);
  int64_t step = 0;
  std::string badShape = dir + "/shape.safetensors";
  ASSERT_FALSE(writeSafeTensors(
      badShape, {{"fc.weight", DType::F32, {3, kIn}, wrong.data()},
                 {"step", DType::I64, {}, &step}}));
  message = errorText(sgd->loadCheckpoint(badShape));
  EXPECT_NE(message.find("tensor 'fc.weight' is F32[3, 5], expected F32[4, 5]"),
            std::string::npos)
      << message;
  message = errorText(sgd->loadCheckpoint(dir + "/missing.safetensors"));
  EXPECT_NE(message.find("missing.safetensors"), std::string::npos) << message;
  llvm::sys::fs::remove_directories(dir);
}

TEST(Trainer, ModelWithoutParamsIsAnError) {
  Trainer::Options options;
  options.inputShape = {2, 3};
  llvm::Expected<Trainer> t =
      Trainer::create([](Graph &, const Tensor &x) { return x; }, cross_entropy,
                      Optimizer::adam(), options);
  ASSERT_FALSE(static_cast<bool>(t));
  EXPECT_NE(errorText(t.takeError()).find("declares no params"),
            std::string::npos);
}

//===----------------------------------------------------------------------===//
// IDX / Fashion-MNIST loader
//===----------------------------------------------------------------------===//

void writeFile(const std::string &path, const std::vector<uint8_t> &bytes,
               bool gzip) {
  if (gzip) {
    gzFile f = gzopen(path.c_str(), "wb");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(gzwrite(f, bytes.data(), bytes.size()), int(bytes.size()));
    gzclose(f);
    return;
  }
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
}

/// IDX of unsigned bytes with big-endian dims.
std::vector<uint8_t> idx(const std::vector<uint32_t> &dims,
                         const std::vector<uint8_t> &values) {
  std::vector<uint8_t> b = {0, 0, 0x08, uint8_t(dims.size())};
  for (uint32_t d : dims)
    for (int shift : {24, 16, 8, 0})
      b.push_back(uint8_t(d >> shift));
  b.insert(b.end(), values.begin(), values.end());
  return b;
}

TEST(Datasets, LoadsASmallGzippedSplit) {
  std::string dir = tempDir();
  std::vector<uint8_t> pixels(3 * 2 * 2);
  for (size_t i = 0; i < pixels.size(); ++i)
    pixels[i] = uint8_t(i * 20);
  writeFile(dir + "/train-images-idx3-ubyte.gz", idx({3, 2, 2}, pixels), true);
  writeFile(dir + "/train-labels-idx1-ubyte.gz", idx({3}, {7, 0, 9}), true);
  llvm::Expected<ImageDataset> data = loadMnistSplit(dir, "train");
  ASSERT_TRUE(static_cast<bool>(data)) << errorText(data.takeError());
  EXPECT_EQ(data->count, 3);
  EXPECT_EQ(data->height, 2);
  EXPECT_EQ(data->width, 2);
  EXPECT_EQ(data->labels, (std::vector<int64_t>{7, 0, 9}));
  EXPECT_FLOAT_EQ(data->images[5], 100 / 255.0f);
  llvm::sys::fs::remove_directories(dir);
}

TEST(Datasets, ClearErrorsForMissingAndMalformedFiles) {
  std::string dir = tempDir();
  auto expectError = [&](llvm::StringRef file, llvm::StringRef expected) {
    std::string path = dir + "/" + file.str();
    llvm::Expected<IdxArray> a = readIdx(path);
    ASSERT_FALSE(static_cast<bool>(a)) << path;
    std::string message = errorText(a.takeError());
    EXPECT_NE(message.find(path), std::string::npos) << message;
    EXPECT_NE(message.find(expected.str()), std::string::npos) << message;
  };
  expectError("absent.gz", "no such file");
  writeFile(dir + "/text.gz", {'h', 'e', 'l', 'l', 'o', '!'}, true);
  expectError("text.gz", "not an IDX file");
  writeFile(dir + "/float.gz", {0, 0, 0x0D, 1, 0, 0, 0, 1, 1, 2, 3, 4}, true);
  expectError("float.gz", "IDX element type 0xD, expected 0x08");
  writeFile(dir + "/short.gz", idx({4, 2}, {1, 2, 3}), true);
  expectError("short.gz", "the header promises 8 values, the file holds 3");
  writeFile(dir + "/header.gz", {0, 0, 8, 3, 0, 0}, true);
  expectError("header.gz", "truncated IDX header");
  // A gzip stream cut in the middle.
  std::vector<uint8_t> big = idx({1000}, std::vector<uint8_t>(1000, 5));
  writeFile(dir + "/whole.gz", big, true);
  std::ifstream in(dir + "/whole.gz", std::ios::binary);
  std::vector<uint8_t> gz((std::istreambuf_iterator<char>(in)), {});
  gz.resize(gz.size() / 2);
  writeFile(dir + "/cut.gz", gz, false);
  expectError("cut.gz", "corrupt gzip data");

  // A split whose files disagree, and one that is absent.
  writeFile(dir + "/t10k-images-idx3-ubyte.gz", idx({2, 1, 1}, {1, 2}), true);
  writeFile(dir + "/t10k-labels-idx1-ubyte.gz", idx({3}, {1, 2, 3}), true);
  llvm::Expected<ImageDataset> data = loadMnistSplit(dir, "t10k");
  ASSERT_FALSE(static_cast<bool>(data));
  std::string message = errorText(data.takeError());
  EXPECT_NE(message.find("t10k-labels-idx1-ubyte.gz: expected 2 labels"),
            std::string::npos)
      << message;
  data = loadMnistSplit(dir, "train");
  ASSERT_FALSE(static_cast<bool>(data));
  message = errorText(data.takeError());
  EXPECT_NE(message.find("train-images-idx3-ubyte.gz: no such file"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("dataset-fashion-mnist"), std::string::npos);
  llvm::sys::fs::remove_directories(dir);
}

} // namespace
