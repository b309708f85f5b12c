// A weights file whose tensor has the wrong shape or dtype is named in the error.
// RUN: %python -c "import json,struct,sys; h=json.dumps({'w':{'dtype':'F32','shape':[8,15],'data_offsets':[0,480]}}).encode(); open(sys.argv[1],'wb').write(struct.pack('<Q',len(h))+h+bytes(480))" %t.shape.safetensors
// RUN: not bornc -q %s --weights %t.shape.safetensors -o %t.exe 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: %python -c "import json,struct,sys; h=json.dumps({'w':{'dtype':'F16','shape':[8,16],'data_offsets':[0,256]}}).encode(); open(sys.argv[1],'wb').write(struct.pack('<Q',len(h))+h+bytes(256))" %t.dtype.safetensors
// RUN: not bornc -q %s --weights %t.dtype.safetensors -o %t.exe 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: %python -c "import json,struct,sys; h=json.dumps({'w':{'dtype':'F32','shape':[8,16],'data_offsets':[0,512]}}).encode(); open(sys.argv[1],'wb').write(struct.pack('<Q',len(h))+h+bytes(100))" %t.short.safetensors
// RUN: not bornc -q %s --weights %t.short.safetensors -o %t.exe 2>&1 | FileCheck %s --check-prefix=SHORT

// SHAPE: bornc: error: parameter 'w': the IR expects shape [8, 16], {{.*}}shape.safetensors has [8, 15]
// DTYPE: bornc: error: parameter 'w': the IR expects F32, {{.*}}dtype.safetensors has F16
// SHORT: bornc: error: {{.*}}short.safetensors: tensor 'w': data_offsets outside the file's 100 data bytes

func.func @dense(%x: tensor<4x8xf32>) -> tensor<4x16xf32> {
  %w = born.param "w" : tensor<8x16xf32>
  %0 = born.matmul %x, %w : tensor<4x8xf32>, tensor<8x16xf32>
  return %0 : tensor<4x16xf32>
}
