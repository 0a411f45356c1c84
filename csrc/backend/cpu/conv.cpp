#include "conv.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "../../core/parallel.h"
#include "gemm.h"
#include "simd.h"
#include "winograd.h"

namespace pt::cpu {

namespace {

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

/** Output lines (img, oy) per block: a function of the shape only, so sums never depend on the thread count. */
int64_t lines_per_block(const ConvGeometry& g, int64_t patch) {
  const int64_t by_cache = std::max<int64_t>(1, std::max<int64_t>(64, kBlockElems / std::max<int64_t>(patch, 1)) /
                                                    std::max<int64_t>(g.ow, 1));
  return std::max(by_cache, (g.n * g.oh + kMaxBlocks - 1) / kMaxBlocks);
}

/**
 * Runs f(item, thread) for item in [0, n) on the op's threads; items must be independent. Items are handed out
 * dynamically, so a thread slowed by another process leaves its share to the others.
 */
template <class F>
void parallel_items(int64_t n, F&& f) {
  const int threads = static_cast<int>(std::min<int64_t>(get_num_threads(), n));
  if (threads <= 1) {
    FlushDenormalsGuard ftz;
    for (int64_t i = 0; i < n; ++i) f(i, 0);
    return;
  }
#ifdef _OPENMP
#pragma omp parallel num_threads(threads)
  {
    FlushDenormalsGuard ftz;
    const int t = omp_get_thread_num();
#pragma omp for schedule(dynamic)
    for (int64_t i = 0; i < n; ++i) f(i, t);
  }
#endif
}

/** Threads parallel_items will use for n items (sizes per-thread scratch). */
int64_t thread_slots(int64_t n) { return std::max<int64_t>(1, std::min<int64_t>(get_num_threads(), n)); }

/** Patches of output rows [r0, r1) into col ((r1 - r0) x patch, row-major, (ky, kx, c) order = HWIO rows). */
template <class T>
void im2col(const ConvGeometry& g, const T* x, int64_t r0, int64_t r1, T* col) {
  const int64_t per_image = g.oh * g.ow, kwc = g.kw * g.c;
  for (int64_t r = r0; r < r1; ++r) {
    const int64_t img = r / per_image, oy = (r % per_image) / g.ow, ox = r % g.ow;
    const T* xi = x + img * g.h * g.w * g.c;
    T* dst = col + (r - r0) * patch_size(g);
    for (int64_t ky = 0; ky < g.kh; ++ky, dst += kwc) {
      const int64_t iy = oy * g.sh - g.pad_top + ky * g.dh;
      if (iy < 0 || iy >= g.h) {
        std::fill(dst, dst + kwc, T(0));
        continue;
      }
      for (int64_t kx = 0; kx < g.kw; ++kx) {
        const int64_t ix = ox * g.sw - g.pad_left + kx * g.dw;
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
        const int64_t iy = oy * g.sh - g.pad_top + ky * g.dh;
        if (iy < 0 || iy >= g.h) continue;
        for (int64_t kx = 0; kx < g.kw; ++kx) {
          const int64_t ix = ox * g.sw - g.pad_left + kx * g.dw;
          if (ix < 0 || ix >= g.w) continue;
          const T* s = src + (ky * g.kw + kx) * g.c;
          T* d = dx + (iy * g.w + ix) * g.c;
          for (int64_t ci = 0; ci < g.c; ++ci) d[ci] += s[ci];
        }
      }
    }
}

/** The outputs [lo, hi) along one axis whose input index o * stride + offset lies in [0, in). */
inline void valid_outputs(int64_t out, int64_t in, int64_t stride, int64_t offset, int64_t* lo, int64_t* hi) {
  *lo = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  *hi = offset >= in ? 0 : std::min(out, (in - offset + stride - 1) / stride);
  if (*hi < *lo) *hi = *lo;
}

/** Output pixel (line, ox), channels [o, o + kWidth): a sum over the in-image taps in registers. */
template <int kWidth, class T>
inline void direct_pixel(const ConvGeometry& g, const T* xi, const T* w, int64_t oy, int64_t ox, int64_t o, T* out) {
  T acc[kWidth] = {};
  for (int64_t ky = 0; ky < g.kh; ++ky) {
    const int64_t iy = oy * g.sh - g.pad_top + ky * g.dh;
    if (iy < 0 || iy >= g.h) continue;
    for (int64_t kx = 0; kx < g.kw; ++kx) {
      const int64_t ix = ox * g.sw - g.pad_left + kx * g.dw;
      if (ix < 0 || ix >= g.w) continue;
      const T* xv = xi + (iy * g.w + ix) * g.c;
      const T* wt = w + (ky * g.kw + kx) * g.c * g.co + o;
      for (int64_t ci = 0; ci < g.c; ++ci) {
        const T v = xv[ci];
        const T* wr = wt + ci * g.co;
#pragma omp simd
        for (int j = 0; j < kWidth; ++j) acc[j] += v * wr[j];
      }
    }
  }
  for (int j = 0; j < kWidth; ++j) out[o + j] = acc[j];
}

/**
 * out + q * co = sum_k p[q * patch + k] * w[k, :] for P gathered patches at once: the P x 2 register accumulators
 * are independent chains, so the multiply-adds overlap instead of waiting on each other's latency.
 */
template <class T, int P>
inline void patches_times_filter(const T* p, int64_t patch, const T* w, int64_t co, T* out) {
  constexpr int64_t n = kLanes<T>;
  int64_t o = 0;
  for (; o + 2 * n <= co; o += 2 * n) {
    Vec<T> a[P][2] = {};
    for (int64_t k = 0; k < patch; ++k) {
      const Vec<T> w0 = load(w + k * co + o), w1 = load(w + k * co + o + n);
      for (int q = 0; q < P; ++q) {
        const Vec<T> v = broadcast(p[q * patch + k]);
        a[q][0] += v * w0;
        a[q][1] += v * w1;
      }
    }
    for (int q = 0; q < P; ++q) store(out + q * co + o, a[q][0]), store(out + q * co + o + n, a[q][1]);
  }
  for (; o + n <= co; o += n) {
    Vec<T> a[P] = {};
    for (int64_t k = 0; k < patch; ++k) {
      const Vec<T> w0 = load(w + k * co + o);
      for (int q = 0; q < P; ++q) a[q] += broadcast(p[q * patch + k]) * w0;
    }
    for (int q = 0; q < P; ++q) store(out + q * co + o, a[q]);
  }
  for (; o < co; ++o)
    for (int q = 0; q < P; ++q) {
      T a = 0;
      for (int64_t k = 0; k < patch; ++k) a += p[q * patch + k] * w[k * co + o];
      out[q * co + o] = a;
    }
}

/** Output pixels the direct forward computes together (four pixels x two registers: eight accumulators). */
constexpr int kPixelsPerStep = 4;

/**
 * Direct forward for small patches, output lines (img, oy) in [l0, l1), line l0 written at y. Pixels whose window
 * lies inside the image gather their patch through a precomputed offset table; border pixels test each tap.
 */
template <class T>
void direct_forward_lines(const ConvGeometry& g, const T* x, const T* w, int64_t l0, int64_t l1, T* y) {
  const int64_t patch = patch_size(g), co = g.co;
  int64_t offsets[kDirectMaxPatch];
  for (int64_t ky = 0, k = 0; ky < g.kh; ++ky)
    for (int64_t kx = 0; kx < g.kw; ++kx)
      for (int64_t ci = 0; ci < g.c; ++ci) offsets[k++] = (ky * g.dh * g.w + kx * g.dw) * g.c + ci;
  // Output columns whose whole window is inside the image width.
  int64_t ox_lo, ox_hi;
  valid_outputs(g.ow, g.w - (g.kw - 1) * g.dw, g.sw, -g.pad_left, &ox_lo, &ox_hi);
  T p[kPixelsPerStep * kDirectMaxPatch];
  for (int64_t line = l0; line < l1; ++line) {
    const T* xi = x + (line / g.oh) * g.h * g.w * g.c;
    const int64_t oy = line % g.oh, iy0 = oy * g.sh - g.pad_top;
    const bool rows_inside = iy0 >= 0 && iy0 + (g.kh - 1) * g.dh < g.h;
    for (int64_t ox = 0; ox < g.ow; ++ox) {
      T* out = y + ((line - l0) * g.ow + ox) * co;
      int64_t o = 0;
      if (rows_inside && ox >= ox_lo && ox < ox_hi) {
        const int64_t pixels = ox + kPixelsPerStep <= ox_hi ? kPixelsPerStep : 1;
        for (int64_t q = 0; q < pixels; ++q) {
          const T* base = xi + (iy0 * g.w + (ox + q) * g.sw - g.pad_left) * g.c;
          for (int64_t k = 0; k < patch; ++k) p[q * patch + k] = base[offsets[k]];
        }
        if (pixels == kPixelsPerStep) patches_times_filter<T, kPixelsPerStep>(p, patch, w, co, out);
        else patches_times_filter<T, 1>(p, patch, w, co, out);
        ox += pixels - 1;
        continue;
      }
      for (; o + 16 <= co; o += 16) direct_pixel<16>(g, xi, w, oy, ox, o, out);
      for (; o + 4 <= co; o += 4) direct_pixel<4>(g, xi, w, oy, ox, o, out);
      for (; o < co; ++o) direct_pixel<1>(g, xi, w, oy, ox, o, out);
    }
  }
}

/** dw[0, co) += sum over output columns [lo, hi) of x * dy, summed in registers first. */
template <class T>
inline void filter_tap_run(const T* x_row, int64_t x_step, const T* dy_row, int64_t co, int64_t lo, int64_t hi,
                           T* dw) {
  constexpr int64_t n = kLanes<T>;
  int64_t o = 0;
  for (; o + 2 * n <= co; o += 2 * n) {
    // Even and odd columns in separate accumulators: four independent chains hide the multiply-add latency.
    Vec<T> a0 = {}, a1 = {}, b0 = {}, b1 = {};
    int64_t ox = lo;
    for (; ox + 2 <= hi; ox += 2) {
      const Vec<T> v = broadcast(x_row[ox * x_step]), u = broadcast(x_row[(ox + 1) * x_step]);
      a0 += v * load(dy_row + ox * co + o);
      a1 += v * load(dy_row + ox * co + o + n);
      b0 += u * load(dy_row + (ox + 1) * co + o);
      b1 += u * load(dy_row + (ox + 1) * co + o + n);
    }
    if (ox < hi) {
      const Vec<T> v = broadcast(x_row[ox * x_step]);
      a0 += v * load(dy_row + ox * co + o);
      a1 += v * load(dy_row + ox * co + o + n);
    }
    store(dw + o, load(dw + o) + (a0 + b0));
    store(dw + o + n, load(dw + o + n) + (a1 + b1));
  }
  for (; o + n <= co; o += n) {
    Vec<T> a0 = {};
    for (int64_t ox = lo; ox < hi; ++ox) a0 += broadcast(x_row[ox * x_step]) * load(dy_row + ox * co + o);
    store(dw + o, load(dw + o) + a0);
  }
  for (; o < co; ++o) {
    T a = 0;
    for (int64_t ox = lo; ox < hi; ++ox) a += x_row[ox * x_step] * dy_row[ox * co + o];
    dw[o] += a;
  }
}

/** Direct filter gradient for small patches: dw (patch x co) = the sum over output lines [l0, l1), line l0 at dy. */
template <class T>
void direct_filter_lines(const ConvGeometry& g, const T* x, const T* dy, int64_t l0, int64_t l1, T* dw) {
  const int64_t c = g.c, co = g.co;
  std::fill(dw, dw + patch_size(g) * co, T(0));
  for (int64_t line = l0; line < l1; ++line) {
    const T* xi = x + (line / g.oh) * g.h * g.w * c;
    const int64_t oy = line % g.oh;
    const T* d_line = dy + (line - l0) * g.ow * co;
    for (int64_t ky = 0; ky < g.kh; ++ky) {
      const int64_t iy = oy * g.sh - g.pad_top + ky * g.dh;
      if (iy < 0 || iy >= g.h) continue;
      for (int64_t kx = 0; kx < g.kw; ++kx) {
        const int64_t offset = kx * g.dw - g.pad_left;
        int64_t lo, hi;
        valid_outputs(g.ow, g.w, g.sw, offset, &lo, &hi);
        for (int64_t ci = 0; ci < c; ++ci) {
          const T* x_row = xi + (iy * g.w + offset) * c + ci;  // + ox * sw * c: the input of output column ox
          filter_tap_run(x_row, g.sw * c, d_line, co, lo, hi, dw + ((ky * g.kw + kx) * c + ci) * co);
        }
      }
    }
  }
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
  const int64_t block = lines_per_block(g, patch), blocks = (lines + block - 1) / block;
  if (conv2d_has_line_kernel(g)) {
    parallel_items(blocks, [&](int64_t b, int) {
      direct_forward_lines(g, x, w, b * block, std::min(lines, (b + 1) * block), y + b * block * g.ow * g.co);
    });
    return;
  }
  const int64_t block_rows = block * g.ow;
  std::vector<T> scratch(thread_slots(blocks) * block_rows * patch);
  parallel_items(blocks, [&](int64_t b, int t) {
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
  // Whole images per block: col2im of different blocks never touches the same memory.
  const int64_t images = std::max<int64_t>(1, lines_per_block(g, patch) / std::max<int64_t>(g.oh, 1));
  const int64_t blocks = (g.n + images - 1) / images;
  std::vector<T> scratch(thread_slots(blocks) * images * per_image * patch);
  parallel_items(blocks, [&](int64_t b, int t) {
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
  const int64_t block = lines_per_block(g, patch), blocks = (lines + block - 1) / block, block_rows = block * g.ow;
  const bool direct = conv2d_has_line_kernel(g);
  const bool needs_col = !direct && !is_pointwise(g);
  // One partial dW per block, summed in block order afterwards: the same sum for any thread count.
  std::vector<T> partial(blocks * size);
  std::vector<T> scratch(needs_col ? thread_slots(blocks) * block_rows * patch : 0);
  parallel_items(blocks, [&](int64_t b, int t) {
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
  template void conv2d_backward_filter_lines<T>(const ConvGeometry&, const T*, const T*, int64_t, int64_t, T*);
PT_CONV_INSTANTIATE(float)
PT_CONV_INSTANTIATE(double)
#undef PT_CONV_INSTANTIATE

}  // namespace pt::cpu
