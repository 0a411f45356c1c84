#include "sparse_gemm.h"

#include <algorithm>
#include <atomic>
#include <new>
#include <vector>

#include "../../core/parallel.h"
#include "scratch.h"
#include "simd.h"
#include "skinny_gemm.h"

namespace pt::cpu {

namespace {

/** Largest fraction of nonzeros in A for which skipping zeros wins: each kept product costs about two
 *  dense ones (its B row is loaded, not reused from registers). */
constexpr double kMaxDensity = 0.3;
/** Elements of A sampled before counting: a dense operand is turned away after this many reads. */
constexpr int64_t kSamples = 512;
/** Smallest k and n worth compressing for (below, the dense kernels' cost is too small to save on). */
constexpr int64_t kMinSide = 32;
/** Fewest rows of C for which a work item copies its block of B into a panel. */
constexpr int64_t kPackMinRows = 64;
/** Fewest rows of C a work item takes. */
constexpr int64_t kItemRows = 16;
/** Vectors of C's row per column block of sparse_lhs_gemm. */
constexpr int64_t kBlockVecs = 8;
/** Most accumulator vectors of one gathered_rows_sums pass: 12 of the 16 AVX2 registers, the rest for operands. */
constexpr int kMaxBlockVecs = 12;

/**
 * A's nonzeros by row: row i's values and column indices are at [begin[i], end[i]). Each row owns one
 * spare slot after its entries, so the branch-free fill may always write its next slot.
 */
template <class T>
struct CompressedRows {
  std::vector<int64_t> begin, end;
  std::vector<int32_t> column;
  std::vector<T> value;
};

/** Runs f(begin, end) over [0, n) in contiguous parts on up to `threads` threads, several parts per thread handed
 *  out dynamically (a thread another process holds up leaves its parts to the others). */
template <class F>
void parallel_parts(int64_t n, int64_t threads, F&& f) {
  const int64_t parts = std::max<int64_t>(1, std::min(n, threads * kChunksPerThread));
  if (threads <= 1 || parts == 1) return f(int64_t(0), n);
  parallel_items(parts, threads, [&](int64_t p, int64_t) { f(n * p / parts, n * (p + 1) / parts); });
}

/** True when every element of B (k x n, rows at ld) is finite. */
template <class T>
bool all_finite(int64_t k, int64_t n, const T* b, int64_t ld, int64_t threads) {
  constexpr int64_t L = kLanes<T>;
  std::atomic<bool> finite{true};
  parallel_parts(k, threads, [&](int64_t p0, int64_t p1) {
    // x - x is 0 for finite x and NaN for Inf / NaN; a sum stays NaN once one appears.
    Vec<T> acc{};
    T tail = 0;
    for (int64_t p = p0; p < p1; ++p) {
      const T* row = b + p * ld;
      int64_t j = 0;
      for (; j + L <= n; j += L) {
        const Vec<T> x = load(row + j);
        acc += x - x;
      }
      for (; j < n; ++j) tail += row[j] - row[j];
    }
    if (!(lane_sum<T>(acc) + tail == 0)) finite.store(false, std::memory_order_relaxed);
  });
  return finite.load();
}

/** Bit q set when x[q] != 0, for q < 8 (compiled to one vector compare and a mask move). */
template <class T>
inline unsigned nonzero_mask8(const T* x) {
  unsigned mask = 0;
  for (int q = 0; q < 8; ++q) mask |= unsigned(x[q] != T(0)) << q;
  return mask;
}

/** A's nonzeros by row, or false when there are more than kMaxDensity of them. */
template <class T>
bool compress(int64_t m, int64_t k, MatrixRef<T> a, int64_t threads, CompressedRows<T>* out) {
  const bool row_major = a.col_stride == 1 || k == 1;
  const int64_t rs = a.row_stride, cs = a.col_stride;
  std::vector<int64_t> count(static_cast<size_t>(m), 0);
  parallel_parts(m, threads, [&](int64_t i0, int64_t i1) {
    if (row_major) {
      for (int64_t i = i0; i < i1; ++i) {
        const T* row = a.data + i * rs;
        int64_t nz = 0;
        for (int64_t p = 0; p < k; ++p) nz += row[p] != T(0);
        count[i] = nz;
      }
    } else {
      // Column-major A (a transposed row-major matrix): count along its contiguous columns.
      for (int64_t p = 0; p < k; ++p) {
        const T* col = a.data + p * cs;
        for (int64_t i = i0; i < i1; ++i) count[i] += col[i] != T(0);
      }
    }
  });
  int64_t nnz = 0;
  for (int64_t i = 0; i < m; ++i) nnz += count[i];
  if (static_cast<double>(nnz) > kMaxDensity * static_cast<double>(m) * static_cast<double>(k)) return false;
  out->begin.resize(static_cast<size_t>(m));
  out->end.resize(static_cast<size_t>(m));
  for (int64_t i = 0, at = 0; i < m; ++i) {
    out->begin[i] = at;
    out->end[i] = at + count[i];
    at += count[i] + 1;
  }
  out->column.resize(static_cast<size_t>(nnz + m));
  out->value.resize(static_cast<size_t>(nnz + m));
  int32_t* column = out->column.data();
  T* value = out->value.data();
  parallel_parts(m, threads, [&](int64_t i0, int64_t i1) {
    if (row_major) {
      for (int64_t i = i0; i < i1; ++i) {
        const T* row = a.data + i * rs;
        int64_t pos = out->begin[i], p = 0;
        for (; p + 8 <= k; p += 8) {
          for (unsigned mask = nonzero_mask8(row + p); mask; mask &= mask - 1) {
            const int q = __builtin_ctz(mask);
            column[pos] = static_cast<int32_t>(p + q), value[pos++] = row[p + q];
          }
        }
        for (; p < k; ++p) {
          column[pos] = static_cast<int32_t>(p), value[pos] = row[p];
          pos += row[p] != T(0);
        }
      }
    } else {
      std::vector<int64_t> pos(out->begin.begin() + i0, out->begin.begin() + i1);
      for (int64_t p = 0; p < k; ++p) {
        const T* col = a.data + p * cs;
        int64_t i = i0;
        for (; i + 8 <= i1; i += 8) {
          for (unsigned mask = nonzero_mask8(col + i); mask; mask &= mask - 1) {
            const int q = __builtin_ctz(mask);
            int64_t& at = pos[i + q - i0];
            column[at] = static_cast<int32_t>(p), value[at++] = col[i + q];
          }
        }
        for (; i < i1; ++i) {
          int64_t& at = pos[i - i0];
          column[at] = static_cast<int32_t>(p), value[at] = col[i];
          at += col[i] != T(0);
        }
      }
    }
  });
  return true;
}

/** c[j:j+V*L] (+)= sum over the entries of value * b[row * ldb + j : j + V*L]. */
template <class T, int V>
void gathered_block(int64_t count, const T* value, const int32_t* row, int64_t j, const T* b, int64_t ldb, T* c,
                    bool accumulate) {
  constexpr int64_t L = kLanes<T>;
  Vec<T> acc[V] = {};
  if (accumulate)
    for (int q = 0; q < V; ++q) acc[q] = load(c + j + q * L);
  for (int64_t e = 0; e < count; ++e) {
    const Vec<T> v = broadcast(value[e]);
    const T* brow = b + static_cast<int64_t>(row[e]) * ldb + j;
    for (int q = 0; q < V; ++q) acc[q] += v * load(brow + q * L);
  }
  for (int q = 0; q < V; ++q) store(c + j + q * L, acc[q]);
}

}  // namespace

template <class T>
void gathered_rows_sums(int64_t rows, const GatheredRow<T>* sums, const T* value, const int32_t* row, const T* b,
                        int64_t ldb, int64_t n, bool accumulate) {
  // As few passes over the entries as the registers allow: each entry costs a broadcast and an index besides its
  // multiply-adds, so a row of 12 vectors is one pass of 12, not one of 8 and one of 4.
  constexpr int64_t L = kLanes<T>;
  const auto blocks = [&](auto vecs, int64_t j) {
    for (int64_t r = 0; r < rows; ++r) {
      const GatheredRow<T>& s = sums[r];
      gathered_block<T, decltype(vecs)::value>(s.count, value + s.first, row + s.first, j, b, ldb, s.c, accumulate);
    }
  };
  int64_t j = 0;
  for (; j + kMaxBlockVecs * L <= n; j += kMaxBlockVecs * L) blocks(std::integral_constant<int, kMaxBlockVecs>{}, j);
  if (const int64_t vecs = (n - j) / L; vecs > 0) {
    with_block_size<kMaxBlockVecs - 1>(vecs, [&](auto v) { blocks(v, j); });
    j += vecs * L;
  }
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t jj = j; jj < n; ++jj) {
      const GatheredRow<T>& s = sums[r];
      T acc = accumulate ? s.c[jj] : T(0);
      for (int64_t e = s.first; e < s.first + s.count; ++e) acc += value[e] * b[static_cast<int64_t>(row[e]) * ldb + jj];
      s.c[jj] = acc;
    }
}

