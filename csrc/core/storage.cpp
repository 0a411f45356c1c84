#include "storage.h"

#include <cstdlib>
#include <mutex>
#include <new>
#include <unordered_map>
#include <vector>
#ifdef __linux__
#include <sys/mman.h>
#endif

#include "device.h"
#include "errors.h"

namespace pt {

namespace {
std::atomic<int64_t> g_live_bytes{0};
std::atomic<int64_t> g_peak_bytes{0};  // the highest g_live_bytes since the last reset_peak_bytes()
std::atomic<int64_t> g_most_live_bytes{0};  // the highest g_live_bytes ever: what the cache may fill up to

/**
 * Blocks from this size up are cached when freed: glibc maps those from 256 KiB fresh from the OS each time, and
 * serves those from 1 KiB from its sorted bins, consolidating its fast bins first (a tenth of a traced RNN step,
 * whose 8 and 16 KiB activations and gradients die and are made again every op).
 */
constexpr size_t kCacheMinBlock = size_t(1) << 10;
/** Most bytes the cache holds; a freed block that does not fit goes back to the system. */
constexpr size_t kCacheCapacity = size_t(256) << 20;
/** Blocks from this size up are 2 MiB aligned and advised as huge pages. */
constexpr size_t kHugeBlock = size_t(4) << 20;
constexpr size_t kHugePage = size_t(2) << 20;

/** The bytes actually allocated for a request: cached sizes are rounded to one of 8 classes per power of two
 *  (at most 12.5 % over), so a training loop's same-shape buffers, and near shapes, find each other. */
size_t block_size(size_t nbytes) {
  const size_t align = nbytes >= kHugeBlock ? kHugePage : kAlignment;
  size_t size = nbytes;
  if (nbytes >= kCacheMinBlock) {
    const size_t step = (size_t(1) << (63 - __builtin_clzll(nbytes))) / 8;
    size = (nbytes + step - 1) / step * step;
  }
  size = (size + align - 1) / align * align;
  return size == 0 ? kAlignment : size;
}

/**
 * Freed large blocks kept for reuse, by size. A training step allocates the same activation and gradient
 * buffers every time; taking them from here instead of the OS saves the page faults and the kernel's
 * zeroing of every page (about a tenth of a CNN step).
 */
class BlockCache {
 public:
  void* take(size_t size) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = free_.find(size);
    if (it == free_.end() || it->second.empty()) return nullptr;
    void* p = it->second.back();
    it->second.pop_back();
    cached_ -= size;
    return p;
  }
  bool keep(void* p, size_t size) {
    std::lock_guard<std::mutex> lock(mu_);
    if (cached_ + size > kCacheCapacity) return false;
    free_[size].push_back(p);
    cached_ += size;
    return true;
  }
  /**
   * Frees cached blocks until `live` bytes in use, the cache and a new block of `size` fit in `most`, so that a
   * phase with other block sizes (a graph after the eager trace that made it) reuses the memory of the last one
   * instead of growing the process past its peak.
   */
  void make_room(size_t size, size_t live, size_t most) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = free_.begin(); it != free_.end() && live + cached_ + size > most; ++it)
      for (; !it->second.empty() && live + cached_ + size > most; it->second.pop_back()) {
        std::free(it->second.back());
        cached_ -= it->first;
      }
  }

 private:
  std::mutex mu_;
  std::unordered_map<size_t, std::vector<void*>> free_;
  size_t cached_ = 0;
};

/** The process's cache; never destroyed, so storages freed during interpreter exit still find it. */
BlockCache& block_cache() {
  static BlockCache* cache = new BlockCache();
  return *cache;
}
}  // namespace

std::shared_ptr<Storage> Storage::allocate(size_t nbytes, Device device) {
  if (device != Device::CPU) {
    // Device memory comes from the backend's caching allocator; host statistics (live_bytes) do not count it.
    const DeviceRuntime* runtime = device_runtime(device);
    if (!runtime)
      throw Unimplemented("Storage: GPU memory requested, but no GPU is usable (a build without "
                          "-Ccmake.define.PYTENSOR_CUDA=ON, or no NVIDIA GPU and driver on this machine)");
    return std::make_shared<Storage>(runtime->allocate(nbytes), nbytes, device, nullptr, nullptr, true);
  }
  // Large blocks are 2 MiB aligned and advised as huge pages (as numpy does): a fresh 40 MB output
  // otherwise costs ~10k page faults, which made large element-wise ops 3x slower than numpy.
  const size_t size = block_size(nbytes);
  void* p = nbytes >= kCacheMinBlock ? block_cache().take(size) : nullptr;
  if (!p) {
    if (nbytes >= kCacheMinBlock)
      block_cache().make_room(size, static_cast<size_t>(g_live_bytes.load(std::memory_order_relaxed)),
                              static_cast<size_t>(g_most_live_bytes.load(std::memory_order_relaxed)));
    p = std::aligned_alloc(nbytes >= kHugeBlock ? kHugePage : kAlignment, size);
    if (!p) throw std::bad_alloc();
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (nbytes >= kHugeBlock) madvise(p, size, MADV_HUGEPAGE);
#endif
  }
  const int64_t live = g_live_bytes.fetch_add(static_cast<int64_t>(nbytes), std::memory_order_relaxed) +
                       static_cast<int64_t>(nbytes);
  for (int64_t peak = g_peak_bytes.load(std::memory_order_relaxed);
       live > peak && !g_peak_bytes.compare_exchange_weak(peak, live, std::memory_order_relaxed);) {
  }
  for (int64_t most = g_most_live_bytes.load(std::memory_order_relaxed);
       live > most && !g_most_live_bytes.compare_exchange_weak(most, live, std::memory_order_relaxed);) {
  }
  return std::make_shared<Storage>(p, nbytes, device, nullptr, nullptr, true);
}

std::shared_ptr<Storage> Storage::borrow(void* data, size_t nbytes, Device device, FreeFn free_fn, void* ctx) {
  return std::make_shared<Storage>(data, nbytes, device, free_fn, ctx, false);
}

Storage::~Storage() {
  if (owned_ && device_ != Device::CPU) {
    device_runtime(device_)->release(data_, nbytes_);
  } else if (owned_) {
    if (nbytes_ < kCacheMinBlock || !block_cache().keep(data_, block_size(nbytes_))) std::free(data_);
    g_live_bytes.fetch_sub(static_cast<int64_t>(nbytes_), std::memory_order_relaxed);
  } else if (free_fn_) {
    free_fn_(data_, ctx_);
  }
}

int64_t Storage::live_bytes() { return g_live_bytes.load(std::memory_order_relaxed); }

int64_t Storage::peak_bytes() { return g_peak_bytes.load(std::memory_order_relaxed); }

void Storage::reset_peak_bytes() { g_peak_bytes.store(live_bytes(), std::memory_order_relaxed); }

}  // namespace pt
