// CPU kernels of the pooling family: 2-D max and average pooling over NHWC windows, their gradients, and the fused
// convolution + max pooling with its two gradients. Kernels run one output (or input) row per task, in parallel over
// batch x rows, and vectorise over the channels, which NHWC keeps contiguous. Backward passes gather per input
// element (no scatter races).
#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>
#include <vector>

#include "../../core/errors.h"
#include "../../core/parallel.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "../shared_math.h"
#include "conv.h"
#include "max_window.h"
#include "register.h"
#include "scratch.h"
#include "simd.h"
#include "sparse_gemm.h"
#include "winograd.h"

namespace pt::cpu {

namespace {

using Geometry = backend::PoolGeometry;

using backend::covering_range;  // shared with the CUDA kernels
using backend::window_inverse_count;
using backend::window_range;

/** covering_range of every input column, once per call: it divides, and the kernels visit each column per row. */
std::vector<std::pair<int64_t, int64_t>> covering_columns(const Geometry& g) {
  std::vector<std::pair<int64_t, int64_t>> cols(static_cast<size_t>(g.w));
  for (int64_t ix = 0; ix < g.w; ++ix)
    covering_range(ix, g.sw, g.pad_left, g.kw, g.ow, cols[ix].first, cols[ix].second);
  return cols;
}

/** Rows (tasks) per chunk so that each chunk holds about kElementwiseGrain element visits. */
inline int64_t row_grain(int64_t work_per_row) {
  return std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(work_per_row, 1));
}

/** One output row of max pooling: the windows over rows [y0, y1) of `image` (W x C) into `out` (and `arg`, indices
 *  into an image `index_w` wide). */
template <class T, bool kArg>
inline void max_pool_row(const T* image, T* out, int32_t* arg, const Geometry& g, int64_t y0,
                         int64_t y1, int64_t index_w) {
  constexpr int kBlock = 32 / sizeof(T) * 4;  // four AVX registers of values
  const int64_t C = g.c;
  for (int64_t ox = 0; ox < g.ow; ++ox) {
    int64_t x0, x1;
    window_range(ox, g.sw, g.pad_left, g.kw, g.w, x0, x1);
    T* o = out + ox * C;
    int32_t* a = kArg ? arg + ox * C : nullptr;
    int64_t c0 = 0;
    for (; c0 + kBlock <= C; c0 += kBlock)  // full blocks: a constant trip count the compiler unrolls
      max_window<T, kArg, kBlock>(image, o, a, c0, kBlock, g.w, index_w, C, y0, y1, x0, x1);
    if (c0 < C) max_window<T, kArg, kBlock>(image, o, a, c0, C - c0, g.w, index_w, C, y0, y1, x0, x1);
  }
}

/** Max pooling of dense NHWC `x` into `y`; with kArg, also the index of each first maximum into `arg`, within an
 *  image `index_w` wide. */
template <class T, bool kArg>
void max_pool_kernel(const T* x, T* y, int32_t* arg, const Geometry& g, int64_t index_w) {
  parallel_for(g.n * g.oh, row_grain(g.ow * g.kh * g.kw * g.c), [&](int64_t lo_row, int64_t hi_row) {
    for (int64_t row = lo_row; row < hi_row; ++row) {
      int64_t y0, y1;
      window_range(row % g.oh, g.sh, g.pad_top, g.kh, g.h, y0, y1);
      max_pool_row<T, kArg>(x + row / g.oh * g.h * g.w * g.c, y + row * g.ow * g.c,
                            kArg ? arg + row * g.ow * g.c : nullptr, g, y0, y1, index_w);
    }
  });
}

/** Conv output bytes per task of conv_max_pool_kernel: the lines stay in L2 between computing and pooling them. */
constexpr int64_t kConvPoolBlockBytes = 64 << 10;

/** Whether pooling g is 2x2 with stride 2 and every window inside its input: the pooling the
 *  convolution kernels conv2d_max_pool2x2_* fuse. */
inline bool pool_2x2(const Geometry& g) {
  return g.kh == 2 && g.kw == 2 && g.sh == 2 && g.sw == 2 && g.pad_top == 0 && g.pad_left == 0 &&
         g.oh == g.h / 2 && g.ow == g.w / 2;
}

/** Blocks of pooled rows per image, sized so a block's convolution output rows fill kConvPoolBlockBytes. */
struct PooledBlocks {
  int64_t rows, blocks, tasks, buffer_lines;
};

PooledBlocks pooled_blocks(const Geometry& g, int64_t element_size) {
  PooledBlocks pb;
  pb.rows = std::max<int64_t>(1, kConvPoolBlockBytes / (element_size * g.w * g.c * g.sh));
  pb.blocks = (g.oh + pb.rows - 1) / pb.rows;
  pb.tasks = g.n * pb.blocks;
  pb.buffer_lines = (pb.rows - 1) * g.sh + g.kh;
  return pb;
}

/**
 * Runs block(task, image, p0, p1, r0, r1, lines) for every block of pooled rows [p0, p1) of each image, handed out
 * to the op's threads as they come free; [r0, r1) are the convolution output rows its windows read and `lines` a
 * per-thread buffer for them.
 */
template <class T, class F>
void run_pooled_blocks(const Geometry& g, const PooledBlocks& pb, F&& block) {
  std::atomic<int64_t> next{0};
  std::atomic<bool> out_of_memory{false};
  run_on_threads(pb.tasks, [&] {
    std::unique_ptr<T[]> lines(new (std::nothrow) T[static_cast<size_t>(pb.buffer_lines * g.w * g.c)]);
    if (!lines) {
      out_of_memory.store(true);
      return;
    }
    for (int64_t task; (task = next.fetch_add(1, std::memory_order_relaxed)) < pb.tasks;) {
      const int64_t b = task / pb.blocks, p0 = task % pb.blocks * pb.rows, p1 = std::min(g.oh, p0 + pb.rows);
      int64_t r0, r1, unused;
      window_range(p0, g.sh, g.pad_top, g.kh, g.h, r0, unused);
      window_range(p1 - 1, g.sh, g.pad_top, g.kh, g.h, unused, r1);
      block(task, b, p0, p1, r0, r1, lines.get());
    }
  });
  if (out_of_memory.load()) throw std::bad_alloc();
}

/**
 * max_pool_kernel over the output of conv `cg` (the pooling geometry g), computed a block of pooled rows at a
 * time: the block's convolution lines go to a per-thread buffer and are pooled from there, never to memory.
 */
template <class T, bool kArg>
void conv_max_pool_kernel(const ConvGeometry& cg, const T* x, const T* w, T* y, int32_t* arg, const Geometry& g) {
  const int64_t line = g.w * g.c;  // one convolution output line
  if (pool_2x2(g)) {
    const int64_t pooled_line = g.ow * g.c;
    parallel_for(g.n * g.oh, row_grain(pooled_line * cg.kh * cg.kw * cg.c), [&](int64_t l0, int64_t l1) {
      conv2d_max_pool2x2_lines(cg, x, w, l0, l1, y + l0 * pooled_line, kArg ? arg + l0 * pooled_line : nullptr);
    });
    return;
  }
  run_pooled_blocks<T>(g, pooled_blocks(g, sizeof(T)),
                       [&](int64_t, int64_t b, int64_t p0, int64_t p1, int64_t r0, int64_t r1, T* lines) {
    conv2d_forward_lines(cg, x, w, b * g.h + r0, b * g.h + r1, lines);
    for (int64_t oy = p0; oy < p1; ++oy) {
      int64_t y0, y1;
      window_range(oy, g.sh, g.pad_top, g.kh, g.h, y0, y1);
      const int64_t at = (b * g.oh + oy) * g.ow * g.c;
      max_pool_row<T, kArg>(lines, y + at, kArg ? arg + at : nullptr, g, y0 - r0, y1 - r0, g.w);
      if constexpr (kArg) {  // indices within the buffer -> within the whole convolution output image
        const int32_t shift = static_cast<int32_t>(r0 * line);
        for (int64_t i = at; i < at + g.ow * g.c; ++i) arg[i] += shift;
      }
    }
  });
}

/** Average pooling of dense NHWC `x` into `y`, each window divided by its in-bounds count. */
template <class T>
void avg_pool_kernel(const T* x, T* y, const Geometry& g) {
  const int64_t C = g.c;
  parallel_for(g.n * g.oh, row_grain(g.ow * g.kh * g.kw * C), [&](int64_t lo_row, int64_t hi_row) {
    for (int64_t row = lo_row; row < hi_row; ++row) {
      const int64_t b = row / g.oh, oy = row % g.oh;
      int64_t y0, y1;
      window_range(oy, g.sh, g.pad_top, g.kh, g.h, y0, y1);
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        int64_t x0, x1;
        window_range(ox, g.sw, g.pad_left, g.kw, g.w, x0, x1);
        T* out = y + (row * g.ow + ox) * C;
        std::fill(out, out + C, T(0));
        for (int64_t iy = y0; iy < y1; ++iy)
          for (int64_t ix = x0; ix < x1; ++ix) {
            const T* in = x + ((b * g.h + iy) * g.w + ix) * C;
            for (int64_t c = 0; c < C; ++c) out[c] += in[c];
          }
        const T inv = window_inverse_count<T>(y0, y1, x0, x1);
        for (int64_t c = 0; c < C; ++c) out[c] *= inv;
      }
    }
  });
}

