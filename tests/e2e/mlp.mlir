// The MLP 784-512-256-10 at batch 64, weights in torch nn.Linear layout
// ([out, in]), from tests/e2e/reference.py.
func.func @mlp(%x: tensor<64x784xf32> {born.name = "x"}) -> (tensor<64x10xf32> {born.name = "logits"}) {
  %w1 = born.param "fc1.weight" : tensor<512x784xf32>
  %b1 = born.param "fc1.bias" : tensor<512xf32>
  %w2 = born.param "fc2.weight" : tensor<256x512xf32>
  %b2 = born.param "fc2.bias" : tensor<256xf32>
  %w3 = born.param "fc3.weight" : tensor<10x256xf32>
  %b3 = born.param "fc3.bias" : tensor<10xf32>
  %t1 = born.transpose %w1 permutation = [1, 0] : tensor<512x784xf32>
  %m1 = born.matmul %x, %t1 : tensor<64x784xf32>, tensor<784x512xf32>
  %a1 = born.add %m1, %b1 : tensor<64x512xf32>, tensor<512xf32>
  %h1 = born.relu %a1 : tensor<64x512xf32>
  %t2 = born.transpose %w2 permutation = [1, 0] : tensor<256x512xf32>
  %m2 = born.matmul %h1, %t2 : tensor<64x512xf32>, tensor<512x256xf32>
  %a2 = born.add %m2, %b2 : tensor<64x256xf32>, tensor<256xf32>
  %h2 = born.relu %a2 : tensor<64x256xf32>
  %t3 = born.transpose %w3 permutation = [1, 0] : tensor<10x256xf32>
  %m3 = born.matmul %h2, %t3 : tensor<64x256xf32>, tensor<256x10xf32>
  %a3 = born.add %m3, %b3 : tensor<64x10xf32>, tensor<10xf32>
  return %a3 : tensor<64x10xf32>
}
