#pragma once
/** Strided n-ary iteration: the one loop every element-wise kernel runs on. */
#include <array>
#include <cstdint>
#include <vector>

#include "../../core/parallel.h"
#include "../../core/shape.h"

namespace pt::cpu {

/**
 * An iteration space of NARGS operands over one shape, with byte strides per operand.
 * Dimensions of size 1 are dropped and adjacent dimensions that are dense for every
 * operand are merged, so a contiguous tensor becomes one flat run.
 */
template <int NARGS>
struct StridedIter {
  Shape shape;                                  // coalesced, innermost last
  std::array<std::vector<int64_t>, NARGS> strides;  // bytes

  StridedIter(const Shape& full, const std::array<Strides, NARGS>& byte_strides) {
    for (size_t d = 0; d < full.size(); ++d) {
      if (full[d] == 1) continue;
      bool merge = !shape.empty();
      for (int k = 0; k < NARGS && merge; ++k) merge = strides[k].back() == byte_strides[k][d] * full[d];
      if (merge) {
        shape.back() *= full[d];
        for (int k = 0; k < NARGS; ++k) strides[k].back() = byte_strides[k][d];
      } else {
        shape.push_back(full[d]);
        for (int k = 0; k < NARGS; ++k) strides[k].push_back(byte_strides[k][d]);
      }
    }
    if (shape.empty()) {
      shape.push_back(1);
      for (int k = 0; k < NARGS; ++k) strides[k].push_back(0);
    }
  }

  /** Total element count. */
  int64_t size() const { return numel(shape); }

  /**
   * Calls run(n, ptrs, inner_strides) for every innermost run, in parallel over the
   * flat index space; `grain` is the minimum number of elements per thread.
   */
  template <class Run>
  void for_each(const std::array<char*, NARGS>& base, int64_t grain, Run&& run) const {
    const int64_t total = size();
    const int nd = static_cast<int>(shape.size());
    const int64_t inner = shape[nd - 1];
    std::array<int64_t, NARGS> inner_strides;
    for (int k = 0; k < NARGS; ++k) inner_strides[k] = strides[k][nd - 1];
    parallel_for(total, grain, [&](int64_t begin, int64_t end) {
      // Decompose `begin` into a multi-index.
      std::vector<int64_t> idx(nd, 0);
      int64_t rem = begin;
      for (int d = nd - 1; d >= 0; --d) {
        idx[d] = rem % shape[d];
        rem /= shape[d];
      }
      std::array<char*, NARGS> ptrs;
      for (int k = 0; k < NARGS; ++k) {
        int64_t off = 0;
        for (int d = 0; d < nd; ++d) off += idx[d] * strides[k][d];
        ptrs[k] = base[k] + off;
      }
      int64_t pos = begin;
      while (pos < end) {
        int64_t n = std::min(inner - idx[nd - 1], end - pos);
        run(n, ptrs, inner_strides);
        pos += n;
        if (pos >= end) break;
        // Advance: the inner run is finished, carry into outer dimensions.
        for (int k = 0; k < NARGS; ++k) ptrs[k] += n * inner_strides[k];
        idx[nd - 1] += n;
        for (int d = nd - 1; d > 0 && idx[d] == shape[d]; --d) {
          for (int k = 0; k < NARGS; ++k) ptrs[k] += strides[k][d - 1] - shape[d] * strides[k][d];
          idx[d] = 0;
          ++idx[d - 1];
        }
      }
    });
  }
};

/** Byte strides of a tensor's element strides. */
inline Strides byte_strides(const Strides& s, size_t itemsize) {
  Strides out(s.size());
  for (size_t i = 0; i < s.size(); ++i) out[i] = s[i] * static_cast<int64_t>(itemsize);
  return out;
}

}  // namespace pt::cpu
