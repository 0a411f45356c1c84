// CPU kernels of the philox_* ops and of the stateful random ops (random_normal, random_uniform, truncated_normal,
// categorical, random_shuffle): TensorFlow's Philox random streams (a key and a 128-bit counter), its mapping of
// 32-bit words to numbers and its distributions, bit for bit (TF's lib/random/random_distributions.h). Output i of
// a fixed-count distribution comes from block i / k of the stream (k outputs a block), so tiles of blocks fill in
// parallel and the numbers never depend on the thread count.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#include "../../core/parallel.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "../philox.h"
#include "register.h"

namespace pt::cpu {

namespace {

using backend::bits64;
using backend::tf_double;
using backend::tf_float;
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
 * TF's shuffle order of n rows (its RandomShuffle and stateless shuffle): Fisher-Yates from the front, position i
 * swapped with i + word i % (n - i), word i the stream's i-th 32-bit word (n < 2^32). Serial: each swap depends on
 * the ones before; the words come a tile of blocks at a time.
 */
void shuffle_permutation(const PhiloxStream& stream, int64_t n, int64_t* order) {
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

/** TF's stateless shuffle order of out.numel() rows (validated by the family: fewer than 2^32). */
void shuffle_order(const Tensor& out, const PhiloxCounter& c, int64_t, int64_t) {
  shuffle_permutation(stream_of(c), out.numel(), out.data<int64_t>());
}

/**
 * One output's draws in TF's samplers with a varying number of draws an output (gamma, Poisson, binomial): the
 * stream's blocks from `first` on, one a call (TF's gen.Skip(first), then gen()), and two buffers of two float64
 * values a block, uniforms and normals, handed out last first (TF's UNIFORM macro and the gamma kernel's normal
 * buffer), which share the blocks in the order they refill.
 */
class OutputDraws {
 public:
  OutputDraws(const PhiloxStream& stream, uint64_t first) : stream_(stream), next_(first) {}

  /** TF's UniformDistribution<double>: tf_double of words (0, 1), then of (2, 3). */
  double uniform() {
    if (uniforms_left_ == 0) {
      const Philox4x32::Block x = stream_(next_++);
      uniforms_[0] = tf_double(x[0], x[1]);
      uniforms_[1] = tf_double(x[2], x[3]);
      uniforms_left_ = 2;
    }
    return uniforms_[--uniforms_left_];
  }

  /** TF's NormalDistribution<double>: a Box-Muller pair of one block. */
  double normal() {
    if (normals_left_ == 0) {
      const Philox4x32::Block x = stream_(next_++);
      box_muller(x[0], x[1], x[2], x[3], normals_[0], normals_[1]);
      normals_left_ = 2;
    }
    return normals_[--normals_left_];
  }

 private:
  const PhiloxStream& stream_;
  uint64_t next_;
  double uniforms_[2], normals_[2];
  int uniforms_left_ = 0, normals_left_ = 0;
};

/** Blocks of the stream each output of the gamma, Poisson and binomial (BTRS) samplers owns, as TF's kernels. */
constexpr uint64_t kBlocksPerOutput = 256;
/** Outputs per parallel chunk of those samplers (each costs a few logarithms). */
constexpr int64_t kGrainOutputs = 256;

/** `x` in the output dtype U as TF's static_cast on x86: NaN in an integer is the dtype's lowest value. */
template <class U>
U to_output(double x) {
  if constexpr (std::is_integral_v<U>) {
    if (std::isnan(x)) return std::numeric_limits<U>::lowest();
  }
  return static_cast<U>(x);
}

/**
 * Fills `out` with a sampler's outputs, numbered as TF's samplers number them: batch-major (output i belongs to member
 * i / samples_per_member) and stored sample-major (out[sample * members + member]). make(member) builds the member's
 * sampler (its constants, computed once a member rather than once a sample: the same values); sampler(stream, i) is
 * output i, which depends on nothing else, so outputs fill in parallel.
 */
template <class U, class Make>
void fill_members(const Tensor& out, const PhiloxCounter& c, int64_t members, Make make) {
  const PhiloxStream stream = stream_of(c);
  U* o = out.data<U>();
  const int64_t n = out.numel(), per_member = members > 0 ? n / members : 0;
  parallel_for(n, kGrainOutputs, [&](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1;) {
      const int64_t member = i / per_member, end = std::min(i1, (member + 1) * per_member);
      const auto sampler = make(member);
      for (; i < end; ++i)
        o[(i % per_member) * members + member] = to_output<U>(sampler(stream, static_cast<uint64_t>(i)));
    }
  });
}

/**
 * TF's StatelessRandomGamma sampler of Gamma(alpha, 1), all in float64: Marsaglia and Tsang's squeeze and rejection
 * from output i's block 256 * i on; alpha < 1 drawn at alpha + 1 times a uniform ** (1 / alpha); alpha = 1 an
 * exponential. A NaN alpha gives NaN.
 */
struct GammaSampler {
  explicit GammaSampler(double alpha_)
      : alpha(alpha_), boost(alpha_ < 1), d(alpha_ + (boost ? 2.0 / 3 : -1.0 / 3)), c(1.0 / 3 / std::sqrt(d)) {}