/**
 * dx of one input element over `n` channels (n <= kBlock) from channel c0: the sum of dy over the covering windows
 * [oy0, oy1) x [ox0, ox1) whose argmax is this element. Accumulates in a local array (vector registers, no aliasing
 * with dy) and selects rather than multiplies, so a NaN elsewhere in dy does not leak in.
 */
template <class T, int kBlock>
inline void max_grad_element(const T* dy_image, const int32_t* arg_image, T* out, int32_t base, int64_t c0, int64_t n,
                             int64_t OW, int64_t C, int64_t oy0, int64_t oy1, int64_t ox0, int64_t ox1) {
  T acc[kBlock];
  for (int32_t c = 0; c < static_cast<int32_t>(n); ++c) acc[c] = T(0);
  for (int64_t oy = oy0; oy < oy1; ++oy)
    for (int64_t ox = ox0; ox < ox1; ++ox) {
      const int64_t o = (oy * OW + ox) * C + c0;
      const T* gy = dy_image + o;
      const int32_t* a = arg_image + o;
      for (int32_t c = 0; c < static_cast<int32_t>(n); ++c) acc[c] += a[c] == base + c ? gy[c] : T(0);  // int32 lanes
    }
  for (int32_t c = 0; c < static_cast<int32_t>(n); ++c) out[c0 + c] = acc[c];
}

