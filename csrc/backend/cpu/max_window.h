#pragma once
/** The max (and argmax) of one 2x2 pooling window over channel vectors, for kernels that pool their own outputs,
 *  and the gradient back at the argmax. */
#include <cstdint>
#include <cstring>

#include "simd.h"

namespace pt::cpu {

/** The outputs a 2x2 stride-2 pooling window reads, in max_pool2d's scan order (row-major). */
constexpr int kWindowPixels = 4;

/**
 * out[c] = the max over q < 4 of rows[q][c]; with kArg, arg[c] = base[q] + c for the first maximum. Strictly
 * greater keeps the first maximum (TF's tie rule); the first NaN wins and stays, as in max_pool2d.
 */
template <class T, bool kArg>
inline void max_of_window(const T* const rows[kWindowPixels], int64_t co, const int32_t base[kWindowPixels], T* out,
                          int32_t* arg) {
  constexpr int64_t n = kLanes<T>;
  IndexVec<T> lane;
  for (int i = 0; i < n; ++i) lane[i] = i;
  int64_t c = 0;
  for (; c + n <= co; c += n) {
    Vec<T> m = load(rows[0] + c);
    IndexVec<T> a = (base[0] + static_cast<int32_t>(c)) + lane;
    for (int q = 1; q < kWindowPixels; ++q) {
      const Vec<T> v = load(rows[q] + c);
      const auto take = (v > m) | ((v != v) & (m == m));
      m = take ? v : m;
      if constexpr (kArg)
        a = __builtin_convertvector(take, IndexVec<T>) ? (base[q] + static_cast<int32_t>(c)) + lane : a;
    }
    store(out + c, m);
    if constexpr (kArg) std::memcpy(arg + c, &a, sizeof(a));
  }
  for (; c < co; ++c) {
    T m = rows[0][c];
    int32_t a = base[0] + static_cast<int32_t>(c);
    for (int q = 1; q < kWindowPixels; ++q) {
      const T v = rows[q][c];
      if ((v > m) || (v != v && m == m)) m = v, a = base[q] + static_cast<int32_t>(c);
    }
    out[c] = m;
    if constexpr (kArg) arg[c] = a;
  }
}

/**
 * out[c] = dy[c] where arg[c] == base + c (this output is its window's argmax), else 0, for c < co. Selected, not
 * multiplied by a 0/1 mask: a NaN in another output's dy stays out.
 */
template <class T>
inline void gradient_at_argmax(const int32_t* arg, int32_t base, const T* dy, int64_t co, T* out) {
  constexpr int64_t n = kLanes<T>;
  IndexVec<T> lane;
  for (int i = 0; i < n; ++i) lane[i] = i;
  int64_t c = 0;
  for (; c + n <= co; c += n) {
    IndexVec<T> a;
    std::memcpy(&a, arg + c, sizeof(a));
    const auto hit = a == (base + static_cast<int32_t>(c)) + lane;
    using Mask = decltype(Vec<T>{} == Vec<T>{});
    store(out + c, __builtin_convertvector(hit, Mask) ? load(dy + c) : Vec<T>{});
  }
  for (; c < co; ++c) out[c] = arg[c] == base + static_cast<int32_t>(c) ? dy[c] : T(0);
}

}  // namespace pt::cpu
