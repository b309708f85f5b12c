// RUN: born-opt %s --born-cpu-flatten-empty-memref-args | FileCheck %s

// Zero-size memrefs of rank > 1 have no bare-pointer form: they cross
// function boundaries as memref<0xT>; the body keeps a local empty buffer.
// CHECK-LABEL: func.func @entry
// CHECK-SAME: (%{{.*}}: memref<0xi64>, %{{.*}}: memref<4xf32>, %{{.*}}: memref<0xf32>)
// CHECK: %[[LOCAL:.*]] = memref.alloca() : memref<3x0x5xi64>
// CHECK: %[[CAST:.*]] = memref.reinterpret_cast %[[LOCAL]] to offset: [0], sizes: [0], strides: [1] : memref<3x0x5xi64> to memref<0xi64>
// CHECK: call @task(%[[CAST]])
func.func @entry(%x: memref<3x0x5xi64>, %y: memref<4xf32>, %z: memref<0xf32>) {
  call @task(%x) : (memref<3x0x5xi64>) -> ()
  return
}
// CHECK: func.func private @task(memref<0xi64>)
func.func private @task(memref<3x0x5xi64>)
