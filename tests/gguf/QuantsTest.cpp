// Block formats without ggml: hand-computed blocks, the compiler's own
// _Float16 conversions, error cases, and stories260K's real weights.
#include "compiler/GGUF/Quants.h"
#include "compiler/GGUF/GGUF.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace born;

namespace {

uint16_t bitsOf(_Float16 h) {
  uint16_t u;
  std::memcpy(&u, &h, 2);
  return u;
}

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

bool contains(const std::string &s, llvm::StringRef part) {
  return s.find(part.str()) != std::string::npos;
}

std::string errorOf(llvm::Error e) {
  EXPECT_TRUE(static_cast<bool>(e)) << "expected an error";
  return llvm::toString(std::move(e));
}

const GGMLType kAllTypes[] = {GGMLType::F32,  GGMLType::F16,  GGMLType::BF16,
                              GGMLType::Q4_0, GGMLType::Q4_1, GGMLType::Q5_0,
                              GGMLType::Q5_1, GGMLType::Q8_0, GGMLType::Q2_K,
                              GGMLType::Q3_K, GGMLType::Q4_K, GGMLType::Q5_K,
                              GGMLType::Q6_K, GGMLType::Q8_K};

GGMLTypeTraits traits(GGMLType type) {
  return *ggmlTypeTraits(static_cast<uint32_t>(type));
}

// Every half against the compiler's _Float16 (an independent conversion).
TEST(Quants, HalfToFloatMatchesCompiler) {
  for (uint32_t h = 0; h < 0x10000; ++h) {
    _Float16 value;
    uint16_t bits = h;
    std::memcpy(&value, &bits, 2);
    float expected = static_cast<float>(value);
    float ours = halfToFloat(bits);
    if (std::isnan(expected)) {
      EXPECT_TRUE(std::isnan(ours)) << h;
      continue;
    }
    ASSERT_EQ(bitsOf(ours), bitsOf(expected)) << "half 0x" << std::hex << h;
    ASSERT_EQ(floatToHalf(ours), h) << "round trip of 0x" << std::hex << h;
  }
}

TEST(Quants, FloatToHalfMatchesCompiler) {
  std::mt19937 rng(1);
  for (int n = 0; n < 1000000; ++n) {
    uint32_t bits = rng();
    float f;
    std::memcpy(&f, &bits, 4);
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(halfToFloat(floatToHalf(f))));
      continue;
    }
    ASSERT_EQ(floatToHalf(f), bitsOf(static_cast<_Float16>(f))) << f;
  }
}

TEST(Quants, BF16Rounding) {
  EXPECT_EQ(floatToBF16(1.0f), 0x3f80);
  EXPECT_EQ(floatToBF16(1.0f + 0x1p-8f), 0x3f80);            // tie -> even
  EXPECT_EQ(floatToBF16(1.0f + 0x1p-7f + 0x1p-8f), 0x3f82);  // tie -> even
  EXPECT_EQ(floatToBF16(1.0f + 0x1p-8f + 0x1p-20f), 0x3f81); // above the tie
  EXPECT_EQ(floatToBF16(-2.0f), 0xc000);
  EXPECT_TRUE(std::isnan(bf16ToFloat(floatToBF16(NAN))));
  EXPECT_EQ(bf16ToFloat(0x4049), 3.140625f);
}

