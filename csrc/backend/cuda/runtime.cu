// The CUDA backend's runtime: the caching allocator of device memory, the stream, host <-> device copies, cuBLAS,
// and the registration of the DeviceRuntime and the kernels.
#include "runtime.h"

#include <array>
#include <cstring>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "../../core/device.h"
#include "../kernel_table.h"
#include "register.h"

namespace pt::cuda {

void check(cudaError_t status, const char* what) {
  if (status != cudaSuccess)
    throw RuntimeError(str_cat(what, ": CUDA error ", cudaGetErrorName(status), " (", cudaGetErrorString(status), ")"));
}

void check_cublas(cublasStatus_t status, const char* what) {
  if (status != CUBLAS_STATUS_SUCCESS)
    throw RuntimeError(str_cat(what, ": cuBLAS error ", cublasGetStatusName(status), " (",
                               cublasGetStatusString(status), ")"));
}

namespace {
cudaStream_t the_stream() {
  static cudaStream_t s = [] {
    cudaStream_t created;
    check(cudaStreamCreateWithFlags(&created, cudaStreamNonBlocking), "creating the CUDA stream");
    return created;
  }();
  return s;
}
}  // namespace

cudaStream_t stream() { return the_stream(); }

void synchronize() { check(cudaStreamSynchronize(the_stream()), "waiting for the GPU"); }

cublasHandle_t cublas() {
  static cublasHandle_t h = [] {
    cublasHandle_t created;
    check_cublas(cublasCreate(&created), "creating the cuBLAS handle");
    check_cublas(cublasSetStream(created, stream()), "binding cuBLAS to the stream");
    check_cublas(cublasSetMathMode(created, CUBLAS_DEFAULT_MATH), "turning TF32 off");  // no TF32 tensor-op math
    return created;
  }();
  return h;
}

Tensor on_gpu(const Tensor& x, const char* op) {
  if (x.device() == Device::CUDA) return x;
  check_arg(x.is_contiguous(), op, ": an input of shape ", shape_str(x.shape()),
            " is a strided view on the CPU while the op runs on the GPU; copy it first (tf.identity under "
            "tf.device('/GPU:0'))");
  return copy_to_device(x, Device::CUDA);
}

namespace {

/** Bytes per allocation granule: every block is a multiple (cudaMalloc aligns to more). */
constexpr size_t kGranule = 512;

/** The block size of a request: granules up to 1 MiB, then 8 size classes per power of two (at most 12.5 % over),
 *  so a training step's same-shape buffers find each other in the cache. */
size_t block_size(size_t nbytes) {
  size_t size = std::max<size_t>(nbytes, 1);
  if (size >= (size_t(1) << 20)) {
    const size_t step = (size_t(1) << (63 - __builtin_clzll(size))) / 8;
    size = (size + step - 1) / step * step;
  }
  return (size + kGranule - 1) / kGranule * kGranule;
}

/**
 * The caching allocator of device memory: freed blocks are kept by size and handed to the next request of that size
 * class, so ops do not call cudaMalloc (which may synchronise the device). All work runs on one stream, so a block
 * freed by the host is reused only by work queued after the work that used it. Memory is plain device memory
 * (cudaMalloc, as TF's and PyTorch's allocators take it), never managed memory, which can oversubscribe the GPU: the
 * host reaches it only through copies (DeviceRuntime::copy; kernel_table.cpp's CPU fallback stages operands).
 */
class DeviceAllocator {
 public:
  void* allocate(size_t nbytes) {
    const size_t size = block_size(nbytes);
    std::lock_guard<std::mutex> lock(mu_);
    auto it = free_.find(size);
    void* p = nullptr;
    if (it != free_.end() && !it->second.empty()) {
      p = it->second.back();
      it->second.pop_back();
      cached_ -= size;
    } else {
      p = fresh_block(nbytes, size);
    }
    sizes_[p] = size;
    in_use_ += size;
    peak_ = std::max(peak_, in_use_);
    return p;
  }

  void release(void* p) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = sizes_.find(p);
    if (it == sizes_.end()) return;
    in_use_ -= it->second;
    free_[it->second].push_back(p);
    cached_ += it->second;
    sizes_.erase(it);
  }

  DeviceMemoryInfo info() {
    std::lock_guard<std::mutex> lock(mu_);
    return {static_cast<int64_t>(in_use_), static_cast<int64_t>(peak_)};
  }

  void reset_peak() {
    std::lock_guard<std::mutex> lock(mu_);
    peak_ = in_use_;
  }

 private:
  /** A new block from cudaMalloc; when the device is out of memory, the cache is given back to the driver and the
   *  allocation retried once, then ResourceExhausted naming the op. */
  void* fresh_block(size_t nbytes, size_t size) {
    void* p = nullptr;
    cudaError_t status = cudaMalloc(&p, size);
    if (status == cudaErrorMemoryAllocation && cached_ > 0) {
      cudaGetLastError();  // clears the failed allocation's error
      empty_cache();
      status = cudaMalloc(&p, size);
    }
    if (status == cudaErrorMemoryAllocation) {
      cudaGetLastError();
      size_t free_bytes = 0, total_bytes = 0;
      if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) cudaGetLastError();
      throw ResourceExhausted(str_cat(backend::current_device_op_name(), ": out of GPU memory allocating a tensor of ",
                                      nbytes, " bytes (", size, " with the allocator's rounding) on GPU:0; ",
                                      free_bytes, " bytes are free of ", total_bytes, ", ", in_use_,
                                      " bytes are held by live tensors. Use smaller batches or free tensors"));
    }
    check(status, "allocating GPU memory");
    return p;
  }

