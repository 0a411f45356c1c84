#pragma once
/** Python <-> core conversions shared by every binding file. */
#include <pybind11/pybind11.h>

#include <optional>

#include "../core/tensor.h"
#include "../core/variable.h"
#include "../ops/ops.h"
#include "../ops/random_seed.h"

namespace py = pybind11;

namespace pt::bind {

/**
 * A symbolic operand (a Keras functional-API KerasTensor, a tf.compat.v1 graph tensor) given to an op that needs
 * values. A TypeError; the Tensor operators catch it and return NotImplemented, so that Python asks the symbolic
 * operand's own reflected operator (`eager_tensor + placeholder` builds a graph node).
 */
struct SymbolicOperand : TypeError { using TypeError::TypeError; };

/** Python type objects of Tensor and Variable (set when the classes are bound). */
extern PyTypeObject* g_tensor_type;
extern PyTypeObject* g_variable_type;

/** The C++ object inside a bound instance (single inheritance, so the first value holder). */
template <class T> inline T* instance_value(py::handle h) {
  return static_cast<T*>(reinterpret_cast<py::detail::instance*>(h.ptr())->get_value_and_holder().value_ptr());
}
/** The Tensor held by `h`, or null when `h` is not a Tensor (subclasses included). Fast: no pybind lookups. */
inline const Tensor* as_tensor(py::handle h) {
  PyTypeObject* t = Py_TYPE(h.ptr());
  if (t == g_tensor_type || (g_tensor_type && PyType_IsSubtype(t, g_tensor_type))) return instance_value<Tensor>(h);
  return nullptr;
}
/** The Variable held by `h`, or null. */
inline Variable* as_variable(py::handle h) {
  PyTypeObject* t = Py_TYPE(h.ptr());
  if (t == g_variable_type || (g_variable_type && PyType_IsSubtype(t, g_variable_type))) return instance_value<Variable>(h);
  return nullptr;
}

/** The Python DType object of a dtype (set by pytensor.dtypes at import). */
py::object dtype_object(DType dt);
/** A DType from a pytensor DType, a name, a numpy dtype or type; TypeError otherwise. */
DType dtype_from_py(py::handle obj);
/** Optional variant: None -> nullopt. */
std::optional<DType> optional_dtype(py::handle obj);

/**
 * Converts tensors, Variables, Python scalars, nested lists and buffer-protocol objects
 * (numpy arrays) to a Tensor. With `dtype`, non-tensor values are converted to it (Python
 * floats and float arrays never silently become integers); a Tensor of another dtype is a
 * TypeError naming `op` and both dtypes.
 */

Tensor to_tensor(py::handle obj, std::optional<DType> dtype = std::nullopt, const char* op = "convert_to_tensor");
/** Like to_tensor, but an existing Tensor of another dtype is cast (pt.constant semantics). */
Tensor to_tensor_cast(py::handle obj, std::optional<DType> dtype, const char* op);
/** True for Tensor and Variable objects. */
bool is_tensor_like(py::handle obj);
/** A Python int (or an object with __index__) as int64: TypeError otherwise, InvalidArgument outside int64. */
int64_t int64_from_py(py::handle obj, const char* op, const char* what);
/** Converts a shape argument (TensorShape, tuple, list, int tensor, int) to a Shape. */
Shape shape_from_py(py::handle obj, const char* op);
/** Converts an axis argument (None, int, sequence of ints, int tensor) to a list; None -> nullopt. */
std::optional<std::vector<int64_t>> axes_from_py(py::handle obj, const char* op);
/** The convolution parameters from TF's (strides, padding, data_format, dilations) arguments (conv2d's). */
ops::Conv2dParams conv_params_from_py(py::handle strides, py::handle padding, const std::string& data_format,
                                      py::handle dilations, const char* op);
/**
 * A seed argument as int(seed) reads it (Python ints, numpy integers, integer tensors, ...); None -> nullopt.
 * TypeError naming `op` for what int() refuses; InvalidArgument outside [-2**63, 2**64).
 */
std::optional<ops::Seed> seed_from_py(py::handle seed, const char* op);
/** The Philox key and counter of a random op call with op-level seed `seed` (None or an integer): TF 2's rules. */
ops::RandomSeed random_seed_from_py(py::handle seed);
/** A seed as the Python int it was given as. */
py::object seed_to_py(const ops::Seed& seed);
/** A Python object stored by pytensor at import (TensorShape class, resolvers, ...). */
py::object registered(const char* name);

}  // namespace pt::bind

namespace pt::bind {
/** Stores a Python object for the core to call back (see pytensor/_register.py). */
void register_object(const std::string& name, py::object obj);
/** Installs the six DType objects, in DType enum order. */
void set_dtype_objects(py::list objs);
/** Installs the other spellings of the dtypes: (name, numpy dtype or type, Python type; DType object) pairs. */
void set_dtype_aliases(py::list aliases);
}  // namespace pt::bind
