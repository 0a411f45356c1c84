#pragma once
/** Exceptions of the core; the bindings map each to one Python exception class. */
#include <exception>
#include <sstream>
#include <stdexcept>
#include <string>
#include "dtype.h"
#include "storage.h"

namespace pt {

/** Bad argument values or shapes: Python's pytensor.errors.InvalidArgumentError (a ValueError). */
struct InvalidArgument : std::runtime_error { using std::runtime_error::runtime_error; };
/** Wrong dtype or argument type: Python's TypeError. */
struct TypeError : std::runtime_error { using std::runtime_error::runtime_error; };
/** Index out of range: Python's IndexError. */
struct IndexError : std::runtime_error { using std::runtime_error::runtime_error; };
/** Misuse of an object in its current state: Python's RuntimeError. */
struct RuntimeError : std::runtime_error { using std::runtime_error::runtime_error; };
/** Feature not built (e.g. CUDA off): pytensor.errors.UnimplementedError. */
struct Unimplemented : std::runtime_error { using std::runtime_error::runtime_error; };
/** A resource (device memory) ran out: pytensor.errors.ResourceExhaustedError. */
struct ResourceExhausted : std::runtime_error { using std::runtime_error::runtime_error; };
/** No kernel of TF's is registered for the op and dtype (TF's NotFoundError): pytensor.errors.NotFoundError. */
struct NotFound : std::runtime_error { using std::runtime_error::runtime_error; };

/** Concatenates streamable parts into a string (for error messages). */
template <class... Args>
std::string str_cat(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

/** Throws TypeError: `op` does not accept dtype `dt`; `wanted` says what it accepts. */
[[noreturn]] inline void throw_dtype_error(const char* op, DType dt, const char* wanted) {
  throw TypeError(str_cat(op, ": got dtype ", dtype_name(dt), ", expected ", wanted));
}

/** Throws InvalidArgument with a message built from parts unless `cond` holds. */
template <class... Args>
inline void check_arg(bool cond, const Args&... parts) {
  if (!cond) throw InvalidArgument(str_cat(parts...));
}

/**
 * Throws InvalidArgument unless `cond` holds, worded as TF's eager op `tf_op` on `device` words its kernel's errors
 * ("{{function_node __wrapped__Reshape_device_/job:...}} <parts> [Op:Reshape]"): programs print and match TF's text.
 */
template <class... Args>
inline void check_tf_arg(bool cond, const char* tf_op, Device device, const Args&... parts) {
  if (!cond)
    throw InvalidArgument(str_cat("{{function_node __wrapped__", tf_op, "_device_", tf_device_name(device), "}} ",
                                  parts..., " [Op:", tf_op, "]"));
}

/**
 * A thread's deferral of kernels' failed checks of input *values* (an index out of range; never a shape or dtype):
 * while a graph trace runs (graph::Capture), such an error is kept in `pending` instead of thrown, and the trace
 * raises it only if the op's result is used (TF's graphs never run an op whose result is unused).
 */
struct ValueErrorDeferral {
  bool active = false;
  std::exception_ptr pending;  // the first error kept since the trace last took it
};

/** This thread's deferral state. */
inline ValueErrorDeferral& value_error_deferral() {
  thread_local ValueErrorDeferral state;
  return state;
}

/** While alive, failed value checks on this thread throw, deferral or not (an executor's run, even inside a trace). */
struct ThrowValueErrors {
  bool was = value_error_deferral().active;
  ThrowValueErrors() { value_error_deferral().active = false; }
  ~ThrowValueErrors() { value_error_deferral().active = was; }
  ThrowValueErrors(const ThrowValueErrors&) = delete;
  ThrowValueErrors& operator=(const ThrowValueErrors&) = delete;
};

/**
 * A kernel's check of its input values failed: throws `error`, or while deferral is active keeps it and returns, and
 * the kernel then skips its work and zero-fills its output (which the trace never lets anyone read).
 */
inline void value_check_failed(const InvalidArgument& error) {
  ValueErrorDeferral& d = value_error_deferral();
  if (!d.active) throw error;
  if (!d.pending) d.pending = std::make_exception_ptr(error);
}

}  // namespace pt