/** Whether each input element of pooling g has at most one covering window (stride >= window: 2x2 / 2). */
inline bool disjoint_windows(const Geometry& g) { return g.sh >= g.kh && g.sw >= g.kw; }

/**
 * Row iy of image b of the gradient of max pooling with disjoint windows, into `out`: each element written once,
 * as dy where it is its window's argmax and 0 elsewhere. `cols`: covering_columns(g).
 */
template <class T>
void max_grad_disjoint_row(const T* dy, const int32_t* arg, T* __restrict out, const Geometry& g,
                           const std::vector<std::pair<int64_t, int64_t>>& cols, int64_t b, int64_t iy) {
  const int64_t C = g.c;
  int64_t oy0, oy1;
  covering_range(iy, g.sh, g.pad_top, g.kh, g.oh, oy0, oy1);
  if (oy0 >= oy1) {  // a row no window reaches
    std::fill(out, out + g.w * C, T(0));
    return;
  }
  const int64_t window_row = (b * g.oh + oy0) * g.ow;
  for (int64_t ix = 0; ix < g.w; ++ix, out += C) {
    const auto [ox0, ox1] = cols[ix];
    if (ox0 >= ox1) {
      std::fill(out, out + C, T(0));
      continue;
    }
    const T* __restrict gy = dy + (window_row + ox0) * C;
    const int32_t* __restrict a = arg + (window_row + ox0) * C;
    const int32_t base = static_cast<int32_t>((iy * g.w + ix) * C);
    for (int32_t c = 0; c < static_cast<int32_t>(C); ++c) out[c] = a[c] == base + c ? gy[c] : T(0);
  }
}

/** Gradient of max pooling with disjoint windows (see max_grad_disjoint_row); rows in parallel. */
template <class T>
void max_pool_grad_disjoint(const T* dy, const int32_t* arg, T* dx, const Geometry& g) {
  const auto cols = covering_columns(g);
  parallel_for(g.n * g.h, row_grain(g.w * g.c), [&](int64_t lo_row, int64_t hi_row) {
    for (int64_t row = lo_row; row < hi_row; ++row)
      max_grad_disjoint_row(dy, arg, dx + row * g.w * g.c, g, cols, row / g.h, row % g.h);
  });
}

/** Gradient of max pooling, gathered per input element (see max_grad_element); rows in parallel. */
template <class T>
void max_pool_grad_kernel(const T* dy, const int32_t* arg, T* dx, const Geometry& g) {
  if (disjoint_windows(g)) return max_pool_grad_disjoint(dy, arg, dx, g);
  constexpr int kBlock = 32 / sizeof(T) * 4;
  const int64_t C = g.c;
  const int64_t cover = ((g.kh + g.sh - 1) / g.sh) * ((g.kw + g.sw - 1) / g.sw);
  const auto cols = covering_columns(g);
  parallel_for(g.n * g.h, row_grain(g.w * cover * C), [&](int64_t lo_row, int64_t hi_row) {
    for (int64_t row = lo_row; row < hi_row; ++row) {
      const int64_t b = row / g.h, iy = row % g.h;
      int64_t oy0, oy1;
      covering_range(iy, g.sh, g.pad_top, g.kh, g.oh, oy0, oy1);
      const T* dy_image = dy + b * g.oh * g.ow * C;
      const int32_t* arg_image = arg + b * g.oh * g.ow * C;
      for (int64_t ix = 0; ix < g.w; ++ix) {
        const auto [ox0, ox1] = cols[ix];
        T* out = dx + (row * g.w + ix) * C;
        const int32_t base = static_cast<int32_t>((iy * g.w + ix) * C);
        int64_t c0 = 0;
        for (; c0 + kBlock <= C; c0 += kBlock)
          max_grad_element<T, kBlock>(dy_image, arg_image, out, base + static_cast<int32_t>(c0), c0, kBlock, g.ow, C,
                                      oy0, oy1, ox0, ox1);
        if (c0 < C)
          max_grad_element<T, kBlock>(dy_image, arg_image, out, base + static_cast<int32_t>(c0), c0, C - c0, g.ow, C,
                                      oy0, oy1, ox0, ox1);
      }
    }
  });
}

