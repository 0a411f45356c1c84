#pragma once
/** Building blocks of gradient formulas, made of public (recorded, differentiable) ops only. */
#include "ops.h"
#include "record.h"

namespace pt::autograd {

/** A 0-d tensor of `dtype` holding `value`. */
Tensor scalar(double value, DType dtype);
/** Sums `grad` down to `shape`, undoing numpy broadcasting (sum over added and stretched dims). */
Tensor sum_to(const Tensor& grad, const Shape& shape);
/** a * b (shorthand for the registry op). */
inline Tensor mul(const Tensor& a, const Tensor& b) { return ops::binary(OpId::multiply, a, b); }
/** a / b. */
inline Tensor div(const Tensor& a, const Tensor& b) { return ops::binary(OpId::divide, a, b); }
/** a + b. */
inline Tensor add(const Tensor& a, const Tensor& b) { return ops::binary(OpId::add, a, b); }
/** a - b. */
inline Tensor sub(const Tensor& a, const Tensor& b) { return ops::binary(OpId::subtract, a, b); }
/** -a. */
inline Tensor neg(const Tensor& a) { return ops::unary(OpId::negative, a); }

}  // namespace pt::autograd
