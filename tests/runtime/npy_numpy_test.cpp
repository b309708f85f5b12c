// .npy interoperability with real NumPy (Debian's python3-numpy, run through
// /usr/bin/python3): we read what numpy.save writes and numpy.load reads what
// we write.
#include "born/runtime.h"
#include "born/tensor_io.h"
#include "test_util.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

using testing::HasSubstr;

namespace {

const char *python() { return BORN_PYTHON; }

// Skips the test when this machine has no Python with NumPy.
#define REQUIRE_NUMPY(dir)                                                                  \
  do {                                                                                      \
    born_test::CommandResult probe = born_test::runCommand(                                 \
        born_test::shellQuote(python()) + " -c 'import numpy'", dir);                      \
    if (probe.exitCode != 0)                                                                \
      GTEST_SKIP() << python() << " cannot import numpy (install python3-numpy): "         \
                   << probe.err;                                                            \
  } while (0)

struct TensorGuard {
  born_host_tensor t{};
  ~TensorGuard() { born_tensor_free(&t); }
};

// Each dtype with the NumPy name used in the scripts below.
const struct {
  int32_t dtype;
  const char *numpy;
} kDtypes[] = {
    {BORN_DTYPE_F32, "float32"}, {BORN_DTYPE_F16, "float16"}, {BORN_DTYPE_F64, "float64"},
    {BORN_DTYPE_I32, "int32"},   {BORN_DTYPE_I64, "int64"},   {BORN_DTYPE_I8, "int8"},
    {BORN_DTYPE_U8, "uint8"},    {BORN_DTYPE_BOOL, "bool"}, {BORN_DTYPE_I16, "int16"},
};

// Value i of the test pattern, as the Python side computes it:
// (arange(n) * 3 - 5) cast to the dtype; for bool, i % 3 == 0.
double patternValue(int64_t i) { return static_cast<double>(i * 3 - 5); }

double elementAsDouble(const born_host_tensor &t, int64_t i) {
  const uint8_t *p = static_cast<const uint8_t *>(t.data) + i * born_dtype_size(t.dtype);
  switch (t.dtype) {
  case BORN_DTYPE_F32: { float v; std::memcpy(&v, p, 4); return v; }
  case BORN_DTYPE_F64: { double v; std::memcpy(&v, p, 8); return v; }
  case BORN_DTYPE_I32: { int32_t v; std::memcpy(&v, p, 4); return v; }
  case BORN_DTYPE_I64: { int64_t v; std::memcpy(&v, p, 8); return static_cast<double>(v); }
  case BORN_DTYPE_I8: return static_cast<int8_t>(*p);
  case BORN_DTYPE_I16: { int16_t v; std::memcpy(&v, p, 2); return v; }
  case BORN_DTYPE_U8: return *p;
  case BORN_DTYPE_BOOL: return *p;
  case BORN_DTYPE_F16: { // the pattern values are small integers: exact in f16
    uint16_t bits; std::memcpy(&bits, p, 2);
    int exponent = (bits >> 10) & 0x1f, mantissa = bits & 0x3ff;
    double magnitude = exponent == 0 ? std::ldexp(mantissa, -24)
                                     : std::ldexp(1024 + mantissa, exponent - 25);
    return (bits & 0x8000) ? -magnitude : magnitude;
  }
  default: return 0;
  }
}

double expectedValue(int32_t dtype, int64_t i) {
  double v = patternValue(i);
  if (dtype == BORN_DTYPE_BOOL)
    return i % 3 == 0 ? 1 : 0;
  if (dtype == BORN_DTYPE_U8)
    return static_cast<uint8_t>(static_cast<int64_t>(v)); // wraps like numpy's astype
  return v;
}

TEST(NpyNumpy, ReadsFilesWrittenByNumpy) {
  born_test::TempDir dir;
  REQUIRE_NUMPY(dir);
  std::string script =
      "import numpy as np, sys\n"
      "d = sys.argv[1]\n"
      "for name in ['float32','float16','float64','int32','int64','int8','uint8','bool','int16']:\n"
      "    i = np.arange(24, dtype=np.int64)\n"
      "    a = (i % 3 == 0) if name == 'bool' else (i * 3 - 5).astype(name)\n"
      "    np.save(f'{d}/{name}.npy', a.reshape(2, 3, 4))\n"
      "np.save(f'{d}/scalar.npy', np.float64(2.5))\n"
      "np.save(f'{d}/fortran.npy', np.asfortranarray(np.ones((2, 3), np.float32)))\n"
      "with open(f'{d}/v2.npy', 'wb') as f:\n"
      "    np.lib.format.write_array(f, np.arange(5, dtype='<i4'), version=(2, 0))\n";
  born_test::writeBytes(dir.file("write.py"), script.data(), script.size());
  born_test::CommandResult result = born_test::runCommand(
      born_test::shellQuote(python()) + " " + born_test::shellQuote(dir.file("write.py")) + " " +
          born_test::shellQuote(dir.path()),
      dir);
  ASSERT_EQ(result.exitCode, 0) << result.err;

  char err[512];
  for (const auto &d : kDtypes) {
    SCOPED_TRACE(d.numpy);
    TensorGuard t;
    ASSERT_EQ(born_tensor_load(dir.file(std::string(d.numpy) + ".npy").c_str(), &t.t, err,
                               sizeof err),
              0)
        << err;
    EXPECT_EQ(t.t.dtype, d.dtype);
    ASSERT_EQ(t.t.rank, 3);
    EXPECT_EQ(t.t.shape[0], 2);
    EXPECT_EQ(t.t.shape[1], 3);
    EXPECT_EQ(t.t.shape[2], 4);
    for (int64_t i = 0; i < 24; ++i)
      ASSERT_EQ(elementAsDouble(t.t, i), expectedValue(d.dtype, i)) << "element " << i;
  }
  TensorGuard scalar;
  ASSERT_EQ(born_tensor_load(dir.file("scalar.npy").c_str(), &scalar.t, err, sizeof err), 0)
      << err;
  EXPECT_EQ(scalar.t.rank, 0);
  EXPECT_EQ(*static_cast<double *>(scalar.t.data), 2.5);

  TensorGuard v2;
  ASSERT_EQ(born_tensor_load(dir.file("v2.npy").c_str(), &v2.t, err, sizeof err), 0) << err;
  EXPECT_EQ(v2.t.shape[0], 5);
  EXPECT_EQ(static_cast<int32_t *>(v2.t.data)[4], 4);

  TensorGuard fortran;
  EXPECT_NE(born_tensor_load(dir.file("fortran.npy").c_str(), &fortran.t, err, sizeof err), 0);
  EXPECT_THAT(err, HasSubstr("fortran_order True is not supported"));
}

TEST(NpyNumpy, NumpyReadsFilesWeWrite) {
  born_test::TempDir dir;
  REQUIRE_NUMPY(dir);
  char err[512];
  const int64_t shape[] = {4, 6};
  for (const auto &d : kDtypes) {
    TensorGuard t;
    ASSERT_EQ(born_tensor_alloc(&t.t, d.dtype, 2, shape, err, sizeof err), 0) << err;
    // Write the expected pattern through the same decoding the reader test uses.
    for (int64_t i = 0; i < 24; ++i) {
      uint8_t *p = static_cast<uint8_t *>(t.t.data) + i * born_dtype_size(d.dtype);
      double v = expectedValue(d.dtype, i);
      switch (d.dtype) {
      case BORN_DTYPE_F32: { float f = static_cast<float>(v); std::memcpy(p, &f, 4); break; }
      case BORN_DTYPE_F64: std::memcpy(p, &v, 8); break;
      case BORN_DTYPE_I32: { int32_t x = static_cast<int32_t>(v); std::memcpy(p, &x, 4); break; }
      case BORN_DTYPE_I64: { int64_t x = static_cast<int64_t>(v); std::memcpy(p, &x, 8); break; }
      case BORN_DTYPE_I16: { int16_t x = static_cast<int16_t>(v); std::memcpy(p, &x, 2); break; }
      case BORN_DTYPE_F16: { // small integers: build the half by hand
        uint16_t bits = 0;
        if (v != 0) {
          double m = std::fabs(v);
          int e = static_cast<int>(std::floor(std::log2(m)));
          bits = static_cast<uint16_t>(((e + 15) << 10) |
                                       static_cast<int>((m / std::ldexp(1, e) - 1) * 1024));
          if (v < 0)
            bits |= 0x8000;
        }
        std::memcpy(p, &bits, 2);
        break;
      }
      default: *p = static_cast<uint8_t>(static_cast<int64_t>(v)); break;
      }
    }
    ASSERT_EQ(elementAsDouble(t.t, 23), expectedValue(d.dtype, 23));
    std::string path = dir.file(std::string("ours_") + d.numpy + ".npy");
    ASSERT_EQ(born_npy_save(path.c_str(), &t.t, err, sizeof err), 0) << err;
  }
  std::string script =
      "import numpy as np, sys\n"
      "d = sys.argv[1]\n"
      "for name in ['float32','float16','float64','int32','int64','int8','uint8','bool','int16']:\n"
      "    a = np.load(f'{d}/ours_{name}.npy')\n"
      "    i = np.arange(24, dtype=np.int64)\n"
      "    e = (i % 3 == 0) if name == 'bool' else (i * 3 - 5).astype(name)\n"
      "    assert a.dtype == np.dtype(name), (name, a.dtype)\n"
      "    assert a.shape == (4, 6), (name, a.shape)\n"
      "    assert a.flags['C_CONTIGUOUS']\n"
      "    assert np.array_equal(a.ravel(), e), (name, a, e)\n"
      "print('numpy read all files')\n";
  born_test::writeBytes(dir.file("read.py"), script.data(), script.size());
  born_test::CommandResult result = born_test::runCommand(
      born_test::shellQuote(python()) + " " + born_test::shellQuote(dir.file("read.py")) + " " +
          born_test::shellQuote(dir.path()),
      dir);
  EXPECT_EQ(result.exitCode, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("numpy read all files"));
}

} // namespace
