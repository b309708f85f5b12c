#include "examples/TrainMain.h"

#include "compiler/Training/Datasets.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstring>
#include <numeric>
#include <random>

namespace born::examples {
namespace {

int fail(const llvm::Twine &message) {
  llvm::errs() << "error: " << message << "\n";
  return 1;
}

const char *kUsage =
    "options:\n"
    "  --data DIR          Fashion-MNIST *-idx?-ubyte.gz files\n"
    "                      (default /usr/share/datasets/fashion-mnist)\n"
    "  --epochs N          epochs (default 5)\n"
    "  --batch N           batch size (default 64)\n"
    "  --lr X              learning rate (default: 0.001 MLP, 0.002 CNN)\n"
    "  --schedule S        cosine (to 0 over all epochs, default) | constant\n"
    "                      | step (x0.5 per epoch)\n"
    "  --optimizer O       adam | adamw | sgd (momentum 0.9) (default adam)\n"
    "  --weight-decay X    (default 0; adamw: 0.01)\n"
    "  --device D          cpu | vulkan (default cpu)\n"
    "  --threads N         CPU threads (default: all)\n"
    "  --limit N           train on the first N images only\n"
    "  --test-limit N      test on the first N test images only\n"
    "  --seed N            initial params and shuffling (default 0)\n"
    "  --checkpoint PATH   save a checkpoint after each epoch\n"
    "  --resume PATH       start from a checkpoint\n"
    "  --save-weights PATH save the trained params (SafeTensors)\n"
    "  --emit-exe PATH     compile the trained model to an inference\n"
    "                      executable (batch 1): ./PATH image.npy --out DIR\n"
    "  --loss-log PATH     write each step's loss, one per line\n"
    "  --verbose           print the compiler's per-phase timings\n";

struct Flags {
  std::string data = "/usr/share/datasets/fashion-mnist", device = "cpu";
  std::string schedule = "cosine", optimizer = "adam";
  std::string checkpoint, resume, saveWeights, emitExe, lossLog;
  int64_t epochs = 5, batch = 64, threads = 0, limit = 0, testLimit = 0;
  int64_t seed = 0;
  double lr = 1e-3, weightDecay = -1;
  bool verbose = false;
};

bool parseFlags(int argc, char **argv, Flags &f, std::string &error) {
  std::string epochs, batch, threads, limit, testLimit, seed, lr, wd;
  const std::pair<llvm::StringRef, std::string *> valued[] = {
      {"--data", &f.data},
      {"--device", &f.device},
      {"--schedule", &f.schedule},
      {"--optimizer", &f.optimizer},
      {"--checkpoint", &f.checkpoint},
      {"--resume", &f.resume},
      {"--save-weights", &f.saveWeights},
      {"--emit-exe", &f.emitExe},
      {"--loss-log", &f.lossLog},
      {"--epochs", &epochs},
      {"--batch", &batch},
      {"--threads", &threads},
      {"--limit", &limit},
      {"--test-limit", &testLimit},
      {"--seed", &seed},
      {"--lr", &lr},
      {"--weight-decay", &wd}};
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg = argv[i];
    if (arg == "--verbose") {
      f.verbose = true;
      continue;
    }
    auto it = llvm::find_if(valued, [&](auto &v) { return v.first == arg; });
    if (it == std::end(valued)) {
      error = "unknown argument '" + arg.str() + "'";
      return false;
    }
    if (i + 1 >= argc) {
      error = arg.str() + " needs a value";
      return false;
    }
    *it->second = argv[++i];
  }
  auto integer = [&](const std::string &text, llvm::StringRef flag,
                     int64_t &out, int64_t min) {
    if (text.empty())
      return true;
    if (llvm::StringRef(text).getAsInteger(10, out) || out < min) {
      error = flag.str() + ": expected an integer >= " + std::to_string(min) +
              ", got '" + text + "'";
      return false;
    }
    return true;
  };
  auto real = [&](const std::string &text, llvm::StringRef flag, double &out) {
    if (text.empty())
      return true;
    if (llvm::StringRef(text).getAsDouble(out) || out < 0) {
      error = flag.str() + ": expected a number >= 0, got '" + text + "'";
      return false;
    }
    return true;
  };
  if (!integer(epochs, "--epochs", f.epochs, 0) ||
      !integer(batch, "--batch", f.batch, 1) ||
      !integer(threads, "--threads", f.threads, 0) ||
      !integer(limit, "--limit", f.limit, 0) ||
      !integer(testLimit, "--test-limit", f.testLimit, 0) ||
      !integer(seed, "--seed", f.seed, 0) || !real(lr, "--lr", f.lr) ||
      !real(wd, "--weight-decay", f.weightDecay))
    return false;
  if (f.device != "cpu" && f.device != "vulkan") {
    error = "--device: expected cpu or vulkan, got '" + f.device + "'";
    return false;
  }
  return true;
}

/// "[=======>     ]" of `width` characters.
std::string bar(double fraction, int width = 30) {
  int done = static_cast<int>(fraction * width);
  std::string s = "[" + std::string(done, '=');
  if (done < width)
    s += ">" + std::string(width - done - 1, ' ');
  return s + "]";
}
} // namespace

