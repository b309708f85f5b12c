// The GGUF writer: round trips through our reader (every value type, nested
// arrays, every tensor type, several alignments), file handling and errors.
// ggml reading our files is checked in GGMLReferenceTest.cpp.
#include "compiler/GGUF/GGUFWriter.h"
#include "compiler/GGUF/GGUF.h"
#include "compiler/GGUF/Quants.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

using namespace born;
using V = GGUFValueType;

namespace {

bool contains(const std::string &s, llvm::StringRef part) {
  return s.find(part.str()) != std::string::npos;
}

std::string errorOf(llvm::Error e) {
  EXPECT_TRUE(static_cast<bool>(e)) << "expected an error";
  return llvm::toString(std::move(e));
}

/// A fresh directory, removed with its files at the end of the test.
class TempDir {
public:
  TempDir() {
    EXPECT_FALSE(llvm::sys::fs::createUniqueDirectory("born-gguf-writer", dir));
  }
  ~TempDir() { llvm::sys::fs::remove_directories(dir); }
  std::string path(llvm::StringRef name) const {
    llvm::SmallString<128> p(dir);
    llvm::sys::path::append(p, name);
    return p.str().str();
  }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec))
      out.push_back(llvm::sys::path::filename(it->path()).str());
    return out;
  }

private:
  llvm::SmallString<128> dir;
};

GGUFValue u32(uint64_t v) { return GGUFValue::ofUnsigned(V::UInt32, v); }

const GGMLType kAllTypes[] = {GGMLType::F32,  GGMLType::F16,  GGMLType::BF16,
                              GGMLType::Q4_0, GGMLType::Q4_1, GGMLType::Q5_0,
                              GGMLType::Q5_1, GGMLType::Q8_0, GGMLType::Q2_K,
                              GGMLType::Q3_K, GGMLType::Q4_K, GGMLType::Q5_K,
                              GGMLType::Q6_K, GGMLType::Q8_K};

void expectSameValue(const GGUFValue &a, const GGUFValue &b,
                     const std::string &where) {
  ASSERT_EQ(a.type, b.type) << where;
  switch (a.type) {
  case V::String: EXPECT_EQ(a.str, b.str) << where; return;
  case V::Array:
    ASSERT_EQ(a.elementType, b.elementType) << where;
    ASSERT_EQ(a.elements.size(), b.elements.size()) << where;
    for (size_t n = 0; n < a.elements.size(); ++n)
      expectSameValue(a.elements[n], b.elements[n],
                      where + "[" + std::to_string(n) + "]");
    return;
  case V::Float32:
  case V::Float64: EXPECT_EQ(a.f, b.f) << where; return;
  default: EXPECT_EQ(a.u, b.u) << where; EXPECT_EQ(a.i, b.i) << where;
  }
}

/// Metadata with every value type, including nested arrays.
std::vector<std::pair<std::string, GGUFValue>> everyValue() {
  std::vector<std::pair<std::string, GGUFValue>> kvs = {
      {"u8", GGUFValue::ofUnsigned(V::UInt8, 255)},
      {"i8", GGUFValue::ofSigned(V::Int8, -128)},
      {"u16", GGUFValue::ofUnsigned(V::UInt16, 65535)},
      {"i16", GGUFValue::ofSigned(V::Int16, -32768)},
      {"u32", u32(0xffffffffu)},
      {"i32", GGUFValue::ofSigned(V::Int32, INT32_MIN)},
      {"u64", GGUFValue::ofUnsigned(V::UInt64, UINT64_MAX)},
      {"i64", GGUFValue::ofSigned(V::Int64, INT64_MIN)},
      {"f32", GGUFValue::ofFloat(V::Float32, -0.125)},
      {"f64", GGUFValue::ofFloat(V::Float64, 1.0 / 3)},
      {"false", GGUFValue::ofBool(false)},
      {"true", GGUFValue::ofBool(true)},
      {"empty string", GGUFValue::ofString("")},
      {"string", GGUFValue::ofString("h\xc3\xa9llo\nworld")},
      {"empty array", GGUFValue::ofArray(V::Int16, {})},
      {"strings", GGUFValue::ofArray(V::String, {GGUFValue::ofString("a"),
                                                 GGUFValue::ofString("bc")})},
      {"floats",
       GGUFValue::ofArray(V::Float64, {GGUFValue::ofFloat(V::Float64, 1e-300),
                                       GGUFValue::ofFloat(V::Float64, -2)})},
  };
  // [[1, 2], [], [[3]] is not allowed: all elements of an array share the
  // element type, so [[[1, 2], [3]], [[4]]] (arrays of arrays of uint32).
  GGUFValue inner1 = GGUFValue::ofArray(V::UInt32, {u32(1), u32(2)});
  GGUFValue inner2 = GGUFValue::ofArray(V::UInt32, {u32(3)});
  GGUFValue inner3 = GGUFValue::ofArray(V::UInt32, {u32(4)});
  GGUFValue mid1 = GGUFValue::ofArray(V::Array, {inner1, inner2});
  GGUFValue mid2 = GGUFValue::ofArray(V::Array, {inner3});
  kvs.push_back({"nested", GGUFValue::ofArray(V::Array, {mid1, mid2})});
  return kvs;
}

