#pragma once
/** Portable 256-bit SIMD vectors (GCC/Clang vector extensions), compiled to AVX2 under x86-64-v3. */
#include <cstdint>
#include <cstring>

namespace pt::cpu {

/** The 256-bit vector type of T (float or double). */
template <class T>
struct VecOf;
template <>
struct VecOf<float> {
  typedef float type __attribute__((vector_size(32)));
};
template <>
struct VecOf<double> {
  typedef double type __attribute__((vector_size(32)));
};
/** A 256-bit vector of T. */
template <class T>
using Vec = typename VecOf<T>::type;
/** Lanes of Vec<T>. */
template <class T>
constexpr int64_t kLanes = 32 / sizeof(T);

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

/** A vector with every lane equal to s. */
template <class T>
inline Vec<T> broadcast(T s) {
  return Vec<T>{} + s;
}

/** The sum of v's lanes, added in a fixed order. */
template <class T>
inline T lane_sum(Vec<T> v) {
  T s = v[0];
  for (int64_t i = 1; i < kLanes<T>; ++i) s += v[i];
  return s;
}

}  // namespace pt::cpu