// Q8_0: d = f16(max|x| / 127), q = round(x / d). Computed by hand for
// x_j = j - 16: d = f16(16/127 = 0.1259842) = 2^-3 (1 + 8/1024) =
// 0.1259765625 (0x3008).
TEST(Quants, Q8_0ByHand) {
  std::vector<float> x(32);
  for (int j = 0; j < 32; ++j)
    x[j] = j - 16;
  std::vector<uint8_t> block = llvm::cantFail(quantize(GGMLType::Q8_0, x));
  ASSERT_EQ(block.size(), 34u);
  EXPECT_EQ(block[0] | block[1] << 8, 0x3008);
  EXPECT_EQ(static_cast<int8_t>(block[2 + 0]), -127); // -16 / d = -127.01
  EXPECT_EQ(static_cast<int8_t>(block[2 + 16]), 0);
  EXPECT_EQ(static_cast<int8_t>(block[2 + 17]), 8);   // 1 / d = 7.94
  EXPECT_EQ(static_cast<int8_t>(block[2 + 31]), 119); // 15 / d = 119.07
  std::vector<float> y(32);
  ASSERT_FALSE(llvm::errorToBool(dequantize(GGMLType::Q8_0, block, y)));
  EXPECT_EQ(y[0], -127 * 0.1259765625f);
  EXPECT_EQ(y[17], 8 * 0.1259765625f);

  // A block written by hand: d = 0.5, q = -128, 1, 127, 0...
  uint8_t hand[34] = {0x00, 0x38, 0x80, 0x01, 0x7f};
  std::vector<float> z(32);
  ASSERT_FALSE(llvm::errorToBool(dequantize(GGMLType::Q8_0, hand, z)));
  EXPECT_EQ(z[0], -64.0f);
  EXPECT_EQ(z[1], 0.5f);
  EXPECT_EQ(z[2], 63.5f);
  EXPECT_EQ(z[3], 0.0f);
}

// Q4_0: element j < 16 in the low nibble of qs[j], j + 16 in the high one;
// x = (q - 8) d.
TEST(Quants, Q4_0ByHand) {
  uint8_t hand[18] = {0x00, 0x38, 0xf0, 0x19}; // d = 0.5
  std::vector<float> y(32);
  ASSERT_FALSE(llvm::errorToBool(dequantize(GGMLType::Q4_0, hand, y)));
  EXPECT_EQ(y[0], -4.0f);  // 0x0
  EXPECT_EQ(y[16], 3.5f);  // 0xf
  EXPECT_EQ(y[1], 0.5f);   // 0x9
  EXPECT_EQ(y[17], -3.5f); // 0x1
  EXPECT_EQ(y[2], -4.0f);  // 0x0

  // x_j = j - 16: the largest magnitude is -16, so d = -16 / -8 = 2
  // (0x4000) and q = round(x / 2) + 8 (ties to even), clamped to 15.
  std::vector<float> x(32);
  for (int j = 0; j < 32; ++j)
    x[j] = j - 16;
  std::vector<uint8_t> block = llvm::cantFail(quantize(GGMLType::Q4_0, x));
  EXPECT_EQ(block[0] | block[1] << 8, 0x4000);
  EXPECT_EQ(block[2 + 0], 0x80);  // x0 = -16 -> 0; x16 = 0 -> 8
  EXPECT_EQ(block[2 + 15], 0xf8); // x15 = -1 -> -0.5 -> 8; x31 = 15 -> 15
                                  // (7.5 -> 8, clamped to 7)
  EXPECT_EQ(block[2 + 8], 0xc4);  // x8 = -8 -> 4; x24 = 8 -> 12
  EXPECT_EQ(block[2 + 13], 0xe6); // x13 = -3 -> -1.5 -> -2 -> 6;
                                  // x29 = 13 -> 6.5 -> 6 -> 14
}

TEST(Quants, SizeErrors) {
  std::vector<float> out(32);
  std::vector<uint8_t> blocks(33);
  std::string msg = errorOf(dequantize(GGMLType::Q8_0, blocks, out));
  EXPECT_TRUE(contains(msg, "34 bytes, got 33")) << msg;
  std::vector<float> notWhole(31);
  msg = errorOf(dequantize(GGMLType::Q8_0, blocks, notWhole));
  EXPECT_TRUE(contains(msg, "whole number of Q8_0 blocks")) << msg;
  msg = errorOf(quantize(GGMLType::Q4_K, out, blocks));
  EXPECT_TRUE(contains(msg, "Q4_K")) << msg;
  msg = errorOf(dequantize(static_cast<GGMLType>(4), blocks, out));
  EXPECT_TRUE(contains(msg, "unsupported ggml type 4")) << msg;
  EXPECT_FALSE(static_cast<bool>(ggmlByteSize(static_cast<GGMLType>(99), 1)));
  llvm::consumeError(ggmlByteSize(static_cast<GGMLType>(99), 1).takeError());
  EXPECT_EQ(llvm::cantFail(ggmlByteSize(GGMLType::Q6_K, 512)), 420u);
}

