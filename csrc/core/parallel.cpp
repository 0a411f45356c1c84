#include "parallel.h"

#include <pthread.h>
#include <sched.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

#include "errors.h"

namespace pt {

namespace {

int initial_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();  // OMP_NUM_THREADS, else the CPUs this process may run on
#else
  return std::max(1u, std::thread::hardware_concurrency());
#endif
}
int g_threads = initial_threads();

/** How long an idle thread polls before it sleeps: long enough to catch the next op of a train step, short
 * enough that a busy machine loses next to nothing (and each poll yields the core to whoever else wants it). */
constexpr auto kSpin = std::chrono::microseconds(50);

inline void cpu_relax() {
#ifdef PT_HAS_MXCSR
  _mm_pause();
#endif
}

/**
 * The pool: one job at a time. `ticket_` holds the job's epoch (high 32 bits) and its next unclaimed chunk (low 32
 * bits); a thread claims a chunk by advancing it with a compare-exchange, which fails once the epoch has moved on,
 * so a late thread never touches a finished job. The job's fields are written before its epoch is published.
 */
class Pool {
 public:
  void run(int64_t chunks, int64_t threads, void (*body)(void*, int64_t), void* ctx) {
    if (chunks <= 0) return;
    bool expected = false;
    if (chunks > 0xFFFFFFFFll || in_pool_work_ || !busy_.compare_exchange_strong(expected, true)) {
      for (int64_t c = 0; c < chunks; ++c) body(ctx, c);  // nested, or another thread holds the pool
      return;
    }
    struct Release {
      std::atomic<bool>& busy;
      ~Release() { busy.store(false, std::memory_order_release); }
    } release{busy_};
    const int helpers = static_cast<int>(std::min<int64_t>(threads, chunks)) - 1;
    ensure_workers(helpers);
    // Relaxed stores, published by the seq_cst (release) store of the ticket below.
    body_.store(body, std::memory_order_relaxed);
    ctx_.store(ctx, std::memory_order_relaxed);
    chunks_.store(chunks, std::memory_order_relaxed);
    helpers_.store(helpers, std::memory_order_relaxed);
    done_.store(0, std::memory_order_relaxed);
    error_ = nullptr;
    const uint64_t epoch = (ticket_.load(std::memory_order_relaxed) >> 32) + 1;
    ticket_.store(epoch << 32, std::memory_order_seq_cst);
    if (sleepers_.load(std::memory_order_seq_cst) > 0) {
      std::lock_guard<std::mutex> lock(mutex_);
      wake_.notify_all();
    }
    work(epoch);
    wait_done();
    if (error_) std::rethrow_exception(error_);
  }

  /** After fork() only the forking thread exists: forget the workers (their objects are leaked, not joined). */
  void forget_workers_after_fork() {
    new (&mutex_) std::mutex();
    new (&wake_) std::condition_variable();
    new (&done_cv_) std::condition_variable();
    workers_ = 0;
    sleepers_.store(0);
    busy_.store(false);
  }

 private:
  /** Claims and runs chunks of job `epoch` until none is left. */
  void work(uint64_t epoch) {
    in_pool_work_ = true;
    for (;;) {
      uint64_t ticket = ticket_.load(std::memory_order_acquire);
      // chunks_ may already be a later job's here; the compare-exchange then fails, the epoch having moved on.
      const int64_t chunks = chunks_.load(std::memory_order_relaxed);
      if ((ticket >> 32) != epoch || static_cast<int64_t>(ticket & 0xFFFFFFFFu) >= chunks) break;
      if (!ticket_.compare_exchange_weak(ticket, ticket + 1, std::memory_order_acq_rel)) continue;
      // The chunk is ours, so the job cannot finish (nor its fields change) before we report it done.
      try {
        body_.load(std::memory_order_relaxed)(ctx_.load(std::memory_order_relaxed),
                                              static_cast<int64_t>(ticket & 0xFFFFFFFFu));
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!error_) error_ = std::current_exception();
      }
      if (done_.fetch_add(1) + 1 == chunks && caller_waiting_.load()) {
        std::lock_guard<std::mutex> lock(mutex_);
        done_cv_.notify_all();
      }
    }
    in_pool_work_ = false;
  }

