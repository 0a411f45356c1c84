#pragma once
/**
 * Deterministic strided reductions. Every reduction tree (leaf blocks, pairwise merges,
 * parallel chunks) is a function of the shape and strides only, never of the thread count,
 * so results are bitwise identical with 1 or N threads.
 *
 * Two layouts are reduced without copies (dims sorted by decreasing stride, adjacent dims merged):
 *  - inner: the innermost reduced dim is contiguous: each output reduces contiguous runs with
 *    a multi-accumulator SIMD loop, pairwise above 1024-element leaves;
 *  - outer: the innermost kept dim is contiguous: rows are folded into an output tile,
 *    vectorized along the kept dim, pairwise over rows for float sums.
 * Several reduced dims with an inner contiguous one take two passes (inner, then outer).
 * Any other layout is copied to a dense tensor by the caller first.
 */
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <atomic>
#include <memory>
#include <new>
#include <type_traits>
#include <vector>

#include "../../core/int_math.h"
#include "../../core/parallel.h"
#include "../kernels.h"

namespace pt::cpu {

/** Highest rank the reduction engine accepts (its index walkers use fixed arrays). */
using backend::kReduceMaxDims;
/** Elements of one parallel work unit; also the run length above which a run is split into units. */
constexpr int64_t kReduceChunk = int64_t(1) << 15;
/** Elements reduced by one multi-accumulator loop before pairwise merging. */
constexpr int64_t kReduceLeaf = 1024;

/** One dimension of a reduction: extent, input stride, output stride (elements). */
struct RDim {
  int64_t size;
  int64_t src;
  int64_t dst;
  bool reduced;
};

// ---- reducers -----------------------------------------------------------------------------
// A reducer folds In values into an Acc: identity(), step(acc, in), combine(acc, acc), and
// kPairwise (merge rows pairwise: float sums, where order matters for accuracy).

/** Sum (also the accumulation of mean), accumulating in Acc. */
template <class In, class Acc> struct SumReducer {
  using in_t = In;
  using acc_t = Acc;
  static constexpr bool kPairwise = std::is_floating_point_v<Acc>;
  static Acc identity() { return Acc(0); }
  static Acc step(Acc a, In v) { return wrap_add(a, static_cast<Acc>(v)); }  // integers wrap, as in TF
  static Acc combine(Acc a, Acc b) { return wrap_add(a, b); }
};

/** Product. */
template <class T> struct ProdReducer {
  using in_t = T;
  using acc_t = T;
  static constexpr bool kPairwise = false;
  static T identity() { return T(1); }
  static T step(T a, T v) { return wrap_mul(a, v); }
  static T combine(T a, T b) { return wrap_mul(a, b); }
};

/** Maximum; a NaN sticks (as TF and numpy propagate it). */
template <class T> struct MaxReducer {
  using in_t = T;
  using acc_t = T;
  static constexpr bool kPairwise = false;
  static T identity() {
    if constexpr (std::is_floating_point_v<T>) return -std::numeric_limits<T>::infinity();
    else return std::numeric_limits<T>::lowest();
  }
  static T step(T a, T v) {
    if constexpr (std::is_floating_point_v<T>) return (a >= v || a != a) ? a : v;
    else return a >= v ? a : v;
  }
  static T combine(T a, T b) { return step(a, b); }
};

/** Minimum; a NaN sticks. */
template <class T> struct MinReducer {
  using in_t = T;
  using acc_t = T;
  static constexpr bool kPairwise = false;
  static T identity() {
    if constexpr (std::is_floating_point_v<T>) return std::numeric_limits<T>::infinity();
    else return std::numeric_limits<T>::max();
  }
  static T step(T a, T v) {
    if constexpr (std::is_floating_point_v<T>) return (a <= v || a != a) ? a : v;
    else return a <= v ? a : v;
  }
  static T combine(T a, T b) { return step(a, b); }
};

/** Logical or over bool stored as bytes (0/1). */
struct AnyReducer {
  using in_t = bool;
  using acc_t = bool;
  static constexpr bool kPairwise = false;
  static bool identity() { return false; }
  static bool step(bool a, bool v) { return a | v; }
  static bool combine(bool a, bool b) { return a | b; }
};

/** Logical and over bool. */
struct AllReducer {
  using in_t = bool;
  using acc_t = bool;
  static constexpr bool kPairwise = false;
  static bool identity() { return true; }
  static bool step(bool a, bool v) { return a & v; }
  static bool combine(bool a, bool b) { return a & b; }
};

/** The reducer that merges partial results of R (used by second passes). */
template <class R> struct PartialReducer {
  using in_t = typename R::acc_t;
  using acc_t = typename R::acc_t;
  static constexpr bool kPairwise = R::kPairwise;
  static acc_t identity() { return R::identity(); }
  static acc_t step(acc_t a, acc_t v) { return R::combine(a, v); }
  static acc_t combine(acc_t a, acc_t b) { return R::combine(a, b); }
};

/** The reducer for partials of R; partials of partials use the same one (ends template recursion). */
template <class R> struct partial_of { using type = PartialReducer<R>; };
template <class R> struct partial_of<PartialReducer<R>> { using type = PartialReducer<R>; };

// ---- index walking ------------------------------------------------------------------------

/** Row-major walk over a list of dims that tracks the input and output offsets. */
class DimWalker {
 public:
  /** Walks `dims` (innermost last); `seek` must be called before use. */
  explicit DimWalker(const std::vector<RDim>& dims) : dims_(dims), nd_(static_cast<int>(dims.size())) {}

