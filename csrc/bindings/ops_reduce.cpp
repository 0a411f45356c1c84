// Bindings of the reduce family, with TF's signatures.
#include <pybind11/stl.h>

#include "bindings.h"
#include "convert.h"
#include "docs.h"
#include "docs.h"

namespace pt::bind {

namespace {

/** argmax / argmin's axis: None means 0 (as TF); an int or a one-element int tensor / list otherwise. */
int64_t arg_axis(py::handle axis, const char* op) {
  std::optional<std::vector<int64_t>> axes = axes_from_py(axis, op);
  if (!axes) return 0;
  if (axes->size() != 1)
    throw InvalidArgument(str_cat(op, ": axis must be a single integer, got ", axes->size(), " values"));
  return (*axes)[0];
}

}  // namespace

void bind_reduce(py::module_& m) {
  py::options docs;  // the op table's docstrings start with TF's signature; pybind's would type everything `object`
  docs.disable_function_signatures();
  const OpId reductions[] = {OpId::reduce_sum, OpId::reduce_mean, OpId::reduce_max,       OpId::reduce_min,
                             OpId::reduce_prod, OpId::reduce_logsumexp, OpId::reduce_any, OpId::reduce_all};
  for (OpId id : reductions) {
    m.def(op_def(id).name,
          [id](py::handle input_tensor, py::handle axis, bool keepdims, py::handle) {
            const char* op = op_def(id).name;
            Tensor x = to_tensor(input_tensor, std::nullopt, op);
            std::optional<std::vector<int64_t>> axes = axes_from_py(axis, op);
            return ops::reduce(id, x, axes.value_or(std::vector<int64_t>{}), !axes.has_value(), keepdims);
          },
          py::arg("input_tensor"), py::arg("axis") = py::none(), py::arg("keepdims") = false,
          py::arg("name") = py::none(), op_doc(op_def(id).name));
  }
  for (OpId id : {OpId::argmax, OpId::argmin}) {
    m.def(op_def(id).name,
          [id](py::handle input, py::handle axis, py::handle output_type, py::handle) {
            const char* op = op_def(id).name;
            Tensor x = to_tensor(input, std::nullopt, op);
            DType out = output_type.is_none() ? DType::Int64 : dtype_from_py(output_type);
            return ops::arg_reduce(id, x, arg_axis(axis, op), out);
          },
          py::arg("input"), py::arg("axis") = py::none(), py::arg("output_type") = py::none(),
          py::arg("name") = py::none(), op_doc(op_def(id).name));
  }
}

}  // namespace pt::bind
