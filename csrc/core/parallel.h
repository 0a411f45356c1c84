#pragma once
/** Intra-op parallelism (OpenMP) with flush-to-zero denormals on every thread that runs a kernel. */
#include <algorithm>
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

/**
 * Runs f(begin, end) over [0, n) in contiguous chunks of at least `grain` items.
 * Each item is handled by exactly one call, and chunk boundaries fall on a fixed 64-item grid,
 * so element-wise results never depend on the thread count.
 */
template <class F>
void parallel_for(int64_t n, int64_t grain, F&& f) {
  if (n <= 0) return;
  FlushDenormalsGuard ftz;
  int threads = get_num_threads();
  int64_t chunks = std::min<int64_t>(threads, (n + grain - 1) / std::max<int64_t>(grain, 1));
  if (chunks <= 1) {
    f(int64_t(0), n);
    return;
  }
#ifdef _OPENMP
#pragma omp parallel num_threads(static_cast<int>(chunks))
  {
    FlushDenormalsGuard worker_ftz;
    int64_t c = omp_get_thread_num(), nc = omp_get_num_threads();
    // Boundaries on a fixed 64-item grid: vectorized kernels then treat every item alike (SIMD body
    // vs scalar tail) whatever the thread count, so element-wise results are bitwise reproducible.
    int64_t begin = c == 0 ? 0 : (n * c / nc) / 64 * 64;
    int64_t end = c + 1 == nc ? n : (n * (c + 1) / nc) / 64 * 64;
    if (begin < end) f(begin, end);
  }
#else
  f(int64_t(0), n);
#endif
}

/**
 * Runs worker() once on each of `threads` threads (at most get_num_threads(); the calling thread alone when 1),
 * each with denormals flushed. Workers share out their items themselves (e.g. through an atomic counter), so a
 * thread slowed by another process leaves its share to the others.
 */
template <class F>
void run_on_threads(int64_t threads, F&& worker) {
  FlushDenormalsGuard ftz;
  threads = std::min<int64_t>(threads, get_num_threads());
  if (threads <= 1) {
    worker();
    return;
  }
#ifdef _OPENMP
#pragma omp parallel num_threads(static_cast<int>(threads))
  {
    FlushDenormalsGuard worker_ftz;
    worker();
  }
#else
  worker();
#endif
}

/** Items per chunk below which element-wise kernels stay on one thread (thread start-up costs ~µs). */
constexpr int64_t kElementwiseGrain = 32768;

}  // namespace pt
