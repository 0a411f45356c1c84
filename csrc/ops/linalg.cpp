// Linalg family: matmul (batched, broadcast batch dimensions, transposes as strides).
#include "../backend/cpu/gemm.h"
#include "../autograd/grad_utils.h"
#include "ops.h"

namespace pt::ops {

namespace {

/** The last two dimensions of an operand as a matrix view: transposition only swaps strides. */
struct MatrixDims {
  int64_t rows, cols, row_stride, col_stride;
};

MatrixDims matrix_dims(const Tensor& x, bool transpose) {
  const int64_t nd = x.ndim();
  MatrixDims d{x.shape()[nd - 2], x.shape()[nd - 1], x.strides()[nd - 2], x.strides()[nd - 1]};
  if (transpose) {
    std::swap(d.rows, d.cols);
    std::swap(d.row_stride, d.col_stride);
  }
  return d;
}

/** Element offsets of each matrix of `x` in the broadcast batch `batch_shape` (row-major batch order). */
std::vector<int64_t> batch_offsets(const Tensor& x, const Shape& batch_shape) {
  const Shape own(x.shape().begin(), x.shape().end() - 2);
  const Strides own_strides(x.strides().begin(), x.strides().end() - 2);
  const Strides s = broadcast_strides(own, own_strides, batch_shape);
  const int64_t count = numel(batch_shape), nd = static_cast<int64_t>(batch_shape.size());
  std::vector<int64_t> offsets(count);
  std::vector<int64_t> idx(nd, 0);
  int64_t off = 0;
  for (int64_t i = 0; i < count; ++i) {
    offsets[i] = off;
    // Odometer step over the batch index, keeping the offset in sync.
    for (int64_t d = nd - 1; d >= 0; --d) {
      off += s[d];
      if (++idx[d] < batch_shape[d]) break;
      off -= s[d] * batch_shape[d];
      idx[d] = 0;
    }
  }
  return offsets;
}

/** True when Eigen can read every matrix of `x` in place. */
bool can_map(const Tensor& x) {
  const MatrixDims d = matrix_dims(x, false);
  return cpu::gemm_can_map(d.rows, d.cols, d.row_stride, d.col_stride);
}

template <class T>
void run_gemm(const Tensor& a, const MatrixDims& da, const std::vector<int64_t>& a_off, const Tensor& b,
              const MatrixDims& db, const std::vector<int64_t>& b_off, const Tensor& out, int64_t batch) {
  cpu::gemm_batched<T>(batch, da.rows, db.cols, da.cols, {a.data<T>(), da.row_stride, da.col_stride}, a_off.data(),
                       {b.data<T>(), db.row_stride, db.col_stride}, b_off.data(), out.data<T>());
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
  if (dt != DType::Float32 && dt != DType::Float64 && dt != DType::Int32 && dt != DType::Int64)
    throw_dtype_error("matmul", dt, "float32, float64, int32 or int64; cast first with pt.cast");
  if (a_in.ndim() < 2 || b_in.ndim() < 2)
    throw InvalidArgument(str_cat("matmul: both operands must have rank >= 2, got shapes ", shape_str(a_in.shape()),
                                  " and ", shape_str(b_in.shape()),
                                  "; make a vector a matrix with pt.expand_dims or pt.reshape, or use "
                                  "pt.tensordot / pt.linalg.matvec"));
  const MatrixDims da0 = matrix_dims(a_in, transpose_a), db0 = matrix_dims(b_in, transpose_b);
  if (da0.cols != db0.rows)
    throw InvalidArgument(str_cat("matmul: inner dimensions do not match: a has shape ", shape_str(a_in.shape()),
                                  " and b has shape ", shape_str(b_in.shape()), flags_str(transpose_a, transpose_b),
                                  ", so a's columns (", da0.cols, ") differ from b's rows (", db0.rows,
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

  // Eigen reads a matrix in place when one of its last two strides is 1; other layouts get a dense copy.
  const Tensor a = can_map(a_in) ? a_in : contiguous(a_in);
  const Tensor b = can_map(b_in) ? b_in : contiguous(b_in);
  const MatrixDims da = matrix_dims(a, transpose_a), db = matrix_dims(b, transpose_b);
  Shape out_shape = batch_shape;
  out_shape.push_back(da.rows);
  out_shape.push_back(db.cols);
  Tensor out = Tensor::empty(out_shape, dt);
  const int64_t batch = numel(batch_shape);
  if (out.numel() == 0) return out;
  const std::vector<int64_t> a_off = batch_offsets(a, batch_shape), b_off = batch_offsets(b, batch_shape);

  switch (dt) {
    case DType::Float32: run_gemm<float>(a, da, a_off, b, db, b_off, out, batch); break;
    case DType::Float64: run_gemm<double>(a, da, a_off, b, db, b_off, out, batch); break;
    case DType::Int32: run_gemm<int32_t>(a, da, a_off, b, db, b_off, out, batch); break;
    default: run_gemm<int64_t>(a, da, a_off, b, db, b_off, out, batch); break;
  }
  return out;
}

}  // namespace pt::ops

namespace pt::ops {

Tensor matmul(const Tensor& a, const Tensor& b, bool transpose_a, bool transpose_b) {
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

const bool registered = autograd::register_gradient(OpId::matmul, grad_matmul);

}  // namespace
}  // namespace pt::ops
