// Bindings of the unary and binary families.
#include <pybind11/stl.h>

#include "bindings.h"
#include "docs.h"
#include "op_binder.h"

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
  add_adapter({OpId::fused_elementwise}, {"program"}, [](const AdapterContext& c, Attrs& a) {
    auto& e = attrs_as<attrs::Elementwise>(c.op, a);
    e.num_inputs = static_cast<int32_t>(c.inputs.size());
    for (py::handle item : c.arg(0)) {
      if (!py::isinstance<py::sequence>(item) || py::isinstance<py::str>(item) || py::len(item) != 3)
        throw TypeError(str_cat(c.name(), ": each program step must be a tuple (op name, a, b), got ",
                                std::string(py::repr(item))));
      auto step = py::reinterpret_borrow<py::sequence>(item);
      e.program.push_back({registry_op(step[0].cast<std::string>()), step[1].cast<int32_t>(), step[2].cast<int32_t>()});
    }
  });
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
  def_function(m, "cast", [](const Call& c) {
    return py::cast(ops::cast(to_tensor_cast(c[0], std::nullopt, "cast"), dtype_arg(c[1], "cast", "dtype")));
  });
  def_function(m, "where", [](const Call& c) -> py::object {
    if (c[1].is_none() && c[2].is_none()) return py::cast(ops::where_indices(to_tensor(c[0], std::nullopt, "where")));
    Tensor cond = to_tensor(c[0], DType::Bool, "where");
    if (c[1].is_none() || c[2].is_none())
      throw InvalidArgument("where: x and y must both be given, or both be None (to get indices)");
    auto [a, b] = binary_operands(c[1], c[2], "where");
    return py::cast(ops::where(cond, a, b));
  });
  def_function(m, "clip_by_value", [](const Call& c) {
    Tensor x = to_tensor(c[0], std::nullopt, "clip_by_value");
    return py::cast(ops::clip_by_value(x, to_tensor(c[1], x.dtype(), "clip_by_value"),
                                       to_tensor(c[2], x.dtype(), "clip_by_value")));
  });
}

}  // namespace pt::bind
