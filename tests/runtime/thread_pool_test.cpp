// born_parallel_for and the thread pool behind it.
#include "born/runtime.h"
#include "thread_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace {

struct Coverage {
  std::vector<std::atomic<int>> hits;
  std::atomic<int> chunks{0};
  std::mutex mutex;
  std::set<std::thread::id> threads;
  explicit Coverage(int64_t n) : hits(static_cast<size_t>(n)) {}

  static void record(void *env, int64_t begin, int64_t end) {
    auto &self = *static_cast<Coverage *>(env);
    self.chunks.fetch_add(1);
    for (int64_t i = begin; i < end; ++i)
      self.hits[static_cast<size_t>(i)].fetch_add(1);
    std::lock_guard<std::mutex> lock(self.mutex);
    self.threads.insert(std::this_thread::get_id());
  }
  void expectEachIndexOnce() {
    for (size_t i = 0; i < hits.size(); ++i)
      ASSERT_EQ(hits[i].load(), 1) << "index " << i;
  }
};

TEST(ThreadPool, EveryIndexExactlyOnce) {
  for (int threads : {1, 2, 3, 4, 8}) {
    born::ThreadPool pool(threads);
    EXPECT_EQ(pool.numThreads(), threads);
    for (int64_t n : {1, 2, 3, 7, 8, 64, 1000, 100003}) {
      SCOPED_TRACE(testing::Message() << "threads=" << threads << " n=" << n);
      Coverage coverage(n);
      pool.parallelFor(n, &Coverage::record, &coverage);
      coverage.expectEachIndexOnce();
      int64_t chunks =
          threads == 1 ? 1
                       : std::min<int64_t>(
                             n, threads * born::ThreadPool::kChunksPerThread);
      EXPECT_EQ(coverage.chunks.load(), chunks);
    }
  }
}

TEST(ThreadPool, ZeroAndNegativeCountsCallNothing) {
  born::ThreadPool pool(2);
  Coverage coverage(1);
  pool.parallelFor(0, &Coverage::record, &coverage);
  pool.parallelFor(-5, &Coverage::record, &coverage);
  EXPECT_EQ(coverage.chunks.load(), 0);
}

TEST(ThreadPool, UsesWorkerThreads) {
  born::ThreadPool pool(4);
  // A job that lasts a while so that sleeping workers have time to join.
  struct Slow {
    Coverage coverage{4};
    static void run(void *env, int64_t begin, int64_t end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      Coverage::record(&static_cast<Slow *>(env)->coverage, begin, end);
    }
  } slow;
  pool.parallelFor(4, &Slow::run, &slow);
  slow.coverage.expectEachIndexOnce();
  EXPECT_GT(slow.coverage.threads.size(), 1u);
}

TEST(ThreadPool, NestedCallsRunInline) {
  born::ThreadPool pool(3);
  born::ThreadPoolScope scope(&pool);
  struct Outer {
    std::vector<std::atomic<int>> hits = std::vector<std::atomic<int>>(30 * 20);
    std::atomic<int> innerChunks{0};
    static void inner(void *env, int64_t begin, int64_t end) {
      auto *self = static_cast<std::pair<Outer *, int64_t> *>(env);
      self->first->innerChunks.fetch_add(1);
      for (int64_t j = begin; j < end; ++j)
        self->first->hits[static_cast<size_t>(self->second * 20 + j)].fetch_add(1);
    }
    static void outer(void *env, int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        std::pair<Outer *, int64_t> innerEnv(static_cast<Outer *>(env), i);
        born_parallel_for(20, &inner, &innerEnv); // from inside a chunk
      }
    }
  } outer;
  born_parallel_for(30, &Outer::outer, &outer);
  for (auto &hit : outer.hits)
    ASSERT_EQ(hit.load(), 1);
  EXPECT_EQ(outer.innerChunks.load(), 30); // one inline chunk per nested call
}

TEST(ThreadPool, ParallelForWithoutSessionRunsInline) {
  ASSERT_EQ(born::currentThreadPool(), nullptr);
  Coverage coverage(1000);
  born_parallel_for(1000, &Coverage::record, &coverage);
  coverage.expectEachIndexOnce();
  EXPECT_EQ(coverage.chunks.load(), 1);
  EXPECT_EQ(coverage.threads.count(std::this_thread::get_id()), 1u);
}

TEST(ThreadPool, ConcurrentCallersShareOnePool) {
  born::ThreadPool pool(3);
  constexpr int kCallsPerThread = 500;
  std::atomic<int> failures{0};
  auto caller = [&] {
    for (int c = 0; c < kCallsPerThread; ++c) {
      Coverage coverage(97);
      pool.parallelFor(97, &Coverage::record, &coverage);
      for (auto &hit : coverage.hits)
        if (hit.load() != 1)
          failures.fetch_add(1);
    }
  };
  std::thread first(caller), second(caller);
  first.join();
  second.join();
  EXPECT_EQ(failures.load(), 0);
}

// Generated code calls born_parallel_for once per kernel: the overhead of a
// call has to be microseconds, not the cost of waking threads from scratch.
TEST(ThreadPool, TenThousandCallsAreFast) {
  born::ThreadPool pool(2);
  born::ThreadPoolScope scope(&pool);
  struct Sum {
    std::atomic<int64_t> total{0};
    static void add(void *env, int64_t begin, int64_t end) {
      int64_t local = 0;
      for (int64_t i = begin; i < end; ++i)
        local += i;
      static_cast<Sum *>(env)->total.fetch_add(local);
    }
  } sum;
  constexpr int kCalls = 10000;
  auto start = std::chrono::steady_clock::now();
  for (int c = 0; c < kCalls; ++c)
    born_parallel_for(256, &Sum::add, &sum);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(sum.total.load(), int64_t{kCalls} * (255 * 256 / 2));
  std::printf("%d parallel_for calls on 2 threads: %.2f us per call\n", kCalls,
              seconds / kCalls * 1e6);
  // Generous for a shared, busy 2-core machine; typical is a few us per call.
  EXPECT_LT(seconds, 2.0);
}

TEST(ThreadPool, ChunkBoundsForHugeCounts) {
  born::ThreadPool pool(3);
  struct Bounds {
    std::mutex mutex;
    std::vector<std::pair<int64_t, int64_t>> chunks;
    static void record(void *env, int64_t begin, int64_t end) {
      auto *self = static_cast<Bounds *>(env);
      std::lock_guard<std::mutex> lock(self->mutex);
      self->chunks.emplace_back(begin, end);
    }
  } bounds;
  const int64_t n = INT64_MAX - 1; // n * chunk would overflow
  pool.parallelFor(n, &Bounds::record, &bounds);
  std::sort(bounds.chunks.begin(), bounds.chunks.end());
  ASSERT_EQ(bounds.chunks.size(), 3u * born::ThreadPool::kChunksPerThread);
  EXPECT_EQ(bounds.chunks.front().first, 0);
  for (size_t i = 1; i < bounds.chunks.size(); ++i)
    EXPECT_EQ(bounds.chunks[i - 1].second, bounds.chunks[i].first);
  EXPECT_EQ(bounds.chunks.back().second, n);
}

} // namespace
