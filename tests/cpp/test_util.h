#pragma once
/** Helpers shared by the C++ unit tests: building tensors from values and reading them back. */
#include <cstring>
#include <vector>

#include "core/tensor.h"

namespace pt::testing {

/** A dense tensor of `shape` holding `values` (row-major). */
template <class T>
Tensor make_tensor(const Shape& shape, const std::vector<T>& values) {
  Tensor t = Tensor::empty(shape, dtype_of<T>::value);
  if (!values.empty()) std::memcpy(t.raw_data(), values.data(), values.size() * sizeof(T));
  return t;
}

/** The elements of `t` in row-major order, whatever its strides. */
template <class T>
std::vector<T> to_vector(const Tensor& t) {
  std::vector<T> out;
  out.reserve(static_cast<size_t>(t.numel()));
  const int64_t nd = t.ndim(), n = t.numel();
  std::vector<int64_t> idx(nd, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t off = 0;
    for (int64_t d = 0; d < nd; ++d) off += idx[d] * t.strides()[d];
    out.push_back(t.data<T>()[off]);
    for (int64_t d = nd - 1; d >= 0; --d) {
      if (++idx[d] < t.shape()[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Deterministic pseudo-random values in [-1, 1) (a small LCG: no dependence on <random> implementations). */
inline std::vector<float> lcg_values(size_t n, uint32_t seed) {
  std::vector<float> v(n);
  uint32_t s = seed * 2654435761u + 1u;
  for (size_t i = 0; i < n; ++i) {
    s = s * 1664525u + 1013904223u;
    v[i] = static_cast<float>(s >> 8) / static_cast<float>(1u << 23) - 1.0f;
  }
  return v;
}

}  // namespace pt::testing
