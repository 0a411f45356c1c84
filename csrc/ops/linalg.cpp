// Linalg family: matmul (batched, broadcast batch dimensions, transposes as strides).
#include <utility>

#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "grad_utils.h"
#include "complex_parts.h"
#include "define_op.h"
#include "ops.h"

namespace pt::ops {

namespace {

/** Rows and columns of an operand's last two dimensions, swapped when transposed. */
std::pair<int64_t, int64_t> matrix_shape(const Tensor& x, bool transpose) {
  const int64_t rows = x.shape()[x.ndim() - 2], cols = x.shape()[x.ndim() - 1];
  return transpose ? std::make_pair(cols, rows) : std::make_pair(rows, cols);
}

std::string flags_str(bool transpose_a, bool transpose_b) {
  if (!transpose_a && !transpose_b) return "";
  return str_cat(" (transpose_a=", transpose_a ? "True" : "False", ", transpose_b=", transpose_b ? "True" : "False",
                 ")");
}

}  // namespace

static Tensor matmul_kernel(const Tensor& a_in, const Tensor& b_in, bool transpose_a, bool transpose_b) {
  if (a_in.dtype() != b_in.dtype())
    throw TypeError(str_cat("matmul: cannot multiply ", dtype_name(a_in.dtype()), " (shape ", shape_str(a_in.shape()),
                            ") by ", dtype_name(b_in.dtype()), " (shape ", shape_str(b_in.shape()),
                            "); cast one operand with pt.cast(x, dtype)"));
  const DType dt = a_in.dtype();
  // TF's MatMul op does not accept int8 / int16 (InvalidArgumentError); its CPU kernels leave out the wide
  // unsigned types (NotFoundError). Raising TF's classes keeps `except` clauses written for TF working.
  if (dt == DType::Int8 || dt == DType::Int16)
    throw InvalidArgument(str_cat("matmul: dtype ", dtype_name(dt), " is not one TF's MatMul accepts (bfloat16, "
                                  "float16, float32, float64, int32, int64, uint8, uint16, uint32, uint64, "
                                  "complex64, complex128); cast both operands first, e.g. pt.cast(x, pt.int32)"));
  if (dt == DType::UInt16 || dt == DType::UInt32 || dt == DType::UInt64)
    throw NotFound(str_cat("matmul: no CPU kernel for dtype ", dtype_name(dt),
                           " (TF registers none either); cast both operands first, e.g. pt.cast(x, pt.int64)"));
  backend::MatmulKernel* run = backend::kernel<backend::MatmulKernel>(OpId::matmul, a_in.device(), dt);
  if (a_in.ndim() < 2 || b_in.ndim() < 2)
    throw InvalidArgument(str_cat("matmul: both operands must have rank >= 2, got shapes ", shape_str(a_in.shape()),
                                  " and ", shape_str(b_in.shape()),
                                  "; make a vector a matrix with pt.expand_dims or pt.reshape, or use "
                                  "pt.tensordot / pt.linalg.matvec"));
  const auto [a_rows, a_cols] = matrix_shape(a_in, transpose_a);
  const auto [b_rows, b_cols] = matrix_shape(b_in, transpose_b);
  if (a_cols != b_rows)
    throw InvalidArgument(str_cat("matmul: inner dimensions do not match: a has shape ", shape_str(a_in.shape()),
                                  " and b has shape ", shape_str(b_in.shape()), flags_str(transpose_a, transpose_b),
                                  ", so a's columns (", a_cols, ") differ from b's rows (", b_rows,
                                  "); transpose or reshape an operand (transpose_a / transpose_b) so they agree"));
  const Shape batch_a(a_in.shape().begin(), a_in.shape().end() - 2);
  const Shape batch_b(b_in.shape().begin(), b_in.shape().end() - 2);
  Shape batch_shape;
  try {
    batch_shape = broadcast_shapes(batch_a, batch_b, "matmul");
  } catch (const InvalidArgument&) {
    throw InvalidArgument(str_cat("matmul: batch dimensions do not broadcast: a has shape ", shape_str(a_in.shape()),
                                  " and b has shape ", shape_str(b_in.shape()), ", batch shapes ", shape_str(batch_a),
                                  " and ", shape_str(batch_b),
                                  "; each leading dimension must match or be 1 (use pt.expand_dims / pt.tile)"));
  }

  Shape out_shape = batch_shape;
  out_shape.push_back(a_rows);
  out_shape.push_back(b_cols);
  Tensor out = Tensor::empty(out_shape, dt, a_in.device());
  if (out.numel() > 0) run(a_in, b_in, transpose_a, transpose_b, batch_shape, out);
  return out;
}

}  // namespace pt::ops

