// The GGUF reader: a real model file (stories260K) and malformed files
// written here, each of which must give an error naming the problem.
#include "compiler/GGUF/GGUF.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <string>

using namespace born;

namespace {

/// Builds GGUF bytes little-endian.
struct Writer {
  std::string bytes;
  Writer &u8(uint8_t v) {
    bytes.push_back(static_cast<char>(v));
    return *this;
  }
  Writer &u32(uint32_t v) {
    for (int i = 0; i < 4; ++i)
      u8((v >> (8 * i)) & 0xff);
    return *this;
  }
  Writer &u64(uint64_t v) {
    for (int i = 0; i < 8; ++i)
      u8((v >> (8 * i)) & 0xff);
    return *this;
  }
  Writer &str(llvm::StringRef s) {
    u64(s.size());
    bytes += s.str();
    return *this;
  }
  Writer &header(uint64_t tensors, uint64_t kvs, uint32_t version = 3) {
    bytes += "GGUF";
    return u32(version).u64(tensors).u64(kvs);
  }
  Writer &pad(size_t alignment) {
    while (bytes.size() % alignment)
      u8(0);
    return *this;
  }
};

std::string writeFile(llvm::StringRef bytes) {
  llvm::SmallString<128> path;
  EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("born-gguf", "gguf", path));
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  EXPECT_FALSE(ec);
  os << bytes;
  return path.str().str();
}

/// Opens `bytes` as a GGUF file, expecting failure; returns the message.
std::string openError(llvm::StringRef bytes) {
  std::string path = writeFile(bytes);
  llvm::Expected<GGUFFile> file = GGUFFile::open(path);
  llvm::sys::fs::remove(path);
  if (file) {
    ADD_FAILURE() << "expected an error";
    return "";
  }
  std::string msg = llvm::toString(file.takeError());
  EXPECT_NE(msg.find(path), std::string::npos) << msg;
  return msg;
}

bool contains(const std::string &s, llvm::StringRef part) {
  return s.find(part.str()) != std::string::npos;
}

const std::string kStories = BORN_TESTDATA_DIR "/gguf/stories260K.gguf";

TEST(GGUFReader, Stories260K) {
  llvm::Expected<GGUFFile> file = GGUFFile::open(kStories);
  ASSERT_TRUE(static_cast<bool>(file)) << llvm::toString(file.takeError());
  const GGUFMetadata &md = file->metadata();
  EXPECT_EQ(file->version(), 3u);
  EXPECT_EQ(file->dataOffset() % file->alignment(), 0u);

  llvm::Expected<llvm::StringRef> arch = md.getString("general.architecture");
  ASSERT_TRUE(static_cast<bool>(arch)) << llvm::toString(arch.takeError());
  EXPECT_EQ(*arch, "llama");
  auto uint = [&](llvm::StringRef key) -> uint64_t {
    llvm::Expected<uint64_t> v = md.getUInt(key);
    if (!v) {
      ADD_FAILURE() << llvm::toString(v.takeError());
      return 0;
    }
    return *v;
  };
  EXPECT_EQ(uint("llama.embedding_length"), 64u);
  EXPECT_EQ(uint("llama.block_count"), 5u);
  EXPECT_EQ(uint("llama.attention.head_count"), 8u);
  EXPECT_EQ(uint("llama.attention.head_count_kv"), 4u);

  llvm::Expected<std::vector<llvm::StringRef>> tokens =
      md.getStringArray("tokenizer.ggml.tokens");
  ASSERT_TRUE(static_cast<bool>(tokens)) << llvm::toString(tokens.takeError());
  EXPECT_EQ(tokens->size(), 512u);

  // Wrong-type and missing lookups are errors naming the key.
  llvm::Expected<uint64_t> notUInt = md.getUInt("general.architecture");
  ASSERT_FALSE(static_cast<bool>(notUInt));
  EXPECT_TRUE(contains(llvm::toString(notUInt.takeError()),
                       "general.architecture"));
  llvm::Expected<llvm::StringRef> missing = md.getString("no.such.key");
  ASSERT_FALSE(static_cast<bool>(missing));
  EXPECT_TRUE(contains(llvm::toString(missing.takeError()), "no.such.key"));

  ASSERT_EQ(file->tensors().size(), 48u);
  for (const GGUFTensorInfo &t : file->tensors()) {
    EXPECT_EQ(t.type, GGMLType::F32) << t.name.str();
    EXPECT_EQ(t.byteSize, t.numElements() * 4) << t.name.str();
  }
  const GGUFTensorInfo *embd = file->findTensor("token_embd.weight");
  ASSERT_NE(embd, nullptr);
  EXPECT_EQ(embd->dims, (llvm::SmallVector<uint64_t, 4>{64, 512}));
  EXPECT_EQ(embd->rowMajorShape(), (llvm::SmallVector<int64_t, 4>{512, 64}));

  llvm::Expected<llvm::ArrayRef<uint8_t>> bytes =
      file->tensorData("token_embd.weight");
  ASSERT_TRUE(static_cast<bool>(bytes)) << llvm::toString(bytes.takeError());
  EXPECT_EQ(bytes->size(), 64u * 512 * 4);
  const char *begin = file->buffer().data();
  const char *at = reinterpret_cast<const char *>(bytes->data());
  EXPECT_GE(at, begin + file->dataOffset());
  EXPECT_LE(at + bytes->size(), begin + file->buffer().size());

  llvm::Expected<llvm::ArrayRef<uint8_t>> none = file->tensorData("nope");
  ASSERT_FALSE(static_cast<bool>(none));
  EXPECT_TRUE(contains(llvm::toString(none.takeError()), "nope"));
}

