// The weights path: SafeTensors reading and the blob layout (alignment,
// compile-time permutation, params left in a file read in place), checked
// against values computed by hand.
#include "compiler/Weights/Weights.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace born;

namespace {
/// Writes a SafeTensors file with the given header JSON and payload.
std::string writeSafeTensors(llvm::StringRef header,
                             llvm::ArrayRef<uint8_t> payload) {
  llvm::SmallString<128> path;
  EXPECT_FALSE(llvm::sys::fs::createTemporaryFile("weights", "safetensors",
                                                  path));
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  uint64_t size = header.size();
  for (int i = 0; i < 8; ++i)
    os << static_cast<char>((size >> (8 * i)) & 0xff);
  os << header;
  os.write(reinterpret_cast<const char *>(payload.data()), payload.size());
  return path.str().str();
}

std::vector<uint8_t> floatBytes(llvm::ArrayRef<float> values) {
  std::vector<uint8_t> bytes(values.size() * 4);
  std::memcpy(bytes.data(), values.data(), bytes.size());
  return bytes;
}

float floatAt(const WeightsBlob &blob, uint64_t offset, size_t i) {
  float f;
  std::memcpy(&f, blob.bytes.data() + offset + 4 * i, 4);
  return f;
}

class WeightsTest : public ::testing::Test {
protected:
  mlir::MLIRContext context;
  mlir::Builder b{&context};
};

TEST_F(WeightsTest, LaysOutParamsAlignedAndPermuted) {
  // a: 2x3 = [[0,1,2],[3,4,5]]; b: 2x3x2 = 0..11
  std::vector<float> values;
  for (int i = 0; i < 6; ++i)
    values.push_back(i);
  for (int i = 0; i < 12; ++i)
    values.push_back(100 + i);
  std::string path = writeSafeTensors(
      R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
      R"("b":{"dtype":"F32","shape":[2,3,2],"data_offsets":[24,72]}})",
      floatBytes(values));
  WeightSet set;
  ASSERT_FALSE(static_cast<bool>(loadSafeTensors(path, set)));

  ParamSpec a{"a", b.getF32Type(), {2, 3}, "", {}, {}};
  ParamSpec aT{"a:perm=1,0", b.getF32Type(), {3, 2}, "a", {}, {1, 0}};
  // result.shape[i] = stored[perm[i]]: [2,3,2] permuted [2,0,1] -> [2,2,3].
  ParamSpec bP{"b:perm=2,0,1", b.getF32Type(), {2, 2, 3}, "b", {}, {2, 0, 1}};
  llvm::Expected<WeightsBlob> blob =
      buildWeightsBlob({a, aT, bP}, set, path);
  ASSERT_TRUE(static_cast<bool>(blob)) << llvm::toString(blob.takeError());

  uint64_t oa = blob->offsets["a"], oaT = blob->offsets["a:perm=1,0"],
           obP = blob->offsets["b:perm=2,0,1"];
  for (uint64_t o : {oa, oaT, obP})
    EXPECT_EQ(o % WeightsBlob::kAlignment, 0u);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(floatAt(*blob, oa, i), i);
  // transpose of [[0,1,2],[3,4,5]] = [[0,3],[1,4],[2,5]]
  float expectedT[] = {0, 3, 1, 4, 2, 5};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(floatAt(*blob, oaT, i), expectedT[i]);
  // out[i][j][k] = b[j][k][i] with b[j][k][l] = 100 + 6j + 2k + l.
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 2; ++j)
      for (int k = 0; k < 3; ++k)
        EXPECT_EQ(floatAt(*blob, obP, i * 6 + j * 3 + k),
                  100 + 6 * j + 2 * k + i);
  llvm::sys::fs::remove(path);
}

TEST_F(WeightsTest, PacksColumnPanels) {
  // W [K=2, N=4] = 0..7 viewed as [K, N/2, 2], permuted to panels [N/2, K, 2]:
  // out[jb][k][jj] = W[k][2 jb + jj].
  std::string path = writeSafeTensors(
      R"({"w":{"dtype":"F32","shape":[2,4],"data_offsets":[0,32]}})",
      floatBytes({0, 1, 2, 3, 4, 5, 6, 7}));
  WeightSet set;
  ASSERT_FALSE(static_cast<bool>(loadSafeTensors(path, set)));
  ParamSpec packed{"w:packed", b.getF32Type(), {2, 2, 2}, "w", {2, 2, 2},
                   {1, 0, 2}};
  llvm::Expected<WeightsBlob> blob = buildWeightsBlob({packed}, set, path);
  ASSERT_TRUE(static_cast<bool>(blob)) << llvm::toString(blob.takeError());
  float expected[] = {0, 1, 4, 5, 2, 3, 6, 7};
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(floatAt(*blob, blob->offsets["w:packed"], i), expected[i]);
  llvm::sys::fs::remove(path);
}