/** Gradient of average pooling, gathered per input element: the sum of dy / count over the covering windows. */
template <class T>
void avg_pool_grad_kernel(const T* dy, T* dx, const Geometry& g) {
  const int64_t C = g.c;
  const int64_t cover = ((g.kh + g.sh - 1) / g.sh) * ((g.kw + g.sw - 1) / g.sw);
  const auto cols = covering_columns(g);
  parallel_for(g.n * g.h, row_grain(g.w * cover * C), [&](int64_t lo_row, int64_t hi_row) {
    for (int64_t row = lo_row; row < hi_row; ++row) {
      const int64_t b = row / g.h, iy = row % g.h;
      int64_t oy0, oy1;
      covering_range(iy, g.sh, g.pad_top, g.kh, g.oh, oy0, oy1);
      for (int64_t ix = 0; ix < g.w; ++ix) {
        const auto [ox0, ox1] = cols[ix];
        T* out = dx + (row * g.w + ix) * C;
        std::fill(out, out + C, T(0));
        for (int64_t oy = oy0; oy < oy1; ++oy) {
          int64_t y0, y1;
          window_range(oy, g.sh, g.pad_top, g.kh, g.h, y0, y1);
          for (int64_t ox = ox0; ox < ox1; ++ox) {
            int64_t x0, x1;
            window_range(ox, g.sw, g.pad_left, g.kw, g.w, x0, x1);
            const T inv = window_inverse_count<T>(y0, y1, x0, x1);
            const T* gy = dy + ((b * g.oh + oy) * g.ow + ox) * C;
            for (int64_t c = 0; c < C; ++c) out[c] += gy[c] * inv;
          }
        }
      }
    }
  });
}

/**
 * The filter gradient of conv `cg` from the gradient `dy` of its max pooling (argmax `arg`, geometry g), a block of
 * pooled rows at a time: the block's share of the convolution's output gradient is scattered into per-thread lines
 * and consumed there, never stored whole. Each block's partial dw is summed in block order: deterministic.
 */
template <class T>
void conv_max_pool_filter_grad_kernel(const ConvGeometry& cg, const T* x, const T* dy, const int32_t* arg,
                                      T* dw, const Geometry& g) {
  const int64_t line = g.w * g.c, size = cg.kh * cg.kw * cg.c * cg.co;
  const PooledBlocks pb = pooled_blocks(g, sizeof(T));
  std::vector<T> partial(static_cast<size_t>(pb.tasks * size));
  std::atomic<bool> bad_argmax{false};
  const bool disjoint = disjoint_windows(g), fused_2x2 = pool_2x2(g);
  const auto cols = covering_columns(g);
  // Overlapping windows: each pooled element's gradient added at its argmax (checked to lie in the block's rows).
  const auto scatter_block = [&](int64_t b, int64_t p0, int64_t p1, int64_t shift, int64_t span, T* d) {
    for (int64_t i = (b * g.oh + p0) * g.ow * g.c; i < (b * g.oh + p1) * g.ow * g.c; ++i) {
      const int64_t at = int64_t{arg[i]} - shift;
      if (at < 0 || at >= span) {  // not an index of this window's rows: not max_pool2d's argmax
        bad_argmax.store(true);
        continue;
      }
      d[at] += dy[i];
    }
  };
  run_pooled_blocks<T>(g, pb, [&](int64_t task, int64_t b, int64_t p0, int64_t p1, int64_t r0, int64_t r1,
                                      T* d) {
    T* dw_part = partial.data() + task * size;
    if (fused_2x2) {
      const int64_t at = (b * g.oh + p0) * g.ow * g.c;
      return conv2d_max_pool2x2_filter_lines(cg, x, dy + at, arg + at, b * g.oh + p0, b * g.oh + p1, dw_part);
    }
    const int64_t span = (r1 - r0) * line, shift = r0 * line;
    if (disjoint) {  // rows [r0, r1) are covered by this block's windows only
      for (int64_t iy = r0; iy < r1; ++iy) max_grad_disjoint_row(dy, arg, d + (iy - r0) * line, g, cols, b, iy);
    } else {
      std::fill(d, d + span, T(0));
      scatter_block(b, p0, p1, shift, span, d);
    }
    conv2d_backward_filter_lines(cg, x, d, b * g.h + r0, b * g.h + r1, dw_part);
  });
  check_arg(!bad_argmax.load(), "conv2d_max_pool_backprop_filter: argmax holds indices outside their pooling windows; "
            "pass the argmax of this convolution's max pooling");
  std::copy(partial.begin(), partial.begin() + size, dw);
  parallel_for(size, std::max<int64_t>(1, kElementwiseGrain / pb.tasks), [&](int64_t lo, int64_t hi) {
    for (int64_t t = 1; t < pb.tasks; ++t) {
      const T* add = partial.data() + t * size;
      for (int64_t i = lo; i < hi; ++i) dw[i] += add[i];
    }
  });
}

