// An MLP 784-512-256-10 at batch 64, written with the C++ graph API.
// Parameters use PyTorch's names and layouts (nn.Linear weight is [out, in]),
// so a state_dict saved as SafeTensors loads as is (tests/e2e/reference.py).
//
//   mlp                                   # pseudo-random weights and input
//   mlp --weights mlp.safetensors --input x.npy --output logits.npy
//   mlp --emit-exe mlp_exe --emit-obj mlp.o
#include "examples/ExampleMain.h"

using namespace born;

static Tensor linearLayer(Graph &g, const Tensor &x, const std::string &name,
                          int64_t in, int64_t out) {
  return linear(x, g.param(name + ".weight", {out, in}),
                g.param(name + ".bias", {out}));
}

int main(int argc, char **argv) {
  Graph g("mlp");
  Tensor x = g.input("x", {64, 784});
  Tensor h1 = relu(linearLayer(g, x, "fc1", 784, 512));
  Tensor h2 = relu(linearLayer(g, h1, "fc2", 512, 256));
  Tensor logits = linearLayer(g, h2, "fc3", 256, 10);
  g.output(logits, "logits");
  g.output(argmax(logits, 1), "class");
  return examples::runExample(argc, argv, g);
}
