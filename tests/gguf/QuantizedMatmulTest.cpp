// born.quantized_matmul end to end, one ggml type per test: random weights
// are quantized (or rounded to f16/bf16) with compiler/GGUF/Quants, a model multiplying a decode-like
// [1, K], a batched [2, 3, K] and a rank-1 [K] input by them is compiled
// with bornc for CPU and Vulkan, and both devices' results are compared with
// the reference dequantizer's weights times the inputs, summed in double.
#include "compiler/GGUF/Quants.h"

#include "born/runtime.h"
#include "born/tensor_io.h"
#include "llvm/ADT/STLExtras.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using born::GGMLType;

struct Matrix {
  std::vector<int64_t> shape;
  std::vector<float> values;
};

void saveNpy(const fs::path &path, const Matrix &m) {
  born_host_tensor t{};
  char err[256] = "";
  ASSERT_EQ(born_tensor_alloc(&t, BORN_DTYPE_F32, m.shape.size(),
                              m.shape.data(), err, sizeof(err)),
            0)
      << err;
  std::memcpy(t.data, m.values.data(), m.values.size() * sizeof(float));
  int rc = born_npy_save(path.c_str(), &t, err, sizeof(err));
  born_tensor_free(&t);
  ASSERT_EQ(rc, 0) << err;
}

Matrix loadNpy(const fs::path &path) {
  born_host_tensor t{};
  char err[256] = "";
  Matrix m;
  if (born_tensor_load(path.c_str(), &t, err, sizeof(err)) != 0) {
    ADD_FAILURE() << err;
    return m;
  }
  EXPECT_EQ(t.dtype, BORN_DTYPE_F32) << path;
  m.shape.assign(t.shape, t.shape + t.rank);
  m.values.resize(t.nbytes / sizeof(float));
  std::memcpy(m.values.data(), t.data, t.nbytes);
  born_tensor_free(&t);
  return m;
}

/// A SafeTensors file holding `dtype` tensors [rows, cols] of
/// `elementBytes` each, each the first `rows` rows of `bytes`.
void saveRows(const fs::path &path,
              const std::vector<std::pair<std::string, int64_t>> &tensors,
              const std::string &dtype, int64_t elementBytes, int64_t cols,
              const std::vector<uint8_t> &bytes) {
  std::string header = "{";
  size_t offset = 0;
  for (const auto &[name, rows] : tensors) {
    size_t size = rows * cols * elementBytes;
    header += (offset ? ",\"" : "\"") + name + "\":{\"dtype\":\"" + dtype +
              "\",\"shape\":[" + std::to_string(rows) + "," +
              std::to_string(cols) + "],\"data_offsets\":[" +
              std::to_string(offset) + "," + std::to_string(offset + size) +
              "]}";
    offset += size;
  }
  header += "}";
  header.append((8 - header.size() % 8) % 8, ' ');
  uint64_t size = header.size();
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char *>(&size), sizeof(size));
  out << header;
  for (const auto &[name, rows] : tensors)
    out.write(reinterpret_cast<const char *>(bytes.data()),
              rows * cols * elementBytes);
  ASSERT_TRUE(out.good()) << path;
}

std::string shapeType(const std::vector<int64_t> &shape, const char *element) {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + element + ">";
}

/// Runs `command`; "" on success, else the command and its output. The
/// output is echoed either way, so that ctest sees validation-layer messages.
std::string run(const std::string &command) {
  std::string output;
  FILE *pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe)
    return "cannot run " + command;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof(buffer), pipe))
    output.append(buffer, n);
  int status = pclose(pipe);
  std::cout << output;
  return status == 0 ? std::string() : command + " failed:\n" + output;
}

