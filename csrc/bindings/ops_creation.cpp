// Bindings of the creation family: zeros, ones, fill, *_like, eye, range, linspace (TF names and defaults).
#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "docs.h"

namespace pt::bind {

namespace {

/** A dtype argument whose None means float32 (TF's default for zeros, ones, eye). */
DType dtype_or_float32(py::handle dtype) { return optional_dtype(dtype).value_or(DType::Float32); }

/** A scalar argument as a 0-d tensor (shape (1,) is rejected like TF's scalar attributes). */
Tensor scalar_arg(py::handle obj, std::optional<DType> dtype, const char* op, const char* what) {
  Tensor t = dtype ? to_tensor_cast(obj, dtype, op) : to_tensor(obj, std::nullopt, op);
  check_arg(t.ndim() == 0, op, ": ", what, " must be a scalar, got a tensor of shape ", shape_str(t.shape()));
  return t;
}

/** The value of a 0-d tensor as a double (exact for every int32 and float, and int64 below 2^53). */
double scalar_value(const Tensor& t) { return *ops::cast(t, DType::Float64).data<double>(); }

/** An integer argument given as a Python int or an integer scalar tensor. */
int64_t int_arg(py::handle obj, const char* op, const char* what) {
  if (PyLong_Check(obj.ptr()) && !PyBool_Check(obj.ptr())) return int64_from_py(obj, op, what);
  if (is_tensor_like(obj)) {
    Tensor t = to_tensor(obj, std::nullopt, op);
    if (t.ndim() == 0 && is_integer(t.dtype())) return *ops::cast(t, DType::Int64).data<int64_t>();
  }
  if (py::hasattr(obj, "__index__")) return int64_from_py(obj, op, what);
  throw TypeError(str_cat(op, ": ", what, " must be an integer, got ", std::string(py::repr(obj))));
}

int dtype_rank(DType d) {  // TF's range dtype hierarchy: int32 < int64 < float32 < float64
  switch (d) {
    case DType::Int32: return 0;
    case DType::Int64: return 1;
    case DType::Float32: return 2;
    case DType::Float64: return 3;
    default: return -1;
  }
}

}  // namespace

void bind_creation(py::module_& m) {
  py::options docs;  // the op table's docstrings start with TF's signature; pybind's would type everything `object`
  docs.disable_function_signatures();
  m.def("zeros",
        [](py::handle shape, py::handle dtype, py::handle) {
          return ops::zeros(shape_from_py(shape, "zeros"), dtype_or_float32(dtype));
        },
        py::arg("shape"), py::arg("dtype") = py::none(), py::arg("name") = py::none(),
        op_doc("zeros"));
  m.def("ones",
        [](py::handle shape, py::handle dtype, py::handle) {
          return ops::ones(shape_from_py(shape, "ones"), dtype_or_float32(dtype));
        },
        py::arg("shape"), py::arg("dtype") = py::none(), py::arg("name") = py::none(),
        op_doc("ones"));
  m.def("fill",
        [](py::handle dims, py::handle value, py::handle) {
          return ops::fill(shape_from_py(dims, "fill"), scalar_arg(value, std::nullopt, "fill", "value"));
        },
        py::arg("dims"), py::arg("value"), py::arg("name") = py::none(),
        op_doc("fill"));
  m.def("zeros_like",
        [](py::handle input, py::handle dtype, py::handle) {
          return ops::zeros_like(to_tensor(input, std::nullopt, "zeros_like"), optional_dtype(dtype));
        },
        py::arg("input"), py::arg("dtype") = py::none(), py::arg("name") = py::none(),
        op_doc("zeros_like"));
  m.def("ones_like",
        [](py::handle input, py::handle dtype, py::handle) {
          return ops::ones_like(to_tensor(input, std::nullopt, "ones_like"), optional_dtype(dtype));
        },
        py::arg("input"), py::arg("dtype") = py::none(), py::arg("name") = py::none(),
        op_doc("ones_like"));
  m.def("eye",
        [](py::handle num_rows, py::handle num_columns, py::handle batch_shape, py::handle dtype, py::handle) {
          int64_t rows = int_arg(num_rows, "eye", "num_rows");
          int64_t cols = num_columns.is_none() ? rows : int_arg(num_columns, "eye", "num_columns");
          Shape batch = batch_shape.is_none() ? Shape{} : shape_from_py(batch_shape, "eye");
          return ops::eye(rows, cols, batch, dtype_or_float32(dtype));
        },
        py::arg("num_rows"), py::arg("num_columns") = py::none(), py::arg("batch_shape") = py::none(),
        py::arg("dtype") = py::none(), py::arg("name") = py::none(),
        op_doc("eye"));
  m.def("range",
        [](py::handle start, py::handle limit, py::handle delta, py::handle dtype, py::handle) {
          // TF: range(limit) counts from 0; args convert to `dtype`, or else to the widest of their
          // dtypes in int32 < int64 < float32 < float64 (Python ints are int32, floats float32).
          py::object zero = py::int_(0);
          py::handle s = limit.is_none() ? zero : start, l = limit.is_none() ? start : limit;
          std::optional<DType> dt = optional_dtype(dtype);
          Tensor ts = scalar_arg(s, dt, "range", "start"), tl = scalar_arg(l, dt, "range", "limit"),
                 td = scalar_arg(delta, dt, "range", "delta");
          DType out = dt.value_or(DType::Int32);
          if (!dt) {
            for (const Tensor* t : {&ts, &tl, &td}) {
              if (dtype_rank(t->dtype()) < 0) throw_dtype_error("range", t->dtype(), "int32, int64, float32 or float64");
              if (dtype_rank(t->dtype()) > dtype_rank(out)) out = t->dtype();
            }
          }
          return ops::range(scalar_value(ts), scalar_value(tl), scalar_value(td), out);
        },
        py::arg("start"), py::arg("limit") = py::none(), py::arg("delta") = 1, py::arg("dtype") = py::none(),
        py::arg("name") = py::none(), op_doc("range"));
  m.def("linspace",
        [](py::handle start, py::handle stop, py::handle num, py::handle, py::handle axis) {
          // Python numbers (ints too) give float32; float tensors keep their dtype.
          auto float_dtype = [](py::handle v) -> std::optional<DType> {
            if (!is_tensor_like(v)) return std::nullopt;
            DType d = to_tensor(v, std::nullopt, "linspace").dtype();
            return is_floating(d) ? std::optional<DType>(d) : std::nullopt;
          };
          std::optional<DType> a = float_dtype(start), b = float_dtype(stop);
          if (a && b && *a != *b)
            throw TypeError(str_cat("linspace: start and stop have different dtypes, ", dtype_name(*a), " and ",
                                    dtype_name(*b), "; cast one with pt.cast"));
          DType dt = a ? *a : b ? *b : DType::Float32;
          Tensor ts = scalar_arg(start, dt, "linspace", "start (N-d linspace is not supported)");
          Tensor te = scalar_arg(stop, dt, "linspace", "stop (N-d linspace is not supported)");
          int64_t ax = int_arg(axis, "linspace", "axis");
          check_arg(ax == 0 || ax == -1, "linspace: axis must be 0 or -1 for scalar start and stop, got ", ax);
          return ops::linspace(scalar_value(ts), scalar_value(te), int_arg(num, "linspace", "num"), dt);
        },
        py::arg("start"), py::arg("stop"), py::arg("num"), py::arg("name") = py::none(), py::arg("axis") = 0,
        op_doc("linspace"));
}

}  // namespace pt::bind
