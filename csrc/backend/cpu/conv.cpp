#include "conv.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "../../core/parallel.h"
#include "../../core/tensor.h"
#include "../kernel_table.h"
#include "../shared_math.h"
#include "register.h"
#include "gemm.h"
#include "max_window.h"
#include "simd.h"
#include "winograd.h"

namespace pt::cpu {

namespace {

using backend::conv_input_index;  // shared with the CUDA kernels

/** im2col elements per block: one block's patches and its GEMM panels stay in L2. */
constexpr int64_t kBlockElems = int64_t(1) << 16;
/** Most blocks a problem is cut into (bounds the filter gradient's partial sums). */
constexpr int64_t kMaxBlocks = 256;
/** Patch sizes up to this use the direct kernel: its on-the-fly gather beats im2col + GEMM for few channels. */
constexpr int64_t kDirectMaxPatch = 32;

int64_t patch_size(const ConvGeometry& g) { return g.kh * g.kw * g.c; }

/** A 1x1, stride-1, unpadded convolution: the input itself is the im2col matrix. */
bool is_pointwise(const ConvGeometry& g) {
  return g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.oh == g.h && g.ow == g.w && g.pad_top == 0 &&
         g.pad_left == 0;
}

/** Fewest output rows of a forward / input-gradient block. */
constexpr int64_t kMinBlockRows = 64;
/**
 * Fewest output rows of a filter-gradient block: each block writes and sums a whole partial dW, which for large
 * patches costs as much as the product itself when blocks are short.
 */
constexpr int64_t kMinFilterBlockRows = 1024;

/**
 * Output lines (img, oy) per block of at least min_rows rows: a function of the shape only, so sums never depend
 * on the thread count.
 */
int64_t lines_per_block(const ConvGeometry& g, int64_t patch, int64_t min_rows = kMinBlockRows) {
  const int64_t by_cache =
      std::max<int64_t>(1, std::max<int64_t>(min_rows, kBlockElems / std::max<int64_t>(patch, 1)) /
                               std::max<int64_t>(g.ow, 1));
  return std::max(by_cache, (g.n * g.oh + kMaxBlocks - 1) / kMaxBlocks);
}

/** Patches of output rows [r0, r1) into col ((r1 - r0) x patch, row-major, (ky, kx, c) order = HWIO rows). */
template <class T>
void im2col(const ConvGeometry& g, const T* x, int64_t r0, int64_t r1, T* col) {
  const int64_t per_image = g.oh * g.ow, kwc = g.kw * g.c;
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t img = r / per_image, oy = (r % per_image) / g.ow, ox = r % g.ow;
    const T* xi = x + img * g.h * g.w * g.c;
    T* dst = col + (r - r0) * patch_size(g);
    for (int64_t ky = 0; ky < g.kh; ++ky, dst += kwc) {
      const int64_t iy = conv_input_index(oy, g.sh, g.pad_top, ky, g.dh);
      if (iy < 0 || iy >= g.h) {
        std::fill(dst, dst + kwc, T(0));
        continue;
      }
      for (int64_t kx = 0; kx < g.kw; ++kx) {
        const int64_t ix = conv_input_index(ox, g.sw, g.pad_left, kx, g.dw);
        T* d = dst + kx * g.c;
        if (ix < 0 || ix >= g.w) std::fill(d, d + g.c, T(0));
        else std::memcpy(d, xi + (iy * g.w + ix) * g.c, sizeof(T) * g.c);
      }
    }
  }
}

/** Adds the patches of one image's output rows (oh * ow x patch) back into its (h, w, c) input gradient. */
template <class T>
void col2im_image(const ConvGeometry& g, const T* col, T* dx) {
  std::fill(dx, dx + g.h * g.w * g.c, T(0));
  for (int64_t oy = 0; oy < g.oh; ++oy)
    for (int64_t ox = 0; ox < g.ow; ++ox) {
      const T* src = col + (oy * g.ow + ox) * patch_size(g);
      for (int64_t ky = 0; ky < g.kh; ++ky) {
        const int64_t iy = conv_input_index(oy, g.sh, g.pad_top, ky, g.dh);
        if (iy < 0 || iy >= g.h) continue;
        for (int64_t kx = 0; kx < g.kw; ++kx) {
          const int64_t ix = conv_input_index(ox, g.sw, g.pad_left, kx, g.dw);
          if (ix < 0 || ix >= g.w) continue;
          const T* s = src + (ky * g.kw + kx) * g.c;
          T* d = dx + (iy * g.w + ix) * g.c;
          for (int64_t ci = 0; ci < g.c; ++ci) d[ci] += s[ci];
        }
      }
    }
}

/**
 * Where the taps of one output line read the input, so that kernels broadcast input values straight from there:
 * after at(xi, oy), tap k ((ky, kx, c) order) of output pixel ox is tap[k][ox * sw * c]. Rows that reach into the
 * padding are first copied to a zero-padded buffer.
 */
template <class T>
class LineTaps {
 public:
  /** For lines of `columns` output pixels of conv g. */
  LineTaps(const ConvGeometry& g, int64_t columns)
      : g_(g),
        pixels_((columns - 1) * g.sw + (g.kw - 1) * g.dw + 1),
        in_width_(g.pad_left == 0 && pixels_ <= g.w),
        padded_(static_cast<size_t>(g.kh * pixels_ * g.c)) {}

