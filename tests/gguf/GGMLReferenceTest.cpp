// Checks the block formats and the GGUF writer against llama.cpp's own ggml
// (libggml-base.so from the npm package @node-llama-cpp/linux-x64, loaded
// with dlopen; scripts/setup.sh installs it):
//  - our dequantizers equal ggml's bit for bit, on random blocks and on
//    blocks ggml's reference quantizers made;
//  - ggml decodes the blocks our quantizers make to the same values we do,
//    and our reconstruction error is close to (or below) ggml's;
//  - ggml's GGUF reader reads a file our writer made, with the same keys,
//    values, tensor offsets and data.
#include "compiler/GGUF/GGUF.h"
#include "compiler/GGUF/GGUFWriter.h"
#include "compiler/GGUF/Quants.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <dlfcn.h>
#include <random>
#include <string>
#include <vector>

using namespace born;

namespace {

const std::string kLibrary =
    std::string(BORN_GGML_LIB_DIR) + "/libggml-base.so";

/// libggml-base.so, loaded once; null (with the reason in `error`) when it
/// cannot be loaded.
void *loadGGML(std::string &error) {
  static std::string loadError;
  static void *handle = [] {
    void *h = dlopen(kLibrary.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h)
      loadError = std::string("cannot load llama.cpp's ggml library (") +
                  dlerror() +
                  "). Install it with scripts/setup.sh, or: npm install "
                  "--no-save --no-package-lock --prefix " BORN_BUILD_DIR
                  "/llama-cpp @node-llama-cpp/linux-x64@3.22.1 (or configure "
                  "with -DBORN_GGML_LIB_DIR=<dir of libggml-base.so>)";
    return h;
  }();
  error = loadError;
  return handle;
}

class GGMLReference : public ::testing::Test {
protected:
  void SetUp() override {
    std::string error;
    handle = loadGGML(error);
    ASSERT_NE(handle, nullptr) << error;
  }

  /// The function `name` from libggml-base.so; fails the test if missing.
  template <typename Fn> Fn fn(const char *name) {
    void *sym = dlsym(handle, name);
    EXPECT_NE(sym, nullptr) << kLibrary << " does not export " << name;
    return reinterpret_cast<Fn>(sym);
  }

