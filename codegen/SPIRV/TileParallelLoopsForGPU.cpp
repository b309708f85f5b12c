#include "codegen/SPIRV/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

namespace born {
#define GEN_PASS_DEF_TILEPARALLELLOOPSFORGPU
#include "codegen/SPIRV/Passes.h.inc"
} // namespace born

using namespace mlir;

namespace {
/// Only three loop dimensions map to GPU ids (x, y, z).
constexpr unsigned kGPUDims = 3;

/// Constant trip count of dimension `i`, or nullopt.
std::optional<int64_t> tripCount(scf::ParallelOp loop, unsigned i) {
  auto lb = getConstantIntValue(loop.getLowerBound()[i]);
  auto ub = getConstantIntValue(loop.getUpperBound()[i]);
  auto step = getConstantIntValue(loop.getStep()[i]);
  if (!lb || !ub || !step || *step <= 0)
    return std::nullopt;
  return std::max<int64_t>(0, (*ub - *lb + *step - 1) / *step);
}

struct TileParallelLoopsForGPUPass
    : born::impl::TileParallelLoopsForGPUBase<TileParallelLoopsForGPUPass> {
  using Base::Base;

  /// Shares the workgroup among the mapped dimensions by doubling each in
  /// turn, innermost first (usually the contiguous one), while the product
  /// fits the workgroup and no dimension outgrows its trip count:
  /// 64 -> 64, 4x16 -> 4x16, 100x100 -> 8x8, 2x3x100 -> 2x2x16.
  SmallVector<int64_t> tileSizes(scf::ParallelOp loop) {
    unsigned rank = loop.getNumLoops();
    SmallVector<int64_t> sizes(rank, 1);
    unsigned mapped = std::min(rank, kGPUDims);
    int64_t threads = 1;
    for (bool grew = true; grew;) {
      grew = false;
      for (int i = mapped - 1; i >= 0; --i) {
        std::optional<int64_t> n = tripCount(loop, i);
        if (threads * 2 > workgroupSize || (n && sizes[i] * 2 > *n))
          continue;
        sizes[i] *= 2;
        threads *= 2;
        grew = true;
      }
    }
    return sizes;
  }

  void runOnOperation() override {
    SmallVector<scf::ParallelOp> outermost;
    getOperation().walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<scf::ParallelOp>())
        outermost.push_back(loop);
    });
    for (scf::ParallelOp loop : outermost)
      scf::tileParallelLoop(loop, tileSizes(loop), /*noMinMaxBounds=*/true);
  }
};
} // namespace