  double operator()(const PhiloxStream& stream, uint64_t i) const {
    OutputDraws g(stream, kBlocksPerOutput * i);
    if (alpha == 1.0) return -std::log1p(-g.uniform());
    while (true) {
      const double x = g.normal();
      double v = 1 + c * x;
      if (v <= 0) continue;
      v = v * v * v;
      const double u = g.uniform();
      if ((u < 1 - 0.0331 * (x * x) * (x * x)) || (std::log(u) < 0.5 * x * x + d * (1 - v + std::log(v)))) {
        double res = d * v;
        if (boost) res *= std::pow(g.uniform(), 1 / alpha);
        return res;
      }
    }
  }

  double alpha;
  bool boost;
  double d, c;
};

/** Gamma(alpha, 1) samples; `alpha` (out's dtype) holds one value per batch member. */
template <class T>
void gamma(const Tensor& out, const PhiloxCounter& c, const Tensor& alpha, const Tensor&) {
  const T* a = alpha.data<T>();
  fill_members<T>(out, c, alpha.numel(), [a](int64_t m) { return GammaSampler(static_cast<double>(a[m])); });
}

/**
 * TF's Poisson sampler in float64, from output i's block 256 * i on: Knuth's product of uniforms below rate 10 (a
 * negative rate gives 0), Hormann's transformed rejection (PTRS) from there, a proposal above `highest` (the output
 * dtype's) drawn again; an infinite rate gives infinity. TF's kernel never returns for a NaN rate; here it gives NaN.
 */
struct PoissonSampler {
  PoissonSampler(double rate_, double highest_)
      : rate(rate_), highest(highest_), limit(std::exp(-rate_)), log_rate(std::log(rate_)),
        b(0.931 + 2.53 * std::sqrt(rate_)), a(-0.059 + 0.02483 * b), inv_alpha(1.1239 + 1.1328 / (b - 3.4)),
        v_r(0.9277 - 3.6224 / (b - 2)) {}

  double operator()(const PhiloxStream& stream, uint64_t i) const {
    OutputDraws g(stream, kBlocksPerOutput * i);
    if (rate < 10) {
      double prod = 1, x = 0;
      while (true) {
        prod *= g.uniform();
        if (prod <= limit) return x;
        x += 1;
      }
    }
    if (std::isinf(rate) || std::isnan(rate)) return rate;
    while (true) {
      const double u = g.uniform() - 0.5;
      const double v = g.uniform();
      const double u_shifted = 0.5 - std::abs(u);
      const double k = std::floor((2 * a / u_shifted + b) * u + rate + 0.43);
      if (k > highest) continue;
      if (u_shifted >= 0.07 && v <= v_r) return k;
      if (k < 0 || (u_shifted < 0.013 && v > u_shifted)) continue;
      const double s = std::log(v * inv_alpha / (a / (u_shifted * u_shifted) + b));
      int sign;
      const double t = -rate + k * log_rate - lgamma_r(k + 1, &sign);
      if (s <= t) return k;
    }
  }

