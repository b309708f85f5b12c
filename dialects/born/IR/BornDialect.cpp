#include "dialects/born/IR/BornDialect.h"
#include "dialects/born/IR/BornOps.h"

using namespace mlir;
using namespace born;

#include "dialects/born/IR/BornOpsDialect.cpp.inc"

void BornDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/born/IR/BornOps.cpp.inc"
      >();
}
