//===- Loss.cpp - ONNX NegativeLogLikelihoodLoss, SoftmaxCrossEntropyLoss -===//
#include "compiler/ONNX/NodeContext.h"
#include "compiler/ONNX/ops/OpChain.h"

using namespace mlir;

namespace born::onnx {

void registerLossOps(OpTable &t) {}

} // namespace born::onnx
