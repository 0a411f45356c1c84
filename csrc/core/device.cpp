#include "device.h"

#include <atomic>
#include <cstdio>
#include <cstring>

#include "errors.h"
#include "tensor.h"

namespace pt {

namespace {
const DeviceRuntime* g_runtimes[2] = {nullptr, nullptr};
std::atomic<Device> g_process_device{Device::CPU};  // threads that never set theirs place on this one
thread_local bool t_has_device = false;
thread_local Device t_device = Device::CPU;
void warn_to_stderr(const std::string& message) { std::fprintf(stderr, "pytensor warning: %s\n", message.c_str()); }
void (*g_warning_handler)(const std::string&) = warn_to_stderr;
}  // namespace

void set_device_runtime(Device device, const DeviceRuntime* runtime) {
  g_runtimes[static_cast<size_t>(device)] = runtime;
}

const DeviceRuntime* device_runtime(Device device) { return g_runtimes[static_cast<size_t>(device)]; }

int device_count(Device device) {
  if (device == Device::CPU) return 1;
  const DeviceRuntime* runtime = device_runtime(device);
  return runtime ? runtime->device_count() : 0;
}

Tensor copy_to_device(const Tensor& x, Device device) {
  if (x.device() == device) return x;
  check_arg(x.is_contiguous(), "copy_to_device: expected a dense tensor");
  const DeviceRuntime* runtime = device_runtime(device == Device::CPU ? x.device() : device);
  if (!runtime || runtime->device_count() == 0)
    throw InvalidArgument(str_cat("copy_to_device: no GPU is present (", device_count(Device::CUDA),
                                  " visible), so a tensor cannot be copied to or from one"));
  Tensor out = Tensor::empty(x.shape(), x.dtype(), device);
  const size_t nbytes = static_cast<size_t>(x.numel()) * x.itemsize();
  if (nbytes > 0) runtime->copy(out.raw_data(), x.raw_data(), nbytes);
  return out;
}

Device default_device() { return t_has_device ? t_device : g_process_device.load(std::memory_order_relaxed); }

void set_default_device(Device device) {
  t_has_device = true;
  t_device = device;
}

void set_process_default_device(Device device) { g_process_device.store(device, std::memory_order_relaxed); }

void warn(const std::string& message) { g_warning_handler(message); }

void set_warning_handler(void (*handler)(const std::string& message)) {
  g_warning_handler = handler ? handler : warn_to_stderr;
}

}  // namespace pt
