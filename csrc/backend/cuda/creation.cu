// CUDA kernels of the constant fills: zeros (every dtype, a memset on the stream) and fill (ones is fill with 1).
#include <cstdint>

#include "../kernel_table.h"
#include "../kernels.h"
#include "register.h"
#include "runtime.h"

namespace pt::cuda {

namespace {

template <class T> __global__ void fill_dense(T* out, int64_t n, T value) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    out[i] = value;
}

}  // namespace

void register_creation_kernels() {
  backend::register_each(backend::Types<bool, uint8_t, int32_t, int64_t, float, double>{}, OpId::fill, Device::CUDA,
                         [](auto tag) -> backend::CreationKernel* {
                           using T = decltype(tag);
                           return [](const Tensor& out, double value, double) {
                             const int64_t n = out.numel();
                             if (n == 0) return;
                             fill_dense<<<grid_for(n), kThreads, 0, stream()>>>(out.data<T>(), n, static_cast<T>(value));
                             check_launch("fill");
                           };
                         });
  for (int d = 0; d < kNumDTypes; ++d)
    backend::register_kernel<backend::CreationKernel>(OpId::zeros, Device::CUDA, DType(d), [](const Tensor& out, double, double) {
      check(cudaMemsetAsync(out.raw_data(), 0, static_cast<size_t>(out.numel()) * out.itemsize(), stream()), "zeros");
    });
}

}  // namespace pt::cuda
