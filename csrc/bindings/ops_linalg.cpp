// Bindings of the linalg family.
#include "bindings.h"
#include "convert.h"
#include "docs.h"

namespace pt::bind {

namespace {
/** Converts matmul's operands: a tensor operand fixes the dtype that Python values convert to. */
std::pair<Tensor, Tensor> matmul_operands(py::handle x, py::handle y) {
  if (!is_tensor_like(x) && is_tensor_like(y)) {
    Tensor b = to_tensor(y, std::nullopt, "matmul");
    return {to_tensor(x, b.dtype(), "matmul"), b};
  }
  Tensor a = to_tensor(x, std::nullopt, "matmul");
  return {a, to_tensor(y, a.dtype(), "matmul")};
}
}  // namespace

void bind_linalg(py::module_& m) {
  py::options docs;  // the op table's docstrings start with TF's signature; pybind's would type everything `object`
  docs.disable_function_signatures();
  m.def(
      "matmul",
      [](py::handle a, py::handle b, bool transpose_a, bool transpose_b, bool adjoint_a, bool adjoint_b,
         bool /*a_is_sparse*/, bool /*b_is_sparse*/, py::handle output_type, py::handle /*name*/) {
        // Real dtypes only, so the adjoint is the transpose; TF rejects asking for both.
        if (transpose_a && adjoint_a)
          throw InvalidArgument("matmul: only one of transpose_a and adjoint_a can be True");
        if (transpose_b && adjoint_b)
          throw InvalidArgument("matmul: only one of transpose_b and adjoint_b can be True");
        auto [x, y] = matmul_operands(a, b);
        if (std::optional<DType> out = optional_dtype(output_type); out && *out != x.dtype())
          throw TypeError(str_cat("matmul: output_type ", dtype_name(*out), " differs from the operands' dtype ",
                                  dtype_name(x.dtype()), "; only the operands' dtype is supported, cast the "
                                  "result with pt.cast"));
        return ops::matmul(x, y, transpose_a || adjoint_a, transpose_b || adjoint_b);
      },
      py::arg("a"), py::arg("b"), py::arg("transpose_a") = false, py::arg("transpose_b") = false,
      py::arg("adjoint_a") = false, py::arg("adjoint_b") = false, py::arg("a_is_sparse") = false,
      py::arg("b_is_sparse") = false, py::arg("output_type") = py::none(), py::arg("name") = py::none(),
      op_doc("matmul"));
}

}  // namespace pt::bind