TEST_F(WeightsTest, ParamsOfAFileReadInPlaceStayThere) {
  // a [2,3] is read as stored: it stays in the file; its transpose and a
  // tensor from elsewhere go to the tail past the file.
  std::string path = writeSafeTensors(
      R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}})",
      floatBytes({0, 1, 2, 3, 4, 5}));
  WeightSet set;
  ASSERT_FALSE(static_cast<bool>(loadSafeTensors(path, set)));
  std::vector<uint8_t> extra = floatBytes({7, 8});
  set.addCopy("extra", "F32", {2}, extra);
  llvm::StringRef file = set.files.front()->getBuffer();
  llvm::ArrayRef<uint8_t> inPlace(
      reinterpret_cast<const uint8_t *>(file.data()), file.size());

  ParamSpec a{"a", b.getF32Type(), {2, 3}, "", {}, {}};
  ParamSpec aT{"a:perm=1,0", b.getF32Type(), {3, 2}, "a", {}, {1, 0}};
  ParamSpec e{"extra", b.getF32Type(), {2}, "", {}, {}};
  llvm::Expected<WeightsBlob> blob =
      buildWeightsBlob({a, aT, e}, set, path, inPlace);
  ASSERT_TRUE(static_cast<bool>(blob)) << llvm::toString(blob.takeError());
  EXPECT_EQ(blob->tailOffset,
            llvm::alignTo(file.size(), WeightsBlob::kTailAlignment));
  EXPECT_EQ(blob->offsets["a"], file.size() - 24); // a's bytes end the file
  uint64_t oaT = blob->offsets["a:perm=1,0"], oe = blob->offsets["extra"];
  for (uint64_t o : {oaT, oe}) {
    EXPECT_GE(o, blob->tailOffset);
    EXPECT_EQ(o % WeightsBlob::kAlignment, 0u);
  }
  float expectedT[] = {0, 3, 1, 4, 2, 5};
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(floatAt(*blob, oaT - blob->tailOffset, i), expectedT[i]);
  EXPECT_EQ(floatAt(*blob, oe - blob->tailOffset, 1), 8.0f);
  EXPECT_EQ(blob->size(), blob->tailOffset + blob->bytes.size());
  llvm::sys::fs::remove(path);
}

TEST_F(WeightsTest, ErrorsNameTheTensor) {
  std::string path = writeSafeTensors(
      R"({"w":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})",
      floatBytes({1, 2, 3, 4}));
  WeightSet set;
  ASSERT_FALSE(static_cast<bool>(loadSafeTensors(path, set)));
  auto message = [&](ParamSpec p) {
    llvm::Expected<WeightsBlob> blob = buildWeightsBlob({p}, set, path);
    return blob ? std::string() : llvm::toString(blob.takeError());
  };
  EXPECT_NE(message({"v", b.getF32Type(), {2, 2}, "", {}, {}})
                .find("parameter 'v': not found in"),
            std::string::npos);
  EXPECT_NE(message({"w", b.getF16Type(), {2, 2}, "", {}, {}})
                .find("the IR expects F16"),
            std::string::npos);
  EXPECT_NE(message({"w", b.getF32Type(), {4}, "", {}, {}})
                .find("the IR expects shape [4]"),
            std::string::npos);
  llvm::sys::fs::remove(path);
}

TEST_F(WeightsTest, MalformedFilesAreErrors) {
  struct Case {
    const char *header;
    size_t payload;
    const char *expected;
  } cases[] = {
      {"{", 0, "malformed JSON header"},
      {R"({"w":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}})", 1,
       "unsupported dtype Q4"},
      {R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", 8,
       "outside the file's 8 data bytes"},
      {R"({"w":{"dtype":"F32","shape":[3],"data_offsets":[0,16]}})", 16,
       "shape and dtype need 12"},
      {R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4,
       "bad shape entry"},
  };
  for (const Case &c : cases) {
    std::string path =
        writeSafeTensors(c.header, std::vector<uint8_t>(c.payload));
    WeightSet set;
    llvm::Error err = loadSafeTensors(path, set);
    ASSERT_TRUE(static_cast<bool>(err)) << c.header;
    std::string message = llvm::toString(std::move(err));
    EXPECT_NE(message.find(c.expected), std::string::npos) << message;
    EXPECT_NE(message.find(path), std::string::npos) << message;
    llvm::sys::fs::remove(path);
  }
}
} // namespace