  double rate, highest, limit, log_rate, b, a, inv_alpha, v_r;
};

/** Poisson(rate) samples in the dtype U; `rate` (float64) holds one value per batch member. */
template <class U>
void poisson(const Tensor& out, const PhiloxCounter& c, const Tensor& rate, const Tensor&) {
  const double* r = rate.data<double>();
  const double highest = static_cast<double>(std::numeric_limits<U>::max());
  fill_members<U>(out, c, rate.numel(), [=](int64_t m) {
    const PoissonSampler sampler(r[m], highest);
    // TF writes U(infinity): an integer dtype's infinity is 0 (Eigen's NumTraits)
    return [sampler](const PhiloxStream& stream, uint64_t i) {
      const double x = sampler(stream, i);
      return std::is_integral_v<U> && std::isinf(x) ? 0.0 : x;
    };
  });
}

/** log(k!) minus its Stirling approximation (TF's table below 10, its series above). */
double stirling_approx_tail(double k) {
  static constexpr double kTailValues[] = {0.0810614667953272,  0.0413406959554092,  0.0276779256849983,
                                           0.02079067210376509, 0.0166446911898211,  0.0138761288230707,
                                           0.0118967099458917,  0.0104112652619720,  0.00925546218271273,
                                           0.00833056343336287};
  if (k <= 9) return kTailValues[static_cast<int>(k)];
  const double kp1sq = (k + 1) * (k + 1);
  return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1);
}

/**
 * TF's binomial sampler of output i: 0 for count <= 0 or prob <= 0, count for prob >= 1, else of q = min(prob,
 * 1 - prob) (mirrored for prob > 0.5) by BTRS (Hormann's transformed rejection, count * q >= 10 in the parameters'
 * dtype P, from block 256 * i) or inversion (geometric waiting times, from block 42 * i); NaN for a NaN prob. TF's
 * inversion never returns for a NaN count; here it gives NaN.
 */
struct BinomialSampler {
  template <class P>
  BinomialSampler(P count_, P prob)
      : count(static_cast<double>(count_)), low(prob <= P(0.5)),
        constant(count <= 0.0 || prob <= P(0) ? 0.0 : prob >= P(1) || std::isnan(count_) ? count
                     : std::isnan(prob) ? NAN : -1.0) {
    if (constant >= 0 || std::isnan(constant)) return;
    const P qp = low ? prob : P(1) - prob;
    q = static_cast<double>(qp);
    btrs = count_ * qp >= P(10);
    stddev = std::sqrt(count * q * (1 - q));
    b = 1.15 + 2.53 * stddev;
    a = -0.0873 + 0.0248 * b + 0.01 * q;
    c = count * q + 0.5;
    v_r = 0.92 - 4.2 / b;
    r = q / (1 - q);
    alpha = (2.83 + 5.1 / b) * stddev;
    m = std::floor((count + 1) * q);
    log1p_q = std::log1p(-q);
  }

  double operator()(const PhiloxStream& stream, uint64_t i) const {
    if (constant >= 0 || std::isnan(constant)) return constant;
    const double x = btrs ? sample_btrs(OutputDraws(stream, kBlocksPerOutput * i)) : inversion(OutputDraws(stream, 42 * i));
    return low ? x : count - x;
  }

  double inversion(OutputDraws g) const {
    double geom_sum = 0;
    int num_geom = 0;
    while (true) {
      geom_sum += std::ceil(std::log(g.uniform()) / log1p_q);
      if (geom_sum > count) return num_geom;
      ++num_geom;
    }
  }

  double sample_btrs(OutputDraws g) const {
    while (true) {
      double u = g.uniform();
      double v = g.uniform();
      u = u - 0.5;
      const double us = 0.5 - std::abs(u);
      const double k = std::floor((2 * a / us + b) * u + c);
      if (us >= 0.07 && v <= v_r) return k;
      if (k < 0 || k > count) continue;
      v = std::log(v * alpha / (a / (us * us) + b));
      const double upperbound =
          ((m + 0.5) * std::log((m + 1) / (r * (count - m + 1))) +
           (count + 1) * std::log((count - m + 1) / (count - k + 1)) + (k + 0.5) * std::log(r * (count - k + 1) / (k + 1)) +
           stirling_approx_tail(m) + stirling_approx_tail(count - m) - stirling_approx_tail(k) -
           stirling_approx_tail(count - k));
      if (v <= upperbound) return k;
    }
  }

