#pragma once
/**
 * The seam between the core and an optional accelerator backend (backend/cuda/): the backend installs a
 * DeviceRuntime for its Device at registration, and the core allocates, frees and copies device memory through it,
 * so the core itself never links an accelerator library. Without a runtime (the default CPU build, or a CUDA build on
 * a machine without a GPU) only the CPU exists.
 */
#include <cstddef>
#include <cstdint>
#include <string>

#include "storage.h"

namespace pt {

class Tensor;

/** The memory statistics of one device, in bytes (tf.config.experimental.get_memory_info's "current" and "peak"). */
struct DeviceMemoryInfo {
  int64_t current = 0;
  int64_t peak = 0;
};

/** What a device backend provides to the core. Every function may throw the core's errors. */
struct DeviceRuntime {
  /** Devices of this kind present (0: none, the backend is built but unusable). */
  int (*device_count)();
  /** `nbytes` of device memory (ResourceExhausted, naming the op, when the device has not that much free). */
  void* (*allocate)(size_t nbytes);
  /** Gives back a block allocate() returned, with its size. */
  void (*release)(void* data, size_t nbytes);
  /** Copies `nbytes` between host and device (either way, or device to device), ordered after the work queued on
   *  the device; returns once a host destination holds the bytes. */
  void (*copy)(void* dst, const void* src, size_t nbytes);
  /** Waits until the work queued on the device has finished (before the host reads device memory in place). */
  void (*synchronize)();
  /** Current and peak bytes in use on the device. */
  DeviceMemoryInfo (*memory_info)();
  /** Restarts the peak of memory_info() from the bytes in use now. */
  void (*reset_peak)();
};

/** Installs the runtime of `device` (a backend's registration; null removes it). */
void set_device_runtime(Device device, const DeviceRuntime* runtime);
/** The runtime of `device`, or null when it is not built (never null for the CPU's callers: they do not ask). */
const DeviceRuntime* device_runtime(Device device);
/** Devices of kind `device` present: 1 for the CPU, else its runtime's count (0 when not built). */
int device_count(Device device);

/** A dense copy of dense `x` on `device` (x itself when already there). */
Tensor copy_to_device(const Tensor& x, Device device);

/**
 * The device this thread places new tensors from host data on (tf.device's scope; the CPU by default, a GPU when one
 * exists and the Python layer says so, TF's rule).
 */
Device default_device();
/** Sets default_device() for this thread. */
void set_default_device(Device device);
/** Sets default_device() for the threads that have not set their own (TF's rule: a GPU when one exists). */
void set_process_default_device(Device device);

/** Reports a warning to the user (the Python layer installs warnings.warn; stderr until then). */
void warn(const std::string& message);
/** Installs the warning handler. */
void set_warning_handler(void (*handler)(const std::string& message));

}  // namespace pt
