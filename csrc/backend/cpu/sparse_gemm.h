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

/** One row sum of gathered_rows_sums: entries [first, first + count) into c[0:n]. */
template <class T>
struct GatheredRow {
  int64_t first, count;
  T* c;
};

/**
 * For each of `rows` sums: c[0:n] = (c[0:n] if accumulate, else 0) + the sum over its entries e of value[e] *
 * b[row[e] * ldb + 0:n], added in entry order: rows of a product whose left rows are compressed (the right
 * operand's rows gathered in place); serial, register-blocked along n, the block size chosen once for all rows.
 */
template <class T>
void gathered_rows_sums(int64_t rows, const GatheredRow<T>* sums, const T* value, const int32_t* row, const T* b,
                        int64_t ldb, int64_t n, bool accumulate);

}  // namespace pt::cpu
