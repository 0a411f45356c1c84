// The thread pool behind parallel_for / run_on_threads / parallel_items: every item exactly once, chunk boundaries
// on the 64-item grid, worker slots never shared, exceptions carried to the caller, nested and concurrent callers,
// and a usable pool after fork().
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/parallel.h"

namespace pt {
namespace {

/** Restores the thread count a test changed. */
struct ThreadCount {
  explicit ThreadCount(int n) : saved(get_num_threads()) { set_num_threads(n); }
  ~ThreadCount() { set_num_threads(saved); }
  int saved;
};

/** How many times parallel_for(n, grain) handed each item out; every boundary checked against the 64 grid. */
std::vector<int> coverage(int64_t n, int64_t grain) {
  std::vector<std::atomic<int>> hits(static_cast<size_t>(n));
  std::atomic<bool> off_grid{false};
  parallel_for(n, grain, [&](int64_t begin, int64_t end) {
    if ((begin != 0 && begin % 64 != 0) || (end != n && end % 64 != 0) || begin >= end) off_grid = true;
    for (int64_t i = begin; i < end; ++i) hits[static_cast<size_t>(i)]++;
  });
  EXPECT_FALSE(off_grid.load()) << "n=" << n << " grain=" << grain;
  return std::vector<int>(hits.begin(), hits.end());
}

TEST(Parallel, EveryItemExactlyOnce) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadCount tc(threads);
    for (int64_t n : {1, 63, 64, 65, 1000, 4096, 100003}) {
      for (int64_t grain : {1, 64, 1000, 1 << 20}) {
        std::vector<int> hits = coverage(n, grain);
        for (int64_t i = 0; i < n; ++i) ASSERT_EQ(hits[static_cast<size_t>(i)], 1) << "threads=" << threads << " n=" << n;
      }
    }
  }
}

TEST(Parallel, ExceptionReachesTheCallerAndThePoolStaysUsable) {
  ThreadCount tc(4);
  for (int round = 0; round < 20; ++round) {
    EXPECT_THROW(parallel_for(1 << 16, 64, [&](int64_t begin, int64_t) {
                   if (begin >= (1 << 15)) throw std::runtime_error("chunk failed");
                 }),
                 std::runtime_error);
    std::vector<int> hits = coverage(1 << 16, 64);
    for (int h : hits) ASSERT_EQ(h, 1);
  }
}

TEST(Parallel, NestedCallsRunInline) {
  ThreadCount tc(4);
  std::atomic<int64_t> total{0};
  parallel_for(4096, 64, [&](int64_t begin, int64_t end) {
    parallel_for(end - begin, 1, [&](int64_t b, int64_t e) { total += e - b; });
  });
  EXPECT_EQ(total.load(), 4096);
}

TEST(Parallel, ConcurrentCallersAllComplete) {
  ThreadCount tc(2);
  std::vector<std::thread> callers;
  std::atomic<int> failures{0};
  for (int t = 0; t < 4; ++t) {
    callers.emplace_back([&] {
      for (int round = 0; round < 200; ++round) {
        std::vector<int> hits = coverage(5000, 64);
        for (int h : hits) failures += h != 1;
      }
    });
  }
  for (auto& c : callers) c.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(Parallel, RunOnThreadsWorkersShareItems) {
  ThreadCount tc(3);
  std::atomic<int64_t> next{0};
  std::vector<std::atomic<int>> hits(10000);
  std::atomic<int> calls{0};
  run_on_threads(3, [&] {
    ++calls;
    for (int64_t i; (i = next.fetch_add(1)) < 10000;) hits[static_cast<size_t>(i)]++;
  });
  EXPECT_EQ(calls.load(), 3);  // every chunk runs once, on whichever thread claimed it
  for (auto& h : hits) ASSERT_EQ(h.load(), 1);
}

TEST(Parallel, ParallelItemsEveryItemOnceAndSlotsNeverShared) {
  for (int threads : {1, 2, 3, 8}) {
    ThreadCount tc(threads);
    for (int64_t n : {0, 1, 2, 7, 1000}) {
      for (int64_t limit : {1, 2, 64}) {
        const int64_t slots = parallel_item_slots(n, limit);
        EXPECT_EQ(slots, std::max<int64_t>(1, std::min<int64_t>({n, limit, threads})));
        std::vector<std::atomic<int>> hits(static_cast<size_t>(n)), in_use(static_cast<size_t>(slots));
        std::atomic<bool> bad_slot{false}, shared_slot{false};
        parallel_items(n, limit, [&](int64_t item, int64_t slot) {
          if (slot < 0 || slot >= slots) {
            bad_slot = true;
            return;
          }
          if (in_use[static_cast<size_t>(slot)]++ != 0) shared_slot = true;
          hits[static_cast<size_t>(item)]++;
          std::this_thread::yield();  // widen the window in which a second user of the slot would show
          in_use[static_cast<size_t>(slot)]--;
        });
        EXPECT_FALSE(bad_slot.load()) << "threads=" << threads << " n=" << n << " limit=" << limit;
        EXPECT_FALSE(shared_slot.load()) << "threads=" << threads << " n=" << n << " limit=" << limit;
        for (auto& h : hits) ASSERT_EQ(h.load(), 1) << "threads=" << threads << " n=" << n << " limit=" << limit;
      }
    }
  }
}

TEST(Parallel, PoolWorksInAForkedChild) {
  ThreadCount tc(2);
  coverage(100000, 64);  // the pool's threads exist in the parent
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    std::vector<int> hits = coverage(100000, 64);
    for (int h : hits) if (h != 1) _exit(1);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

}  // namespace
}  // namespace pt
