// Bindings of the unary and binary families.
#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "docs.h"

namespace pt::bind {

namespace {
/** Converts a binary op's operands: a tensor operand fixes the dtype Python values convert to. */
std::pair<Tensor, Tensor> binary_operands(py::handle x, py::handle y, const char* op) {
  if (is_tensor_like(x)) {
    Tensor a = to_tensor(x, std::nullopt, op);
    return {a, to_tensor(y, a.dtype(), op)};
  }
  if (is_tensor_like(y)) {
    Tensor b = to_tensor(y, std::nullopt, op);
    return {to_tensor(x, b.dtype(), op), b};
  }
  Tensor a = to_tensor(x, std::nullopt, op);
  return {a, to_tensor(y, a.dtype(), op)};
}
}  // namespace

void bind_elementwise(py::module_& m) {
  py::options docs;  // the op table's docstrings start with TF's signature; pybind's would type everything `object`
  docs.disable_function_signatures();
  for (const OpDef& d : op_registry()) {
    OpId id = static_cast<OpId>(&d - op_registry().data());
    std::string family = d.family;
    if (family == "unary" && id != OpId::cast) {
      m.def(d.name, [id](py::handle x, py::handle) { return ops::unary(id, to_tensor(x, std::nullopt, op_def(id).name)); },
            py::arg("x"), py::arg("name") = py::none(), op_doc(d.name));
    } else if (family == "binary" && d.num_inputs == 2) {
      m.def(d.name,
            [id](py::handle x, py::handle y, py::handle) {
              auto [a, b] = binary_operands(x, y, op_def(id).name);
              return ops::binary(id, a, b);
            },
            py::arg("x"), py::arg("y"), py::arg("name") = py::none(), op_doc(d.name));
    }
  }
  m.def("cast",
        [](py::handle x, py::handle dtype, py::handle) {
          return ops::cast(to_tensor_cast(x, std::nullopt, "cast"), dtype_from_py(dtype));
        },
        py::arg("x"), py::arg("dtype"), py::arg("name") = py::none(), op_doc("cast"));
  m.def("where",
        [](py::handle condition, py::handle x, py::handle y, py::handle) -> py::object {
          if (x.is_none() && y.is_none()) return py::cast(ops::where_indices(to_tensor(condition, std::nullopt, "where")));
          Tensor c = to_tensor(condition, DType::Bool, "where");
          if (x.is_none() || y.is_none())
            throw InvalidArgument("where: x and y must both be given, or both be None (to get indices)");
          auto [a, b] = binary_operands(x, y, "where");
          return py::cast(ops::where(c, a, b));
        },
        py::arg("condition"), py::arg("x") = py::none(), py::arg("y") = py::none(), py::arg("name") = py::none(),
        op_doc("where"));
  m.def("clip_by_value",
        [](py::handle t, py::handle lo, py::handle hi, py::handle) {
          Tensor x = to_tensor(t, std::nullopt, "clip_by_value");
          return ops::clip_by_value(x, to_tensor(lo, x.dtype(), "clip_by_value"),
                                    to_tensor(hi, x.dtype(), "clip_by_value"));
        },
        py::arg("t"), py::arg("clip_value_min"), py::arg("clip_value_max"), py::arg("name") = py::none(),
        op_doc("clip_by_value"));
}

}  // namespace pt::bind
