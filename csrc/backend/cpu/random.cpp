// CPU kernels of the random family: Philox4x32-10 streams turned into normal, uniform, truncated normal,
// categorical samples and shuffles. Element i of an output depends only on (seed, counter, i), never on threads.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "../../core/parallel.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "../philox.h"
#include "register.h"

namespace pt::cpu {

namespace {

using backend::bits64;
using backend::bounded64;
using backend::FloatTypes;
using backend::Philox4x32;
using backend::PhiloxKey;
using backend::PhiloxStream;
using backend::register_each;
using backend::StreamTag;
using backend::uniform_double;
using backend::uniform_double_open0;
using backend::uniform_float;
using backend::uniform_float_open0;

PhiloxStream stream_for(const backend::PhiloxKey& s, StreamTag tag) {
  return backend::stream_for(s.seed, s.counter, tag);
}

// Random kernels cost ~10x a copy per element, so threads pay off at smaller sizes than for element-wise maps.
constexpr int64_t kRandomGrain = 4096;

/** Blocks per tile (philox.h's layout): one tile's words and values stay in L1 (4 KiB + 8 KiB). */
using backend::kTileBlocks;

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
        u1[j] = uniform_float_open0(w.w[2 * pair][j]);
        u2[j] = uniform_float(w.w[2 * pair + 1][j]);
      }
      box_muller<float>(u1, u2, m, vals + 2 * pair * kTileBlocks, vals + (2 * pair + 1) * kTileBlocks, mean, stddev);
    }
  } else {
    for (int j = 0; j < m; ++j) {
      u1[j] = uniform_double_open0(bits64(w.w[0][j], w.w[1][j]));
      u2[j] = uniform_double(bits64(w.w[2][j], w.w[3][j]));
    }
    box_muller<double>(u1, u2, m, vals, vals + kTileBlocks, mean, stddev);
  }
}

/** Scalar normals of one block (same mapping as tile_normals within a block). */
template <class T> inline void block_normals(const Philox4x32::Block& x, T* z) {
  if constexpr (std::is_same_v<T, float>) {
    box_muller_scalar(uniform_float_open0(x[0]), uniform_float(x[1]), z[0], z[1]);
    box_muller_scalar(uniform_float_open0(x[2]), uniform_float(x[3]), z[2], z[3]);
  } else {
    box_muller_scalar(uniform_double_open0(bits64(x[0], x[1])),
                      uniform_double(bits64(x[2], x[3])), z[0], z[1]);
  }
}

template <class T>
void normal(const Tensor& out, double mean, double stddev, const PhiloxKey& key) {
  const T m = static_cast<T>(mean), s = static_cast<T>(stddev);
  fill_tiles<normals_per_block<T>(), T>(
      out.data<T>(), out.numel(), stream_for(key, StreamTag::Normal),
      [m, s](const TileWords& w, int lanes, int64_t, T* v) { tile_normals<T>(w, lanes, v, m, s); });
}

void uniform_float32(const Tensor& out, double minval, double maxval, const PhiloxKey& key) {
  const PhiloxStream stream = stream_for(key, StreamTag::Uniform);
  constexpr int NB = kTileBlocks;
  const float lo = static_cast<float>(minval), hi = static_cast<float>(maxval), width = hi - lo;
  // lo + u * width can round up to hi; keep the interval half-open as documented.
  const float top = hi > lo ? std::nextafter(hi, lo) : hi;
  fill_tiles<4, float>(out.data<float>(), out.numel(), stream, [=](const TileWords& w, int lanes, int64_t, float* v) {
    for (int k = 0; k < 4; ++k)
      for (int j = 0; j < lanes; ++j) v[k * NB + j] = backend::uniform_value(w.w[k][j], lo, width, top);
  });
}

void uniform_float64(const Tensor& out, double minval, double maxval, const PhiloxKey& key) {
  const PhiloxStream stream = stream_for(key, StreamTag::Uniform);
  constexpr int NB = kTileBlocks;
  const double lo = minval, hi = maxval, width = hi - lo;
  const double top = hi > lo ? std::nextafter(hi, lo) : hi;
  fill_tiles<2, double>(out.data<double>(), out.numel(), stream, [=](const TileWords& w, int lanes, int64_t, double* v) {
    for (int k = 0; k < 2; ++k)
      for (int j = 0; j < lanes; ++j)
        v[k * NB + j] = backend::uniform_value(w.w[2 * k][j], w.w[2 * k + 1][j], lo, width, top);
  });
}

/** Integers in [minval, maxval) (validated by the family: integral, in T's range, minval < maxval). */
template <class T>
void uniform_int(const Tensor& out, double minval, double maxval, const PhiloxKey& key) {
  const PhiloxStream stream = stream_for(key, StreamTag::Uniform);
  constexpr int NB = kTileBlocks;
  // maxval may be 2^63 for int64 (an exclusive bound), so take the width in unsigned arithmetic.
  const uint64_t lo = static_cast<uint64_t>(static_cast<int64_t>(minval));
  const uint64_t width =
      (maxval >= 0x1p63 ? uint64_t(1) << 63 : static_cast<uint64_t>(static_cast<int64_t>(maxval))) - lo;
  fill_tiles<2, T>(out.data<T>(), out.numel(), stream, [=](const TileWords& w, int lanes, int64_t, T* v) {
    for (int k = 0; k < 2; ++k)
      for (int j = 0; j < lanes; ++j)
        v[k * NB + j] =
            static_cast<T>(static_cast<int64_t>(lo + bounded64(bits64(w.w[2 * k][j], w.w[2 * k + 1][j]), width)));
  });
}

