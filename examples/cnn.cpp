// A small CNN on 8 images of 1x28x28, written with the C++ graph API:
// two blocks of conv 3x3 (padding 1) + bias + relu + 2x2 max-pool (1 -> 8 -> 16
// channels), then flatten and a linear layer 784 -> 10. Parameter names and
// layouts are PyTorch's (Conv2d weight [out, in, kh, kw], Linear [out, in]).
//
//   cnn --weights cnn.safetensors --input images.npy --output logits.npy
#include "examples/ExampleMain.h"

using namespace born;

static Tensor convBlock(Graph &g, const Tensor &x, const std::string &name,
                        int64_t in, int64_t out) {
  Tensor y = conv2d(x, g.param(name + ".weight", {out, in, 3, 3}),
                    g.param(name + ".bias", {out}), /*stride=*/1,
                    /*padding=*/1);
  return max_pool2d(relu(y), 2);
}

int main(int argc, char **argv) {
  Graph g("cnn");
  Tensor images = g.input("images", {8, 1, 28, 28});
  Tensor features = convBlock(g, convBlock(g, images, "conv1", 1, 8), "conv2",
                              8, 16);
  Tensor logits = linear(flatten(features), g.param("fc.weight", {10, 784}),
                         g.param("fc.bias", {10}));
  g.output(logits, "logits");
  g.output(argmax(logits, 1), "class");
  return examples::runExample(argc, argv, g);
}