/** Whether max pooling `g` keeps at most a quarter of the convolution's outputs: then the convolution's gradients
 *  are summed over the pooled elements at their argmax, a quarter of the direct products of the whole output
 *  gradient (and about Winograd's count), with no output-sized gradient stored. */
inline bool sparse_pooling(const Geometry& g) { return 4 * g.oh * g.ow <= g.h * g.w; }

/**
 * The convolution's input as the argmax kernels address it: one image in a buffer of `rows` rows of `pitch`
 * pixels, the convolution's padding included (the image's own pixels from row pad_top, column pad_left), so that
 * output (oy, ox)'s patch starts at pixel oy * sh * pitch + ox * sw and stays inside. The filter's taps (ky, kx, c)
 * in runs contiguous both there and in a filter column: whole filter rows when dilation_w is 1, else one tap each.
 */
struct PatchLayout {
  int64_t rows, pitch;
  bool padded;  // false: the input image itself, read (or written) in place
  int64_t run_length;
  std::vector<int64_t> run_image_offset, run_filter_offset;
};

/** The PatchLayout of conv `cg` over its dense input images. */
PatchLayout patch_layout(const ConvGeometry& cg) {
  PatchLayout pl;
  const int64_t rows_read = (cg.oh - 1) * cg.sh + (cg.kh - 1) * cg.dh + 1;
  const int64_t cols_read = (cg.ow - 1) * cg.sw + (cg.kw - 1) * cg.dw + 1;
  pl.padded = cg.pad_top > 0 || cg.pad_left > 0 || rows_read > cg.h || cols_read > cg.w;
  pl.rows = pl.padded ? std::max(cg.h + cg.pad_top, rows_read) : cg.h;
  pl.pitch = pl.padded ? std::max(cg.w + cg.pad_left, cols_read) : cg.w;
  const bool whole_rows = cg.dw == 1;
  pl.run_length = whole_rows ? cg.kw * cg.c : cg.c;
  for (int64_t ky = 0; ky < cg.kh; ++ky)
    for (int64_t kx = 0; kx < (whole_rows ? 1 : cg.kw); ++kx) {
      pl.run_image_offset.push_back((ky * cg.dh * pl.pitch + kx * cg.dw) * cg.c);
      pl.run_filter_offset.push_back((ky * cg.kw + kx) * cg.c);
    }
  return pl;
}

/**
 * Window p of pooling `g` (over the output of conv `cg`) in one image's `arg` (max_pool2d's indices): into
 * `origins` the patch origins (PatchLayout pixels) of its convolution outputs, row-major, and into `pixel[c]` the
 * position among them of channel c's argmax, or -1 where the index is not in the window (max_pool2d_grad adds
 * such an element nowhere). Returns the window's size. Branch-free: the argmax pixels are random.
 */
int64_t match_window(const int32_t* arg, int64_t p, const Geometry& g,
                     const ConvGeometry& cg, const PatchLayout& pl, int32_t* origins, int32_t* pixel) {
  const int64_t C = g.c;
  int64_t y0, y1, x0, x1;
  window_range(p / g.ow, g.sh, g.pad_top, g.kh, g.h, y0, y1);
  window_range(p % g.ow, g.sw, g.pad_left, g.kw, g.w, x0, x1);
  const int32_t* a = arg + p * C;
  std::fill(pixel, pixel + C, -1);
  int32_t j = 0;
  for (int64_t oy = y0; oy < y1; ++oy)
    for (int64_t ox = x0; ox < x1; ++ox, ++j) {
      origins[j] = static_cast<int32_t>(oy * cg.sh * pl.pitch + ox * cg.sw);
      const int32_t base = static_cast<int32_t>((oy * g.w + ox) * C);
      for (int32_t c = 0; c < static_cast<int32_t>(C); ++c) pixel[c] = a[c] == base + c ? j : pixel[c];
    }
  return j;
}

/** Copies dense image `src` into the zeroed padded buffer `dst` of layout `pl`. */
template <class T>
void pad_image(const ConvGeometry& cg, const PatchLayout& pl, const T* src, T* dst) {
  std::fill(dst, dst + pl.rows * pl.pitch * cg.c, T(0));
  for (int64_t iy = 0; iy < cg.h; ++iy)
    std::copy_n(src + iy * cg.w * cg.c, cg.w * cg.c, dst + ((iy + cg.pad_top) * pl.pitch + cg.pad_left) * cg.c);
}

/** Image blocks of the argmax filter gradient, each with its own partial sum: a fixed grid, whatever the threads. */
constexpr int64_t kArgmaxFilterParts = 8;

/**
 * dw of conv `cg` from the gradient `dy` of its max pooling `g` (argmax `arg`), per pooled element rather than per
 * convolution output: dw[tap, c] += dy[p, c] * x[patch of c's argmax at tap]. For channel c the products over an
 * image's windows gather its patches' rows (the image in L1). `x`: dense NHWC.
 */
