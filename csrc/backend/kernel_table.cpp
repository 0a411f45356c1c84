#include "kernel_table.h"

#include <atomic>
#include <mutex>
#include <string>

#include "../core/device.h"
#include "../core/errors.h"
#include "cpu/register.h"
#ifdef PYTENSOR_CUDA
#include "cuda/register.h"
#endif

namespace pt::backend {

KernelTable g_kernel_table;  // zero-initialised before any dynamic initialiser runs

void register_backends() {
  static std::once_flag once;
  std::call_once(once, [] {
    cpu::register_kernels();
#ifdef PYTENSOR_CUDA
    cuda::register_kernels();
#endif
  });
}

namespace {
// Filled at load; a lookup that runs earlier (another file's static initialiser) registers through missing_kernel.
const bool registered = (register_backends(), true);
}  // namespace

void finish_device_work() {
  for (size_t d = 1; d < kNumDevices; ++d)
    if (const DeviceRuntime* runtime = device_runtime(static_cast<Device>(d))) runtime->synchronize();
  g_device_work_pending.store(false, std::memory_order_relaxed);
}

const char* current_device_op_name() {
  return t_device_op == OpId::kCount ? "an op" : op_def(t_device_op).name;
}

const char* device_name(Device device) { return device == Device::CPU ? "CPU" : "CUDA"; }

ErasedKernel host_kernel(OpId op, DType dtype, Pass pass, const void* signature, InstallTrampoline install) {
  register_backends();
  const KernelSlot& cpu = g_kernel_table.at(op, Device::CPU, dtype, pass);
  if (cpu.signature != signature) return nullptr;
  static std::mutex mu;
  static ErasedKernel trampolines[kNumOps][kNumPasses][kNumDTypes] = {};
  std::lock_guard<std::mutex> lock(mu);
  ErasedKernel& trampoline = trampolines[static_cast<size_t>(op)][static_cast<size_t>(pass)][static_cast<size_t>(dtype)];
  if (!trampoline) trampoline = install(cpu.fn);
  if (trampoline) return trampoline;
  finish_device_work();  // every trampoline of the signature is taken: wait now (work queued later is not waited for)
  return cpu.fn;
}

ErasedKernel missing_kernel(OpId op, Device device, DType dtype, Pass pass, const void* signature,
                            InstallTrampoline install) {
  register_backends();
  const KernelSlot& slot = g_kernel_table.at(op, device, dtype, pass);
  if (slot.signature == signature) return slot.fn;
  if (device != Device::CPU && device_runtime(device)) {
    if (ErasedKernel host = host_kernel(op, dtype, pass, signature, install)) {
      static std::atomic<bool> warned[kNumOps][kNumPasses] = {};
      if (!warned[static_cast<size_t>(op)][static_cast<size_t>(pass)].exchange(true))
        warn(str_cat(op_def(op).name, pass == Pass::Backward ? " (backward)" : "", ": no ", device_name(device),
                     " kernel for dtype ", dtype_name(dtype), "; it runs on the CPU, reading and writing the GPU's "
                     "memory in place (slower; warned once per op)"));
      return host;
    }
  }
  const std::string name = str_cat(op_def(op).name, pass == Pass::Backward ? " (backward)" : "");
  if (slot.fn)
    throw RuntimeError(str_cat(name, ": the ", device_name(device), " kernel for dtype ", dtype_name(dtype),
                               " was registered with another signature than the op calls it with (see "
                               "backend/kernels.h)"));
  std::string have;
  for (int d = 0; d < kNumDTypes; ++d)
    if (g_kernel_table.at(op, device, static_cast<DType>(d), pass).fn)
      have += str_cat(have.empty() ? "" : ", ", dtype_name(static_cast<DType>(d)));
  if (have.empty())
    throw Unimplemented(str_cat(name, ": no ", device_name(device), " kernel for dtype ", dtype_name(dtype),
                                "; this build registers no ", device_name(device), " kernels for ", name,
                                ", so move its inputs to a device that has them"));
  throw TypeError(str_cat(name, ": got dtype ", dtype_name(dtype), ", expected one of ", have, " (the dtypes with ",
                          device_name(device), " kernels for ", name, "); cast first with pt.cast"));
}

}  // namespace pt::backend
