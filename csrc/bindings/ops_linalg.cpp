// Adapter of matmul: TF's adjoint flags (real dtypes: the transpose) and output_type.
#include "op_binder.h"

namespace pt::bind {

void bind_linalg(py::module_&) {
  add_adapter({OpId::matmul}, {"transpose_a", "transpose_b", "adjoint_a", "adjoint_b", "a_is_sparse", "b_is_sparse",
                               "output_type"},
              [](const AdapterContext& c, Attrs& a) {
                const bool ta = c.arg(0).cast<bool>(), tb = c.arg(1).cast<bool>();
                const bool aa = c.arg(2).cast<bool>(), ab = c.arg(3).cast<bool>();
                check_arg(!(ta && aa), "matmul: only one of transpose_a and adjoint_a can be True");
                check_arg(!(tb && ab), "matmul: only one of transpose_b and adjoint_b can be True");
                const DType dt = c.inputs[0].dtype();
                if (std::optional<DType> out = optional_dtype(c.arg(6)); out && *out != dt)
                  throw TypeError(str_cat("matmul: output_type ", dtype_name(*out), " differs from the operands' ",
                                          "dtype ", dtype_name(dt), "; only the operands' dtype is supported, cast ",
                                          "the result with pt.cast"));
                auto& m = attrs_as<attrs::Matmul>(c.op, a);
                m.transpose_a = ta || aa;
                m.transpose_b = tb || ab;
              });
}

}  // namespace pt::bind