  /** Points tap[] at output line oy of image xi. */
  void at(const T* xi, int64_t oy) {
    const int64_t c = g_.c;
    for (int64_t ky = 0, k = 0; ky < g_.kh; ++ky) {
      const int64_t iy = conv_input_index(oy, g_.sh, g_.pad_top, ky, g_.dh);
      const bool row_inside = iy >= 0 && iy < g_.h;
      const T* row = row_inside ? xi + iy * g_.w * c : nullptr;  // its pixel column 0
      if (!row_inside || !in_width_) {
        T* copy = padded_.data() + ky * pixels_ * c;
        for (int64_t j = 0; j < pixels_; ++j) {
          const int64_t ix = j - g_.pad_left;
          if (row_inside && ix >= 0 && ix < g_.w) std::copy_n(row + ix * c, c, copy + j * c);
          else std::fill_n(copy + j * c, c, T(0));
        }
        row = copy;
      }
      for (int64_t kx = 0; kx < g_.kw; ++kx)
        for (int64_t ci = 0; ci < c; ++ci) tap[k++] = row + kx * g_.dw * c + ci;
    }
  }

  const T* tap[kDirectMaxPatch] = {};

 private:
  const ConvGeometry& g_;
  int64_t pixels_;  // input columns the line's taps read, from column -pad_left
  bool in_width_;   // those columns all lie inside the image: rows inside it are read in place
  std::vector<T> padded_;
};

/**
 * Channels [o, o + kVectors * lanes) of P output pixels into out[q] + o, pixel q's tap k read at taps[q][k][col[q]]:
 * P x kVectors register accumulators, independent chains whose multiply-adds overlap.
 */
template <class T, int P, int kVectors>
inline void pixel_block(const T* const* const* taps, const int64_t* col, int64_t patch, const T* w, int64_t co,
                        int64_t o, T* const* out) {
  constexpr int64_t n = kLanes<T>;
  Vec<T> a[P][kVectors] = {};
  for (int64_t k = 0; k < patch; ++k) {
    Vec<T> wv[kVectors];
    for (int j = 0; j < kVectors; ++j) wv[j] = load(w + k * co + o + j * n);
    for (int q = 0; q < P; ++q) {
      const Vec<T> v = broadcast(taps[q][k][col[q]]);
      for (int j = 0; j < kVectors; ++j) a[q][j] += v * wv[j];
    }
  }
  for (int q = 0; q < P; ++q)
    for (int j = 0; j < kVectors; ++j) store(out[q] + o + j * n, a[q][j]);
}

/**
 * All co channels of P output pixels (see pixel_block). The last co % lanes channels use fused multiply-adds too,
 * in the same order, so an output has the same value whichever kernel computes it.
 */
template <class T, int P>
inline void pixels_times_filter(const T* const* const* taps, const int64_t* col, int64_t patch, const T* w,
                                int64_t co, T* const* out) {
  constexpr int64_t n = kLanes<T>;
  int64_t o = 0;
  for (; o + 2 * n <= co; o += 2 * n) pixel_block<T, P, 2>(taps, col, patch, w, co, o, out);
  for (; o + n <= co; o += n) pixel_block<T, P, 1>(taps, col, patch, w, co, o, out);
  for (; o < co; ++o)
    for (int q = 0; q < P; ++q) {
      T a = 0;
      for (int64_t k = 0; k < patch; ++k) a = std::fma(taps[q][k][col[q]], w[k * co + o], a);
      out[q][o] = a;
    }
}

/** Output pixels the direct forward computes together (four pixels x two registers: eight accumulators). */
constexpr int kPixelsPerStep = 4;

/** Direct forward for small patches, output lines (img, oy) in [l0, l1), line l0 written at y. */
template <class T>
void direct_forward_lines(const ConvGeometry& g, const T* x, const T* w, int64_t l0, int64_t l1, T* y) {
  const int64_t patch = patch_size(g), co = g.co, step = g.sw * g.c;
  LineTaps<T> line_taps(g, g.ow);
  const T* const* taps[kPixelsPerStep];
  std::fill_n(taps, kPixelsPerStep, line_taps.tap);
  for (int64_t line = l0; line < l1; ++line) {
    line_taps.at(x + (line / g.oh) * g.h * g.w * g.c, line % g.oh);
    T* out_line = y + (line - l0) * g.ow * co;
    int64_t col[kPixelsPerStep];
    T* out[kPixelsPerStep];
    int64_t ox = 0;
    for (; ox < g.ow; ox += kPixelsPerStep) {
      const int64_t pixels = std::min<int64_t>(kPixelsPerStep, g.ow - ox);
      for (int q = 0; q < pixels; ++q) col[q] = (ox + q) * step, out[q] = out_line + (ox + q) * co;
      if (pixels == kPixelsPerStep) {
        pixels_times_filter<T, kPixelsPerStep>(taps, col, patch, w, co, out);
      } else {
        for (int q = 0; q < pixels; ++q) pixels_times_filter<T, 1>(taps, col + q, patch, w, co, out + q);
      }
    }
  }
}

/** Output lines whose products tap_block sums in registers before adding them to dw. */
constexpr int64_t kLinesPerSum = 8;

/**
 * dw[k0 + j, o + lanes) += the sum over lines l < `lines` and their columns i < m of taps[l][k0 + j][i * step] *
 * d[(l * m + i) * co + o + lanes], j < KB: KB register accumulators, one d vector and KB broadcasts per column.
 */
template <class T, int KB>
inline void tap_block(const T* const* const* taps, int64_t lines, int64_t k0, int64_t step, const T* d, int64_t co,
                      int64_t o, int64_t m, T* dw) {
  Vec<T> acc[KB] = {};
  for (int64_t l = 0; l < lines; ++l) {
    const T* t[KB];
    for (int j = 0; j < KB; ++j) t[j] = taps[l][k0 + j];
    const T* dl = d + l * m * co + o;
    for (int64_t i = 0; i < m; ++i) {
      const Vec<T> dv = load(dl + i * co);
      for (int j = 0; j < KB; ++j) acc[j] += broadcast(t[j][i * step]) * dv;
    }
  }
  for (int j = 0; j < KB; ++j) store(dw + (k0 + j) * co + o, load(dw + (k0 + j) * co + o) + acc[j]);
}

/** Filter taps one tap_block keeps in registers (with the d vector and a broadcast: 14 of 16 AVX2 registers). */
constexpr int kTapsPerBlock = 12;

/**
 * dw (patch x co) += the products of `lines` output lines (at most kLinesPerSum): line l's taps at column i times
 * its gradient d[l * m + i] (co wide).
 */
template <class T>
void add_line_products(const T* const* const* taps, int64_t lines, int64_t patch, int64_t step, const T* d,
                       int64_t co, int64_t m, T* dw) {
  constexpr int64_t n = kLanes<T>;
  const int64_t groups = (patch + kTapsPerBlock - 1) / kTapsPerBlock, per_group = (patch + groups - 1) / groups;
  int64_t o = 0;
  for (; o + n <= co; o += n)
    for (int64_t k0 = 0; k0 < patch; k0 += per_group)
      with_block_size<kTapsPerBlock>(std::min(per_group, patch - k0), [&](auto width) {
        tap_block<T, decltype(width)::value>(taps, lines, k0, step, d, co, o, m, dw);
      });
  for (; o < co; ++o)
    for (int64_t k = 0; k < patch; ++k) {
      T a = 0;
      for (int64_t l = 0; l < lines; ++l)
        for (int64_t i = 0; i < m; ++i) a += taps[l][k][i * step] * d[(l * m + i) * co + o];
      dw[k * co + o] += a;
    }
}

/** kLinesPerSum LineTaps, and their tap arrays as add_line_products takes them. */
template <class T>
struct LinesTaps {
  LinesTaps(const ConvGeometry& g, int64_t columns) : lines(kLinesPerSum, LineTaps<T>(g, columns)) {
    for (int64_t l = 0; l < kLinesPerSum; ++l) taps[l] = lines[l].tap;
  }
  std::vector<LineTaps<T>> lines;
  const T* const* taps[kLinesPerSum];
};

/** Direct filter gradient for small patches: dw (patch x co) = the sum over output lines [l0, l1), line l0 at dy. */
template <class T>
void direct_filter_lines(const ConvGeometry& g, const T* x, const T* dy, int64_t l0, int64_t l1, T* dw) {
  const int64_t patch = patch_size(g), co = g.co;
  LinesTaps<T> chunk(g, g.ow);
  std::fill(dw, dw + patch * co, T(0));
  for (int64_t first = l0; first < l1; first += kLinesPerSum) {
    const int64_t lines = std::min(kLinesPerSum, l1 - first);
    for (int64_t l = 0; l < lines; ++l)
      chunk.lines[l].at(x + ((first + l) / g.oh) * g.h * g.w * g.c, (first + l) % g.oh);
    add_line_products(chunk.taps, lines, patch, g.sw * g.c, dy + (first - l0) * g.ow * co, co, g.ow, dw);
  }
}

template <class T, bool kArg>
void max_pool2x2_lines(const ConvGeometry& g, const T* x, const T* w, int64_t l0, int64_t l1, T* y, int32_t* arg) {
  const int64_t patch = patch_size(g), co = g.co, ph = g.oh / 2, pw = g.ow / 2, step = g.sw * g.c;
  LineTaps<T> top(g, 2 * pw), bottom(g, 2 * pw);
  const T* const* taps[kWindowPixels] = {top.tap, top.tap, bottom.tap, bottom.tap};
  std::vector<T> r(static_cast<size_t>(kWindowPixels * co));  // the window's outputs, pooled from L1
  T* out[kWindowPixels];
  for (int q = 0; q < kWindowPixels; ++q) out[q] = r.data() + q * co;
  for (int64_t line = l0; line < l1; ++line) {
    const T* xi = x + (line / ph) * g.h * g.w * g.c;
    const int64_t oy = 2 * (line % ph);
    top.at(xi, oy);
    bottom.at(xi, oy + 1);
    for (int64_t px = 0; px < pw; ++px) {
      int64_t col[kWindowPixels];
      int32_t base[kWindowPixels];
      for (int q = 0; q < kWindowPixels; ++q) {
        col[q] = (2 * px + q % 2) * step;
        base[q] = static_cast<int32_t>(((oy + q / 2) * g.ow + 2 * px + q % 2) * co);
      }
      pixels_times_filter<T, kWindowPixels>(taps, col, patch, w, co, out);
      const int64_t at = ((line - l0) * pw + px) * co;
      max_of_window<T, kArg>(out, co, base, y + at, kArg ? arg + at : nullptr);
    }
  }
}

/** Most taps x output channels per input pixel for which the tap-product path replaces im2col. */
constexpr int64_t kTapProductsMaxWidth = 64;

/**
 * Few output channels from many taps (a 7x7 convolution to one channel): im2col would copy every input pixel
 * kh * kw times for a product only co wide. The tap-product path instead multiplies each input pixel by every
 * tap's filter in one GEMM, Z = X · W' (pixels x c by c x kh * kw * co), and sums each output's taps of Z.
 */
bool uses_tap_products(const ConvGeometry& g) {
  return g.sh == 1 && g.sw == 1 && g.kh * g.kw > 1 && g.kh * g.kw * g.co <= kTapProductsMaxWidth &&
         patch_size(g) > kDirectMaxPatch;
}

/** The filter as W' (c x kh * kw * co): W'[ci, k * co + o] = w[k, ci, o]. */
template <class T>
std::vector<T> filter_by_channel(const ConvGeometry& g, const T* w) {
  const int64_t taps = g.kh * g.kw, width = taps * g.co;
  std::vector<T> wc(static_cast<size_t>(g.c * width));
  for (int64_t k = 0; k < taps; ++k)
    for (int64_t ci = 0; ci < g.c; ++ci)
      std::copy_n(w + (k * g.c + ci) * g.co, g.co, wc.data() + ci * width + k * g.co);
  return wc;
}

/** Images per tap-product block: one block's products (pixels x kh * kw * co) stay in L2. */
int64_t tap_product_images(const ConvGeometry& g) {
  return std::max<int64_t>(1, kBlockElems / std::max<int64_t>(1, g.h * g.w * g.kh * g.kw * g.co));
}

/** Blocks of tap_product_images(g) images the tap-product path splits the batch into. */
int64_t tap_product_blocks(const ConvGeometry& g) {
  const int64_t images = tap_product_images(g);
  return (g.n + images - 1) / images;
}

/**
 * Runs block(b, i0, i1, z) over the tap-product blocks b (images [i0, i1)) in parallel; z is the running worker's
 * scratch for the block's products (its images' h * w pixels x kh * kw * co).
 */
template <class T, class Block>
void for_each_tap_product_block(const ConvGeometry& g, Block&& block) {
  const int64_t images = tap_product_images(g), blocks = tap_product_blocks(g);
  const int64_t scratch_size = images * g.h * g.w * g.kh * g.kw * g.co;
  std::vector<T> scratch(parallel_item_slots(blocks, get_num_threads()) * scratch_size);
  parallel_items(blocks, get_num_threads(), [&](int64_t b, int64_t t) {
    const int64_t i0 = b * images;
    block(b, i0, std::min(g.n, i0 + images), scratch.data() + t * scratch_size);
  });
}

/**
 * For one image, every output pixel and tap k that reads inside it, in output-pixel then (ky, kx) order:
 * visit(z, y) with z = the offset of that input pixel's tap-k products in z (h * w x taps * co), y = the
 * output pixel's offset in y (oh, ow, co).
 */
template <class Visit>
void for_each_tap_read(const ConvGeometry& g, Visit&& visit) {
  const int64_t width = g.kh * g.kw * g.co;
  for (int64_t oy = 0; oy < g.oh; ++oy)
    for (int64_t ox = 0; ox < g.ow; ++ox)
      for (int64_t ky = 0; ky < g.kh; ++ky) {
        const int64_t iy = conv_input_index(oy, 1, g.pad_top, ky, g.dh);  // stride 1
        if (iy < 0 || iy >= g.h) continue;
        for (int64_t kx = 0; kx < g.kw; ++kx) {
          const int64_t ix = conv_input_index(ox, 1, g.pad_left, kx, g.dw);
          if (ix < 0 || ix >= g.w) continue;
          visit((iy * g.w + ix) * width + (ky * g.kw + kx) * g.co, (oy * g.ow + ox) * g.co);
        }
      }
}

/** One image's output y (oh, ow, co) = the sum over taps k of its products z (h * w x taps * co) read at tap k. */
template <class T>
void sum_tap_products(const ConvGeometry& g, const T* z, T* y) {
  std::fill_n(y, g.oh * g.ow * g.co, T(0));
  for_each_tap_read(g, [&](int64_t zi, int64_t yi) {
    for (int64_t o = 0; o < g.co; ++o) y[yi + o] += z[zi + o];
  });
}

/**
 * One image's gradient spread over taps, gz (h * w x taps * co): gz[input pixel, k * co + o] = dy at the output
 * pixel whose tap k reads that input pixel (0 where none does), so that dx = gz · W'^T and dW' = X^T · gz.
 */
template <class T>
void spread_to_taps(const ConvGeometry& g, const T* dy, T* gz) {
  std::fill_n(gz, g.h * g.w * g.kh * g.kw * g.co, T(0));
  for_each_tap_read(g, [&](int64_t zi, int64_t yi) { std::copy_n(dy + yi, g.co, gz + zi); });
}

template <class T>
void tap_products_forward(const ConvGeometry& g, const T* x, const T* w, T* y) {
  const int64_t width = g.kh * g.kw * g.co, in_pixels = g.h * g.w;
  const std::vector<T> wc = filter_by_channel(g, w);
  for_each_tap_product_block<T>(g, [&](int64_t, int64_t i0, int64_t i1, T* z) {
    gemm<T>((i1 - i0) * in_pixels, width, g.c, {x + i0 * in_pixels * g.c, g.c, 1}, {wc.data(), width, 1}, z);
    for (int64_t i = i0; i < i1; ++i) sum_tap_products(g, z + (i - i0) * in_pixels * width, y + i * g.oh * g.ow * g.co);
  });
}

/** Spreads dy of images [i0, i1) over taps into gz (see spread_to_taps). */
template <class T>
void spread_block_to_taps(const ConvGeometry& g, const T* dy, int64_t i0, int64_t i1, T* gz) {
  const int64_t size = g.h * g.w * g.kh * g.kw * g.co;
  for (int64_t i = i0; i < i1; ++i) spread_to_taps(g, dy + i * g.oh * g.ow * g.co, gz + (i - i0) * size);
}

template <class T>
void tap_products_backward_input(const ConvGeometry& g, const T* w, const T* dy, T* dx) {
  const int64_t width = g.kh * g.kw * g.co, in_pixels = g.h * g.w;
  const std::vector<T> wc = filter_by_channel(g, w);
  for_each_tap_product_block<T>(g, [&](int64_t, int64_t i0, int64_t i1, T* gz) {
    spread_block_to_taps(g, dy, i0, i1, gz);
    gemm<T>((i1 - i0) * in_pixels, g.c, width, {gz, width, 1}, {wc.data(), 1, width}, dx + i0 * in_pixels * g.c);
  });
}

template <class T>
void tap_products_backward_filter(const ConvGeometry& g, const T* x, const T* dy, T* dw) {
  const int64_t taps = g.kh * g.kw, width = taps * g.co, in_pixels = g.h * g.w;
  const int64_t blocks = tap_product_blocks(g), size = g.c * width;
  // One partial dW' per block, summed in block order afterwards: the same sum for any thread count.
  std::vector<T> partial(blocks * size);
  for_each_tap_product_block<T>(g, [&](int64_t b, int64_t i0, int64_t i1, T* gz) {
    spread_block_to_taps(g, dy, i0, i1, gz);
    gemm<T>(g.c, width, (i1 - i0) * in_pixels, {x + i0 * in_pixels * g.c, 1, g.c}, {gz, width, 1},
            partial.data() + b * size);
  });
  for (int64_t b = 1; b < blocks; ++b)
    for (int64_t i = 0; i < size; ++i) partial[i] += partial[b * size + i];
  for (int64_t k = 0; k < taps; ++k)
    for (int64_t ci = 0; ci < g.c; ++ci)
      std::copy_n(partial.data() + ci * width + k * g.co, g.co, dw + (k * g.c + ci) * g.co);
}

}  // namespace

