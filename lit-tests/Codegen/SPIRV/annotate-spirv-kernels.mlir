// RUN: born-opt %s --split-input-file --verify-diagnostics --born-annotate-spirv-kernels | FileCheck %s

// CHECK: module attributes {gpu.container_module, spirv.target_env = #spirv.target_env<#spirv.vce<v1.3, [Shader, Int64, Float64, Int16, Float16, StorageBuffer16BitAccess], [SPV_KHR_storage_buffer_storage_class, SPV_KHR_16bit_storage]>, api=Vulkan
// CHECK: gpu.func @k
// CHECK-SAME: spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [4, 16, 1]>
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%a: memref<4xf32>) kernel attributes {known_block_size = array<i32: 4, 16, 1>} {
      gpu.return
    }
  }
}

// -----

// An existing target environment is kept.
// CHECK: spirv.target_env = #spirv.target_env<#spirv.vce<v1.0, [Shader], []>, #spirv.resource_limits<>>
module attributes {gpu.container_module, spirv.target_env = #spirv.target_env<#spirv.vce<v1.0, [Shader], []>, #spirv.resource_limits<>>} {
  gpu.module @k {
    gpu.func @k(%a: memref<4xf32>) kernel attributes {known_block_size = array<i32: 1, 1, 1>} {
      gpu.return
    }
  }
}

// -----

module attributes {gpu.container_module} {
  gpu.module @k {
    // expected-error @below {{has no static workgroup size (known_block_size)}}
    gpu.func @k(%a: memref<4xf32>) kernel {
      gpu.return
    }
  }
}

// -----

// f64 arithmetic and the GLSL.std.450 instructions that take doubles are
// fine; exp (16/32-bit floats only) is an error naming the op.
module attributes {gpu.container_module} {
  gpu.module @m {
    gpu.func @k(%a: memref<4xf64>) kernel attributes {known_block_size = array<i32: 4, 1, 1>} {
      %c0 = arith.constant 0 : index
      %v = memref.load %a[%c0] : memref<4xf64>
      %s = math.sqrt %v : f64
      %f = math.floor %s : f64
      // expected-error @+1 {{'math.exp' op on f64 has no Vulkan instruction}}
      %e = math.exp %f : f64
      memref.store %e, %a[%c0] : memref<4xf64>
      gpu.return
    }
  }
}