TEST(GGUFReader, TypeTraits) {
  struct {
    uint32_t id;
    uint64_t block, size;
  } expected[] = {{0, 1, 4},     {1, 1, 2},     {30, 1, 2},    {2, 32, 18},
                  {3, 32, 20},   {6, 32, 22},   {7, 32, 24},   {8, 32, 34},
                  {10, 256, 84}, {11, 256, 110}, {12, 256, 144}, {13, 256, 176},
                  {14, 256, 210}, {15, 256, 292}};
  for (auto &e : expected) {
    std::optional<GGMLTypeTraits> t = ggmlTypeTraits(e.id);
    ASSERT_TRUE(t.has_value()) << e.id;
    EXPECT_EQ(t->blockSize, e.block) << e.id;
    EXPECT_EQ(t->typeSize, e.size) << e.id;
  }
  EXPECT_FALSE(ggmlTypeTraits(4).has_value()); // removed Q4_2
  EXPECT_FALSE(ggmlTypeTraits(999).has_value());
}

TEST(GGUFReader, AllValueTypesAndNestedArrays) {
  Writer w;
  w.header(/*tensors=*/1, /*kvs=*/14, /*version=*/2);
  w.str("u8").u32(0).u8(200);
  w.str("i8").u32(1).u8(0xff);
  w.str("u16").u32(2).u8(0x34).u8(0x12);
  w.str("i16").u32(3).u8(0xfe).u8(0xff);
  w.str("u32").u32(4).u32(123456);
  w.str("i32").u32(5).u32(static_cast<uint32_t>(-7));
  w.str("f32").u32(6).u32(0x3fc00000); // 1.5f
  w.str("b").u32(7).u8(1);
  w.str("s").u32(8).str("hello");
  w.str("u64").u32(10).u64(1ull << 40);
  w.str("i64").u32(11).u64(static_cast<uint64_t>(-5));
  w.str("f64").u32(12).u64(0x4004000000000000ull); // 2.5
  // [[1, 2], [3]] as an array of arrays of uint32.
  w.str("nested").u32(9).u32(9).u64(2);
  w.u32(4).u64(2).u32(1).u32(2);
  w.u32(4).u64(1).u32(3);
  w.str("general.alignment").u32(4).u32(64);
  // One Q8_0 tensor of 64 x 2 elements: 4 blocks of 34 bytes.
  w.str("t").u32(2).u64(64).u64(2).u32(8).u64(0);
  w.pad(64);
  w.bytes += std::string(4 * 34, '\x01');
  std::string path = writeFile(w.bytes);
  llvm::Expected<GGUFFile> file = GGUFFile::open(path);
  ASSERT_TRUE(static_cast<bool>(file)) << llvm::toString(file.takeError());
  const GGUFMetadata &md = file->metadata();
  EXPECT_EQ(file->version(), 2u);
  EXPECT_EQ(file->alignment(), 64u);
  EXPECT_EQ(file->dataOffset() % 64, 0u);
  EXPECT_EQ(llvm::cantFail(md.getUInt("u8")), 200u);
  EXPECT_EQ(llvm::cantFail(md.getInt("i8")), -1);
  EXPECT_EQ(llvm::cantFail(md.getUInt("u16")), 0x1234u);
  EXPECT_EQ(llvm::cantFail(md.getInt("i16")), -2);
  EXPECT_EQ(llvm::cantFail(md.getUInt("u32")), 123456u);
  EXPECT_EQ(llvm::cantFail(md.getInt("i32")), -7);
  EXPECT_EQ(llvm::cantFail(md.getFloat("f32")), 1.5);
  EXPECT_TRUE(llvm::cantFail(md.getBool("b")));
  EXPECT_EQ(llvm::cantFail(md.getString("s")), "hello");
  EXPECT_EQ(llvm::cantFail(md.getUInt("u64")), 1ull << 40);
  EXPECT_EQ(llvm::cantFail(md.getInt("i64")), -5);
  EXPECT_EQ(llvm::cantFail(md.getFloat("f64")), 2.5);
  const GGUFValue *nested = llvm::cantFail(md.getArray("nested"));
  ASSERT_EQ(nested->elementType, GGUFValueType::Array);
  ASSERT_EQ(nested->elements.size(), 2u);
  ASSERT_EQ(nested->elements[0].elements.size(), 2u);
  EXPECT_EQ(nested->elements[0].elements[1].u, 2u);
  ASSERT_EQ(nested->elements[1].elements.size(), 1u);
  EXPECT_EQ(nested->elements[1].elements[0].u, 3u);
  llvm::Expected<int64_t> negative = md.getInt("i8");
  EXPECT_TRUE(static_cast<bool>(negative));
  llvm::Expected<uint64_t> asUnsigned = md.getUInt("i8");
  ASSERT_FALSE(static_cast<bool>(asUnsigned));
  llvm::consumeError(asUnsigned.takeError());

  ASSERT_EQ(file->tensors().size(), 1u);
  const GGUFTensorInfo &t = file->tensors()[0];
  EXPECT_EQ(t.type, GGMLType::Q8_0);
  EXPECT_EQ(t.byteSize, 4u * 34);
  llvm::ArrayRef<uint8_t> data = file->tensorData(t);
  EXPECT_EQ(data.size(), 4u * 34);
  EXPECT_EQ(data.front(), 1u);
  EXPECT_EQ(data.back(), 1u);
  llvm::sys::fs::remove(path);
}

