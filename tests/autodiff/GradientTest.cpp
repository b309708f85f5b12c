// Checks every derivative rule of born-autodiff against central finite
// differences in float64. Each test builds one graph whose loss is a sum of
// terms sum(op(inputs) * r), r a random weight tensor, so that every output
// element of every op weighs differently in the loss; asks for the gradients
// of all its float inputs; compiles it once (the costly part, so each graph
// covers several rules); then, for every input element, compares the
// compiled gradient with (loss(x + h) - loss(x - h)) / 2h computed by
// running the same compiled model.
#include "compiler/API/Graph.h"
#include "dialects/born/IR/BornOps.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace {

using born::DType;
using born::Tensor;

class GradientCheck {
public:
  explicit GradientCheck(const char *name) : graph(name), rng(1234) {}

  /// A float64 input with uniform random values in [lo, hi]; `awayFromZero`
  /// keeps |x| >= 0.2 (for kinks at 0). `step` is its finite-difference step.
  Tensor input(llvm::ArrayRef<int64_t> shape, double lo, double hi,
               bool awayFromZero = false, double step = 1e-5) {
    Input in;
    in.name = "x" + std::to_string(inputs.size());
    in.shape.assign(shape.begin(), shape.end());
    in.step = step;
    std::uniform_real_distribution<double> dist(lo, hi);
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    for (int64_t i = 0; i < n; ++i) {
      double v = dist(rng);
      if (awayFromZero && std::abs(v) < 0.2)
        v = v < 0 ? v - 0.2 : v + 0.2;
      in.values.push_back(v);
    }
    Tensor t = graph.input(in.name, shape, DType::F64);
    inputs.push_back(std::move(in));
    tensors.push_back(t);
    return t;
  }

  /// Adds sum(y * r) to the loss, r random in [-1, 1] of y's shape.
  void term(const Tensor &y) {
    ASSERT_TRUE(y.valid()) << graph.error();
    std::uniform_real_distribution<float> dist(-1, 1);
    std::vector<float> r(y.numElements());
    for (float &v : r)
      v = dist(rng);
    Tensor weighted = born::cast(y, DType::F64) *
                      born::cast(graph.constant(r, y.shape()), DType::F64);
    Tensor t = born::sum(weighted);
    loss = loss.valid() ? loss + t : t;
  }

  /// Compiles the graph with the gradients of every input and compares each
  /// with central differences: |analytic - numeric| <= tol (1 + |numeric|).
  void check(double tol = 1e-6) {
    graph.output(loss, "loss");
    graph.requestGradients(tensors);
    ASSERT_TRUE(graph.ok()) << graph.error();
    llvm::Expected<born::CompiledModel> model = graph.compile();
    ASSERT_TRUE(static_cast<bool>(model)) << llvm::toString(model.takeError());
    ASSERT_EQ(model->outputs().size(), 1 + inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i)
      EXPECT_EQ(model->outputs()[1 + i].name, "grad_" + inputs[i].name);

    std::vector<born::InputBuffer> in;
    for (Input &x : inputs)
      in.emplace_back(x.values);
    std::vector<double> lossValue(1);
    std::vector<std::vector<double>> grads;
    for (Input &x : inputs)
      grads.emplace_back(x.values.size());
    std::vector<born::OutputBuffer> out = {born::OutputBuffer(lossValue)};
    for (auto &g : grads)
      out.emplace_back(g);
    ASSERT_FALSE(static_cast<bool>(model->run(in, out)));

    std::vector<double> probeLoss(1);
    std::vector<std::vector<double>> probeGrads = grads;
    std::vector<born::OutputBuffer> probe = {born::OutputBuffer(probeLoss)};
    for (auto &g : probeGrads)
      probe.emplace_back(g);
    auto lossAt = [&]() {
      EXPECT_FALSE(static_cast<bool>(model->run(in, probe)));
      return probeLoss[0];
    };
    for (size_t i = 0; i < inputs.size(); ++i) {
      Input &x = inputs[i];
      // One wrong rule fails many elements: report the first few.
      size_t mismatches = 0;
      for (size_t e = 0; e < x.values.size(); ++e) {
        double saved = x.values[e];
        x.values[e] = saved + x.step;
        double up = lossAt();
        x.values[e] = saved - x.step;
        double down = lossAt();
        x.values[e] = saved;
        double numeric = (up - down) / (2 * x.step);
        if (std::abs(grads[i][e] - numeric) <= tol * (1 + std::abs(numeric)))
          continue;
        if (++mismatches <= 5)
          ADD_FAILURE() << "d loss / d " << x.name << "[" << e << "] ("
                        << tensors[i].str() << "): compiled " << grads[i][e]
                        << ", finite differences " << numeric;
      }
      EXPECT_EQ(mismatches, 0u)
          << "elements of " << x.name << " (" << tensors[i].str()
          << ") with a wrong gradient";
    }
  }

