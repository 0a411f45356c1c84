#pragma once
/**
 * Integer arithmetic with defined overflow: wrap-around modulo 2^bits, as TF and numpy compute, done in unsigned
 * types (signed overflow is undefined behaviour in C++). For floating types these are the plain operations.
 */
#include <type_traits>

namespace pt {

namespace detail {
/** The unsigned type arithmetic on T is done in: T's own width, at least unsigned int (no promotion to int). */
template <class T>
using wrap_unsigned_t =
    std::conditional_t<(sizeof(T) < sizeof(unsigned)), unsigned, std::make_unsigned_t<std::conditional_t<std::is_same_v<T, bool>, unsigned char, T>>>;
}  // namespace detail

/** a + b, wrapping for integers. */
template <class T> inline T wrap_add(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = detail::wrap_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) + static_cast<U>(b));
  } else {
    return a + b;
  }
}
/** a - b, wrapping for integers. */
template <class T> inline T wrap_sub(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = detail::wrap_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) - static_cast<U>(b));
  } else {
    return a - b;
  }
}
/** a * b, wrapping for integers. */
template <class T> inline T wrap_mul(T a, T b) {
  if constexpr (std::is_integral_v<T>) {
    using U = detail::wrap_unsigned_t<T>;
    return static_cast<T>(static_cast<U>(a) * static_cast<U>(b));
  } else {
    return a * b;
  }
}
/** -a, wrapping for integers (the lowest value is its own negation). */
template <class T> inline T wrap_neg(T a) {
  if constexpr (std::is_integral_v<T>) return wrap_sub(T(0), a);
  else return -a;
}

}  // namespace pt
