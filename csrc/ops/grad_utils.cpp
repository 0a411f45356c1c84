#include "grad_utils.h"

namespace pt::autograd {

Tensor scalar(double value, DType dtype) { return ops::fill({}, value, dtype); }

Tensor sum_to(const Tensor& grad, const Shape& shape) {
  if (grad.shape() == shape) return grad;
  const int64_t lead = grad.ndim() - static_cast<int64_t>(shape.size());
  std::vector<int64_t> axes;
  for (int64_t i = 0; i < grad.ndim(); ++i)
    if (i < lead || (shape[i - lead] == 1 && grad.dim(i) != 1)) axes.push_back(i);
  Tensor summed = axes.empty() ? grad : ops::reduce(OpId::reduce_sum, grad, axes, false, true);
  return ops::reshape(summed, shape);
}

}  // namespace pt::autograd