bool conv2d_has_line_kernel(const ConvGeometry& g) { return patch_size(g) <= kDirectMaxPatch && !is_pointwise(g); }

template <class T>
void conv2d_forward_lines(const ConvGeometry& g, const T* x, const T* w, int64_t l0, int64_t l1, T* y) {
  direct_forward_lines(g, x, w, l0, l1, y);
}

template <class T>
void conv2d_backward_filter_lines(const ConvGeometry& g, const T* x, const T* dy, int64_t l0, int64_t l1, T* dw) {
  direct_filter_lines(g, x, dy, l0, l1, dw);
}

template <class T>
void conv2d_max_pool2x2_lines(const ConvGeometry& g, const T* x, const T* w, int64_t l0, int64_t l1, T* y,
                              int32_t* arg) {
  if (arg) max_pool2x2_lines<T, true>(g, x, w, l0, l1, y, arg);
  else max_pool2x2_lines<T, false>(g, x, w, l0, l1, y, arg);
}

template <class T>
void conv2d_max_pool2x2_filter_lines(const ConvGeometry& g, const T* x, const T* dy, const int32_t* arg, int64_t l0,
                                     int64_t l1, T* dw) {
  const int64_t patch = patch_size(g), co = g.co, ph = g.oh / 2, pw = g.ow / 2, columns = 2 * pw;
  constexpr int64_t kPooledLines = kLinesPerSum / 2;  // two output lines each
  LinesTaps<T> chunk(g, columns);
  // The chunk's output lines' gradients: dy where the output is its window's argmax, else 0.
  std::vector<T> grads(static_cast<size_t>(kLinesPerSum * columns * co));
  std::fill(dw, dw + patch * co, T(0));
  for (int64_t first = l0; first < l1; first += kPooledLines) {
    const int64_t pooled = std::min(kPooledLines, l1 - first);
    for (int64_t l = 0; l < 2 * pooled; ++l) {
      const int64_t line = first + l / 2, oy = 2 * (line % ph) + l % 2;
      const T* gy = dy + (line - l0) * pw * co;
      const int32_t* a = arg + (line - l0) * pw * co;
      for (int64_t ox = 0; ox < columns; ++ox)
        gradient_at_argmax(a + ox / 2 * co, static_cast<int32_t>((oy * g.ow + ox) * co), gy + ox / 2 * co, co,
                           grads.data() + (l * columns + ox) * co);
      chunk.lines[l].at(x + (line / ph) * g.h * g.w * g.c, oy);
    }
    add_line_products(chunk.taps, 2 * pooled, patch, g.sw * g.c, grads.data(), co, columns, dw);
  }
}

