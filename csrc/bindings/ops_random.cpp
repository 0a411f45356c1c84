// Bindings of the random family. Seeds follow TF 2's rules, resolved in C++ (ops/random_seed.h) without a call
// back into Python; each op reserves its call's stretch of its stream, and the kernels see the resolved seeds.
#include <pybind11/stl.h>

#include <array>

#include "../backend/philox.h"
#include "../ops/random_seed.h"
#include "op_binder.h"

namespace pt::bind {

namespace {

/** A distribution parameter: a scalar (fast path, folded into the kernel) or a tensor that broadcasts. */
struct Param {
  bool scalar = true;
  double value = 0;
  Tensor tensor;
};

Param param(py::handle obj, DType dtype, const char* op) {
  PyObject* p = obj.ptr();
  if (PyFloat_Check(p)) return {true, PyFloat_AS_DOUBLE(p), {}};
  if (PyLong_CheckExact(p) && is_floating(dtype)) {
    const double v = PyLong_AsDouble(p);
    if (v == -1.0 && PyErr_Occurred()) throw py::error_already_set();
    return {true, v, {}};
  }
  Tensor t = to_tensor_cast(obj, dtype, op);
  if (t.ndim() == 0) return {true, *ops::cast(ops::to_host(t), DType::Float64).data<double>(), {}};
  return {false, 0, t};
}

Tensor as_tensor_param(const Param& p, DType dtype) {
  return p.scalar ? ops::fill(Shape{}, p.value, dtype) : p.tensor;
}

/** scale * z + shift for tensor parameters; they must broadcast to the sample shape (as TF requires). */
Tensor affine(const Tensor& z, const Param& scale, const Param& shift, const char* op) {
  DType dt = z.dtype();
  Tensor out = ops::binary(OpId::add, ops::binary(OpId::multiply, z, as_tensor_param(scale, dt)),
                           as_tensor_param(shift, dt));
  check_arg(out.shape() == z.shape(), op, ": parameters of shape ",
            shape_str(scale.scalar ? Shape{} : scale.tensor.shape()), " and ",
            shape_str(shift.scalar ? Shape{} : shift.tensor.shape()), " do not broadcast to the sample shape ",
            shape_str(z.shape()));
  return out;
}

using NormalFn = Tensor (*)(const Shape&, double, double, DType, ops::RandomSeed);

/** normal and truncated_normal share argument handling: Python or tensor mean and stddev. */
Tensor normal_like(NormalFn fn, const char* op, py::handle shape, py::handle mean, py::handle stddev,
                   py::handle dtype, py::handle seed) {
  Shape s = shape_from_py(shape, op);
  const DType dt = dtype.is_none() ? DType::Float32 : dtype_arg(dtype, op, "dtype");
  if (!is_floating(dt)) throw_dtype_error(op, dt, "float32 or float64");
  Param m = param(mean, dt, op), sd = param(stddev, dt, op);
  ops::RandomSeed rs = random_seed_from_py(seed);
  if (m.scalar && sd.scalar) return fn(s, m.value, sd.value, dt, rs);
  return affine(fn(s, 0.0, 1.0, dt, rs), sd, m, op);
}

/** tf.random.uniform: float bounds may be tensors that broadcast; integer dtypes need scalar bounds and maxval. */
Tensor uniform(py::handle shape, py::handle minval, py::handle maxval, py::handle dtype, py::handle seed) {
  const char* op = "random_uniform";
  Shape s = shape_from_py(shape, op);
  const DType dt = dtype.is_none() ? DType::Float32 : dtype_arg(dtype, op, "dtype");
  if (!is_floating(dt) && dt != DType::Int32 && dt != DType::Int64)
    throw_dtype_error(op, dt, "float32, float64, int32 or int64");
  if (is_floating(dt)) {
    Param lo = param(minval, dt, op), hi = maxval.is_none() ? Param{true, 1.0, {}} : param(maxval, dt, op);
    ops::RandomSeed rs = random_seed_from_py(seed);
    if (lo.scalar && hi.scalar) return ops::random_uniform(s, lo.value, hi.value, dt, rs);
    // minval + u * (maxval - minval) with broadcasting tensors.
    Tensor width = ops::binary(OpId::subtract, as_tensor_param(hi, dt), as_tensor_param(lo, dt));
    return affine(ops::random_uniform(s, 0.0, 1.0, dt, rs), Param{false, 0, width}, lo, op);
  }
  if (maxval.is_none())
    throw InvalidArgument(str_cat(op, ": maxval must be given for integer dtype ", dtype_name(dt),
                                  " (TF has no default upper bound for integers)"));
  Tensor lo = to_tensor_cast(minval, dt, op), hi = to_tensor_cast(maxval, dt, op);
  check_arg(lo.ndim() == 0 && hi.ndim() == 0, op, ": minval and maxval must be scalars for integer dtype ",
            dtype_name(dt), ", got shapes ", shape_str(lo.shape()), " and ", shape_str(hi.shape()));
  double lo_v = static_cast<double>(*ops::cast(ops::to_host(lo), DType::Int64).data<int64_t>());
  double hi_v = static_cast<double>(*ops::cast(ops::to_host(hi), DType::Int64).data<int64_t>());
  return ops::random_uniform(s, lo_v, hi_v, dt, random_seed_from_py(seed));
}

}  // namespace

void bind_random(py::module_& m) {
  m.def("_set_global_seed", [](py::handle seed) { ops::set_global_seed(seed_from_py(seed, "set_seed")); },
        py::arg("seed"), "tf.random.set_seed: sets (None: clears) the global seed and restarts every seeded stream.");
  m.def("_get_global_seed", [] {
    std::optional<ops::Seed> seed = ops::global_seed();
    return seed ? seed_to_py(*seed) : py::none();
  }, "The global seed set by _set_global_seed, as given (None when unset).");
  def_function(m, "random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None)",
               "Normal(mean, stddev) samples (tf.random.normal).", [](const Call& c) {
                 return py::cast(normal_like(&ops::random_normal, "random_normal", c[0], c[1], c[2], c[3], c[4]));
               });
  def_function(m, "truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None)",
               "Normal samples within two standard deviations of the mean (tf.random.truncated_normal).",
               [](const Call& c) {
                 return py::cast(normal_like(&ops::truncated_normal, "truncated_normal", c[0], c[1], c[2], c[3], c[4]));
               });
  def_function(m, "random_uniform(shape, minval=0, maxval=None, dtype=None, seed=None, name=None)",
               "Uniform samples in [minval, maxval) (tf.random.uniform); integer dtypes need maxval.",
               [](const Call& c) { return py::cast(uniform(c[0], c[1], c[2], c[3], c[4])); });
  m.def("_philox4x32",
        [](std::array<uint32_t, 4> counter, std::array<uint32_t, 2> key) {
          return backend::Philox4x32::eval(counter, key[0], key[1]);
        },
        py::arg("counter"), py::arg("key"), "One raw Philox4x32-10 block (for known-answer tests).");
}

}  // namespace pt::bind