  void *handle = nullptr;
};

using RowDequantizer = void (*)(const void *, float *, int64_t);
using RowQuantizer = void (*)(const float *, void *, int64_t);

struct TypeCase {
  GGMLType type;
  const char *dequantizer;
  const char *quantizer;
  /// Offsets of the f16 scales in a block (made finite in random blocks).
  std::vector<size_t> halfScales;
  /// Offset of an f32 scale (Q8_K), or -1.
  int floatScale = -1;
  /// Our RMS error may exceed ggml's by at most this factor.
  double maxErrorRatio = 1.1;
};

const std::vector<TypeCase> &typeCases() {
  static const std::vector<TypeCase> cases = {
      {GGMLType::F16, "ggml_fp16_to_fp32_row", "ggml_fp32_to_fp16_row", {}},
      {GGMLType::BF16,
       "ggml_bf16_to_fp32_row",
       "ggml_fp32_to_bf16_row_ref",
       {}},
      {GGMLType::Q4_0, "dequantize_row_q4_0", "quantize_row_q4_0_ref", {0}},
      {GGMLType::Q4_1, "dequantize_row_q4_1", "quantize_row_q4_1_ref", {0, 2}},
      {GGMLType::Q5_0, "dequantize_row_q5_0", "quantize_row_q5_0_ref", {0}},
      {GGMLType::Q5_1, "dequantize_row_q5_1", "quantize_row_q5_1_ref", {0, 2}},
      {GGMLType::Q8_0, "dequantize_row_q8_0", "quantize_row_q8_0_ref", {0}},
      {GGMLType::Q2_K,
       "dequantize_row_q2_K",
       "quantize_row_q2_K_ref",
       {80, 82}},
      {GGMLType::Q3_K, "dequantize_row_q3_K", "quantize_row_q3_K_ref", {108}},
      {GGMLType::Q4_K, "dequantize_row_q4_K", "quantize_row_q4_K_ref", {0, 2}},
      {GGMLType::Q5_K, "dequantize_row_q5_K", "quantize_row_q5_K_ref", {0, 2}},
      {GGMLType::Q6_K, "dequantize_row_q6_K", "quantize_row_q6_K_ref", {208}},
      {GGMLType::Q8_K, "dequantize_row_q8_K", "quantize_row_q8_K_ref", {}, 0},
  };
  return cases;
}

GGMLTypeTraits traits(GGMLType type) {
  return *ggmlTypeTraits(static_cast<uint32_t>(type));
}

uint32_t bitsOf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

/// Expects `ours` and `theirs` to be the same floats bit for bit (any NaN
/// matching any NaN); reports the first few differences.
void expectSameBits(llvm::ArrayRef<float> ours, llvm::ArrayRef<float> theirs,
                    const std::string &what) {
  ASSERT_EQ(ours.size(), theirs.size()) << what;
  int reported = 0;
  for (size_t i = 0; i < ours.size() && reported < 5; ++i) {
    bool same = bitsOf(ours[i]) == bitsOf(theirs[i]) ||
                (std::isnan(ours[i]) && std::isnan(theirs[i]));
    if (!same) {
      ADD_FAILURE() << what << ": element " << i << ": ours " << ours[i]
                    << " (0x" << std::hex << bitsOf(ours[i]) << "), ggml "
                    << std::dec << theirs[i] << " (0x" << std::hex
                    << bitsOf(theirs[i]) << std::dec << ")";
      ++reported;
    }
  }
}

/// Random bytes for `blocks` blocks of `c.type`, with finite scales.
std::vector<uint8_t> randomBlocks(const TypeCase &c, size_t blocks,
                                  std::mt19937 &rng) {
  GGMLTypeTraits t = traits(c.type);
  std::vector<uint8_t> bytes(blocks * t.typeSize);
  for (uint8_t &b : bytes)
    b = rng() & 0xff;
  for (size_t blk = 0; blk < blocks; ++blk) {
    uint8_t *block = bytes.data() + blk * t.typeSize;
    for (size_t offset : c.halfScales)
      block[offset + 1] &= 0xbf; // exponent 31 (inf/NaN) -> at most 15
    if (c.floatScale >= 0)
      block[c.floatScale + 3] &= 0xbf; // exponent 255 -> at most 127
  }
  return bytes;
}

/// Test inputs: several distributions, 64 super-blocks each.
struct Dataset {
  std::string name;
  std::vector<float> values;
};

std::vector<Dataset> datasets() {
  std::mt19937 rng(1234);
  std::normal_distribution<float> normal;
  const size_t n = 64 * 256;
  std::vector<Dataset> out;
  auto make = [&](const std::string &name, auto gen) {
    Dataset d{name, std::vector<float>(n)};
    for (size_t i = 0; i < n; ++i)
      d.values[i] = gen(i);
    out.push_back(std::move(d));
  };
  make("normal", [&](size_t) { return normal(rng); });
  // Each 256-element group at its own scale, 1e-3 to 1e2.
  std::vector<float> groupScale(n / 256);
  for (float &s : groupScale)
    s = std::pow(10.0f, std::uniform_real_distribution<float>(-3, 2)(rng));
  make("scaled", [&](size_t i) { return groupScale[i / 256] * normal(rng); });
  make("heavy-tailed", [&](size_t) {
    float x = normal(rng);
    return x * x * x;
  });
  make("positive", [&](size_t) {
    return std::uniform_real_distribution<float>(0.5f, 1.5f)(rng);
  });
  // Mostly zeros with a few spikes, and some all-zero groups.
  make("sparse", [&](size_t i) {
    if ((i / 256) % 4 == 0)
      return 0.0f;
    return rng() % 16 == 0 ? 4 * normal(rng) : 0.0f;
  });
  return out;
}

double rmsError(llvm::ArrayRef<float> a, llvm::ArrayRef<float> b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i)
    sum += double(a[i] - b[i]) * (a[i] - b[i]);
  return std::sqrt(sum / a.size());
}

