#include "skinny_gemm.h"

#include <algorithm>
#include <atomic>
#include <type_traits>
#include <vector>

#include "../../core/parallel.h"
#include "simd.h"

namespace pt::cpu {

namespace {

/** Rows of Out per register block of the row-update kernel. */
constexpr int64_t kBlockRows = 4;
/** Columns of Out per dot-product register block (accumulators held in registers). */
constexpr int64_t kDotCols = 8;
/** Shortest k for dot products: each output ends in a horizontal sum, which a short k cannot amortise. */
constexpr int64_t kDotMinDepth = 128;
/** Rows and columns of Out per work item: small enough to share among threads, large enough to amortise. */
constexpr int64_t kItemRows = 16;
constexpr int64_t kItemCols = 256;

/** Out[i, j0:j1] (rows i..i+R-1) = sum_p L(i, p) * R[p, j0:j1], p in order; with kAccumulate, Out's values plus it. */
template <class T, int R, bool kAccumulate = false>
void row_update(int64_t i, int64_t j0, int64_t j1, int64_t k, MatrixRef<T> l, const T* r, int64_t ldr, T* out,
                int64_t ldo) {
  constexpr int64_t L = kLanes<T>;
  const T* lrow[R];
  for (int q = 0; q < R; ++q) lrow[q] = l.data + (i + q) * l.row_stride;
  int64_t j = j0;
  for (; j + 2 * L <= j1; j += 2 * L) {
    Vec<T> acc[R][2] = {};
    if constexpr (kAccumulate)
      for (int q = 0; q < R; ++q) acc[q][0] = load(out + (i + q) * ldo + j), acc[q][1] = load(out + (i + q) * ldo + j + L);
    for (int64_t p = 0; p < k; ++p) {
      const T* rp = r + p * ldr + j;
      const Vec<T> b0 = load(rp), b1 = load(rp + L);
      for (int q = 0; q < R; ++q) {
        const Vec<T> a = broadcast(lrow[q][p * l.col_stride]);
        acc[q][0] += a * b0;
        acc[q][1] += a * b1;
      }
    }
    for (int q = 0; q < R; ++q) {
      store(out + (i + q) * ldo + j, acc[q][0]);
      store(out + (i + q) * ldo + j + L, acc[q][1]);
    }
  }
  for (; j + L <= j1; j += L) {
    Vec<T> acc[R] = {};
    if constexpr (kAccumulate)
      for (int q = 0; q < R; ++q) acc[q] = load(out + (i + q) * ldo + j);
    for (int64_t p = 0; p < k; ++p) {
      const Vec<T> b = load(r + p * ldr + j);
      for (int q = 0; q < R; ++q) acc[q] += broadcast(lrow[q][p * l.col_stride]) * b;
    }
    for (int q = 0; q < R; ++q) store(out + (i + q) * ldo + j, acc[q]);
  }
  for (; j < j1; ++j) {
    for (int q = 0; q < R; ++q) {
      T s = kAccumulate ? out[(i + q) * ldo + j] : T(0);
      for (int64_t p = 0; p < k; ++p) s += lrow[q][p * l.col_stride] * r[p * ldr + j];
      out[(i + q) * ldo + j] = s;
    }
  }
}

/** Out[i, j0 + t] = A[i, :] . Bt[j0 + t, :] for t < J: vector partial sums along k, then a fixed-order tail. */
template <class T, int J>
void dot_block(const T* arow, const T* bt, int64_t ldbt, int64_t k, T* out) {
  constexpr int64_t L = kLanes<T>;
  Vec<T> acc[J] = {};
  int64_t p = 0;
  for (; p + L <= k; p += L) {
    const Vec<T> a = load(arow + p);
    for (int t = 0; t < J; ++t) acc[t] += a * load(bt + t * ldbt + p);
  }
  for (int t = 0; t < J; ++t) {
    T s = lane_sum<T>(acc[t]);
    for (int64_t q = p; q < k; ++q) s += arow[q] * bt[t * ldbt + q];
    out[t] = s;
  }
}

template <class T, int J = kDotCols>
void dot_tail(int64_t width, const T* arow, const T* bt, int64_t ldbt, int64_t k, T* out) {
  if constexpr (J > 0) {
    if (width == J) return dot_block<T, J>(arow, bt, ldbt, k, out);
    dot_tail<T, J - 1>(width, arow, bt, ldbt, k, out);
  }
}

/** Which kernel computes Out, and whether Out is C or its transpose (copied into C afterwards). */
enum class Kernel { kRowUpdate, kDot };

/** One batch item's operands as the chosen kernel reads them. */
template <class T>
struct Operands {
  MatrixRef<T> left;  // row update: L; dot: A (unit column stride)
  const T* right;     // row update: R rows; dot: Bt rows
  int64_t ld_right;
};

/** Rows contiguous: element (i, j) at data[i * ld + j]. */
bool unit_rows(int64_t cols, int64_t col_stride) { return cols == 1 || col_stride == 1; }

/** Copies a strided rows x cols matrix into dense row-major dst. */
template <class T>
void pack(int64_t rows, int64_t cols, MatrixRef<T> src, T* dst) {
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j) dst[i * cols + j] = src.data[i * src.row_stride + j * src.col_stride];
}

}  // namespace