void roundTrip(uint32_t alignment) {
  SCOPED_TRACE("alignment " + std::to_string(alignment));
  TempDir dir;
  GGUFWriter w;
  auto kvs = everyValue();
  for (auto &[key, value] : kvs)
    ASSERT_FALSE(llvm::errorToBool(w.set(key, value))) << key;
  ASSERT_FALSE(llvm::errorToBool(w.set("general.alignment", u32(alignment))));
  EXPECT_EQ(w.alignment(), alignment);

  // A tensor of every type, with odd shapes where the block size allows.
  std::mt19937 rng(11);
  std::normal_distribution<float> normal;
  std::vector<std::vector<uint8_t>> expected;
  for (GGMLType type : kAllTypes) {
    GGMLTypeTraits t = *ggmlTypeTraits(static_cast<uint32_t>(type));
    std::vector<uint64_t> dims =
        t.blockSize == 1 ? std::vector<uint64_t>{3, 1, 5, 7}
                         : std::vector<uint64_t>{t.blockSize * 2, 3};
    uint64_t count = 1;
    for (uint64_t d : dims)
      count *= d;
    std::vector<float> values(count);
    for (float &v : values)
      v = normal(rng);
    expected.push_back(llvm::cantFail(quantize(type, values)));
    ASSERT_FALSE(llvm::errorToBool(
        w.addTensorFromFloats(("t." + t.name).str(), dims, type, values)));
  }
  std::string path = dir.path("model.gguf");
  ASSERT_FALSE(llvm::errorToBool(w.write(path)));

  llvm::Expected<GGUFFile> file = GGUFFile::open(path);
  ASSERT_TRUE(static_cast<bool>(file)) << llvm::toString(file.takeError());
  EXPECT_EQ(file->version(), 3u);
  EXPECT_EQ(file->alignment(), alignment);
  EXPECT_EQ(file->dataOffset() % alignment, 0u);
  const auto &entries = file->metadata().entries();
  ASSERT_EQ(entries.size(), kvs.size() + 1);
  for (size_t n = 0; n < kvs.size(); ++n) {
    EXPECT_EQ(entries[n].first, kvs[n].first); // insertion order
    expectSameValue(entries[n].second, kvs[n].second, kvs[n].first);
  }
  ASSERT_EQ(file->tensors().size(), std::size(kAllTypes));
  for (size_t n = 0; n < std::size(kAllTypes); ++n) {
    const GGUFTensorInfo &t = file->tensors()[n];
    EXPECT_EQ(t.type, kAllTypes[n]);
    EXPECT_EQ(t.offset % alignment, 0u) << t.name.str();
    llvm::ArrayRef<uint8_t> data = file->tensorData(t);
    EXPECT_EQ(std::vector<uint8_t>(data.begin(), data.end()), expected[n])
        << t.name.str();
  }
  EXPECT_EQ(file->tensors()[0].dims,
            (llvm::SmallVector<uint64_t, 4>{3, 1, 5, 7}));
  // The file ends with the last tensor, padded to the alignment.
  EXPECT_EQ(file->buffer().size() % alignment, 0u);
}