template <class T>
void argmax_filter_grad_kernel(const ConvGeometry& cg, const T* x, const T* dy, const int32_t* arg, T* dw,
                               const Geometry& g) {
  const int64_t C = cg.co, K = cg.kh * cg.kw * cg.c, P = g.oh * g.ow, window = g.kh * g.kw;
  const PatchLayout pl = patch_layout(cg);
  const int64_t parts = std::min(cg.n, kArgmaxFilterParts);
  std::vector<T> partial(static_cast<size_t>(parts * C * K), T(0));  // per part, transposed: [c][tap]
  std::atomic<int64_t> next{0};
  std::atomic<bool> out_of_memory{false};
  run_on_threads(parts, [&] {
    Scratch values(P * C * sizeof(T)), rows(P * C * sizeof(int32_t)), match((window + C) * sizeof(int32_t)),
        padded(pl.padded ? pl.rows * pl.pitch * cg.c * sizeof(T) : 0);
    if (!values.p || !rows.p || !match.p || (pl.padded && !padded.p)) return out_of_memory.store(true);
    T* value = static_cast<T*>(values.p);  // [c][p]: dy where c's argmax is in window p, else 0
    int32_t* row = static_cast<int32_t*>(rows.p);  // [c][p]: the patch origin of that argmax (or of the window)
    int32_t *origins = static_cast<int32_t*>(match.p), *pixel = origins + window;
    std::vector<GatheredRow<T>> sums(static_cast<size_t>(C));  // one per channel: its patch rows' sum
    for (int64_t part; (part = next.fetch_add(1, std::memory_order_relaxed)) < parts;) {
      T* dwt = partial.data() + part * C * K;
      for (int64_t b = cg.n * part / parts; b < cg.n * (part + 1) / parts; ++b) {
        const T* image = x + b * cg.h * cg.w * cg.c;
        if (pl.padded) {
          pad_image(cg, pl, image, static_cast<T*>(padded.p));
          image = static_cast<const T*>(padded.p);
        }
        for (int64_t p = 0; p < P; ++p) {
          match_window(arg + b * P * C, p, g, cg, pl, origins, pixel);
          const T* gy = dy + (b * P + p) * C;
          for (int64_t c = 0; c < C; ++c) {
            value[c * P + p] = pixel[c] >= 0 ? gy[c] : T(0);
            row[c * P + p] = origins[std::max(pixel[c], 0)];
          }
        }
        for (size_t r = 0; r < pl.run_image_offset.size(); ++r) {
          for (int64_t c = 0; c < C; ++c) sums[c] = {c * P, P, dwt + c * K + pl.run_filter_offset[r]};
          gathered_rows_sums(C, sums.data(), value, row, image + pl.run_image_offset[r], cg.c, pl.run_length,
                                  true);
        }
      }
    }
  });
  if (out_of_memory.load()) throw std::bad_alloc();
  parallel_for(K, std::max<int64_t>(1, kElementwiseGrain / (C * parts)), [&](int64_t k0, int64_t k1) {
    for (int64_t k = k0; k < k1; ++k)
      for (int64_t c = 0; c < C; ++c) {
        T sum = partial[c * K + k];
        for (int64_t part = 1; part < parts; ++part) sum += partial[(part * C + c) * K + k];
        dw[k * C + c] = sum;
      }
  });
}

/**
 * dx of conv `cg` (dense NHWC, overwritten) from the gradient `dy` of its max pooling `g` (argmax `arg`), per
 * pooled element: the patch of each argmax gets dy[p, c] times filter column c. An image's elements are grouped by
 * argmax pixel, so each patch run is one gathered sum over the filter's transposed rows; images in parallel.
 */
