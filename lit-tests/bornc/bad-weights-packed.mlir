// A weight the CPU packs into panels is still checked against the stored
// tensor: here [8, 64] is read as [8, 2, 32] before packing.
// RUN: %python -c "import json,struct,sys; h=json.dumps({'w':{'dtype':'F32','shape':[64,8],'data_offsets':[0,2048]}}).encode(); open(sys.argv[1],'wb').write(struct.pack('<Q',len(h))+h+bytes(2048))" %t.safetensors
// RUN: not bornc -q %s --register-block=8x32 --weights %t.safetensors -o %t.exe 2>&1 | FileCheck %s

// CHECK: bornc: error: parameter 'w': the IR reads it as [8, 2, 32] (its dims split), {{.*}}.safetensors has [64, 8]

func.func @dense(%x: tensor<4x8xf32>) -> tensor<4x64xf32> {
  %w = born.param "w" : tensor<8x64xf32>
  %0 = born.matmul %x, %w : tensor<4x8xf32>, tensor<8x64xf32>
  return %0 : tensor<4x64xf32>
}
