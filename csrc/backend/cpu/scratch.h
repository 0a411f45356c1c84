#pragma once
/** Kernel scratch memory that may be allocated inside OpenMP regions. */
#include <cstddef>
#include <cstdlib>

namespace pt::cpu {

/** 64-byte aligned scratch that reports failure (p == nullptr) instead of throwing inside a parallel region. */
struct Scratch {
  void* p = nullptr;
  explicit Scratch(size_t bytes) {
    if (bytes) p = std::aligned_alloc(64, (bytes + 63) / 64 * 64);
  }
  ~Scratch() { std::free(p); }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
};

}  // namespace pt::cpu
