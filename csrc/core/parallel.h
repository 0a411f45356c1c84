#pragma once
/** Intra-op parallelism (a fair thread pool) with flush-to-zero denormals on every thread that runs a kernel. */
#include <algorithm>
#include <atomic>
#include <cstdint>
#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#define PT_HAS_MXCSR 1
#endif
#ifdef _OPENMP
#include <omp.h>
#endif

namespace pt {

/** Threads an op may use (OMP_NUM_THREADS or set_num_threads; default: all cores). */
int get_num_threads();
/** Sets the intra-op thread count (n >= 1). */
void set_num_threads(int n);

/** Sets FTZ/DAZ for its scope: denormals cost ~100x per operation on x86, and TF flushes them too. */
class FlushDenormalsGuard {
 public:
  FlushDenormalsGuard() {
#ifdef PT_HAS_MXCSR
    saved_ = _mm_getcsr();
    _mm_setcsr(saved_ | 0x8040);
#endif
  }
  ~FlushDenormalsGuard() {
#ifdef PT_HAS_MXCSR
    _mm_setcsr(saved_);
#endif
  }
  FlushDenormalsGuard(const FlushDenormalsGuard&) = delete;
  FlushDenormalsGuard& operator=(const FlushDenormalsGuard&) = delete;

 private:
  unsigned saved_ = 0;
};

namespace detail {
/**
 * Runs body(ctx, chunk) for every chunk in [0, chunks) on the calling thread and up to `threads` - 1 pool threads,
 * and returns when all are done (rethrowing the first exception a chunk threw). Chunks are handed out one at a
 * time, and the caller waits for chunks, not for threads: a pool thread the OS has not scheduled yet (another
 * process on its core) simply takes none. Pool threads spin only briefly (tens of microseconds, yielding the core)
 * before they sleep. Called from inside a chunk, or while another thread uses the pool, it runs the chunks inline.
 */
void run_chunks(int64_t chunks, int64_t threads, void (*body)(void*, int64_t), void* ctx);

template <class F>
void call_chunk(void* f, int64_t chunk) {
  (*static_cast<F*>(f))(chunk);
}
}  // namespace detail

/** Chunks per thread parallel_for hands out: enough that a descheduled thread leaves most of its share. */
constexpr int64_t kChunksPerThread = 4;

/**
 * Runs f(begin, end) over [0, n) in contiguous chunks of at least `grain` items, handed out dynamically.
 * Each item is handled by exactly one call, and chunk boundaries fall on a fixed 64-item grid,
 * so element-wise results never depend on the thread count or on which thread ran a chunk.
 */
template <class F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
  FlushDenormalsGuard ftz;
  const int threads = get_num_threads();
  const int64_t chunks = std::min<int64_t>(int64_t(threads) * kChunksPerThread,
                                           (n + grain - 1) / std::max<int64_t>(grain, 1));
  if (threads <= 1 || chunks <= 1) {
    f(int64_t(0), n);
    return;
  }
  // Boundaries on a fixed 64-item grid: vectorized kernels then treat every item alike (SIMD body
  // vs scalar tail) whatever the thread count, so element-wise results are bitwise reproducible.
  auto chunk = [&](int64_t c) {
    int64_t begin = c == 0 ? 0 : (n / chunks * c + n % chunks * c / chunks) / 64 * 64;
    int64_t end = c + 1 == chunks ? n : (n / chunks * (c + 1) + n % chunks * (c + 1) / chunks) / 64 * 64;
    if (begin < end) f(begin, end);
  };
  detail::run_chunks(chunks, threads, &detail::call_chunk<decltype(chunk)>, &chunk);
}

/**
 * Runs worker() on `threads` chunks (at most get_num_threads() run at once; the calling thread alone when 1),
 * each with denormals flushed. Workers share out their items themselves (e.g. through an atomic counter), so a
 * thread slowed by another process leaves its share to the others; a worker may find nothing left to do, and
 * two workers may run one after the other on one thread, so a worker never waits for another.
 */
template <class F>
void run_on_threads(int64_t threads, F&& worker) {
  FlushDenormalsGuard ftz;
  threads = std::min<int64_t>(threads, get_num_threads());
  if (threads <= 1) {
    worker();
    return;
  }
  auto chunk = [&](int64_t) { worker(); };
  detail::run_chunks(threads, threads, &detail::call_chunk<decltype(chunk)>, &chunk);
}

/** Workers parallel_items runs for n items with at most `threads` threads: the count of its worker slots. */
inline int64_t parallel_item_slots(int64_t n, int64_t threads) {
  return std::max<int64_t>(1, std::min<int64_t>({n, threads, int64_t(get_num_threads())}));
}

/**
 * Runs f(item, slot) for every item in [0, n) on up to `threads` threads (run_on_threads), items handed out one at
 * a time, so a thread another process holds up leaves its items to the others. `slot`, below
 * parallel_item_slots(n, threads), is the running worker's own (for its scratch): no two workers share one.
 * Items must be independent; the result must not depend on which worker ran an item.
 */
template <class F>
void parallel_items(int64_t n, int64_t threads, F&& f) {
  if (n <= 0) return;
  std::atomic<int64_t> next{0}, slots{0};
  run_on_threads(parallel_item_slots(n, threads), [&] {
    const int64_t slot = slots.fetch_add(1, std::memory_order_relaxed);
    for (int64_t item; (item = next.fetch_add(1, std::memory_order_relaxed)) < n;) f(item, slot);
  });
}

/** Items per chunk below which element-wise kernels stay on one thread (thread start-up costs ~µs). */
constexpr int64_t kElementwiseGrain = 32768;

}  // namespace pt
