#pragma once
/** The C++ element types of float16 and bfloat16 (Eigen's) and the complex dtypes, mapped to their DTypes. */
#include <Eigen/Core>

#include <complex>

#include "../../core/dtype.h"
#include "../kernel_table.h"

namespace pt {

template <> struct dtype_of<Eigen::half> { static constexpr DType value = DType::Float16; };
template <> struct dtype_of<Eigen::bfloat16> { static constexpr DType value = DType::BFloat16; };
template <> struct dtype_of<std::complex<float>> { static constexpr DType value = DType::Complex64; };
template <> struct dtype_of<std::complex<double>> { static constexpr DType value = DType::Complex128; };

namespace cpu {
/** complex64 and complex128: element-wise arithmetic, equality, casts. */
using ComplexTypes = backend::Types<std::complex<float>, std::complex<double>>;
/** Whether T is float16 or bfloat16 (Eigen's types, which convert through float32). */
template <class T>
constexpr bool is_half_v = std::is_same_v<T, Eigen::half> || std::is_same_v<T, Eigen::bfloat16>;
}  // namespace cpu

}  // namespace pt
