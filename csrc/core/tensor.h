#pragma once
/** Tensor: a typed, shaped, strided view of a Storage. Copies are cheap handles to one shared impl. */
#include <memory>

#include "dtype.h"
#include "errors.h"
#include "shape.h"
#include "storage.h"

namespace pt {

/** The state one tensor handle points to; views have their own impl but share the Storage. */
struct TensorImpl {
  std::shared_ptr<Storage> storage;
  Shape shape;
  Strides strides;
  int64_t offset = 0;  // in elements
  DType dtype = DType::Float32;
  bool contiguous = true;  // cached: row-major dense, offset anywhere
};

/** A handle to an immutable n-d array; identity (for the tape) is the impl pointer. */
class Tensor {
 public:
  Tensor() = default;

  /** A new dense, uninitialised tensor. */
  static Tensor empty(const Shape& shape, DType dtype, Device device = Device::CPU);
  /** A tensor over an existing storage (e.g. borrowed foreign memory). */
  static Tensor from_storage(std::shared_ptr<Storage> storage, Shape shape, Strides strides, int64_t offset,
                             DType dtype);
  /** A view of `base`'s storage with another shape, strides and offset (elements). */
  static Tensor view(const Tensor& base, Shape shape, Strides strides, int64_t offset);

  /** False for a default-constructed handle. */
  bool defined() const { return impl_ != nullptr; }
  /** Dimensions. */
  const Shape& shape() const { return impl_->shape; }
  /** Element strides. */
  const Strides& strides() const { return impl_->strides; }
  /** Offset of the first element in the storage, in elements. */
  int64_t offset() const { return impl_->offset; }
  /** Element type. */
  DType dtype() const { return impl_->dtype; }
  /** Rank. */
  int64_t ndim() const { return static_cast<int64_t>(impl_->shape.size()); }
  /** Number of elements. */
  int64_t numel() const { return pt::numel(impl_->shape); }
  /** Extent of one dimension (negative counts from the end). */
  int64_t dim(int64_t i) const { return impl_->shape[i < 0 ? i + ndim() : i]; }
  /** True when elements are row-major dense from `data()`. */
  bool is_contiguous() const { return impl_->contiguous; }
  /** The underlying memory block. */
  const std::shared_ptr<Storage>& storage() const { return impl_->storage; }
  /** Device of the storage. */
  Device device() const { return impl_->storage->device(); }
  /** Size of one element. */
  size_t itemsize() const { return pt::itemsize(impl_->dtype); }
  /** Address of the first element. */
  void* raw_data() const {
    return static_cast<char*>(impl_->storage->data()) + impl_->offset * static_cast<int64_t>(itemsize());
  }
  /** Typed address of the first element (no dtype check: callers dispatch first). */
  template <class T> T* data() const { return static_cast<T*>(raw_data()); }
  /** Identity of this tensor, stable while any handle lives. */
  const TensorImpl* id() const { return impl_.get(); }
  /** A weak handle on this tensor's identity: expired once no handle lives. */
  std::weak_ptr<const TensorImpl> weak_id() const { return impl_; }
  /** True when no other tensor handle or view shares this one's memory (a kernel may then overwrite it). */
  bool sole_owner() const { return impl_.use_count() == 1 && impl_->storage.use_count() == 1; }
  /** True when both handles view the same storage. */
  bool shares_storage(const Tensor& o) const { return impl_->storage == o.impl_->storage; }

 private:
  std::shared_ptr<TensorImpl> impl_;
};

/** True when (shape, strides) is row-major dense. */
bool is_contiguous_layout(const Shape& shape, const Strides& strides);

}  // namespace pt
