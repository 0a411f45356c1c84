// Random family: Philox4x32-10 streams turned into normal, uniform, truncated normal, categorical
// samples and shuffles. Element i of an output depends only on (seed, counter, i), never on threads.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "../backend/cpu/philox.h"
#include "../core/parallel.h"
#include "../autograd/tape.h"
#include "ops.h"

namespace pt::ops {

using cpu::PhiloxStream;

namespace {

// Each op draws from its own part of the counter space (top byte of the stream number), so two
// different ops given the same (seed, counter) still get independent numbers.
enum class StreamTag : uint64_t { Normal = 1, Uniform = 2, Truncated = 3, TruncatedRedraw = 4, Categorical = 5, Shuffle = 6 };

PhiloxStream stream_for(RandomSeed s, StreamTag tag) {
  return PhiloxStream(s.seed, s.counter ^ (static_cast<uint64_t>(tag) << 56));
}

// Random kernels cost ~10x a copy per element, so threads pay off at smaller sizes than for element-wise maps.
constexpr int64_t kRandomGrain = 4096;

/** Blocks per tile: one tile's words and values stay in L1 (4 KiB + 8 KiB). */
constexpr int kTileBlocks = 256;

/** The words of a tile of blocks, structure-of-arrays (word w of block j at w[w][j]), cache-line aligned. */
struct alignas(64) TileWords {
  uint32_t w[4][kTileBlocks];
};

/**
 * Fills out[0, n) from tiles of kTileBlocks blocks that each yield K values per block. Tile t holds
 * elements [t*K*kTileBlocks, (t+1)*K*kTileBlocks); its element k*kTileBlocks + j is value k of block
 * t*kTileBlocks + j, so values of one kind lie contiguously and the math vectorizes. Chunks may cut a
 * tile (its blocks are then recomputed), so element i depends on i alone, never on the thread count.
 *
 * gen(words, m, t0, vals) writes vals[k*kTileBlocks + j] for k < K and j < m; t0 is the tile's first
 * element. m is a multiple of 16, so every lane goes through the same SIMD code whatever the cut.
 */
template <int K, class T, class Gen>
void fill_tiles(T* out, int64_t n, const PhiloxStream& stream, Gen gen) {
  constexpr int64_t kTileElems = int64_t(K) * kTileBlocks;
  parallel_for(n, kRandomGrain, [&](int64_t begin, int64_t end) {
    TileWords words;
    alignas(64) T vals[kTileElems];
    for (int64_t t = begin / kTileElems; t * kTileElems < end; ++t) {
      const int64_t t0 = t * kTileElems, lo = std::max(begin, t0), hi = std::min(end, t0 + kTileElems);
      // Elements [t0, hi) use blocks j < hi - t0 (fewer than kTileBlocks: word 0 only).
      const int m = (static_cast<int>(std::min<int64_t>(kTileBlocks, hi - t0)) + 15) & ~15;
      stream.blocks(static_cast<uint64_t>(t) * kTileBlocks, m, words.w);
      gen(words, m, t0, vals);
      std::memcpy(out + lo, vals + (lo - t0), static_cast<size_t>(hi - lo) * sizeof(T));
    }
  });
}

/**
 * sin and cos of 2*pi*u for u in [0, 1): with q = round(4u), x = (4u - q) * pi/2 lies in [-pi/4, pi/4]
 * (4u - q is exact) and Taylor series to x^17 and x^18 leave errors below 1e-19; q rotates the result.
 */
inline void sincos_turns(double u, double& sin_out, double& cos_out) {
  const double t = 4.0 * u, q = std::nearbyint(t), x = (t - q) * (M_PI / 2), x2 = x * x;
  const double sn = x * (1 + x2 * (-1.0 / 6 + x2 * (1.0 / 120 + x2 * (-1.0 / 5040 + x2 * (1.0 / 362880 +
                    x2 * (-1.0 / 39916800 + x2 * (1.0 / 6227020800 + x2 * (-1.0 / 1307674368000.0 +
                    x2 * (1.0 / 355687428096000.0)))))))));
  const double cs = 1 + x2 * (-1.0 / 2 + x2 * (1.0 / 24 + x2 * (-1.0 / 720 + x2 * (1.0 / 40320 +
                    x2 * (-1.0 / 3628800 + x2 * (1.0 / 479001600 + x2 * (-1.0 / 87178291200.0 +
                    x2 * (1.0 / 20922789888000.0 + x2 * (-1.0 / 6402373705728000.0)))))))));
  const int quadrant = static_cast<int>(q) & 3;  // angle = quadrant * pi/2 + x
  const double s1 = (quadrant & 1) ? cs : sn, c1 = (quadrant & 1) ? sn : cs;
  sin_out = (quadrant & 2) ? -s1 : s1;
  cos_out = (quadrant == 1 || quadrant == 2) ? -c1 : c1;
}

template <class T> using AlignedArray = Eigen::Map<Eigen::Array<T, Eigen::Dynamic, 1>, Eigen::Aligned64>;

/**
 * Box-Muller over arrays: u1 in (0, 1] (overwritten) and u2 in [0, 1) give z0 = mean + stddev * r cos t and
 * z1 = mean + stddev * r sin t. The log is Eigen's vectorized one; sin/cos come from sincos_turns, 2x faster
 * than Eigen's float packets here and vectorized for double, where Eigen 3.4 has none (libm: ~40 ns a pair).
 * Every pointer is 64-byte aligned and m % 16 == 0, so all lanes take the same SIMD path.
 */
template <class T> void box_muller(T* u1, const T* u2, int m, T* z0, T* z1, T mean, T stddev) {
  AlignedArray<T> r(u1, m);
  r = (T(-2) * r.log()).sqrt() * stddev;
  for (int j = 0; j < m; ++j) {
    double sn, cs;
    sincos_turns(u2[j], sn, cs);
    z0[j] = static_cast<T>(u1[j] * cs + mean);
    z1[j] = static_cast<T>(u1[j] * sn + mean);
  }
}

/** Scalar Box-Muller (the rare per-element redraws of truncated_normal). */
template <class T> inline void box_muller_scalar(T u1, T u2, T& z0, T& z1) {
  const T r = std::sqrt(T(-2) * std::log(u1));
  const T theta = T(2 * M_PI) * u2;
  z0 = r * std::cos(theta);
  z1 = r * std::sin(theta);
}

/** Normals per block: 4 for float32 (two Box-Muller pairs from 24-bit uniforms), 2 for float64 (53-bit). */
template <class T> constexpr int normals_per_block() { return std::is_same_v<T, float> ? 4 : 2; }

/** mean + stddev * N(0, 1) for every lane of a tile (layout of fill_tiles). */
template <class T> void tile_normals(const TileWords& w, int m, T* vals, T mean, T stddev) {
  alignas(64) T u1[kTileBlocks], u2[kTileBlocks];
  if constexpr (std::is_same_v<T, float>) {
    for (int pair = 0; pair < 2; ++pair) {
      for (int j = 0; j < m; ++j) {
        u1[j] = cpu::uniform_float_open0(w.w[2 * pair][j]);
        u2[j] = cpu::uniform_float(w.w[2 * pair + 1][j]);
      }
      box_muller<float>(u1, u2, m, vals + 2 * pair * kTileBlocks, vals + (2 * pair + 1) * kTileBlocks, mean, stddev);
    }
  } else {
    for (int j = 0; j < m; ++j) {
      u1[j] = cpu::uniform_double_open0(cpu::bits64(w.w[0][j], w.w[1][j]));
      u2[j] = cpu::uniform_double(cpu::bits64(w.w[2][j], w.w[3][j]));
    }
    box_muller<double>(u1, u2, m, vals, vals + kTileBlocks, mean, stddev);
  }
}

/** Scalar normals of one block (same mapping as tile_normals within a block). */
template <class T> inline void block_normals(const cpu::Philox4x32::Block& x, T* z) {
  if constexpr (std::is_same_v<T, float>) {
    box_muller_scalar(cpu::uniform_float_open0(x[0]), cpu::uniform_float(x[1]), z[0], z[1]);
    box_muller_scalar(cpu::uniform_float_open0(x[2]), cpu::uniform_float(x[3]), z[2], z[3]);
  } else {
    box_muller_scalar(cpu::uniform_double_open0(cpu::bits64(x[0], x[1])),
                      cpu::uniform_double(cpu::bits64(x[2], x[3])), z[0], z[1]);
  }
}

}  // namespace

Tensor random_normal(const Shape& shape, double mean, double stddev, DType dtype, RandomSeed seed) {
  PT_OP_SCOPE;
  check_shape(shape, "random_normal");
  const PhiloxStream stream = stream_for(seed, StreamTag::Normal);
  Tensor out;
  PT_DISPATCH_FLOAT(dtype, "random_normal", {
    out = Tensor::empty(shape, dtype);
    const scalar_t m = static_cast<scalar_t>(mean), s = static_cast<scalar_t>(stddev);
    fill_tiles<normals_per_block<scalar_t>(), scalar_t>(
        out.data<scalar_t>(), out.numel(), stream,
        [m, s](const TileWords& w, int lanes, int64_t, scalar_t* v) { tile_normals<scalar_t>(w, lanes, v, m, s); });
  });
  PT_RECORD(OpId::random_normal, {}, {out}, attrs::RandomDist{shape, mean, stddev, dtype, seed});
  return out;
}

Tensor random_uniform(const Shape& shape, double minval, double maxval, DType dtype, RandomSeed seed) {
  PT_OP_SCOPE;
  check_shape(shape, "random_uniform");
  const PhiloxStream stream = stream_for(seed, StreamTag::Uniform);
  constexpr int NB = kTileBlocks;
  Tensor out;
  switch (dtype) {
    case DType::Float32: {
      out = Tensor::empty(shape, dtype);
      const float lo = static_cast<float>(minval), hi = static_cast<float>(maxval), width = hi - lo;
      // lo + u * width can round up to hi; keep the interval half-open as documented.
      const float top = hi > lo ? std::nextafter(hi, lo) : hi;
      fill_tiles<4, float>(out.data<float>(), out.numel(), stream, [=](const TileWords& w, int lanes, int64_t, float* v) {
        for (int k = 0; k < 4; ++k)
          for (int j = 0; j < lanes; ++j) v[k * NB + j] = std::min(lo + cpu::uniform_float(w.w[k][j]) * width, top);
      });
      break;
    }
    case DType::Float64: {
      out = Tensor::empty(shape, dtype);
      const double lo = minval, hi = maxval, width = hi - lo;
      const double top = hi > lo ? std::nextafter(hi, lo) : hi;
      fill_tiles<2, double>(out.data<double>(), out.numel(), stream, [=](const TileWords& w, int lanes, int64_t, double* v) {
        for (int k = 0; k < 2; ++k)
          for (int j = 0; j < lanes; ++j)
            v[k * NB + j] = std::min(lo + cpu::uniform_double(cpu::bits64(w.w[2 * k][j], w.w[2 * k + 1][j])) * width, top);
      });
      break;
    }
    case DType::Int32:
    case DType::Int64: {
      const bool i32 = dtype == DType::Int32;
      const double tmin = i32 ? double(INT32_MIN) : -0x1p63, tmax = i32 ? double(INT32_MAX) : 0x1p63;
      auto as_int = [](double v) {  // integers print exactly (ostream would show 2.14748e+09)
        return std::abs(v) < 0x1p63 ? std::to_string(static_cast<long long>(v)) : std::to_string(v);
      };
      check_arg(minval == std::floor(minval) && maxval == std::floor(maxval), "random_uniform: integer dtype ",
                dtype_name(dtype), " needs integer minval and maxval, got ", minval, " and ", maxval);
      check_arg(minval >= tmin && maxval <= tmax + 1, "random_uniform: minval ", as_int(minval), " or maxval ",
                as_int(maxval), " is out of range for dtype ", dtype_name(dtype));
      check_arg(minval < maxval, "random_uniform: need minval < maxval for integer dtype ", dtype_name(dtype),
                ", got minval = ", as_int(minval), " and maxval = ", as_int(maxval));
      out = Tensor::empty(shape, dtype);
      // maxval may be 2^63 for int64 (an exclusive bound), so take the width in unsigned arithmetic.
      const uint64_t lo = static_cast<uint64_t>(static_cast<int64_t>(minval));
      const uint64_t width = (maxval >= 0x1p63 ? uint64_t(1) << 63 : static_cast<uint64_t>(static_cast<int64_t>(maxval))) - lo;
      PT_DISPATCH_INT(dtype, "random_uniform", {
        fill_tiles<2, scalar_t>(out.data<scalar_t>(), out.numel(), stream,
                                [=](const TileWords& w, int lanes, int64_t, scalar_t* v) {
                                  for (int k = 0; k < 2; ++k)
                                    for (int j = 0; j < lanes; ++j)
                                      v[k * NB + j] = static_cast<scalar_t>(static_cast<int64_t>(
                                          lo + cpu::bounded64(cpu::bits64(w.w[2 * k][j], w.w[2 * k + 1][j]), width)));
                                });
      });
      break;
    }
    default:
      throw_dtype_error("random_uniform", dtype, "float32, float64, int32 or int64");
  }
  PT_RECORD(OpId::random_uniform, {}, {out}, attrs::RandomDist{shape, minval, maxval, dtype, seed});
  return out;
}

Tensor truncated_normal(const Shape& shape, double mean, double stddev, DType dtype, RandomSeed seed) {
  PT_OP_SCOPE;
  check_shape(shape, "truncated_normal");
  // First draw: the tiles of random_normal. The 4.6% outside two stddevs are redrawn from element i's own
  // blocks [i * kRedrawBlocks, (i + 1) * kRedrawBlocks) of a second stream, so the result stays a function
  // of i. Each block gives 2-4 candidates, so running out of blocks has probability < 1e-170.
  constexpr uint64_t kRedrawBlocks = 64;
  const PhiloxStream first = stream_for(seed, StreamTag::Truncated);
  const PhiloxStream redraw = stream_for(seed, StreamTag::TruncatedRedraw);
  Tensor out;
  PT_DISPATCH_FLOAT(dtype, "truncated_normal", {
    out = Tensor::empty(shape, dtype);
    const scalar_t m = static_cast<scalar_t>(mean), s = static_cast<scalar_t>(stddev);
    constexpr int K = normals_per_block<scalar_t>();
    fill_tiles<K, scalar_t>(out.data<scalar_t>(), out.numel(), first,
                            [&](const TileWords& w, int lanes, int64_t t0, scalar_t* v) {
      tile_normals<scalar_t>(w, lanes, v, scalar_t(0), scalar_t(1));
      for (int k = 0; k < K; ++k) {
        for (int j = 0; j < lanes; ++j) {
          scalar_t& z = v[k * kTileBlocks + j];
          if (!(std::abs(z) < scalar_t(2))) {
            const uint64_t i = static_cast<uint64_t>(t0 + k * kTileBlocks + j);
            z = 0;  // unreachable fallback: the mean
            for (uint64_t b = 0; b < kRedrawBlocks; ++b) {
              scalar_t c[K];
              block_normals<scalar_t>(redraw(i * kRedrawBlocks + b), c);
              int q = 0;
              while (q < K && !(std::abs(c[q]) < scalar_t(2))) ++q;
              if (q < K) {
                z = c[q];
                break;
              }
            }
          }
          z = m + s * z;
        }
      }
    });
  });
  PT_RECORD(OpId::truncated_normal, {}, {out}, attrs::RandomDist{shape, mean, stddev, dtype, seed});
  return out;
}

namespace {
Tensor categorical_draw(const Tensor& logits_in, int64_t num_samples, DType dtype, RandomSeed seed) {
  check_arg(logits_in.ndim() == 2, "categorical: logits must be 2-D (batch_size, num_classes), got shape ",
            shape_str(logits_in.shape()), "; add a batch axis with pt.expand_dims(logits, 0)");
  check_arg(num_samples >= 0, "categorical: num_samples must be >= 0, got ", num_samples);
  if (dtype != DType::Int32 && dtype != DType::Int64) throw_dtype_error("categorical", dtype, "int32 or int64");
  if (!is_floating(logits_in.dtype()))
    throw_dtype_error("categorical", logits_in.dtype(), "float32 or float64 logits; cast first with pt.cast");
  const int64_t batch = logits_in.dim(0), classes = logits_in.dim(1);
  check_arg(classes > 0 || batch == 0, "categorical: logits of shape ", shape_str(logits_in.shape()),
            " have no classes; num_classes must be positive");
  Tensor out = Tensor::empty({batch, num_samples}, dtype);
  if (out.numel() == 0) return out;
  Tensor logits = contiguous(logits_in);

  // Unnormalised CDF of softmax(row) in double: exp(l - max) accumulated; -inf logits get probability 0.
  std::vector<double> cdf(static_cast<size_t>(batch * classes));
  PT_DISPATCH_FLOAT(logits.dtype(), "categorical", {
    const scalar_t* l = logits.data<scalar_t>();
    parallel_for(batch, std::max<int64_t>(1, kElementwiseGrain / classes), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const scalar_t* row = l + r * classes;
        double* c = cdf.data() + r * classes;
        double mx = -std::numeric_limits<double>::infinity();
        for (int64_t j = 0; j < classes; ++j) mx = std::max(mx, static_cast<double>(row[j]));
        double acc = 0;
        for (int64_t j = 0; j < classes; ++j) {
          // All -inf rows (mx = -inf) and NaNs give probability 0; such rows sample class 0.
          double p = std::isfinite(mx) ? std::exp(static_cast<double>(row[j]) - mx) : 0.0;
          acc += (p == p) ? p : 0.0;
          c[j] = acc;
        }
      }
    });
  });

