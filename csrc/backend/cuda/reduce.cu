// CUDA kernels of the reductions sum, mean, max, min and prod: one block per output element, a fixed tree over
// its inputs, so the same inputs give bitwise the same result on every run (the design's determinism rule).
#include <cstdint>
#include <limits>

#include "../kernel_table.h"
#include "../kernels.h"
#include "register.h"
#include "runtime.h"

namespace pt::cuda {

namespace {

using backend::register_each;
using backend::Types;

struct SumOp {
  template <class T> __device__ static T identity() { return T(0); }
  template <class T> __device__ static T combine(T a, T b) { return a + b; }
};
struct ProdOp {
  template <class T> __device__ static T identity() { return T(1); }
  template <class T> __device__ static T combine(T a, T b) { return a * b; }
};
// max / min keep a NaN (TF's and numpy's reductions propagate it); identities: the lowest / highest value.
struct MaxOp {
  template <class T> __device__ static T identity() {
    return std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
  }
  template <class T> __device__ static T combine(T a, T b) { return (a > b || a != a) ? a : b; }
};
struct MinOp {
  template <class T> __device__ static T identity() {
    return std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
  }
  template <class T> __device__ static T combine(T a, T b) { return (a < b || a != a) ? a : b; }
};

/**
 * out[o] = the reduction of x over the reduced dims at kept position o: block o's threads fold a strided share of
 * the `count` inputs each, then a shared-memory tree combines the threads' values in a fixed order.
 */
template <class T, class Op, bool kMean>
__global__ void reduce_rows(const T* x, T* out, int64_t count, Layout<1> kept, Layout<1> reduced) {
  __shared__ T partial[kThreads];
  const int64_t o = blockIdx.x;
  int64_t base[1];
  kept.offsets(o, base);
  T acc = Op::template identity<T>();
  for (int64_t j = threadIdx.x; j < count; j += blockDim.x) {
    int64_t off[1];
    reduced.offsets(j, off);
    acc = Op::combine(acc, x[base[0] + off[0]]);
  }
  partial[threadIdx.x] = acc;
  __syncthreads();
  for (int width = kThreads / 2; width > 0; width /= 2) {
    if (threadIdx.x < width) partial[threadIdx.x] = Op::combine(partial[threadIdx.x], partial[threadIdx.x + width]);
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    if constexpr (kMean) {
      if (count == 0) out[o] = std::numeric_limits<T>::has_quiet_NaN ? std::numeric_limits<T>::quiet_NaN() : T(0);
      else out[o] = partial[0] / static_cast<T>(count);
    } else {
      out[o] = partial[0];
    }
  }
}

template <class T, class Op, bool kMean>
void run_reduce(OpId op, const Tensor& x_in, const std::vector<bool>& is_reduced, int64_t count, const Tensor& out) {
  const char* name = op_def(op).name;
  const Tensor x = on_gpu(x_in, name);
  Shape kept_shape, reduced_shape;
  Strides kept_strides, reduced_strides;
  for (int64_t d = 0; d < x.ndim(); ++d) {
    (is_reduced[d] ? reduced_shape : kept_shape).push_back(x.shape()[d]);
    (is_reduced[d] ? reduced_strides : kept_strides).push_back(x.strides()[d]);
  }
  const Strides* const kept_s[1] = {&kept_strides};
  const Strides* const reduced_s[1] = {&reduced_strides};
  const int64_t n_out = out.numel();
  // The grid's x extent allows 2^31 - 1 blocks: far more outputs than a GPU's memory holds inputs for.
  reduce_rows<T, Op, kMean><<<static_cast<unsigned>(n_out), kThreads, 0, stream()>>>(
      x.data<T>(), out.data<T>(), count, make_layout<1>(name, kept_shape, kept_s),
      make_layout<1>(name, reduced_shape, reduced_s));
  check_launch(name);
}

using ReduceTypes = Types<int32_t, int64_t, float, double>;

template <OpId Op, class F, bool kMean = false> void register_reduce() {
  register_each(ReduceTypes{}, Op, Device::CUDA, [](auto t) -> backend::ReduceKernel* {
    using T = decltype(t);
    return [](const Tensor& x, const std::vector<bool>& reduced, int64_t count, const Tensor& out) {
      run_reduce<T, F, kMean>(Op, x, reduced, count, out);
    };
  });
}

}  // namespace

void register_reduce_kernels() {
  register_reduce<OpId::reduce_sum, SumOp>();
  register_reduce<OpId::reduce_mean, SumOp, true>();
  register_reduce<OpId::reduce_max, MaxOp>();
  register_reduce<OpId::reduce_min, MinOp>();
  register_reduce<OpId::reduce_prod, ProdOp>();
}

}  // namespace pt::cuda