template <class T>
void argmax_input_grad_kernel(const ConvGeometry& cg, const T* w, const T* dy, const int32_t* arg, T* dx,
                              const Geometry& g) {
  const int64_t C = cg.co, K = cg.kh * cg.kw * cg.c, P = g.oh * g.ow, window = g.kh * g.kw;
  const int64_t image = cg.h * cg.w * cg.c;
  const PatchLayout pl = patch_layout(cg);
  std::vector<T> wt(static_cast<size_t>(C * K));  // the filter transposed: [c][tap]
  for (int64_t k = 0; k < K; ++k)
    for (int64_t c = 0; c < C; ++c) wt[c * K + k] = w[k * C + c];
  std::atomic<int64_t> next{0};
  std::atomic<bool> out_of_memory{false};
  run_on_threads(cg.n, [&] {
    // Per image: the pooled elements by argmax pixel (the groups: origin, first entry, count), with the slack
    // append_where_equal writes into.
    Scratch values((P * C + kAppendSlack) * sizeof(T)), rows((P * C + kAppendSlack) * sizeof(int32_t)),
        groups(P * window * 3 * sizeof(int64_t)), match((window + C) * sizeof(int32_t)),
        padded(pl.padded ? pl.rows * pl.pitch * cg.c * sizeof(T) : 0);
    if (!values.p || !rows.p || !groups.p || !match.p || (pl.padded && !padded.p)) return out_of_memory.store(true);
    T* value = static_cast<T*>(values.p);
    int32_t* row = static_cast<int32_t*>(rows.p);
    int64_t* group = static_cast<int64_t*>(groups.p);
    int32_t *origins = static_cast<int32_t*>(match.p), *pixel = origins + window;
    std::vector<GatheredRow<T>> sums(static_cast<size_t>(P * window));
    for (int64_t b; (b = next.fetch_add(1, std::memory_order_relaxed)) < cg.n;) {
      int64_t entries = 0, n_groups = 0;
      for (int64_t p = 0; p < P; ++p) {
        const int64_t size = match_window(arg + b * P * C, p, g, cg, pl, origins, pixel);
        const T* gy = dy + (b * P + p) * C;
        for (int32_t j = 0; j < size; ++j) {
          const int64_t first = entries;
          entries += append_where_equal(pixel, j, gy, static_cast<int32_t>(C), value + entries, row + entries);
          if (entries > first) {
            int64_t* at = group + 3 * n_groups++;
            at[0] = origins[j], at[1] = first, at[2] = entries - first;
          }
        }
      }
      T* out = pl.padded ? static_cast<T*>(padded.p) : dx + b * image;
      std::fill(out, out + pl.rows * pl.pitch * cg.c, T(0));
      for (size_t r = 0; r < pl.run_image_offset.size(); ++r) {  // run-major: the filter's run stays in L1
        for (int64_t i = 0; i < n_groups; ++i)
          sums[i] = {group[3 * i + 1], group[3 * i + 2], out + group[3 * i] * cg.c + pl.run_image_offset[r]};
        gathered_rows_sums(n_groups, sums.data(), value, row, wt.data() + pl.run_filter_offset[r], K,
                                pl.run_length, true);
      }
      if (pl.padded)
        for (int64_t iy = 0; iy < cg.h; ++iy)
          std::copy_n(out + ((iy + cg.pad_top) * pl.pitch + cg.pad_left) * cg.c, cg.w * cg.c,
                      dx + b * image + iy * cg.w * cg.c);
    }
  });
  if (out_of_memory.load()) throw std::bad_alloc();
}

/**
 * Whether convolving only the part `read` of the input that the pooling reads saves work over the whole one `cg`:
 * fewer outputs, or for Winograd fewer 4x4 tiles (the crop costs a copy of the input).
 */
bool crop_pays(const ConvGeometry& cg, const ConvGeometry& read, DType dtype) {
  if (read.oh == cg.oh && read.ow == cg.ow) return false;
  if (dtype == DType::Float32 && winograd_applies(cg)) return winograd_tiles(read) < winograd_tiles(cg);
  return true;
}

/**
 * Whether the argmax kernels take conv `cg` under pooling `g`: a sparse pooling (see sparse_pooling), patch runs of
 * at least a vector, and padded images whose pixels int32 indexes.
 */
bool use_argmax_kernels(const ConvGeometry& cg, const Geometry& g, int64_t element_size) {
  if (!sparse_pooling(g) || g.n * g.oh * g.ow * g.c == 0) return false;
  const PatchLayout pl = patch_layout(cg);
  return pl.run_length * element_size >= 32 && pl.rows * pl.pitch <= std::numeric_limits<int32_t>::max();
}


/** Copies the leading `read` rows and columns of the dense NHWC images `x` (geometry cg) into dense `out`. */
template <class T>
void crop_leading(const ConvGeometry& cg, const ConvGeometry& read, const T* x, T* out) {
  const int64_t line = read.w * cg.c;
  parallel_for(cg.n * read.h, row_grain(line), [&](int64_t lo, int64_t hi) {
    for (int64_t r = lo; r < hi; ++r)
      std::copy_n(x + ((r / read.h) * cg.h + r % read.h) * cg.w * cg.c, line, out + r * line);
  });
}

template <class T>
void max_pool(const Geometry& g, const Tensor& x, const Tensor& y, const Tensor& arg, int64_t index_w) {
  if (arg.defined()) max_pool_kernel<T, true>(x.data<T>(), y.data<T>(), arg.data<int32_t>(), g, index_w);
  else max_pool_kernel<T, false>(x.data<T>(), y.data<T>(), nullptr, g, index_w);
}

