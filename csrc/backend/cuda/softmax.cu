// CUDA kernels of softmax and log_softmax over the last axis of dense rows: one block per row, the row's maximum and
// sum of exponentials by fixed shared-memory trees (deterministic), then one pass writing the outputs.
#include <cstdint>

#include "../kernel_table.h"
#include "../kernels.h"
#include "register.h"
#include "runtime.h"

namespace pt::cuda {

namespace {

template <class T, bool kLog> __global__ void softmax_rows(const T* x, T* out, int64_t cols) {
  __shared__ T scratch[kThreads];
  const T* row = x + blockIdx.x * cols;
  T* out_row = out + blockIdx.x * cols;
  T top = -INFINITY;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) top = max(top, row[j]);
  top = block_reduce(top, scratch, [](T a, T b) { return max(a, b); });
  T sum = 0;
  for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) sum += exp(row[j] - top);
  sum = block_reduce(sum, scratch, [](T a, T b) { return a + b; });
  if constexpr (kLog) {
    const T log_sum = log(sum);
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) out_row[j] = row[j] - top - log_sum;
  } else {
    const T inv = T(1) / sum;
    for (int64_t j = threadIdx.x; j < cols; j += blockDim.x) out_row[j] = exp(row[j] - top) * inv;
  }
}

template <class T, bool kLog> void softmax(const Tensor& x_in, const Tensor& out) {
  const char* name = kLog ? "log_softmax" : "softmax";
  const Tensor x = on_gpu(x_in, name);
  const int64_t cols = x.dim(-1);
  if (x.numel() == 0) return;
  softmax_rows<T, kLog><<<static_cast<unsigned>(x.numel() / cols), kThreads, 0, stream()>>>(x.data<T>(), out.data<T>(),
                                                                                           cols);
  check_launch(name);
}

}  // namespace

void register_softmax_kernels() {
  using backend::register_kernel;
  using backend::UnaryKernel;
  register_kernel<UnaryKernel>(OpId::softmax, Device::CUDA, DType::Float32, &softmax<float, false>);
  register_kernel<UnaryKernel>(OpId::softmax, Device::CUDA, DType::Float64, &softmax<double, false>);
  register_kernel<UnaryKernel>(OpId::log_softmax, Device::CUDA, DType::Float32, &softmax<float, true>);
  register_kernel<UnaryKernel>(OpId::log_softmax, Device::CUDA, DType::Float64, &softmax<double, true>);
}

}  // namespace pt::cuda
