#pragma once
/** Portable SIMD vectors (GCC/Clang vector extensions): 256-bit AVX2 under x86-64-v3, 512-bit where the build
 *  targets AVX-512 (-DPYTENSOR_ARCH=x86-64-v4 or native). */
#include <array>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <utility>
#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

namespace pt::cpu {

/** Bytes of one vector: the widest registers the build targets. */
#ifdef __AVX512F__
inline constexpr int kVecBytes = 64;
#else
inline constexpr int kVecBytes = 32;
#endif

/** The vector type of T (float or double). */
template <class T>
struct VecOf;
template <>
struct VecOf<float> {
  typedef float type __attribute__((vector_size(kVecBytes)));
};
template <>
struct VecOf<double> {
  typedef double type __attribute__((vector_size(kVecBytes)));
};
/** A vector of T. */
template <class T>
using Vec = typename VecOf<T>::type;
/** Lanes of Vec<T>. */
template <class T>
constexpr int64_t kLanes = kVecBytes / sizeof(T);

/** int32 lanes as many as Vec<T>'s: indices that travel with a vector of values. */
template <class T>
struct IndexVecOf {
  typedef int32_t type __attribute__((vector_size(kVecBytes / sizeof(T) * sizeof(int32_t))));
};
/** An index vector alongside Vec<T>. */
template <class T>
using IndexVec = typename IndexVecOf<T>::type;

/** True when every lane of `mask` (a comparison of Vec<float>s: each lane all ones or all zeros) is set; one
 *  instruction, where testing lane by lane moves each out of the register. */
inline bool all_lanes(IndexVec<float> mask) {
#if defined(__AVX512F__)
  return _mm512_test_epi32_mask((__m512i)mask, (__m512i)mask) == 0xFFFF;
#elif defined(__AVX2__)
  return _mm256_movemask_ps((__m256)mask) == 0xFF;
#else
  for (int64_t i = 0; i < kLanes<float>; ++i)
    if (!mask[i]) return false;
  return true;
#endif
}

/** Unaligned load of kLanes<T> elements. */
template <class T>
inline Vec<T> load(const T* p) {
  Vec<T> v;
  std::memcpy(&v, p, sizeof(v));
  return v;
}

/** Unaligned store of kLanes<T> elements. */
template <class T>
inline void store(T* p, Vec<T> v) {
  std::memcpy(p, &v, sizeof(v));
}

/** A vector with every lane equal to s: s - 0 is s for every s (0 + s is not, for s = -0), so the subtraction
 *  folds away and one broadcast instruction remains. */
template <class T>
inline Vec<T> broadcast(T s) {
  return s - Vec<T>{};
}

/** The sum of v's lanes, added in a fixed order. */
template <class T>
inline T lane_sum(Vec<T> v) {
  T s = v[0];
  for (int64_t i = 1; i < kLanes<T>; ++i) s += v[i];
  return s;
}

/** For each 8-bit mask, the lanes whose bit is set, in order (then zeros): AVX2's stand-in for a compress. */
constexpr std::array<std::array<int32_t, 8>, 256> compress_lanes() {
  std::array<std::array<int32_t, 8>, 256> lanes{};
  for (int m = 0; m < 256; ++m)
    for (int b = 0, j = 0; b < 8; ++b)
      if (m >> b & 1) lanes[m][j++] = b;
  return lanes;
}
inline constexpr std::array<std::array<int32_t, 8>, 256> kCompressLanes = compress_lanes();

/** Slack, in elements, that append_where_equal may write past the entries it appends. */
inline constexpr int64_t kAppendSlack = 16;

/**
 * Appends v[i] to `value` and i to `index` for each i < n with key[i] == k, in order; returns how many. Writes up to
 * kAppendSlack elements past the last entry appended (AVX-512 compresses 16 lanes at a time, AVX2 permutes 8).
 */
template <class T>
inline int64_t append_where_equal(const int32_t* key, int32_t k, const T* v, int32_t n, T* value, int32_t* index) {
  int64_t out = 0;
  int32_t i = 0;
#ifdef __AVX512F__
  if constexpr (std::is_same_v<T, float>) {
    const __m512i wanted = _mm512_set1_epi32(k), sixteen = _mm512_set1_epi32(16);
    __m512i at = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    for (; i + 16 <= n; i += 16, at = _mm512_add_epi32(at, sixteen)) {
      const __mmask16 m = _mm512_cmpeq_epi32_mask(_mm512_loadu_si512(key + i), wanted);
      _mm512_storeu_ps(value + out, _mm512_maskz_compress_ps(m, _mm512_loadu_ps(v + i)));
      _mm512_storeu_si512(index + out, _mm512_maskz_compress_epi32(m, at));
      out += __builtin_popcount(m);
    }
  }
#elif defined(__AVX2__)
  if constexpr (std::is_same_v<T, float>) {
    const __m256i wanted = _mm256_set1_epi32(k), eight = _mm256_set1_epi32(8);
    __m256i at = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (; i + 8 <= n; i += 8, at = _mm256_add_epi32(at, eight)) {
      const __m256i hit = _mm256_cmpeq_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(key + i)), wanted);
      const int m = _mm256_movemask_ps(_mm256_castsi256_ps(hit));
      const __m256i lanes = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(kCompressLanes[m].data()));
      _mm256_storeu_ps(value + out, _mm256_permutevar8x32_ps(_mm256_loadu_ps(v + i), lanes));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(index + out), _mm256_permutevar8x32_epi32(at, lanes));
      out += __builtin_popcount(m);
    }
  }
#endif
  for (; i < n; ++i) {  // branch-free: the matches are random
    value[out] = v[i], index[out] = i;
    out += key[i] == k;
  }
  return out;
}

template <class F, int... I>
inline void with_block_size_of(int64_t n, F& f, std::integer_sequence<int, I...>) {
  (void)((n == I + 1 ? (f(std::integral_constant<int, I + 1>{}), true) : false) || ...);
}

/** Calls f(std::integral_constant<int, N>{}) for N == n, 1 <= n <= Max: a register block whose size is known at
 *  run time only, compiled for each size. One inlined chain of comparisons, not nested calls. */
template <int Max, class F>
inline void with_block_size(int64_t n, F&& f) {
  with_block_size_of(n, f, std::make_integer_sequence<int, Max>{});
}

}  // namespace pt::cpu