template <class T>
void conv_max_pool(const ConvGeometry& cg, const ConvGeometry& read, const Geometry& g, const Tensor& x,
                   const Tensor& w, const Tensor& y, const Tensor& arg) {
  const bool with_arg = arg.defined();
  int32_t* a = with_arg ? arg.data<int32_t>() : nullptr;
  const bool nonempty = g.n * g.oh * g.ow * g.c > 0;
  if (conv2d_has_line_kernel(cg) && nonempty) {
    // Convolution lines pooled in cache: only the lines (2x2 pooling: the outputs) the windows read are computed.
    if (with_arg) conv_max_pool_kernel<T, true>(cg, x.data<T>(), w.data<T>(), y.data<T>(), a, g);
    else conv_max_pool_kernel<T, false>(cg, x.data<T>(), w.data<T>(), y.data<T>(), nullptr, g);
    return;
  }
  if constexpr (std::is_same_v<T, float>) {
    if (winograd_applies(cg) && pool_2x2(g) && nonempty) {  // each Winograd tile's outputs pooled in cache
      winograd_conv3x3_max_pool2x2(cg, x.data<float>(), w.data<float>(), y.data<float>(), a);
      return;
    }
  }
  // Other convolutions store their output anyway: the two in turn, on the part the windows read.
  const bool crop = crop_pays(cg, read, x.dtype());
  const ConvGeometry& used = crop ? read : cg;
  Tensor input = x;
  if (crop) {
    input = Tensor::empty({read.n, read.h, read.w, read.c}, x.dtype());
    crop_leading(cg, read, x.data<T>(), input.data<T>());
  }
  Tensor conv = Tensor::empty({used.n, used.oh, used.ow, used.co}, x.dtype());
  conv2d_forward<T>(used, input.data<T>(), w.data<T>(), conv.data<T>());
  max_pool<T>(backend::pool_geometry(conv.shape(), g.kh, g.kw, g.sh, g.sw, g.same), conv, y, arg, cg.ow);
}

template <class T>
void conv_max_pool_backprop_filter(const ConvGeometry& cg, const Geometry& g, const Tensor& x, const Tensor& dy,
                                   const Tensor& arg, const Tensor& dw) {
  if (conv2d_has_line_kernel(cg) && g.n * g.oh * g.ow * g.c > 0)
    return conv_max_pool_filter_grad_kernel<T>(cg, x.data<T>(), dy.data<T>(), arg.data<int32_t>(), dw.data<T>(), g);
  if (use_argmax_kernels(cg, g, sizeof(T)))
    return argmax_filter_grad_kernel<T>(cg, x.data<T>(), dy.data<T>(), arg.data<int32_t>(), dw.data<T>(), g);
  Tensor conv_grad = Tensor::empty({cg.n, cg.oh, cg.ow, cg.co}, x.dtype());
  max_pool_grad_kernel<T>(dy.data<T>(), arg.data<int32_t>(), conv_grad.data<T>(), g);
  conv2d_backward_filter<T>(cg, x.data<T>(), conv_grad.data<T>(), dw.data<T>());
}

template <class T>
void conv_max_pool_backprop_input(const ConvGeometry& cg, const Geometry& g, const Tensor& w, const Tensor& dy,
                                  const Tensor& arg, const Tensor& dx) {
  if (use_argmax_kernels(cg, g, sizeof(T)))
    return argmax_input_grad_kernel<T>(cg, w.data<T>(), dy.data<T>(), arg.data<int32_t>(), dx.data<T>(), g);
  Tensor conv_grad = Tensor::empty({cg.n, cg.oh, cg.ow, cg.co}, w.dtype());
  max_pool_grad_kernel<T>(dy.data<T>(), arg.data<int32_t>(), conv_grad.data<T>(), g);
  conv2d_backward_input<T>(cg, w.data<T>(), conv_grad.data<T>(), dx.data<T>());
}

}  // namespace

void register_pool_kernels() {
  using backend::FloatTypes;
  using backend::NumericTypes;
  using backend::register_each;
  register_each(NumericTypes{}, OpId::max_pool2d, Device::CPU, [](auto tag) { return &max_pool<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::avg_pool2d, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Geometry& g, const Tensor& x, const Tensor& y) {
      avg_pool_kernel<T>(x.data<T>(), y.data<T>(), g);
    };
  });
  register_each(FloatTypes{}, OpId::avg_pool2d_grad, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Geometry& g, const Tensor& dy, const Tensor& dx) {
      avg_pool_grad_kernel<T>(dy.data<T>(), dx.data<T>(), g);
    };
  });
  register_each(FloatTypes{}, OpId::max_pool2d_grad, Device::CPU, [](auto tag) {
    using T = decltype(tag);
    return +[](const Geometry& g, const Tensor& dy, const Tensor& arg, const Tensor& dx) {
      max_pool_grad_kernel<T>(dy.data<T>(), arg.data<int32_t>(), dx.data<T>(), g);
    };
  });
  register_each(FloatTypes{}, OpId::conv2d_max_pool, Device::CPU,
                [](auto tag) { return &conv_max_pool<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::conv2d_max_pool_backprop_filter, Device::CPU,
                [](auto tag) { return &conv_max_pool_backprop_filter<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::conv2d_max_pool_backprop_input, Device::CPU,
                [](auto tag) { return &conv_max_pool_backprop_input<decltype(tag)>; });
}

}  // namespace pt::cpu