TEST_F(GGMLReference, DequantizeRandomBlocks) {
  std::mt19937 rng(42);
  for (const TypeCase &c : typeCases()) {
    GGMLTypeTraits t = traits(c.type);
    auto dequantizer = fn<RowDequantizer>(c.dequantizer);
    ASSERT_NE(dequantizer, nullptr);
    const size_t blocks = 64 * 256 / t.blockSize;
    std::vector<uint8_t> bytes = randomBlocks(c, blocks, rng);
    std::vector<float> ours(blocks * t.blockSize), theirs(ours.size());
    ASSERT_FALSE(llvm::errorToBool(dequantize(c.type, bytes, ours)));
    dequantizer(bytes.data(), theirs.data(), theirs.size());
    expectSameBits(ours, theirs, t.name.str() + " random blocks");
  }
}

TEST_F(GGMLReference, DequantizeGGMLQuantizedBlocks) {
  for (const Dataset &data : datasets()) {
    for (const TypeCase &c : typeCases()) {
      GGMLTypeTraits t = traits(c.type);
      auto dequantizer = fn<RowDequantizer>(c.dequantizer);
      auto quantizer = fn<RowQuantizer>(c.quantizer);
      ASSERT_TRUE(dequantizer && quantizer);
      std::vector<uint8_t> bytes(data.values.size() / t.blockSize * t.typeSize);
      quantizer(data.values.data(), bytes.data(), data.values.size());
      std::vector<float> ours(data.values.size()), theirs(ours.size());
      ASSERT_FALSE(llvm::errorToBool(dequantize(c.type, bytes, ours)));
      dequantizer(bytes.data(), theirs.data(), theirs.size());
      expectSameBits(ours, theirs,
                     t.name.str() + " blocks from ggml, " + data.name);
    }
  }
}

TEST_F(GGMLReference, QuantizeLikeGGML) {
  for (const Dataset &data : datasets()) {
    for (const TypeCase &c : typeCases()) {
      GGMLTypeTraits t = traits(c.type);
      std::string what = t.name.str() + ", " + data.name;
      auto dequantizer = fn<RowDequantizer>(c.dequantizer);
      auto quantizer = fn<RowQuantizer>(c.quantizer);
      ASSERT_TRUE(dequantizer && quantizer);
      const size_t n = data.values.size();
      std::vector<uint8_t> theirBlocks(n / t.blockSize * t.typeSize);
      quantizer(data.values.data(), theirBlocks.data(), n);
      std::vector<float> theirs(n);
      dequantizer(theirBlocks.data(), theirs.data(), n);

      llvm::Expected<std::vector<uint8_t>> ourBlocks =
          quantize(c.type, data.values);
      ASSERT_TRUE(static_cast<bool>(ourBlocks))
          << llvm::toString(ourBlocks.takeError());
      std::vector<float> ours(n), oursByGGML(n);
      ASSERT_FALSE(llvm::errorToBool(dequantize(c.type, *ourBlocks, ours)));
      // Layout compatibility: ggml decodes our blocks as we do.
      dequantizer(ourBlocks->data(), oursByGGML.data(), n);
      expectSameBits(ours, oursByGGML, what + ": our blocks decoded by ggml");

      double ourError = rmsError(ours, data.values);
      double theirError = rmsError(theirs, data.values);
      std::printf("%-5s %-13s rms error: ours %.4g, ggml %.4g (%.3f)\n",
                  t.name.str().c_str(), data.name.c_str(), ourError, theirError,
                  theirError > 0 ? ourError / theirError : 1.0);
      // F16/BF16 rounding is exact: the encodings must be identical.
      if (t.blockSize == 1) {
        EXPECT_EQ(*ourBlocks, theirBlocks) << what;
        continue;
      }
      EXPECT_LE(ourError, c.maxErrorRatio * theirError + 1e-9) << what;
    }
  }
}