template <class T>
void truncated(const Tensor& out, double mean, double stddev, const PhiloxKey& key) {
  constexpr uint64_t kRedrawBlocks = 64;
  const PhiloxStream first = stream_for(key, StreamTag::Truncated);
  const PhiloxStream redraw = stream_for(key, StreamTag::TruncatedRedraw);
  const T m = static_cast<T>(mean), s = static_cast<T>(stddev);
  constexpr int K = normals_per_block<T>();
  fill_tiles<K, T>(out.data<T>(), out.numel(), first, [&](const TileWords& w, int lanes, int64_t t0, T* v) {
    tile_normals<T>(w, lanes, v, T(0), T(1));
    for (int k = 0; k < K; ++k) {
      for (int j = 0; j < lanes; ++j) {
        T& z = v[k * kTileBlocks + j];
        if (!(std::abs(z) < T(2))) {
          const uint64_t i = static_cast<uint64_t>(t0 + k * kTileBlocks + j);
          z = 0;  // unreachable fallback: the mean
          for (uint64_t b = 0; b < kRedrawBlocks; ++b) {
            T c[K];
            block_normals<T>(redraw(i * kRedrawBlocks + b), c);
            int q = 0;
            while (q < K && !(std::abs(c[q]) < T(2))) ++q;
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
}

template <class T>
void categorical(const Tensor& logits, int64_t num_samples, const PhiloxKey& key, const Tensor& out) {
  const int64_t batch = logits.dim(0), classes = logits.dim(1);
  // Unnormalised CDF of softmax(row) in double: exp(l - max) accumulated; -inf logits get probability 0.
  std::vector<double> cdf(static_cast<size_t>(batch * classes));
  {
    const T* l = logits.data<T>();
    parallel_for(batch, std::max<int64_t>(1, kElementwiseGrain / classes), [&](int64_t r0, int64_t r1) {
      for (int64_t r = r0; r < r1; ++r) {
        const T* row = l + r * classes;
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
  }

  // Sample (r, s) uses block r * num_samples + s: u in [0, 1), then the first class whose CDF exceeds u * total.
  const PhiloxStream stream = stream_for(key, StreamTag::Categorical);
  const auto sample = [&](auto* o) {
    using I = std::remove_pointer_t<decltype(o)>;
    parallel_for(out.numel(), kRandomGrain, [&](int64_t begin, int64_t end) {
      for (int64_t idx = begin; idx < end; ++idx) {
        const double* c = cdf.data() + (idx / num_samples) * classes;
        const double total = c[classes - 1];
        auto x = stream(static_cast<uint64_t>(idx));
        const double target = uniform_double(bits64(x[0], x[1])) * total;
        int64_t j = std::upper_bound(c, c + classes, target) - c;
        if (j == classes) {  // target rounded up to total: the last class with non-zero probability
          j = classes - 1;
          while (j > 0 && c[j] == c[j - 1]) --j;
        }
        o[idx] = static_cast<I>(j);
      }
    });
  };
  if (out.dtype() == DType::Int32) sample(out.data<int32_t>());
  else sample(out.data<int64_t>());
}

void shuffle(const Tensor& x, const PhiloxKey& key, const Tensor& out) {
  const int64_t n = x.dim(0);
  // Fisher-Yates: swap i with j uniform in [0, i]; draw d takes 64 bits of block d / 2. Serial: O(n) draws.
  const PhiloxStream stream = stream_for(key, StreamTag::Shuffle);
  std::vector<int64_t> perm(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) perm[i] = i;
  Philox4x32::Block blk{};
  for (int64_t i = n - 1, d = 0; i > 0; --i, ++d) {
    if (d % 2 == 0) blk = stream(static_cast<uint64_t>(d / 2));
    const uint64_t r = d % 2 == 0 ? bits64(blk[0], blk[1]) : bits64(blk[2], blk[3]);
    std::swap(perm[i], perm[bounded64(r, static_cast<uint64_t>(i) + 1)]);
  }
  const size_t row_bytes = static_cast<size_t>(x.numel() / n) * x.itemsize();
  if (row_bytes == 0) return;
  const char* src = static_cast<const char*>(x.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  const int64_t grain = std::max<int64_t>(1, static_cast<int64_t>(kElementwiseGrain * 4 / row_bytes));
  parallel_for(n, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) std::memcpy(dst + r * row_bytes, src + perm[r] * row_bytes, row_bytes);
  });
}

}  // namespace

void register_random_kernels() {
  register_each(FloatTypes{}, OpId::random_normal, Device::CPU, [](auto tag) { return &normal<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::truncated_normal, Device::CPU, [](auto tag) { return &truncated<decltype(tag)>; });
  backend::register_kernel(OpId::random_uniform, Device::CPU, DType::Float32, &uniform_float32);
  backend::register_kernel(OpId::random_uniform, Device::CPU, DType::Float64, &uniform_float64);
  backend::register_kernel(OpId::random_uniform, Device::CPU, DType::Int32, &uniform_int<int32_t>);
  backend::register_kernel(OpId::random_uniform, Device::CPU, DType::Int64, &uniform_int<int64_t>);
  register_each(FloatTypes{}, OpId::categorical, Device::CPU, [](auto tag) { return &categorical<decltype(tag)>; });
  register_each(backend::AllTypes{}, OpId::random_shuffle, Device::CPU, [](auto) { return &shuffle; });
}

}  // namespace pt::cpu
