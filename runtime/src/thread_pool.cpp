#include "thread_pool.h"

#include "born/runtime.h"

#include <algorithm>
#include <chrono>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace born {
namespace {

thread_local ThreadPool *tlsCurrentPool = nullptr;
// True on pool workers and on a caller while it runs chunks: parallelFor
// called from there runs inline instead of deadlocking on the busy pool.
thread_local bool tlsInsideParallelFor = false;

// How long an idle thread spins before sleeping. Long enough to bridge the gap
// between two kernels of one inference, short enough not to burn a shared core.
constexpr auto kSpinDuration = std::chrono::microseconds(100);

inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spins until done() or the spin budget runs out; true if done().
template <typename Done> bool spinUntil(Done done) {
  auto deadline = std::chrono::steady_clock::now() + kSpinDuration;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (done())
        return true;
      cpuRelax();
    }
    if (std::chrono::steady_clock::now() >= deadline)
      return done();
  }
}

} // namespace

int hardwareThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

ThreadPool::ThreadPool(int numThreads) {
  int workers = std::max(numThreads, 1) - 1;
  workers_.reserve(static_cast<size_t>(workers));
  for (int i = 0; i < workers; ++i)
    workers_.emplace_back([this] { workerMain(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_.store(true);
  }
  jobAvailable_.notify_all();
  for (std::thread &worker : workers_)
    worker.join();
}

void ThreadPool::workerMain() {
  tlsInsideParallelFor = true;
  uint32_t seen = 0;
  for (;;) {
    waitForJob(seen);
    if (stopping_.load())
      return;
    seen = static_cast<uint32_t>(claim_.load(std::memory_order_acquire) >> 32);
    runChunks(seen);
  }
}

void ThreadPool::waitForJob(uint32_t seenGeneration) {
  auto ready = [&] {
    return stopping_.load(std::memory_order_relaxed) ||
           static_cast<uint32_t>(claim_.load(std::memory_order_acquire) >> 32) !=
               seenGeneration;
  };
  if (spinUntil(ready))
    return;
  std::unique_lock<std::mutex> lock(mutex_);
  // Registering as a sleeper before re-checking (both seq_cst) pairs with the
  // caller publishing a job and then checking for sleepers: one of the two
  // always sees the other, so no wake-up is lost.
  sleepingWorkers_.fetch_add(1);
  jobAvailable_.wait(lock, [&] {
    return stopping_.load() ||
           static_cast<uint32_t>(claim_.load() >> 32) != seenGeneration;
  });
  sleepingWorkers_.fetch_sub(1);
}

void ThreadPool::runChunks(uint32_t generation) {
  ParallelFn fn = fn_.load(std::memory_order_relaxed);
  void *env = env_.load(std::memory_order_relaxed);
  int64_t n = n_.load(std::memory_order_relaxed);
  int64_t numChunks = numChunks_.load(std::memory_order_relaxed);
  int64_t done = 0;
  for (;;) {
    uint64_t claim = claim_.load(std::memory_order_acquire);
    if (static_cast<uint32_t>(claim >> 32) != generation)
      break;
    int64_t chunk = static_cast<int64_t>(claim & 0xffffffffu);
    if (chunk >= numChunks)
      break;
    if (!claim_.compare_exchange_weak(claim, claim + 1, std::memory_order_acq_rel))
      continue;
    // Contiguous chunks whose sizes differ by at most one, without n * chunk
    // overflowing.
    int64_t base = n / numChunks, extra = n % numChunks;
    int64_t begin = chunk * base + std::min(chunk, extra);
    int64_t end = begin + base + (chunk < extra ? 1 : 0);
    fn(env, begin, end);
    ++done;
  }
  // Completions are counted once per thread and job, not per chunk: the
  // counter's cache line moves between cores once for each.
  if (done && chunksDone_.fetch_add(done) + done == numChunks &&
      callerSleeping_.load()) {
    { std::lock_guard<std::mutex> lock(mutex_); }
    jobDone_.notify_one();
  }
}

void ThreadPool::waitForChunks(int64_t numChunks) {
  auto done = [&] { return chunksDone_.load(std::memory_order_acquire) == numChunks; };
  if (spinUntil(done))
    return;
  std::unique_lock<std::mutex> lock(mutex_);
  callerSleeping_.store(true);
  jobDone_.wait(lock, [&] { return chunksDone_.load() == numChunks; });
  callerSleeping_.store(false);
}

void ThreadPool::parallelFor(int64_t n, ParallelFn fn, void *env) {
  if (n <= 0)
    return;
  if (workers_.empty() || n == 1 || tlsInsideParallelFor) {
    fn(env, 0, n);
    return;
  }
  std::unique_lock<std::mutex> busy(callerMutex_, std::try_to_lock);
  if (!busy.owns_lock()) { // another thread is running a job on this pool
    fn(env, 0, n);
    return;
  }
  int64_t numChunks = std::min<int64_t>(n, numThreads() * kChunksPerThread);
  fn_.store(fn, std::memory_order_relaxed);
  env_.store(env, std::memory_order_relaxed);
  n_.store(n, std::memory_order_relaxed);
  numChunks_.store(numChunks, std::memory_order_relaxed);
  chunksDone_.store(0, std::memory_order_relaxed);
  ++generation_;
  if (generation_ == 0) // 0 is what fresh workers have "seen"
    ++generation_;
  claim_.store(static_cast<uint64_t>(generation_) << 32); // publishes the job
  if (sleepingWorkers_.load() > 0) {
    { std::lock_guard<std::mutex> lock(mutex_); }
    jobAvailable_.notify_all();
  }
  tlsInsideParallelFor = true;
  runChunks(generation_);
  tlsInsideParallelFor = false;
  waitForChunks(numChunks);
}

ThreadPool *currentThreadPool() { return tlsCurrentPool; }

ThreadPoolScope::ThreadPoolScope(ThreadPool *pool) : previous_(tlsCurrentPool) {
  tlsCurrentPool = pool;
}

ThreadPoolScope::~ThreadPoolScope() { tlsCurrentPool = previous_; }

} // namespace born

extern "C" void born_parallel_for(int64_t n,
                                  void (*fn)(void *env, int64_t begin, int64_t end),
                                  void *env) {
  if (n <= 0 || fn == nullptr)
    return;
  born::ThreadPool *pool = born::currentThreadPool();
  if (pool == nullptr) {
    fn(env, 0, n);
    return;
  }
  pool->parallelFor(n, fn, env);
}