namespace pt::ops {

Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b) {
  // float16 / bfloat16 products accumulate in float32, each output rounded once.
  if (computes_in_float32(a.dtype()) && a.dtype() == b.dtype())
    return cast(matmul(widened(a), widened(b), transpose_a, transpose_b), a.dtype());
  if (is_complex(a.dtype()) && a.dtype() == b.dtype()) {  // (ar + i ai)(br + i bi) by four real products
    auto [ar, ai] = complex_parts(a);
    auto [br, bi] = complex_parts(b);
    const auto mm = [&](const Tensor& x, const Tensor& y) { return matmul(x, y, transpose_a, transpose_b); };
    return make_complex(binary(OpId::subtract, mm(ar, br), mm(ai, bi)),
                        binary(OpId::add, mm(ar, bi), mm(ai, br)), a.dtype());
  }
  PT_OP_SCOPE;
  Tensor out = matmul_kernel(a, b, transpose_a, transpose_b);
  PT_RECORD(OpId::matmul, {a, b}, {out}, attrs::Matmul{transpose_a, transpose_b});
  return out;
}

namespace {

/** TF's MatMul gradient for each transpose combination; batch broadcasting is undone by sum_to. */
std::vector<Tensor> grad_matmul(const autograd::Node& n, const std::vector<Tensor>& gs) {
  const Tensor& a = n.inputs[0];
  const Tensor& b = n.inputs[1];
  const Tensor& g = gs[0];
  const auto& [ta, tb] = n.attr<attrs::Matmul>();
  // Each side is a full GEMM: skip the one the sweep does not need (e.g. the input batch of a layer).
  Tensor ga, gb;
  if (n.wants(0)) {
    if (!ta) ga = tb ? matmul(g, b, false, false) : matmul(g, b, false, true);
    else ga = tb ? matmul(b, g, true, true) : matmul(b, g, false, true);
    ga = autograd::sum_to(ga, a.shape());
  }
  if (n.wants(1)) {
    if (!tb) gb = ta ? matmul(a, g, false, false) : matmul(a, g, true, false);
    else gb = ta ? matmul(g, a, true, true) : matmul(g, a, true, false);
    gb = autograd::sum_to(gb, b.shape());
  }
  return {ga, gb};
}

// ---- each op's definition: how a recorded node runs it, its gradient, its docstring, the TF modules exporting it

const bool defined = [] {
  define_op(OpId::matmul)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& m = node.attr<attrs::Matmul>();
        return {matmul(node.in(0), node.in(1), m.transpose_a, m.transpose_b)};
      })
      .gradient(grad_matmul)
      .doc("matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False, a_is_sparse=False, "
           "b_is_sparse=False, output_type=None, name=None)",
           "Multiplies matrix `a` by matrix `b`, producing `a` * `b`.",
           "a: a tensor of rank >= 2.\n"
           "b: a tensor of rank >= 2 with a's dtype.\n"
           "transpose_a: if True, a is transposed before the product.\n"
           "transpose_b: if True, b is transposed before the product.\n"
           "adjoint_a: for real dtypes the same as transpose_a.\n"
           "adjoint_b: for real dtypes the same as transpose_b.\n"
           "a_is_sparse: a hint TensorFlow accepts; ignored.\n"
           "b_is_sparse: a hint TensorFlow accepts; ignored.\n"
           "output_type: None or a's dtype (the result always has a's dtype; cast it with pt.cast).",
           "pt.matmul([[1.0, 2.0]], [[3.0], [4.0]])  # [[11.]]")
      .exports("tf tf.linalg");
  return true;
}();

}  // namespace

}  // namespace pt::ops
