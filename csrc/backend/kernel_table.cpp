#include "kernel_table.h"

#include <algorithm>
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

const char* current_device_op_name() {
  return t_device_op == OpId::kCount ? "an op" : op_def(t_device_op).name;
}

const char* device_name(Device device) { return device == Device::CPU ? "CPU" : "CUDA"; }

Tensor HostStaging::host(const Tensor& x) {
  if (!x.defined() || x.device() == Device::CPU) return x;
  const std::shared_ptr<Storage>& device = x.storage();
  auto it = std::find_if(staged_.begin(), staged_.end(), [&](const Staged& s) { return s.device == device; });
  if (it == staged_.end()) {
    const size_t nbytes = device->nbytes();  // the whole storage: views of it keep their offsets and strides
    Staged s{device, Storage::allocate(nbytes), {}};
    if (nbytes > 0) device_runtime(device->device())->copy(s.host->data(), device->data(), nbytes);
    const char* bytes = static_cast<const char*>(s.host->data());
    s.before.assign(bytes, bytes + nbytes);
    staged_.push_back(std::move(s));
    it = staged_.end() - 1;
  }
  return Tensor::from_storage(it->host, x.shape(), x.strides(), x.offset(), x.dtype());
}

void HostStaging::write_back() {
  for (const Staged& s : staged_) {
    const char* now = static_cast<const char*>(s.host->data());
    const size_t n = s.before.size();
    size_t first = 0, last = n;
    while (first < n && now[first] == s.before[first]) ++first;
    if (first == n) continue;  // an input: unchanged
    while (now[last - 1] == s.before[last - 1]) --last;
    device_runtime(s.device->device())->copy(static_cast<char*>(s.device->data()) + first, now + first, last - first);
  }
}

Tensor HostStaging::to_device(const Tensor& result) const {
  if (staged_.empty() || !result.defined()) return result;
  return copy_to_device(result, staged_.front().device->device());
}

ErasedKernel host_kernel(OpId op, DType dtype, Pass pass, const void* signature, InstallTrampoline install) {
  register_backends();
  const KernelSlot& cpu = g_kernel_table.at(op, Device::CPU, dtype, pass);
  if (cpu.signature != signature) return nullptr;
  static std::atomic<ErasedKernel> trampolines[kNumOps][kNumPasses][kNumDTypes] = {};
  std::atomic<ErasedKernel>& trampoline =
      trampolines[static_cast<size_t>(op)][static_cast<size_t>(pass)][static_cast<size_t>(dtype)];
  if (ErasedKernel made = trampoline.load(std::memory_order_acquire)) return made;
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  if (!trampoline.load(std::memory_order_relaxed)) trampoline.store(install(cpu.fn), std::memory_order_release);
  return trampoline.load(std::memory_order_relaxed);
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
                     " kernel for dtype ", dtype_name(dtype), "; it runs on the CPU, on copies of its operands "
                     "(slower; warned once per op)"));
      return host;
    }
    if (g_kernel_table.at(op, Device::CPU, dtype, pass).signature == signature)
      throw Unimplemented(str_cat(op_def(op).name, ": no ", device_name(device), " kernel for dtype ",
                                  dtype_name(dtype), ", and the ", kHostTrampolines, " CPU fallbacks of its kernel "
                                  "signature are taken by other ops; run it under tf.device('/CPU:0')"));
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
