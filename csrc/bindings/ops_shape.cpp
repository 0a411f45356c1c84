// Bindings of the shape family, with TF's argument names and defaults.
#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "docs.h"

namespace pt::bind {

namespace {

/** Converts a values list: the first tensor-like item (else the first item) fixes the others' dtype. */
std::vector<Tensor> tensor_list(py::handle values, const char* op) {
  if (is_tensor_like(values) || !py::isinstance<py::sequence>(values) || py::isinstance<py::str>(values))
    throw TypeError(str_cat(op, ": expected a list of tensors, got ", std::string(py::str(py::type::handle_of(values).attr("__name__")))));
  py::sequence seq = py::reinterpret_borrow<py::sequence>(values);
  std::optional<DType> dtype;
  for (py::handle v : seq)
    if (is_tensor_like(v)) {
      dtype = to_tensor(v, std::nullopt, op).dtype();
      break;
    }
  std::vector<Tensor> out;
  out.reserve(py::len(seq));
  for (py::handle v : seq) {
    out.push_back(to_tensor(v, dtype, op));
    if (!dtype) dtype = out.back().dtype();
  }
  return out;
}

/** An int argument that may also be a 0-d integer tensor. */
int64_t int_arg(py::handle obj, const char* op, const char* what) {
  if (is_tensor_like(obj)) {
    Tensor t = to_tensor(obj, std::nullopt, op);
    if (!is_integer(t.dtype()) || t.numel() != 1)
      throw TypeError(str_cat(op, ": ", what, " must be an integer, got a tensor of dtype ", dtype_name(t.dtype()),
                              " and shape ", shape_str(t.shape())));
    return *ops::cast(ops::contiguous(t), DType::Int64).data<int64_t>();
  }
  if (PyBool_Check(obj.ptr()) || !PyIndex_Check(obj.ptr()))
    throw TypeError(str_cat(op, ": ", what, " must be an integer, got ", std::string(py::repr(obj))));
  return int64_from_py(obj, op, what);
}

/** A 0-d numeric value as a double (for pad's constant_values and one_hot's on/off values). */
double scalar_arg(py::handle obj, DType dtype, const char* op, const char* what) {
  Tensor t = to_tensor(obj, dtype, op);
  check_arg(t.numel() == 1, op, ": ", what, " must be a scalar, got shape ", shape_str(t.shape()));
  return *ops::cast(ops::contiguous(t), DType::Float64).data<double>();
}

/** A 1-D int tensor (int32 or int64) holding `vals`. */
Tensor int_vector(const std::vector<int64_t>& vals, DType dtype) {
  Tensor t = Tensor::empty({static_cast<int64_t>(vals.size())}, DType::Int64);
  std::copy(vals.begin(), vals.end(), t.data<int64_t>());
  return ops::cast(t, dtype);
}

/** out_type of shape/size: int32 or int64. */
DType index_dtype(py::handle out_type, const char* op) {
  // None stands for TF's default pt.int32 (the dtype objects do not exist yet when this module is built).
  if (out_type.is_none()) return DType::Int32;
  DType dt = dtype_from_py(out_type);
  if (dt != DType::Int32 && dt != DType::Int64) throw_dtype_error(op, dt, "int32 or int64 for out_type");
  return dt;
}

py::list to_list(const std::vector<Tensor>& ts) {
  py::list out;
  for (const Tensor& t : ts) out.append(py::cast(t));
  return out;
}

}  // namespace

void bind_shape(py::module_& m) {
  py::options docs;  // the op table's docstrings start with TF's signature; pybind's would type everything `object`
  docs.disable_function_signatures();
  m.def("reshape",
        [](py::handle tensor, py::handle shape, py::handle) {
          return ops::reshape(to_tensor(tensor, std::nullopt, "reshape"), shape_from_py(shape, "reshape"));
        },
        py::arg("tensor"), py::arg("shape"), py::arg("name") = py::none(), op_doc("reshape"));
  m.def("transpose",
        [](py::handle a, py::handle perm, bool conjugate, py::handle) {
          Tensor x = to_tensor(a, std::nullopt, "transpose");
          auto p = axes_from_py(perm, "transpose");
          // An explicit perm must list every dimension; only None means "reverse".
          if (p && static_cast<int64_t>(p->size()) != x.ndim())
            throw InvalidArgument(str_cat("transpose: perm has ", p->size(), " entries but the input of shape ",
                                          shape_str(x.shape()), " has rank ", x.ndim(), "; give one per dimension"));
          return ops::transpose(x, p.value_or(std::vector<int64_t>{}));
        },
        py::arg("a"), py::arg("perm") = py::none(), py::arg("conjugate") = false, py::arg("name") = py::none(),
        op_doc("transpose"));
  m.def("expand_dims",
        [](py::handle input, py::handle axis, py::handle) {
          return ops::expand_dims(to_tensor(input, std::nullopt, "expand_dims"), int_arg(axis, "expand_dims", "axis"));
        },
        py::arg("input"), py::arg("axis"), py::arg("name") = py::none(), op_doc("expand_dims"));
  m.def("squeeze",
        [](py::handle input, py::handle axis, py::handle) {
          return ops::squeeze(to_tensor(input, std::nullopt, "squeeze"),
                              axes_from_py(axis, "squeeze").value_or(std::vector<int64_t>{}));
        },
        py::arg("input"), py::arg("axis") = py::none(), py::arg("name") = py::none(), op_doc("squeeze"));
  m.def("concat",
        [](py::handle values, py::handle axis, py::handle) {
          return ops::concat(tensor_list(values, "concat"), int_arg(axis, "concat", "axis"));
        },
        py::arg("values"), py::arg("axis"), py::arg("name") = py::none(), op_doc("concat"));
  m.def("stack",
        [](py::handle values, py::handle axis, py::handle) {
          return ops::stack(tensor_list(values, "stack"), int_arg(axis, "stack", "axis"));
        },
        py::arg("values"), py::arg("axis") = 0, py::arg("name") = py::none(), op_doc("stack"));
  m.def("unstack",
        [](py::handle value, py::handle num, py::handle axis, py::handle) {
          Tensor x = to_tensor(value, std::nullopt, "unstack");
          auto parts = ops::unstack(x, int_arg(axis, "unstack", "axis"));
          if (!num.is_none()) {
            int64_t n = int_arg(num, "unstack", "num");
            check_arg(n == static_cast<int64_t>(parts.size()), "unstack: num = ", n, " but dimension ",
                      int_arg(axis, "unstack", "axis"), " of shape ", shape_str(x.shape()), " has size ", parts.size());
          }
          return to_list(parts);
        },
        py::arg("value"), py::arg("num") = py::none(), py::arg("axis") = 0, py::arg("name") = py::none(),
        op_doc("unstack"));
  m.def("split",
        [](py::handle value, py::handle num_or_size_splits, py::handle axis, py::handle num, py::handle) {
          Tensor x = to_tensor(value, std::nullopt, "split");
          int64_t ax = int_arg(axis, "split", "axis");
          py::handle s = num_or_size_splits;
          bool scalar = is_tensor_like(s) ? to_tensor(s, std::nullopt, "split").ndim() == 0
                                          : !py::isinstance<py::sequence>(s) && PyIndex_Check(s.ptr());
          std::vector<Tensor> parts =
              scalar ? ops::split_num(x, int_arg(num_or_size_splits, "split", "num_or_size_splits"), ax)
                     : ops::split(x, shape_from_py(num_or_size_splits, "split"), ax);
          if (!num.is_none()) {
            int64_t n = int_arg(num, "split", "num");
            check_arg(n == static_cast<int64_t>(parts.size()), "split: num = ", n, " but the split gives ",
                      parts.size(), " pieces");
          }
          return to_list(parts);
        },
        py::arg("value"), py::arg("num_or_size_splits"), py::arg("axis") = 0, py::arg("num") = py::none(),
        py::arg("name") = py::none(), op_doc("split"));
  m.def("tile",
        [](py::handle input, py::handle multiples, py::handle) {
          return ops::tile(to_tensor(input, std::nullopt, "tile"), shape_from_py(multiples, "tile"));
        },
        py::arg("input"), py::arg("multiples"), py::arg("name") = py::none(), op_doc("tile"));
  m.def("broadcast_to",
        [](py::handle input, py::handle shape, py::handle) {
          return ops::broadcast_to(to_tensor(input, std::nullopt, "broadcast_to"), shape_from_py(shape, "broadcast_to"));
        },
        py::arg("input"), py::arg("shape"), py::arg("name") = py::none(), op_doc("broadcast_to"));
  m.def("pad",
        [](py::handle tensor, py::handle paddings, std::string mode, py::handle constant_values, py::handle) {
          Tensor x = to_tensor(tensor, std::nullopt, "pad");
          Tensor p = to_tensor_cast(paddings, std::nullopt, "pad");
          if (!is_integer(p.dtype())) throw_dtype_error("pad", p.dtype(), "an integer dtype for paddings");
          check_arg(p.ndim() == 2 && p.dim(1) == 2 && p.dim(0) == x.ndim(), "pad: paddings must have shape (",
                    x.ndim(), ", 2) for an input of shape ", shape_str(x.shape()), ", got shape ", shape_str(p.shape()));
          Tensor p64 = ops::cast(ops::contiguous(p), DType::Int64);
          std::vector<std::pair<int64_t, int64_t>> pads(x.ndim());
          for (int64_t d = 0; d < x.ndim(); ++d) pads[d] = {p64.data<int64_t>()[2 * d], p64.data<int64_t>()[2 * d + 1]};
          return ops::pad(x, pads, mode, scalar_arg(constant_values, x.dtype(), "pad", "constant_values"));
        },
        py::arg("tensor"), py::arg("paddings"), py::arg("mode") = "CONSTANT", py::arg("constant_values") = 0,
        py::arg("name") = py::none(), op_doc("pad"));
  m.def("gather",
        [](py::handle params, py::handle indices, py::handle, py::handle axis, py::handle batch_dims, py::handle) {
          Tensor p = to_tensor(params, std::nullopt, "gather");
          Tensor i = to_tensor(indices, std::nullopt, "gather");
          int64_t bd = int_arg(batch_dims, "gather", "batch_dims");
          // TF: axis defaults to batch_dims.
          int64_t ax = axis.is_none() ? bd : int_arg(axis, "gather", "axis");
          return ops::gather(p, i, ax, bd);
        },
        py::arg("params"), py::arg("indices"), py::arg("validate_indices") = py::none(), py::arg("axis") = py::none(),
        py::arg("batch_dims") = 0, py::arg("name") = py::none(), op_doc("gather"));
  m.def("one_hot",
        [](py::handle indices, py::handle depth, py::handle on_value, py::handle off_value, py::handle axis,
           py::handle dtype, py::handle) {
          Tensor idx = to_tensor(indices, std::nullopt, "one_hot");
          std::optional<DType> dt = optional_dtype(dtype);
          // TF: without dtype, a given on/off value decides it; else float32.
          if (!dt && !on_value.is_none()) dt = to_tensor(on_value, std::nullopt, "one_hot").dtype();
          if (!dt && !off_value.is_none()) dt = to_tensor(off_value, std::nullopt, "one_hot").dtype();
          DType out = dt.value_or(DType::Float32);
          double on = on_value.is_none() ? 1.0 : scalar_arg(on_value, out, "one_hot", "on_value");
          double off = off_value.is_none() ? 0.0 : scalar_arg(off_value, out, "one_hot", "off_value");
          int64_t ax = axis.is_none() ? -1 : int_arg(axis, "one_hot", "axis");
          return ops::one_hot(idx, int_arg(depth, "one_hot", "depth"), on, off, ax, out);
        },
        py::arg("indices"), py::arg("depth"), py::arg("on_value") = py::none(), py::arg("off_value") = py::none(),
        py::arg("axis") = py::none(), py::arg("dtype") = py::none(), py::arg("name") = py::none(), op_doc("one_hot"));
  m.def("boolean_mask",
        [](py::handle tensor, py::handle mask, py::handle axis, py::handle) {
          Tensor x = to_tensor(tensor, std::nullopt, "boolean_mask");
          Tensor msk = to_tensor(mask, std::nullopt, "boolean_mask");
          return ops::boolean_mask(x, msk, axis.is_none() ? 0 : int_arg(axis, "boolean_mask", "axis"));
        },
        py::arg("tensor"), py::arg("mask"), py::arg("axis") = py::none(), py::arg("name") = py::none(),
        op_doc("boolean_mask"));
  m.def("unsorted_segment_sum",
        [](py::handle data, py::handle segment_ids, py::handle num_segments, py::handle) {
          return ops::unsorted_segment_sum(to_tensor(data, std::nullopt, "unsorted_segment_sum"),
                                           to_tensor(segment_ids, std::nullopt, "unsorted_segment_sum"),
                                           int_arg(num_segments, "unsorted_segment_sum", "num_segments"));
        },
        py::arg("data"), py::arg("segment_ids"), py::arg("num_segments"), py::arg("name") = py::none(),
        op_doc("unsorted_segment_sum"));
  m.def("scatter_nd",
        [](py::handle indices, py::handle updates, py::handle shape, py::handle) {
          return ops::scatter_nd(to_tensor(indices, std::nullopt, "scatter_nd"),
                                 to_tensor(updates, std::nullopt, "scatter_nd"), shape_from_py(shape, "scatter_nd"));
        },
        py::arg("indices"), py::arg("updates"), py::arg("shape"), py::arg("name") = py::none(), op_doc("scatter_nd"));
  m.def("shape",
        [](py::handle input, py::handle out_type, py::handle) {
          Tensor x = to_tensor(input, std::nullopt, "shape");
          return int_vector(x.shape(), index_dtype(out_type, "shape"));
        },
        py::arg("input"), py::arg("out_type") = py::none(), py::arg("name") = py::none(), op_doc("shape"));
  m.def("shape_n",
        [](py::handle input, py::handle out_type, py::handle) {
          DType dt = index_dtype(out_type, "shape_n");
          py::list out;
          for (py::handle v : input) out.append(py::cast(int_vector(to_tensor(v, std::nullopt, "shape_n").shape(), dt)));
          return out;
        },
        py::arg("input"), py::arg("out_type") = py::none(), py::arg("name") = py::none(), op_doc("shape_n"));
  m.def("rank",
        [](py::handle input, py::handle) {
          Tensor out = Tensor::empty({}, DType::Int32);
          *out.data<int32_t>() = static_cast<int32_t>(to_tensor(input, std::nullopt, "rank").ndim());
          return out;
        },
        py::arg("input"), py::arg("name") = py::none(), op_doc("rank"));
  m.def("size",
        [](py::handle input, py::handle out_type, py::handle) {
          Tensor x = to_tensor(input, std::nullopt, "size");
          return ops::reshape(int_vector({x.numel()}, index_dtype(out_type, "size")), {});
        },
        py::arg("input"), py::arg("out_type") = py::none(), py::arg("name") = py::none(), op_doc("size"));
}

}  // namespace pt::bind
