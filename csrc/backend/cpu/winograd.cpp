#include "winograd.h"

#include <algorithm>
#include <atomic>
#include <memory>
#include <new>
#include <vector>

#include "../../core/parallel.h"
#include "max_window.h"
#include "skinny_gemm.h"
#include "scratch.h"
#include "simd.h"

namespace pt::cpu {

namespace {

/** Input tile side (6) and output block side (4) of F(4x4, 3x3); 36 transformed positions per tile. */
constexpr int64_t kTile = 6;
constexpr int64_t kOut = 4;
constexpr int64_t kPositions = kTile * kTile;
/** Tiles per work item: the item's transformed tiles (36 x tiles x channels) stay in L2 between the steps. */
constexpr int64_t kTilesPerItem = 16;
/** Most runs of tiles the filter gradient sums separately before adding them up. */
constexpr int64_t kMaxParts = 8;
/** Fewest input and output channels for which the 36 small GEMMs beat one im2col GEMM. */
constexpr int64_t kMinChannels = 16;

/** G: the filter transform. */
constexpr float kG[kTile][3] = {{1.f / 4, 0, 0},           {-1.f / 6, -1.f / 6, -1.f / 6}, {-1.f / 6, 1.f / 6, -1.f / 6},
                                {1.f / 24, 1.f / 12, 1.f / 6}, {1.f / 24, -1.f / 12, 1.f / 6}, {0, 0, 1}};
/** (B^T d)[0..5] for six values or vectors d: B^T (points 0, +-1, +-2) with its zeros skipped. */
template <class V>
inline void input_transform(const V d[kTile], V r[kTile]) {
  r[0] = 4 * d[0] - 5 * d[2] + d[4];
  r[1] = (d[3] + d[4]) - 4 * (d[1] + d[2]);
  r[2] = (d[4] - d[3]) + 4 * (d[1] - d[2]);
  r[3] = (d[4] - d[2]) + 2 * (d[3] - d[1]);
  r[4] = (d[4] - d[2]) - 2 * (d[3] - d[1]);
  r[5] = 4 * d[1] - 5 * d[3] + d[5];
}

/** (A^T m)[0..3] for six values or vectors m, zeros skipped. */
template <class V>
inline void output_transform(const V m[kTile], V r[kOut]) {
  const V sum12 = m[1] + m[2], dif12 = m[1] - m[2], sum34 = m[3] + m[4], dif34 = m[3] - m[4];
  r[0] = m[0] + sum12 + sum34;
  r[1] = dif12 + 2 * dif34;
  r[2] = sum12 + 4 * sum34;
  r[3] = dif12 + 8 * dif34 + m[5];
}

/** out[a][i] = T(in[.][i])[a] for i < len, over channel vectors: explicit SIMD (the pointers may not be proven apart). */
template <int Outs, void (*Vector)(const Vec<float>*, Vec<float>*), void (*Scalar)(const float*, float*)>
inline void transform_lines(const float* const in[kTile], float* const out[Outs], int64_t len) {
  constexpr int64_t L = kLanes<float>;
  int64_t i = 0;
  for (; i + L <= len; i += L) {
    Vec<float> d[kTile], r[kTile];
    for (int k = 0; k < kTile; ++k) d[k] = load(in[k] + i);
    Vector(d, r);
    for (int k = 0; k < Outs; ++k) store(out[k] + i, r[k]);
  }
  for (; i < len; ++i) {
    float d[kTile], r[kTile];
    for (int k = 0; k < kTile; ++k) d[k] = in[k][i];
    Scalar(d, r);
    for (int k = 0; k < Outs; ++k) out[k][i] = r[k];
  }
}

/** (A dy)[0..5] for four values or vectors dy: the transpose of the output transform, zeros skipped. */
template <class V>
inline void output_grad_transform(const V d[kTile], V r[kTile]) {
  const V even = d[0] + d[2], odd = d[1] + d[3];
  r[0] = d[0];
  r[1] = even + odd;
  r[2] = even - odd;
  r[3] = d[0] + 2 * d[1] + 4 * d[2] + 8 * d[3];
  r[4] = d[0] - 2 * d[1] + 4 * d[2] - 8 * d[3];
  r[5] = d[3];
}

inline void output_grad_transform_1d(const float* const in[kTile], float* const out[kTile], int64_t len) {
  transform_lines<kTile, output_grad_transform<Vec<float>>, output_grad_transform<float>>(in, out, len);
}

inline void input_transform_1d(const float* const in[kTile], float* const out[kTile], int64_t len) {
  transform_lines<kTile, input_transform<Vec<float>>, input_transform<float>>(in, out, len);
}

inline void output_transform_1d(const float* const in[kTile], float* const out[kOut], int64_t len) {
  transform_lines<kOut, output_transform<Vec<float>>, output_transform<float>>(in, out, len);
}

/** The 36 values G g G^T of 3x3 filters g, for float values or vectors of eight filters. */
template <class V>
inline void filter_transform(const V gg[3][3], V u[kPositions]) {
  V t[kTile][3];
  for (int a = 0; a < kTile; ++a)
    for (int kx = 0; kx < 3; ++kx) t[a][kx] = kG[a][0] * gg[0][kx] + kG[a][1] * gg[1][kx] + kG[a][2] * gg[2][kx];
  for (int a = 0; a < kTile; ++a)
    for (int b = 0; b < kTile; ++b) u[a * kTile + b] = t[a][0] * kG[b][0] + t[a][1] * kG[b][1] + t[a][2] * kG[b][2];
}

/** U[p] (c x co) = G g G^T at position p, for every channel pair of the HWIO filter w, eight pairs per vector. */
void transform_filter(const ConvGeometry& g, const float* w, float* u) {
  constexpr int64_t L = kLanes<float>;
  const int64_t pairs = g.c * g.co;
  parallel_for((pairs + L - 1) / L, 64, [&](int64_t lo, int64_t hi) {
    for (int64_t q = lo * L; q < std::min(pairs, hi * L); q += L) {
      if (q + L <= pairs) {
        Vec<float> gg[3][3], r[kPositions];
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) gg[ky][kx] = load(w + (ky * 3 + kx) * pairs + q);
        filter_transform(gg, r);
        for (int64_t p = 0; p < kPositions; ++p) store(u + p * pairs + q, r[p]);
        continue;
      }
      for (int64_t e = q; e < pairs; ++e) {
        float gg[3][3], r[kPositions];
        for (int ky = 0; ky < 3; ++ky)
          for (int kx = 0; kx < 3; ++kx) gg[ky][kx] = w[(ky * 3 + kx) * pairs + e];
        filter_transform(gg, r);
        for (int64_t p = 0; p < kPositions; ++p) u[p * pairs + e] = r[p];
      }
    }
  });
}

/** The tile grid: tiles_y x tiles_x blocks of 4x4 outputs per image. */
struct TileGrid {
  int64_t tiles_y, tiles_x, per_image, total;