  /** Frees every cached block, after the work that may still use them finished. */
  void empty_cache() {
    synchronize();  // the work that may still use the blocks
    for (auto& [size, blocks] : free_)
      for (void* p : blocks) cudaFree(p);
    free_.clear();
    cached_ = 0;
  }

  std::mutex mu_;
  std::unordered_map<size_t, std::vector<void*>> free_;  // cached blocks by size
  std::unordered_map<void*, size_t> sizes_;              // blocks in use and their sizes
  size_t cached_ = 0, in_use_ = 0, peak_ = 0;
};

/** The process's allocator; never destroyed, so tensors freed during interpreter exit still find it. */
DeviceAllocator& allocator() {
  static DeviceAllocator* a = new DeviceAllocator();
  return *a;
}

int gpu_count() {
  static const int count = [] {
    int n = 0;
    if (cudaGetDeviceCount(&n) != cudaSuccess) {  // no driver or no device: a CUDA build on a CPU-only machine
      cudaGetLastError();
      return 0;
    }
    return n;
  }();
  return count;
}

/** Whether `p` is host memory the CPU reads (a copy to it must finish before the copy returns). */
bool is_host_memory(const void* p) {
  cudaPointerAttributes attrs{};
  if (cudaPointerGetAttributes(&attrs, p) != cudaSuccess) {
    cudaGetLastError();
    return true;
  }
  return attrs.type == cudaMemoryTypeHost || attrs.type == cudaMemoryTypeUnregistered;
}

/**
 * Pinned host buffers that host -> device copies of up to kMaxBytes go through: the source is copied into one (so the
 * caller may free or change it at once) and the DMA from it is queued without waiting, which a copy from pageable
 * memory cannot do; so a batch's upload overlaps the work queued before it (Keras fit uploads the next batch while
 * the GPU runs a step). A buffer is reused once the event recorded behind its last copy has completed.
 */
class PinnedStaging {
 public:
  static constexpr size_t kMaxBytes = size_t(32) << 20;

  void upload(void* dst, const void* src, size_t nbytes) {
    std::lock_guard<std::mutex> lock(mu_);
    Buffer& b = buffers_[next_];
    next_ = (next_ + 1) % buffers_.size();
    if (b.copied) check(cudaEventSynchronize(b.copied), "waiting for a pinned staging buffer");
    else check(cudaEventCreateWithFlags(&b.copied, cudaEventDisableTiming), "creating a CUDA event");
    if (b.capacity < nbytes) {
      if (b.data) check(cudaFreeHost(b.data), "freeing pinned host memory");
      b.data = nullptr;
      b.capacity = 0;
      check(cudaMallocHost(&b.data, nbytes), "allocating pinned host memory");
      b.capacity = nbytes;
    }
    std::memcpy(b.data, src, nbytes);
    check(cudaMemcpyAsync(dst, b.data, nbytes, cudaMemcpyHostToDevice, stream()), "copying from host to GPU");
    check(cudaEventRecord(b.copied, stream()), "recording a CUDA event");
  }

 private:
  struct Buffer {
    void* data = nullptr;
    size_t capacity = 0;
    cudaEvent_t copied = nullptr;
  };
  std::mutex mu_;
  std::array<Buffer, 4> buffers_{};  // in turn: several uploads (a batch's x, y, weights) are in flight at once
  size_t next_ = 0;
};

/** The process's staging buffers; never destroyed, like the allocator. */
PinnedStaging& staging() {
  static PinnedStaging* s = new PinnedStaging();
  return *s;
}

/** DeviceRuntime::copy: host -> device through the pinned staging buffers when small enough, else cudaMemcpyAsync
 *  (waited for when the destination is host memory). */
void copy(void* dst, const void* src, size_t nbytes) {
  const bool to_host = is_host_memory(dst);
  if (!to_host && nbytes <= PinnedStaging::kMaxBytes && is_host_memory(src)) return staging().upload(dst, src, nbytes);
  check(cudaMemcpyAsync(dst, src, nbytes, cudaMemcpyDefault, stream()), "copying between host and GPU");
  if (to_host) synchronize();
}

const DeviceRuntime kRuntime = {
    gpu_count,
    [](size_t nbytes) { return allocator().allocate(nbytes); },
    [](void* data, size_t) { allocator().release(data); },
    copy,
    [] { synchronize(); },
    [] { return allocator().info(); },
    [] { allocator().reset_peak(); },
};

}  // namespace

void register_kernels() {
  if (gpu_count() == 0) return;  // no GPU: the build runs on the CPU, and no tensor is ever placed on a GPU
  set_device_runtime(Device::CUDA, &kRuntime);
  register_elementwise_kernels();
  register_reduce_kernels();
  register_matmul_kernels();
  register_softmax_kernels();
  register_creation_kernels();
  register_nn_kernels();
  register_random_kernels();
  register_optim_kernels();
  register_pool_kernels();
  register_conv_kernels();
}

}  // namespace pt::cuda
