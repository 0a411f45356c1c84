#include "kernel_table.h"

#include <mutex>
#include <string>

#include "../core/errors.h"
#include "cpu/register.h"

namespace pt::backend {

KernelTable g_kernel_table;  // zero-initialised before any dynamic initialiser runs

void register_backends() {
  static std::once_flag once;
  std::call_once(once, [] { cpu::register_kernels(); });
}

namespace {
// Filled at load; a lookup that runs earlier (another file's static initialiser) registers through missing_kernel.
const bool registered = (register_backends(), true);
}  // namespace

const char* device_name(Device device) { return device == Device::CPU ? "CPU" : "CUDA"; }

ErasedKernel missing_kernel(OpId op, Device device, DType dtype, Pass pass, const void* signature) {
  register_backends();
  const KernelSlot& slot = g_kernel_table.at(op, device, dtype, pass);
  if (slot.signature == signature) return slot.fn;
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