template <class T>
bool skinny_gemm_batched(int64_t batch, int64_t m, int64_t n, int64_t k, MatrixRef<T> a, const int64_t* a_offsets,
                         MatrixRef<T> b, const int64_t* b_offsets, T* c) {
  const MatrixRef<T> bt{b.data, b.col_stride, b.row_stride};  // B^T (n x k) over B's storage
  const MatrixRef<T> at{a.data, a.col_stride, a.row_stride};  // A^T (k x m)
  // The problem the kernel solves: Out (out_rows x out_cols) = Left (out_rows x k) . Right, where Right is
  // R (k x out_cols) for row updates and Bt (out_cols x k) for dot products.
  Kernel kernel;
  bool transposed = false;
  MatrixRef<T> left{}, right{};
  int64_t right_rows = 0, right_cols = 0;
  bool right_in_place = false, left_in_place = true;
  if (k <= kSkinnySide) {
    kernel = Kernel::kRowUpdate, left = a, right = b, right_rows = k, right_cols = n;
    right_in_place = unit_rows(n, b.col_stride);
  } else if (n <= kSkinnySide && unit_rows(k, a.col_stride) && k >= kDotMinDepth) {
    kernel = Kernel::kDot, left = a, right = bt, right_rows = n, right_cols = k;
    right_in_place = unit_rows(k, b.row_stride);
  } else if (n <= kSkinnySide && !unit_rows(k, a.col_stride)) {
    // A is column-major: its columns are C^T's right-hand rows.
    kernel = Kernel::kRowUpdate, transposed = true, left = bt, right = at, right_rows = k, right_cols = m;
    right_in_place = unit_rows(m, a.row_stride);
  } else if (m <= kSkinnySide && unit_rows(n, b.col_stride)) {
    kernel = Kernel::kRowUpdate, left = a, right = b, right_rows = k, right_cols = n, right_in_place = true;
  } else if (m <= kSkinnySide && k >= kDotMinDepth) {
    kernel = Kernel::kDot, left = a, right = bt, right_rows = n, right_cols = k;
    right_in_place = unit_rows(k, b.row_stride);
    left_in_place = unit_rows(k, a.col_stride);
  } else {
    return false;
  }
  const int64_t out_rows = transposed ? n : m, out_cols = transposed ? m : n;
  const int64_t left_rows = out_rows;

  // Pack the operands that are not in the layout the kernel reads (each at most kSkinnySide x long side).
  const int64_t right_size = right_in_place ? 0 : right_rows * right_cols;
  const int64_t left_size = left_in_place ? 0 : left_rows * k;
  std::vector<T> packed(static_cast<size_t>(batch * (right_size + left_size)));
  std::vector<T> transposed_out(static_cast<size_t>(transposed ? batch * out_rows * out_cols : 0));
  std::vector<Operands<T>> items(static_cast<size_t>(batch));
  // Offsets move the A and B pointers; the transposed views share them (same storage).
  const bool left_is_b = transposed;
  const bool right_is_a = transposed;
  for (int64_t bi = 0; bi < batch; ++bi) {
    const int64_t a_off = a_offsets ? a_offsets[bi] : 0, b_off = b_offsets ? b_offsets[bi] : 0;
    MatrixRef<T> l{left.data + (left_is_b ? b_off : a_off), left.row_stride, left.col_stride};
    MatrixRef<T> r{right.data + (right_is_a ? a_off : b_off), right.row_stride, right.col_stride};
    T* pack_at = packed.data() + bi * (right_size + left_size);
    Operands<T>& op = items[bi];
    if (right_in_place) {
      op.right = r.data, op.ld_right = right_rows == 1 ? right_cols : r.row_stride;
    } else {
      pack(right_rows, right_cols, r, pack_at);
      op.right = pack_at, op.ld_right = right_cols;
    }
    if (left_in_place) {
      op.left = l;
    } else {
      pack(left_rows, k, l, pack_at + right_size);
      op.left = {pack_at + right_size, k, 1};
    }
  }

  // Work items: batch x row blocks x column blocks of Out, claimed by whichever thread is free.
  const int64_t row_blocks = (out_rows + kItemRows - 1) / kItemRows;
  const int64_t col_blocks = (out_cols + kItemCols - 1) / kItemCols;
  const int64_t per_batch = row_blocks * col_blocks, num_items = batch * per_batch;
  std::atomic<int64_t> next{0};
  auto worker = [&] {
    for (int64_t item; (item = next.fetch_add(1, std::memory_order_relaxed)) < num_items;) {
      const int64_t bi = item / per_batch, rb = item % per_batch / col_blocks, cb = item % col_blocks;
      const int64_t i0 = rb * kItemRows, i1 = std::min(out_rows, i0 + kItemRows);
      const int64_t j0 = cb * kItemCols, j1 = std::min(out_cols, j0 + kItemCols);
      const Operands<T>& op = items[bi];
      T* out = transposed ? transposed_out.data() + bi * out_rows * out_cols : c + bi * m * n;
      if (kernel == Kernel::kRowUpdate) {
        int64_t i = i0;
        for (; i + kBlockRows <= i1; i += kBlockRows)
          row_update<T, kBlockRows>(i, j0, j1, k, op.left, op.right, op.ld_right, out, out_cols);
        for (; i < i1; ++i) row_update<T, 1>(i, j0, j1, k, op.left, op.right, op.ld_right, out, out_cols);
      } else {
        for (int64_t i = i0; i < i1; ++i) {
          const T* arow = op.left.data + i * op.left.row_stride;
          for (int64_t j = j0; j < j1; j += kDotCols)
            dot_tail<T>(std::min(kDotCols, j1 - j), arow, op.right + j * op.ld_right, op.ld_right, k,
                        out + i * out_cols + j);
        }
      }
    }
  };
  const int64_t work = batch * m * n * k;
  run_on_threads(std::min<int64_t>(num_items, work / kGemmMinParallelWork), worker);
  if (transposed) {
    for (int64_t bi = 0; bi < batch; ++bi) {
      const T* src = transposed_out.data() + bi * out_rows * out_cols;
      T* dst = c + bi * m * n;
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) dst[i * n + j] = src[j * m + i];
    }
  }
  return true;
}