  /** Tile t's image and the output position of its first (top-left) output. */
  void locate(int64_t t, int64_t& img, int64_t& oy0, int64_t& ox0) const {
    img = t / per_image;
    const int64_t r = t % per_image;
    oy0 = r / tiles_x * kOut, ox0 = r % tiles_x * kOut;
  }
};

/**
 * V[p][t - t0][:] = (B^T d B)[p] for tiles [t0, t1), d the 6x6 x c input patch of tile t (zero outside the
 * image), vectorised along the contiguous channels.
 */
void transform_input(const ConvGeometry& g, const TileGrid& grid, const float* x, int64_t t0, int64_t t1,
                     float* __restrict zeros, float* __restrict tmp, float* __restrict v) {
  const int64_t c = g.c, count = t1 - t0;
  std::fill(zeros, zeros + c, 0.f);  // stands for the pixels outside the image
  for (int64_t t = t0; t < t1; ++t) {
    int64_t img, y0, x0;
    grid.locate(t, img, y0, x0);
    y0 -= g.pad_top, x0 -= g.pad_left;
    // tmp = B^T d (along the tile's columns, read in place), then V = tmp B (along its rows), over channels.
    const float* in[kTile];
    float* out[kTile];
    for (int64_t j = 0; j < kTile; ++j) {
      const int64_t xx = x0 + j;
      for (int64_t k = 0; k < kTile; ++k) {
        const int64_t yy = y0 + k;
        const bool inside = yy >= 0 && yy < g.h && xx >= 0 && xx < g.w;
        in[k] = inside ? x + ((img * g.h + yy) * g.w + xx) * c : zeros;
        out[k] = tmp + (k * kTile + j) * c;
      }
      input_transform_1d(in, out, c);
    }
    for (int64_t a = 0; a < kTile; ++a) {
      for (int64_t k = 0; k < kTile; ++k)
        in[k] = tmp + (a * kTile + k) * c, out[k] = v + ((a * kTile + k) * count + (t - t0)) * c;
      input_transform_1d(in, out, c);
    }
  }
}

/**
 * The 4x4 outputs A^T m A of the tile at `i` of an item's `count` tiles: output (a, b) to dest(a, b), co wide
 * (tmp: 24 channel rows of scratch).
 */
template <class Dest>
inline void tile_outputs(const float* __restrict m, int64_t count, int64_t i, int64_t co, float* __restrict tmp,
                         Dest&& dest) {
  // tmp = A^T m (along columns), then the outputs = tmp A (along rows).
  const float* in[kTile];
  float* out[kOut];
  for (int64_t j = 0; j < kTile; ++j) {
    for (int64_t k = 0; k < kTile; ++k) in[k] = m + ((k * kTile + j) * count + i) * co;
    for (int64_t a = 0; a < kOut; ++a) out[a] = tmp + (a * kTile + j) * co;
    output_transform_1d(in, out, co);
  }
  for (int64_t a = 0; a < kOut; ++a) {
    for (int64_t k = 0; k < kTile; ++k) in[k] = tmp + (a * kTile + k) * co;
    for (int64_t b = 0; b < kOut; ++b) out[b] = dest(a, b);
    output_transform_1d(in, out, co);
  }
}

/** y's 4x4 output block of each tile in [t0, t1) = A^T m A, cropped at the image edge. */
void transform_output(const ConvGeometry& g, const TileGrid& grid, const float* __restrict m, int64_t t0, int64_t t1,
                      float* __restrict tmp, float* y) {
  const int64_t co = g.co;
  float* edge = tmp + kOut * kTile * co;  // destination of the cropped rows and columns
  for (int64_t t = t0; t < t1; ++t) {
    int64_t img, oy0, ox0;
    grid.locate(t, img, oy0, ox0);
    tile_outputs(m, t1 - t0, t - t0, co, tmp, [&](int64_t a, int64_t b) {
      const bool inside = oy0 + a < g.oh && ox0 + b < g.ow;
      return inside ? y + ((img * g.oh + oy0 + a) * g.ow + ox0 + b) * co : edge + b * co;
    });
  }
}

/**
 * The 2x2 stride-2 max pooling of each tile's 4x4 outputs (A^T m A, into `block`) for tiles [t0, t1): into y, the
 * pooled image (oh / 2 x ow / 2), and with kArg the index of each maximum into the whole output image at arg.
 */
template <bool kArg>
void transform_output_pooled(const ConvGeometry& g, const TileGrid& grid, const float* __restrict m, int64_t t0,
                             int64_t t1, float* __restrict tmp, float* __restrict block, float* y, int32_t* arg) {
  const int64_t co = g.co, ph = g.oh / 2, pw = g.ow / 2;
  for (int64_t t = t0; t < t1; ++t) {
    int64_t img, oy0, ox0;
    grid.locate(t, img, oy0, ox0);
    tile_outputs(m, t1 - t0, t - t0, co, tmp, [&](int64_t a, int64_t b) { return block + (a * kOut + b) * co; });
    // The tile holds 2x2 windows whole (its corner is even); those past the pooled image's edge are dropped.
    for (int64_t wy = 0; wy < kOut / 2 && oy0 / 2 + wy < ph; ++wy)
      for (int64_t wx = 0; wx < kOut / 2 && ox0 / 2 + wx < pw; ++wx) {
        const float* rows[kWindowPixels];
        int32_t base[kWindowPixels];
        for (int q = 0; q < kWindowPixels; ++q) {
          const int64_t a = 2 * wy + q / 2, b = 2 * wx + q % 2;
          rows[q] = block + (a * kOut + b) * co;
          base[q] = static_cast<int32_t>(((oy0 + a) * g.ow + ox0 + b) * co);
        }
        const int64_t at = ((img * ph + oy0 / 2 + wy) * pw + ox0 / 2 + wx) * co;
        max_of_window<float, kArg>(rows, co, base, y + at, kArg ? arg + at : nullptr);
      }
  }
}

/** Z[p][t - t0][:] = (A dY A^T)[p] for tiles [t0, t1), dY the tile's 4x4 x co block of dy (zero past the edge). */
void transform_output_grad(const ConvGeometry& g, const TileGrid& grid, const float* dy, int64_t t0, int64_t t1,
                           float* __restrict zeros, float* __restrict tmp, float* __restrict z) {
  const int64_t co = g.co, count = t1 - t0;
  std::fill(zeros, zeros + co, 0.f);  // stands for the outputs past the image's edge
  const float* in[kTile];
  float* out[kTile];
  for (int64_t t = t0; t < t1; ++t) {
    int64_t img, oy0, ox0;
    grid.locate(t, img, oy0, ox0);
    // tmp (6 x 4) = A dY along columns (dY read in place), then Z (6 x 6) = tmp A^T along rows. The unused
    // inputs d[4], d[5] of the 6-wide helper are never read by output_grad_transform.
    for (int64_t b = 0; b < kOut; ++b) {
      for (int64_t k = 0; k < kOut; ++k) {
        const bool inside = oy0 + k < g.oh && ox0 + b < g.ow;
        in[k] = inside ? dy + ((img * g.oh + oy0 + k) * g.ow + ox0 + b) * co : zeros;
      }
      in[4] = in[5] = in[0];
      for (int64_t a = 0; a < kTile; ++a) out[a] = tmp + (a * kOut + b) * co;
      output_grad_transform_1d(in, out, co);
    }
    for (int64_t a = 0; a < kTile; ++a) {
      for (int64_t k = 0; k < kOut; ++k) in[k] = tmp + (a * kOut + k) * co;
      in[4] = in[5] = in[0];
      for (int64_t b = 0; b < kTile; ++b) out[b] = z + ((a * kTile + b) * count + (t - t0)) * co;
      output_grad_transform_1d(in, out, co);
    }
  }
}

/** Runs worker() on up to `items` threads with denormals flushed; rethrows an allocation failure after the region. */
template <class F>
void run_items(int64_t items, F&& worker) {
  std::atomic<bool> out_of_memory{false};
  auto guarded = [&] {
    if (!worker()) out_of_memory.store(true);
  };
  run_on_threads(items, guarded);
  if (out_of_memory.load()) throw std::bad_alloc();
}

TileGrid tile_grid(const ConvGeometry& g) {
  TileGrid grid;
  grid.tiles_y = (g.oh + kOut - 1) / kOut;
  grid.tiles_x = (g.ow + kOut - 1) / kOut;
  grid.per_image = grid.tiles_y * grid.tiles_x;
  grid.total = g.n * grid.per_image;
  return grid;
}

}  // namespace

