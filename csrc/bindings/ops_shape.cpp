// Adapters of the shape family (TF's argument faces: perm, axis lists, paddings, one_hot's dtype rule...); split,
// whose piece count may be a number, and shape, shape_n, rank and size, which are no registry op, by hand.
#include <pybind11/stl.h>

#include "../graph/capture.h"
#include "op_binder.h"

namespace pt::bind {

namespace {

/** A 0-d numeric value as a double (for pad's constant_values and one_hot's on/off values). */
double scalar_arg(py::handle obj, DType dtype, const char* op, const char* what) {
  Tensor t = to_tensor(obj, dtype, op);
  check_arg(t.numel() == 1, op, ": ", what, " must be a scalar, got shape ", shape_str(t.shape()));
  return *ops::cast(ops::to_host(t), DType::Float64).data<double>();
}

/** A 1-D int tensor (int32 or int64) holding `vals`. */
Tensor int_vector(const std::vector<int64_t>& vals, DType dtype) { return ops::cast(ops::int64_vector(vals), dtype); }

/** out_type of shape/size: int32 or int64. */
DType index_dtype(py::handle out_type, const char* op) {
  // None stands for TF's default pt.int32 (the dtype objects do not exist yet when this module is built).
  if (out_type.is_none()) return DType::Int32;
  DType dt = dtype_from_py(out_type);
  if (dt != DType::Int32 && dt != DType::Int64) throw_dtype_error(op, dt, "int32 or int64 for out_type");
  return dt;
}

/** Throws when `num` is given and differs from the count of pieces. */
void check_num(py::handle num, size_t pieces, const char* op, const std::string& where, const char* unit = "") {
  if (num.is_none()) return;
  const int64_t n = int_arg(num, op, "num");
  check_arg(n == static_cast<int64_t>(pieces), op, ": num = ", n, " but ", where, pieces, unit);
}

}  // namespace

void bind_shape(py::module_& m) {
  add_adapter({OpId::transpose}, {"perm", "conjugate"}, [](const AdapterContext& c, Attrs& a) {
    auto p = axes_from_py(c.arg(0), c.name());
    const Tensor& x = c.inputs[0];
    // An explicit perm must list every dimension; only None means "reverse".
    if (p && static_cast<int64_t>(p->size()) != x.ndim())
      throw InvalidArgument(str_cat("transpose: perm has ", p->size(), " entries but the input of shape ",
                                    shape_str(x.shape()), " has rank ", x.ndim(), "; give one per dimension"));
    attrs_as<attrs::Ints>(c.op, a).values = p.value_or(std::vector<int64_t>{});
  });
  add_adapter({OpId::squeeze}, {"axis"}, [](const AdapterContext& c, Attrs& a) {
    attrs_as<attrs::Ints>(c.op, a).values = axes_from_py(c.arg(0), c.name()).value_or(std::vector<int64_t>{});
  });
  add_adapter({OpId::tile}, {"multiples"}, [](const AdapterContext& c, Attrs& a) {
    attrs_as<attrs::Ints>(c.op, a).values = shape_from_py(c.arg(0), c.name());
  });
  add_adapter({OpId::unstack}, {"num", "axis"}, [](const AdapterContext& c, Attrs& a) {
    const int64_t axis = attrs_as<attrs::Axis>(c.op, a).axis = int_arg(c.arg(1), c.name(), "axis");
    const Tensor& x = c.inputs[0];
    if (axis >= -x.ndim() && axis < x.ndim())  // else the op names the bad axis
      check_num(c.arg(0), x.dim(axis < 0 ? axis + x.ndim() : axis), c.name(),
                str_cat("dimension ", axis, " of shape ", shape_str(x.shape()), " has size "));
  });
  add_adapter({OpId::pad}, {"paddings", "constant_values"}, [](const AdapterContext& c, Attrs& a) {
    const Tensor& x = c.inputs[0];
    Tensor p = to_tensor_cast(c.arg(0), std::nullopt, "pad");
    if (!is_integer(p.dtype())) throw_dtype_error("pad", p.dtype(), "an integer dtype for paddings");
    check_arg(p.ndim() == 2 && p.dim(1) == 2 && p.dim(0) == x.ndim(), "pad: paddings must have shape (", x.ndim(),
              ", 2) for an input of shape ", shape_str(x.shape()), ", got shape ", shape_str(p.shape()));
    Tensor p64 = ops::cast(ops::to_host(p), DType::Int64);
    auto& pad = attrs_as<attrs::Pad>(c.op, a);
    for (int64_t d = 0; d < x.ndim(); ++d) pad.paddings.push_back({p64.data<int64_t>()[2 * d], p64.data<int64_t>()[2 * d + 1]});
    pad.constant_values = scalar_arg(c.arg(1), x.dtype(), "pad", "constant_values");
  });
  add_adapter({OpId::gather}, {"validate_indices", "axis", "batch_dims"}, [](const AdapterContext& c, Attrs& a) {
    auto& g = attrs_as<attrs::Gather>(c.op, a);
    g.batch_dims = int_arg(c.arg(2), c.name(), "batch_dims");
    g.axis = c.arg(1).is_none() ? g.batch_dims : int_arg(c.arg(1), c.name(), "axis");  // TF: axis defaults to batch_dims
  });
  add_adapter({OpId::one_hot}, {"on_value", "off_value", "dtype"}, [](const AdapterContext& c, Attrs& a) {
    std::optional<DType> dt = optional_dtype(c.arg(2));
    // TF: without dtype, a given on/off value decides it; else float32.
    if (!dt && !c.arg(0).is_none()) dt = to_tensor(c.arg(0), std::nullopt, "one_hot").dtype();
    if (!dt && !c.arg(1).is_none()) dt = to_tensor(c.arg(1), std::nullopt, "one_hot").dtype();
    auto& o = attrs_as<attrs::OneHot>(c.op, a);
    o.dtype = dt.value_or(DType::Float32);
    if (!c.arg(0).is_none()) o.on_value = scalar_arg(c.arg(0), o.dtype, "one_hot", "on_value");
    if (!c.arg(1).is_none()) o.off_value = scalar_arg(c.arg(1), o.dtype, "one_hot", "off_value");
  });
  def_function(m, "split", [](const Call& c) -> py::object {
    Tensor x = to_tensor(c[0], std::nullopt, "split");
    int64_t ax = int_arg(c[2], "split", "axis");
    py::handle s = c[1];
    bool scalar = is_tensor_like(s) ? to_tensor(s, std::nullopt, "split").ndim() == 0
                                    : !py::isinstance<py::sequence>(s) && PyIndex_Check(s.ptr());
    std::vector<Tensor> parts = scalar ? ops::split_num(x, int_arg(s, "split", "num_or_size_splits"), ax)
                                       : ops::split(x, shape_from_py(s, "split"), ax);
    check_num(c[3], parts.size(), "split", "the split gives ", " pieces");
    return py::cast(parts);
  });
  def_function(m, "shape", [](const Call& c) -> py::object {
    Tensor x = to_tensor(c[0], std::nullopt, "shape");
    graph::note_size_read(x);  // (a constant, not a node: its numbers are the trace's sizes)
    return py::cast(int_vector(x.shape(), index_dtype(c[1], "shape")));
  });
  def_function(m, "shape_n", [](const Call& c) -> py::object {
    DType dt = index_dtype(c[1], "shape_n");
    py::list out;
    for (py::handle v : c[0]) {
      Tensor x = to_tensor(v, std::nullopt, "shape_n");
      graph::note_size_read(x);
      out.append(py::cast(int_vector(x.shape(), dt)));
    }
    return out;
  });
  def_function(m, "rank", [](const Call& c) -> py::object {
    Tensor out = Tensor::empty({}, DType::Int32);
    *out.data<int32_t>() = static_cast<int32_t>(to_tensor(c[0], std::nullopt, "rank").ndim());
    return py::cast(out);
  });
  def_function(m, "size", [](const Call& c) -> py::object {
    Tensor x = to_tensor(c[0], std::nullopt, "size");
    graph::note_size_read(x);
    return py::cast(ops::reshape(int_vector({x.numel()}, index_dtype(c[1], "size")), {}));
  });
}

}  // namespace pt::bind