template <class T>
void conv2d_forward(const ConvGeometry& g, const T* x, const T* w, T* y) {
  const int64_t patch = patch_size(g), lines = g.n * g.oh, rows = lines * g.ow;
  if (rows == 0 || g.co == 0) return;
  if (patch == 0) {
    std::fill(y, y + rows * g.co, T(0));
    return;
  }
  if (is_pointwise(g)) {
    gemm<T>(rows, g.co, patch, {x, patch, 1}, {w, g.co, 1}, y);
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    if (winograd_applies(g)) return winograd_conv3x3(g, x, w, y);
  }
  if (uses_tap_products(g)) return tap_products_forward(g, x, w, y);
  const int64_t block = lines_per_block(g, patch), blocks = (lines + block - 1) / block;
  if (conv2d_has_line_kernel(g)) {
    parallel_items(blocks, get_num_threads(), [&](int64_t b, int64_t) {
      direct_forward_lines(g, x, w, b * block, std::min(lines, (b + 1) * block), y + b * block * g.ow * g.co);
    });
    return;
  }
  const int64_t block_rows = block * g.ow;
  std::vector<T> scratch(parallel_item_slots(blocks, get_num_threads()) * block_rows * patch);
  parallel_items(blocks, get_num_threads(), [&](int64_t b, int64_t t) {
    const int64_t r0 = b * block_rows, r1 = std::min(rows, r0 + block_rows);
    T* col = scratch.data() + t * block_rows * patch;
    im2col(g, x, r0, r1, col);
    gemm<T>(r1 - r0, g.co, patch, {col, patch, 1}, {w, g.co, 1}, y + r0 * g.co);
  });
}

