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
 * as its stateless ops and tf.random.Generator name them). pytensor's own random ops use key = the op's seed and
 * base = (0, the call's stream number), so distinct calls never share a block.
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

/** A float in [0, 1) from the top 24 bits of `x` (every value exact, spacing 2^-24). */
PT_HOST_DEVICE inline float uniform_float(uint32_t x) { return static_cast<float>(x >> 8) * 0x1p-24f; }
/** A float in (0, 1], for logarithms that must not see 0. */
PT_HOST_DEVICE inline float uniform_float_open0(uint32_t x) { return static_cast<float>((x >> 8) + 1) * 0x1p-24f; }
/** 64 random bits from two words. */
PT_HOST_DEVICE inline uint64_t bits64(uint32_t hi, uint32_t lo) { return (static_cast<uint64_t>(hi) << 32) | lo; }
/** A double in [0, 1) from the top 53 bits of `x`. */
PT_HOST_DEVICE inline double uniform_double(uint64_t x) { return static_cast<double>(x >> 11) * 0x1p-53; }
/** A double in (0, 1]. */
PT_HOST_DEVICE inline double uniform_double_open0(uint64_t x) { return static_cast<double>((x >> 11) + 1) * 0x1p-53; }
/** An integer in [0, range) from 64 random bits (multiply-high: bias below range / 2^64). */
inline uint64_t bounded64(uint64_t x, uint64_t range) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(x) * range) >> 64);
}

/**
 * Each random op draws from its own part of the counter space (top byte of the stream number), so two different ops
 * given the same (seed, counter) still get independent numbers.
 */
enum class StreamTag : uint64_t {
  Normal = 1, Uniform = 2, Truncated = 3, TruncatedRedraw = 4, Categorical = 5, Shuffle = 6
};

/** The stream of an op call's key (seed, counter) for op kind `tag`. */
PT_HOST_DEVICE inline PhiloxStream stream_for(uint64_t seed, uint64_t counter, StreamTag tag) {
  return PhiloxStream(seed, 0, counter ^ (static_cast<uint64_t>(tag) << 56));
}

/**
 * Blocks per tile of the random kernels' layout: tile t of an output holding K values per block covers elements
 * [t*K*kTileBlocks, (t+1)*K*kTileBlocks), and its element k*kTileBlocks + j is value k of block t*kTileBlocks + j (so
 * the CPU's math over one kind of value vectorises). Every device lays outputs out so.
 */
constexpr int kTileBlocks = 256;

/** The block and the value within it (below K) of element `e` in the tile layout. */
template <int K> PT_HOST_DEVICE inline void tile_position(int64_t e, uint64_t& block, int& value) {
  const int64_t per_tile = int64_t(K) * kTileBlocks, t = e / per_tile, r = e % per_tile;
  block = static_cast<uint64_t>(t * kTileBlocks + r % kTileBlocks);
  value = static_cast<int>(r / kTileBlocks);
}

/** random_uniform's float32 value from word `w`: lo + u * width, at most `top` (the largest float below the upper
 *  bound: lo + u * width can round up to it). */
PT_HOST_DEVICE inline float uniform_value(uint32_t w, float lo, float width, float top) {
  const float v = lo + uniform_float(w) * width;
  return top < v ? top : v;
}
/** random_uniform's float64 value from words `hi`, `lo_word` (53 bits). */
PT_HOST_DEVICE inline double uniform_value(uint32_t hi, uint32_t lo_word, double lo, double width, double top) {
  const double v = lo + uniform_double(bits64(hi, lo_word)) * width;
  return top < v ? top : v;
}

/** Element `e` of random_uniform's float32 output from `stream` (4 values per block). */
PT_HOST_DEVICE inline float uniform_element(const PhiloxStream& stream, int64_t e, float lo, float width, float top) {
  uint64_t block;
  int k;
  tile_position<4>(e, block, k);
  return uniform_value(stream(block)[k], lo, width, top);
}
/** Element `e` of random_uniform's float64 output from `stream` (2 values per block, of two words each). */
PT_HOST_DEVICE inline double uniform_element(const PhiloxStream& stream, int64_t e, double lo, double width,
                                             double top) {
  uint64_t block;
  int k;
  tile_position<2>(e, block, k);
  const Philox4x32::Block w = stream(block);
  return uniform_value(w[2 * k], w[2 * k + 1], lo, width, top);
}

}  // namespace pt::backend