TEST(GGUFWriter, RoundTrip) {
  for (uint32_t alignment : {1u, 8u, 32u, 4096u})
    roundTrip(alignment);
}

TEST(GGUFWriter, DefaultsAndReplacement) {
  TempDir dir;
  GGUFWriter w;
  EXPECT_EQ(w.alignment(), 32u);
  {
    std::string temporary = "first";
    ASSERT_FALSE(llvm::errorToBool(w.set("a", GGUFValue::ofString(temporary))));
    temporary.assign("XXXXX"); // the writer keeps its own copy
  }
  ASSERT_FALSE(llvm::errorToBool(w.set("b", u32(1))));
  ASSERT_FALSE(llvm::errorToBool(w.set("a", GGUFValue::ofString("second"))));
  std::vector<uint8_t> block(34, 0);
  ASSERT_FALSE(
      llvm::errorToBool(w.addTensor("w", {32}, GGMLType::Q8_0, block)));
  std::string path = dir.path("x.gguf");
  ASSERT_FALSE(llvm::errorToBool(w.write(path)));
  GGUFFile file = llvm::cantFail(GGUFFile::open(path));
  EXPECT_EQ(file.alignment(), 32u);
  ASSERT_EQ(file.metadata().size(), 2u);
  EXPECT_EQ(file.metadata().entries()[0].first, "a"); // kept its place
  EXPECT_EQ(llvm::cantFail(file.metadata().getString("a")), "second");
  EXPECT_EQ(file.dataOffset() % 32, 0u);
}

TEST(GGUFWriter, EmptyFile) {
  TempDir dir;
  GGUFWriter w;
  std::string path = dir.path("empty.gguf");
  ASSERT_FALSE(llvm::errorToBool(w.write(path)));
  GGUFFile file = llvm::cantFail(GGUFFile::open(path));
  EXPECT_EQ(file.metadata().size(), 0u);
  EXPECT_TRUE(file.tensors().empty());
}

TEST(GGUFWriter, DoesNotOverwriteUnlessAsked) {
  TempDir dir;
  std::string path = dir.path("model.gguf");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    ASSERT_FALSE(ec);
    os << "precious";
  }
  GGUFWriter w;
  ASSERT_FALSE(llvm::errorToBool(w.set("k", u32(7))));
  std::string msg = errorOf(w.write(path));
  EXPECT_TRUE(contains(msg, path)) << msg;
  EXPECT_TRUE(contains(msg, "already exists")) << msg;
  auto buffer = llvm::MemoryBuffer::getFile(path);
  ASSERT_TRUE(static_cast<bool>(buffer));
  EXPECT_EQ((*buffer)->getBuffer(), "precious");

  ASSERT_FALSE(llvm::errorToBool(w.write(path, /*overwrite=*/true)));
  GGUFFile file = llvm::cantFail(GGUFFile::open(path));
  EXPECT_EQ(llvm::cantFail(file.metadata().getUInt("k")), 7u);
  // No temporary file is left behind.
  EXPECT_EQ(dir.files(), std::vector<std::string>{"model.gguf"});
}

TEST(GGUFWriter, UnwritableDirectory) {
  GGUFWriter w;
  std::string msg = errorOf(w.write("/nonexistent-dir/model.gguf"));
  EXPECT_TRUE(contains(msg, "/nonexistent-dir/model.gguf")) << msg;
}