  /** Positions the walker at flat index `flat`. */
  void seek(int64_t flat) {
    src = dst = 0;
    for (int d = nd_ - 1; d >= 0; --d) {
      const RDim& r = dims_[d];
      idx_[d] = flat % r.size;
      flat /= r.size;
      src += idx_[d] * r.src;
      dst += idx_[d] * r.dst;
    }
  }
  /** Advances by one element. */
  void next() {
    for (int d = nd_ - 1; d >= 0; --d) {
      const RDim& r = dims_[d];
      src += r.src;
      dst += r.dst;
      if (++idx_[d] < r.size) return;
      src -= r.size * r.src;
      dst -= r.size * r.dst;
      idx_[d] = 0;
    }
  }

  int64_t src = 0;  // input offset (elements)
  int64_t dst = 0;  // output offset (elements)

 private:
  const std::vector<RDim>& dims_;
  int nd_;
  std::array<int64_t, kReduceMaxDims> idx_{};
};

/** Product of the sizes of `dims` (1 when empty). */
inline int64_t dims_numel(const std::vector<RDim>& dims) {
  int64_t n = 1;
  for (const RDim& d : dims) n *= d.size;
  return n;
}

// ---- contiguous runs ----------------------------------------------------------------------

/** Independent accumulators per run: enough to fill four SIMD registers (the compiler vectorizes across them). */
template <class Acc> constexpr int run_lanes() { return sizeof(Acc) >= 8 ? 16 : 32; }

/** Folds n <= kReduceLeaf contiguous values into the lanes (lane j takes elements j, j+L, ...). */
template <class R>
void fold_leaf(const typename R::in_t* p, int64_t n, typename R::acc_t* lanes) {
  using Acc = typename R::acc_t;
  constexpr int L = run_lanes<Acc>();
  Acc acc[L];
  for (int j = 0; j < L; ++j) acc[j] = R::identity();
  int64_t i = 0;
  for (; i + L <= n; i += L)
    for (int j = 0; j < L; ++j) acc[j] = R::step(acc[j], p[i + j]);
  for (int j = 0; i + j < n; ++j) acc[j] = R::step(acc[j], p[i + j]);
  for (int j = 0; j < L; ++j) lanes[j] = acc[j];
}

/** Folds a contiguous run into the lanes: leaves of kReduceLeaf merged pairwise, lane by lane. */
template <class R>
void fold_run(const typename R::in_t* p, int64_t n, typename R::acc_t* lanes) {
  using Acc = typename R::acc_t;
  constexpr int L = run_lanes<Acc>();
  if (n <= kReduceLeaf) {
    fold_leaf<R>(p, n, lanes);
    return;
  }
  const int64_t half = (n / 2 + kReduceLeaf - 1) / kReduceLeaf * kReduceLeaf;
  fold_run<R>(p, half, lanes);
  Acc right[L];
  fold_run<R>(p + half, n - half, right);
  for (int j = 0; j < L; ++j) lanes[j] = R::combine(lanes[j], right[j]);
}

/**
 * Reduces a contiguous run. Short runs fold serially; longer ones keep L lanes through a
 * pairwise tree of 1024-element leaves (rounding error grows with log n, as numpy's pairwise
 * sum) and merge the lanes pairwise at the end.
 */
template <class R>
typename R::acc_t reduce_run(const typename R::in_t* p, int64_t n) {
  using Acc = typename R::acc_t;
  constexpr int L = run_lanes<Acc>();
  if (n < L) {
    Acc a = R::identity();
    for (int64_t i = 0; i < n; ++i) a = R::step(a, p[i]);
    return a;
  }
  Acc lanes[L];
  fold_run<R>(p, n, lanes);
  for (int w = L / 2; w > 0; w /= 2)
    for (int j = 0; j < w; ++j) lanes[j] = R::combine(lanes[j], lanes[j + w]);
  return lanes[0];
}

/** Pairwise merge of n >= 1 partial results. */
template <class R>
typename R::acc_t combine_tree(const typename R::acc_t* a, int64_t n) {
  if (n == 1) return a[0];
  const int64_t h = n / 2;
  return R::combine(combine_tree<R>(a, h), combine_tree<R>(a + h, n - h));
}

/**
 * Inner layout: dst[o] = reduction of the contiguous run of n values at src + offset(o), for
 * every o over `outer` (walked with their src/dst strides). Runs longer than kReduceChunk are
 * split into fixed chunks reduced in parallel and merged pairwise.
 */
template <class R>
void reduce_inner(const typename R::in_t* src, const std::vector<RDim>& outer, int64_t n, typename R::acc_t* dst) {
  using Acc = typename R::acc_t;
  const int64_t n_out = dims_numel(outer);
  const int64_t chunks = (n + kReduceChunk - 1) / kReduceChunk;
  if (chunks <= 1) {
    parallel_for(n_out, std::max<int64_t>(1, kReduceChunk / std::max<int64_t>(n, 1)), [&](int64_t b, int64_t e) {
      DimWalker w(outer);
      w.seek(b);
      for (int64_t o = b; o < e; ++o, w.next()) dst[w.dst] = reduce_run<R>(src + w.src, n);
    });
    return;
  }
  std::unique_ptr<Acc[]> part(new Acc[static_cast<size_t>(n_out * chunks)]);
  parallel_for(n_out * chunks, 1, [&](int64_t b, int64_t e) {
    DimWalker w(outer);
    for (int64_t u = b; u < e; ++u) {
      const int64_t o = u / chunks, c = u % chunks;
      w.seek(o);
      part[u] = reduce_run<R>(src + w.src + c * kReduceChunk, std::min(kReduceChunk, n - c * kReduceChunk));
    }
  });
  parallel_for(n_out, 64, [&](int64_t b, int64_t e) {
    DimWalker w(outer);
    w.seek(b);
    for (int64_t o = b; o < e; ++o, w.next()) dst[w.dst] = combine_tree<R>(part.get() + o * chunks, chunks);
  });
}

// ---- outer layout: rows folded into a contiguous tile -------------------------------------

/** Width of an output tile in the outer layout (4 KiB of accumulators: long contiguous row reads, L1-resident). */
template <class Acc> constexpr int64_t outer_tile() { return std::max<int64_t>(64, 4096 / sizeof(Acc)); }

/** Rows folded serially at the leaves of the pairwise tree over rows (float sums in the outer layout). */
constexpr int kRowBlock = 16;

/** Folds rows [r0, r1) (offsets from `rows`) of w contiguous values at base into out[0, w), from the identity. */
template <class R>
void fold_rows_serial(const typename R::in_t* base, int64_t w, int64_t r0, int64_t r1, const std::vector<RDim>& rows,
                      typename R::acc_t* __restrict out) {
  using In = typename R::in_t;
  for (int64_t i = 0; i < w; ++i) out[i] = R::identity();
  DimWalker walk(rows);
  walk.seek(r0);
  for (int64_t r = r0; r < r1; ++r, walk.next()) {
    const In* __restrict row = base + walk.src;
    for (int64_t i = 0; i < w; ++i) out[i] = R::step(out[i], row[i]);
  }
}

/**
 * Folds rows [r0, r1) into out[0, w). Float sums merge halves pairwise down to kRowBlock-row
 * leaves, using scratch (one tile per tree level) for the right halves; exact reducers fold serially.
 */
template <class R>
void fold_rows(const typename R::in_t* base, int64_t w, int64_t r0, int64_t r1, const std::vector<RDim>& rows,
               typename R::acc_t* out, typename R::acc_t* scratch) {
  if (R::kPairwise && r1 - r0 > kRowBlock) {
    const int64_t mid = r0 + (r1 - r0) / 2;
    fold_rows<R>(base, w, r0, mid, rows, out, scratch);
    fold_rows<R>(base, w, mid, r1, rows, scratch, scratch + outer_tile<typename R::acc_t>());
    for (int64_t i = 0; i < w; ++i) out[i] = R::combine(out[i], scratch[i]);
    return;
  }
  fold_rows_serial<R>(base, w, r0, r1, rows, out);
}

/** Tiles of scratch fold_rows needs for n rows (one per level of its pairwise tree). */
inline int64_t fold_rows_levels(int64_t n) {
  int64_t levels = 1;
  while (n > kRowBlock) {
    n = n - n / 2;
    ++levels;
  }
  return levels;
}

/**
 * Outer layout: `inner` is a kept dim with src stride 1; `kept` are the other kept dims and
 * `rows` the reduced dims. When there are few output tiles, the rows are split into a fixed
 * number of chunks (a function of the shape) reduced in parallel and merged pairwise.
 */
template <class R>
void reduce_outer(const typename R::in_t* src, const RDim& inner, const std::vector<RDim>& kept,
                  const std::vector<RDim>& rows, typename R::acc_t* dst) {
  using Acc = typename R::acc_t;
  constexpr int64_t W = outer_tile<Acc>();
  const int64_t I = inner.size, tiles = (I + W - 1) / W, n_ko = dims_numel(kept), R_ = dims_numel(rows);
  const int64_t units = n_ko * tiles, wmin = std::min(I, W);
  int64_t rchunks = 1;
  if (units < 16) rchunks = std::min<int64_t>({std::max<int64_t>(1, R_ * wmin / kReduceChunk), 64, R_});
  const int64_t levels = R::kPairwise ? fold_rows_levels((R_ + rchunks - 1) / rchunks) : 0;
  auto store = [&](int64_t ko_dst, int64_t t, const Acc* buf) {
    const int64_t w = std::min(W, I - t * W);
    Acc* d = dst + ko_dst + t * W * inner.dst;
    if (inner.dst == 1) std::copy(buf, buf + w, d);
    else for (int64_t i = 0; i < w; ++i) d[i * inner.dst] = buf[i];
  };
  if (rchunks == 1) {
    std::atomic<bool> oom{false};  // allocation fails inside the parallel region are rethrown after it
    parallel_for(units, std::max<int64_t>(1, kReduceChunk / std::max<int64_t>(1, R_ * wmin)), [&](int64_t b, int64_t e) {
      std::unique_ptr<Acc[]> buf(new (std::nothrow) Acc[static_cast<size_t>(W * (1 + levels))]);
      if (!buf) {
        oom = true;
        return;
      }
      DimWalker w(kept);
      for (int64_t u = b; u < e; ++u) {
        const int64_t ko = u / tiles, t = u % tiles;
        w.seek(ko);
        fold_rows<R>(src + w.src + t * W, std::min(W, I - t * W), 0, R_, rows, buf.get(), buf.get() + W);
        store(w.dst, t, buf.get());
      }
    });
    if (oom) throw std::bad_alloc();
    return;
  }
  std::unique_ptr<Acc[]> part(new Acc[static_cast<size_t>(units * rchunks * W)]);
  std::atomic<bool> oom{false};
  parallel_for(units * rchunks, 1, [&](int64_t b, int64_t e) {
    std::unique_ptr<Acc[]> scratch(new (std::nothrow) Acc[static_cast<size_t>(W * std::max<int64_t>(levels, 1))]);
    if (!scratch) {
      oom = true;
      return;
    }
    DimWalker w(kept);
    for (int64_t v = b; v < e; ++v) {
      const int64_t u = v / rchunks, c = v % rchunks, ko = u / tiles, t = u % tiles;
      w.seek(ko);
      fold_rows<R>(src + w.src + t * W, std::min(W, I - t * W), R_ * c / rchunks, R_ * (c + 1) / rchunks, rows,
                   part.get() + v * W, scratch.get());
    }
  });
  if (oom) throw std::bad_alloc();
  DimWalker w(kept);
  for (int64_t u = 0; u < units; ++u) {
    Acc* p = part.get() + u * rchunks * W;
    const int64_t wd = std::min(W, I - (u % tiles) * W);
    for (int64_t s = 1; s < rchunks; s *= 2)  // fixed pairwise tree over the chunks
      for (int64_t c = 0; c + s < rchunks; c += 2 * s)
        for (int64_t i = 0; i < wd; ++i) p[c * W + i] = R::combine(p[c * W + i], p[(c + s) * W + i]);
    w.seek(u / tiles);
    store(w.dst, u % tiles, p);
  }
}

/**
 * The outer layout with few contiguous columns and many back-to-back rows (a bias gradient: 32 channels
 * over 86 528 positions). Row by row, each fold is too short to pay for its loop; instead g rows at a time
 * are read as one row g times as wide, reduced as such, and the g column groups folded at the end, with the
 * last rows % g rows folded on top. The grouping depends on the shape only.
 */
template <class R>
void reduce_narrow_rows(const typename R::in_t* src, const RDim& inner, int64_t rows, typename R::acc_t* dst) {
  using Acc = typename R::acc_t;
  const int64_t cols = inner.size, g = outer_tile<Acc>() / cols, wide = cols * g, wide_rows = rows / g;
  std::unique_ptr<Acc[]> partial(new Acc[static_cast<size_t>(wide)]);
  reduce_outer<R>(src, RDim{wide, 1, 1, false}, {}, {RDim{wide_rows, wide, 0, true}}, partial.get());
  for (int64_t i = 0; i < cols; ++i) {
    Acc acc = partial[i];
    for (int64_t j = 1; j < g; ++j) acc = R::combine(acc, partial[j * cols + i]);
    for (int64_t r = wide_rows * g; r < rows; ++r) acc = R::step(acc, src[r * cols + i]);
    dst[i * inner.dst] = acc;
  }
}

// ---- driver -------------------------------------------------------------------------------

/**
 * Sorts dims by decreasing |src| (innermost last; broadcast dims with stride 0 go outermost,
 * where re-reading costs nothing) and merges neighbours of the same kind that are dense together.
 */
inline std::vector<RDim> canonical_dims(std::vector<RDim> dims) {
  auto key = [](const RDim& d) { return d.src == 0 ? std::numeric_limits<int64_t>::max() : std::llabs(d.src); };
  std::stable_sort(dims.begin(), dims.end(), [&](const RDim& a, const RDim& b) { return key(a) > key(b); });
  std::vector<RDim> out;
  for (const RDim& d : dims) {
    if (!out.empty()) {
      RDim& o = out.back();
      if (o.reduced == d.reduced && o.src == d.src * d.size && (d.reduced || o.dst == d.dst * d.size)) {
        o.size *= d.size;
        o.src = d.src;
        o.dst = d.dst;
        continue;
      }
    }
    out.push_back(d);
  }
  return out;
}

/** True when canonical dims can be reduced without a copy (the innermost dim is contiguous). */
inline bool reducible_in_place(const std::vector<RDim>& dims) { return !dims.empty() && dims.back().src == 1; }

/**
 * Runs the passes of one reduction over canonical dims (reducible_in_place must hold, and at
 * least one dim must exist). dst receives Acc values at the kept dims' dst offsets.
 */
template <class R>
void reduce_dims(const typename R::in_t* src, const std::vector<RDim>& dims, typename R::acc_t* dst) {
  using Acc = typename R::acc_t;
  const RDim& last = dims.back();
  std::vector<RDim> outer(dims.begin(), dims.end() - 1);
  int64_t n_reduced_dims = 0;
  for (const RDim& d : dims) n_reduced_dims += d.reduced;
  if (!last.reduced) {
    std::vector<RDim> kept, rows;
    for (const RDim& d : outer) (d.reduced ? rows : kept).push_back(d);
    if (rows.empty()) rows.push_back(RDim{1, 0, 0, true});  // nothing left to reduce: one row
    const int64_t tile = outer_tile<Acc>();
    if (kept.empty() && rows.size() == 1 && rows[0].src == last.size && 2 * last.size <= tile &&
        rows[0].size >= 4 * (tile / last.size)) {
      reduce_narrow_rows<R>(src, last, rows[0].size, dst);
      return;
    }
    reduce_outer<R>(src, last, kept, rows, dst);
    return;
  }
  if (n_reduced_dims == 1) {
    reduce_inner<R>(src, outer, last.size, dst);
    return;
  }
  // Several reduced dims: reduce the contiguous one into a dense partial (laid out over the
  // remaining dims in this order), then reduce the partial.
  std::vector<RDim> pass = outer, next = outer;
  int64_t stride = 1;
  for (int64_t i = static_cast<int64_t>(outer.size()) - 1; i >= 0; --i) {
    pass[i].dst = stride;
    next[i].src = stride;
    stride *= outer[i].size;
  }
  std::unique_ptr<Acc[]> partial(new Acc[static_cast<size_t>(stride)]);
  reduce_inner<R>(src, pass, last.size, partial.get());
  reduce_dims<typename partial_of<R>::type>(partial.get(), canonical_dims(next), dst);
}

// ---- arg-reductions -----------------------------------------------------------------------

/** True when v should replace best in argmax (Max) / argmin: strictly better, or the first NaN. */
template <bool Max, class T> inline bool arg_better(T v, T best) {
  if constexpr (std::is_floating_point_v<T>) {
    if (Max ? (v > best) : (v < best)) return true;
    return v != v && best == best;
  } else {
    return Max ? (v > best) : (v < best);
  }
}

/** Index of the best of n >= 1 values at p with stride s (first on ties and NaN). */
template <bool Max, class T> inline int64_t arg_scan(const T* p, int64_t n, int64_t s) {
  T best = p[0];
  int64_t bi = 0;
  for (int64_t i = 1; i < n; ++i) {
    const T v = p[i * s];
    if (arg_better<Max>(v, best)) {
      best = v;
      bi = i;
    }
  }
  return bi;
}

/**
 * Arg-reduction over the single reduced dim `axis` (size >= 1). `kept` holds the other dims
 * (canonical); the contiguous case scans each run, the outer case updates a tile of running
 * bests per row. Exact, so any schedule gives the same indices.
 */
template <bool Max, class T, class Idx>
void arg_reduce_dims(const T* src, const RDim& axis, const std::vector<RDim>& kept, Idx* dst) {
  const int64_t n_out = dims_numel(kept), n = axis.size;
  if (kept.empty() || axis.src == 1 || kept.back().src != 1) {
    parallel_for(n_out, std::max<int64_t>(1, kReduceChunk / n), [&](int64_t b, int64_t e) {
      DimWalker w(kept);
      w.seek(b);
      for (int64_t o = b; o < e; ++o, w.next()) dst[w.dst] = static_cast<Idx>(arg_scan<Max>(src + w.src, n, axis.src));
    });
    return;
  }
  const RDim inner = kept.back();
  std::vector<RDim> outer(kept.begin(), kept.end() - 1);
  constexpr int64_t W = 256;
  const int64_t tiles = (inner.size + W - 1) / W, units = dims_numel(outer) * tiles;
  parallel_for(units, std::max<int64_t>(1, kReduceChunk / (n * std::min(W, inner.size))), [&](int64_t b, int64_t e) {
    T best[W];
    int64_t bi[W];
    DimWalker w(outer);
    for (int64_t u = b; u < e; ++u) {
      const int64_t t = u % tiles, wd = std::min(W, inner.size - t * W);
      w.seek(u / tiles);
      const T* base = src + w.src + t * W;
      for (int64_t i = 0; i < wd; ++i) {
        best[i] = base[i];
        bi[i] = 0;
      }
      for (int64_t r = 1; r < n; ++r) {
        const T* row = base + r * axis.src;
        for (int64_t i = 0; i < wd; ++i) {
          if (arg_better<Max>(row[i], best[i])) {
            best[i] = row[i];
            bi[i] = r;
          }
        }
      }
      Idx* d = dst + w.dst + t * W * inner.dst;
      for (int64_t i = 0; i < wd; ++i) d[i * inner.dst] = static_cast<Idx>(bi[i]);
    }
  });
}

}  // namespace pt::cpu