TEST(Quants, NonFiniteValues) {
  std::vector<float> x(256, 1.0f);
  x[5] = NAN;
  for (GGMLType type : kAllTypes) {
    llvm::Expected<std::vector<uint8_t>> blocks = quantize(type, x);
    if (traits(type).blockSize == 1) { // F32/F16/BF16 keep the NaN
      ASSERT_TRUE(static_cast<bool>(blocks));
      std::vector<float> y(256);
      ASSERT_FALSE(llvm::errorToBool(dequantize(type, *blocks, y)));
      EXPECT_TRUE(std::isnan(y[5]));
      continue;
    }
    ASSERT_FALSE(static_cast<bool>(blocks));
    std::string msg = llvm::toString(blocks.takeError());
    EXPECT_TRUE(contains(msg, "value #5 is NaN")) << msg;
  }
  x[5] = -INFINITY;
  std::string msg = llvm::toString(quantize(GGMLType::Q8_0, x).takeError());
  EXPECT_TRUE(contains(msg, "infinite")) << msg;
}

// Round-to-nearest formats: every element within half a step of the input,
// except where the symmetric formats clamp (Q4_0 and Q5_0 have one level
// fewer above zero than below, so the side opposite the largest magnitude
// can be off by up to a step).
TEST(Quants, SimpleFormatsRoundToNearest) {
  std::mt19937 rng(5);
  std::normal_distribution<float> normal;
  std::vector<float> x(32 * 100);
  for (float &v : x)
    v = normal(rng);
  struct {
    GGMLType type;
    int steps;      // steps from zero to max|x| (symmetric), or min to max
    int stepsAbove; // steps on the short side (symmetric)
    bool affine;
  } cases[] = {{GGMLType::Q4_0, 8, 7, false},
               {GGMLType::Q5_0, 16, 15, false},
               {GGMLType::Q8_0, 127, 127, false},
               {GGMLType::Q4_1, 15, 0, true},
               {GGMLType::Q5_1, 31, 0, true}};
  for (auto &c : cases) {
    std::vector<uint8_t> blocks = llvm::cantFail(quantize(c.type, x));
    std::vector<float> y(x.size());
    ASSERT_FALSE(llvm::errorToBool(dequantize(c.type, blocks, y)));
    for (size_t b = 0; b < x.size() / 32; ++b) {
      float lo = 0, hi = 0, amax = 0;
      for (int j = 0; j < 32; ++j) {
        float v = x[32 * b + j];
        lo = j ? std::min(lo, v) : v;
        hi = j ? std::max(hi, v) : v;
        amax = std::max(amax, std::fabs(v));
      }
      float step = c.affine ? (hi - lo) / c.steps : amax / c.steps;
      // Half a step, plus the f16 rounding of the scale (and min).
      float bound =
          0.5f * step * 1.01f + (c.affine ? std::fabs(lo) * 1e-3f : 0);
      for (int j = 0; j < 32; ++j) {
        float v = x[32 * b + j];
        bool clamped = !c.affine && std::fabs(v) > c.stepsAbove * step;
        ASSERT_LE(std::fabs(y[32 * b + j] - v), clamped ? 2 * bound : bound)
            << traits(c.type).name.str() << " block " << b << " element " << j;
      }
    }
  }
}