TEST(GGUFWriter, BadMetadata) {
  GGUFWriter w;
  std::string msg = errorOf(w.set("general.alignment", u32(48)));
  EXPECT_TRUE(contains(msg, "general.alignment")) << msg;
  EXPECT_TRUE(contains(msg, "power of two")) << msg;
  msg =
      errorOf(w.set("general.alignment", GGUFValue::ofUnsigned(V::UInt64, 64)));
  EXPECT_TRUE(contains(msg, "expected uint32")) << msg;
  msg = errorOf(w.set("small", GGUFValue::ofUnsigned(V::UInt8, 256)));
  EXPECT_TRUE(contains(msg, "'small'")) << msg;
  EXPECT_TRUE(contains(msg, "does not fit uint8")) << msg;
  msg = errorOf(w.set("neg", GGUFValue::ofSigned(V::Int16, -40000)));
  EXPECT_TRUE(contains(msg, "does not fit int16")) << msg;
  msg = errorOf(w.set("big", GGUFValue::ofFloat(V::Float32, 1e300)));
  EXPECT_TRUE(contains(msg, "does not fit float32")) << msg;
  msg = errorOf(w.set("flag", GGUFValue::ofUnsigned(V::Bool, 2)));
  EXPECT_TRUE(contains(msg, "bool")) << msg;
  msg = errorOf(w.set("", u32(1)));
  EXPECT_TRUE(contains(msg, "1 to")) << msg;

  // An element of the wrong type, deep inside a nested array.
  GGUFValue bad = GGUFValue::ofArray(
      V::Array,
      {GGUFValue::ofArray(V::UInt32, {u32(1)}),
       GGUFValue::ofArray(V::UInt32, {u32(2), GGUFValue::ofBool(true)})});
  msg = errorOf(w.set("mixed", bad));
  EXPECT_TRUE(contains(msg, "'mixed'")) << msg;
  EXPECT_TRUE(contains(msg, "[1][1]")) << msg;
  EXPECT_TRUE(contains(msg, "a bool in an array of uint32")) << msg;

  GGUFValue deep = u32(1);
  for (int i = 0; i < 9; ++i)
    deep = GGUFValue::ofArray(deep.type, {deep});
  msg = errorOf(w.set("deep", deep));
  EXPECT_TRUE(contains(msg, "nested deeper")) << msg;
  EXPECT_EQ(w.alignment(), 32u); // nothing above was stored
}

TEST(GGUFWriter, BadTensors) {
  GGUFWriter w;
  std::vector<uint8_t> q8(34);
  ASSERT_FALSE(llvm::errorToBool(w.addTensor("w", {32}, GGMLType::Q8_0, q8)));
  std::string msg = errorOf(w.addTensor("w", {32}, GGMLType::Q8_0, q8));
  EXPECT_TRUE(contains(msg, "'w'")) << msg;
  EXPECT_TRUE(contains(msg, "twice")) << msg;
  msg = errorOf(w.addTensor("short", {64}, GGMLType::Q8_0, q8));
  EXPECT_TRUE(contains(msg, "'short'")) << msg;
  EXPECT_TRUE(contains(msg, "take 68 bytes, got 34")) << msg;
  msg = errorOf(w.addTensor("odd", {16, 2}, GGMLType::Q8_0, q8));
  EXPECT_TRUE(contains(msg, "block size 32")) << msg;
  msg = errorOf(w.addTensor("five", {1, 1, 1, 1, 32}, GGMLType::Q8_0, q8));
  EXPECT_TRUE(contains(msg, "dimensions")) << msg;
  msg = errorOf(w.addTensor("zero", {32, 0}, GGMLType::Q8_0, q8));
  EXPECT_TRUE(contains(msg, "zero")) << msg;
  msg = errorOf(w.addTensor(std::string(64, 'n'), {32}, GGMLType::Q8_0, q8));
  EXPECT_TRUE(contains(msg, "llama.cpp")) << msg;
  msg = errorOf(w.addTensor("type", {32}, static_cast<GGMLType>(77), q8));
  EXPECT_TRUE(contains(msg, "unsupported ggml type 77")) << msg;
  std::vector<float> values(32, 1.0f);
  msg = errorOf(w.addTensorFromFloats("count", {64}, GGMLType::Q4_0, values));
  EXPECT_TRUE(contains(msg, "hold 64 elements, got 32 values")) << msg;
  values[3] = NAN;
  msg = errorOf(w.addTensorFromFloats("nan", {32}, GGMLType::Q4_0, values));
  EXPECT_TRUE(contains(msg, "'nan'")) << msg;
  EXPECT_TRUE(contains(msg, "value #3 is NaN")) << msg;
}

} // namespace
