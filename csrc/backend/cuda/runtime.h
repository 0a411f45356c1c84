#pragma once
/** The CUDA backend's runtime for its kernel files: the stream, the cuBLAS handle, launches, operand layouts. */
#include <cublas_v2.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>

#include "../../core/errors.h"
#include "../../core/tensor.h"

namespace pt::cuda {

/** The stream every kernel, cuBLAS call and copy of the backend is queued on (one device, GPU:0). */
cudaStream_t stream();
/** Waits until the work queued on stream() has finished. */
void synchronize();
/** The cuBLAS handle, bound to stream(), with TF32 off (TF's default: float32 matmuls in full float32). */
cublasHandle_t cublas();
/** Throws RuntimeError naming `what` and CUDA's message unless `status` is cudaSuccess. */
void check(cudaError_t status, const char* what);
/** Throws RuntimeError naming `what` unless `status` is CUBLAS_STATUS_SUCCESS. */
void check_cublas(cublasStatus_t status, const char* what);
/** Checks the last kernel launch of op `op`. */
inline void check_launch(const char* op) { check(cudaGetLastError(), op); }

/** Threads per block of the element-wise and row kernels. */
constexpr int kThreads = 256;
/** Blocks of a grid-stride loop over n elements (capped: each thread then handles several). */
inline unsigned grid_for(int64_t n) {
  return static_cast<unsigned>(std::max<int64_t>(1, std::min<int64_t>((n + kThreads - 1) / kThreads, 1 << 20)));
}

/**
 * Runs grid-stride `kernel(args..., total)` over `total` elements on the stream (nothing when there are none), then
 * checks the launch, naming `op`.
 */
template <class... Params, class... Args>
void launch_over(const char* op, int64_t total, void (*kernel)(Params...), Args... args) {
  if (total == 0) return;
  kernel<<<grid_for(total), kThreads, 0, stream()>>>(args..., total);
  check_launch(op);
}

/**
 * Runs `kernel(args...)` with one block of kThreads threads per item of `total` (at most 2^20 blocks, each then
 * striding over the items by gridDim.x) on the stream (nothing when there are none), then checks the launch, naming
 * `op`.
 */
template <class... Params, class... Args>
void launch_blocks(const char* op, int64_t total, void (*kernel)(Params...), Args... args) {
  if (total == 0) return;
  kernel<<<static_cast<unsigned>(std::min<int64_t>(total, 1 << 20)), kThreads, 0, stream()>>>(args...);
  check_launch(op);
}

/** Element i of an NHWC tensor of `h` rows and `w` columns (C channels): its image, row, column and channel. */
struct Nhwc {
  int64_t b, y, x, c;
  __device__ Nhwc(int64_t i, int64_t h, int64_t w, int64_t C) : c(i % C) {
    i /= C;
    x = i % w;
    i /= w;
    y = i % h;
    b = i / h;
  }
};

/** The block's combination of every thread's `value` by `f` (a fixed tree, so deterministic); every thread gets the
 *  result. For blocks of kThreads threads; `scratch` holds kThreads values. */
template <class T, class F> __device__ T block_reduce(T value, T* scratch, F f) {
  scratch[threadIdx.x] = value;
  __syncthreads();
  for (int width = kThreads / 2; width > 0; width /= 2) {
    if (threadIdx.x < width) scratch[threadIdx.x] = f(scratch[threadIdx.x], scratch[threadIdx.x + width]);
    __syncthreads();
  }
  const T result = scratch[0];
  __syncthreads();  // scratch is reused by the next reduction
  return result;
}

/** The highest rank the strided kernels index (operands of higher rank raise Unimplemented naming the op). */
constexpr int kMaxDims = 12;

/** A shape and the element strides of N operands over it, passed to kernels by value. */
template <int N> struct Layout {
  int ndim = 0;
  int64_t shape[kMaxDims] = {};
  int64_t strides[N][kMaxDims] = {};

  /** The element offset into each operand of flat (row-major) index i. */
  __device__ void offsets(int64_t i, int64_t (&off)[N]) const {
    for (int k = 0; k < N; ++k) off[k] = 0;
    for (int d = ndim - 1; d >= 0; --d) {
      const int64_t c = i % shape[d];
      i /= shape[d];
      for (int k = 0; k < N; ++k) off[k] += c * strides[k][d];
    }
  }
};

/** A Layout over `shape` of operands with `strides` (each of shape's rank); Unimplemented above kMaxDims. */
template <int N> Layout<N> make_layout(const char* op, const Shape& shape, const Strides* const (&strides)[N]) {
  if (shape.size() > static_cast<size_t>(kMaxDims))
    throw Unimplemented(str_cat(op, ": the CUDA kernels take up to ", kMaxDims, " dimensions, got shape ",
                                shape_str(shape), "; reshape to fewer dimensions"));
  Layout<N> l;
  l.ndim = static_cast<int>(shape.size());
  for (int d = 0; d < l.ndim; ++d) {
    l.shape[d] = shape[d];
    for (int k = 0; k < N; ++k) l.strides[k][d] = (*strides[k])[d];
  }
  return l;
}

/**
 * `x` on the GPU: itself, or a copy of a dense CPU tensor (an op whose inputs are on different devices copies, as TF
 * does); InvalidArgument naming `op` for a non-dense CPU operand.
 */
Tensor on_gpu(const Tensor& x, const char* op);

}  // namespace pt::cuda
