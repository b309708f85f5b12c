// Each --compile-to phase prints the IR as it stands after that phase.
// RUN: bornc -q %s --compile-to=import | FileCheck %s --check-prefix=IMPORT
// RUN: bornc -q %s --compile-to=graph | FileCheck %s --check-prefix=GRAPH
// RUN: bornc -q %s --compile-to=dispatch | FileCheck %s --check-prefix=DISPATCH --implicit-check-not=born.matmul --implicit-check-not=born.relu
// RUN: bornc -q %s --compile-to=kernels | FileCheck %s --check-prefix=KERNELS
// RUN: bornc -q %s --compile-to=host | FileCheck %s --check-prefix=HOST
// RUN: bornc %s --compile-to=host -o /dev/null 2>&1 | FileCheck %s --check-prefix=PROGRESS

// IMPORT: born.param "w"
// IMPORT: born.matmul

// GRAPH: func.func @dense(%{{.*}}: tensor<4x8xf32> {born.name = "x"}, %{{.*}}: tensor<8x16xf32> {born.param = "w"})
// GRAPH-NOT: born.param "
// GRAPH: born.relu

// One kernel: the fill, the matmul and the relu in one dispatch region.
// DISPATCH: born.dispatch -> (tensor<4x16xf32>) {
// DISPATCH: linalg.fill
// DISPATCH: linalg.matmul
// DISPATCH: linalg.generic
// DISPATCH-SAME: iterator_types = ["parallel", "parallel"]
// DISPATCH: born.yield

// KERNELS: func.func @dense(%{{.*}}: memref<4x8xf32> {born.name = "x"}, %{{.*}}: memref<8x16xf32> {born.param = "w"}, %{{.*}}: memref<4x16xf32>)
// KERNELS: vector.fma

// HOST: llvm.func @dense(%{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr, %{{.*}}: !llvm.ptr)
// HOST-NOT: born.param

// PROGRESS: bornc: import
// PROGRESS: bornc: graph
// PROGRESS: bornc: dispatch
// PROGRESS: bornc: kernels
// PROGRESS: bornc: host

func.func @dense(%x: tensor<4x8xf32> {born.name = "x"}) -> tensor<4x16xf32> {
  %w = born.param "w" : tensor<8x16xf32>
  %0 = born.matmul %x, %w : tensor<4x8xf32>, tensor<8x16xf32>
  %1 = born.relu %0 : tensor<4x16xf32>
  return %1 : tensor<4x16xf32>
}