int64_t winograd_tiles(const ConvGeometry& g) { return tile_grid(g).total; }

bool winograd_applies(const ConvGeometry& g) {
  return g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1 && g.c >= kMinChannels &&
         g.co >= kMinChannels && g.oh >= kOut && g.ow >= kOut;
}

namespace {
/**
 * The forward by Winograd, each item's tiles ending in output_stage(m, t0, t1, tmp, block): m their 36 products,
 * tmp and block scratch of 24 and 16 channel rows.
 */
template <class OutputStage>
void winograd_forward(const ConvGeometry& g, const float* x, const float* w, const TileGrid& grid,
                      OutputStage&& output_stage) {
  std::vector<float> u(static_cast<size_t>(kPositions * g.c * g.co));
  transform_filter(g, w, u.data());

  // Per item: the 36 transformed tiles (V), their products (M), transform temporaries and a zero pixel.
  const int64_t v_size = kPositions * kTilesPerItem * g.c, m_size = kPositions * kTilesPerItem * g.co;
  const int64_t wide = std::max(g.c, g.co);
  const int64_t scratch_size = v_size + m_size + (kPositions + kOut * kOut + 1) * wide;
  const int64_t items = (grid.total + kTilesPerItem - 1) / kTilesPerItem;
  std::atomic<int64_t> next{0};
  run_items(items, [&] {
    Scratch scratch(static_cast<size_t>(scratch_size) * sizeof(float));
    if (!scratch.p) return false;
    float* v = static_cast<float*>(scratch.p);
    float* m = v + v_size;
    float* tmp = m + m_size;
    float* block = tmp + kPositions * wide;
    float* zeros = block + kOut * kOut * wide;
    for (int64_t item; (item = next.fetch_add(1, std::memory_order_relaxed)) < items;) {
      const int64_t t0 = item * kTilesPerItem, t1 = std::min(grid.total, t0 + kTilesPerItem), count = t1 - t0;
      transform_input(g, grid, x, t0, t1, zeros, tmp, v);
      // M[p] (count x co) = V[p] (count x c) . U[p] (c x co), written as 36 dense blocks of count x co.
      for (int64_t p = 0; p < kPositions; ++p)
        row_update_gemm<float>(count, g.co, g.c, {v + p * count * g.c, g.c, 1}, u.data() + p * g.c * g.co, g.co,
                               m + p * count * g.co, g.co, false);
      output_stage(m, t0, t1, tmp, block);
    }
    return true;
  });
}
}  // namespace

