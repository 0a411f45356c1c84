// CPU kernels of the fft family: complex, real-to-complex and complex-to-real DFTs over the innermost 1 to 3
// dimensions, by pocketfft (csrc/third_party/pocketfft), any length. The batch (the leading dimensions) is cut into
// fixed blocks that pytensor's thread pool shares out; pocketfft itself runs single-threaded inside a block.
#include <algorithm>
#include <complex>
#include <cstddef>
#include <type_traits>
#include <vector>

#define POCKETFFT_NO_MULTITHREADING
#define POCKETFFT_CACHE_SIZE 16
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wall"
#pragma GCC diagnostic ignored "-Wextra"
#include "../../third_party/pocketfft/pocketfft_hdronly.h"
#pragma GCC diagnostic pop

#include "../../core/parallel.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "register.h"

namespace pt::cpu {

namespace {

enum class Transform { Complex, RealToComplex, ComplexToReal };

/** Batch items per block: at least 16 (pocketfft transforms that many lines at once in SIMD lanes; fewer fall back
 *  to one line at a time) and enough elements (~32K) that a block pays for a thread. A function of the shape only,
 *  so results do not depend on the thread count. */
int64_t items_per_block(int64_t item_elements) {
  return std::max<int64_t>(16, kElementwiseGrain / std::max<int64_t>(1, item_elements));
}

/** Dense row-major byte strides of `shape` for elements of `bytes` bytes. */
pocketfft::stride_t dense_strides(const pocketfft::shape_t& shape, size_t bytes) {
  pocketfft::stride_t s(shape.size());
  ptrdiff_t step = static_cast<ptrdiff_t>(bytes);
  for (size_t i = shape.size(); i-- > 0;) {
    s[i] = step;
    step *= static_cast<ptrdiff_t>(shape[i]);
  }
  return s;
}

/**
 * The transform of dense `x` into dense `out` over their innermost `rank` dims, block by block of the batch. The
 * real side's shape (x's for the forward real transform, out's for the inverse) gives the transform lengths.
 */
template <class T, Transform kind, bool forward>
void fft_kernel(const Tensor& x, int64_t rank, const Tensor& out) {
  using C = std::complex<T>;
  const Tensor& full = kind == Transform::RealToComplex ? x : out;  // the shape whose inner dims are the lengths
  const int64_t nd = full.ndim();
  pocketfft::shape_t inner;
  int64_t lengths = 1;
  for (int64_t d = nd - rank; d < nd; ++d) {
    inner.push_back(static_cast<size_t>(full.dim(d)));
    lengths *= full.dim(d);
  }
  const int64_t batch = lengths == 0 ? 0 : full.numel() / lengths;
  if (batch == 0 || lengths == 0) return;
  const int64_t in_item = x.numel() / batch, out_item = out.numel() / batch;
  const int64_t per_block = items_per_block(std::max(in_item, out_item));
  const int64_t blocks = (batch + per_block - 1) / per_block;
  const T scale = forward ? T(1) : T(1) / static_cast<T>(lengths);
  pocketfft::shape_t axes;
  for (int64_t a = 1; a <= rank; ++a) axes.push_back(static_cast<size_t>(a));
  parallel_items(blocks, blocks, [&](int64_t block, int64_t) {
    const int64_t first = block * per_block, count = std::min(per_block, batch - first);
    pocketfft::shape_t shape{static_cast<size_t>(count)};
    shape.insert(shape.end(), inner.begin(), inner.end());
    if constexpr (kind == Transform::Complex) {
      const auto strides = dense_strides(shape, sizeof(C));
      pocketfft::c2c(shape, strides, strides, axes, forward, x.data<C>() + first * in_item,
                     out.data<C>() + first * out_item, scale);
    } else {
      pocketfft::shape_t half = shape;
      half.back() = half.back() / 2 + 1;
      if constexpr (kind == Transform::RealToComplex)
        pocketfft::r2c(shape, dense_strides(shape, sizeof(T)), dense_strides(half, sizeof(C)), axes, true,
                       x.data<T>() + first * in_item, out.data<C>() + first * out_item, scale);
      else
        pocketfft::c2r(shape, dense_strides(half, sizeof(C)), dense_strides(shape, sizeof(T)), axes, false,
                       x.data<C>() + first * in_item, out.data<T>() + first * out_item, scale);
    }
  });
}

template <class T, Transform kind, bool forward>
void register_fft(OpId op) {
  const DType complex = std::is_same_v<T, float> ? DType::Complex64 : DType::Complex128;
  const DType dt = kind == Transform::RealToComplex ? dtype_of<T>::value : complex;
  backend::register_kernel<backend::FftKernel>(op, Device::CPU, dt, &fft_kernel<T, kind, forward>);
}

template <class T>
void register_fft_kernels_of() {
  for (OpId op : {OpId::fft, OpId::fft2d, OpId::fft3d}) register_fft<T, Transform::Complex, true>(op);
  for (OpId op : {OpId::ifft, OpId::ifft2d, OpId::ifft3d}) register_fft<T, Transform::Complex, false>(op);
  for (OpId op : {OpId::rfft, OpId::rfft2d, OpId::rfft3d}) register_fft<T, Transform::RealToComplex, true>(op);
  for (OpId op : {OpId::irfft, OpId::irfft2d, OpId::irfft3d}) register_fft<T, Transform::ComplexToReal, false>(op);
}

}  // namespace

void register_fft_kernels() {
  register_fft_kernels_of<float>();
  register_fft_kernels_of<double>();
}

}  // namespace pt::cpu