  double count;
  bool low, btrs = false;
  double constant;  // the output when it needs no draws (0, count or NaN), else -1
  double q = 0, stddev = 0, b = 0, a = 0, c = 0, v_r = 0, r = 0, alpha = 0, m = 0, log1p_q = 0;
};

/** Binomial(counts, probs) samples in the dtype U; counts and probs (one float dtype) hold one value per member. */
template <class U>
void binomial(const Tensor& out, const PhiloxCounter& c, const Tensor& counts, const Tensor& probs) {
  auto run = [&](auto tag) {
    using P = decltype(tag);
    const P* n = counts.data<P>();
    const P* p = probs.data<P>();
    fill_members<U>(out, c, counts.numel(), [n, p](int64_t m) { return BinomialSampler(n[m], p[m]); });
  };
  if (counts.dtype() == DType::Float32) run(float{});
  else run(double{});
}

/** TF's UniformDistribution<T> of one block: 4 float32 or 2 float64 values. */
template <class T>
int block_uniforms(const Philox4x32::Block& x, T* v) {
  if constexpr (std::is_same_v<T, float>) {
    for (int k = 0; k < 4; ++k) v[k] = tf_float(x[k]);
    return 4;
  } else {
    v[0] = tf_double(x[0], x[1]);
    v[1] = tf_double(x[2], x[3]);
    return 2;
  }
}

/** TF's NormalDistribution<T> of one block: 4 float32 or 2 float64 Box-Muller values. */
template <class T>
int block_normals(const Philox4x32::Block& x, T* v) {
  if constexpr (std::is_same_v<T, float>) {
    box_muller(x[0], x[1], v[0], v[1]);
    box_muller(x[2], x[3], v[2], v[3]);
    return 4;
  } else {
    box_muller(x[0], x[1], x[2], x[3], v[0], v[1]);
    return 2;
  }
}

/**
 * TF's StatelessParameterizedTruncatedNormal (TruncatedNormalFunctorV2) as it runs on one thread: the outputs in
 * TF's order (batch-major, stored sample-major) take the stream's blocks in turn, a member's samples by one of three
 * rejection samplers in T's arithmetic (normal proposals when a bound is beyond 1.3 stddevs on the mean's side,
 * uniform ones on a narrow interval, else exponential ones), the rest of a block dropped where a member ends.
 * `params` holds the members' means, stddevs, minvals and maxvals (4 x members, validated by the family). Serial:
 * where one member's draws end depends on the rejections before (TF's threads each start at a point of their own).
 */
template <class T>
void parameterized_truncated_normal(const Tensor& out, const PhiloxCounter& c, const Tensor& params, const Tensor&) {
  const PhiloxStream stream = stream_of(c);
  const int64_t members = params.dim(1), per_member = out.numel() / members;
  const T* p = params.data<T>();
  T* o = out.data<T>();
  uint64_t block = 0;
  T v[4], u[4];
  for (int64_t member = 0; member < members; ++member) {
    T mean = p[member], stddev = p[members + member], minval = p[2 * members + member], maxval = p[3 * members + member];
    if ((std::isinf(minval) && minval < T(0)) || maxval < mean) {  // make the one-sided bound the lower one
      std::swap(minval, maxval);
      stddev = -stddev;
    }
    const T norm_min = (minval - mean) / stddev, norm_max = (maxval - mean) / stddev;
    const T sqrt_factor = std::sqrt((norm_min * norm_min) + T(4));
    const T cutoff = T(2) * std::exp(T(0.5) + (norm_min * (norm_min - sqrt_factor)) / T(4)) / (norm_min + sqrt_factor);
    const T diff = norm_max - norm_min;
    T* dst = o + member;
    int64_t s = 0;
    auto put = [&](T x) {  // stores sample s; true when the member is done
      dst[s * members] = x;
      return ++s == per_member;
    };
    if (((norm_min < T(-1.3)) && (norm_max >= T(0))) || ((norm_max > T(1.3)) && (norm_min <= T(0)))) {
      while (s < per_member) {
        const int size = block_normals<T>(stream(block++), v);
        for (int i = 0; i < size; ++i)
          if (v[i] >= norm_min && v[i] <= norm_max && put(v[i] * stddev + mean)) break;
      }
    } else if (diff < cutoff) {
      const T plus_factor = (norm_min < T(0)) ? T(0) : norm_min * norm_min;
      while (s < per_member) {
        const int size = block_uniforms<T>(stream(block++), v);
        T z[4], g[4];
        for (int i = 0; i < size; ++i) {
          z[i] = v[i] * diff + norm_min;
          g[i] = (plus_factor - z[i] * z[i]) / T(2.0);
        }
        block_uniforms<T>(stream(block++), u);
        for (int i = 0; i < size; ++i)
          if (u[i] <= std::exp(g[i]) && put(z[i] * stddev + mean)) break;
      }
    } else {
      const T alpha = (norm_min + std::sqrt((norm_min * norm_min) + T(4))) / T(2);
      while (s < per_member) {
        const int size = block_uniforms<T>(stream(block++), v);
        for (int i = 0; i < size; i += 2) {
          const T z = -std::log(v[i]) / alpha + norm_min;
          const T x = norm_min < alpha ? alpha - z : norm_min - alpha;
          const T g = std::exp(-x * x / T(2.0));
          if (v[i + 1] <= g && z < norm_max && put(z * stddev + mean)) break;
        }
      }
    }
  }
}

/**
 * TF's multinomial samples: row b of `out` (batch x num_samples) takes the stream's 32-bit words from
 * 2 * num_samples * b on (TF's one-thread order), each sample a float64 uniform from two words times the row's
 * unnormalised cumulative probabilities exp(logit - the row's finite maximum) (non-finite logits add nothing), the
 * first class whose sum exceeds it. Rows fill in parallel.
 */
template <class U>
void categorical(const Tensor& out, const PhiloxCounter& c, const Tensor& logits, const Tensor&) {
  const PhiloxStream stream = stream_of(c);
  const int64_t batch = logits.dim(0), classes = logits.dim(1), samples = out.dim(1);
  U* o = out.data<U>();
  auto run = [&](auto tag) {
    using T = decltype(tag);
    const T* l = logits.data<T>();
    parallel_for(batch, std::max<int64_t>(1, 4096 / std::max<int64_t>(1, samples + classes)), [&](int64_t b0, int64_t b1) {
      std::vector<double> cdf(static_cast<size_t>(classes));
      alignas(64) TileWords words;
      for (int64_t b = b0; b < b1; ++b) {
        const T* row = l + b * classes;
        T top = std::numeric_limits<T>::lowest();
        for (int64_t j = 0; j < classes; ++j)
          if (std::isfinite(row[j])) top = std::max(top, row[j]);
        double total = 0;
        for (int64_t j = 0; j < classes; ++j) {
          if (std::isfinite(row[j])) total += std::exp(static_cast<double>(row[j]) - static_cast<double>(top));
          cdf[j] = total;
        }
        // TF's SimplePhilox: the stream's words in order, a tile of blocks at a time
        const uint64_t first_word = 2 * static_cast<uint64_t>(samples) * static_cast<uint64_t>(b);
        const uint64_t last_block = (first_word + 2 * static_cast<uint64_t>(samples) - 1) / 4;
        uint64_t tile_first = 0, tile_end = 0;  // the blocks in `words`; the row reads them in increasing order
        auto word = [&](uint64_t w) {
          if (w / 4 >= tile_end) {
            tile_first = w / 4;
            tile_end = std::min<uint64_t>(tile_first + kTileBlocks, last_block + 1);
            stream.blocks(tile_first, static_cast<int>(tile_end - tile_first), words);
          }
          return words[w % 4][w / 4 - tile_first];
        };
        for (int64_t s = 0; s < samples; ++s) {
          const uint64_t w = first_word + 2 * static_cast<uint64_t>(s);
          const double to_find = tf_double(word(w), word(w + 1)) * total;
          o[b * samples + s] = static_cast<U>(std::upper_bound(cdf.begin(), cdf.end(), to_find) - cdf.begin());
        }
      }
    });
  };
  if (logits.dtype() == DType::Float32) run(float{});
  else run(double{});
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

// ---- the stateful ops: TF's kernels of RandomStandardNormal, RandomUniform(Int), TruncatedNormal, Multinomial and
// RandomShuffle, followed by tf.random's scaling (a separate multiply and add in the dtype, as TF's ops round them).

/** out = out * scale, then + shift when `shift` (TF's mul and add ops, each rounded in T). */
template <class T>
void scale_shift(const Tensor& out, T scale, T shift, bool add) {
  T* o = out.data<T>();
  parallel_for(out.numel(), kGrainBlocks * 4, [=](int64_t i0, int64_t i1) {
    for (int64_t i = i0; i < i1; ++i) {
      const T scaled = o[i] * scale;
      o[i] = add ? scaled + shift : scaled;
    }
  });
}

/** tf.random.normal: standard normals times stddev plus mean (none for 0 and 1: exact, as no draw is -0). */
template <class T, bool kTruncated>
void stateful_normal(const Tensor& out, double mean, double stddev, const backend::PhiloxKey& key) {
  if constexpr (kTruncated) truncated_normal<T>(out, backend::stateful_counter(key), 0, 0);
  else if constexpr (std::is_same_v<T, float>) normal_float32(out, backend::stateful_counter(key), 0, 0);
  else normal_float64(out, backend::stateful_counter(key), 0, 0);
  if (mean != 0 || stddev != 1) scale_shift<T>(out, static_cast<T>(stddev), static_cast<T>(mean), true);
}

/** tf.random.uniform of a float dtype: u * maxval for minval 0, else u * (maxval - minval) + minval, in T. */
template <class T>
void stateful_uniform(const Tensor& out, double minval, double maxval, const backend::PhiloxKey& key) {
  if constexpr (std::is_same_v<T, float>) uniform_float32(out, backend::stateful_counter(key), 0, 0);
  else uniform_float64(out, backend::stateful_counter(key), 0, 0);
  const T lo = static_cast<T>(minval), hi = static_cast<T>(maxval);
  if (lo != T(0)) scale_shift<T>(out, hi - lo, lo, true);
  else if (hi != T(1)) scale_shift<T>(out, hi, T(0), false);
}

/** tf.random.uniform of an integer dtype: minval + bits mod (maxval - minval) (bounds validated by the family). */
template <class T>
void stateful_uniform_int(const Tensor& out, double minval, double maxval, const backend::PhiloxKey& key) {
  // maxval may be 2^63 for int64 (an exclusive bound): it wraps to the range's unsigned width, as TF's does
  const int64_t hi = maxval >= 0x1p63 ? std::numeric_limits<int64_t>::min() : static_cast<int64_t>(maxval);
  uniform_int<T>(out, backend::stateful_counter(key), static_cast<int64_t>(minval), hi);
}

/** tf.random.categorical: TF's multinomial samples of the dense 2-D `logits` into `out` (int32 or int64). */
template <class T>
void stateful_categorical(const Tensor& logits, int64_t, const backend::PhiloxKey& key, const Tensor& out) {
  if (out.dtype() == DType::Int32) categorical<int32_t>(out, backend::stateful_counter(key), logits, Tensor{});
  else categorical<int64_t>(out, backend::stateful_counter(key), logits, Tensor{});
}

/** tf.random.shuffle: the rows of `x` (first dim >= 2) in TF's shuffle order. */
void stateful_shuffle(const Tensor& x, const backend::PhiloxKey& key, const Tensor& out) {
  const int64_t n = x.dim(0);
  std::vector<int64_t> order(static_cast<size_t>(n));
  shuffle_permutation(stream_of(backend::stateful_counter(key)), n, order.data());
  const size_t row_bytes = static_cast<size_t>(x.numel() / n) * x.itemsize();
  const char* src = static_cast<const char*>(x.raw_data());
  char* dst = static_cast<char*>(out.raw_data());
  const int64_t grain = std::max<int64_t>(1, static_cast<int64_t>(kElementwiseGrain * 4 / std::max<size_t>(1, row_bytes)));
  parallel_for(n, grain, [&](int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; ++r) std::memcpy(dst + r * row_bytes, src + order[r] * row_bytes, row_bytes);
  });
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
  register_kernel(OpId::philox_gamma, Device::CPU, DType::Float32, &gamma<float>);
  register_kernel(OpId::philox_gamma, Device::CPU, DType::Float64, &gamma<double>);
  register_kernel(OpId::random_gamma, Device::CPU, DType::Float32, &gamma<float>);
  register_kernel(OpId::random_gamma, Device::CPU, DType::Float64, &gamma<double>);
  register_kernel(OpId::philox_poisson, Device::CPU, DType::Int32, &poisson<int32_t>);
  register_kernel(OpId::philox_poisson, Device::CPU, DType::Int64, &poisson<int64_t>);
  register_kernel(OpId::philox_poisson, Device::CPU, DType::Float32, &poisson<float>);
  register_kernel(OpId::philox_poisson, Device::CPU, DType::Float64, &poisson<double>);
  register_kernel(OpId::random_poisson, Device::CPU, DType::Int32, &poisson<int32_t>);
  register_kernel(OpId::random_poisson, Device::CPU, DType::Int64, &poisson<int64_t>);
  register_kernel(OpId::random_poisson, Device::CPU, DType::Float32, &poisson<float>);
  register_kernel(OpId::random_poisson, Device::CPU, DType::Float64, &poisson<double>);
  register_kernel(OpId::philox_binomial, Device::CPU, DType::Int32, &binomial<int32_t>);
  register_kernel(OpId::philox_binomial, Device::CPU, DType::Int64, &binomial<int64_t>);
  register_kernel(OpId::philox_binomial, Device::CPU, DType::Float32, &binomial<float>);
  register_kernel(OpId::philox_binomial, Device::CPU, DType::Float64, &binomial<double>);
  register_kernel(OpId::philox_parameterized_truncated_normal, Device::CPU, DType::Float32,
                  &parameterized_truncated_normal<float>);
  register_kernel(OpId::philox_parameterized_truncated_normal, Device::CPU, DType::Float64,
                  &parameterized_truncated_normal<double>);
  register_kernel(OpId::philox_categorical, Device::CPU, DType::Int32, &categorical<int32_t>);
  register_kernel(OpId::philox_categorical, Device::CPU, DType::Int64, &categorical<int64_t>);
  register_kernel(OpId::philox_state_from_seed, Device::CPU, DType::Int32, &state_from_seed<int32_t>);
  register_kernel(OpId::philox_state_from_seed, Device::CPU, DType::Int64, &state_from_seed<int64_t>);
  register_kernel(OpId::philox_state_from_seed, Device::CPU, DType::UInt32, &state_from_seed<uint32_t>);
  register_kernel(OpId::philox_state_from_seed, Device::CPU, DType::UInt64, &state_from_seed<uint64_t>);
  register_kernel(OpId::random_normal, Device::CPU, DType::Float32, &stateful_normal<float, false>);
  register_kernel(OpId::random_normal, Device::CPU, DType::Float64, &stateful_normal<double, false>);
  register_kernel(OpId::truncated_normal, Device::CPU, DType::Float32, &stateful_normal<float, true>);
  register_kernel(OpId::truncated_normal, Device::CPU, DType::Float64, &stateful_normal<double, true>);
  register_kernel(OpId::random_uniform, Device::CPU, DType::Float32, &stateful_uniform<float>);
  register_kernel(OpId::random_uniform, Device::CPU, DType::Float64, &stateful_uniform<double>);
  register_kernel(OpId::random_uniform, Device::CPU, DType::Int32, &stateful_uniform_int<int32_t>);
  register_kernel(OpId::random_uniform, Device::CPU, DType::Int64, &stateful_uniform_int<int64_t>);
  register_kernel(OpId::categorical, Device::CPU, DType::Float32, &stateful_categorical<float>);
  register_kernel(OpId::categorical, Device::CPU, DType::Float64, &stateful_categorical<double>);
  backend::register_each(backend::AllTypes{}, OpId::random_shuffle, Device::CPU, [](auto) { return &stateful_shuffle; });
}

}  // namespace pt::cpu
