// RUN: born-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(born-cpu-isolate-tied-results))" | FileCheck %s

// The gradient and the tied update share one empty tensor (CSE merged
// them): the update's chain gets a fresh one; the gradient keeps its own.
// CHECK-LABEL: func @shared_empty
// CHECK:         %[[E:.+]] = tensor.empty() : tensor<64xf32>
// CHECK:         %[[GRAD:.+]] = linalg.generic {{.*}} outs(%[[E]] : tensor<64xf32>)
// CHECK:         %[[E2:.+]] = tensor.empty() : tensor<64xf32>
// CHECK-NEXT:    scf.forall {{.*}} shared_outs(%{{.+}} = %[[E2]])
#id = affine_map<(d0) -> (d0)>
func.func @shared_empty(%w: tensor<64xf32>, %x: tensor<64xf32>)
    -> (tensor<64xf32> {born.tied_input = 0 : i64}) {
  %e = tensor.empty() : tensor<64xf32>
  %grad = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]}
      ins(%x : tensor<64xf32>) outs(%e : tensor<64xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %a : f32
    linalg.yield %m : f32
  } -> tensor<64xf32>
  %new = scf.forall (%i) = (0) to (64) step (16) shared_outs(%o = %e) -> tensor<64xf32> {
    %ws = tensor.extract_slice %w[%i] [16] [1] : tensor<64xf32> to tensor<16xf32>
    %gs = tensor.extract_slice %grad[%i] [16] [1] : tensor<64xf32> to tensor<16xf32>
    %os = tensor.extract_slice %o[%i] [16] [1] : tensor<64xf32> to tensor<16xf32>
    %u = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]}
        ins(%ws, %gs : tensor<16xf32>, tensor<16xf32>) outs(%os : tensor<16xf32>) {
    ^bb0(%a: f32, %b: f32, %c: f32):
      %s = arith.subf %a, %b : f32
      linalg.yield %s : f32
    } -> tensor<16xf32>
    scf.forall.in_parallel {
      tensor.parallel_insert_slice %u into %o[%i] [16] [1] : tensor<16xf32> into tensor<64xf32>
    }
  }
  return %new : tensor<64xf32>
}

// -----

// Untied results and empty tensors with one use are left alone.
// CHECK-LABEL: func @left_alone
// CHECK-COUNT-2: tensor.empty
// CHECK-NOT:     tensor.empty
func.func @left_alone(%x: tensor<8xf32>) -> (tensor<8xf32>, tensor<8xf32> {born.tied_input = 0 : i64}) {
  %e = tensor.empty() : tensor<8xf32>
  %zero = arith.constant 0.0 : f32
  %a = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %b = linalg.copy ins(%a : tensor<8xf32>) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %e1 = tensor.empty() : tensor<8xf32>
  %c = linalg.copy ins(%x : tensor<8xf32>) outs(%e1 : tensor<8xf32>) -> tensor<8xf32>
  return %b, %c : tensor<8xf32>, tensor<8xf32>
}
