// ONNX TensorProto (.pb) reading: real files from the ONNX backend test
// suite, plus hand-encoded messages for the typed-data fields those files do
// not use. Expected values were read with /usr/bin/python3 + onnx.numpy_helper.
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

// The extracted cases (see tests/runtime/CMakeLists.txt), or skip.
std::string onnxCase(const std::string &relative) { return std::string(BORN_ONNX_TEST_DATA) + "/" + relative; }

#define REQUIRE_ONNX_DATA()                                                                 \
  do {                                                                                      \
    if (std::string(BORN_ONNX_TEST_DATA).empty())                                           \
      GTEST_SKIP() << "onnx-backend-tests.tar.xz not found (set -DBORN_TESTDATA_DIR)";      \
  } while (0)

void load(const std::string &path, born_host_tensor *t) {
  char err[512];
  ASSERT_EQ(born_tensor_load(path.c_str(), t, err, sizeof err), 0) << err;
}

TEST(OnnxPb, FloatRawData) {
  REQUIRE_ONNX_DATA();
  TensorGuard x, y, sum;
  load(onnxCase("node/test_add/test_data_set_0/input_0.pb"), &x.t);
  load(onnxCase("node/test_add/test_data_set_0/input_1.pb"), &y.t);
  load(onnxCase("node/test_add/test_data_set_0/output_0.pb"), &sum.t);
  EXPECT_EQ(x.t.dtype, BORN_DTYPE_F32);
  ASSERT_EQ(x.t.rank, 3);
  EXPECT_EQ(x.t.shape[0], 3);
  EXPECT_EQ(x.t.shape[1], 4);
  EXPECT_EQ(x.t.shape[2], 5);
  EXPECT_EQ(x.t.nbytes, 60u * 4);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(x.t.data) % 64, 0u);
  const float *xs = static_cast<const float *>(x.t.data);
  const float *ys = static_cast<const float *>(y.t.data);
  const float *sums = static_cast<const float *>(sum.t.data);
  EXPECT_EQ(xs[0], 1.764052391052246f);
  EXPECT_EQ(xs[1], 0.40015721321105957f);
  EXPECT_EQ(xs[59], -0.36274117f);
  EXPECT_EQ(ys[0], -0.6724604368209839f);
  double total = 0;
  for (int i = 0; i < 60; ++i) {
    total += xs[i];
    ASSERT_EQ(sums[i], xs[i] + ys[i]) << i; // the test's reference output
  }
  EXPECT_NEAR(total, 4.600037792697549, 1e-9);
}

TEST(OnnxPb, Int64RawData) {
  REQUIRE_ONNX_DATA();
  TensorGuard data, result;
  load(onnxCase("node/test_argmax_default_axis_example/test_data_set_0/input_0.pb"), &data.t);
  load(onnxCase("node/test_argmax_default_axis_example/test_data_set_0/output_0.pb"), &result.t);
  EXPECT_EQ(data.t.dtype, BORN_DTYPE_F32);
  EXPECT_EQ(static_cast<float *>(data.t.data)[3], 10.0f);
  EXPECT_EQ(result.t.dtype, BORN_DTYPE_I64);
  ASSERT_EQ(result.t.rank, 2);
  EXPECT_EQ(result.t.shape[0], 1);
  EXPECT_EQ(result.t.shape[1], 2);
  EXPECT_EQ(static_cast<int64_t *>(result.t.data)[0], 1);
  EXPECT_EQ(static_cast<int64_t *>(result.t.data)[1], 1);
}

TEST(OnnxPb, Float16AndBool) {
  REQUIRE_ONNX_DATA();
  TensorGuard half, flags;
  load(onnxCase("node/test_cast_FLOAT_to_FLOAT16/test_data_set_0/output_0.pb"), &half.t);
  EXPECT_EQ(half.t.dtype, BORN_DTYPE_F16);
  ASSERT_EQ(half.t.rank, 2);
  EXPECT_EQ(half.t.shape[0], 3);
  EXPECT_EQ(half.t.shape[1], 4);
  const uint16_t *bits = static_cast<const uint16_t *>(half.t.data);
  EXPECT_EQ(bits[0], 14250); // 0.47900390625
  EXPECT_EQ(bits[3], 14990); // 0.8193359375

  load(onnxCase("node/test_and2d/test_data_set_0/input_0.pb"), &flags.t);
  EXPECT_EQ(flags.t.dtype, BORN_DTYPE_BOOL);
  const uint8_t expected[12] = {1, 1, 1, 1, 1, 0, 1, 0, 0, 1, 1, 1};
  ASSERT_EQ(flags.t.nbytes, 12u);
  EXPECT_EQ(std::memcmp(flags.t.data, expected, 12), 0);
}

