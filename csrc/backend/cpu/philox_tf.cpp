// CPU kernels of the philox_* ops: TensorFlow's Philox random streams (a key and a 128-bit counter), its mapping of
// 32-bit words to numbers and its distributions, bit for bit (TF's lib/random/random_distributions.h). Output i of
// a fixed-count distribution comes from block i / k of the stream (k outputs a block), so tiles of blocks fill in
// parallel and the numbers never depend on the thread count.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "../../core/parallel.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "../philox.h"
#include "register.h"

namespace pt::cpu {

namespace {

using backend::bits64;
using backend::Philox4x32;
using backend::PhiloxCounter;
using backend::PhiloxStream;

/** Blocks per tile: a tile's words and values stay in L1. */
constexpr int kTileBlocks = 256;
/** Blocks per parallel chunk: 4096 float32 outputs, where threads start to pay off. */
constexpr int64_t kGrainBlocks = 1024;

/** The words of a tile of blocks, structure-of-arrays: word w of block j at [w][j]. */
using TileWords = uint32_t[4][kTileBlocks];

PhiloxStream stream_of(const PhiloxCounter& c) { return PhiloxStream(c.key, c.counter_lo, c.counter_hi); }

/** TF's Uint32ToFloat: the low 23 bits as the mantissa of a float in [1, 2), minus 1. */
inline float tf_float(uint32_t x) {
  const uint32_t bits = (x & 0x7FFFFFu) | 0x3F800000u;
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f - 1.0f;
}

/** TF's Uint64ToDouble: the low 20 bits of `hi` and `lo` as the mantissa of a double in [1, 2), minus 1. */
inline double tf_double(uint32_t hi, uint32_t lo) {
  const uint64_t bits = (static_cast<uint64_t>(hi & 0xFFFFFu) << 32) | lo | (uint64_t{1023} << 52);
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d - 1.0;
}

/**
 * TF's BoxMullerFloat: sin and cos of a float angle times a float radius. Each step as TF's C++ computes it (the
 * angle in double, since M_PI is one, then rounded) with libm's logf and sincosf, as TF's kernel calls them.
 */
inline void box_muller(uint32_t x0, uint32_t x1, float& f0, float& f1) {
  const float u1 = std::max(tf_float(x0), 1.0e-7f);
  const float v1 = static_cast<float>(2.0f * M_PI * tf_float(x1));
  const float u2 = std::sqrt(-2.0f * std::log(u1));
  sincosf(v1, &f0, &f1);
  f0 *= u2;
  f1 *= u2;
}

/** TF's BoxMullerDouble: two normals from four words (a uniform from each pair, the first word high). */
inline void box_muller(uint32_t x0, uint32_t x1, uint32_t x2, uint32_t x3, double& d0, double& d1) {
  const double u1 = std::max(tf_double(x0, x1), 1.0e-7);
  const double v1 = 2 * M_PI * tf_double(x2, x3);
  const double u2 = std::sqrt(-2.0 * std::log(u1));
  sincos(v1, &d0, &d1);
  d0 *= u2;
  d1 *= u2;
}

/**
 * Fills out[0, n) with K values a block in TF's order: element i is value i % K of block i / K.
 * gen(words, m, vals) writes vals[K * j + k] for the m blocks j of a tile.
 */
template <int K, class T, class Gen>
void fill_blocks(T* out, int64_t n, const PhiloxStream& stream, Gen gen) {
  const int64_t blocks = (n + K - 1) / K;
  parallel_for(blocks, kGrainBlocks, [&](int64_t b0, int64_t b1) {
    alignas(64) TileWords words;
    alignas(64) T vals[K * kTileBlocks];
    for (int64_t b = b0; b < b1; b += kTileBlocks) {
      const int m = static_cast<int>(std::min<int64_t>(kTileBlocks, b1 - b));
      stream.blocks(static_cast<uint64_t>(b), m, words);
      gen(words, m, vals);
      std::memcpy(out + b * K, vals, static_cast<size_t>(std::min<int64_t>(int64_t{m} * K, n - b * K)) * sizeof(T));
    }
  });
}

void uniform_float32(const Tensor& out, const PhiloxCounter& c, int64_t, int64_t) {
  fill_blocks<4, float>(out.data<float>(), out.numel(), stream_of(c), [](const TileWords& w, int m, float* v) {
    for (int j = 0; j < m; ++j)
      for (int k = 0; k < 4; ++k) v[4 * j + k] = tf_float(w[k][j]);
  });
}

void uniform_float64(const Tensor& out, const PhiloxCounter& c, int64_t, int64_t) {
  fill_blocks<2, double>(out.data<double>(), out.numel(), stream_of(c), [](const TileWords& w, int m, double* v) {
    for (int j = 0; j < m; ++j) {
      v[2 * j] = tf_double(w[0][j], w[1][j]);
      v[2 * j + 1] = tf_double(w[2][j], w[3][j]);
    }
  });
}

/** Every value of T: one word each (32-bit T) or two, the first low (64-bit T). */
template <class T>
void full_int(const Tensor& out, const PhiloxCounter& c, int64_t, int64_t) {
  if constexpr (sizeof(T) == 4) {
    fill_blocks<4, T>(out.data<T>(), out.numel(), stream_of(c), [](const TileWords& w, int m, T* v) {
      for (int j = 0; j < m; ++j)
        for (int k = 0; k < 4; ++k) v[4 * j + k] = static_cast<T>(w[k][j]);
    });
  } else {
    fill_blocks<2, T>(out.data<T>(), out.numel(), stream_of(c), [](const TileWords& w, int m, T* v) {
      for (int j = 0; j < m; ++j) {
        v[2 * j] = static_cast<T>(bits64(w[1][j], w[0][j]));
        v[2 * j + 1] = static_cast<T>(bits64(w[3][j], w[2][j]));
      }
    });
  }
}

/** Integers in [minval, maxval) (validated by the family): minval + (bits mod the range), wrapping, as TF's. */
template <class T>
void uniform_int(const Tensor& out, const PhiloxCounter& c, int64_t minval, int64_t maxval) {
  using U = std::make_unsigned_t<T>;
  const U lo = static_cast<U>(minval), range = static_cast<U>(static_cast<U>(maxval) - lo);
  if constexpr (sizeof(T) == 4) {
    fill_blocks<4, T>(out.data<T>(), out.numel(), stream_of(c), [=](const TileWords& w, int m, T* v) {
      for (int j = 0; j < m; ++j)
        for (int k = 0; k < 4; ++k) v[4 * j + k] = static_cast<T>(static_cast<U>(lo + w[k][j] % range));
    });
  } else {
    fill_blocks<2, T>(out.data<T>(), out.numel(), stream_of(c), [=](const TileWords& w, int m, T* v) {
      for (int j = 0; j < m; ++j) {
        v[2 * j] = static_cast<T>(lo + bits64(w[1][j], w[0][j]) % range);
        v[2 * j + 1] = static_cast<T>(lo + bits64(w[3][j], w[2][j]) % range);
      }
    });
  }
}

void normal_float32(const Tensor& out, const PhiloxCounter& c, int64_t, int64_t) {
  fill_blocks<4, float>(out.data<float>(), out.numel(), stream_of(c), [](const TileWords& w, int m, float* v) {
    for (int j = 0; j < m; ++j) {
      box_muller(w[0][j], w[1][j], v[4 * j], v[4 * j + 1]);
      box_muller(w[2][j], w[3][j], v[4 * j + 2], v[4 * j + 3]);
    }
  });
}

void normal_float64(const Tensor& out, const PhiloxCounter& c, int64_t, int64_t) {
  fill_blocks<2, double>(out.data<double>(), out.numel(), stream_of(c), [](const TileWords& w, int m, double* v) {
    for (int j = 0; j < m; ++j) box_muller(w[0][j], w[1][j], w[2][j], w[3][j], v[2 * j], v[2 * j + 1]);
  });
}

/**
 * TF's truncated normal: group g of G outputs (4 float32, 2 float64) takes, in order, the Box-Muller samples inside
 * (-2, 2) from block G * 64 * g of the stream on (256 words reserved per output), so that one group's rejections
 * never move another's numbers.
 */
template <class T>
void truncated_normal(const Tensor& out, const PhiloxCounter& c, int64_t, int64_t) {
  constexpr int G = std::is_same_v<T, float> ? 4 : 2;
  constexpr uint64_t kGroupBlocks = G * 64;
  const PhiloxStream stream = stream_of(c);
  T* o = out.data<T>();
  const int64_t n = out.numel(), groups = (n + G - 1) / G;
  parallel_for(groups, kGrainBlocks, [&](int64_t g0, int64_t g1) {
    for (int64_t g = g0; g < g1; ++g) {
      T kept[G];
      int count = 0;
      for (uint64_t b = static_cast<uint64_t>(g) * kGroupBlocks; count < G; ++b) {
        const Philox4x32::Block x = stream(b);
        T z[4];
        int drawn = 2;
        if constexpr (G == 4) {
          box_muller(x[0], x[1], z[0], z[1]);
          box_muller(x[2], x[3], z[2], z[3]);
          drawn = 4;
        } else {
          box_muller(x[0], x[1], x[2], x[3], z[0], z[1]);
        }
        for (int q = 0; q < drawn && count < G; ++q)
          if (std::abs(z[q]) < T(2)) kept[count++] = z[q];
      }
      std::memcpy(o + g * G, kept, static_cast<size_t>(std::min<int64_t>(G, n - g * G)) * sizeof(T));
    }
  });
}

/**
 * TF's stateless shuffle order of n = out.numel() rows: Fisher-Yates from the front, position i swapped with
 * i + word i % (n - i), word i the stream's i-th 32-bit word (n < 2^32, validated by the family). Serial: each swap
 * depends on the ones before; the words come a tile of blocks at a time.
 */
void shuffle_order(const Tensor& out, const PhiloxCounter& c, int64_t, int64_t) {
  const PhiloxStream stream = stream_of(c);
  int64_t* order = out.data<int64_t>();
  const int64_t n = out.numel();
  for (int64_t i = 0; i < n; ++i) order[i] = i;
  alignas(64) TileWords words;
  for (int64_t first = 0; first < n - 1; first += 4 * kTileBlocks) {  // words first .. first + 4 * kTileBlocks - 1
    const int m = static_cast<int>(std::min<int64_t>(kTileBlocks, (n - 1 - first + 3) / 4));
    stream.blocks(static_cast<uint64_t>(first / 4), m, words);
    const int64_t last = std::min<int64_t>(n - 1, first + 4 * int64_t{m});
    for (int64_t i = first; i < last; ++i) {
      const int64_t w = i - first;
      const int64_t j = i + static_cast<int64_t>(words[w % 4][w / 4] % static_cast<uint32_t>(n - i));
      std::swap(order[i], order[j]);
    }
  }
}

/** TF's StatelessRandomGetKeyCounter on a shape [2] seed: [counter_lo, counter_hi, key] in int64 `out`. */
template <class S>
void state_from_seed(const Tensor& seed, const Tensor& out) {
  // Signed seeds widen with their sign, as TF casts them to int64.
  using Wide = std::conditional_t<std::is_signed_v<S>, int64_t, uint64_t>;
  const S* s = seed.data<S>();
  const uint64_t s0 = static_cast<uint64_t>(static_cast<Wide>(s[0])), s1 = static_cast<uint64_t>(static_cast<Wide>(s[1]));
  const Philox4x32::Block x = Philox4x32::eval({static_cast<uint32_t>(s0), static_cast<uint32_t>(s0 >> 32),
                                                static_cast<uint32_t>(s1), static_cast<uint32_t>(s1 >> 32)},
                                               0x3EC8F720u, 0x02461E29u);  // TF's fixed seed-scrambling key
  int64_t* o = out.data<int64_t>();
  o[0] = 0;
  o[1] = static_cast<int64_t>(bits64(x[3], x[2]));
  o[2] = static_cast<int64_t>(bits64(x[1], x[0]));
}

}  // namespace

void register_philox_kernels() {
  using backend::register_kernel;
  register_kernel(OpId::philox_uniform, Device::CPU, DType::Float32, &uniform_float32);
  register_kernel(OpId::philox_uniform, Device::CPU, DType::Float64, &uniform_float64);
  register_kernel(OpId::philox_uniform_full_int, Device::CPU, DType::Int32, &full_int<int32_t>);
  register_kernel(OpId::philox_uniform_full_int, Device::CPU, DType::Int64, &full_int<int64_t>);
  register_kernel(OpId::philox_uniform_full_int, Device::CPU, DType::UInt32, &full_int<uint32_t>);
  register_kernel(OpId::philox_uniform_full_int, Device::CPU, DType::UInt64, &full_int<uint64_t>);
  register_kernel(OpId::philox_uniform_int, Device::CPU, DType::Int32, &uniform_int<int32_t>);
  register_kernel(OpId::philox_uniform_int, Device::CPU, DType::Int64, &uniform_int<int64_t>);
  register_kernel(OpId::philox_normal, Device::CPU, DType::Float32, &normal_float32);
  register_kernel(OpId::philox_normal, Device::CPU, DType::Float64, &normal_float64);
  register_kernel(OpId::philox_truncated_normal, Device::CPU, DType::Float32, &truncated_normal<float>);
  register_kernel(OpId::philox_truncated_normal, Device::CPU, DType::Float64, &truncated_normal<double>);
  register_kernel(OpId::philox_shuffle_order, Device::CPU, DType::Int64, &shuffle_order);
  register_kernel(OpId::philox_state_from_seed, Device::CPU, DType::Int32, &state_from_seed<int32_t>);
  register_kernel(OpId::philox_state_from_seed, Device::CPU, DType::Int64, &state_from_seed<int64_t>);
  register_kernel(OpId::philox_state_from_seed, Device::CPU, DType::UInt32, &state_from_seed<uint32_t>);
  register_kernel(OpId::philox_state_from_seed, Device::CPU, DType::UInt64, &state_from_seed<uint64_t>);
}

}  // namespace pt::cpu
