// CUDA kernels of the fused softmax cross-entropies (the sparse one's fused backward too) and dropout's mask. The
// row kernels run one block per row with fixed shared-memory trees (deterministic), as softmax.cu does.
#include <cstdint>

#include "../kernel_table.h"
#include "../kernels.h"
#include "../shared_math.h"
#include "register.h"
#include "runtime.h"

namespace pt::cuda {

namespace {

/** The larger of a and b, NaN if either is (the CPU's row maximum propagates NaN). */
template <class T> __device__ T max_nan(T a, T b) { return a != a || a > b ? a : b; }

/** The row's shift, as the CPU's row_shift: its maximum, 0 when that is infinite (exp(x - 0) is then exact). */
template <class T> __device__ T row_shift(const T* row, int64_t n, T* scratch) {
  T top = -INFINITY;
  for (int64_t j = threadIdx.x; j < n; j += blockDim.x) top = max_nan(top, row[j]);
  top = block_reduce(top, scratch, [](T a, T b) { return max_nan(a, b); });
  return isinf(top) ? T(0) : top;
}

/**
 * loss[r] = shift + log(sum exp(x - shift)) - x[label]; with `exps`, also exps = exp(x - shift) and inv_sum = 1 / their
 * sum for the backward. A label outside [0, n) gives a NaN loss (and a NaN gradient row), as TF's GPU kernel does:
 * checking the labels on the host would wait for the GPU every step.
 */
template <class T, class I>
__global__ void sparse_xent_rows(const T* x, const I* labels, T* loss, T* exps, T* inv_sum, int64_t n) {
  __shared__ T scratch[kThreads];
  const int64_t r = blockIdx.x;
  const T* row = x + r * n;
  const T shift = row_shift(row, n, scratch);
  T sum = 0;
  for (int64_t j = threadIdx.x; j < n; j += blockDim.x) {
    const T e = exp(row[j] - shift);
    if (exps) exps[r * n + j] = e;
    sum += e;
  }
  sum = block_reduce(sum, scratch, [](T a, T b) { return a + b; });
  if (threadIdx.x == 0) {
    const int64_t label = static_cast<int64_t>(labels[r]);
    if (inv_sum) inv_sum[r] = label >= 0 && label < n ? T(1) / sum : T(NAN);
    loss[r] = label >= 0 && label < n ? shift + log(sum) - row[label] : T(NAN);
  }
}

template <class T, class I>
void sparse_xent(const Tensor& logits_in, const Tensor& labels_in, const Tensor& loss, const Tensor& exps,
                 const Tensor& inv_sum) {
  const char* name = "sparse_softmax_cross_entropy_with_logits";
  const Tensor logits = on_gpu(logits_in, name), labels = on_gpu(labels_in, name);
  const int64_t n = logits.shape().back();
  const int64_t rows = n == 0 ? 0 : logits.numel() / n;
  if (rows == 0) return;
  sparse_xent_rows<T, I><<<static_cast<unsigned>(rows), kThreads, 0, stream()>>>(
      logits.data<T>(), labels.data<I>(), loss.data<T>(), exps.defined() ? exps.data<T>() : nullptr,
      inv_sum.defined() ? inv_sum.data<T>() : nullptr, n);
  check_launch(name);
}

/** dlogits[r, i] = dy[r] * (exps[r, i] * inv_sum[r] - [i == label[r]]), one thread per element. */
template <class T, class I>
__global__ void sparse_xent_grad(const T* exps, const T* inv_sum, const I* labels, const T* dy, T* out, int64_t n,
                                 int64_t total) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < total; i += int64_t(gridDim.x) * blockDim.x) {
    const int64_t r = i / n;
    const T g = dy[r];
    const T v = g * inv_sum[r] * exps[i];
    out[i] = i % n == static_cast<int64_t>(labels[r]) ? v - g : v;
  }
}

