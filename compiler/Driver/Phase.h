#ifndef BORN_COMPILER_DRIVER_PHASE_H
#define BORN_COMPILER_DRIVER_PHASE_H

#include "llvm/ADT/StringRef.h"
#include <optional>

namespace born {
/// The compiler's phases, in order. Every tool can stop after any of them
/// (`--compile-to=PHASE`) and print the IR.
enum class Phase {
  Import,   // what the frontend produced, verified
  Graph,    // born dialect after graph passes (canonicalized, params lifted)
  Dispatch, // lowered to linalg on tensors, fusion groups formed
  Kernels,  // per-target kernel IR: tiled, vectorized, bufferized
  Host,     // LLVM dialect, ready for translation
  Object,   // machine code
};

inline constexpr Phase kAllPhases[] = {Phase::Import,   Phase::Graph,
                                       Phase::Dispatch, Phase::Kernels,
                                       Phase::Host,     Phase::Object};

llvm::StringRef phaseName(Phase phase);
std::optional<Phase> parsePhase(llvm::StringRef name);
} // namespace born

#endif