// The fp16/bf16 encoders on special values: subnormals, overflow, ties.
TEST_F(GGMLReference, HalfAndBF16EncodingsMatch) {
  auto toHalf = fn<RowQuantizer>("ggml_fp32_to_fp16_row");
  auto toBF16 = fn<RowQuantizer>("ggml_fp32_to_bf16_row_ref");
  ASSERT_TRUE(toHalf && toBF16);
  std::mt19937 rng(7);
  std::vector<float> values = {
      0.0f,           -0.0f,          65504.0f, 65519.0f,
      65520.0f,       1e10f,          -1e10f,   5.96e-8f,
      2.98e-8f,       2.99e-8f,       6.1e-5f,  1.0009765625f,
      1.00048828125f, 1.00146484375f, INFINITY, -INFINITY};
  // Random bit patterns of every exponent (NaNs excluded: payloads differ).
  while (values.size() < 100000) {
    uint32_t bits = rng();
    float f;
    std::memcpy(&f, &bits, 4);
    if (!std::isnan(f))
      values.push_back(f);
  }
  std::vector<uint16_t> theirs(values.size());
  toHalf(values.data(), theirs.data(), values.size());
  for (size_t i = 0; i < values.size(); ++i)
    ASSERT_EQ(floatToHalf(values[i]), theirs[i]) << "fp16 of " << values[i];
  toBF16(values.data(), theirs.data(), values.size());
  for (size_t i = 0; i < values.size(); ++i)
    ASSERT_EQ(floatToBF16(values[i]), theirs[i]) << "bf16 of " << values[i];
}

//===----------------------------------------------------------------------===//
// ggml's GGUF reader on a file our writer made
//===----------------------------------------------------------------------===//

struct gguf_init_params {
  bool no_alloc;
  void **ctx;
};

std::string tempPath() {
  llvm::SmallString<128> path;
  EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("born-ggml", "gguf", path));
  return path.str().str();
}