TEST(GGUFReader, BadMagic) {
  Writer w;
  w.bytes = "GGML";
  w.u32(3).u64(0).u64(0);
  EXPECT_TRUE(contains(openError(w.bytes), "magic"));
}

TEST(GGUFReader, EmptyFile) {
  EXPECT_TRUE(contains(openError(""), "magic"));
}

TEST(GGUFReader, BadVersion) {
  Writer w;
  w.header(0, 0, /*version=*/1);
  EXPECT_TRUE(contains(openError(w.bytes), "version"));
  Writer w4;
  w4.header(0, 0, /*version=*/4);
  EXPECT_TRUE(contains(openError(w4.bytes), "version"));
}

TEST(GGUFReader, TruncatedHeader) {
  Writer w;
  w.header(0, 0);
  std::string bytes = w.bytes.substr(0, 12); // ends inside the tensor count
  EXPECT_TRUE(contains(openError(bytes), "tensor count"));
}

TEST(GGUFReader, AbsurdCounts) {
  Writer w;
  w.header(0, 1ull << 60);
  EXPECT_TRUE(contains(openError(w.bytes), "metadata count"));
  Writer t;
  t.header(1ull << 60, 0);
  EXPECT_TRUE(contains(openError(t.bytes), "tensor count"));
}

TEST(GGUFReader, StringLengthPastEnd) {
  Writer w;
  w.header(0, 1);
  w.str("general.name").u32(8).u64(1000).bytes += "short";
  std::string msg = openError(w.bytes);
  EXPECT_TRUE(contains(msg, "general.name")) << msg;
  EXPECT_TRUE(contains(msg, "string length 1000")) << msg;
}

TEST(GGUFReader, KeyLengthPastEnd) {
  Writer w;
  w.header(0, 1);
  w.u64(~0ull).bytes += std::string(16, 'k');
  std::string msg = openError(w.bytes);
  EXPECT_TRUE(contains(msg, "metadata key #0")) << msg;
}

TEST(GGUFReader, UnknownValueType) {
  Writer w;
  w.header(0, 1);
  w.str("weird").u32(13).u32(0);
  std::string msg = openError(w.bytes);
  EXPECT_TRUE(contains(msg, "weird")) << msg;
  EXPECT_TRUE(contains(msg, "unknown metadata value type 13")) << msg;
}

TEST(GGUFReader, BadBool) {
  Writer w;
  w.header(0, 1);
  w.str("flag").u32(7).u8(2);
  EXPECT_TRUE(contains(openError(w.bytes), "flag"));
}

TEST(GGUFReader, TensorOffsetPastEnd) {
  Writer w;
  w.header(1, 0);
  w.str("w").u32(1).u64(8).u32(0).u64(4096); // F32[8] at offset 4096
  w.pad(32);
  w.bytes += std::string(32, '\0');
  std::string msg = openError(w.bytes);
  EXPECT_TRUE(contains(msg, "tensor 'w'")) << msg;
  EXPECT_TRUE(contains(msg, "past the end")) << msg;
}

