#pragma once
/** Device-tagged, reference-counted, aligned memory that tensors view. */
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace pt {

/** Where a storage's bytes live. */
enum class Device : uint8_t { CPU = 0, CUDA = 1 };

/** TF's full name of `device` (tensor.device; a GPU is index 0, the only one pytensor uses). */
inline const char* tf_device_name(Device device) {
  return device == Device::CPU ? "/job:localhost/replica:0/task:0/device:CPU:0"
                               : "/job:localhost/replica:0/task:0/device:GPU:0";
}

/** Alignment of every allocation, in bytes (a cache line; enough for AVX-512 loads). */
constexpr size_t kAlignment = 64;

/** A block of memory, owned (allocated here) or borrowed (freed by a callback, e.g. a DLPack capsule). */
class Storage {
 public:
  using FreeFn = void (*)(void* data, void* ctx);

  /** Allocates `nbytes` aligned bytes on `device` (uninitialised). */
  static std::shared_ptr<Storage> allocate(size_t nbytes, Device device = Device::CPU);
  /** Wraps external memory; `free_fn(data, ctx)` runs when the last view dies. */
  static std::shared_ptr<Storage> borrow(void* data, size_t nbytes, Device device, FreeFn free_fn, void* ctx);

  Storage(void* data, size_t nbytes, Device device, FreeFn free_fn, void* ctx, bool owned)
      : data_(data), nbytes_(nbytes), device_(device), free_fn_(free_fn), ctx_(ctx), owned_(owned) {}
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;

  /** First byte of the block. */
  void* data() const { return data_; }
  /** Size of the block in bytes. */
  size_t nbytes() const { return nbytes_; }
  /** Device of the block. */
  Device device() const { return device_; }
  /** True when this library allocated the block (false: borrowed memory, e.g. a numpy array's). */
  bool owned() const { return owned_; }

  /** Bytes currently held by storages this library allocated (for leak and release tests). */
  static int64_t live_bytes();
  /** The most bytes live_bytes() reached since the last reset_peak_bytes() (peak memory of a step). */
  static int64_t peak_bytes();
  /** Starts a new peak_bytes() measurement from the bytes live now. */
  static void reset_peak_bytes();

 private:
  void* data_;
  size_t nbytes_;
  Device device_;
  FreeFn free_fn_;
  void* ctx_;
  bool owned_;
};

}  // namespace pt