  born::Graph graph;

private:
  struct Input {
    std::string name;
    std::vector<int64_t> shape;
    std::vector<double> values;
    double step;
  };
  std::mt19937 rng;
  std::vector<Input> inputs;
  std::vector<Tensor> tensors;
  Tensor loss;
};

TEST(Gradient, BinaryOpsWithBroadcasting) {
  GradientCheck c("binary");
  Tensor a = c.input({2, 3, 4}, -2, 2), b = c.input({3, 1}, -2, 2);
  Tensor v = c.input({4}, -2, 2);
  Tensor pos = c.input({3, 4}, 0.5, 2), e = c.input({4}, 0.5, 2);
  c.term(a + b);
  c.term(a - v);
  c.term(a * b);
  c.term(a / pos);
  c.term(born::pow(pos, e));
  c.term(born::maximum(a, v));
  c.term(born::minimum(b, a));
  c.check();
}

TEST(Gradient, UnaryOpsAndActivations) {
  GradientCheck c("unary");
  Tensor x = c.input({2, 5}, -2, 2, /*awayFromZero=*/true);
  Tensor pos = c.input({2, 5}, 0.5, 3);
  Tensor unit = c.input({7}, -0.9, 0.9);
  Tensor big = c.input({3}, 1.2, 3);
  for (Tensor y :
       {-x, born::abs(x), born::exp(x), born::log(pos), born::sqrt(pos),
        born::rsqrt(pos), born::tanh(x), born::sigmoid(x), born::relu(x),
        born::silu(x), born::gelu(x), born::gelu(x, /*approximate=*/true),
        born::erf(x)})
    c.term(y);
  // Ops without C++ API functions, built directly.
  mlir::OpBuilder &b = c.graph.builder();
  mlir::Location loc = b.getUnknownLoc();
  auto op = [&](auto tag, const Tensor &in) {
    using OpT = decltype(tag);
    return c.graph.finish(
        OpT::create(b, loc, in.value().getType(), in.value()));
  };
  for (Tensor y :
       {op(born::SinOp(), x), op(born::CosOp(), x), op(born::TanOp(), unit),
        op(born::SinhOp(), x), op(born::CoshOp(), x), op(born::AsinOp(), unit),
        op(born::AcosOp(), unit), op(born::AtanOp(), x), op(born::AsinhOp(), x),
        op(born::AcoshOp(), big), op(born::AtanhOp(), unit)})
    c.term(y);
  c.check();
}

TEST(Gradient, WhereCastAndReuse) {
  GradientCheck c("select");
  Tensor x = c.input({3, 4}, -2, 2), y = c.input({4}, -2, 2);
  Tensor m = c.input({3, 1}, -1, 1, /*awayFromZero=*/true);
  // The mask depends on an input too: no gradient flows through cmp.
  c.term(born::where(born::gt(m, c.graph.constant(0.0, DType::F64)), x, y));
  // Through float32 and back: linear, so only rounding limits the step.
  Tensor r = c.input({5}, -2, 2, false, /*step=*/1e-2);
  c.term(born::cast(born::cast(r, DType::F32) * 3.0, DType::F64));
  // x used by several ops: its cotangents add up.
  c.term(x * x * born::tanh(x));
  c.check(2e-5);
}

TEST(Gradient, MatmulReductionsAndNormalizations) {
  GradientCheck c("contract");
  Tensor a = c.input({2, 3, 4}, -1, 1), b = c.input({4, 5}, -1, 1);
  Tensor p = c.input({3, 4}, -1, 1), q = c.input({2, 4, 2}, -1, 1);
  Tensor s = c.input({2, 1, 3, 4}, -1, 1), t = c.input({3, 4, 2}, -1, 1);
  c.term(born::matmul(a, b));
  c.term(born::matmul(p, q));
  c.term(born::matmul(s, t));
  Tensor x = c.input({3, 4, 5}, -2, 2);
  c.term(born::sum(x, {1}));
  c.term(born::mean(x, {0, 2}, /*keepdims=*/true));
  c.term(born::amax(x, {1}));
  c.term(born::amin(x, {0, 2}));
  c.term(born::softmax(x, 1));
  c.term(born::log_softmax(x, -1));
  Tensor scale = c.input({4, 5}, 0.5, 1.5), bias = c.input({4, 5}, -1, 1);
  c.term(born::layer_norm(x, scale, bias));
  Tensor w = c.input({5}, 0.5, 1.5);
  c.term(born::rms_norm(x, w));
  c.check();
}

