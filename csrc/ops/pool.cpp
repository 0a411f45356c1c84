// Pooling family: 2-D max and average pooling over NHWC windows, their gradients (each differentiable again).
// Kernels run one output (or input) row per task, in parallel over batch x rows, and vectorise over the
// channels, which NHWC keeps contiguous. Backward passes gather per input element (no scatter races).
#include <algorithm>
#include <atomic>
#include <limits>
#include <memory>
#include <new>
#include <utility>
#include <vector>

#include "../autograd/grad_utils.h"
#include "../backend/cpu/scratch.h"
#include "../backend/cpu/simd.h"
#include "../backend/cpu/sparse_gemm.h"
#include "../backend/cpu/winograd.h"
#include "../core/parallel.h"
#include "ops.h"

namespace pt::ops {

namespace {

/** Sizes of one pooling: input N, H, W, C, output OH, OW, and the padding before the first row / column. */
struct Geometry {
  int64_t n, h, w, c, oh, ow, pad_top, pad_left;
};

/** TF's output size and leading padding of one spatial axis. */
void axis_geometry(int64_t in, int64_t k, int64_t s, bool same, int64_t& out, int64_t& pad_before) {
  if (same) {
    out = (in + s - 1) / s;
    pad_before = std::max<int64_t>((out - 1) * s + k - in, 0) / 2;
  } else {
    out = in >= k ? (in - k) / s + 1 : 0;
    pad_before = 0;
  }
}

/** Validates `input_shape` and `window` for op `name` and derives the geometry. */
Geometry geometry(const Shape& input_shape, const Pool2dWindow& wd, const char* name) {
  check_arg(input_shape.size() == 4, name, ": input must be 4-D (batch, height, width, channels), got shape ",
            shape_str(input_shape), "; add a batch axis with expand_dims, or use the 1-D pooling for 3-D inputs");
  check_arg(wd.kh > 0 && wd.kw > 0, name, ": ksize must be positive, got (", wd.kh, ", ", wd.kw, ")");
  check_arg(wd.sh > 0 && wd.sw > 0, name, ": strides must be positive, got (", wd.sh, ", ", wd.sw, ")");
  // Bounded as TF's int32 attributes, so the window arithmetic below cannot overflow int64.
  check_arg(std::max({wd.kh, wd.kw, wd.sh, wd.sw}) <= kMaxWindowArg, name, ": ksize (", wd.kh, ", ", wd.kw,
            ") and strides (", wd.sh, ", ", wd.sw, ") must be at most ", kMaxWindowArg);
  Geometry g{input_shape[0], input_shape[1], input_shape[2], input_shape[3], 0, 0, 0, 0};
  check_arg(wd.same || (wd.kh <= g.h && wd.kw <= g.w), name, ": the ", wd.kh, "x", wd.kw,
            " window is larger than the ", g.h, "x", g.w, " input of shape ", shape_str(input_shape),
            " with VALID padding; use a smaller ksize or padding='SAME'");
  axis_geometry(g.h, wd.kh, wd.sh, wd.same, g.oh, g.pad_top);
  axis_geometry(g.w, wd.kw, wd.sw, wd.same, g.ow, g.pad_left);
  return g;
}

/** The in-bounds input range [lo, hi) of window `o` along an axis. */
inline void window_range(int64_t o, int64_t s, int64_t pad, int64_t k, int64_t in, int64_t& lo, int64_t& hi) {
  const int64_t start = o * s - pad;
  lo = std::max<int64_t>(start, 0);
  hi = std::min<int64_t>(start + k, in);
}

/** The outputs [lo, hi) whose windows cover input index `i` along an axis. */
inline void covering_range(int64_t i, int64_t s, int64_t pad, int64_t k, int64_t out, int64_t& lo, int64_t& hi) {
  const int64_t p = i + pad;  // window o covers i when o * s <= p < o * s + k
  lo = p >= k ? (p - k) / s + 1 : 0;
  hi = std::min<int64_t>(p / s + 1, out);
}

/** covering_range of every input column, once per call: it divides, and the kernels visit each column per row. */
std::vector<std::pair<int64_t, int64_t>> covering_columns(const Geometry& g, const Pool2dWindow& wd) {
  std::vector<std::pair<int64_t, int64_t>> cols(static_cast<size_t>(g.w));
  for (int64_t ix = 0; ix < g.w; ++ix)
    covering_range(ix, wd.sw, g.pad_left, wd.kw, g.ow, cols[ix].first, cols[ix].second);
  return cols;
}

/** Rows (tasks) per chunk so that each chunk holds about kElementwiseGrain element visits. */
inline int64_t row_grain(int64_t work_per_row) {
  return std::max<int64_t>(1, kElementwiseGrain / std::max<int64_t>(work_per_row, 1));
}

/**
 * Max of one window over `n` channels (n <= kBlock) starting at channel c0, kept in local arrays so the compiler
 * holds them in vector registers; with kArg also the index (iy * IW + ix) * C + c of the first maximum (IW: the
 * width of the image the indices address, W or more).
 */
template <class T, bool kArg, int kBlock>
inline void max_window(const T* image, T* out, int32_t* arg, int64_t c0, int64_t n, int64_t W, int64_t IW,
                       int64_t C, int64_t y0, int64_t y1, int64_t x0, int64_t x1) {
  T m[kBlock];
  int32_t a[kBlock];
  const T* first = image + (y0 * W + x0) * C + c0;
  for (int64_t c = 0; c < n; ++c) {
    m[c] = first[c];
    if constexpr (kArg) a[c] = static_cast<int32_t>((y0 * IW + x0) * C + c0 + c);
  }
  for (int64_t iy = y0; iy < y1; ++iy)
    for (int64_t ix = iy == y0 ? x0 + 1 : x0; ix < x1; ++ix) {
      const T* in = image + (iy * W + ix) * C + c0;
      const int32_t base = static_cast<int32_t>((iy * IW + ix) * C + c0);
      for (int32_t c = 0; c < static_cast<int32_t>(n); ++c) {  // int32 lanes, like the indices
        // Strictly greater keeps the first maximum (TF's tie rule); the first NaN wins and stays.
        const T v = in[c];
        const bool take = (v > m[c]) | ((v != v) & (m[c] == m[c]));  // bitwise: no branch, so it vectorises
        m[c] = take ? v : m[c];
        if constexpr (kArg) a[c] = take ? base + c : a[c];
      }
    }
  std::copy(m, m + n, out + c0);
  if constexpr (kArg) std::copy(a, a + n, arg + c0);
}

/** One output row of max pooling: the windows over rows [y0, y1) of `image` (W x C) into `out` (and `arg`, indices
 *  into an image `index_w` wide). */
template <class T, bool kArg>
inline void max_pool_row(const T* image, T* out, int32_t* arg, const Geometry& g, const Pool2dWindow& wd, int64_t y0,
                         int64_t y1, int64_t index_w) {
  constexpr int kBlock = 32 / sizeof(T) * 4;  // four AVX registers of values
  const int64_t C = g.c;
  for (int64_t ox = 0; ox < g.ow; ++ox) {
    int64_t x0, x1;
    window_range(ox, wd.sw, g.pad_left, wd.kw, g.w, x0, x1);
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
void max_pool_kernel(const T* x, T* y, int32_t* arg, const Geometry& g, const Pool2dWindow& wd, int64_t index_w) {
  parallel_for(g.n * g.oh, row_grain(g.ow * wd.kh * wd.kw * g.c), [&](int64_t lo_row, int64_t hi_row) {
    for (int64_t row = lo_row; row < hi_row; ++row) {
      int64_t y0, y1;
      window_range(row % g.oh, wd.sh, g.pad_top, wd.kh, g.h, y0, y1);
      max_pool_row<T, kArg>(x + row / g.oh * g.h * g.w * g.c, y + row * g.ow * g.c,
                            kArg ? arg + row * g.ow * g.c : nullptr, g, wd, y0, y1, index_w);
    }
  });
}

/** Conv output bytes per task of conv_max_pool_kernel: the lines stay in L2 between computing and pooling them. */
constexpr int64_t kConvPoolBlockBytes = 64 << 10;

/** Whether pooling `wd` (geometry g) is 2x2 with stride 2 and every window inside its input: the pooling the
 *  convolution kernels cpu::conv2d_max_pool2x2_* fuse. */
inline bool pool_2x2(const Geometry& g, const Pool2dWindow& wd) {
  return wd.kh == 2 && wd.kw == 2 && wd.sh == 2 && wd.sw == 2 && g.pad_top == 0 && g.pad_left == 0 &&
         g.oh == g.h / 2 && g.ow == g.w / 2;
}

/** Blocks of pooled rows per image, sized so a block's convolution output rows fill kConvPoolBlockBytes. */
struct PooledBlocks {
  int64_t rows, blocks, tasks, buffer_lines;
};

PooledBlocks pooled_blocks(const Geometry& g, const Pool2dWindow& wd, int64_t element_size) {
  PooledBlocks pb;
  pb.rows = std::max<int64_t>(1, kConvPoolBlockBytes / (element_size * g.w * g.c * wd.sh));
  pb.blocks = (g.oh + pb.rows - 1) / pb.rows;
  pb.tasks = g.n * pb.blocks;
  pb.buffer_lines = (pb.rows - 1) * wd.sh + wd.kh;
  return pb;
}

/**
 * Runs block(task, image, p0, p1, r0, r1, lines) for every block of pooled rows [p0, p1) of each image, handed out
 * to the op's threads as they come free; [r0, r1) are the convolution output rows its windows read and `lines` a
 * per-thread buffer for them.
 */
template <class T, class F>
void run_pooled_blocks(const Geometry& g, const Pool2dWindow& wd, const PooledBlocks& pb, F&& block) {
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
      window_range(p0, wd.sh, g.pad_top, wd.kh, g.h, r0, unused);
      window_range(p1 - 1, wd.sh, g.pad_top, wd.kh, g.h, unused, r1);
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
void conv_max_pool_kernel(const cpu::ConvGeometry& cg, const T* x, const T* w, T* y, int32_t* arg, const Geometry& g,
                          const Pool2dWindow& wd) {
  const int64_t line = g.w * g.c;  // one convolution output line
  if (pool_2x2(g, wd)) {
    const int64_t pooled_line = g.ow * g.c;
    parallel_for(g.n * g.oh, row_grain(pooled_line * cg.kh * cg.kw * cg.c), [&](int64_t l0, int64_t l1) {
      cpu::conv2d_max_pool2x2_lines(cg, x, w, l0, l1, y + l0 * pooled_line, kArg ? arg + l0 * pooled_line : nullptr);
    });
    return;
  }
  run_pooled_blocks<T>(g, wd, pooled_blocks(g, wd, sizeof(T)),
                       [&](int64_t, int64_t b, int64_t p0, int64_t p1, int64_t r0, int64_t r1, T* lines) {
    cpu::conv2d_forward_lines(cg, x, w, b * g.h + r0, b * g.h + r1, lines);
    for (int64_t oy = p0; oy < p1; ++oy) {
      int64_t y0, y1;
      window_range(oy, wd.sh, g.pad_top, wd.kh, g.h, y0, y1);
      const int64_t at = (b * g.oh + oy) * g.ow * g.c;
      max_pool_row<T, kArg>(lines, y + at, kArg ? arg + at : nullptr, g, wd, y0 - r0, y1 - r0, g.w);
      if constexpr (kArg) {  // indices within the buffer -> within the whole convolution output image
        const int32_t shift = static_cast<int32_t>(r0 * line);
        for (int64_t i = at; i < at + g.ow * g.c; ++i) arg[i] += shift;
      }
    }
  });
}

/** Average pooling of dense NHWC `x` into `y`, each window divided by its in-bounds count. */
template <class T>
void avg_pool_kernel(const T* x, T* y, const Geometry& g, const Pool2dWindow& wd) {
  const int64_t C = g.c;
  parallel_for(g.n * g.oh, row_grain(g.ow * wd.kh * wd.kw * C), [&](int64_t lo_row, int64_t hi_row) {
    for (int64_t row = lo_row; row < hi_row; ++row) {
      const int64_t b = row / g.oh, oy = row % g.oh;
      int64_t y0, y1;
      window_range(oy, wd.sh, g.pad_top, wd.kh, g.h, y0, y1);
      for (int64_t ox = 0; ox < g.ow; ++ox) {
        int64_t x0, x1;
        window_range(ox, wd.sw, g.pad_left, wd.kw, g.w, x0, x1);
        T* out = y + (row * g.ow + ox) * C;
        std::fill(out, out + C, T(0));
        for (int64_t iy = y0; iy < y1; ++iy)
          for (int64_t ix = x0; ix < x1; ++ix) {
            const T* in = x + ((b * g.h + iy) * g.w + ix) * C;
            for (int64_t c = 0; c < C; ++c) out[c] += in[c];
          }
        const T inv = T(1) / static_cast<T>((y1 - y0) * (x1 - x0));
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

/** Whether each input element of pooling `wd` has at most one covering window (stride >= window: 2x2 / 2). */
inline bool disjoint_windows(const Pool2dWindow& wd) { return wd.sh >= wd.kh && wd.sw >= wd.kw; }

/**
 * Row iy of image b of the gradient of max pooling with disjoint windows, into `out`: each element written once,
 * as dy where it is its window's argmax and 0 elsewhere. `cols`: covering_columns(g, wd).
 */
template <class T>
void max_grad_disjoint_row(const T* dy, const int32_t* arg, T* __restrict out, const Geometry& g, const Pool2dWindow& wd,
                           const std::vector<std::pair<int64_t, int64_t>>& cols, int64_t b, int64_t iy) {
  const int64_t C = g.c;
  int64_t oy0, oy1;
  covering_range(iy, wd.sh, g.pad_top, wd.kh, g.oh, oy0, oy1);
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
void max_pool_grad_disjoint(const T* dy, const int32_t* arg, T* dx, const Geometry& g, const Pool2dWindow& wd) {
  const auto cols = covering_columns(g, wd);
  parallel_for(g.n * g.h, row_grain(g.w * g.c), [&](int64_t lo_row, int64_t hi_row) {
    for (int64_t row = lo_row; row < hi_row; ++row)
      max_grad_disjoint_row(dy, arg, dx + row * g.w * g.c, g, wd, cols, row / g.h, row % g.h);
  });
}

/** Gradient of max pooling, gathered per input element (see max_grad_element); rows in parallel. */
template <class T>
void max_pool_grad_kernel(const T* dy, const int32_t* arg, T* dx, const Geometry& g, const Pool2dWindow& wd) {
  if (disjoint_windows(wd)) return max_pool_grad_disjoint(dy, arg, dx, g, wd);
  constexpr int kBlock = 32 / sizeof(T) * 4;
  const int64_t C = g.c;
  const int64_t cover = ((wd.kh + wd.sh - 1) / wd.sh) * ((wd.kw + wd.sw - 1) / wd.sw);
  const auto cols = covering_columns(g, wd);
  parallel_for(g.n * g.h, row_grain(g.w * cover * C), [&](int64_t lo_row, int64_t hi_row) {
    for (int64_t row = lo_row; row < hi_row; ++row) {
      const int64_t b = row / g.h, iy = row % g.h;
      int64_t oy0, oy1;
      covering_range(iy, wd.sh, g.pad_top, wd.kh, g.oh, oy0, oy1);
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
void avg_pool_grad_kernel(const T* dy, T* dx, const Geometry& g, const Pool2dWindow& wd) {
  const int64_t C = g.c;
  const int64_t cover = ((wd.kh + wd.sh - 1) / wd.sh) * ((wd.kw + wd.sw - 1) / wd.sw);
  const auto cols = covering_columns(g, wd);
  parallel_for(g.n * g.h, row_grain(g.w * cover * C), [&](int64_t lo_row, int64_t hi_row) {
    for (int64_t row = lo_row; row < hi_row; ++row) {
      const int64_t b = row / g.h, iy = row % g.h;
      int64_t oy0, oy1;
      covering_range(iy, wd.sh, g.pad_top, wd.kh, g.oh, oy0, oy1);
      for (int64_t ix = 0; ix < g.w; ++ix) {
        const auto [ox0, ox1] = cols[ix];
        T* out = dx + (row * g.w + ix) * C;
        std::fill(out, out + C, T(0));
        for (int64_t oy = oy0; oy < oy1; ++oy) {
          int64_t y0, y1;
          window_range(oy, wd.sh, g.pad_top, wd.kh, g.h, y0, y1);
          for (int64_t ox = ox0; ox < ox1; ++ox) {
            int64_t x0, x1;
            window_range(ox, wd.sw, g.pad_left, wd.kw, g.w, x0, x1);
            const T inv = T(1) / static_cast<T>((y1 - y0) * (x1 - x0));
            const T* gy = dy + ((b * g.oh + oy) * g.ow + ox) * C;
            for (int64_t c = 0; c < C; ++c) out[c] += gy[c] * inv;
          }
        }
      }
    }
  });
}

/** Checks that `t` has the output shape of pooling `g` (for the gradient ops' `dy`). */
void check_output_shape(const Tensor& t, const Geometry& g, const char* name, const char* what) {
  const Shape want{g.n, g.oh, g.ow, g.c};
  check_arg(t.shape() == want, name, ": ", what, " has shape ", shape_str(t.shape()), " but the pooling output has ",
            shape_str(want), "; pass the gradient of that pooling's output");
}

/** max_pool2d's forward, with the argmax only when `with_arg` (it costs an extra output-sized write): indices into
 *  images `index_w` wide (the input's width when smaller). */
std::pair<Tensor, Tensor> max_pool_forward(const Tensor& x, const Pool2dWindow& wd, bool with_arg,
                                           int64_t index_w = 0) {
  const char* name = "max_pool2d";
  const Geometry g = geometry(x.shape(), wd, name);
  index_w = std::max(index_w, g.w);
  if (with_arg)
    check_arg(g.h * index_w * g.c <= std::numeric_limits<int32_t>::max(), name, ": an image of shape ",
              shape_str(x.shape()), " has more than 2^31 elements, too many for int32 argmax indices");
  Tensor in = contiguous(x);
  Tensor y = Tensor::empty({g.n, g.oh, g.ow, g.c}, x.dtype());
  Tensor arg = with_arg ? Tensor::empty(y.shape(), DType::Int32) : Tensor();
  PT_DISPATCH_NUMERIC(x.dtype(), name, {
    if (with_arg)
      max_pool_kernel<scalar_t, true>(in.data<scalar_t>(), y.data<scalar_t>(), arg.data<int32_t>(), g, wd, index_w);
    else max_pool_kernel<scalar_t, false>(in.data<scalar_t>(), y.data<scalar_t>(), nullptr, g, wd, index_w);
  });
  return {y, arg};
}

}  // namespace

namespace {
/** max_pool2d as a recorded op; the argmax is computed when asked for or when a tape keeps it for the backward. */
std::pair<Tensor, Tensor> max_pool_op(const Tensor& x, const Pool2dWindow& window, bool want_arg) {
  PT_OP_SCOPE;
  // The argmax is saved for the gradient when a tape tracks x.
  const bool save_arg = pt_op_scope_.should_record() && is_floating(x.dtype()) && autograd::is_tracked(x);
  auto [y, arg] = max_pool_forward(x, window, want_arg || save_arg);
  PT_RECORD(OpId::max_pool2d, {x}, {y}, attrs::Pool2d{window}, {save_arg ? arg : Tensor()});
  return {y, want_arg ? arg : Tensor()};
}
}  // namespace

Tensor max_pool2d(const Tensor& x, const Pool2dWindow& window) { return max_pool_op(x, window, false).first; }

std::pair<Tensor, Tensor> max_pool2d_with_argmax(const Tensor& x, const Pool2dWindow& window) {
  return max_pool_op(x, window, true);
}

Tensor avg_pool2d(const Tensor& x, const Pool2dWindow& window) {
  PT_OP_SCOPE;
  const char* name = "avg_pool2d";
  const Geometry g = geometry(x.shape(), window, name);
  Tensor in = contiguous(x);
  Tensor y = Tensor::empty({g.n, g.oh, g.ow, g.c}, x.dtype());
  PT_DISPATCH_FLOAT(x.dtype(), name,
                    { avg_pool_kernel<scalar_t>(in.data<scalar_t>(), y.data<scalar_t>(), g, window); });
  PT_RECORD(OpId::avg_pool2d, {x}, {y}, attrs::Pool2d{window});
  return y;
}

Tensor max_pool2d_grad(const Tensor& dy, const Tensor& argmax, const Shape& input_shape, const Pool2dWindow& window) {
  PT_OP_SCOPE;
  const char* name = "max_pool2d_grad";
  const Geometry g = geometry(input_shape, window, name);
  check_output_shape(dy, g, name, "dy");
  check_output_shape(argmax, g, name, "argmax");
  if (argmax.dtype() != DType::Int32) throw_dtype_error(name, argmax.dtype(), "int32 for argmax");
  Tensor gy = contiguous(dy), arg = contiguous(argmax);
  Tensor dx = Tensor::empty(input_shape, dy.dtype());
  PT_DISPATCH_FLOAT(dy.dtype(), name, {
    max_pool_grad_kernel<scalar_t>(gy.data<scalar_t>(), arg.data<int32_t>(), dx.data<scalar_t>(), g, window);
  });
  PT_RECORD(OpId::max_pool2d_grad, {dy, argmax}, {dx}, attrs::Pool2dGrad{input_shape, window});
  return dx;
}

Tensor avg_pool2d_grad(const Tensor& dy, const Shape& input_shape, const Pool2dWindow& window) {
  PT_OP_SCOPE;
  const char* name = "avg_pool2d_grad";
  const Geometry g = geometry(input_shape, window, name);
  check_output_shape(dy, g, name, "dy");
  Tensor gy = contiguous(dy);
  Tensor dx = Tensor::empty(input_shape, dy.dtype());
  PT_DISPATCH_FLOAT(dy.dtype(), name,
                    { avg_pool_grad_kernel<scalar_t>(gy.data<scalar_t>(), dx.data<scalar_t>(), g, window); });
  PT_RECORD(OpId::avg_pool2d_grad, {dy}, {dx}, attrs::Pool2dGrad{input_shape, window});
  return dx;
}

namespace {
/**
 * The filter gradient of conv `cg` from the gradient `dy` of its max pooling (argmax `arg`, geometry g), a block of
 * pooled rows at a time: the block's share of the convolution's output gradient is scattered into per-thread lines
 * and consumed there, never stored whole. Each block's partial dw is summed in block order: deterministic.
 */
template <class T>
void conv_max_pool_filter_grad_kernel(const cpu::ConvGeometry& cg, const T* x, const T* dy, const int32_t* arg,
                                      T* dw, const Geometry& g, const Pool2dWindow& wd) {
  const int64_t line = g.w * g.c, size = cg.kh * cg.kw * cg.c * cg.co;
  const PooledBlocks pb = pooled_blocks(g, wd, sizeof(T));
  std::vector<T> partial(static_cast<size_t>(pb.tasks * size));
  std::atomic<bool> bad_argmax{false};
  const bool disjoint = disjoint_windows(wd), fused_2x2 = pool_2x2(g, wd);
  const auto cols = covering_columns(g, wd);
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
  run_pooled_blocks<T>(g, wd, pb, [&](int64_t task, int64_t b, int64_t p0, int64_t p1, int64_t r0, int64_t r1,
                                      T* d) {
    T* dw_part = partial.data() + task * size;
    if (fused_2x2) {
      const int64_t at = (b * g.oh + p0) * g.ow * g.c;
      return cpu::conv2d_max_pool2x2_filter_lines(cg, x, dy + at, arg + at, b * g.oh + p0, b * g.oh + p1, dw_part);
    }
    const int64_t span = (r1 - r0) * line, shift = r0 * line;
    if (disjoint) {  // rows [r0, r1) are covered by this block's windows only
      for (int64_t iy = r0; iy < r1; ++iy) max_grad_disjoint_row(dy, arg, d + (iy - r0) * line, g, wd, cols, b, iy);
    } else {
      std::fill(d, d + span, T(0));
      scatter_block(b, p0, p1, shift, span, d);
    }
    cpu::conv2d_backward_filter_lines(cg, x, d, b * g.h + r0, b * g.h + r1, dw_part);
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
PatchLayout patch_layout(const cpu::ConvGeometry& cg) {
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
int64_t match_window(const int32_t* arg, int64_t p, const Geometry& g, const Pool2dWindow& wd,
                     const cpu::ConvGeometry& cg, const PatchLayout& pl, int32_t* origins, int32_t* pixel) {
  const int64_t C = g.c;
  int64_t y0, y1, x0, x1;
  window_range(p / g.ow, wd.sh, g.pad_top, wd.kh, g.h, y0, y1);
  window_range(p % g.ow, wd.sw, g.pad_left, wd.kw, g.w, x0, x1);
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
void pad_image(const cpu::ConvGeometry& cg, const PatchLayout& pl, const T* src, T* dst) {
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
void argmax_filter_grad_kernel(const cpu::ConvGeometry& cg, const T* x, const T* dy, const int32_t* arg, T* dw,
                               const Geometry& g, const Pool2dWindow& wd) {
  const int64_t C = cg.co, K = cg.kh * cg.kw * cg.c, P = g.oh * g.ow, window = wd.kh * wd.kw;
  const PatchLayout pl = patch_layout(cg);
  const int64_t parts = std::min(cg.n, kArgmaxFilterParts);
  std::vector<T> partial(static_cast<size_t>(parts * C * K), T(0));  // per part, transposed: [c][tap]
  std::atomic<int64_t> next{0};
  std::atomic<bool> out_of_memory{false};
  run_on_threads(parts, [&] {
    cpu::Scratch values(P * C * sizeof(T)), rows(P * C * sizeof(int32_t)), match((window + C) * sizeof(int32_t)),
        padded(pl.padded ? pl.rows * pl.pitch * cg.c * sizeof(T) : 0);
    if (!values.p || !rows.p || !match.p || (pl.padded && !padded.p)) return out_of_memory.store(true);
    T* value = static_cast<T*>(values.p);  // [c][p]: dy where c's argmax is in window p, else 0
    int32_t* row = static_cast<int32_t*>(rows.p);  // [c][p]: the patch origin of that argmax (or of the window)
    int32_t *origins = static_cast<int32_t*>(match.p), *pixel = origins + window;
    std::vector<cpu::GatheredRow<T>> sums(static_cast<size_t>(C));  // one per channel: its patch rows' sum
    for (int64_t part; (part = next.fetch_add(1, std::memory_order_relaxed)) < parts;) {
      T* dwt = partial.data() + part * C * K;
      for (int64_t b = cg.n * part / parts; b < cg.n * (part + 1) / parts; ++b) {
        const T* image = x + b * cg.h * cg.w * cg.c;
        if (pl.padded) {
          pad_image(cg, pl, image, static_cast<T*>(padded.p));
          image = static_cast<const T*>(padded.p);
        }
        for (int64_t p = 0; p < P; ++p) {
          match_window(arg + b * P * C, p, g, wd, cg, pl, origins, pixel);
          const T* gy = dy + (b * P + p) * C;
          for (int64_t c = 0; c < C; ++c) {
            value[c * P + p] = pixel[c] >= 0 ? gy[c] : T(0);
            row[c * P + p] = origins[std::max(pixel[c], 0)];
          }
        }
        for (size_t r = 0; r < pl.run_image_offset.size(); ++r) {
          for (int64_t c = 0; c < C; ++c) sums[c] = {c * P, P, dwt + c * K + pl.run_filter_offset[r]};
          cpu::gathered_rows_sums(C, sums.data(), value, row, image + pl.run_image_offset[r], cg.c, pl.run_length,
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
void argmax_input_grad_kernel(const cpu::ConvGeometry& cg, const T* w, const T* dy, const int32_t* arg, T* dx,
                              const Geometry& g, const Pool2dWindow& wd) {
  const int64_t C = cg.co, K = cg.kh * cg.kw * cg.c, P = g.oh * g.ow, window = wd.kh * wd.kw;
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
    cpu::Scratch values((P * C + cpu::kAppendSlack) * sizeof(T)), rows((P * C + cpu::kAppendSlack) * sizeof(int32_t)),
        groups(P * window * 3 * sizeof(int64_t)), match((window + C) * sizeof(int32_t)),
        padded(pl.padded ? pl.rows * pl.pitch * cg.c * sizeof(T) : 0);
    if (!values.p || !rows.p || !groups.p || !match.p || (pl.padded && !padded.p)) return out_of_memory.store(true);
    T* value = static_cast<T*>(values.p);
    int32_t* row = static_cast<int32_t*>(rows.p);
    int64_t* group = static_cast<int64_t*>(groups.p);
    int32_t *origins = static_cast<int32_t*>(match.p), *pixel = origins + window;
    std::vector<cpu::GatheredRow<T>> sums(static_cast<size_t>(P * window));
    for (int64_t b; (b = next.fetch_add(1, std::memory_order_relaxed)) < cg.n;) {
      int64_t entries = 0, n_groups = 0;
      for (int64_t p = 0; p < P; ++p) {
        const int64_t size = match_window(arg + b * P * C, p, g, wd, cg, pl, origins, pixel);
        const T* gy = dy + (b * P + p) * C;
        for (int32_t j = 0; j < size; ++j) {
          const int64_t first = entries;
          entries += cpu::append_where_equal(pixel, j, gy, static_cast<int32_t>(C), value + entries, row + entries);
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
        cpu::gathered_rows_sums(n_groups, sums.data(), value, row, wt.data() + pl.run_filter_offset[r], K,
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

/** TypeError naming `op` unless a and b share one float dtype. */
void check_float_operands(const char* op, const Tensor& a, const char* a_name, const Tensor& b, const char* b_name) {
  if (!is_floating(a.dtype())) throw_dtype_error(op, a.dtype(), "float32 or float64");
  if (b.dtype() != a.dtype())
    throw TypeError(str_cat(op, ": ", a_name, " (", dtype_name(a.dtype()), ") and ", b_name, " (",
                            dtype_name(b.dtype()), ") must have one dtype; cast one with tf.cast"));
}

/**
 * The leading rows and columns of the input that a VALID convolution's outputs read by VALID max pooling depend
 * on: pooling drops trailing outputs no window covers (the last of 11 under 2x2), so a convolution that stores its
 * output need not compute them. The input's own shape when nothing is dropped or either padding is SAME.
 */
Shape read_input_shape(const Shape& input, const cpu::ConvGeometry& cg, const Conv2dParams& p,
                       const Pool2dWindow& wd) {
  if (p.padding != "VALID" || wd.same) return input;
  const auto needed = [](int64_t in, int64_t conv_out, int64_t k, int64_t stride, int64_t dilation, int64_t pool_k,
                         int64_t pool_s) {
    const int64_t read = ((conv_out - pool_k) / pool_s) * pool_s + pool_k;  // conv outputs the windows read
    return std::min(in, (read - 1) * stride + (k - 1) * dilation + 1);
  };
  return {input[0], needed(input[1], cg.oh, cg.kh, cg.sh, cg.dh, wd.kh, wd.sh),
          needed(input[2], cg.ow, cg.kw, cg.sw, cg.dw, wd.kw, wd.sw), input[3]};
}

/**
 * Whether convolving only the part `read` of the input that the pooling reads saves work over the whole one `cg`:
 * fewer outputs, or for Winograd fewer 4x4 tiles (the crop costs a copy of the input).
 */
bool crop_pays(const cpu::ConvGeometry& cg, const cpu::ConvGeometry& read, DType dtype) {
  if (read.oh == cg.oh && read.ow == cg.ow) return false;
  if (dtype == DType::Float32 && cpu::winograd_applies(cg)) return cpu::winograd_tiles(read) < cpu::winograd_tiles(cg);
  return true;
}

/** x's leading `shape` rows and columns (a view). */
Tensor leading_part(const Tensor& x, const Shape& shape) {
  if (x.shape() == shape) return x;
  IndexItem all, rows, cols;
  all.kind = rows.kind = cols.kind = IndexItem::Slice;
  rows.stop = shape[1], cols.stop = shape[2];
  return strided_slice(x, {all, rows, cols});
}
}  // namespace

Tensor conv2d_max_pool(const Tensor& input, const Tensor& filters, const Conv2dParams& params,
                       const Pool2dWindow& window) {
  PT_OP_SCOPE;
  const char* name = "conv2d_max_pool";
  check_float_operands(name, input, "input", filters, "filters");
  const cpu::ConvGeometry cg = conv2d_geometry(name, input.shape(), filters.shape(), params);
  const Shape conv_shape{cg.n, cg.oh, cg.ow, cg.co};  // the argmax indexes its images, as max_pool2d_with_argmax's
  const Geometry g = geometry(conv_shape, window, name);
  const bool recording =
      pt_op_scope_.should_record() && (autograd::is_tracked(input) || autograd::is_tracked(filters));
  check_arg(!recording || cg.oh * cg.ow * cg.co <= std::numeric_limits<int32_t>::max(), name,
            ": a convolution output image of shape ", shape_str(conv_shape),
            " has more than 2^31 elements, too many for int32 argmax indices");
  Tensor y, arg;
  if (cpu::conv2d_has_line_kernel(cg) && g.n * g.oh * g.ow * g.c > 0) {
    // Convolution lines pooled in cache: only the lines (2x2 pooling: the outputs) the windows read are computed.
    y = Tensor::empty({g.n, g.oh, g.ow, g.c}, input.dtype());
    arg = recording ? Tensor::empty(y.shape(), DType::Int32) : Tensor();
    PT_DISPATCH_FLOAT(input.dtype(), name, {
      const Tensor x = contiguous(input), w = contiguous(filters);
      if (recording)
        conv_max_pool_kernel<scalar_t, true>(cg, x.data<scalar_t>(), w.data<scalar_t>(), y.data<scalar_t>(),
                                             arg.data<int32_t>(), g, window);
      else
        conv_max_pool_kernel<scalar_t, false>(cg, x.data<scalar_t>(), w.data<scalar_t>(), y.data<scalar_t>(), nullptr,
                                              g, window);
    });
  } else if (input.dtype() == DType::Float32 && cpu::winograd_applies(cg) && pool_2x2(g, window) &&
             g.n * g.oh * g.ow * g.c > 0) {  // each Winograd tile's outputs pooled in cache
    y = Tensor::empty({g.n, g.oh, g.ow, g.c}, input.dtype());
    arg = recording ? Tensor::empty(y.shape(), DType::Int32) : Tensor();
    const Tensor x = contiguous(input), w = contiguous(filters);
    cpu::winograd_conv3x3_max_pool2x2(cg, x.data<float>(), w.data<float>(), y.data<float>(),
                                      recording ? arg.data<int32_t>() : nullptr);
  } else {  // other convolutions store their output anyway: the two ops in turn, on the part the windows read
    const Shape read_shape = read_input_shape(input.shape(), cg, params, window);
    const cpu::ConvGeometry read = conv2d_geometry(name, read_shape, filters.shape(), params);
    const bool crop = crop_pays(cg, read, input.dtype());
    std::tie(y, arg) = max_pool_forward(conv2d(crop ? leading_part(input, read_shape) : input, filters, params),
                                        window, recording, cg.ow);
  }
  // Saved: the argmax into each image of the convolution's output, as max_pool2d_with_argmax's.
  PT_RECORD(OpId::conv2d_max_pool, {input, filters}, {y}, attrs::Conv2dMaxPool{params, window}, {arg});
  return y;
}

namespace {
/**
 * Whether the argmax kernels take conv `cg` under pooling `g`: a sparse pooling (see sparse_pooling), patch runs of
 * at least a vector, and padded images whose pixels int32 indexes.
 */
bool use_argmax_kernels(const cpu::ConvGeometry& cg, const Geometry& g, int64_t element_size) {
  if (!sparse_pooling(g) || g.n * g.oh * g.ow * g.c == 0) return false;
  const PatchLayout pl = patch_layout(cg);
  return pl.run_length * element_size >= 32 && pl.rows * pl.pitch <= std::numeric_limits<int32_t>::max();
}

/** Validates the gradient ops' shared arguments; returns the pooling geometry over conv `cg`'s output. */
Geometry check_pooled_gradient(const char* name, const cpu::ConvGeometry& cg, const Tensor& out_backprop,
                               const Tensor& argmax, const Pool2dWindow& window) {
  if (argmax.dtype() != DType::Int32) throw_dtype_error(name, argmax.dtype(), "int32 for argmax");
  const Geometry g = geometry({cg.n, cg.oh, cg.ow, cg.co}, window, name);
  check_output_shape(out_backprop, g, name, "out_backprop");
  check_output_shape(argmax, g, name, "argmax");
  return g;
}
}  // namespace

Tensor conv2d_max_pool_backprop_filter(const Tensor& input, const Shape& filter_sizes, const Tensor& out_backprop,
                                       const Tensor& argmax, const Conv2dParams& params, const Pool2dWindow& window) {
  PT_OP_SCOPE;
  const char* name = "conv2d_max_pool_backprop_filter";
  check_float_operands(name, input, "input", out_backprop, "out_backprop");
  const cpu::ConvGeometry cg = conv2d_geometry(name, input.shape(), filter_sizes, params);
  const Shape conv_shape{cg.n, cg.oh, cg.ow, cg.co};
  const Geometry g = check_pooled_gradient(name, cg, out_backprop, argmax, window);
  Tensor dw;
  if (cpu::conv2d_has_line_kernel(cg) && g.n * g.oh * g.ow * g.c > 0) {
    dw = Tensor::empty(filter_sizes, input.dtype());
    PT_DISPATCH_FLOAT(input.dtype(), name, {
      const Tensor x = contiguous(input), dy = contiguous(out_backprop), arg = contiguous(argmax);
      conv_max_pool_filter_grad_kernel<scalar_t>(cg, x.data<scalar_t>(), dy.data<scalar_t>(), arg.data<int32_t>(),
                                                 dw.data<scalar_t>(), g, window);
    });
  } else if (use_argmax_kernels(cg, g, input.itemsize())) {
    dw = Tensor::empty(filter_sizes, input.dtype());
    PT_DISPATCH_FLOAT(input.dtype(), name, {
      const Tensor x = contiguous(input), dy = contiguous(out_backprop), arg = contiguous(argmax);
      argmax_filter_grad_kernel<scalar_t>(cg, x.data<scalar_t>(), dy.data<scalar_t>(), arg.data<int32_t>(),
                                          dw.data<scalar_t>(), g, window);
    });
  } else {
    dw = conv2d_backprop_filter(input, filter_sizes, max_pool2d_grad(out_backprop, argmax, conv_shape, window), params);
  }
  PT_RECORD(OpId::conv2d_max_pool_backprop_filter, {input, out_backprop, argmax}, {dw},
            attrs::Conv2dMaxPoolBackprop{filter_sizes, params, window});
  return dw;
}

Tensor conv2d_max_pool_backprop_input(const Shape& input_sizes, const Tensor& filters, const Tensor& out_backprop,
                                      const Tensor& argmax, const Conv2dParams& params, const Pool2dWindow& window) {
  PT_OP_SCOPE;
  const char* name = "conv2d_max_pool_backprop_input";
  check_float_operands(name, filters, "filters", out_backprop, "out_backprop");
  const cpu::ConvGeometry cg = conv2d_geometry(name, input_sizes, filters.shape(), params);
  const Shape conv_shape{cg.n, cg.oh, cg.ow, cg.co};
  const Geometry g = check_pooled_gradient(name, cg, out_backprop, argmax, window);
  Tensor dx;
  if (use_argmax_kernels(cg, g, filters.itemsize())) {
    dx = Tensor::empty(input_sizes, filters.dtype());
    PT_DISPATCH_FLOAT(filters.dtype(), name, {
      const Tensor w = contiguous(filters), dy = contiguous(out_backprop), arg = contiguous(argmax);
      argmax_input_grad_kernel<scalar_t>(cg, w.data<scalar_t>(), dy.data<scalar_t>(), arg.data<int32_t>(),
                                         dx.data<scalar_t>(), g, window);
    });
  } else {
    dx = conv2d_backprop_input(input_sizes, filters, max_pool2d_grad(out_backprop, argmax, conv_shape, window), params);
  }
  PT_RECORD(OpId::conv2d_max_pool_backprop_input, {filters, out_backprop, argmax}, {dx},
            attrs::Conv2dMaxPoolBackprop{input_sizes, params, window});
  return dx;
}

// ---- gradients -------------------------------------------------------------------------
namespace {

using Grads = std::vector<Tensor>;

/** The transpose of max_pool2d_grad in dy: `g` (of the pooled input's shape `in`) read at each argmax position. */
Tensor gather_at_argmax(const Tensor& g, const Tensor& arg, const Shape& in) {
  Tensor flat = reshape(g, {in[0], in[1] * in[2] * in[3]});
  return reshape(gather(flat, reshape(arg, {in[0], -1}), 1, 1), arg.shape());
}

/** The shape of the convolution a conv2d_max_pool_backprop_* node pools (its argmax indexes those images). */
Shape pooled_conv_shape(const autograd::Node& n) {
  const auto& a = n.attr<attrs::Conv2dMaxPoolBackprop>();
  const bool filter = n.op == OpId::conv2d_max_pool_backprop_filter;
  const cpu::ConvGeometry cg = conv2d_geometry(op_def(n.op).name, filter ? n.inputs[0].shape() : a.sizes,
                                               filter ? a.sizes : n.inputs[0].shape(), a.params);
  return {cg.n, cg.oh, cg.ow, cg.co};
}

Grads grad_conv2d_max_pool(const autograd::Node& n, const Grads& gs) {
  const auto& [params, window] = n.attr<attrs::Conv2dMaxPool>();
  const Tensor& argmax = n.saved[0];
  const Tensor &x = n.inputs[0], &w = n.inputs[1];
  Tensor gx, gw;
  if (n.wants(0)) gx = conv2d_max_pool_backprop_input(x.shape(), w, gs[0], argmax, params, window);
  if (n.wants(1)) gw = conv2d_max_pool_backprop_filter(x, w.shape(), gs[0], argmax, params, window);
  return {gx, gw};
}

// Both backprop ops are bilinear, B(a, dy) = conv2d's gradient of max_pool2d_grad(dy): each one's gradient in its
// first operand is the other op (<H, B_i(w, D)> = <B_f(H, D), w>), in dy the pooled conv2d read at the argmax.

Grads grad_conv2d_max_pool_backprop_filter(const autograd::Node& n, const Grads& gs) {
  const auto& a = n.attr<attrs::Conv2dMaxPoolBackprop>();
  const Tensor &x = n.inputs[0], &dy = n.inputs[1], &argmax = n.inputs[2];
  Tensor gx, gdy;
  if (n.wants(0)) gx = conv2d_max_pool_backprop_input(x.shape(), gs[0], dy, argmax, a.params, a.window);
  if (n.wants(1)) gdy = gather_at_argmax(conv2d(x, gs[0], a.params), argmax, pooled_conv_shape(n));
  return {gx, gdy, Tensor()};
}

Grads grad_conv2d_max_pool_backprop_input(const autograd::Node& n, const Grads& gs) {
  const auto& a = n.attr<attrs::Conv2dMaxPoolBackprop>();
  const Tensor &w = n.inputs[0], &dy = n.inputs[1], &argmax = n.inputs[2];
  Tensor gw, gdy;
  if (n.wants(0)) gw = conv2d_max_pool_backprop_filter(gs[0], w.shape(), dy, argmax, a.params, a.window);
  if (n.wants(1)) gdy = gather_at_argmax(conv2d(gs[0], w, a.params), argmax, pooled_conv_shape(n));
  return {gw, gdy, Tensor()};
}

Grads grad_max_pool2d(const autograd::Node& n, const Grads& gs) {
  return {max_pool2d_grad(gs[0], n.saved[0], n.inputs[0].shape(), n.attr<attrs::Pool2d>().window)};
}

Grads grad_avg_pool2d(const autograd::Node& n, const Grads& gs) {
  return {avg_pool2d_grad(gs[0], n.inputs[0].shape(), n.attr<attrs::Pool2d>().window)};
}

Grads grad_max_pool2d_grad(const autograd::Node& n, const Grads& gs) {
  // Linear in dy: its transpose reads the incoming gradient at the same argmax positions (a batched gather).
  return {gather_at_argmax(gs[0], n.inputs[1], n.attr<attrs::Pool2dGrad>().input_shape), Tensor()};
}

Grads grad_avg_pool2d_grad(const autograd::Node& n, const Grads& gs) {
  // avg_pool2d_grad is the transpose of the linear avg_pool2d, so its own transpose is avg_pool2d.
  return {avg_pool2d(gs[0], n.attr<attrs::Pool2dGrad>().window)};
}

const bool registered = autograd::register_gradient(OpId::max_pool2d, grad_max_pool2d) &&
                        autograd::register_gradient(OpId::avg_pool2d, grad_avg_pool2d) &&
                        autograd::register_gradient(OpId::max_pool2d_grad, grad_max_pool2d_grad) &&
                        autograd::register_gradient(OpId::avg_pool2d_grad, grad_avg_pool2d_grad) &&
                        autograd::register_gradient(OpId::conv2d_max_pool, grad_conv2d_max_pool) &&
                        autograd::register_gradient(OpId::conv2d_max_pool_backprop_filter,
                                                    grad_conv2d_max_pool_backprop_filter) &&
                        autograd::register_gradient(OpId::conv2d_max_pool_backprop_input,
                                                    grad_conv2d_max_pool_backprop_input);

}  // namespace
}  // namespace pt::ops
