#pragma once
/**
 * Products whose left operand is mostly exact zeros: image pixels (MNIST is ~80 % background), one-hot
 * or bag-of-words inputs, and the input gradient's transpose in a first layer's filter update. The
 * left operand is compressed row by row (values and column indices), and each row of C is the sum of
 * the right operand's rows at those indices, scaled: work proportional to the nonzeros. This is what
 * TF's `matmul(a_is_sparse=True)` asks for, decided here from the data: it is taken only when a sample
 * of A is mostly zeros and the exact count confirms it, and never when B holds an Inf or NaN (dense
 * products turn 0 * Inf into NaN; skipping the zero would hide it). Element sums run over A's nonzeros
 * in column order, whatever the thread count.
 */
#include <cstdint>

#include "gemm.h"

namespace pt::cpu {

/**
 * C = A · B (one product, C dense row-major m x n) through the compressed left operand. Returns false
 * (C untouched) when A is not sparse enough, B is not row-contiguous or holds a non-finite value, or
 * the shape is too small to gain.
 */
template <class T>
bool sparse_lhs_gemm(int64_t m, int64_t n, int64_t k, MatrixRef<T> a, MatrixRef<T> b, T* c);

}  // namespace pt::cpu