template <class T>
void conv2d_backward_input(const ConvGeometry& g, const T* w, const T* dy, T* dx) {
  const int64_t patch = patch_size(g), per_image = g.oh * g.ow, image = g.h * g.w * g.c;
  if (g.n * image == 0) return;
  if (patch == 0 || g.co == 0 || per_image == 0) {
    std::fill(dx, dx + g.n * image, T(0));
    return;
  }
  const MatrixRef<T> w_t{w, 1, g.co};  // W^T: (co x patch)
  if (is_pointwise(g)) {
    gemm<T>(g.n * per_image, patch, g.co, {dy, g.co, 1}, w_t, dx);
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    // A stride-1 input gradient is the forward convolution of dy, padded by (kernel - 1 - pad), with the filter
    // rotated 180 degrees and its channel axes swapped.
    ConvGeometry t = g;
    t.h = g.oh, t.w = g.ow, t.c = g.co, t.co = g.c, t.oh = g.h, t.ow = g.w;
    t.pad_top = g.kh - 1 - g.pad_top, t.pad_left = g.kw - 1 - g.pad_left;
    if (t.pad_top >= 0 && t.pad_left >= 0 && winograd_applies(t)) {
      std::vector<float> rotated(static_cast<size_t>(patch * g.co));
      for (int64_t ky = 0; ky < g.kh; ++ky)
        for (int64_t kx = 0; kx < g.kw; ++kx)
          for (int64_t i = 0; i < g.c; ++i)
            for (int64_t o = 0; o < g.co; ++o)
              rotated[((ky * g.kw + kx) * g.co + o) * g.c + i] =
                  w[(((g.kh - 1 - ky) * g.kw + (g.kw - 1 - kx)) * g.c + i) * g.co + o];
      return winograd_conv3x3(t, dy, rotated.data(), dx);
    }
  }
  if (uses_tap_products(g)) return tap_products_backward_input(g, w, dy, dx);
  // Whole images per block: col2im of different blocks never touches the same memory.
  const int64_t images = std::max<int64_t>(1, lines_per_block(g, patch) / std::max<int64_t>(g.oh, 1));
  const int64_t blocks = (g.n + images - 1) / images;
  std::vector<T> scratch(parallel_item_slots(blocks, get_num_threads()) * images * per_image * patch);
  parallel_items(blocks, get_num_threads(), [&](int64_t b, int64_t t) {
    const int64_t i0 = b * images, i1 = std::min(g.n, i0 + images);
    T* col = scratch.data() + t * images * per_image * patch;
    gemm<T>((i1 - i0) * per_image, patch, g.co, {dy + i0 * per_image * g.co, g.co, 1}, w_t, col);
    for (int64_t i = i0; i < i1; ++i) col2im_image(g, col + (i - i0) * per_image * patch, dx + i * image);
  });
}

