#ifndef BORN_CODEGEN_BORNTOLINALG_PASSES_H
#define BORN_CODEGEN_BORNTOLINALG_PASSES_H

#include "mlir/Pass/Pass.h"

namespace born {

#define GEN_PASS_DECL
#include "codegen/BornToLinalg/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "codegen/BornToLinalg/Passes.h.inc"

} // namespace born

#endif
