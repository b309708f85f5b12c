// The allocator behind every buffer compiled code allocates
// (finalize-memref-to-llvm{use-generic-functions} calls these three).
//
// A model allocates the same large buffers (im2col panels, activations) on
// every run. From malloc, each is a fresh mmap whose pages fault in and are
// cleared on first touch, run after run (about 6% of ResNet-18's time). Here
// large blocks are kept when freed and handed out again for the next
// request of the same size, so after the first run their pages stay mapped.

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <vector>

namespace {
/// Blocks at least this large are cached; smaller ones come from malloc,
/// which recycles them itself.
constexpr uint64_t kCachedMin = 64 * 1024;
/// Cached bytes beyond this are returned to the system.
constexpr uint64_t kCacheLimit = uint64_t(2) << 30;

/// Every block starts with a header (as large as the block's alignment, so
/// the payload keeps it) that records how it was allocated.
struct Header {
  uint64_t size;      // payload bytes
  uint64_t alignment; // payload alignment, a power of two >= 16
};

struct Cache {
  std::mutex mutex;
  std::multimap<std::pair<uint64_t, uint64_t>, void *> free; // (size, align)
  uint64_t cachedBytes = 0;
};

Cache &cache() {
  static Cache *instance = new Cache; // never destroyed: used at exit
  return *instance;
}

void *allocate(uint64_t alignment, uint64_t size) {
  if (alignment < 16)
    alignment = 16;
  if (size >= kCachedMin) {
    Cache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.free.find({size, alignment});
    if (it != c.free.end()) {
      void *payload = it->second;
      c.free.erase(it);
      c.cachedBytes -= size;
      return payload;
    }
  }
  uint64_t total = (alignment + size + alignment - 1) / alignment * alignment;
  char *base = static_cast<char *>(std::aligned_alloc(alignment, total));
  if (!base)
    return nullptr;
  char *payload = base + alignment;
  Header header{size, alignment};
  std::memcpy(payload - sizeof(Header), &header, sizeof(Header));
  return payload;
}

void release(void *ptr) {
  if (!ptr)
    return;
  char *payload = static_cast<char *>(ptr);
  Header header;
  std::memcpy(&header, payload - sizeof(Header), sizeof(Header));
  if (header.size >= kCachedMin) {
    Cache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    if (c.cachedBytes + header.size <= kCacheLimit) {
      c.free.emplace(std::make_pair(header.size, header.alignment), ptr);
      c.cachedBytes += header.size;
      return;
    }
  }
  std::free(payload - header.alignment);
}
} // namespace

extern "C" {
void *_mlir_memref_to_llvm_alloc(uint64_t size) {
  return allocate(16, size);
}

void *_mlir_memref_to_llvm_aligned_alloc(uint64_t alignment,
                                                             uint64_t size) {
  return allocate(alignment, size);
}

void _mlir_memref_to_llvm_free(void *ptr) { release(ptr); }
}
