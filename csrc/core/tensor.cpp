#include "tensor.h"

namespace pt {

bool is_contiguous_layout(const Shape& shape, const Strides& strides) {
  int64_t expected = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    if (shape[i] == 1) continue;
    if (shape[i] == 0) return true;
    if (strides[i] != expected) return false;
    expected *= shape[i];
  }
  return true;
}

Tensor Tensor::empty(const Shape& shape, DType dtype, Device device) {
  check_shape(shape, "tensor");
  int64_t nbytes = 0;
  const bool overflow = __builtin_mul_overflow(pt::numel(shape), static_cast<int64_t>(pt::itemsize(dtype)), &nbytes);
  if (overflow || nbytes > (int64_t(1) << 48))
    throw InvalidArgument(str_cat("a tensor of shape ", shape_str(shape), " and dtype ", dtype_name(dtype),
                                  " is too large to allocate"));
  Tensor t;
  t.impl_ = std::make_shared<TensorImpl>();
  t.impl_->storage = Storage::allocate(static_cast<size_t>(pt::numel(shape)) * pt::itemsize(dtype), device);
  t.impl_->shape = shape;
  t.impl_->strides = contiguous_strides(shape);
  t.impl_->dtype = dtype;
  return t;
}

Tensor Tensor::from_storage(std::shared_ptr<Storage> storage, Shape shape, Strides strides, int64_t offset,
                            DType dtype) {
  // Views (broadcast_to's stride-0 dims) can claim any shape: one whose element count exceeds int64 is refused.
  check_shape(shape, "tensor");
  Tensor t;
  t.impl_ = std::make_shared<TensorImpl>();
  t.impl_->storage = std::move(storage);
  t.impl_->contiguous = is_contiguous_layout(shape, strides);
  t.impl_->shape = std::move(shape);
  t.impl_->strides = std::move(strides);
  t.impl_->offset = offset;
  t.impl_->dtype = dtype;
  return t;
}

Tensor Tensor::view(const Tensor& base, Shape shape, Strides strides, int64_t offset) {
  return from_storage(base.impl_->storage, std::move(shape), std::move(strides), offset, base.impl_->dtype);
}

}  // namespace pt