template <class T>
void conv2d_backward_filter(const ConvGeometry& g, const T* x, const T* dy, T* dw) {
  const int64_t patch = patch_size(g), lines = g.n * g.oh, rows = lines * g.ow, size = patch * g.co;
  if (size == 0) return;
  if (rows == 0) {
    std::fill(dw, dw + size, T(0));
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    if (winograd_applies(g)) return winograd_filter_grad3x3(g, x, dy, dw);
  }
  if (uses_tap_products(g)) return tap_products_backward_filter(g, x, dy, dw);
  const int64_t block = lines_per_block(g, patch, kMinFilterBlockRows), blocks = (lines + block - 1) / block,
                block_rows = block * g.ow;
  const bool direct = conv2d_has_line_kernel(g);
  const bool needs_col = !direct && !is_pointwise(g);
  // One partial dW per block, summed in block order afterwards: the same sum for any thread count.
  std::vector<T> partial(blocks * size);
  std::vector<T> scratch(needs_col ? parallel_item_slots(blocks, get_num_threads()) * block_rows * patch : 0);
  parallel_items(blocks, get_num_threads(), [&](int64_t b, int64_t t) {
    T* part = partial.data() + b * size;
    if (direct) {
      direct_filter_lines(g, x, dy + b * block_rows * g.co, b * block, std::min(lines, (b + 1) * block), part);
      return;
    }
    const int64_t r0 = b * block_rows, r1 = std::min(rows, r0 + block_rows);
    const T* col = x + r0 * patch;
    if (needs_col) {
      T* buf = scratch.data() + t * block_rows * patch;
      im2col(g, x, r0, r1, buf);
      col = buf;
    }
    gemm<T>(patch, g.co, r1 - r0, {col, 1, patch}, {dy + r0 * g.co, g.co, 1}, part);
  });
  std::copy(partial.begin(), partial.begin() + size, dw);
  parallel_for(size, std::max<int64_t>(1, kElementwiseGrain / blocks), [&](int64_t lo, int64_t hi) {
    for (int64_t b = 1; b < blocks; ++b) {
      const T* p = partial.data() + b * size;
      for (int64_t i = lo; i < hi; ++i) dw[i] += p[i];
    }
  });
}

