#include "variable.h"

#include <atomic>

namespace pt {

namespace {
std::atomic<uint64_t> g_next_uid{1};
}

VariableHooks& variable_hooks() {
  static VariableHooks hooks;
  return hooks;
}

void Variable::copy(const Tensor& dst, const Tensor& src) {
  auto copy_into = variable_hooks().copy_into;
  if (!copy_into)
    throw RuntimeError("Variable: no copy kernel is installed; link the ops and autograd layers (autograd/tape.cpp "
                       "installs the Variable hooks)");
  copy_into(dst, src);
}

Variable::Variable(Tensor initial, std::string name, bool trainable)
    : uid_(g_next_uid.fetch_add(1)), name_(std::move(name)), trainable_(trainable) {
  // A dense tensor over the whole of a block this library allocated is taken over, not copied: a write copies first
  // while anyone else still holds the block (make_unique), so the tensor it came from never changes, and a fresh value
  // (an optimizer slot's zeros) is not written twice, its pages faulted in twice. Anything else (a view of a larger
  // block, borrowed memory such as a numpy array's) becomes a private dense copy, on the initial value's device
  // (tf.device's scope placed it), as TF places a variable.
  const std::shared_ptr<Storage>& storage = initial.storage();
  if (storage && storage->owned() && initial.is_contiguous() && initial.offset() == 0 &&
      storage->nbytes() == static_cast<size_t>(initial.numel()) * initial.itemsize()) {
    value_ = Tensor::view(initial, initial.shape(), initial.strides(), 0);
  } else {
    value_ = Tensor::empty(initial.shape(), initial.dtype(), initial.device());
    copy(value_, initial);
  }
  if (VariableObserver* observer = variable_observer()) observer->on_create(*this);
}

VariableObserver*& variable_observer() {
  thread_local VariableObserver* observer = nullptr;
  return observer;
}

Tensor Variable::read() const {
  Tensor t = Tensor::view(value_, value_.shape(), value_.strides(), value_.offset());
  if (auto on_read = variable_hooks().on_read) on_read(*this, t);
  if (VariableObserver* observer = variable_observer()) observer->on_read(*this, t);
  return t;
}

void Variable::make_unique() {
  if (value_.storage().use_count() > 1) {
    Tensor fresh = Tensor::empty(value_.shape(), value_.dtype(), value_.device());
    copy(fresh, value_);
    value_ = fresh;
  }
}

void Variable::write_into(const Tensor& dst, const Tensor& src) {
  check_arg(src.dtype() == dst.dtype(), "Variable.assign: value has dtype ", dtype_name(src.dtype()),
            " but the variable has dtype ", dtype_name(dst.dtype()), "; cast the value first");
  copy(dst, src);
}

void Variable::assign(const Tensor& value) {
  check_arg(value.shape() == value_.shape(), "Variable.assign: value of shape ", shape_str(value.shape()),
            " does not match the variable's shape ", shape_str(value_.shape()));
  check_arg(value.dtype() == value_.dtype(), "Variable.assign: value has dtype ", dtype_name(value.dtype()),
            " but the variable has dtype ", dtype_name(value_.dtype()), "; cast the value first");
  if (VariableObserver* observer = variable_observer()) observer->on_assign(*this, value);
  if (value_.storage().use_count() > 1) {
    // A read snapshot is alive: take a fresh buffer rather than copying twice.
    value_ = Tensor::empty(value_.shape(), value_.dtype(), value_.device());
  }
  write_into(value_, value);
}

Tensor Variable::mutable_value() {
  make_unique();
  return value_;
}

}  // namespace pt