/// Compiles and runs the model for `type` on both devices and compares.
void checkType(GGMLType type) {
  std::optional<born::GGMLTypeTraits> traits =
      born::ggmlTypeTraits(static_cast<uint32_t>(type));
  ASSERT_TRUE(traits);
  std::string name = traits->name.str();
  // A float weight is its [N, K] matrix, read as the float type; a block
  // format's, its bytes.
  bool isFloat = type == GGMLType::F32 || type == GGMLType::F16 ||
                 type == GGMLType::BF16;
  std::string opType = name, element = "i8", dtype = "I8";
  if (isFloat) {
    opType = element = llvm::StringRef(name).lower();
    dtype = name;
  } else {
    opType[0] = 'q'; // ggml's "Q4_K" is born's q4_K
  }

  // K = 512 is two K-quant super-blocks and sixteen 32-value blocks; rows
  // get scales from 0.01 to 2 so that block scales vary widely. The CPU
  // tiles 10 of the 40 outputs (x rows) at a time: too large for its
  // small-op vectorizer, so these products run as scalar loops; a second
  // param "v", the first 3 rows, gives tiles of 3 x 512 values, which are
  // vectorized (with gathers). Both code paths are checked.
  const int64_t k = 512, n = 40, vRows = 3;
  std::mt19937 rng(static_cast<uint32_t>(type) + 7);
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> rowScale(0.01f, 2.0f);
  std::vector<float> weight(n * k);
  for (int64_t r = 0; r < n; ++r) {
    float s = rowScale(rng);
    for (int64_t c = 0; c < k; ++c)
      weight[r * k + c] = s * normal(rng);
  }
  llvm::Expected<std::vector<uint8_t>> blocks = born::quantize(type, weight);
  ASSERT_TRUE(static_cast<bool>(blocks)) << llvm::toString(blocks.takeError());
  std::vector<float> decoded(n * k);
  ASSERT_FALSE(static_cast<bool>(born::dequantize(type, *blocks, decoded)));
  int64_t rowBytes = blocks->size() / n;
  int64_t elementBytes = isFloat ? rowBytes / k : 1;
  int64_t rowElements = rowBytes / elementBytes;

  // Ten rows (a prompt's tokens) take the other lowering: the weight
  // decoded once, then a float matmul.
  std::vector<Matrix> inputs = {
      {{1, k}, {}}, {{2, 3, k}, {}}, {{k}, {}}, {{2, 5, k}, {}}};
  for (Matrix &x : inputs) {
    int64_t count = 1;
    for (int64_t d : x.shape)
      count *= d;
    x.values.resize(count);
    for (float &v : x.values)
      v = normal(rng);
  }

  fs::path work = fs::path(BORN_TEST_WORK_DIR) / name;
  fs::remove_all(work);
  fs::create_directories(work);
  // Output i multiplies input products[i].first by the first
  // products[i].second rows of the weight ("w": all, "v": vRows).
  const std::vector<std::pair<size_t, int64_t>> products = {
      {0, n}, {1, n}, {2, n}, {2, vRows}, {3, n}};
  std::string wType = shapeType({n, rowElements}, element.c_str()),
              vType = shapeType({vRows, rowElements}, element.c_str());
  std::string text = "func.func @forward(";
  for (size_t i = 0; i < inputs.size(); ++i)
    text += (i ? ", %x" : "%x") + std::to_string(i) + ": " +
            shapeType(inputs[i].shape, "f32");
  std::string results, body, returns;
  for (auto [i, product] : llvm::enumerate(products)) {
    auto [input, rows] = product;
    std::vector<int64_t> outShape = inputs[input].shape;
    outShape.back() = rows;
    std::string out = shapeType(outShape, "f32");
    results += (i ? ", " : "") + out;
    body += "  %y" + std::to_string(i) + " = born.quantized_matmul " + opType +
            " %x" + std::to_string(input) +
            (rows == n ? ", %w : " : ", %v : ") +
            shapeType(inputs[input].shape, "f32") + ", " +
            (rows == n ? wType : vType) + "\n";
    returns += (i ? ", %y" : "%y") + std::to_string(i);
  }
  text += ") -> (" + results + ") {\n  %w = born.param \"w\" : " + wType +
          "\n  %v = born.param \"v\" : " + vType + "\n" + body + "  return " +
          returns + " : " + results + "\n}\n";
  std::ofstream(work / "model.mlir") << text;
  saveRows(work / "w.safetensors", {{"w", n}, {"v", vRows}}, dtype,
           elementBytes, rowElements, *blocks);
  std::string inputArgs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    fs::path p = work / ("x" + std::to_string(i) + ".npy");
    saveNpy(p, inputs[i]);
    inputArgs += " " + p.string();
  }

  fs::path exe = work / "model";
  // Vulkan has no bf16 buffers: such a model is refused for it, clearly.
  bool vulkan = type != GGMLType::BF16;
  std::string compile = std::string(BORNC) + " -q " +
                        (work / "model.mlir").string() + " --weights " +
                        (work / "w.safetensors").string();
  if (!vulkan)
    EXPECT_NE(run(compile + " --target=vulkan -o " + exe.string())
                  .find("the Vulkan target supports f32, f64, f16"),
              std::string::npos);
  std::string failure =
      run(compile + (vulkan ? " --target=cpu,vulkan" : " --target=cpu") +
          " -o " + exe.string());
  ASSERT_EQ(failure, "") << text;