#define PT_CONV_INSTANTIATE(T)                                                              \
  template void conv2d_forward<T>(const ConvGeometry&, const T*, const T*, T*);             \
  template void conv2d_backward_input<T>(const ConvGeometry&, const T*, const T*, T*);      \
  template void conv2d_backward_filter<T>(const ConvGeometry&, const T*, const T*, T*);        \
  template void conv2d_forward_lines<T>(const ConvGeometry&, const T*, const T*, int64_t, int64_t, T*); \
  template void conv2d_backward_filter_lines<T>(const ConvGeometry&, const T*, const T*, int64_t, int64_t, T*); \
  template void conv2d_max_pool2x2_lines<T>(const ConvGeometry&, const T*, const T*, int64_t, int64_t, T*, int32_t*); \
  template void conv2d_max_pool2x2_filter_lines<T>(const ConvGeometry&, const T*, const T*, const int32_t*, int64_t, \
                                                   int64_t, T*);
PT_CONV_INSTANTIATE(float)
PT_CONV_INSTANTIATE(double)
#undef PT_CONV_INSTANTIATE

namespace {
template <class T>
void dilation2d_forward(const ConvGeometry& g, const Tensor& x, const Tensor& w, const Tensor& out,
                        const Tensor& in_index, const Tensor& tap) {
  const T* xd = x.data<T>();
  const T* wd = w.data<T>();
  T* yd = out.data<T>();
  int64_t* id = in_index.data<int64_t>();
  int64_t* td = tap.data<int64_t>();
  parallel_for(g.n * g.oh, 1, [&](int64_t lo, int64_t hi) {
    for (int64_t row = lo; row < hi; ++row) {
      const int64_t b = row / g.oh, oy = row % g.oh;
      for (int64_t ox = 0; ox < g.ow; ++ox)
        for (int64_t c = 0; c < g.c; ++c) {
          T best = std::numeric_limits<T>::lowest();
          int64_t best_in = -1, best_tap = -1;
          for (int64_t ky = 0; ky < g.kh; ++ky) {
            const int64_t iy = conv_input_index(oy, g.sh, g.pad_top, ky, g.dh);
            if (iy < 0 || iy >= g.h) continue;
            for (int64_t kx = 0; kx < g.kw; ++kx) {
              const int64_t ix = conv_input_index(ox, g.sw, g.pad_left, kx, g.dw);
              if (ix < 0 || ix >= g.w) continue;
              const int64_t i = ((b * g.h + iy) * g.w + ix) * g.c + c, t = (ky * g.kw + kx) * g.c + c;
              const T v = xd[i] + wd[t];
              if (best_in < 0 || v > best) {
                best = v;
                best_in = i;
                best_tap = t;
              }
            }
          }
          const int64_t o = (row * g.ow + ox) * g.c + c;
          yd[o] = best;
          id[o] = best_in;
          td[o] = best_tap;
        }
    }
  });
}
}  // namespace

void register_conv_kernels() {
  backend::register_each(backend::FloatTypes{}, OpId::dilation2d, Device::CPU,
                         [](auto tag) { return &dilation2d_forward<decltype(tag)>; });
  using backend::FloatTypes;
  using backend::register_each;
  register_each(FloatTypes{}, OpId::conv2d, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const ConvGeometry& g, const Tensor& x, const Tensor& w, const Tensor& y) {
      conv2d_forward<T>(g, x.data<T>(), w.data<T>(), y.data<T>());
    };
  });
  register_each(FloatTypes{}, OpId::conv2d_backprop_input, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const ConvGeometry& g, const Tensor& w, const Tensor& dy, const Tensor& dx) {
      conv2d_backward_input<T>(g, w.data<T>(), dy.data<T>(), dx.data<T>());
    };
  });
  register_each(FloatTypes{}, OpId::conv2d_backprop_filter, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const ConvGeometry& g, const Tensor& x, const Tensor& dy, const Tensor& dw) {
      conv2d_backward_filter<T>(g, x.data<T>(), dy.data<T>(), dw.data<T>());
    };
  });
}

}  // namespace pt::cpu