int runTraining(int argc, char **argv, llvm::StringRef name,
                const ModelFn &model, llvm::ArrayRef<int64_t> sampleShape,
                double lr) {
  for (int i = 1; i < argc; ++i)
    if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
      llvm::outs() << "usage: " << argv[0] << " [options]\n" << kUsage;
      return 0;
    }
  Flags flags;
  flags.lr = lr;
  std::string error;
  if (!parseFlags(argc, argv, flags, error))
    return fail(error + "\n" + kUsage);

  llvm::Expected<ImageDataset> train = loadMnistSplit(flags.data, "train");
  if (!train)
    return fail(llvm::toString(train.takeError()));
  llvm::Expected<ImageDataset> test = loadMnistSplit(flags.data, "t10k");
  if (!test)
    return fail(llvm::toString(test.takeError()));
  int64_t sampleSize = 1;
  for (int64_t d : sampleShape)
    sampleSize *= d;
  if (train->height * train->width != sampleSize)
    return fail(flags.data + ": images of " + llvm::Twine(train->height) + "x" +
                llvm::Twine(train->width) + ", the model takes " +
                llvm::Twine(sampleSize) + " values per image");
  int64_t trainCount =
      flags.limit ? std::min(flags.limit, train->count) : train->count;
  int64_t testCount =
      flags.testLimit ? std::min(flags.testLimit, test->count) : test->count;
  int64_t stepsPerEpoch = trainCount / flags.batch;
  if (stepsPerEpoch == 0)
    return fail("--batch " + llvm::Twine(flags.batch) + " is larger than the " +
                llvm::Twine(trainCount) + " training images");

  Optimizer optimizer;
  if (flags.optimizer == "adam")
    optimizer =
        Optimizer::adam(0.9, 0.999, 1e-8, std::max(flags.weightDecay, 0.0));
  else if (flags.optimizer == "adamw")
    optimizer = Optimizer::adamw(
        0.9, 0.999, 1e-8, flags.weightDecay < 0 ? 1e-2 : flags.weightDecay);
  else if (flags.optimizer == "sgd")
    optimizer = Optimizer::sgd(0.9, std::max(flags.weightDecay, 0.0));
  else
    return fail("--optimizer: expected adam, adamw or sgd, got '" +
                flags.optimizer + "'");
  LRSchedule schedule = LRSchedule::constant(flags.lr);
  if (flags.schedule == "cosine")
    schedule = LRSchedule::cosine(flags.lr, stepsPerEpoch * flags.epochs);
  else if (flags.schedule == "step")
    schedule = LRSchedule::stepDecay(flags.lr, stepsPerEpoch, 0.5);
  else if (flags.schedule != "constant")
    return fail("--schedule: expected constant, cosine or step, got '" +
                flags.schedule + "'");

  Trainer::Options options;
  options.name = name.str() + "_train";
  options.inputShape = {flags.batch};
  options.inputShape.insert(options.inputShape.end(), sampleShape.begin(),
                            sampleShape.end());
  options.evalBatch = 500;
  options.seed = flags.seed;
  options.build.threads = flags.threads;
  options.build.vulkan = flags.device == "vulkan";
  options.build.withCPU = !options.build.vulkan; // the step runs on one device
  options.build.verbose = flags.verbose;
  auto compileStart = std::chrono::steady_clock::now();
  llvm::Expected<Trainer> trainer =
      Trainer::create(model, cross_entropy, optimizer, options);
  if (!trainer)
    return fail(llvm::toString(trainer.takeError()));
  llvm::errs() << "compiled the training step and the evaluation model in "
               << llvm::format("%.1f", std::chrono::duration<double>(
                                           std::chrono::steady_clock::now() -
                                           compileStart)
                                           .count())
               << " s\n";
  if (!flags.resume.empty())
    if (llvm::Error err = trainer->loadCheckpoint(flags.resume))
      return fail(llvm::toString(std::move(err)));

  std::unique_ptr<llvm::raw_fd_ostream> lossLog;
  if (!flags.lossLog.empty()) {
    std::error_code ec;
    lossLog = std::make_unique<llvm::raw_fd_ostream>(flags.lossLog, ec);
    if (ec)
      return fail("cannot write " + flags.lossLog + ": " + ec.message());
  }

  std::vector<float> batchImages(flags.batch * sampleSize);
  std::vector<int64_t> batchLabels(flags.batch);
  std::vector<int64_t> order(trainCount);
  int64_t firstEpoch = trainer->steps() / stepsPerEpoch;
  for (int64_t epoch = firstEpoch; epoch < flags.epochs; ++epoch) {
    // Each epoch's shuffle depends on the seed and the epoch only, so a
    // resumed run sees the same batches as an uninterrupted one.
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(),
                 std::mt19937(flags.seed * 1000003 + epoch));
    auto start = std::chrono::steady_clock::now();
    double lossSum = 0;
    int64_t firstStep = trainer->steps() % stepsPerEpoch;
    for (int64_t s = firstStep; s < stepsPerEpoch; ++s) {
      for (int64_t i = 0; i < flags.batch; ++i) {
        int64_t example = order[s * flags.batch + i];
        std::memcpy(&batchImages[i * sampleSize],
                    &train->images[example * sampleSize],
                    sampleSize * sizeof(float));
        batchLabels[i] = train->labels[example];
      }
      float loss;
      if (llvm::Error err = trainer->step(batchImages, batchLabels,
                                          schedule.at(trainer->steps()), &loss))
        return fail(llvm::toString(std::move(err)));
      lossSum += loss;
      if (lossLog)
        *lossLog << llvm::format("%.9g", loss) << "\n";
      if ((s + 1) % 20 == 0 || s + 1 == stepsPerEpoch) {
        double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - start)
                             .count();
        llvm::errs() << "\repoch " << epoch + 1 << " "
                     << bar(double(s + 1) / stepsPerEpoch) << " " << s + 1
                     << "/" << stepsPerEpoch << " loss "
                     << llvm::format("%.4f", lossSum / (s + 1 - firstStep))
                     << " "
                     << llvm::format("%.0f", (s + 1 - firstStep) * flags.batch /
                                                 seconds)
                     << " images/s";
      }
    }
    double loopSeconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
            .count();
    llvm::errs() << "\n";
    // For bench/train_bench.py: the training loop's own time (batches and
    // steps), without compilation, data loading or evaluation.
    llvm::errs() << "train-loop: epoch " << epoch + 1 << " images "
                 << (stepsPerEpoch - firstStep) * flags.batch << " seconds "
                 << llvm::format("%.6f", loopSeconds) << "\n";

    // Test accuracy, in batches of the evaluation model; the last batch is
    // padded with zeros and its padding ignored.
    int64_t evalBatch = options.evalBatch, correct = 0;
    std::vector<float> evalImages(evalBatch * sampleSize),
        logits(evalBatch * 10);
    for (int64_t first = 0; first < testCount; first += evalBatch) {
      int64_t n = std::min(evalBatch, testCount - first);
      std::fill(evalImages.begin(), evalImages.end(), 0.0f);
      std::memcpy(evalImages.data(), &test->images[first * sampleSize],
                  n * sampleSize * sizeof(float));
      if (llvm::Error err = trainer->evaluate(evalImages, logits))
        return fail(llvm::toString(std::move(err)));
      for (int64_t i = 0; i < n; ++i) {
        const float *row = &logits[i * 10];
        correct +=
            std::max_element(row, row + 10) - row == test->labels[first + i];
      }
    }
    llvm::outs() << "epoch " << epoch + 1 << ": test accuracy "
                 << llvm::format("%.2f", 100.0 * correct / testCount) << "%\n";
    llvm::outs().flush();
    if (!flags.checkpoint.empty())
      if (llvm::Error err = trainer->saveCheckpoint(flags.checkpoint))
        return fail(llvm::toString(std::move(err)));
  }

  // The inference executable: the same model with the trained params as
  // weights, batch 1, logits and class.
  std::string weightsPath = flags.saveWeights;
  llvm::SmallString<128> tempWeights;
  if (weightsPath.empty() && !flags.emitExe.empty()) {
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "born-" + name, "safetensors", tempWeights))
      return fail("cannot create a temporary file: " + ec.message());
    weightsPath = tempWeights.str().str();
  }
  if (!weightsPath.empty())
    if (llvm::Error err = trainer->saveWeights(weightsPath))
      return fail(llvm::toString(std::move(err)));
  if (!flags.emitExe.empty()) {
    Graph g(name);
    std::vector<int64_t> shape = {1};
    shape.insert(shape.end(), sampleShape.begin(), sampleShape.end());
    Tensor logits = model(g, g.input("image", shape));
    g.output(logits, "logits");
    g.output(argmax(logits, 1), "class");
    llvm::Expected<Weights> weights = Weights::loadSafeTensors(weightsPath);
    if (!weights)
      return fail(llvm::toString(weights.takeError()));
    BuildOptions build;
    build.vulkan = options.build.vulkan; // CPU and Vulkan, picked at run time
    llvm::Error err = g.compileToExecutable(flags.emitExe, *weights, build);
    if (!tempWeights.empty())
      llvm::sys::fs::remove(tempWeights);
    if (err)
      return fail(llvm::toString(std::move(err)));
    llvm::errs() << "wrote " << flags.emitExe << "\n";
  }
  return 0;
}
} // namespace born::examples
