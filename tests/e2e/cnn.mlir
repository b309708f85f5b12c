// A small CNN: two conv + bias + relu + 2x2 max-pool blocks, then a linear
// head. Weights come from tests/e2e/reference.py (torch layouts).
func.func @cnn(%x: tensor<8x1x28x28xf32> {born.name = "images"}) -> (tensor<8x10xf32> {born.name = "logits"}) {
  %w1 = born.param "conv1.weight" : tensor<8x1x3x3xf32>
  %b1 = born.param "conv1.bias" : tensor<8xf32>
  %w2 = born.param "conv2.weight" : tensor<16x8x3x3xf32>
  %b2 = born.param "conv2.bias" : tensor<16xf32>
  %w3 = born.param "fc.weight" : tensor<10x784xf32>
  %b3 = born.param "fc.bias" : tensor<10xf32>
  %c1 = born.conv2d %x, %w1 strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : tensor<8x1x28x28xf32>, tensor<8x1x3x3xf32>
  %rb1 = born.reshape %b1 : tensor<8xf32> to tensor<8x1x1xf32>
  %a1 = born.add %c1, %rb1 : tensor<8x8x28x28xf32>, tensor<8x1x1xf32>
  %r1 = born.relu %a1 : tensor<8x8x28x28xf32>
  %p1 = born.pool2d max %r1 kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<8x8x28x28xf32>
  %c2 = born.conv2d %p1, %w2 strides = [1, 1] padding = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : tensor<8x8x14x14xf32>, tensor<16x8x3x3xf32>
  %rb2 = born.reshape %b2 : tensor<16xf32> to tensor<16x1x1xf32>
  %a2 = born.add %c2, %rb2 : tensor<8x16x14x14xf32>, tensor<16x1x1xf32>
  %r2 = born.relu %a2 : tensor<8x16x14x14xf32>
  %p2 = born.pool2d max %r2 kernel = [2, 2] strides = [2, 2] padding = [0, 0, 0, 0] : tensor<8x16x14x14xf32>
  %f = born.reshape %p2 : tensor<8x16x7x7xf32> to tensor<8x784xf32>
  %t3 = born.transpose %w3 permutation = [1, 0] : tensor<10x784xf32>
  %m3 = born.matmul %f, %t3 : tensor<8x784xf32>, tensor<784x10xf32>
  %y = born.add %m3, %b3 : tensor<8x10xf32>, tensor<10xf32>
  return %y : tensor<8x10xf32>
}
