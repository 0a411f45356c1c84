#pragma once
/**
 * Matrix products with one short side (m, n or k at most kSkinnySide): Dense layers with few units, their
 * gradients, classifier heads. Eigen's GEBP packs panels sized for square products and pads the short
 * side to its register block, so it runs these at a tenth of its speed; here two register-blocked
 * kernels read the long operands in place:
 *  - row updates: Out[i, :] = sum_p L(i, p) * R[p, :], vectorised along Out's rows (R's rows contiguous);
 *  - dot products: Out[i, j] = A[i, :] . Bt[j, :], vectorised along k (both rows contiguous).
 * Every output element is summed in an order fixed by the shapes, whatever the thread count.
 */
#include <cstdint>

#include "gemm.h"

namespace pt::cpu {

/** Longest "short side" the skinny kernels take. */
constexpr int64_t kSkinnySide = 16;
/** Multiply-adds per thread below which waking a second thread costs more than it saves. */
constexpr int64_t kGemmMinParallelWork = 1 << 17;

/**
 * C[b] = A[b] · B[b] as gemm_batched, through the skinny kernels. Returns false (C untouched) when the
 * product has no side of at most kSkinnySide or an operand has no unit stride.
 */
template <class T>
bool skinny_gemm_batched(int64_t batch, int64_t m, int64_t n, int64_t k, MatrixRef<T> a, const int64_t* a_offsets,
                         MatrixRef<T> b, const int64_t* b_offsets, T* c);

/**
 * Out (m x n, row stride ldo) = L (m x k, any strides) . R (k x n, rows contiguous with stride ldr), or Out plus
 * it with `accumulate`; serial, through the row-update kernel. For products too small for Eigen to amortise its
 * packing, such as Winograd's per-position products.
 */
template <class T>
void row_update_gemm(int64_t m, int64_t n, int64_t k, MatrixRef<T> l, const T* r, int64_t ldr, T* out, int64_t ldo,
                     bool accumulate);

}  // namespace pt::cpu
