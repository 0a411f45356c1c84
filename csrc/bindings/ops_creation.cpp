// Adapters of the creation family (fill, eye); range and linspace, whose dtype comes from their values, by hand.
// zeros, ones and *_like are generated.
#include "op_binder.h"

namespace pt::bind {

namespace {

/** A scalar argument as a 0-d tensor (shape (1,) is rejected like TF's scalar attributes). */
Tensor scalar_arg(py::handle obj, std::optional<DType> dtype, const char* op, const char* what) {
  Tensor t = dtype ? to_tensor_cast(obj, dtype, op) : to_tensor(obj, std::nullopt, op);
  check_arg(t.ndim() == 0, op, ": ", what, " must be a scalar, got a tensor of shape ", shape_str(t.shape()));
  return t;
}

/** The value of a 0-d tensor as a double (exact for every int32 and float, and int64 below 2^53). */
double scalar_value(const Tensor& t) { return *ops::cast(ops::to_host(t), DType::Float64).data<double>(); }

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
  add_adapter({OpId::fill}, {"dims", "value"}, [](const AdapterContext& c, Attrs& a) {
    auto& f = attrs_as<attrs::Fill>(c.op, a);
    f.shape = shape_from_py(c.arg(0), c.name());
    f.value = scalar_arg(c.arg(1), std::nullopt, c.name(), "value");
  });
  add_adapter({OpId::eye}, {"num_rows", "num_columns"}, [](const AdapterContext& c, Attrs& a) {
    auto& e = attrs_as<attrs::Eye>(c.op, a);
    e.num_rows = int_arg(c.arg(0), c.name(), "num_rows");
    e.num_columns = c.arg(1).is_none() ? e.num_rows : int_arg(c.arg(1), c.name(), "num_columns");
  });
  def_function(m, "range", [](const Call& c) -> py::object {
    // TF: range(limit) counts from 0; args convert to `dtype`, or else to the widest of their
    // dtypes in int32 < int64 < float32 < float64 (Python ints are int32, floats float32).
    py::object zero = py::int_(0);
    py::handle s = c[1].is_none() ? zero : c[0], l = c[1].is_none() ? c[0] : c[1];
    const std::optional<DType> dt =
        c[3].is_none() ? std::nullopt : std::optional<DType>(dtype_arg(c[3], "range", "dtype"));
    Tensor ts = scalar_arg(s, dt, "range", "start"), tl = scalar_arg(l, dt, "range", "limit"),
           td = scalar_arg(c[2], dt, "range", "delta");
    DType out = dt.value_or(DType::Int32);
    if (!dt) {
      for (const Tensor* t : {&ts, &tl, &td}) {
        if (dtype_rank(t->dtype()) < 0) throw_dtype_error("range", t->dtype(), "int32, int64, float32 or float64");
        if (dtype_rank(t->dtype()) > dtype_rank(out)) out = t->dtype();
      }
    }
    return py::cast(ops::range(scalar_value(ts), scalar_value(tl), scalar_value(td), out));
  });
  def_function(m, "linspace", [](const Call& c) -> py::object {
    // Python numbers (ints too) give float32; float tensors keep their dtype.
    auto float_dtype = [](py::handle v) -> std::optional<DType> {
      if (!is_tensor_like(v)) return std::nullopt;
      DType d = to_tensor(v, std::nullopt, "linspace").dtype();
      return is_floating(d) ? std::optional<DType>(d) : std::nullopt;
    };
    std::optional<DType> a = float_dtype(c[0]), b = float_dtype(c[1]);
    if (a && b && *a != *b)
      throw TypeError(str_cat("linspace: start and stop have different dtypes, ", dtype_name(*a), " and ",
                              dtype_name(*b), "; cast one with pt.cast"));
    DType dt = a ? *a : b ? *b : DType::Float32;
    Tensor ts = scalar_arg(c[0], dt, "linspace", "start (N-d linspace is not supported)");
    Tensor te = scalar_arg(c[1], dt, "linspace", "stop (N-d linspace is not supported)");
    int64_t ax = int_arg(c[4], "linspace", "axis");
    check_arg(ax == 0 || ax == -1, "linspace: axis must be 0 or -1 for scalar start and stop, got ", ax);
    return py::cast(ops::linspace(scalar_value(ts), scalar_value(te), int_arg(c[2], "linspace", "num"), dt));
  });
}

}  // namespace pt::bind
