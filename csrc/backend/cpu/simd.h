#pragma once
/** Portable SIMD vectors (GCC/Clang vector extensions): 256-bit AVX2 under x86-64-v3, 512-bit where the build
 *  targets AVX-512 (-DPYTENSOR_ARCH=x86-64-v4 or native). */
#include <cstdint>
#include <cstring>
#include <type_traits>

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

/** Calls f(std::integral_constant<int, N>{}) for N == n, 1 <= n <= Max: a register block whose size is known at
 *  run time only, compiled for each size. */
template <int Max, class F>
inline void with_block_size(int64_t n, F&& f) {
  if constexpr (Max >= 1) {
    if (n == Max) return f(std::integral_constant<int, Max>{});
    with_block_size<Max - 1>(n, f);
  }
}

}  // namespace pt::cpu
