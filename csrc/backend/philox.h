#pragma once
/**
 * Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3" (SC'11), and the conversions from its 32-bit words to numbers.
 *
 * A counter-based generator is a keyed bijection of a 128-bit counter: block b of a stream is
 * philox(counter = b, key), computed independently of every other block. A kernel therefore gets
 * element i from block i / k whatever thread handles it, so results never depend on the thread count.
 *
 * Shared by the CPU and CUDA backends (PT_HOST_DEVICE functions): a seed gives the same numbers on both devices, and
 * the CPU tests check the per-element functions the GPU kernels call.
 */
#include <array>
#include <cstdint>
#include <cstring>

#include "shared_math.h"

namespace pt::backend {

/** One Philox4x32-10 evaluation: four 32-bit words from a 128-bit counter and a 64-bit key. */
struct Philox4x32 {
  /** Four 32-bit words: a counter in, random bits out. */
  using Block = std::array<uint32_t, 4>;

  static constexpr uint32_t kMul0 = 0xD2511F53u;   // round multipliers (SC'11, table 2)
  static constexpr uint32_t kMul1 = 0xCD9E8D57u;
  static constexpr uint32_t kBump0 = 0x9E3779B9u;  // Weyl key increments: golden ratio, sqrt(3) - 1
  static constexpr uint32_t kBump1 = 0xBB67AE85u;
  static constexpr int kRounds = 10;

  /** Ten rounds of the Philox S-P network over `ctr` under key (k0, k1). */
  PT_HOST_DEVICE static inline Block eval(Block ctr, uint32_t k0, uint32_t k1) {
    for (int r = 0; r < kRounds; ++r) {
      if (r > 0) {
        k0 += kBump0;
        k1 += kBump1;
      }
      const uint64_t p0 = static_cast<uint64_t>(kMul0) * ctr[0];
      const uint64_t p1 = static_cast<uint64_t>(kMul1) * ctr[2];
      ctr = {static_cast<uint32_t>(p1 >> 32) ^ ctr[1] ^ k0, static_cast<uint32_t>(p1),
             static_cast<uint32_t>(p0 >> 32) ^ ctr[3] ^ k1, static_cast<uint32_t>(p0)};
    }
    return ctr;
  }
};

/**
 * A stream: block b is Philox4x32-10 of the 128-bit counter base + b under the 64-bit key (TF's key and counter,
 * as its stateless ops, tf.random.Generator and its stateful ops' PhiloxRandom name them).
 */
class PhiloxStream {
 public:
  /** The stream of `key` whose block 0 is the counter (counter_lo, counter_hi). */
  PT_HOST_DEVICE PhiloxStream(uint64_t key, uint64_t counter_lo, uint64_t counter_hi)
      : k0_(static_cast<uint32_t>(key)), k1_(static_cast<uint32_t>(key >> 32)), lo_(counter_lo), hi_(counter_hi) {}

  /** Block `index` of the stream: four fresh 32-bit words. */
  PT_HOST_DEVICE Philox4x32::Block operator()(uint64_t index) const {
    const uint64_t lo = lo_ + index, hi = hi_ + (lo < lo_);  // a 128-bit add: the low word's wrap carries
    return Philox4x32::eval({static_cast<uint32_t>(lo), static_cast<uint32_t>(lo >> 32), static_cast<uint32_t>(hi),
                             static_cast<uint32_t>(hi >> 32)},
                            k0_, k1_);
  }

  /**
   * Blocks first .. first + n - 1 (n <= N) in structure-of-arrays form, word w of block first + j in
   * out[w][j]: the same numbers as operator(), but the rounds run across blocks and vectorize.
   */
  template <int N> void blocks(uint64_t first, int n, uint32_t (&out)[4][N]) const {
    uint32_t* c0 = out[0];
    uint32_t* c1 = out[1];
    uint32_t* c2 = out[2];
    uint32_t* c3 = out[3];
    for (int j = 0; j < n; ++j) {
      const uint64_t lo = lo_ + first + static_cast<uint64_t>(j), hi = hi_ + (lo < lo_);
      c0[j] = static_cast<uint32_t>(lo);
      c1[j] = static_cast<uint32_t>(lo >> 32);
      c2[j] = static_cast<uint32_t>(hi);
      c3[j] = static_cast<uint32_t>(hi >> 32);
    }
    uint32_t k0 = k0_, k1 = k1_;
    for (int r = 0; r < Philox4x32::kRounds; ++r) {
      if (r > 0) {
        k0 += Philox4x32::kBump0;
        k1 += Philox4x32::kBump1;
      }
      for (int j = 0; j < n; ++j) {
        const uint64_t p0 = static_cast<uint64_t>(Philox4x32::kMul0) * c0[j];
        const uint64_t p1 = static_cast<uint64_t>(Philox4x32::kMul1) * c2[j];
        const uint32_t n0 = static_cast<uint32_t>(p1 >> 32) ^ c1[j] ^ k0;
        const uint32_t n2 = static_cast<uint32_t>(p0 >> 32) ^ c3[j] ^ k1;
        c1[j] = static_cast<uint32_t>(p1);
        c3[j] = static_cast<uint32_t>(p0);
        c0[j] = n0;
        c2[j] = n2;
      }
    }
  }

 private:
  uint32_t k0_, k1_;
  uint64_t lo_, hi_;
};

/** 64 random bits from two words. */
PT_HOST_DEVICE inline uint64_t bits64(uint32_t hi, uint32_t lo) { return (static_cast<uint64_t>(hi) << 32) | lo; }

/** TF's Uint32ToFloat: the low 23 bits as the mantissa of a float in [1, 2), minus 1. */
PT_HOST_DEVICE inline float tf_float(uint32_t x) {
  const uint32_t bits = (x & 0x7FFFFFu) | 0x3F800000u;
  float f;
  memcpy(&f, &bits, sizeof f);
  return f - 1.0f;
}

/** TF's Uint64ToDouble: the low 20 bits of `hi` and `lo` as the mantissa of a double in [1, 2), minus 1. */
PT_HOST_DEVICE inline double tf_double(uint32_t hi, uint32_t lo) {
  const uint64_t bits = (static_cast<uint64_t>(hi & 0xFFFFFu) << 32) | lo | (uint64_t{1023} << 52);
  double d;
  memcpy(&d, &bits, sizeof d);
  return d - 1.0;
}

/** Element `e` of TF's unit uniforms (RandomUniform) in [0, 1): float32 word e % 4 of block e / 4. */
PT_HOST_DEVICE inline float unit_uniform_element(const PhiloxStream& stream, int64_t e, float) {
  return tf_float(stream(static_cast<uint64_t>(e / 4))[e % 4]);
}
/** Element `e` of TF's float64 unit uniforms: words 2k and 2k + 1 (k = e % 2) of block e / 2. */
PT_HOST_DEVICE inline double unit_uniform_element(const PhiloxStream& stream, int64_t e, double) {
  const Philox4x32::Block w = stream(static_cast<uint64_t>(e / 2));
  return tf_double(w[2 * (e % 2)], w[2 * (e % 2) + 1]);
}

}  // namespace pt::backend
