#ifndef BORN_DIALECTS_BORN_IR_BORNDIALECT_H
#define BORN_DIALECTS_BORN_IR_BORNDIALECT_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Dialect.h"

#include "dialects/born/IR/BornOpsDialect.h.inc"

#endif