TEST(Gradient, ShapeOpsAndGather) {
  GradientCheck c("shape");
  Tensor x = c.input({2, 3, 4}, -2, 2), y = c.input({2, 2, 4}, -2, 2);
  c.term(born::reshape(x, {4, 6}));
  c.term(born::permute(x, {2, 0, 1}));
  c.term(born::broadcast_to(c.input({3, 1}, -2, 2), {2, 3, 5}));
  c.term(born::concat({x, y, x}, 1));
  c.term(born::slice(x, {0, 1, 0}, {2, 3, 4}, {1, 1, 3}));
  Tensor table = c.input({5, 3}, -2, 2);
  // Repeated and negative indices: their rows accumulate.
  Tensor ids = c.graph.intConstant({0, 4, 2, 4, -1, 1}, {2, 3});
  c.term(born::gather(table, ids, 0));
  c.term(born::gather(table, c.graph.intConstant({2, 0, 2}, {3}), 1));
  c.check();
}

TEST(Gradient, ProductAndScatterAdd) {
  // Ops without C++ API functions, built directly (Graph::builder()
  // positions the builder; take it right before each op).
  GradientCheck c("direct");
  Tensor x = c.input({3, 4}, 0.5, 1.5);
  Tensor updates = c.input({2, 3, 4}, -2, 2);
  Tensor ids = c.graph.intConstant({1, 0, 1, -1, 4, 1}, {2, 3});
  mlir::OpBuilder &b = c.graph.builder();
  mlir::Location loc = b.getUnknownLoc();
  Tensor product = c.graph.finish(born::ReduceOp::create(
      b, loc, born::ReduceKindAttr::get(b.getContext(), born::ReduceKind::prod),
      x.value(), b.getDenseI64ArrayAttr({1}), nullptr));
  auto tableType = mlir::RankedTensorType::get({5, 4}, b.getF64Type());
  Tensor table = c.graph.finish(born::ScatterAddOp::create(
      b, loc, tableType, updates.value(), ids.value(), b.getI64IntegerAttr(0)));
  c.term(product);
  c.term(table);
  c.check();
}

TEST(Gradient, Convolution) {
  GradientCheck c("conv");
  Tensor x = c.input({2, 4, 7, 6}, -1, 1);
  Tensor w = c.input({6, 2, 3, 2}, -1, 1);
  born::Conv2DOptions grouped;
  grouped.stride = {2, 1};
  grouped.padding = {1, 0, 2, 1};
  grouped.dilation = {1, 2};
  grouped.groups = 2;
  c.term(born::conv2d(x, w, grouped));
  Tensor w2 = c.input({3, 4, 2, 3}, -1, 1);
  born::Conv2DOptions strided;
  strided.stride = {3, 2};
  strided.padding = {0, 2, 0, 0};
  c.term(born::conv2d(x, w2, strided));
  // Padding wider than the kernel reaches: the input gradient crops.
  Tensor w3 = c.input({2, 4, 1, 1}, -1, 1);
  c.term(born::conv2d(x, w3, born::Tensor(), /*stride=*/2, /*padding=*/1));
  c.check();
}

TEST(Gradient, Pooling) {
  GradientCheck c("pool");
  Tensor x = c.input({2, 3, 7, 6}, -2, 2);
  c.term(born::max_pool2d(x, /*kernel=*/3, /*stride=*/2, /*padding=*/1));
  c.term(born::max_pool2d(x, 2));
  born::Pool2DOptions avg;
  avg.kernel = {3, 2};
  avg.stride = {2, 2};
  avg.padding = {1, 1, 1, 0};
  c.term(born::avg_pool2d(x, avg));
  avg.countIncludePad = true;
  c.term(born::avg_pool2d(x, avg));
  c.check();
}

TEST(GradientErrors, NonDifferentiableOpOnThePath) {
  born::Graph g("floor");
  Tensor x = g.input("x", {4}, DType::F64);
  mlir::OpBuilder &b = g.builder();
  Tensor f = g.finish(born::FloorOp::create(b, b.getUnknownLoc(),
                                            x.value().getType(), x.value()));
  g.output(born::sum(f * x), "loss");
  g.requestGradients({x});
  llvm::Expected<born::CompiledModel> model = g.compile();
  ASSERT_FALSE(static_cast<bool>(model));
  std::string message = llvm::toString(model.takeError());
  EXPECT_NE(message.find("'born.floor' op is not differentiable, but the "
                         "gradient of the loss with respect to 'x' flows "
                         "through it"),
            std::string::npos)
      << message;
}

TEST(GradientErrors, IntegerInput) {
  born::Graph g("ints");
  Tensor x = g.input("ids", {4}, DType::I64);
  g.output(born::sum(born::cast(x, DType::F32)), "loss");
  g.requestGradients({x});
  EXPECT_FALSE(g.ok());
  EXPECT_NE(g.error().find("only float inputs have gradients"),
            std::string::npos)
      << g.error();
}

} // namespace