TEST_F(GGMLReference, GGMLReadsOurGGUF) {
  using V = GGUFValueType;
  GGUFWriter w;
  auto set = [&](llvm::StringRef key, GGUFValue v) {
    ASSERT_FALSE(llvm::errorToBool(w.set(key, v))) << key.str();
  };
  set("general.architecture", GGUFValue::ofString("llama"));
  set("general.alignment", GGUFValue::ofUnsigned(V::UInt32, 64));
  set("u8", GGUFValue::ofUnsigned(V::UInt8, 250));
  set("i8", GGUFValue::ofSigned(V::Int8, -100));
  set("u16", GGUFValue::ofUnsigned(V::UInt16, 65000));
  set("i16", GGUFValue::ofSigned(V::Int16, -30000));
  set("u32", GGUFValue::ofUnsigned(V::UInt32, 4000000000u));
  set("i32", GGUFValue::ofSigned(V::Int32, -2000000000));
  set("u64", GGUFValue::ofUnsigned(V::UInt64, 1ull << 60));
  set("i64", GGUFValue::ofSigned(V::Int64, -(1ll << 60)));
  set("f32", GGUFValue::ofFloat(V::Float32, 0.25));
  set("f64", GGUFValue::ofFloat(V::Float64, -1e300));
  set("b", GGUFValue::ofBool(true));
  set("tokens", GGUFValue::ofArray(V::String, {GGUFValue::ofString("<s>"),
                                               GGUFValue::ofString(""),
                                               GGUFValue::ofString("tok")}));
  set("scores",
      GGUFValue::ofArray(V::Float32, {GGUFValue::ofFloat(V::Float32, 1.5),
                                      GGUFValue::ofFloat(V::Float32, -2)}));

  // One tensor of every type, 2 rows of 256 (3 x 5 for F32: odd sizes).
  std::mt19937 rng(3);
  std::normal_distribution<float> normal;
  std::vector<std::string> names;
  for (const TypeCase &c : typeCases()) {
    std::vector<float> values(512);
    for (float &v : values)
      v = normal(rng);
    names.push_back("blk.0." + traits(c.type).name.str());
    ASSERT_FALSE(llvm::errorToBool(
        w.addTensorFromFloats(names.back(), {256, 2}, c.type, values)));
  }
  ASSERT_FALSE(llvm::errorToBool(w.addTensorFromFloats(
      "odd.f32", {3, 5}, GGMLType::F32, std::vector<float>(15, 1.0f))));
  std::string path = tempPath();
  ASSERT_FALSE(llvm::errorToBool(w.write(path, /*overwrite=*/true)));

  auto init =
      fn<void *(*)(const char *, gguf_init_params)>("gguf_init_from_file");
  auto freeCtx = fn<void (*)(void *)>("gguf_free");
  auto version = fn<uint32_t (*)(const void *)>("gguf_get_version");
  auto alignment = fn<size_t (*)(const void *)>("gguf_get_alignment");
  auto dataOffset = fn<size_t (*)(const void *)>("gguf_get_data_offset");
  auto nKV = fn<int64_t (*)(const void *)>("gguf_get_n_kv");
  auto findKey = fn<int64_t (*)(const void *, const char *)>("gguf_find_key");
  auto kvType = fn<int (*)(const void *, int64_t)>("gguf_get_kv_type");
  auto u8 = fn<uint8_t (*)(const void *, int64_t)>("gguf_get_val_u8");
  auto i8 = fn<int8_t (*)(const void *, int64_t)>("gguf_get_val_i8");
  auto u16 = fn<uint16_t (*)(const void *, int64_t)>("gguf_get_val_u16");
  auto i16 = fn<int16_t (*)(const void *, int64_t)>("gguf_get_val_i16");
  auto u32 = fn<uint32_t (*)(const void *, int64_t)>("gguf_get_val_u32");
  auto i32 = fn<int32_t (*)(const void *, int64_t)>("gguf_get_val_i32");
  auto u64 = fn<uint64_t (*)(const void *, int64_t)>("gguf_get_val_u64");
  auto i64 = fn<int64_t (*)(const void *, int64_t)>("gguf_get_val_i64");
  auto f32 = fn<float (*)(const void *, int64_t)>("gguf_get_val_f32");
  auto f64 = fn<double (*)(const void *, int64_t)>("gguf_get_val_f64");
  auto boolean = fn<bool (*)(const void *, int64_t)>("gguf_get_val_bool");
  auto str = fn<const char *(*)(const void *, int64_t)>("gguf_get_val_str");
  auto arrN = fn<size_t (*)(const void *, int64_t)>("gguf_get_arr_n");
  auto arrType = fn<int (*)(const void *, int64_t)>("gguf_get_arr_type");
  auto arrStr =
      fn<const char *(*)(const void *, int64_t, size_t)>("gguf_get_arr_str");
  auto arrData =
      fn<const void *(*)(const void *, int64_t)>("gguf_get_arr_data");
  auto nTensors = fn<int64_t (*)(const void *)>("gguf_get_n_tensors");
  auto findTensor =
      fn<int64_t (*)(const void *, const char *)>("gguf_find_tensor");
  auto tensorOffset =
      fn<size_t (*)(const void *, int64_t)>("gguf_get_tensor_offset");
  auto tensorType = fn<int (*)(const void *, int64_t)>("gguf_get_tensor_type");
  auto tensorSize =
      fn<size_t (*)(const void *, int64_t)>("gguf_get_tensor_size");
  ASSERT_FALSE(HasFailure());

  void *ctx = init(path.c_str(), gguf_init_params{true, nullptr});
  ASSERT_NE(ctx, nullptr) << "ggml's gguf_init_from_file rejected " << path;
  EXPECT_EQ(version(ctx), 3u);
  EXPECT_EQ(alignment(ctx), 64u);
  EXPECT_EQ(nKV(ctx), 15);
  auto key = [&](const char *name) {
    int64_t id = findKey(ctx, name);
    EXPECT_GE(id, 0) << name;
    return id;
  };
  EXPECT_STREQ(str(ctx, key("general.architecture")), "llama");
  EXPECT_EQ(u32(ctx, key("general.alignment")), 64u);
  EXPECT_EQ(u8(ctx, key("u8")), 250);
  EXPECT_EQ(i8(ctx, key("i8")), -100);
  EXPECT_EQ(u16(ctx, key("u16")), 65000);
  EXPECT_EQ(i16(ctx, key("i16")), -30000);
  EXPECT_EQ(u32(ctx, key("u32")), 4000000000u);
  EXPECT_EQ(i32(ctx, key("i32")), -2000000000);
  EXPECT_EQ(u64(ctx, key("u64")), 1ull << 60);
  EXPECT_EQ(i64(ctx, key("i64")), -(1ll << 60));
  EXPECT_EQ(f32(ctx, key("f32")), 0.25f);
  EXPECT_EQ(f64(ctx, key("f64")), -1e300);
  EXPECT_TRUE(boolean(ctx, key("b")));
  int64_t tokens = key("tokens");
  EXPECT_EQ(kvType(ctx, tokens), static_cast<int>(V::Array));
  EXPECT_EQ(arrType(ctx, tokens), static_cast<int>(V::String));
  ASSERT_EQ(arrN(ctx, tokens), 3u);
  EXPECT_STREQ(arrStr(ctx, tokens, 0), "<s>");
  EXPECT_STREQ(arrStr(ctx, tokens, 1), "");
  EXPECT_STREQ(arrStr(ctx, tokens, 2), "tok");
  int64_t scores = key("scores");
  ASSERT_EQ(arrN(ctx, scores), 2u);
  const float *scoreData = static_cast<const float *>(arrData(ctx, scores));
  EXPECT_EQ(scoreData[0], 1.5f);
  EXPECT_EQ(scoreData[1], -2.0f);

  // Tensors: ggml's offsets, types and sizes agree with our reader, and
  // ggml's dequantizer decodes the bytes at ggml's offsets as we do.
  llvm::Expected<GGUFFile> file = GGUFFile::open(path);
  ASSERT_TRUE(static_cast<bool>(file)) << llvm::toString(file.takeError());
  ASSERT_EQ(nTensors(ctx), static_cast<int64_t>(file->tensors().size()));
  EXPECT_EQ(dataOffset(ctx), file->dataOffset());
  const uint8_t *bytes =
      reinterpret_cast<const uint8_t *>(file->buffer().data());
  for (size_t n = 0; n < typeCases().size(); ++n) {
    const TypeCase &c = typeCases()[n];
    const GGUFTensorInfo *info = file->findTensor(names[n]);
    ASSERT_NE(info, nullptr) << names[n];
    int64_t id = findTensor(ctx, names[n].c_str());
    ASSERT_GE(id, 0) << names[n];
    EXPECT_EQ(tensorType(ctx, id), static_cast<int>(c.type)) << names[n];
    EXPECT_EQ(tensorSize(ctx, id), info->byteSize) << names[n];
    EXPECT_EQ(tensorOffset(ctx, id), info->offset) << names[n];
    std::vector<float> ours(512), theirs(512);
    ASSERT_FALSE(
        llvm::errorToBool(dequantize(c.type, file->tensorData(*info), ours)));
    fn<RowDequantizer>(c.dequantizer)(
        bytes + dataOffset(ctx) + tensorOffset(ctx, id), theirs.data(), 512);
    expectSameBits(ours, theirs, names[n]);
  }
  int64_t odd = findTensor(ctx, "odd.f32");
  ASSERT_GE(odd, 0);
  EXPECT_EQ(tensorSize(ctx, odd), 60u);
  freeCtx(ctx);
  llvm::sys::fs::remove(path);
}

} // namespace