void winograd_conv3x3(const ConvGeometry& g, const float* x, const float* w, float* y) {
  const TileGrid grid = tile_grid(g);
  winograd_forward(g, x, w, grid, [&](const float* m, int64_t t0, int64_t t1, float* tmp, float*) {
    transform_output(g, grid, m, t0, t1, tmp, y);
  });
}

void winograd_conv3x3_max_pool2x2(const ConvGeometry& g, const float* x, const float* w, float* y, int32_t* arg) {
  const TileGrid grid = tile_grid(g);
  winograd_forward(g, x, w, grid, [&](const float* m, int64_t t0, int64_t t1, float* tmp, float* block) {
    if (arg) transform_output_pooled<true>(g, grid, m, t0, t1, tmp, block, y, arg);
    else transform_output_pooled<false>(g, grid, m, t0, t1, tmp, block, y, nullptr);
  });
}

void winograd_filter_grad3x3(const ConvGeometry& g, const float* x, const float* dy, float* dw) {
  const TileGrid grid = tile_grid(g);
  const int64_t pairs = g.c * g.co, s_size = kPositions * pairs;
  const int64_t items = (grid.total + kTilesPerItem - 1) / kTilesPerItem;
  // Tiles are summed in `parts` contiguous runs of items (a number fixed by the shape, bounded so the partial
  // sums stay under 64 MiB), then the runs in order: the same sums for any thread count.
  const int64_t parts = std::max<int64_t>(1, std::min<int64_t>({items, kMaxParts, (int64_t(64) << 20) / (4 * s_size)}));
  std::unique_ptr<float[]> partial(new float[static_cast<size_t>(parts * s_size)]);  // each part's first item sets it
  const int64_t v_size = kPositions * kTilesPerItem * g.c, z_size = kPositions * kTilesPerItem * g.co;
  const int64_t scratch_size = v_size + z_size + (kPositions + 1) * std::max(g.c, g.co);
  std::atomic<int64_t> next{0};
  run_items(parts, [&] {
    Scratch scratch(static_cast<size_t>(scratch_size) * sizeof(float));
    if (!scratch.p) return false;
    float* v = static_cast<float*>(scratch.p);
    float* z = v + v_size;
    float* tmp = z + z_size;
    float* zeros = tmp + kPositions * std::max(g.c, g.co);
    for (int64_t part; (part = next.fetch_add(1, std::memory_order_relaxed)) < parts;) {
      float* sum = partial.get() + part * s_size;
      const int64_t first = items * part / parts, last = items * (part + 1) / parts;
      for (int64_t item = first; item < last; ++item) {
        const int64_t t0 = item * kTilesPerItem, t1 = std::min(grid.total, t0 + kTilesPerItem), count = t1 - t0;
        transform_input(g, grid, x, t0, t1, zeros, tmp, v);
        transform_output_grad(g, grid, dy, t0, t1, zeros, tmp, z);
        // S[p] (c x co) += V[p]^T (c x count) . Z[p] (count x co), over the part's items in order.
        for (int64_t p = 0; p < kPositions; ++p)
          row_update_gemm<float>(g.c, g.co, count, {v + p * count * g.c, 1, g.c}, z + p * count * g.co, g.co,
                                 sum + p * pairs, g.co, item != first);
      }
    }
    return true;
  });
  // S = the sum of the parts, in order, into the first.
  float* s = partial.get();
  parallel_for(s_size, kElementwiseGrain, [&](int64_t lo, int64_t hi) {
    for (int64_t part = 1; part < parts; ++part) {
      const float* add = s + part * s_size;
      for (int64_t i = lo; i < hi; ++i) s[i] += add[i];
    }
  });
  // dw[ky][kx] = (G^T S G)[ky][kx] for every channel pair.
  parallel_for(pairs, 1024, [&](int64_t lo, int64_t hi) {
    for (int64_t q = lo; q < hi; ++q) {
      float t[3][kTile];
      for (int ky = 0; ky < 3; ++ky)
        for (int b = 0; b < kTile; ++b) {
          float acc = 0;
          for (int a = 0; a < kTile; ++a) acc += kG[a][ky] * s[(a * kTile + b) * pairs + q];
          t[ky][b] = acc;
        }
      for (int ky = 0; ky < 3; ++ky)
        for (int kx = 0; kx < 3; ++kx) {
          float acc = 0;
          for (int b = 0; b < kTile; ++b) acc += t[ky][b] * kG[b][kx];
          dw[(ky * 3 + kx) * pairs + q] = acc;
        }
    }
  });
}

}  // namespace pt::cpu