#ifdef BORN_SPIRV_VAL
  // Every kernel must pass the SPIR-V validator for Vulkan 1.1.
  if (vulkan) {
  fs::path spirv = work / "spirv";
  ASSERT_EQ(run(std::string(BORNC) + " -q " + (work / "model.mlir").string() +
                " --target=vulkan --emit=spirv -o " + spirv.string()),
            "");
  for (const fs::directory_entry &f : fs::directory_iterator(spirv))
    if (f.path().extension() == ".spv")
      EXPECT_EQ(run(std::string(BORN_SPIRV_VAL) + " --target-env vulkan1.1 " +
                    f.path().string()),
                "");
  }
#endif

  for (const char *device : {"cpu", "vulkan"}) {
    if (!vulkan && std::string(device) == "vulkan")
      continue;
    fs::path out = work / (std::string("out_") + device);
    failure = run(exe.string() + inputArgs + " --out " + out.string() +
                  " --device " + device);
    ASSERT_EQ(failure, "");
    for (auto [i, product] : llvm::enumerate(products)) {
      Matrix got = loadNpy(out / ("output_" + std::to_string(i) + ".npy"));
      const Matrix &x = inputs[product.first];
      int64_t rows = x.values.size() / k, cols = product.second;
      ASSERT_EQ(got.values.size(), static_cast<size_t>(rows * cols))
          << device << " output " << i;
      int mismatches = 0;
      for (int64_t r = 0; r < rows; ++r) {
        for (int64_t c = 0; c < cols; ++c) {
          double want = 0, magnitude = 0;
          for (int64_t j = 0; j < k; ++j) {
            double p =
                static_cast<double>(x.values[r * k + j]) * decoded[c * k + j];
            want += p;
            magnitude += std::fabs(p);
          }
          // f32 accumulation of K products: relative to the sum of their
          // magnitudes, the error stays far below 1e-4.
          double got1 = got.values[r * cols + c];
          if (std::fabs(got1 - want) > 1e-4 * magnitude && ++mismatches <= 5)
            ADD_FAILURE() << name << " on " << device << ", output " << i
                          << " [" << r << ", " << c << "]: got " << got1
                          << ", want " << want << " (sum of |products| "
                          << magnitude << ")";
        }
      }
      EXPECT_EQ(mismatches, 0) << name << " on " << device << ", output " << i;
    }
  }
}

TEST(QuantizedMatmul, F32) { checkType(GGMLType::F32); }
TEST(QuantizedMatmul, F16) { checkType(GGMLType::F16); }
TEST(QuantizedMatmul, BF16) { checkType(GGMLType::BF16); }
TEST(QuantizedMatmul, Q4_0) { checkType(GGMLType::Q4_0); }
TEST(QuantizedMatmul, Q4_1) { checkType(GGMLType::Q4_1); }
TEST(QuantizedMatmul, Q5_0) { checkType(GGMLType::Q5_0); }
TEST(QuantizedMatmul, Q5_1) { checkType(GGMLType::Q5_1); }
TEST(QuantizedMatmul, Q8_0) { checkType(GGMLType::Q8_0); }
TEST(QuantizedMatmul, Q2_K) { checkType(GGMLType::Q2_K); }
TEST(QuantizedMatmul, Q3_K) { checkType(GGMLType::Q3_K); }
TEST(QuantizedMatmul, Q4_K) { checkType(GGMLType::Q4_K); }
TEST(QuantizedMatmul, Q5_K) { checkType(GGMLType::Q5_K); }
TEST(QuantizedMatmul, Q6_K) { checkType(GGMLType::Q6_K); }
TEST(QuantizedMatmul, Q8_K) { checkType(GGMLType::Q8_K); }

} // namespace