template <class T>
void sparse_xent_backward(const Tensor& exps_in, const Tensor& inv_sum_in, const Tensor& labels_in,
                          const Tensor& dy_in, const Tensor& out) {
  const char* name = "sparse_softmax_cross_entropy_with_logits (backward)";
  const Tensor exps = on_gpu(exps_in, name), inv_sum = on_gpu(inv_sum_in, name), labels = on_gpu(labels_in, name),
               dy = on_gpu(dy_in, name);
  const int64_t n = exps.shape().back(), total = exps.numel();
  if (total == 0) return;
  if (labels.dtype() == DType::Int32)
    sparse_xent_grad<T, int32_t><<<grid_for(total), kThreads, 0, stream()>>>(
        exps.data<T>(), inv_sum.data<T>(), labels.data<int32_t>(), dy.data<T>(), out.data<T>(), n, total);
  else
    sparse_xent_grad<T, int64_t><<<grid_for(total), kThreads, 0, stream()>>>(
        exps.data<T>(), inv_sum.data<T>(), labels.data<int64_t>(), dy.data<T>(), out.data<T>(), n, total);
  check_launch(name);
}

/** loss[r] = sum_i labels[r, i] * (logsumexp(x[r]) - x[r, i]). */
template <class T> __global__ void dense_xent_rows(const T* x, const T* labels, T* loss, int64_t n) {
  __shared__ T scratch[kThreads];
  const T* row = x + blockIdx.x * n;
  const T* lab = labels + blockIdx.x * n;
  const T shift = row_shift(row, n, scratch);
  T sum = 0;
  for (int64_t j = threadIdx.x; j < n; j += blockDim.x) sum += exp(row[j] - shift);
  const T lse = shift + log(block_reduce(sum, scratch, [](T a, T b) { return a + b; }));
  T acc = 0;
  for (int64_t j = threadIdx.x; j < n; j += blockDim.x) acc += lab[j] * (lse - row[j]);
  acc = block_reduce(acc, scratch, [](T a, T b) { return a + b; });
  if (threadIdx.x == 0) loss[blockIdx.x] = acc;
}

template <class T> void dense_xent(const Tensor& logits_in, const Tensor& labels_in, const Tensor& loss) {
  const char* name = "softmax_cross_entropy_with_logits";
  const Tensor logits = on_gpu(logits_in, name), labels = on_gpu(labels_in, name);
  const int64_t n = logits.shape().back();
  if (loss.numel() == 0) return;
  if (n == 0) {
    check(cudaMemsetAsync(loss.raw_data(), 0, static_cast<size_t>(loss.numel()) * loss.itemsize(), stream()), name);
    return;
  }
  dense_xent_rows<T><<<static_cast<unsigned>(logits.numel() / n), kThreads, 0, stream()>>>(
      logits.data<T>(), labels.data<T>(), loss.data<T>(), n);
  check_launch(name);
}

template <class T> __global__ void dropout_mask_dense(const T* u, T* mask, int64_t n, T rate, T scale) {
  for (int64_t i = blockIdx.x * int64_t(blockDim.x) + threadIdx.x; i < n; i += int64_t(gridDim.x) * blockDim.x)
    mask[i] = backend::dropout_mask(u[i], rate, scale);
}

template <class T> void dropout(const Tensor& uniform_in, double rate, const Tensor& mask) {
  const Tensor uniform = on_gpu(uniform_in, "dropout");
  const int64_t n = mask.numel();
  if (n == 0) return;
  const T r = static_cast<T>(rate), scale = static_cast<T>(1.0 / (1.0 - rate));
  dropout_mask_dense<T><<<grid_for(n), kThreads, 0, stream()>>>(uniform.data<T>(), mask.data<T>(), n, r, scale);
  check_launch("dropout");
}

}  // namespace

void register_nn_kernels() {
  using backend::FloatTypes;
  using backend::register_each;
  register_each(FloatTypes{}, OpId::sparse_softmax_cross_entropy_with_logits, Device::CUDA, [](auto tag) {
    using T = decltype(tag);
    return +[](const Tensor& logits, const Tensor& labels, const Tensor& loss, const Tensor& exps,
               const Tensor& inv_sum) {
      if (labels.dtype() == DType::Int32) sparse_xent<T, int32_t>(logits, labels, loss, exps, inv_sum);
      else sparse_xent<T, int64_t>(logits, labels, loss, exps, inv_sum);
    };
  });
  register_each(FloatTypes{}, OpId::sparse_softmax_cross_entropy_with_logits, Device::CUDA,
                [](auto tag) { return &sparse_xent_backward<decltype(tag)>; }, backend::Pass::Backward);
  register_each(FloatTypes{}, OpId::softmax_cross_entropy_with_logits, Device::CUDA,
                [](auto tag) { return &dense_xent<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::dropout, Device::CUDA, [](auto tag) { return &dropout<decltype(tag)>; });
}

}  // namespace pt::cuda
