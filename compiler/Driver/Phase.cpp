#include "compiler/Driver/Phase.h"

namespace born {
llvm::StringRef phaseName(Phase phase) {
  switch (phase) {
  case Phase::Import:
    return "import";
  case Phase::Graph:
    return "graph";
  case Phase::Dispatch:
    return "dispatch";
  case Phase::Kernels:
    return "kernels";
  case Phase::Host:
    return "host";
  case Phase::Object:
    return "object";
  }
  return "?";
}

std::optional<Phase> parsePhase(llvm::StringRef name) {
  for (Phase p : kAllPhases)
    if (phaseName(p) == name)
      return p;
  return std::nullopt;
}
} // namespace born