TEST(OnnxPb, EmptyTensor) {
  REQUIRE_ONNX_DATA();
  TensorGuard empty;
  load(onnxCase("node/test_castlike_BFLOAT16_to_FLOAT/test_data_set_0/input_1.pb"), &empty.t);
  EXPECT_EQ(empty.t.dtype, BORN_DTYPE_F32);
  ASSERT_EQ(empty.t.rank, 1);
  EXPECT_EQ(empty.t.shape[0], 0);
  EXPECT_EQ(empty.t.nbytes, 0u);
}

TEST(OnnxPb, UnsupportedDataTypeIsAnError) {
  REQUIRE_ONNX_DATA();
  TensorGuard t;
  char err[512];
  std::string path = onnxCase("node/test_cast_FLOAT8E4M3FN_to_FLOAT/test_data_set_0/input_0.pb");
  EXPECT_NE(born_tensor_load(path.c_str(), &t.t, err, sizeof err), 0);
  EXPECT_THAT(err, HasSubstr("unsupported ONNX data_type 17"));
  EXPECT_THAT(err, HasSubstr(path));
}

TEST(OnnxPb, EveryTruncationOfARealFileIsAnError) {
  REQUIRE_ONNX_DATA();
  std::vector<uint8_t> file =
      born_test::readBytes(onnxCase("node/test_argmax_default_axis_example/test_data_set_0/output_0.pb"));
  ASSERT_GT(file.size(), 10u);
  for (size_t length = 0; length < file.size(); ++length) {
    TensorGuard t;
    char err[512] = "";
    ASSERT_NE(born_pb_parse(file.data(), length, &t.t, err, sizeof err), 0) << length;
    EXPECT_NE(err[0], '\0');
    EXPECT_EQ(t.t.data, nullptr);
  }
}

// ---- Hand-encoded messages for the typed fields. ----
class Proto {
public:
  Proto &varintField(uint32_t field, uint64_t value) {
    key(field, 0);
    varint(value);
    return *this;
  }
  Proto &fixed32Field(uint32_t field, uint32_t value) {
    key(field, 5);
    bytes_.append(reinterpret_cast<const char *>(&value), 4);
    return *this;
  }
  Proto &fixed64Field(uint32_t field, uint64_t value) {
    key(field, 1);
    bytes_.append(reinterpret_cast<const char *>(&value), 8);
    return *this;
  }
  Proto &bytesField(uint32_t field, const std::string &payload) {
    key(field, 2);
    varint(payload.size());
    bytes_ += payload;
    return *this;
  }
  static std::string packedVarints(std::initializer_list<uint64_t> values) {
    Proto p;
    for (uint64_t v : values)
      p.varint(v);
    return p.bytes_;
  }
  const std::string &bytes() const { return bytes_; }

private:
  void key(uint32_t field, uint32_t wire) { varint(field << 3 | wire); }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      bytes_ += static_cast<char>(v | 0x80);
      v >>= 7;
    }
    bytes_ += static_cast<char>(v);
  }
  std::string bytes_;
};

void parse(const Proto &proto, born_host_tensor *t) {
  char err[512];
  ASSERT_EQ(born_pb_parse(proto.bytes().data(), proto.bytes().size(), t, err, sizeof err), 0)
      << err;
}

TEST(OnnxPb, FloatDataPackedAndUnpacked) {
  float values[3] = {1.5f, -2.0f, 3.25f};
  uint32_t bits[3];
  std::memcpy(bits, values, sizeof bits);
  Proto packed;
  packed.bytesField(1, Proto::packedVarints({3})).varintField(2, 1);
  packed.bytesField(4, std::string(reinterpret_cast<const char *>(values), sizeof values));
  Proto unpacked;
  unpacked.varintField(1, 3).varintField(2, 1).bytesField(8, "w");
  for (uint32_t b : bits)
    unpacked.fixed32Field(4, b);
  for (const Proto *proto : {&packed, &unpacked}) {
    TensorGuard t;
    parse(*proto, &t.t);
    EXPECT_EQ(t.t.dtype, BORN_DTYPE_F32);
    ASSERT_EQ(t.t.rank, 1);
    EXPECT_EQ(t.t.shape[0], 3);
    EXPECT_EQ(std::memcmp(t.t.data, values, sizeof values), 0);
  }
}

