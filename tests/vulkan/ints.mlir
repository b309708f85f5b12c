// Integer tensors: i32 and i64 elementwise arithmetic on 1-D and 3-D shapes,
// plus a result that is an input unchanged (a copy kernel on Vulkan).
#id1 = affine_map<(d0) -> (d0)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
func.func @forward(%a: tensor<100xi32>, %b: tensor<2x3x9xi64>)
    -> (tensor<100xi32>, tensor<2x3x9xi64>, tensor<100xi32>) {
  %k = born.param "k" : tensor<100xi32>
  %three = arith.constant 3 : i32
  %big = arith.constant 4294967296 : i64
  %ea = tensor.empty() : tensor<100xi32>
  %ra = linalg.generic {indexing_maps = [#id1, #id1, #id1], iterator_types = ["parallel"]}
      ins(%a, %k : tensor<100xi32>, tensor<100xi32>) outs(%ea : tensor<100xi32>) {
  ^bb0(%x: i32, %y: i32, %o: i32):
    %m = arith.muli %x, %three : i32
    %s = arith.subi %m, %y : i32
    linalg.yield %s : i32
  } -> tensor<100xi32>
  %eb = tensor.empty() : tensor<2x3x9xi64>
  %rb = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%b : tensor<2x3x9xi64>) outs(%eb : tensor<2x3x9xi64>) {
  ^bb0(%x: i64, %o: i64):
    %s = arith.addi %x, %big : i64
    linalg.yield %s : i64
  } -> tensor<2x3x9xi64>
  return %ra, %rb, %a : tensor<100xi32>, tensor<2x3x9xi64>, tensor<100xi32>
}
