#pragma once
/**
 * Dense matrix products on the CPU: Eigen's GEBP kernel on a thread-count-independent tiling.
 *
 * Eigen's own OpenMP GEMM picks its cache blocking (kc) and its row split from the thread
 * count, so its sums are ordered differently with 1 and 2 threads. Here every product is cut
 * into a tile grid and a blocking that depend only on (m, n, k, batch); each tile is one
 * sequential Eigen product; threads only decide who computes which tile. Results are
 * therefore bitwise identical for any thread count.
 */
#include <cstdint>

namespace pt::cpu {

/** A strided matrix operand: element (i, j) is at data[i * row_stride + j * col_stride]. */
template <class T>
struct MatrixRef {
  const T* data;
  int64_t row_stride;
  int64_t col_stride;
};

/** True when Eigen can read a rows x cols matrix with these element strides in place (one unit stride). */
bool gemm_can_map(int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride);

/**
 * C[b] = A[b] · B[b] for b in [0, batch): A[b] is m x k at a.data + a_offsets[b], B[b] is k x n at
 * b.data + b_offsets[b] (element offsets; null means 0 for every item), C[b] is dense row-major at
 * c + b * m * n. For float32/float64 both operands must satisfy gemm_can_map; integer dtypes
 * accept any strides and wrap on overflow. Parallel over tiles and batch items, deterministic.
 * probe_sparse: whether a mostly-zero A may take sparse_gemm.h's path; false where the caller knows A is dense
 * (the probe's evenly spaced samples can all land on an operand's periodic zeros, and then it counts all of A).
 */
template <class T>
void gemm_batched(int64_t batch, int64_t m, int64_t n, int64_t k, MatrixRef<T> a, const int64_t* a_offsets,
                  MatrixRef<T> b, const int64_t* b_offsets, T* c, bool probe_sparse = true);

/** C = A · B for one m x k by k x n product into dense row-major C (see gemm_batched). */
template <class T>
void gemm(int64_t m, int64_t n, int64_t k, MatrixRef<T> a, MatrixRef<T> b, T* c, bool probe_sparse = true) {
  gemm_batched<T>(1, m, n, k, a, nullptr, b, nullptr, c, probe_sparse);
}

}  // namespace pt::cpu
