// .npy reading and writing.
#include "born/runtime.h"
#include "born/tensor_io.h"
#include "test_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

using testing::HasSubstr;

namespace {

struct TensorGuard {
  born_host_tensor t{};
  ~TensorGuard() { born_tensor_free(&t); }
};

void fillPattern(born_host_tensor &t) {
  auto *bytes = static_cast<uint8_t *>(t.data);
  for (size_t i = 0; i < t.nbytes; ++i)
    bytes[i] = static_cast<uint8_t>(i * 31 + 7);
  if (t.dtype == BORN_DTYPE_BOOL) // bools are 0 or 1
    for (size_t i = 0; i < t.nbytes; ++i)
      bytes[i] &= 1;
}

class NpyRoundTrip : public testing::TestWithParam<int32_t> {};

TEST_P(NpyRoundTrip, SaveThenLoadGivesTheSameTensor) {
  born_test::TempDir dir;
  char err[512];
  const std::vector<std::vector<int64_t>> shapes = {{}, {5}, {2, 3}, {1, 2, 3, 4}, {0, 3}};
  for (const std::vector<int64_t> &shape : shapes) {
    SCOPED_TRACE(testing::Message() << "rank " << shape.size());
    TensorGuard saved, loaded;
    ASSERT_EQ(born_tensor_alloc(&saved.t, GetParam(), static_cast<int32_t>(shape.size()),
                                shape.data(), err, sizeof err),
              0)
        << err;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(saved.t.data) % 64, 0u);
    fillPattern(saved.t);
    std::string path = dir.file("t.npy");
    ASSERT_EQ(born_npy_save(path.c_str(), &saved.t, err, sizeof err), 0) << err;
    // The data starts 64-byte aligned in the file, as NumPy does it.
    EXPECT_EQ((born_test::readBytes(path).size() - saved.t.nbytes) % 64, 0u);
    ASSERT_EQ(born_tensor_load(path.c_str(), &loaded.t, err, sizeof err), 0) << err;
    EXPECT_EQ(loaded.t.dtype, GetParam());
    ASSERT_EQ(loaded.t.rank, saved.t.rank);
    for (int32_t i = 0; i < loaded.t.rank; ++i)
      EXPECT_EQ(loaded.t.shape[i], shape[i]);
    ASSERT_EQ(loaded.t.nbytes, saved.t.nbytes);
    EXPECT_EQ(std::memcmp(loaded.t.data, saved.t.data, saved.t.nbytes), 0);
  }
}

INSTANTIATE_TEST_SUITE_P(AllDtypes, NpyRoundTrip,
                         testing::Values(BORN_DTYPE_F32, BORN_DTYPE_F16, BORN_DTYPE_F64,
                                         BORN_DTYPE_I32, BORN_DTYPE_I64, BORN_DTYPE_I8,
                                         BORN_DTYPE_U8, BORN_DTYPE_BOOL, BORN_DTYPE_I16,
                                         BORN_DTYPE_U16, BORN_DTYPE_U32, BORN_DTYPE_U64),
                         [](const testing::TestParamInfo<int32_t> &info) {
                           return std::string(born_dtype_name(info.param));
                         });

// What numpy.save(f, numpy.arange(6, dtype='<f4').reshape(2, 3)) writes, put
// together by hand from the format spec: magic, version 1.0, header length
// 118 (little-endian u16), the header dict padded with spaces to make the
// prefix 128 bytes with a final '\n', then the data.
std::string numpyArange6Float32() {
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  header += std::string(128 - 10 - header.size() - 1, ' ') + "\n";
  std::string file = std::string("\x93NUMPY\x01\x00", 8) + '\x76' + '\x00' + header;
  for (int i = 0; i < 6; ++i) {
    float v = static_cast<float>(i);
    file.append(reinterpret_cast<const char *>(&v), 4);
  }
  return file;
}

TEST(Npy, ParsesTheBytesNumpyWrites) {
  std::string file = numpyArange6Float32();
  ASSERT_EQ(file.size(), 128u + 24u);
  TensorGuard t;
  char err[512];
  ASSERT_EQ(born_npy_parse(file.data(), file.size(), &t.t, err, sizeof err), 0) << err;
  EXPECT_EQ(t.t.dtype, BORN_DTYPE_F32);
  ASSERT_EQ(t.t.rank, 2);
  EXPECT_EQ(t.t.shape[0], 2);
  EXPECT_EQ(t.t.shape[1], 3);
  const float *values = static_cast<const float *>(t.t.data);
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(values[i], static_cast<float>(i));
}

TEST(Npy, WritesTheBytesNumpyWrites) {
  born_test::TempDir dir;
  TensorGuard t;
  char err[512];
  const int64_t shape[] = {2, 3};
  ASSERT_EQ(born_tensor_alloc(&t.t, BORN_DTYPE_F32, 2, shape, err, sizeof err), 0);
  for (int i = 0; i < 6; ++i)
    static_cast<float *>(t.t.data)[i] = static_cast<float>(i);
  ASSERT_EQ(born_npy_save(dir.file("a.npy").c_str(), &t.t, err, sizeof err), 0) << err;
  std::vector<uint8_t> written = born_test::readBytes(dir.file("a.npy"));
  std::string expected = numpyArange6Float32();
  EXPECT_EQ(std::string(written.begin(), written.end()), expected);
}

