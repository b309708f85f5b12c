// Trains an MLP 784-256-128-10 on Fashion-MNIST with Adam: the whole step
// (forward, cross-entropy, backward, update) is one compiled function.
//
//   train-mlp --data /usr/share/datasets/fashion-mnist --epochs 5
#include "examples/TrainMain.h"

using namespace born;

// Standardizes pixels in [0, 1] with Fashion-MNIST's mean and deviation,
// inside the graph, so that the inference executable takes raw pixels too.
static Tensor standardize(const Tensor &images) {
  return (images - 0.2860) / 0.3530;
}

static Tensor linearLayer(Graph &g, const Tensor &x, const std::string &name,
                          int64_t in, int64_t out) {
  return linear(x, g.param(name + ".weight", {out, in}),
                g.param(name + ".bias", {out}));
}

int main(int argc, char **argv) {
  auto model = [](Graph &g, const Tensor &images) {
    Tensor h1 = relu(linearLayer(g, standardize(images), "fc1", 784, 256));
    Tensor h2 = relu(linearLayer(g, h1, "fc2", 256, 128));
    return linearLayer(g, h2, "fc3", 128, 10);
  };
  return examples::runTraining(argc, argv, "mlp", model, {784});
}
