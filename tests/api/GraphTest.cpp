// Unit tests of the C++ graph API: the IR it builds, its error messages, and
// models compiled in process against values computed here.
#include "compiler/API/Graph.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>

using ::testing::HasSubstr;

namespace {

std::string errorText(llvm::Error err) { return llvm::toString(std::move(err)); }

std::vector<float> randomValues(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

TEST(GraphIR, MlpLayerBuildsBornOps) {
  born::Graph g("mlp");
  born::Tensor x = g.input("x", {64, 784});
  born::Tensor w = g.param("fc1.weight", {784, 512});
  born::Tensor h = born::relu(born::matmul(x, w) + g.param("fc1.bias", {512}));
  EXPECT_EQ(h.str(), "f32[64, 512]");
  g.output(h, "hidden");
  ASSERT_TRUE(g.ok()) << g.error();

  std::string ir = g.str();
  EXPECT_THAT(ir, HasSubstr("func.func @mlp(%arg0: tensor<64x784xf32> "
                            "{born.name = \"x\"}) -> (tensor<64x512xf32> "
                            "{born.name = \"hidden\"})"));
  EXPECT_THAT(ir, HasSubstr("born.param \"fc1.weight\" : tensor<784x512xf32>"));
  EXPECT_THAT(ir, HasSubstr("born.param \"fc1.bias\" : tensor<512xf32>"));
  EXPECT_THAT(ir, HasSubstr("born.matmul %arg0, %0 : tensor<64x784xf32>, "
                            "tensor<784x512xf32>"));
  EXPECT_THAT(ir, HasSubstr("born.add %1, %2 : tensor<64x512xf32>, "
                            "tensor<512xf32>"));
  EXPECT_THAT(ir, HasSubstr("born.relu %3 : tensor<64x512xf32>"));
  EXPECT_THAT(ir, HasSubstr("return %4 : tensor<64x512xf32>"));
}

TEST(GraphIR, ShapesAndTypesOfManyOps) {
  born::Graph g("ops");
  born::Tensor img = g.input("img", {2, 3, 16, 16});
  born::Tensor ids = g.input("ids", {1, 7}, born::DType::I64);
  born::Tensor conv =
      born::conv2d(img, g.param("w", {8, 3, 3, 3}), g.param("b", {8}),
                   /*stride=*/2, /*padding=*/1);
  EXPECT_EQ(conv.str(), "f32[2, 8, 8, 8]");
  born::Conv2DOptions depthwise;
  depthwise.groups = 8;
  depthwise.dilation = {2, 2};
  EXPECT_EQ(born::conv2d(conv, g.param("dw", {8, 1, 3, 3}), depthwise).str(),
            "f32[2, 8, 4, 4]");
  EXPECT_EQ(born::max_pool2d(conv, 2).str(), "f32[2, 8, 4, 4]");
  EXPECT_EQ(born::avg_pool2d(conv, 3, 1, 1).str(), "f32[2, 8, 8, 8]");
  born::Tensor flat = born::flatten(conv);
  EXPECT_EQ(flat.str(), "f32[2, 512]");
  EXPECT_EQ(born::reshape(flat, {-1, 8, 64}).str(), "f32[2, 8, 64]");
  EXPECT_EQ(born::sum(flat, {-1}, true).str(), "f32[2, 1]");
  EXPECT_EQ(born::mean(flat).str(), "f32[]");
  EXPECT_EQ(born::amax(conv, {2, 3}).str(), "f32[2, 8]");
  EXPECT_EQ(born::argmax(flat, 1).str(), "i64[2]");
  EXPECT_EQ(born::softmax(flat).str(), "f32[2, 512]");
  EXPECT_EQ(born::log_softmax(flat, 0).str(), "f32[2, 512]");
  EXPECT_EQ(born::layer_norm(flat, g.param("g", {512}), g.param("beta", {512}))
                .str(),
            "f32[2, 512]");
  EXPECT_EQ(born::rms_norm(conv, g.param("s", {8, 8})).str(),
            "f32[2, 8, 8, 8]");
  EXPECT_EQ(born::transpose(conv, 1, 3).str(), "f32[2, 8, 8, 8]");
  EXPECT_EQ(born::permute(img, {0, 2, 3, 1}).str(), "f32[2, 16, 16, 3]");
  EXPECT_EQ(born::broadcast_to(g.param("v", {512}), {4, 512}).str(),
            "f32[4, 512]");
  EXPECT_EQ(born::concat({flat, flat}, -1).str(), "f32[2, 1024]");
  EXPECT_EQ(born::slice(flat, {0, 2}, {2, 10}, {1, 2}).str(), "f32[2, 4]");
  EXPECT_EQ(born::narrow(img, 1, 0, 2).str(), "f32[2, 2, 16, 16]");
  EXPECT_EQ(born::gather(g.param("emb", {100, 32}), ids).str(),
            "f32[1, 7, 32]");
  born::Tensor mask = born::gt(flat, g.constant(0.0));
  EXPECT_EQ(mask.str(), "bool[2, 512]");
  EXPECT_EQ(born::where(mask, flat, -flat).str(), "f32[2, 512]");
  EXPECT_EQ(born::cast(flat, born::DType::F16).str(), "f16[2, 512]");
  EXPECT_EQ((2.0 * born::gelu(flat, true) - 1.0).str(), "f32[2, 512]");
  EXPECT_EQ(born::pow(born::sigmoid(flat), 2.0).str(), "f32[2, 512]");
  EXPECT_EQ(born::linear(flat, g.param("fc.weight", {10, 512}),
                         g.param("fc.bias", {10}))
                .str(),
            "f32[2, 10]");
  EXPECT_EQ(g.intConstant({1, 2, 3, 4}, {2, 2}).str(), "i64[2, 2]");
  EXPECT_EQ(g.full({3}, 1.5).str(), "f32[3]");
  ASSERT_TRUE(g.ok()) << g.error();
  EXPECT_THAT(g.str(), HasSubstr("born.pool2d max"));
  EXPECT_THAT(g.str(), HasSubstr("born.gather"));
}

TEST(GraphErrors, MatmulMismatchNamesOpAndShapes) {
  born::Graph g("bad");
  born::Tensor x = g.input("x", {64, 784});
  born::Tensor y = born::matmul(x, g.param("w", {512, 10}));
  EXPECT_FALSE(y.valid());
  EXPECT_FALSE(g.ok());
  EXPECT_THAT(g.error(), HasSubstr("born.matmul"));
  EXPECT_THAT(g.error(), HasSubstr("[64, 784]"));
  EXPECT_THAT(g.error(), HasSubstr("[512, 10]"));

  // Later uses of the invalid tensor keep the first error.
  std::string first = g.error();
  g.output(born::relu(y) + 1.0, "out");
  EXPECT_EQ(g.error(), first);
  llvm::Expected<born::CompiledModel> m = g.compile();
  ASSERT_FALSE(static_cast<bool>(m));
  EXPECT_THAT(errorText(m.takeError()), HasSubstr(first));
}

TEST(GraphErrors, BroadcastMismatch) {
  born::Graph g("bad");
  born::Tensor y = g.input("a", {4, 3}) + g.input("b", {5});
  EXPECT_FALSE(y.valid());
  EXPECT_THAT(g.error(), HasSubstr("born.add(f32[4, 3], f32[5])"));
  EXPECT_THAT(g.error(), HasSubstr("do not broadcast"));
}

TEST(GraphErrors, VerifierMessagesAndApiChecks) {
  {
    born::Graph g("bad");
    born::reshape(g.input("x", {2, 3}), {7});
    EXPECT_THAT(g.error(), HasSubstr("born.reshape(f32[2, 3]) -> f32[7]: "
                                     "input has 6 elements"));
  }
  {
    born::Graph g("bad");
    born::reshape(g.input("x", {2, 3}), {-1, 4});
    EXPECT_THAT(g.error(), HasSubstr("reshape: cannot infer the -1"));
  }
  {
    born::Graph g("bad");
    born::conv2d(g.input("x", {1, 3, 8, 8}), g.param("w", {4, 2, 3, 3}));
    EXPECT_THAT(g.error(), HasSubstr("born.conv2d(f32[1, 3, 8, 8], "
                                     "f32[4, 2, 3, 3])"));
  }
  {
    born::Graph g("bad");
    born::softmax(g.input("x", {2, 3}), 2);
    EXPECT_THAT(g.error(), HasSubstr("born.softmax(f32[2, 3])"));
    EXPECT_THAT(g.error(), HasSubstr("out of range"));
  }
  {
    born::Graph g("bad");
    born::relu(g.input("m", {4}, born::DType::Bool));
    EXPECT_THAT(g.error(), HasSubstr("born.relu(bool[4])"));
  }
  {
    born::Graph a("a"), b("b");
    born::add(a.input("x", {2}), b.input("y", {2}));
    EXPECT_THAT(a.error(), HasSubstr("different graphs"));
  }
  {
    born::Graph g("bad");
    g.param("w", {2, 3});
    g.param("w", {3, 2});
    EXPECT_THAT(g.error(), HasSubstr("param 'w' is declared as f32[2, 3] and "
                                     "again as f32[3, 2]"));
  }
}

TEST(GraphErrors, UnknownParamAtCompile) {
  born::Graph g("net");
  born::Tensor x = g.input("x", {2, 4});
  g.output(x + g.param("fc9.bias", {4}), "y");
  born::Weights weights;
  weights.set("fc1.bias", {4}, std::vector<float>{1, 2, 3, 4});
  llvm::Expected<born::CompiledModel> m = g.compile(weights);
  ASSERT_FALSE(static_cast<bool>(m));
  std::string msg = errorText(m.takeError());
  EXPECT_THAT(msg, HasSubstr("param 'fc9.bias' (f32[4]) has no weights"));
  EXPECT_THAT(msg, HasSubstr("fc1.bias"));
}

TEST(GraphErrors, WeightsOfTheWrongShape) {
  born::Graph g("net");
  g.output(g.param("w", {2, 3}), "y");
  born::Weights weights;
  weights.set("w", {3, 2}, std::vector<float>(6, 1.0f));
  llvm::Expected<born::CompiledModel> m = g.compile(weights);
  ASSERT_FALSE(static_cast<bool>(m));
  EXPECT_THAT(errorText(m.takeError()),
              HasSubstr("parameter 'w': the IR expects shape [2, 3]"));

  born::Weights bad;
  bad.set("w", {2, 3}, std::vector<float>(5, 1.0f));
  EXPECT_THAT(bad.error(), HasSubstr("tensor 'w' of shape [2, 3] needs 24 "
                                     "bytes of f32, got 20"));
}

// Runs without any born op to lower: params and inputs pass straight through.
TEST(GraphRun, PassThroughParamAndInput) {
  born::Graph g("pass");
  born::Tensor x = g.input("x", {2, 3});
  g.output(x, "same");
  g.output(g.param("w", {3, 2}), "weights");
  born::Weights weights;
  std::vector<float> w = {1, 2, 3, 4, 5, 6};
  weights.set("w", w); // shape taken from the param
  llvm::Expected<born::CompiledModel> m = g.compile(weights);
  ASSERT_TRUE(static_cast<bool>(m)) << errorText(m.takeError());
  ASSERT_EQ(m->inputs().size(), 1u);
  EXPECT_EQ(m->inputs()[0].name, "x");
  EXPECT_EQ(m->outputs()[1].shape, (std::vector<int64_t>{3, 2}));

  std::vector<float> in = randomValues(6, 1), same(6), weightsOut(6);
  ASSERT_FALSE(m->run({in}, {same, weightsOut}));
  EXPECT_EQ(same, in);
  EXPECT_EQ(weightsOut, w);

  std::vector<float> tooSmall(5);
  EXPECT_THAT(errorText(m->run({in}, {tooSmall, weightsOut})),
              HasSubstr("output 0 'same' is f32[2, 3] (24 bytes), got 20"));
  std::vector<double> wrongType(6);
  EXPECT_THAT(errorText(m->run({wrongType}, {same, weightsOut})),
              HasSubstr("input 0 'x' is f32[2, 3]"));
}

TEST(GraphRun, MatmulBiasRelu) {
  const int64_t M = 5, K = 7, N = 6;
  born::Graph g("layer");
  born::Tensor x = g.input("x", {M, K});
  born::Tensor y = born::relu(born::matmul(x, g.param("w", {K, N})) +
                              g.param("b", {N}));
  g.output(y, "y");
  std::vector<float> xs = randomValues(M * K, 1), ws = randomValues(K * N, 2),
                     bs = randomValues(N, 3);
  born::Weights weights;
  weights.set("w", {K, N}, ws);
  weights.set("b", {N}, bs);
  llvm::Expected<born::CompiledModel> m = g.compile(weights);
  ASSERT_TRUE(static_cast<bool>(m)) << errorText(m.takeError());
  std::vector<float> out(M * N);
  ASSERT_FALSE(m->run({xs}, {out}));
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      float acc = bs[j];
      for (int64_t k = 0; k < K; ++k)
        acc += xs[i * K + k] * ws[k * N + j];
      EXPECT_NEAR(out[i * N + j], std::max(acc, 0.0f), 1e-5)
          << "at " << i << ", " << j;
    }
}

// Outputs written over their inputs' buffers give the same values as
// outputs of their own: an update fused with its gradient (in place), and a
// transpose of an input that is read after its tied output is written (the
// compiled code reads a copy).
TEST(GraphRun, OutputsTiedToInputs) {
  const int64_t R = 24, C = 40;
  born::Graph g("tied");
  born::Tensor w = g.input("w", {R, C}), v = g.input("v", {R, C}),
               x = g.input("x", {R, C});
  born::Tensor grad =
      born::matmul(born::transpose(born::matmul(x, born::transpose(w))), x);
  born::Tensor wNew = w - grad * 0.01;
  g.output(wNew, "w_new", w);
  g.output(v * 2.0, "v_new", v);
  g.output(born::transpose(v), "v_t");
  ASSERT_TRUE(g.ok()) << g.error();
  llvm::Expected<born::CompiledModel> m = g.compile();
  ASSERT_TRUE(static_cast<bool>(m)) << errorText(m.takeError());
  EXPECT_EQ(m->outputs()[0].tiedInput, 0);
  EXPECT_EQ(m->outputs()[1].tiedInput, 1);
  EXPECT_EQ(m->outputs()[2].tiedInput, -1);

  std::vector<float> ws = randomValues(R * C, 1), vs = randomValues(R * C, 2),
                     xs = randomValues(R * C, 3);
  std::vector<float> wNewOut(R * C), vNewOut(R * C), vT(R * C);
  ASSERT_FALSE(m->run({ws, vs, xs}, {wNewOut, vNewOut, vT}));
  // w - 0.01 * (x w^T)^T x, and the others, on the host.
  for (int64_t i = 0; i < R; ++i)
    for (int64_t j = 0; j < C; ++j) {
      double grad = 0;
      for (int64_t k = 0; k < R; ++k) {
        double xw = 0; // (x w^T)[k, i]
        for (int64_t c = 0; c < C; ++c)
          xw += double(xs[k * C + c]) * ws[i * C + c];
        grad += xw * xs[k * C + j];
      }
      EXPECT_NEAR(wNewOut[i * C + j], ws[i * C + j] - 0.01 * grad, 1e-4);
      EXPECT_EQ(vNewOut[i * C + j], 2 * vs[i * C + j]);
      EXPECT_EQ(vT[j * R + i], vs[i * C + j]);
    }

  std::vector<float> wInPlace = ws, vInPlace = vs, vT2(R * C);
  ASSERT_FALSE(m->run({wInPlace, vInPlace, xs}, {wInPlace, vInPlace, vT2}));
  EXPECT_EQ(wInPlace, wNewOut);
  EXPECT_EQ(vInPlace, vNewOut);
  EXPECT_EQ(vT2, vT);
}

TEST(GraphErrors, TiedOutputChecks) {
  born::Graph g("tied");
  born::Tensor a = g.input("a", {4}), b = g.input("b", {3});
  g.output(a * 2.0, "twice", b);
  EXPECT_THAT(g.error(), HasSubstr("output 'twice' is f32[4] but input 'b', "
                                   "whose buffer it may share, is f32[3]"));
  born::Graph h("tied");
  born::Tensor c = h.input("c", {4});
  h.output(c, "not_an_input", c * 2.0);
  EXPECT_THAT(h.error(), HasSubstr("is not an input of graph 'tied'"));
  born::Graph k("tied");
  born::Tensor d = k.input("d", {4});
  k.output(d * 2.0, "first", d);
  k.output(d * 3.0, "second", d);
  EXPECT_THAT(k.error(), HasSubstr("input 'd' already has an output written "
                                   "into its buffer"));
}

// A function in born IR built into a graph: its params become the graph's.
TEST(GraphRun, CallBuildsAFunctionsBody) {
  born::Graph g("caller");
  mlir::OwningOpRef<mlir::ModuleOp> source = mlir::parseSourceString<mlir::ModuleOp>(R"(
    func.func @scale(%x: tensor<4xf32>) -> tensor<4xf32> {
      %s = born.param "s" : tensor<4xf32>
      %y = born.mul %x, %s : tensor<4xf32>, tensor<4xf32>
      return %y : tensor<4xf32>
    })", &g.context());
  ASSERT_TRUE(source);
  auto scale = *source->getOps<mlir::func::FuncOp>().begin();
  born::Tensor x = g.input("x", {4});
  std::vector<born::Tensor> y = g.call(scale, {x});
  ASSERT_EQ(y.size(), 1u);
  g.output(y[0] + 1.0, "y");
  ASSERT_TRUE(g.ok()) << g.error();
  ASSERT_EQ(g.params().size(), 1u);
  EXPECT_EQ(g.params()[0].name, "s");
  born::Weights weights;
  std::vector<float> s = {1, 2, 3, 4};
  weights.set("s", s);
  llvm::Expected<born::CompiledModel> m = g.compile(weights);
  ASSERT_TRUE(static_cast<bool>(m)) << errorText(m.takeError());
  std::vector<float> in = {1, 1, 2, 2}, out(4);
  ASSERT_FALSE(m->run({in}, {out}));
  EXPECT_EQ(out, (std::vector<float>{2, 3, 7, 9}));

  born::Graph h("caller");
  born::Tensor z = h.input("z", {3});
  h.call(scale, {z});
  EXPECT_THAT(h.error(), HasSubstr("call @scale: the function belongs to "
                                   "another MLIRContext"));
  for (int args : {2, 1}) {
    born::Graph k("caller");
    mlir::OwningOpRef<mlir::ModuleOp> id = mlir::parseSourceString<mlir::ModuleOp>(
        "func.func @id(%a: tensor<4xf32>) -> tensor<4xf32> { return %a : tensor<4xf32> }",
        &k.context());
    ASSERT_TRUE(id);
    born::Tensor v = k.input("v", {3});
    k.call(*id->getOps<mlir::func::FuncOp>().begin(),
           std::vector<born::Tensor>(args, v));
    EXPECT_THAT(k.error(), HasSubstr(args == 2 ? "the function takes 1 arguments, got 2"
                                               : "argument 0 is f32[4], got f32[3]"));
  }
}

TEST(GraphErrors, QuantizedMatmulChecks) {
  born::Graph g("bad");
  born::Tensor x = g.input("x", {2, 64});
  // Q8_0 rows of K = 64 take 2 blocks of 34 bytes, not 60.
  born::Tensor y = born::quantized_matmul(
      x, g.param("w", {3, 60}, born::DType::I8), /*Q8_0*/ 8);
  EXPECT_FALSE(y.valid());
  EXPECT_THAT(g.error(), HasSubstr("take 68 bytes, got 60"));

  born::Graph h("bad_type");
  y = born::quantized_matmul(h.input("x", {2, 64}),
                             h.param("w", {3, 68}, born::DType::I8),
                             /*IQ2_XXS*/ 16);
  EXPECT_FALSE(y.valid());
  EXPECT_THAT(h.error(),
              HasSubstr("quantized_matmul: ggml type 16 has no quantized"));

  // F16 (ggml type 1) multiplies an [N, K] f16 matrix, not bytes.
  born::Graph f("f16_bytes");
  y = born::quantized_matmul(f.input("x", {2, 64}),
                             f.param("w", {3, 128}, born::DType::I8), 1);
  EXPECT_FALSE(y.valid());
  EXPECT_THAT(f.error(), HasSubstr("a f16 weight must be [N, 64] of 'f16', "
                                   "got [3, 128] of 'i8'"));
}

// Q8_0 blocks written by hand (f16 scale, then 32 signed bytes): the
// decoded weight is q * scale.
TEST(GraphRun, QuantizedMatmulQ8_0) {
  const int64_t M = 3, K = 64, N = 5, blocks = K / 32;
  born::Graph g("q8");
  born::Tensor x = g.input("x", {M, K});
  g.output(born::quantized_matmul(
               x, g.param("w", {N, blocks * 34}, born::DType::I8), 8),
           "y");
  ASSERT_TRUE(g.ok()) << g.error();
  std::vector<uint8_t> bytes;
  std::vector<float> w(N * K);
  const uint16_t halves[] = {0x3800, 0x2e66, 0x4100}; // 0.5, ~0.1, 2.5
  const float scales[] = {0.5f, 0.0999755859375f, 2.5f};
  for (int64_t n = 0; n < N; ++n)
    for (int64_t b = 0; b < blocks; ++b) {
      int s = (n + b) % 3;
      bytes.push_back(halves[s] & 0xff);
      bytes.push_back(halves[s] >> 8);
      for (int64_t e = 0; e < 32; ++e) {
        int8_t q = static_cast<int8_t>((n * 37 + b * 11 + e * 5) % 255 - 127);
        bytes.push_back(static_cast<uint8_t>(q));
        w[n * K + b * 32 + e] = q * scales[s];
      }
    }
  born::Weights weights;
  weights.setBytes("w", born::DType::I8, {N, blocks * 34}, bytes);
  llvm::Expected<born::CompiledModel> m = g.compile(weights);
  ASSERT_TRUE(static_cast<bool>(m)) << errorText(m.takeError());
  std::vector<float> xs = randomValues(M * K, 4), out(M * N);
  ASSERT_FALSE(m->run({xs}, {out}));
  for (int64_t i = 0; i < M; ++i)
    for (int64_t j = 0; j < N; ++j) {
      double acc = 0;
      for (int64_t k = 0; k < K; ++k)
        acc += static_cast<double>(xs[i * K + k]) * w[j * K + k];
      EXPECT_NEAR(out[i * N + j], acc, 1e-4 * (1 + std::fabs(acc)))
          << "at " << i << ", " << j;
    }
}

TEST(GraphRun, InlineParamsScalarsAndSoftmax) {
  born::Graph g("small");
  born::Tensor x = g.input("x", {2, 3});
  born::Tensor scale = g.param("scale", {3}, std::vector<float>{1, 2, 3});
  g.output(born::softmax(x * scale - 1.0), "p");
  llvm::Expected<born::CompiledModel> m = g.compile();
  ASSERT_TRUE(static_cast<bool>(m)) << errorText(m.takeError());
  std::vector<float> xs = {0.5f, -1, 2, 0, 1, -0.25f}, out(6);
  ASSERT_FALSE(m->run({xs}, {out}));
  for (int r = 0; r < 2; ++r) {
    float e[3], total = 0;
    for (int c = 0; c < 3; ++c)
      total += e[c] = std::exp(xs[r * 3 + c] * (c + 1) - 1.0f);
    for (int c = 0; c < 3; ++c)
      EXPECT_NEAR(out[r * 3 + c], e[c] / total, 1e-6);
  }
}

TEST(GraphOutputs, ObjectAndHeader) {
  born::Graph g("tiny");
  g.output(g.input("x", {4}), "y");
  llvm::SmallString<128> dir;
  ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("born-api-test", dir));
  std::string object = (dir + "/tiny.o").str();
  ASSERT_FALSE(g.compileToObject(object));
  EXPECT_TRUE(llvm::sys::fs::exists(object));
  auto header = llvm::MemoryBuffer::getFile((dir + "/tiny.h").str());
  ASSERT_TRUE(static_cast<bool>(header));
  EXPECT_THAT((*header)->getBuffer().str(),
              HasSubstr("extern const born_model tiny_model;"));
  llvm::sys::fs::remove_directories(dir);
}
} // namespace
