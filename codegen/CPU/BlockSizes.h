#ifndef BORN_CODEGEN_CPU_BLOCKSIZES_H
#define BORN_CODEGEN_CPU_BLOCKSIZES_H

#include <algorithm>
#include <cstdint>

namespace born {

/// The largest divisor of `size` that is <= `target`, so tiles stay static
/// (a partial last tile would make shapes dynamic and block vectorization).
inline int64_t staticTileSize(int64_t size, int64_t target) {
  for (int64_t t = std::min(size, target); t > 1; --t)
    if (size % t == 0)
      return t;
  return 1;
}

/// The width of a register block along an innermost dimension of `size`:
/// wider than one vector only in whole vectors. A ragged width (28 of a 32
/// target: one and three-quarter vectors) falls back to at most one vector
/// (measured: the CNN's 28-wide convolutions 2.6x slower in 7x28 blocks than
/// in 7x14).
inline int64_t blockWidth(int64_t size, int64_t target, int64_t vectorWidth) {
  int64_t width = staticTileSize(size, target);
  if (width > vectorWidth && width % vectorWidth != 0)
    width = staticTileSize(size, vectorWidth);
  return width;
}

} // namespace born

#endif