TEST(GGUFReader, TensorSizePastEnd) {
  Writer w;
  w.header(1, 0);
  w.str("w").u32(2).u64(1024).u64(1024).u32(0).u64(0);
  w.pad(32);
  w.bytes += std::string(64, '\0');
  std::string msg = openError(w.bytes);
  EXPECT_TRUE(contains(msg, "tensor 'w'")) << msg;
}

TEST(GGUFReader, MisalignedTensorOffset) {
  Writer w;
  w.header(1, 0);
  w.str("w").u32(1).u64(1).u32(0).u64(4);
  w.pad(32);
  w.bytes += std::string(64, '\0');
  EXPECT_TRUE(contains(openError(w.bytes), "alignment"));
}

TEST(GGUFReader, UnknownGGMLType) {
  Writer w;
  w.header(1, 0);
  w.str("w").u32(1).u64(32).u32(77).u64(0);
  w.pad(32);
  w.bytes += std::string(256, '\0');
  std::string msg = openError(w.bytes);
  EXPECT_TRUE(contains(msg, "tensor 'w'")) << msg;
  EXPECT_TRUE(contains(msg, "ggml type 77")) << msg;
}

TEST(GGUFReader, BlockSizeMismatch) {
  Writer w;
  w.header(1, 0);
  w.str("w").u32(1).u64(33).u32(12).u64(0); // Q4_K needs 256 | ne0
  w.pad(32);
  w.bytes += std::string(256, '\0');
  EXPECT_TRUE(contains(openError(w.bytes), "block size"));
}

TEST(GGUFReader, TooManyDims) {
  Writer w;
  w.header(1, 0);
  w.str("w").u32(5);
  for (int i = 0; i < 5; ++i)
    w.u64(1);
  w.u32(0).u64(0);
  EXPECT_TRUE(contains(openError(w.bytes), "dimensions"));
}

TEST(GGUFReader, DimensionOverflow) {
  Writer w;
  w.header(1, 0);
  w.str("w").u32(2).u64(1ull << 40).u64(1ull << 40).u32(0).u64(0);
  EXPECT_TRUE(contains(openError(w.bytes), "overflow"));
}

TEST(GGUFReader, NestedArrayPastEnd) {
  Writer w;
  w.header(0, 1);
  // An array of 2 arrays; the second claims 1000 uint32s but the file ends.
  w.str("nested").u32(9).u32(9).u64(2);
  w.u32(4).u64(1).u32(5);
  w.u32(4).u64(1000).u32(6);
  std::string msg = openError(w.bytes);
  EXPECT_TRUE(contains(msg, "'nested'[1]")) << msg;
}

TEST(GGUFReader, NestedArrayTooDeep) {
  Writer w;
  w.header(0, 1);
  w.str("deep").u32(9);
  for (int i = 0; i < 100; ++i)
    w.u32(9).u64(1);
  w.u32(4).u64(0);
  std::string msg = openError(w.bytes);
  EXPECT_TRUE(contains(msg, "deep")) << msg;
  EXPECT_TRUE(contains(msg, "nested deeper")) << msg;
}

TEST(GGUFReader, BadAlignment) {
  Writer w;
  w.header(0, 1);
  w.str("general.alignment").u32(4).u32(3);
  EXPECT_TRUE(contains(openError(w.bytes), "general.alignment"));
}

TEST(GGUFReader, DuplicateKey) {
  Writer w;
  w.header(0, 2);
  w.str("k").u32(0).u8(1);
  w.str("k").u32(0).u8(2);
  EXPECT_TRUE(contains(openError(w.bytes), "twice"));
}

TEST(GGUFReader, MissingFile) {
  llvm::Expected<GGUFFile> file = GGUFFile::open("/nonexistent/x.gguf");
  ASSERT_FALSE(static_cast<bool>(file));
  EXPECT_TRUE(contains(llvm::toString(file.takeError()), "/nonexistent/x.gguf"));
}

// Every prefix of a valid file is an error, never a crash.
TEST(GGUFReader, EveryTruncationFails) {
  Writer w;
  w.header(1, 2);
  w.str("s").u32(8).str("abc");
  w.str("a").u32(9).u32(9).u64(1).u32(8).u64(1).str("x");
  w.str("w").u32(1).u64(8).u32(0).u64(0);
  w.pad(32);
  w.bytes += std::string(32, '\0');
  std::string full = writeFile(w.bytes);
  llvm::Expected<GGUFFile> ok = GGUFFile::open(full);
  ASSERT_TRUE(static_cast<bool>(ok)) << llvm::toString(ok.takeError());
  llvm::sys::fs::remove(full);
  for (size_t n = 0; n < w.bytes.size(); ++n)
    EXPECT_FALSE(openError(w.bytes.substr(0, n)).empty()) << n;
}

} // namespace
