#pragma once
/** Exceptions of the core; the bindings map each to one Python exception class. */
#include <sstream>
#include <stdexcept>
#include <string>
#include "dtype.h"

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

}  // namespace pt
