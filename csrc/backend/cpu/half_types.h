#pragma once
/** The C++ element types of float16 and bfloat16 (Eigen's), mapped to their DTypes, for the CPU kernels. */
#include <Eigen/Core>

#include "../../core/dtype.h"

namespace pt {

template <> struct dtype_of<Eigen::half> { static constexpr DType value = DType::Float16; };
template <> struct dtype_of<Eigen::bfloat16> { static constexpr DType value = DType::BFloat16; };

namespace cpu {
/** Whether T is float16 or bfloat16 (Eigen's types, which convert through float32). */
template <class T>
constexpr bool is_half_v = std::is_same_v<T, Eigen::half> || std::is_same_v<T, Eigen::bfloat16>;
}  // namespace cpu

}  // namespace pt