TEST(Npy, ParsesVersion2AndOneElementTupleAndDoubleQuotes) {
  std::string header = "{\"descr\": \"|u1\", \"fortran_order\": False, \"shape\": (3,)}\n";
  std::string file = std::string("\x93NUMPY\x02\x00", 8);
  uint32_t length = static_cast<uint32_t>(header.size());
  file.append(reinterpret_cast<const char *>(&length), 4);
  file += header + "\x01\x02\x03";
  TensorGuard t;
  char err[512];
  ASSERT_EQ(born_npy_parse(file.data(), file.size(), &t.t, err, sizeof err), 0) << err;
  EXPECT_EQ(t.t.dtype, BORN_DTYPE_U8);
  ASSERT_EQ(t.t.rank, 1);
  EXPECT_EQ(t.t.shape[0], 3);
  EXPECT_EQ(static_cast<uint8_t *>(t.t.data)[2], 3);
}

std::string npyWithHeader(const std::string &dict, size_t dataBytes) {
  std::string file = std::string("\x93NUMPY\x01\x00", 8);
  std::string header = dict + "\n";
  file += static_cast<char>(header.size() & 0xff);
  file += static_cast<char>(header.size() >> 8);
  return file + header + std::string(dataBytes, '\0');
}

void expectParseError(const std::string &file, const char *fragment) {
  TensorGuard t;
  char err[512] = "";
  EXPECT_NE(born_npy_parse(file.data(), file.size(), &t.t, err, sizeof err), 0);
  EXPECT_THAT(err, HasSubstr(fragment));
  EXPECT_EQ(t.t.data, nullptr);
}

TEST(Npy, MalformedFilesAreErrors) {
  expectParseError("", "bad magic");
  expectParseError("\x93NUMPX\x01\x00\x00\x00", "bad magic");
  expectParseError("PK\x03\x04 a zip file", "bad magic");
  expectParseError(std::string("\x93NUMPY\x09\x00\x10\x00", 10), "version 9.0");
  expectParseError(npyWithHeader("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", 8),
                   "big-endian");
  expectParseError(npyWithHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (2,), }", 16),
                   "unsupported dtype '<c8'");
  expectParseError(npyWithHeader("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", 16),
                   "fortran_order True is not supported");
  expectParseError(npyWithHeader("{'descr': '<f4', 'shape': (2,), }", 8), "missing");
  expectParseError(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }", 8),
                   "bad header");
  expectParseError(npyWithHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }", 8),
                   "structured");
  expectParseError(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1,2,3,4,5,6,7,8,9), }", 0),
                   "rank above 8");
  expectParseError(npyWithHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 23),
                   "truncated data");
}

TEST(Npy, EveryTruncationOfAValidFileIsAnError) {
  std::string file = numpyArange6Float32();
  for (size_t length = 0; length < file.size(); ++length) {
    TensorGuard t;
    char err[512] = "";
    ASSERT_NE(born_npy_parse(file.data(), length, &t.t, err, sizeof err), 0) << length;
    EXPECT_NE(err[0], '\0');
  }
}

TEST(Npy, FortranOrderIsFineForVectors) {
  std::string file =
      npyWithHeader("{'descr': '<i8', 'fortran_order': True, 'shape': (2,), }", 16);
  TensorGuard t;
  char err[512];
  EXPECT_EQ(born_npy_parse(file.data(), file.size(), &t.t, err, sizeof err), 0) << err;
}

TEST(Npy, LoadErrorsNameTheFile) {
  born_test::TempDir dir;
  TensorGuard t;
  char err[512];
  std::string missing = dir.file("missing.npy");
  EXPECT_NE(born_tensor_load(missing.c_str(), &t.t, err, sizeof err), 0);
  EXPECT_THAT(err, HasSubstr(missing));
  std::string bad = dir.file("bad.npy");
  born_test::writeBytes(bad, "not numpy", 9);
  EXPECT_NE(born_tensor_load(bad.c_str(), &t.t, err, sizeof err), 0);
  EXPECT_THAT(err, HasSubstr(bad + ": not a .npy file"));
  EXPECT_NE(born_npy_save((dir.path() + "/no/such/dir/x.npy").c_str(), &t.t, err, sizeof err), 0);
}

TEST(Npy, FormatIsDetectedByMagicWithoutExtension) {
  born_test::TempDir dir;
  std::string file = numpyArange6Float32();
  born_test::writeBytes(dir.file("tensor.bin"), file.data(), file.size());
  TensorGuard t;
  char err[512];
  ASSERT_EQ(born_tensor_load(dir.file("tensor.bin").c_str(), &t.t, err, sizeof err), 0) << err;
  EXPECT_EQ(t.t.dtype, BORN_DTYPE_F32);
}

} // namespace