template <class T>
void row_update_gemm(int64_t m, int64_t n, int64_t k, MatrixRef<T> l, const T* r, int64_t ldr, T* out, int64_t ldo,
                     bool accumulate) {
  const auto rows = [&](auto accumulate_tag) {
    constexpr bool kAcc = decltype(accumulate_tag)::value;
    // Six rows (twelve accumulators) keep the FMA units busiest; a multiple of four avoids thin tail blocks.
    int64_t i = 0;
    if (m % 4 != 0 || m % 6 == 0)
      for (; i + 6 <= m; i += 6) row_update<T, 6, kAcc>(i, 0, n, k, l, r, ldr, out, ldo);
    for (; i + 4 <= m; i += 4) row_update<T, 4, kAcc>(i, 0, n, k, l, r, ldr, out, ldo);
    for (; i + 2 <= m; i += 2) row_update<T, 2, kAcc>(i, 0, n, k, l, r, ldr, out, ldo);
    for (; i < m; ++i) row_update<T, 1, kAcc>(i, 0, n, k, l, r, ldr, out, ldo);
  };
  if (accumulate) rows(std::true_type{});
  else rows(std::false_type{});
}

template void row_update_gemm<float>(int64_t, int64_t, int64_t, MatrixRef<float>, const float*, int64_t, float*,
                                     int64_t, bool);
template void row_update_gemm<double>(int64_t, int64_t, int64_t, MatrixRef<double>, const double*, int64_t, double*,
                                      int64_t, bool);
template bool skinny_gemm_batched<float>(int64_t, int64_t, int64_t, int64_t, MatrixRef<float>, const int64_t*,
                                         MatrixRef<float>, const int64_t*, float*);
template bool skinny_gemm_batched<double>(int64_t, int64_t, int64_t, int64_t, MatrixRef<double>, const int64_t*,
                                          MatrixRef<double>, const int64_t*, double*);

}  // namespace pt::cpu
