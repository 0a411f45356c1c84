// CUDA matmul and batched matmul through cuBLAS (float32 and float64; TF32 off, see runtime.h). Row-major operands
// are handed to column-major cuBLAS as their transposes: C = op(A) op(B) is computed as C^T = op(B)^T op(A)^T.
#include <cstdint>
#include <vector>

#include "../../core/device.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "register.h"
#include "runtime.h"

namespace pt::cuda {

namespace {

/** One operand as cuBLAS reads it: its column-major operation and leading dimension, or `dense` false when its
 *  last two strides fit neither a row-major nor a column-major matrix (it is then copied dense first). */
struct GemmOperand {
  bool dense = true;
  cublasOperation_t op = CUBLAS_OP_N;
  int64_t ld = 1;
};

/** How cuBLAS reads matrix `x` (its last two dims, rows x cols as stored) under the row-major trick. */
GemmOperand gemm_operand(const Tensor& x, bool transpose) {
  const int64_t rows = x.dim(-2), cols = x.dim(-1);
  // A dim of extent 1 has any stride; give it the one that makes the layout plain.
  const int64_t s_col = cols == 1 ? 1 : x.strides()[x.ndim() - 1];
  const int64_t s_row = rows == 1 ? std::max<int64_t>(cols, 1) : x.strides()[x.ndim() - 2];
  if (s_col == 1 && s_row >= std::max<int64_t>(cols, 1))  // row-major: cuBLAS sees x^T
    return {true, transpose ? CUBLAS_OP_T : CUBLAS_OP_N, s_row};
  if (s_row == 1 && s_col >= std::max<int64_t>(rows, 1))  // column-major: cuBLAS sees x
    return {true, transpose ? CUBLAS_OP_N : CUBLAS_OP_T, s_col};
  return {false};
}

/** A single batch stride for strides over batch_shape (0: broadcast), or -1 when the batch is not one stride. */
int64_t batch_stride(const Shape& batch_shape, const Strides& strides) {
  int64_t stride = -1, expect = 0;
  for (int64_t d = static_cast<int64_t>(batch_shape.size()) - 1; d >= 0; --d) {
    if (batch_shape[d] == 1) continue;
    if (stride < 0) {
      stride = strides[d];
      expect = stride * batch_shape[d];
    } else if (strides[d] != expect) {
      return -1;
    } else {
      expect *= batch_shape[d];
    }
  }
  return stride < 0 ? 0 : stride;
}

void gemm_batched(cublasOperation_t op_a, cublasOperation_t op_b, int64_t m, int64_t n, int64_t k, const float* a,
                  int64_t lda, int64_t stride_a, const float* b, int64_t ldb, int64_t stride_b, float* c,
                  int64_t ldc, int64_t stride_c, int64_t batch) {
  const float one = 1, zero = 0;
  check_cublas(cublasSgemmStridedBatched(cublas(), op_a, op_b, m, n, k, &one, a, lda, stride_a, b, ldb, stride_b, &zero,
                                         c, ldc, stride_c, batch),
               "matmul (cublasSgemmStridedBatched)");
}

void gemm_batched(cublasOperation_t op_a, cublasOperation_t op_b, int64_t m, int64_t n, int64_t k, const double* a,
                  int64_t lda, int64_t stride_a, const double* b, int64_t ldb, int64_t stride_b, double* c,
                  int64_t ldc, int64_t stride_c, int64_t batch) {
  const double one = 1, zero = 0;
  check_cublas(cublasDgemmStridedBatched(cublas(), op_a, op_b, m, n, k, &one, a, lda, stride_a, b, ldb, stride_b, &zero,
                                         c, ldc, stride_c, batch),
               "matmul (cublasDgemmStridedBatched)");
}

/** `x` with its last two dims dense (a copy through the identity kernel when they are not). */
Tensor dense_matrices(const Tensor& x) {
  Tensor out = Tensor::empty(x.shape(), x.dtype(), Device::CUDA);
  backend::kernel<backend::UnaryKernel>(OpId::identity, Device::CUDA, x.dtype())(x, out);
  return out;
}

template <class T>
void matmul(const Tensor& a_in, const Tensor& b_in, bool transpose_a, bool transpose_b, const Shape& batch_shape,
            const Tensor& out) {
  Tensor a = on_gpu(a_in, "matmul"), b = on_gpu(b_in, "matmul");
  GemmOperand ga = gemm_operand(a, transpose_a), gb = gemm_operand(b, transpose_b);
  if (!ga.dense) ga = gemm_operand(a = dense_matrices(a), transpose_a);
  if (!gb.dense) gb = gemm_operand(b = dense_matrices(b), transpose_b);
  const int64_t m = out.dim(-2), n = out.dim(-1);
  const int64_t k = transpose_a ? a.dim(-2) : a.dim(-1);
  if (k == 0) {  // an empty inner dimension: a product of zeros
    check(cudaMemsetAsync(out.raw_data(), 0, static_cast<size_t>(out.numel()) * sizeof(T), stream()), "matmul");
    return;
  }
  const auto batch_strides = [&](const Tensor& x) {
    const Shape shape(x.shape().begin(), x.shape().end() - 2);
    const Strides strides(x.strides().begin(), x.strides().end() - 2);
    return broadcast_strides(shape, strides, batch_shape);
  };
  const Strides sa = batch_strides(a), sb = batch_strides(b);
  const int64_t batch = numel(batch_shape);
  const int64_t stride_a = batch_stride(batch_shape, sa), stride_b = batch_stride(batch_shape, sb);
  // Column-major: C^T (n x m, ld n) = op(B)^T (n x k) op(A)^T (k x m).
  if (stride_a >= 0 && stride_b >= 0) {
    gemm_batched(gb.op, ga.op, n, m, k, b.data<T>(), gb.ld, stride_b, a.data<T>(), ga.ld, stride_a, out.data<T>(), n,
                 m * n, batch);
    return;
  }
  // Batch dims that broadcast in a way one stride cannot express: one product per batch item.
  for (int64_t item = 0; item < batch; ++item) {
    int64_t off_a = 0, off_b = 0;
    for (int64_t d = static_cast<int64_t>(batch_shape.size()) - 1, rest = item; d >= 0; --d) {
      const int64_t c = rest % batch_shape[d];
      rest /= batch_shape[d];
      off_a += c * sa[d];
      off_b += c * sb[d];
    }
    gemm_batched(gb.op, ga.op, n, m, k, b.data<T>() + off_b, gb.ld, 0, a.data<T>() + off_a, ga.ld, 0,
                 out.data<T>() + item * m * n, n, 0, 1);
  }
}

}  // namespace

void register_matmul_kernels() {
  backend::register_kernel<backend::MatmulKernel>(OpId::matmul, Device::CUDA, DType::Float32, &matmul<float>);
  backend::register_kernel<backend::MatmulKernel>(OpId::matmul, Device::CUDA, DType::Float64, &matmul<double>);
}

}  // namespace pt::cuda
