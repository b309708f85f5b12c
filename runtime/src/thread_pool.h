// The persistent CPU thread pool behind born_parallel_for.
#ifndef BORN_RUNTIME_THREAD_POOL_H
#define BORN_RUNTIME_THREAD_POOL_H

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace born {

using ParallelFn = void (*)(void *env, int64_t begin, int64_t end);

// A fixed set of worker threads plus the calling thread. Generated code calls
// parallelFor once per kernel, thousands of times per inference, so a call
// must not allocate or take a lock in the common case: workers spin briefly
// waiting for the next job before they go to sleep on a condition variable.
class ThreadPool {
public:
  // `numThreads` counts the caller: 1 means no worker threads at all.
  explicit ThreadPool(int numThreads);
  ~ThreadPool();
  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int numThreads() const { return static_cast<int>(workers_.size()) + 1; }

  // Each thread claims chunks until none are left: with several per thread,
  // one that was descheduled or drew the slower tiles no longer keeps the
  // others waiting for its whole share.
  static constexpr int64_t kChunksPerThread = 4;

  // Runs fn over [0, n) in at most numThreads() * kChunksPerThread
  // contiguous chunks and returns when all are done. Calls made from inside
  // a chunk (nested), or while another thread is using this pool, run
  // inline on the calling thread.
  void parallelFor(int64_t n, ParallelFn fn, void *env);

private:
  void workerMain();
  // Claims and runs chunks of job `generation` until none are left.
  void runChunks(uint32_t generation);
  void waitForJob(uint32_t seenGeneration);
  void waitForChunks(int64_t numChunks);

  // The current job. Written by the caller before it publishes a new
  // generation in claim_; atomics because a late worker may read them while
  // the next job is being set up (it then fails to claim and discards them).
  std::atomic<ParallelFn> fn_{nullptr};
  std::atomic<void *> env_{nullptr};
  std::atomic<int64_t> n_{0};
  std::atomic<int64_t> numChunks_{0};
  // (generation << 32) | index of the next unclaimed chunk. Claiming with a
  // compare-exchange on both halves means a worker can never take a chunk of
  // a job other than the one it read the description of.
  // Each on a cache line of its own: every claim and every completion would
  // otherwise also take the line that the waiting caller keeps reading.
  alignas(64) std::atomic<uint64_t> claim_{0};
  alignas(64) std::atomic<int64_t> chunksDone_{0};
  // Only the caller holding callerMutex_ touches it.
  alignas(64) uint32_t generation_ = 0;

  std::mutex mutex_;
  std::condition_variable jobAvailable_;
  std::condition_variable jobDone_;
  std::atomic<int> sleepingWorkers_{0};
  std::atomic<bool> callerSleeping_{false};
  std::atomic<bool> stopping_{false};

  std::mutex callerMutex_; // one parallelFor at a time
  std::vector<std::thread> workers_;
};

// The pool born_parallel_for uses on this thread; sessions set it for the
// duration of a run. nullptr means run inline.
ThreadPool *currentThreadPool();

class ThreadPoolScope {
public:
  explicit ThreadPoolScope(ThreadPool *pool);
  ~ThreadPoolScope();

private:
  ThreadPool *previous_;
};

// hardware_concurrency, at least 1.
int hardwareThreads();

} // namespace born

#endif // BORN_RUNTIME_THREAD_POOL_H
