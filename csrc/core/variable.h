#pragma once
/** Variable: a named, mutable tensor whose reads are snapshots (copy-on-write storage). */
#include <memory>
#include <string>

#include "tensor.h"

namespace pt {

class Variable;

/**
 * What the layers above core plug into Variable, which includes none of them: autograd/tape.cpp installs both
 * at static initialisation (it is linked with every op, since ops record on tapes).
 */
struct VariableHooks {
  /** Tells the active tapes that `v` was read into `value` (TF watches trainable variables on access). */
  void (*on_read)(const Variable& v, const Tensor& value) = nullptr;
  /** Writes `src`, broadcast, into `dst` (same dtype): ops::copy_into, the device's copy kernel. */
  void (*copy_into)(const Tensor& dst, const Tensor& src) = nullptr;
};
/** The process's Variable hooks. */
VariableHooks& variable_hooks();
/** Told of variable events on its thread (graph tracing); installed through variable_observer(). */
class VariableObserver {
 public:
  virtual ~VariableObserver() = default;
  /** `v` was read into `value`. */
  virtual void on_read(const Variable& v, const Tensor& value) = 0;
  /** `v` is about to take `value` (whole-variable assignment). */
  virtual void on_assign(Variable& v, const Tensor& value) = 0;
  /** `v` was just created. */
  virtual void on_create(const Variable& v) = 0;
};
/** This thread's variable observer (null: none). */
VariableObserver*& variable_observer();

/** A mutable tensor. Reads share storage; a write while a read is alive copies first. */
class Variable {
 public:
  Variable(Tensor initial, std::string name, bool trainable);
  // Observers (a trace) and graphs know a variable by its address: it never moves or copies.
  Variable(const Variable&) = delete;
  Variable& operator=(const Variable&) = delete;

  /** The current value as an immutable tensor (shares storage until the next write). */
  Tensor read() const;
  /** Replaces the value (same shape and dtype as TF requires). */
  void assign(const Tensor& value);
  /** Writes `value` (broadcast) into the view `slice_of(storage)` computes, in place. */
  template <class SliceFn>
  void assign_view(const Tensor& value, SliceFn slice_of) {
    make_unique();
    write_into(slice_of(value_), value);
  }
  /** Tensor viewing the variable's own storage for in-place kernels (optimizer updates); copy-on-write first. */
  Tensor mutable_value();

  const Shape& shape() const { return value_.shape(); }
  DType dtype() const { return value_.dtype(); }
  const std::string& name() const { return name_; }
  /** Process-unique id (never reused, unlike addresses): how tapes know variables. */
  uint64_t uid() const { return uid_; }
  bool trainable() const { return trainable_; }
  void set_trainable(bool t) { trainable_ = t; }
  /** Expires when the variable is destroyed: how holders of a plain pointer (a traced graph) know it is gone. */
  std::weak_ptr<const void> lifetime() const { return lifetime_; }

 private:
  /** Gives the variable sole ownership of its storage (copying if a read snapshot still holds it). */
  void make_unique();
  static void write_into(const Tensor& dst, const Tensor& src);
  /** variable_hooks().copy_into, or a RuntimeError when nothing installed it. */
  static void copy(const Tensor& dst, const Tensor& src);

  Tensor value_;
  uint64_t uid_;
  std::string name_;
  bool trainable_;
  std::shared_ptr<const void> lifetime_ = std::make_shared<char>(0);
};

}  // namespace pt
