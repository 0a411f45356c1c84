#include "gemm.h"

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <new>
#include <type_traits>
#include <vector>

#include "../../core/parallel.h"
#include "scratch.h"
#include "skinny_gemm.h"
#include "sparse_gemm.h"

namespace pt::cpu {

namespace {

using Eigen::Index;

/** Integer products with at most this many multiply-adds per item use the plain loop: Eigen's packing costs more. */
constexpr int64_t kSmallProduct = 24 * 24 * 24;
/**
 * Floating-point products with at most this many multiply-adds per item run the row-update kernel on the operands
 * in place: an RNN cell's 32 x 64 x 64 product and its gradients spent a fifth of their time in Eigen's packing,
 * blocking set-up and C's zero fill. Measured (bench/gemm.py): faster than Eigen up to 32 x 256 x 64, slower at
 * 128^3, where Eigen's packed panels start to pay.
 */
constexpr int64_t kInPlaceProduct = 1 << 19;
/** The same bound when B's columns are its contiguous side, so that B is transposed into scratch first. */
constexpr int64_t kInPlaceTransposedProduct = 1 << 18;
/** Work items (tiles x batch) a product is cut into when its size allows: enough to balance a few threads. */
constexpr int64_t kTargetItems = 4;
/** Smallest tile side worth a separate Eigen call (each tile re-packs its panels of A and B). */
constexpr int64_t kMinTileSide = 128;

/** One rectangle of C and the Eigen blocking used for it (both fixed by the shapes alone). */
struct Tile {
  int64_t r0, r1, c0, c1;
  Index kc, mc, nc;
};

/** Eigen's level-3 blocking with sizes and packing buffers chosen by the caller. */
template <class T>
class FixedBlocking : public Eigen::internal::level3_blocking<T, T> {
 public:
  FixedBlocking(Index kc, Index mc, Index nc, T* block_a, T* block_b) {
    this->m_kc = kc;
    this->m_mc = mc;
    this->m_nc = nc;
    this->m_blockA = block_a;
    this->m_blockB = block_b;
  }
};

/** Boundaries 0 = b[0] <= ... <= b[parts] = extent, interior ones rounded to the nearest multiple of `align`. */
std::vector<int64_t> split_points(int64_t extent, int64_t parts, int64_t align) {
  std::vector<int64_t> b(parts + 1);
  for (int64_t i = 0; i <= parts; ++i) b[i] = i == parts ? extent : (extent * i / parts + align / 2) / align * align;
  return b;
}

/**
 * The tile grid of one m x n x k product in a batch of `batch`: a function of the shapes only,
 * never of the thread count, so that every element is always summed the same way.
 */
template <class T>
std::vector<Tile> plan_tiles(int64_t batch, int64_t m, int64_t n, int64_t k) {
  int64_t row_parts = 1, col_parts = 1;
  if (m * n * k > kSmallProduct) {
    const int64_t wanted = (kTargetItems + batch - 1) / batch;
    while (row_parts * col_parts < wanted) {
      // Halve the longer side of the current tile, as long as it stays at least kMinTileSide.
      const int64_t tile_rows = m / row_parts, tile_cols = n / col_parts;
      if (tile_rows >= tile_cols && tile_rows >= 2 * kMinTileSide) row_parts *= 2;
      else if (tile_cols >= 2 * kMinTileSide) col_parts *= 2;
      else if (tile_rows >= 2 * kMinTileSide) row_parts *= 2;
      else break;
    }
  }
  // Align cuts to GEBP's register blocks: C's columns are the kernel's rows (whole SIMD packets), C's rows
  // its nr columns.
  using Traits = Eigen::internal::gebp_traits<T, T>;
  const std::vector<int64_t> rows = split_points(m, row_parts, Traits::nr);
  const std::vector<int64_t> cols = split_points(n, col_parts, Traits::LhsProgress);
  std::vector<Tile> tiles;
  for (int64_t i = 0; i < row_parts; ++i)
    for (int64_t j = 0; j < col_parts; ++j) {
      Tile t{rows[i], rows[i + 1], cols[j], cols[j + 1], 0, 0, 0};
      if (t.r0 == t.r1 || t.c0 == t.c1) continue;
      // Row-major C is computed by Eigen as the column-major C^T = B^T A^T: its "rows" are C's columns.
      t.kc = k;
      t.mc = t.c1 - t.c0;
      t.nc = t.r1 - t.r0;
      Eigen::internal::computeProductBlockingSizes<T, T, 1>(t.kc, t.mc, t.nc, Index(1));
      tiles.push_back(t);
    }
  return tiles;
}

/** The storage order and leading dimension under which Eigen reads an operand in place. */
struct Mapping {
  bool row_major;
  int64_t ld;
};

Mapping map_operand(int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
  if (cols == 1 || cs == 1) return {true, rows == 1 ? std::max<int64_t>(cols, 1) : rs};
  return {false, cols == 1 ? std::max<int64_t>(rows, 1) : cs};
}

/** The type loop_tile accumulates in: unsigned for integers, so overflow wraps (as TF's) without UB. */
template <class T, bool = std::is_integral_v<T>> struct Accumulator { using type = T; };
template <class T> struct Accumulator<T, true> { using type = std::make_unsigned_t<T>; };

/** C[r0:r1, c0:c1] += A[r0:r1, :] · B[:, c0:c1] with a plain loop (any strides; integers wrap). */
template <class T>
void loop_tile(const Tile& t, int64_t k, const T* a, int64_t ars, int64_t acs, const T* b, int64_t brs, int64_t bcs,
               T* c, int64_t ldc) {
  using Acc = typename Accumulator<T>::type;
  for (int64_t i = t.r0; i < t.r1; ++i) {
    Acc* __restrict crow = reinterpret_cast<Acc*>(c + i * ldc);
    for (int64_t p = 0; p < k; ++p) {
      const Acc av = static_cast<Acc>(a[i * ars + p * acs]);
      const T* brow = b + p * brs;
      if (bcs == 1) {
        for (int64_t j = t.c0; j < t.c1; ++j) crow[j] += av * static_cast<Acc>(brow[j]);
      } else {
        for (int64_t j = t.c0; j < t.c1; ++j) crow[j] += av * static_cast<Acc>(brow[j * bcs]);
      }
    }
  }
}

// Eigen's packet types carry vector attributes that GCC drops, harmlessly, when they are template arguments.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wignored-attributes"
/** dst (rows x cols, row-major) = the transpose of src (cols x rows, rows at ld): square blocks of Eigen's packets. */
template <class T>
void transpose_into(int64_t rows, int64_t cols, const T* src, int64_t ld, T* dst) {
  using Packet = typename Eigen::internal::packet_traits<T>::type;
  constexpr int64_t kBlock = Eigen::internal::packet_traits<T>::size;
  const int64_t full_rows = rows / kBlock * kBlock, full_cols = cols / kBlock * kBlock;
  for (int64_t j0 = 0; j0 < full_cols; j0 += kBlock)
    for (int64_t p0 = 0; p0 < full_rows; p0 += kBlock) {
      Eigen::internal::PacketBlock<Packet, kBlock> block;
      for (int64_t q = 0; q < kBlock; ++q) block.packet[q] = Eigen::internal::ploadu<Packet>(src + (j0 + q) * ld + p0);
      Eigen::internal::ptranspose(block);
      for (int64_t q = 0; q < kBlock; ++q) Eigen::internal::pstoreu(dst + (p0 + q) * cols + j0, block.packet[q]);
    }
  // The edges: the last rows (all columns), then the last columns of the other rows.
  for (int64_t p = full_rows; p < rows; ++p)
    for (int64_t j = 0; j < cols; ++j) dst[p * cols + j] = src[j * ld + p];
  for (int64_t j = full_cols; j < cols; ++j)
    for (int64_t p = 0; p < full_rows; ++p) dst[p * cols + j] = src[j * ld + p];
}
#pragma GCC diagnostic pop

/**
 * C[b] = A[b] · B[b] for small items through row_update_gemm, reading A in place with any strides and B's rows in
 * place (or from a copy of B in row-major order when B's columns are contiguous). Serial within an item, items
 * shared among threads: each item's sums are ordered by the shapes alone.
 */
template <class T>
void in_place_gemm_batched(int64_t batch, int64_t m, int64_t n, int64_t k, MatrixRef<T> a, const int64_t* a_offsets,
                           MatrixRef<T> b, const int64_t* b_offsets, T* c) {
  const bool rows_contiguous = n == 1 || b.col_stride == 1;
  std::atomic<int64_t> next{0};
  std::atomic<bool> out_of_memory{false};
  auto worker = [&] {
    Scratch scratch(rows_contiguous ? 0 : static_cast<size_t>(k * n) * sizeof(T));
    if (!rows_contiguous && !scratch.p) return out_of_memory.store(true);
    T* packed = static_cast<T*>(scratch.p);
    for (int64_t bi; (bi = next.fetch_add(1, std::memory_order_relaxed)) < batch;) {
      const MatrixRef<T> ai{a.data + (a_offsets ? a_offsets[bi] : 0), a.row_stride, a.col_stride};
      const T* bp = b.data + (b_offsets ? b_offsets[bi] : 0);
      int64_t ldb = k == 1 ? n : b.row_stride;
      if (!rows_contiguous) {
        transpose_into(k, n, bp, b.col_stride, packed);
        bp = packed, ldb = n;
      }
      row_update_gemm<T>(m, n, k, ai, bp, ldb, c + bi * m * n, n, false);
    }
  };
  run_on_threads(std::min<int64_t>(batch, batch * m * n * k / kGemmMinParallelWork), worker);
  if (out_of_memory.load()) throw std::bad_alloc();
}

/** C tile += A · B through Eigen's sequential GEBP with the tile's fixed blocking. */
template <class T, int AOrder, int BOrder>
void eigen_tile(const Tile& t, int64_t k, const T* a, int64_t lda, const T* b, int64_t ldb, T* c, int64_t ldc,
                T* block_a, T* block_b) {
  using Product = Eigen::internal::general_matrix_matrix_product<Index, T, AOrder, false, T, BOrder, false,
                                                                  Eigen::RowMajor, 1>;
  FixedBlocking<T> blocking(t.kc, t.mc, t.nc, block_a, block_b);
  const T* a0 = a + (AOrder == Eigen::RowMajor ? t.r0 * lda : t.r0);
  const T* b0 = b + (BOrder == Eigen::RowMajor ? t.c0 : t.c0 * ldb);
  Product::run(t.r1 - t.r0, t.c1 - t.c0, k, a0, lda, b0, ldb, c + t.r0 * ldc + t.c0, 1, ldc, T(1), blocking,
               nullptr);
}

}  // namespace

bool gemm_can_map(int64_t rows, int64_t cols, int64_t row_stride, int64_t col_stride) {
  if (rows <= 1 || cols <= 1) return true;
  return (col_stride == 1 && row_stride >= 0) || (row_stride == 1 && col_stride >= 0);
}

template <class T>
void gemm_batched(int64_t batch, int64_t m, int64_t n, int64_t k, MatrixRef<T> a, const int64_t* a_offsets,
                  MatrixRef<T> b, const int64_t* b_offsets, T* c, bool probe_sparse) {
  if (batch <= 0 || m <= 0 || n <= 0) return;
  const int64_t mn = m * n;
  if (k == 0) {
    std::memset(c, 0, static_cast<size_t>(batch * mn) * sizeof(T));
    return;
  }
  const bool small = m * n * k <= kSmallProduct;
  if constexpr (std::is_floating_point_v<T>) {
    const bool b_rows_contiguous = n == 1 || b.col_stride == 1;
    if (m * n * k <= (b_rows_contiguous ? kInPlaceProduct : kInPlaceTransposedProduct))
      return in_place_gemm_batched<T>(batch, m, n, k, a, a_offsets, b, b_offsets, c);
    static_assert(kSmallProduct <= kInPlaceTransposedProduct, "small float products take the in-place path");
    if (skinny_gemm_batched<T>(batch, m, n, k, a, a_offsets, b, b_offsets, c)) return;
    if (batch == 1 && probe_sparse) {
      const MatrixRef<T> a0{a.data + (a_offsets ? a_offsets[0] : 0), a.row_stride, a.col_stride};
      const MatrixRef<T> b0{b.data + (b_offsets ? b_offsets[0] : 0), b.row_stride, b.col_stride};
      if (sparse_lhs_gemm<T>(m, n, k, a0, b0, c)) return;
    }
  }
  const std::vector<Tile> tiles = plan_tiles<T>(batch, m, n, k);
  const Mapping ma = map_operand(m, k, a.row_stride, a.col_stride);
  const Mapping mb = map_operand(k, n, b.row_stride, b.col_stride);
  size_t block_a_size = 0, block_b_size = 0;
  for (const Tile& t : tiles) {
    block_a_size = std::max<size_t>(block_a_size, static_cast<size_t>(t.kc * t.mc));
    block_b_size = std::max<size_t>(block_b_size, static_cast<size_t>(t.kc * t.nc));
  }

  const int64_t num_tiles = static_cast<int64_t>(tiles.size());
  const int64_t items = batch * num_tiles;
  const int64_t work_per_item = std::max<int64_t>(1, m * n * k / num_tiles);
  const int64_t grain = std::max<int64_t>(1, kGemmMinParallelWork / work_per_item);

  // Each worker takes the next unclaimed item: a thread slowed down by another process leaves its share to
  // the others. Which thread computes an item never changes the item's result.
  std::atomic<int64_t> next{0};
  auto worker = [&] {
    Scratch scratch(small ? 0 : (block_a_size + block_b_size) * sizeof(T));
    T* block_a = static_cast<T*>(scratch.p);
    T* block_b = block_a ? block_a + block_a_size : nullptr;
    for (int64_t item; (item = next.fetch_add(1, std::memory_order_relaxed)) < items;) {
      const int64_t bi = item / num_tiles;
      const Tile& t = tiles[item % num_tiles];
      const T* ap = a.data + (a_offsets ? a_offsets[bi] : 0);
      const T* bp = b.data + (b_offsets ? b_offsets[bi] : 0);
      T* cp = c + bi * mn;
      for (int64_t i = t.r0; i < t.r1; ++i) std::fill(cp + i * n + t.c0, cp + i * n + t.c1, T(0));
      if (small || !block_a) {
        // (No scratch only when out of memory: slower, never a crash inside the parallel region.)
        loop_tile(t, k, ap, a.row_stride, a.col_stride, bp, b.row_stride, b.col_stride, cp, n);
      } else if (ma.row_major && mb.row_major) {
        eigen_tile<T, Eigen::RowMajor, Eigen::RowMajor>(t, k, ap, ma.ld, bp, mb.ld, cp, n, block_a, block_b);
      } else if (ma.row_major) {
        eigen_tile<T, Eigen::RowMajor, Eigen::ColMajor>(t, k, ap, ma.ld, bp, mb.ld, cp, n, block_a, block_b);
      } else if (mb.row_major) {
        eigen_tile<T, Eigen::ColMajor, Eigen::RowMajor>(t, k, ap, ma.ld, bp, mb.ld, cp, n, block_a, block_b);
      } else {
        eigen_tile<T, Eigen::ColMajor, Eigen::ColMajor>(t, k, ap, ma.ld, bp, mb.ld, cp, n, block_a, block_b);
      }
    }
  };
  run_on_threads(items / grain, worker);
}

template void gemm_batched<float>(int64_t, int64_t, int64_t, int64_t, MatrixRef<float>, const int64_t*,
                                  MatrixRef<float>, const int64_t*, float*, bool);
template void gemm_batched<double>(int64_t, int64_t, int64_t, int64_t, MatrixRef<double>, const int64_t*,
                                   MatrixRef<double>, const int64_t*, double*, bool);
template void gemm_batched<int32_t>(int64_t, int64_t, int64_t, int64_t, MatrixRef<int32_t>, const int64_t*,
                                    MatrixRef<int32_t>, const int64_t*, int32_t*, bool);
template void gemm_batched<int64_t>(int64_t, int64_t, int64_t, int64_t, MatrixRef<int64_t>, const int64_t*,
                                    MatrixRef<int64_t>, const int64_t*, int64_t*, bool);

}  // namespace pt::cpu
