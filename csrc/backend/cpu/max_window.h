#pragma once
/**
 * The max (and argmax) of pooling windows over channels, the one rule every max-pooling kernel uses
 * (replaces_max): any window over a block of channels (max_pool2d), a 2x2 window over channel vectors (kernels
 * that pool their own outputs), and the gradient back at the argmax.
 */
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "../shared_math.h"
#include "simd.h"

namespace pt::cpu {

using backend::replaces_max;  // shared with the CUDA kernels

/**
 * Max of one window over `n` channels (n <= kBlock) starting at channel c0, kept in local arrays so the compiler
 * holds them in vector registers; with kArg also the index (iy * IW + ix) * C + c of the first maximum (IW: the
 * width of the image the indices address, W or more).
 */
template <class T, bool kArg, int kBlock>
inline void max_window(const T* image, T* out, int32_t* arg, int64_t c0, int64_t n, int64_t W, int64_t IW,
                       int64_t C, int64_t y0, int64_t y1, int64_t x0, int64_t x1) {
  T m[kBlock];
  int32_t a[kBlock];
  const T* first = image + (y0 * W + x0) * C + c0;
  for (int64_t c = 0; c < n; ++c) {
    m[c] = first[c];
    if constexpr (kArg) a[c] = static_cast<int32_t>((y0 * IW + x0) * C + c0 + c);
  }
  for (int64_t iy = y0; iy < y1; ++iy)
    for (int64_t ix = iy == y0 ? x0 + 1 : x0; ix < x1; ++ix) {
      const T* in = image + (iy * W + ix) * C + c0;
      const int32_t base = static_cast<int32_t>((iy * IW + ix) * C + c0);
      for (int32_t c = 0; c < static_cast<int32_t>(n); ++c) {  // int32 lanes, like the indices
        const T v = in[c];
        const bool take = replaces_max(v, m[c]);
        m[c] = take ? v : m[c];
        if constexpr (kArg) a[c] = take ? base + c : a[c];
      }
    }
  std::copy(m, m + n, out + c0);
  if constexpr (kArg) std::copy(a, a + n, arg + c0);
}

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
      const auto take = replaces_max(v, m);
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
      if (replaces_max(v, m)) m = v, a = base[q] + static_cast<int32_t>(c);
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
