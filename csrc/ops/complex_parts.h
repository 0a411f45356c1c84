#pragma once
/** Complex tensors taken apart and put together with recorded ops: what the complex forms of abs, reduce_sum /
 *  reduce_mean and matmul are composed of. */
#include <complex>
#include <utility>

#include "ops.h"

namespace pt::ops {

/** The real dtype of complex64 / complex128's parts (float32 / float64). */
inline DType complex_part_dtype(DType d) { return d == DType::Complex64 ? DType::Float32 : DType::Float64; }
/** The real and imaginary parts of a complex tensor (x's real part, and that of x * -i), as recorded ops. */
std::pair<Tensor, Tensor> complex_parts(const Tensor& x);
/** re + i im as complex dtype `dtype`, from real parts of one dtype, as recorded ops. */
Tensor make_complex(const Tensor& re, const Tensor& im, DType dtype);
/** The complex conjugate as recorded ops (x itself for a real dtype): what complex gradient formulas multiply by. */
Tensor conjugate(const Tensor& x);

}  // namespace pt::ops
