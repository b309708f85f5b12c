// Bad input gets a clear error naming what is wrong, never a crash.
// RUN: not bornc -q %s -o %t.exe 2>&1 | FileCheck %s --check-prefix=NOWEIGHTS
// RUN: not bornc -q %s --weights %t.missing.safetensors -o %t.exe 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: printf 'garbage' > %t.bad.safetensors
// RUN: not bornc -q %s --weights %t.bad.safetensors -o %t.exe 2>&1 | FileCheck %s --check-prefix=BADFILE
// RUN: not bornc -q %s --target=tpu -o %t.exe 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not bornc -q %s --compile-to=nowhere 2>&1 | FileCheck %s --check-prefix=PHASE
// RUN: not bornc -q %s 2>&1 | FileCheck %s --check-prefix=NOOUT
// RUN: not bornc -q %s --prefix 9lives -o %t.o --emit=obj 2>&1 | FileCheck %s --check-prefix=PREFIX
// RUN: cp %s %t.copy.mlir
// RUN: not bornc -q %t.copy.mlir -o %t.copy.mlir 2>&1 | FileCheck %s --check-prefix=OVERWRITE
// RUN: not bornc -q %t.missing.onnx -o %t.exe 2>&1 | FileCheck %s --check-prefix=ONNX

// NOWEIGHTS: bornc: error: parameter 'w': no weights were given (pass --weights FILE.safetensors)
// NOFILE: bornc: error: {{.*}}missing.safetensors: cannot read SafeTensors file
// BADFILE: bornc: error: {{.*}}bad.safetensors: not a SafeTensors file
// TARGET: bornc: error: unknown target 'tpu' (expected cpu, vulkan or cpu,vulkan)
// PHASE: bornc: error: unknown phase 'nowhere' for --compile-to
// NOOUT: bornc: error: -o OUTPUT is required for --emit=exe, obj and spirv
// PREFIX: bornc: error: --prefix must be a C identifier
// OVERWRITE: bornc: error: output {{.*}}copy.mlir would overwrite the input
// ONNX: bornc: error: {{.*}}missing.onnx: No such file or directory

func.func @dense(%x: tensor<4x8xf32>) -> tensor<4x16xf32> {
  %w = born.param "w" : tensor<8x16xf32>
  %0 = born.matmul %x, %w : tensor<4x8xf32>, tensor<8x16xf32>
  return %0 : tensor<4x16xf32>
}
