// Devices: what pytensor/config.py and tf.device read and set (the GPUs of a CUDA build, the thread's default
// device, copies between devices, GPU memory statistics) and the Python warning handler of the core.
#include <pybind11/stl.h>

#include "../backend/kernel_table.h"
#include "../core/device.h"
#include "../ops/ops.h"
#include "bindings.h"
#include "convert.h"

namespace py = pybind11;

namespace pt::bind {

namespace {

/** Device::CPU or Device::CUDA from "CPU" / "GPU" (the Python layer has parsed TF's device string). */
Device device_from_str(const std::string& name) {
  if (name == "CPU") return Device::CPU;
  if (name == "GPU") return Device::CUDA;
  throw InvalidArgument(str_cat("device: expected 'CPU' or 'GPU', got '", name, "'"));
}

/** The GPU's runtime; InvalidArgument (TF's ValueError for a device that does not exist) when there is none. */
const DeviceRuntime& gpu_runtime(const char* what) {
  const DeviceRuntime* runtime = device_runtime(Device::CUDA);
  if (!runtime || runtime->device_count() == 0)
    throw InvalidArgument(str_cat(what, ": no GPU is present (", device_count(Device::CUDA), " visible)"));
  return *runtime;
}

void warn_in_python(const std::string& message) {
  py::gil_scoped_acquire gil;
  if (PyErr_WarnEx(PyExc_RuntimeWarning, message.c_str(), 1) < 0) PyErr_Clear();  // warnings-as-errors: printed
}

}  // namespace

void bind_device(py::module_& m) {
  set_warning_handler(warn_in_python);
#ifdef PYTENSOR_CUDA
  m.attr("built_with_cuda") = true;
#else
  m.attr("built_with_cuda") = false;
#endif
  m.def("gpu_count", [] { return device_count(Device::CUDA); },
        "GPUs this build can use: 0 without CUDA, without a driver or without a GPU.");
  m.def("gpu_memory_info", [] {
    const DeviceMemoryInfo info = gpu_runtime("get_memory_info").memory_info();
    return py::dict(py::arg("current") = info.current, py::arg("peak") = info.peak);
  }, "Bytes of GPU memory held by tensors now and at the peak since the last reset (GPU:0).");
  m.def("gpu_reset_memory_stats", [] { gpu_runtime("reset_memory_stats").reset_peak(); },
        "Restarts the peak of gpu_memory_info() from the bytes in use now.");
  m.def("gpu_synchronize", [] { gpu_runtime("synchronize").synchronize(); },
        "Waits until the work queued on the GPU has finished (benchmarks time with it).");
  m.def("default_device", [] { return default_device() == Device::CPU ? "CPU" : "GPU"; },
        "The device this thread places new tensors on: 'CPU' or 'GPU'.");
  m.def("set_default_device", [](const std::string& name) {
    const Device device = device_from_str(name);
    if (device != Device::CPU) gpu_runtime("set_default_device");
    set_default_device(device);
  }, py::arg("device"), "Places this thread's new tensors on 'CPU' or 'GPU' (tf.device's scope).");
  m.def("set_process_default_device", [](const std::string& name) {
    const Device device = device_from_str(name);
    if (device != Device::CPU) gpu_runtime("set_process_default_device");
    set_process_default_device(device);
  }, py::arg("device"), "Places new tensors of threads without a tf.device scope on 'CPU' or 'GPU'.");
  m.def("cuda_kernels", [] {
    backend::register_backends();
    py::dict kernels;
    for (size_t op = 0; op < backend::kNumOps; ++op) {
      py::list dtypes;
      for (int d = 0; d < kNumDTypes; ++d)
        if (backend::g_kernel_table.at(static_cast<OpId>(op), Device::CUDA, static_cast<DType>(d)).fn)
          dtypes.append(dtype_name(static_cast<DType>(d)));
      if (!dtypes.empty()) kernels[op_def(static_cast<OpId>(op)).name] = dtypes;
    }
    return kernels;
  }, "{op name: [dtype names]} of the forward kernels registered for the GPU (empty without a usable GPU).");
  m.def("to_device", [](const Tensor& t, const std::string& name) {
    const Device device = device_from_str(name);
    return t.device() == device ? t : copy_to_device(ops::contiguous(t), device);
  }, py::arg("tensor"), py::arg("device"), "A copy of the tensor on 'CPU' or 'GPU' (itself when already there).");
}

}  // namespace pt::bind
