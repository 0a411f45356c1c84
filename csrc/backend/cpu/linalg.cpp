// CPU kernel of the linalg family: batched matmul with broadcast batch dimensions, transposes as strides.
#include <string>
#include <utility>
#include <vector>

#include "../kernel_table.h"
#include "../kernels.h"
#include "gemm.h"
#include "register.h"

namespace pt::cpu {

namespace {

/** The last two dimensions of an operand as a matrix view: transposition only swaps strides. */
struct MatrixDims {
  int64_t rows, cols, row_stride, col_stride;
};

MatrixDims matrix_dims(const Tensor& x, bool transpose) {
  const int64_t nd = x.ndim();
  MatrixDims d{x.shape()[nd - 2], x.shape()[nd - 1], x.strides()[nd - 2], x.strides()[nd - 1]};
  if (transpose) {
    std::swap(d.rows, d.cols);
    std::swap(d.row_stride, d.col_stride);
  }
  return d;
}

/** Element offsets of each matrix of `x` in the broadcast batch `batch_shape` (row-major batch order). */
std::vector<int64_t> batch_offsets(const Tensor& x, const Shape& batch_shape) {
  const Shape own(x.shape().begin(), x.shape().end() - 2);
  const Strides own_strides(x.strides().begin(), x.strides().end() - 2);
  const Strides s = broadcast_strides(own, own_strides, batch_shape);
  const int64_t count = numel(batch_shape), nd = static_cast<int64_t>(batch_shape.size());
  std::vector<int64_t> offsets(count);
  std::vector<int64_t> idx(nd, 0);
  int64_t off = 0;
  for (int64_t i = 0; i < count; ++i) {
    offsets[i] = off;
    // Odometer step over the batch index, keeping the offset in sync.
    for (int64_t d = nd - 1; d >= 0; --d) {
      off += s[d];
      if (++idx[d] < batch_shape[d]) break;
      off -= s[d] * batch_shape[d];
      idx[d] = 0;
    }
  }
  return offsets;
}

/** True when Eigen can read every matrix of `x` in place. */
bool can_map(const Tensor& x) {
  const MatrixDims d = matrix_dims(x, false);
  return gemm_can_map(d.rows, d.cols, d.row_stride, d.col_stride);
}

template <class T>
void run_gemm(const Tensor& a, const MatrixDims& da, const std::vector<int64_t>& a_off, const Tensor& b,
              const MatrixDims& db, const std::vector<int64_t>& b_off, const Tensor& out, int64_t batch) {
  gemm_batched<T>(batch, da.rows, db.cols, da.cols, {a.data<T>(), da.row_stride, da.col_stride}, a_off.data(),
                       {b.data<T>(), db.row_stride, db.col_stride}, b_off.data(), out.data<T>());
}

/** A dense copy of `x`. */
Tensor dense_copy(const Tensor& x) {
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  backend::kernel<backend::UnaryKernel>(OpId::identity, Device::CPU, x.dtype())(x, out);
  return out;
}

template <class T>
void matmul(const Tensor& a_in, const Tensor& b_in, bool transpose_a, bool transpose_b, const Shape& batch_shape,
            const Tensor& out) {
  // Eigen reads a matrix in place when one of its last two strides is 1; other layouts get a dense copy.
  const Tensor a = can_map(a_in) ? a_in : dense_copy(a_in);
  const Tensor b = can_map(b_in) ? b_in : dense_copy(b_in);
  const MatrixDims da = matrix_dims(a, transpose_a), db = matrix_dims(b, transpose_b);
  const std::vector<int64_t> a_off = batch_offsets(a, batch_shape), b_off = batch_offsets(b, batch_shape);
  run_gemm<T>(a, da, a_off, b, db, b_off, out, numel(batch_shape));
}

}  // namespace

void register_linalg_kernels() {
  backend::register_each(backend::Types<int32_t, int64_t, float, double>{}, OpId::matmul, Device::CPU,
                         [](auto tag) { return &matmul<decltype(tag)>; });
}

}  // namespace pt::cpu