  /** The caller, out of chunks to claim, waits for those still running elsewhere: briefly polling, then asleep,
   * so that a helper preempted by another process can use the caller's core. */
  void wait_done() {
    const auto until = std::chrono::steady_clock::now() + kSpin;
    const int64_t chunks = chunks_.load(std::memory_order_relaxed);
    while (done_.load(std::memory_order_acquire) < chunks) {
      if (std::chrono::steady_clock::now() > until) {
        std::unique_lock<std::mutex> lock(mutex_);
        caller_waiting_.store(true);
        done_cv_.wait(lock, [&] { return done_.load() >= chunks; });
        caller_waiting_.store(false);
        break;
      }
      cpu_relax();
    }
  }

  void ensure_workers(int n) {
    for (; workers_ < n; ++workers_) {
      const int id = workers_;
      try {
        std::thread([this, id] { worker_loop(id); }).detach();
      } catch (const std::system_error&) {
        return;  // no thread to be had: the caller runs the chunks the missing helpers would have claimed
      }
    }
  }

  void worker_loop(int id) {
    FlushDenormalsGuard ftz;
    uint64_t seen = ticket_.load(std::memory_order_acquire) >> 32;
    for (;;) {
      uint64_t epoch = wait_for_job(seen);
      seen = epoch;
      if (id < helpers_.load(std::memory_order_relaxed)) work(epoch);  // a later job's value is harmless
    }
  }

  /** The epoch of the next job after `seen`: polled for kSpin (yielding the core), then slept for. */
  uint64_t wait_for_job(uint64_t seen) {
    const auto until = std::chrono::steady_clock::now() + kSpin;
    for (int i = 0;; ++i) {
      uint64_t epoch = ticket_.load(std::memory_order_acquire) >> 32;
      if (epoch != seen) return epoch;
      if ((i & 63) == 63) {
        if (std::chrono::steady_clock::now() > until) break;
        sched_yield();
      }
      cpu_relax();
    }
    std::unique_lock<std::mutex> lock(mutex_);
    sleepers_.fetch_add(1, std::memory_order_seq_cst);
    uint64_t epoch;
    wake_.wait(lock, [&] { return (epoch = ticket_.load(std::memory_order_seq_cst) >> 32) != seen; });
    sleepers_.fetch_sub(1, std::memory_order_seq_cst);
    return epoch;
  }

  std::mutex mutex_;
  std::condition_variable wake_, done_cv_;
  int workers_ = 0;  // threads started (detached; they sleep when idle)
  std::atomic<uint64_t> ticket_{0};
  std::atomic<int64_t> done_{0}, chunks_{0};
  std::atomic<int> sleepers_{0}, helpers_{0};
  std::atomic<bool> busy_{false}, caller_waiting_{false};
  std::atomic<void (*)(void*, int64_t)> body_{nullptr};
  std::atomic<void*> ctx_{nullptr};
  std::exception_ptr error_;
  static thread_local bool in_pool_work_;
};

thread_local bool Pool::in_pool_work_ = false;

/** Never destroyed: its threads outlive static destruction at exit (they sleep, and the process ends them). */
Pool& pool() {
  static Pool* p = [] {
    auto* created = new Pool();
    pthread_atfork(nullptr, nullptr, [] { pool().forget_workers_after_fork(); });
    return created;
  }();
  return *p;
}

}  // namespace

namespace detail {
void run_chunks(int64_t chunks, int64_t threads, void (*body)(void*, int64_t), void* ctx) {
  pool().run(chunks, threads, body, ctx);
}
}  // namespace detail

int get_num_threads() { return g_threads; }

void set_num_threads(int n) {
  check_arg(n >= 1, "set_num_threads: expected a thread count >= 1, got ", n);
  g_threads = n;
#ifdef _OPENMP
  omp_set_num_threads(n);  // OpenMP regions outside the pool (pytensor's kernels open none)
#endif
}

}  // namespace pt
