// A small MLP 64-32-10 at batch 16, weights in torch nn.Linear layout
// ([out, in]): `bornc train_mlp.mlir --train=adam` compiles its training
// step (tests/e2e/train_step.py checks it against torch.optim).
func.func @mlp(%x: tensor<16x64xf32> {born.name = "x"}) -> (tensor<16x10xf32> {born.name = "logits"}) {
  %w1 = born.param "fc1.weight" : tensor<32x64xf32>
  %b1 = born.param "fc1.bias" : tensor<32xf32>
  %w2 = born.param "fc2.weight" : tensor<10x32xf32>
  %b2 = born.param "fc2.bias" : tensor<10xf32>
  %t1 = born.transpose %w1 permutation = [1, 0] : tensor<32x64xf32>
  %m1 = born.matmul %x, %t1 : tensor<16x64xf32>, tensor<64x32xf32>
  %a1 = born.add %m1, %b1 : tensor<16x32xf32>, tensor<32xf32>
  %h1 = born.relu %a1 : tensor<16x32xf32>
  %t2 = born.transpose %w2 permutation = [1, 0] : tensor<10x32xf32>
  %m2 = born.matmul %h1, %t2 : tensor<16x32xf32>, tensor<32x10xf32>
  %a2 = born.add %m2, %b2 : tensor<16x10xf32>, tensor<10xf32>
  return %a2 : tensor<16x10xf32>
}