template <class T>
bool sparse_lhs_gemm(int64_t m, int64_t n, int64_t k, MatrixRef<T> a, MatrixRef<T> b, T* c) {
  if (k < kMinSide || n < kMinSide || k > INT32_MAX) return false;
  if (!(n == 1 || b.col_stride == 1) || !(a.col_stride == 1 || a.row_stride == 1)) return false;
  // A cheap look first: evenly spaced samples of A; a mostly nonzero sample turns the product away.
  const int64_t total = m * k, step = std::max<int64_t>(1, total / kSamples);
  // Sample e's (row, column) advance by `step` without a division each (512 of them cost a small product ~20 %),
  // and the look stops as soon as the nonzeros exceed what a sparse sample may hold (dense A: after ~a third).
  const double most_nonzero = kMaxDensity * static_cast<double>((total + step - 1) / step);
  int64_t nonzero = 0;
  const int64_t row_step = step / k, col_step = step % k;
  for (int64_t e = 0, i = 0, p = 0; e < total; e += step) {
    nonzero += a.data[i * a.row_stride + p * a.col_stride] != T(0);
    if (static_cast<double>(nonzero) > most_nonzero) return false;
    i += row_step;
    p += col_step;
    if (p >= k) {
      p -= k;
      ++i;
    }
  }

  const int64_t threads = std::max<int64_t>(1, std::min<int64_t>(get_num_threads(), m * n * k / kGemmMinParallelWork));
  FlushDenormalsGuard ftz;
  const int64_t ldb = k == 1 ? n : b.row_stride;
  if (!all_finite(k, n, b.data, ldb, threads)) return false;
  CompressedRows<T> rows;
  if (!compress(m, k, a, threads, &rows)) return false;

  // Each item copies its column block of B (k x 64 floats) into a contiguous panel that stays in L2 while
  // every row of C gathers from it (B's own rows lie a power of two apart, so the block would crowd a few
  // cache sets). Row parts split the blocks only when there are too few to share among the threads.
  const int64_t width = kBlockVecs * kLanes<T>;
  const int64_t col_blocks = (n + width - 1) / width;
  const int64_t row_parts =
      std::min<int64_t>(std::max<int64_t>(1, 2 * threads / col_blocks), (m + kItemRows - 1) / kItemRows);
  const int64_t items = col_blocks * row_parts;
  std::atomic<int64_t> next{0};
  std::atomic<bool> out_of_memory{false};
  auto worker = [&] {
    Scratch panel(static_cast<size_t>(k * width) * sizeof(T));  // (unused when the items have few rows)
    if (!panel.p) return out_of_memory.store(true);
    T* packed = static_cast<T*>(panel.p);
    std::vector<GatheredRow<T>> sums;
    for (int64_t item; (item = next.fetch_add(1, std::memory_order_relaxed)) < items;) {
      const int64_t j0 = item / row_parts * width, cols = std::min(n, j0 + width) - j0;
      const int64_t part = item % row_parts, i0 = m * part / row_parts, i1 = m * (part + 1) / row_parts;
      // Few rows read each row of the block only a few times: then the copy costs more than the misses.
      const bool pack = i1 - i0 >= kPackMinRows;
      if (pack) {
        for (int64_t p = 0; p < k; ++p) std::copy_n(b.data + p * ldb + j0, cols, packed + p * cols);
      }
      sums.clear();
      for (int64_t i = i0; i < i1; ++i) sums.push_back({rows.begin[i], rows.end[i] - rows.begin[i], c + i * n + j0});
      gathered_rows_sums(i1 - i0, sums.data(), rows.value.data(), rows.column.data(), pack ? packed : b.data + j0,
                         pack ? cols : ldb, cols, false);
    }
  };
  run_on_threads(threads, worker);
  if (out_of_memory.load()) throw std::bad_alloc();
  return true;
}

template bool sparse_lhs_gemm<float>(int64_t, int64_t, int64_t, MatrixRef<float>, MatrixRef<float>, float*);
template bool sparse_lhs_gemm<double>(int64_t, int64_t, int64_t, MatrixRef<double>, MatrixRef<double>, double*);
template void gathered_rows_sums<float>(int64_t, const GatheredRow<float>*, const float*, const int32_t*, const float*,
                                        int64_t, int64_t, bool);
template void gathered_rows_sums<double>(int64_t, const GatheredRow<double>*, const double*, const int32_t*,
                                         const double*, int64_t, int64_t, bool);

}  // namespace pt::cpu