TEST(OnnxPb, Int64DataWithNegativesAndUnknownFields) {
  Proto proto;
  proto.varintField(1, 2).varintField(1, 2); // dims, not packed
  proto.varintField(2, 7);
  proto.varintField(99, 12345);         // unknown varint field: skipped
  proto.bytesField(12, "doc string");   // doc_string: skipped
  proto.bytesField(7, Proto::packedVarints({0, 1, static_cast<uint64_t>(-1),
                                            static_cast<uint64_t>(INT64_MIN)}));
  TensorGuard t;
  parse(proto, &t.t);
  EXPECT_EQ(t.t.dtype, BORN_DTYPE_I64);
  ASSERT_EQ(t.t.rank, 2);
  const int64_t *v = static_cast<const int64_t *>(t.t.data);
  EXPECT_EQ(v[0], 0);
  EXPECT_EQ(v[1], 1);
  EXPECT_EQ(v[2], -1);
  EXPECT_EQ(v[3], INT64_MIN);
}

TEST(OnnxPb, Int32DataForNarrowTypes) {
  // int8: int32_data holds sign-extended values (negative = 10-byte varints).
  Proto int8;
  int8.varintField(1, 3).varintField(2, 3);
  int8.bytesField(5, Proto::packedVarints({static_cast<uint64_t>(-128), 127, static_cast<uint64_t>(-1)}));
  TensorGuard a;
  parse(int8, &a.t);
  EXPECT_EQ(a.t.dtype, BORN_DTYPE_I8);
  const int8_t *i8 = static_cast<const int8_t *>(a.t.data);
  EXPECT_EQ(i8[0], -128);
  EXPECT_EQ(i8[1], 127);
  EXPECT_EQ(i8[2], -1);

  // int16 (ONNX data_type 5) likewise.
  Proto int16;
  int16.varintField(1, 2).varintField(2, 5);
  int16.bytesField(5, Proto::packedVarints({static_cast<uint64_t>(-32768), 300}));
  TensorGuard c;
  parse(int16, &c.t);
  EXPECT_EQ(c.t.dtype, BORN_DTYPE_I16);
  const int16_t *i16 = static_cast<const int16_t *>(c.t.data);
  EXPECT_EQ(i16[0], -32768);
  EXPECT_EQ(i16[1], 300);

  // float16: int32_data holds the bits.
  Proto half;
  half.varintField(2, 10).varintField(5, 0x3c00).varintField(5, 0xc000);
  TensorGuard b;
  char err[512];
  // No dims means a scalar, so two values are one too many.
  EXPECT_NE(born_pb_parse(half.bytes().data(), half.bytes().size(), &b.t, err, sizeof err), 0);
  EXPECT_THAT(err, HasSubstr("int32_data has 2 values, dims [] need 1"));
  half.varintField(1, 2);
  parse(half, &b.t);
  EXPECT_EQ(b.t.dtype, BORN_DTYPE_F16);
  EXPECT_EQ(static_cast<uint16_t *>(b.t.data)[0], 0x3c00); // 1.0
  EXPECT_EQ(static_cast<uint16_t *>(b.t.data)[1], 0xc000); // -2.0
}

TEST(OnnxPb, DoubleDataAndScalar) {
  double value = -0.125;
  uint64_t bits;
  std::memcpy(&bits, &value, 8);
  Proto proto;
  proto.varintField(2, 11).fixed64Field(10, bits);
  TensorGuard t;
  parse(proto, &t.t);
  EXPECT_EQ(t.t.dtype, BORN_DTYPE_F64);
  EXPECT_EQ(t.t.rank, 0);
  EXPECT_EQ(*static_cast<double *>(t.t.data), -0.125);
}

void expectError(const Proto &proto, const char *fragment) {
  TensorGuard t;
  char err[512] = "";
  EXPECT_NE(born_pb_parse(proto.bytes().data(), proto.bytes().size(), &t.t, err, sizeof err), 0);
  EXPECT_THAT(err, HasSubstr(fragment));
  EXPECT_EQ(t.t.data, nullptr);
}

TEST(OnnxPb, MalformedMessagesAreErrors) {
  expectError(Proto().varintField(1, 2).varintField(2, 1).bytesField(9, "abc"),
              "raw_data has 3 bytes, dims [2] of f32 need 8");
  expectError(Proto().varintField(1, 2).varintField(2, 1).bytesField(8, "x"),
              "tensor 'x': float_data has 0 values");
  expectError(Proto().varintField(2, 8).bytesField(6, "hello"), "string tensors");
  expectError(Proto().varintField(2, 1).varintField(14, 1), "external data");
  expectError(Proto().varintField(2, 1).fixed32Field(2, 1), "field 2, wire type 5");
  Proto deep;
  for (int i = 0; i < 9; ++i)
    deep.varintField(1, 1);
  expectError(deep.varintField(2, 1), "rank 9");
  Proto group;
  group.varintField(2, 1);
  std::string bytes = group.bytes() + std::string(1, static_cast<char>(15 << 3 | 3));
  TensorGuard t;
  char err[512];
  EXPECT_NE(born_pb_parse(bytes.data(), bytes.size(), &t.t, err, sizeof err), 0);
}

} // namespace
