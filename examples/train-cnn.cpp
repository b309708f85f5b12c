// Trains a CNN on Fashion-MNIST with Adam (lr 2e-3, cosine schedule): two blocks of conv 3x3 (padding
// 1) + relu + 2x2 max-pool (1 -> 16 -> 32 channels), then a linear layer
// 1568 -> 10. Names and layouts are PyTorch's.
//
//   train-cnn --data /usr/share/datasets/fashion-mnist --epochs 5
#include "examples/TrainMain.h"

using namespace born;

// Standardizes pixels in [0, 1] with Fashion-MNIST's mean and deviation,
// inside the graph, so that the inference executable takes raw pixels too.
static Tensor standardize(const Tensor &images) {
  return (images - 0.2860) / 0.3530;
}

static Tensor convBlock(Graph &g, const Tensor &x, const std::string &name,
                        int64_t in, int64_t out) {
  Tensor y = conv2d(x, g.param(name + ".weight", {out, in, 3, 3}),
                    g.param(name + ".bias", {out}), /*stride=*/1,
                    /*padding=*/1);
  return max_pool2d(relu(y), 2);
}

int main(int argc, char **argv) {
  auto model = [](Graph &g, const Tensor &images) {
    Tensor features = convBlock(
        g, convBlock(g, standardize(images), "conv1", 1, 16), "conv2", 16, 32);
    return linear(flatten(features), g.param("fc.weight", {10, 32 * 7 * 7}),
                  g.param("fc.bias", {10}));
  };
  return examples::runTraining(argc, argv, "cnn", model, {1, 28, 28},
                               /*lr=*/2e-3);
}
