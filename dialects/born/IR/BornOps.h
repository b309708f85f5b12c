#ifndef BORN_DIALECTS_BORN_IR_BORNOPS_H
#define BORN_DIALECTS_BORN_IR_BORNOPS_H

#include "dialects/born/IR/BornDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"

#include "dialects/born/IR/BornEnums.h.inc"
#include "dialects/born/IR/BornInterfaces.h.inc"

#define GET_OP_CLASSES
#include "dialects/born/IR/BornOps.h.inc"

namespace born {
/// "[2, 3, 4]": how diagnostics print a static shape.
std::string shapeString(llvm::ArrayRef<int64_t> shape);

/// NumPy broadcast of two static shapes; std::nullopt if incompatible.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);
} // namespace born

#endif