TEST(Quants, Q8_KBlockSums) {
  std::mt19937 rng(9);
  std::normal_distribution<float> normal;
  std::vector<float> x(512);
  for (float &v : x)
    v = normal(rng);
  std::vector<uint8_t> blocks = llvm::cantFail(quantize(GGMLType::Q8_K, x));
  for (int b = 0; b < 2; ++b) {
    const uint8_t *block = blocks.data() + 292 * b;
    for (int g = 0; g < 16; ++g) {
      int sum = 0;
      for (int e = 0; e < 16; ++e)
        sum += static_cast<int8_t>(block[4 + 16 * g + e]);
      int16_t stored =
          static_cast<int16_t>(block[260 + 2 * g] | block[261 + 2 * g] << 8);
      EXPECT_EQ(stored, sum) << "block " << b << " group " << g;
    }
  }
}

// Blocks of zeros and of one repeated value decode exactly (or nearly).
TEST(Quants, ConstantBlocks) {
  for (float value : {0.0f, -3.0f, 2.5f}) {
    std::vector<float> x(256, value);
    for (GGMLType type : kAllTypes) {
      std::vector<uint8_t> blocks = llvm::cantFail(quantize(type, x));
      std::vector<float> y(256);
      ASSERT_FALSE(llvm::errorToBool(dequantize(type, blocks, y)));
      for (float v : y)
        ASSERT_NEAR(v, value, std::fabs(value) * 2e-3f)
            << traits(type).name.str() << " of " << value;
    }
  }
}

const std::string kStories = BORN_TESTDATA_DIR "/gguf/stories260K.gguf";

// stories260K's F32 weights: F32 dequantizes to the stored floats, and each
// format reconstructs them within an error that fits its bits per weight.
TEST(Quants, Stories260KWeights) {
  llvm::Expected<GGUFFile> file = GGUFFile::open(kStories);
  ASSERT_TRUE(static_cast<bool>(file)) << llvm::toString(file.takeError());
  struct {
    GGMLType type;
    double maxRelativeError; // RMS error / RMS value, over all weights
  } cases[] = {
      {GGMLType::F16, 1e-3},  {GGMLType::BF16, 5e-3}, {GGMLType::Q8_0, 0.01},
      {GGMLType::Q8_K, 0.01}, {GGMLType::Q6_K, 0.03}, {GGMLType::Q5_0, 0.06},
      {GGMLType::Q5_1, 0.06}, {GGMLType::Q5_K, 0.06}, {GGMLType::Q4_0, 0.12},
      {GGMLType::Q4_1, 0.12}, {GGMLType::Q4_K, 0.12}, {GGMLType::Q3_K, 0.25},
      {GGMLType::Q2_K, 0.5}};
  std::vector<double> errorSum(std::size(cases)), valueSum(std::size(cases));
  int tensors = 0;
  for (const GGUFTensorInfo &t : file->tensors()) {
    llvm::ArrayRef<uint8_t> raw = file->tensorData(t);
    std::vector<float> weights(t.numElements());
    ASSERT_FALSE(llvm::errorToBool(dequantize(GGMLType::F32, raw, weights)));
    ASSERT_EQ(std::memcmp(weights.data(), raw.data(), raw.size()), 0);
    if (weights.size() % 256) // blocks may span rows: fine for the error
      continue;
    ++tensors;
    for (size_t c = 0; c < std::size(cases); ++c) {
      std::vector<uint8_t> blocks =
          llvm::cantFail(quantize(cases[c].type, weights));
      std::vector<float> y(weights.size());
      ASSERT_FALSE(llvm::errorToBool(dequantize(cases[c].type, blocks, y)));
      for (size_t i = 0; i < y.size(); ++i) {
        errorSum[c] += double(y[i] - weights[i]) * (y[i] - weights[i]);
        valueSum[c] += double(weights[i]) * weights[i];
      }
    }
  }
  EXPECT_GT(tensors, 10);
  for (size_t c = 0; c < std::size(cases); ++c) {
    double relative = std::sqrt(errorSum[c] / valueSum[c]);
    std::printf("%-5s relative rms error on stories260K: %.4f\n",
                traits(cases[c].type).name.str().c_str(), relative);
    EXPECT_LT(relative, cases[c].maxRelativeError)
        << traits(cases[c].type).name.str();
  }
}

} // namespace