  // Sample (r, s) uses block r * num_samples + s: u in [0, 1), then the first class whose CDF exceeds u * total.
  const PhiloxStream stream = stream_for(seed, StreamTag::Categorical);
  PT_DISPATCH_INT(dtype, "categorical", {
    scalar_t* o = out.data<scalar_t>();
    parallel_for(out.numel(), kRandomGrain, [&](int64_t begin, int64_t end) {
      for (int64_t idx = begin; idx < end; ++idx) {
        const double* c = cdf.data() + (idx / num_samples) * classes;
        const double total = c[classes - 1];
        auto x = stream(static_cast<uint64_t>(idx));
        const double target = cpu::uniform_double(cpu::bits64(x[0], x[1])) * total;
        int64_t j = std::upper_bound(c, c + classes, target) - c;
        if (j == classes) {  // target rounded up to total: the last class with non-zero probability
          j = classes - 1;
          while (j > 0 && c[j] == c[j - 1]) --j;
        }
        o[idx] = static_cast<scalar_t>(j);
      }
    });
  });
  return out;
}

Tensor shuffle_rows(const Tensor& x_in, RandomSeed seed) {
  if (x_in.ndim() == 0 || x_in.dim(0) <= 1) return x_in;  // nothing to permute (TF returns the input too)
  const int64_t n = x_in.dim(0);
  // Fisher-Yates: swap i with j uniform in [0, i]; draw d takes 64 bits of block d / 2. Serial: O(n) draws.
  const PhiloxStream stream = stream_for(seed, StreamTag::Shuffle);
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) perm[i] = i;
  cpu::Philox4x32::Block blk{};
  for (int64_t i = n - 1, d = 0; i > 0; --i, ++d) {
    if (d % 2 == 0) blk = stream(static_cast<uint64_t>(d / 2));
    const uint64_t r = d % 2 == 0 ? cpu::bits64(blk[0], blk[1]) : cpu::bits64(blk[2], blk[3]);
    std::swap(perm[i], perm[cpu::bounded64(r, static_cast<uint64_t>(i) + 1)]);
  }
  Tensor x = contiguous(x_in);
  Tensor out = Tensor::empty(x.shape(), x.dtype());
  const size_t row_bytes = static_cast<size_t>(x.numel() / n) * x.itemsize();
  if (row_bytes == 0) return out;
  const char* src = static_cast<const char*>(x.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  const int64_t grain = std::max<int64_t>(1, static_cast<int64_t>(kElementwiseGrain * 4 / row_bytes));
  parallel_for(n, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) std::memcpy(dst + r * row_bytes, src + perm[r] * row_bytes, row_bytes);
  });
  return out;
}
}  // namespace

Tensor categorical(const Tensor& logits, int64_t num_samples, DType dtype, RandomSeed seed) {
  PT_OP_SCOPE;
  Tensor out = categorical_draw(logits, num_samples, dtype, seed);
  PT_RECORD(OpId::categorical, {logits}, {out}, attrs::Categorical{num_samples, dtype, seed});
  return out;
}

Tensor random_shuffle(const Tensor& x, RandomSeed seed) {
  PT_OP_SCOPE;
  Tensor out = shuffle_rows(x, seed);
  if (!pt_op_scope_.should_record()) return out;
  // When nothing moves the input itself comes back; a recorded node gets a new view, so its output is not its input.
  if (out.id() == x.id()) out = Tensor::view(x, x.shape(), x.strides(), x.offset());
  PT_RECORD(OpId::random_shuffle, {x}, {out}, attrs::Shuffle{seed});
  return out;
}

}  // namespace pt::ops
