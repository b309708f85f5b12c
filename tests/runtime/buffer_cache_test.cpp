// The allocator behind compiled code's buffers (runtime/src/buffer_cache.cpp).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

extern "C" {
void *_mlir_memref_to_llvm_alloc(uint64_t size);
void *_mlir_memref_to_llvm_aligned_alloc(uint64_t alignment, uint64_t size);
void _mlir_memref_to_llvm_free(void *ptr);
}

namespace {
bool alignedTo(void *p, uint64_t alignment) {
  return reinterpret_cast<uintptr_t>(p) % alignment == 0;
}

TEST(BufferCache, HonoursAlignment) {
  for (uint64_t alignment : {16, 64, 128, 4096}) {
    for (uint64_t size : {1, 100, 1 << 20}) {
      void *p = _mlir_memref_to_llvm_aligned_alloc(alignment, size);
      ASSERT_NE(p, nullptr);
      EXPECT_TRUE(alignedTo(p, alignment)) << alignment << " " << size;
      std::memset(p, 0x5a, size); // the whole block is usable
      _mlir_memref_to_llvm_free(p);
    }
  }
  void *p = _mlir_memref_to_llvm_alloc(24);
  EXPECT_TRUE(alignedTo(p, 16));
  _mlir_memref_to_llvm_free(p);
  _mlir_memref_to_llvm_free(nullptr);
}

TEST(BufferCache, ReusesFreedLargeBlocks) {
  // The same large request after a free gets the same (still mapped) block,
  // as a model's second run does.
  const uint64_t size = 3 << 20;
  void *first = _mlir_memref_to_llvm_aligned_alloc(64, size);
  std::memset(first, 1, size);
  _mlir_memref_to_llvm_free(first);
  void *again = _mlir_memref_to_llvm_aligned_alloc(64, size);
  EXPECT_EQ(again, first);
  // A different size or alignment is a different block.
  void *other = _mlir_memref_to_llvm_aligned_alloc(64, size + 64);
  EXPECT_NE(other, again);
  void *otherAlign = _mlir_memref_to_llvm_aligned_alloc(128, size);
  EXPECT_NE(otherAlign, again);
  EXPECT_TRUE(alignedTo(otherAlign, 128));
  for (void *p : {again, other, otherAlign})
    _mlir_memref_to_llvm_free(p);
}

TEST(BufferCache, LiveBlocksAreDistinct) {
  const uint64_t size = 1 << 20;
  void *a = _mlir_memref_to_llvm_alloc(size);
  void *b = _mlir_memref_to_llvm_alloc(size);
  EXPECT_NE(a, b);
  std::memset(a, 1, size);
  std::memset(b, 2, size);
  EXPECT_EQ(static_cast<unsigned char *>(a)[size - 1], 1);
  _mlir_memref_to_llvm_free(a);
  _mlir_memref_to_llvm_free(b);
}
} // namespace
