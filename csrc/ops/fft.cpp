// fft family: TF's discrete Fourier transforms over the innermost 1 / 2 / 3 dims (FFT, IFFT, RFFT, IRFFT and their
// 2-D / 3-D forms): dtype and rank checks, rfft / irfft's crop or zero-pad to fft_length, the kernel call, and the
// gradients (TF's formulas, written with public ops).
#include <vector>

#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "complex_parts.h"
#include "grad_utils.h"
#include "define_op.h"
#include "ops.h"

namespace pt::ops {

namespace {

/** The count of innermost dims op transforms: 1, 2 or 3. */
int64_t fft_rank(OpId op) {
  switch (op) {
    case OpId::fft2d: case OpId::ifft2d: case OpId::rfft2d: case OpId::irfft2d: return 2;
    case OpId::fft3d: case OpId::ifft3d: case OpId::rfft3d: case OpId::irfft3d: return 3;
    default: return 1;
  }
}

bool is_rfft(OpId op) { return op == OpId::rfft || op == OpId::rfft2d || op == OpId::rfft3d; }
bool is_irfft(OpId op) { return op == OpId::irfft || op == OpId::irfft2d || op == OpId::irfft3d; }

/** The complex dtype of a real dtype's parts (float32 -> complex64, float64 -> complex128). */
DType complex_of(DType real) { return real == DType::Float32 ? DType::Complex64 : DType::Complex128; }

/** Shape check shared by every fft op: the input has the dims the op transforms (TF's message). */
void check_rank(OpId op, const Tensor& x) {
  const int64_t rank = fft_rank(op);
  check_arg(x.ndim() >= rank, op_def(op).name, ": the input must have rank of at least ", rank, " but got shape ",
            shape_str(x.shape()));
}

/** x with its innermost dims cut or zero-padded to `sizes`, by recorded ops (so tapes see the crop / pad). */
Tensor crop_or_pad(const Tensor& x, const std::vector<int64_t>& sizes) {
  const int64_t first = x.ndim() - static_cast<int64_t>(sizes.size());
  bool crop = false;
  std::vector<IndexItem> items{IndexItem{IndexItem::Ellipsis, 0, std::nullopt, std::nullopt, std::nullopt}};
  for (size_t i = 0; i < sizes.size(); ++i) {
    const int64_t have = x.dim(first + static_cast<int64_t>(i));
    crop = crop || have > sizes[i];
    items.push_back(IndexItem{IndexItem::Slice, 0, 0, std::min(have, sizes[i]), std::nullopt});
  }
  Tensor y = crop ? strided_slice(x, items) : x;
  for (size_t i = 0; i < sizes.size(); ++i) {
    const int64_t axis = first + static_cast<int64_t>(i);
    if (y.dim(axis) >= sizes[i]) continue;
    Shape zeros_shape = y.shape();
    zeros_shape[axis] = sizes[i] - y.dim(axis);
    y = concat({y, zeros(zeros_shape, y.dtype())}, axis);
  }
  return y;
}

/** Runs op's kernel on x into a new tensor of `shape` and `dtype`, recording it as op(x) with `attrs`. */
Tensor run_fft(OpId op, const Tensor& x, const Shape& shape, DType dtype, const Attrs& attrs) {
  PT_OP_SCOPE;
  auto* run = backend::kernel<backend::FftKernel>(op, x.device(), x.dtype());
  Tensor out = Tensor::empty(shape, dtype, x.device());
  if (out.numel() > 0) run(contiguous(x), fft_rank(op), out);
  PT_RECORD(op, {x}, {out}, attrs);
  return out;
}

}  // namespace

Tensor fft(OpId op, const Tensor& x) {
  check_arg(is_complex(x.dtype()), op_def(op).name, ": got dtype ", dtype_name(x.dtype()),
            ", expected complex64 or complex128; make the input complex with pt.complex(real, imag) or pt.cast, or "
            "use the rfft form for real input");
  check_rank(op, x);
  return run_fft(op, x, x.shape(), x.dtype(), attrs::None{});
}

Tensor rfft(OpId op, const Tensor& x, const std::vector<int64_t>& fft_length) {
  // float16 / bfloat16 signals transform in float32 (complex64 out), as the other ops compute them
  if (is_rfft(op) && computes_in_float32(x.dtype())) return rfft(op, widened(x), fft_length);
  const char* name = op_def(op).name;
  const int64_t rank = fft_rank(op);
  if (is_rfft(op))
    check_arg(x.dtype() == DType::Float32 || x.dtype() == DType::Float64, name, ": got dtype ",
              dtype_name(x.dtype()), ", expected float32 or float64 (real input; use fft for complex input, or cast)");
  else
    check_arg(is_complex(x.dtype()), name, ": got dtype ", dtype_name(x.dtype()),
              ", expected complex64 or complex128 (the half spectrum rfft returns)");
  check_rank(op, x);
  check_arg(static_cast<int64_t>(fft_length.size()) == rank, name, ": fft_length must have ", rank,
            " entr", rank == 1 ? "y" : "ies", " (one per transformed dim), got ", fft_length.size());
  const Shape lengths(fft_length.begin(), fft_length.end());
  for (int64_t n : fft_length) check_arg(n > 0, name, ": fft_length must be positive, got ", shape_str(lengths));
  Shape shape = x.shape();
  std::copy(lengths.begin(), lengths.end(), shape.end() - rank);
  if (is_rfft(op)) {
    Tensor input = crop_or_pad(x, fft_length);
    shape.back() = shape.back() / 2 + 1;
    return run_fft(op, input, shape, complex_of(x.dtype()), attrs::Ints{fft_length});
  }
  std::vector<int64_t> half = fft_length;
  half.back() = half.back() / 2 + 1;
  return run_fft(op, crop_or_pad(x, half), shape, complex_part_dtype(x.dtype()), attrs::Ints{fft_length});
}

namespace {

using autograd::Node;
using Grads = std::vector<Tensor>;

/** The product of the transformed lengths, as a 0-d tensor of `dtype`. */
Tensor transform_size(const Shape& shape, int64_t rank, DType dtype) {
  double n = 1;
  for (int64_t d = static_cast<int64_t>(shape.size()) - rank; d < static_cast<int64_t>(shape.size()); ++d) n *= shape[d];
  return autograd::scalar(n, dtype);
}

/** The fft op that undoes op (fft <-> ifft, rfft <-> irfft, per rank). */
OpId inverse_of(OpId op) {
  switch (op) {
    case OpId::fft: return OpId::ifft;
    case OpId::ifft: return OpId::fft;
    case OpId::fft2d: return OpId::ifft2d;
    case OpId::ifft2d: return OpId::fft2d;
    case OpId::fft3d: return OpId::ifft3d;
    case OpId::ifft3d: return OpId::fft3d;
    case OpId::rfft: return OpId::irfft;
    case OpId::irfft: return OpId::rfft;
    case OpId::rfft2d: return OpId::irfft2d;
    case OpId::irfft2d: return OpId::rfft2d;
    case OpId::rfft3d: return OpId::irfft3d;
    default: return OpId::rfft3d;
  }
}

/**
 * Along the last axis of a half spectrum of `bins` terms for a transform of length `n`: `edge` at the terms that
 * have no mirror image in the full spectrum (the first, and the Nyquist term when n is even), `inner` elsewhere.
 */
Tensor half_spectrum_mask(int64_t bins, int64_t n, double edge, double inner, DType dtype) {
  Tensor mask = Tensor::empty({bins}, DType::Float64);
  double* m = mask.data<double>();
  for (int64_t k = 0; k < bins; ++k) m[k] = k == 0 || (n % 2 == 0 && k == n / 2) ? edge : inner;
  return cast(mask, dtype);
}

/**
 * TF's gradients. fft / ifft are linear with adjoints n * ifft / fft / n. rfft: the real part of the adjoint of the
 * half spectrum, n * irfft(g * mask) with mask 1 at the unmirrored terms and 1/2 elsewhere (irfft counts the others
 * twice): TF's `0.5 * (irfft(g) * n + real(extra_terms))`. irfft: rfft(g) * mask / n with mask 1 at the unmirrored
 * terms and 2 elsewhere (TF's). The input was cropped or padded by recorded ops before the op, so the op's input
 * already has the transform's lengths.
 */
Grads grad_fft(const Node& n, const Grads& gs) {
  const OpId op = n.op;
  const Tensor& g = gs[0];
  const int64_t rank = fft_rank(op);
  if (!is_rfft(op) && !is_irfft(op)) {
    const bool forward = op == OpId::fft || op == OpId::fft2d || op == OpId::fft3d;
    const Tensor size = transform_size(g.shape(), rank, g.dtype());
    const Tensor back = fft(inverse_of(op), g);
    return {forward ? binary(OpId::multiply, back, size) : binary(OpId::divide, back, size)};
  }
  const std::vector<int64_t>& fft_length = n.attr<attrs::Ints>().values;
  const Shape full(fft_length.begin(), fft_length.end());
  if (is_rfft(op)) {
    const Tensor mask = half_spectrum_mask(g.dim(-1), fft_length.back(), 1.0, 0.5, g.dtype());
    const Tensor back = rfft(inverse_of(op), binary(OpId::multiply, g, mask), fft_length);
    return {binary(OpId::multiply, back, transform_size(full, rank, back.dtype()))};
  }
  const Tensor half = rfft(inverse_of(op), g, fft_length);
  const Tensor mask = half_spectrum_mask(half.dim(-1), fft_length.back(), 1.0, 2.0, half.dtype());
  return {binary(OpId::divide, binary(OpId::multiply, half, mask), transform_size(full, rank, half.dtype()))};
}

// ---- each op's definition: how a recorded node runs it, its gradient, its docstring, the TF modules exporting it

/** Runs fft and the ops beside it from a node. */
Outputs invoke_fft(const Invocation& node) {
  return {fft(node.op, node.in(0))};
}

/** Runs rfft and the ops beside it from a node. */
Outputs invoke_rfft(const Invocation& node) {
  return {rfft(node.op, node.in(0), node.attr<attrs::Ints>().values)};
}

const bool defined = [] {
  define_op(OpId::fft)
      .invoke(invoke_fft)
      .gradient(grad_fft)
      .doc("fft(input, name=None)",
           "Fast Fourier transform over the inner-most dimension of `input`.",
           "input: a complex64 or complex128 tensor of rank >= 1; its leading dims are a batch.",
           "pt.signal.fft(pt.complex(pt.ones([4]), pt.zeros([4])))  # [4, 0, 0, 0]",
           "Any lengths (not only powers of two), by pocketfft; the leading dimensions are a batch.")
      .exports("tf.signal");
  define_op(OpId::ifft)
      .invoke(invoke_fft)
      .gradient(grad_fft)
      .doc("ifft(input, name=None)",
           "Inverse fast Fourier transform over the inner-most dimension of `input`.",
           "input: a complex64 or complex128 tensor of rank >= 1; its leading dims are a batch.",
           "pt.signal.ifft(pt.signal.fft(pt.complex(pt.ones([4]), pt.zeros([4]))))  # the input back",
           "Divides by the product of the transformed lengths, so ifft(fft(x)) is x.")
      .exports("tf.signal");
  define_op(OpId::fft2d)
      .invoke(invoke_fft)
      .gradient(grad_fft)
      .doc("fft2d(input, name=None)",
           "2D fast Fourier transform over the inner-most 2 dimensions of `input`.",
           "input: a complex64 or complex128 tensor of rank >= 2; its leading dims are a batch.",
           "pt.signal.fft2d(pt.complex(pt.ones([2, 4]), pt.zeros([2, 4])))  # 8 at the origin, zeros elsewhere",
           "Any lengths (not only powers of two), by pocketfft; the leading dimensions are a batch.")
      .exports("tf.signal");
  define_op(OpId::ifft2d)
      .invoke(invoke_fft)
      .gradient(grad_fft)
      .doc("ifft2d(input, name=None)",
           "Inverse 2D fast Fourier transform over the inner-most 2 dimensions of `input`.",
           "input: a complex64 or complex128 tensor of rank >= 2; its leading dims are a batch.",
           "pt.signal.ifft2d(pt.signal.fft2d(pt.complex(pt.ones([2, 4]), pt.zeros([2, 4]))))  # the input back",
           "Divides by the product of the transformed lengths, so ifft(fft(x)) is x.")
      .exports("tf.signal");
  define_op(OpId::fft3d)
      .invoke(invoke_fft)
      .gradient(grad_fft)
      .doc("fft3d(input, name=None)",
           "3D fast Fourier transform over the inner-most 3 dimensions of `input`.",
           "input: a complex64 or complex128 tensor of rank >= 3; its leading dims are a batch.",
           "pt.signal.fft3d(pt.complex(pt.ones([2, 2, 4]), pt.zeros([2, 2, 4])))  # 16 at the origin, zeros elsewhere",
           "Any lengths (not only powers of two), by pocketfft; the leading dimensions are a batch.")
      .exports("tf.signal");
  define_op(OpId::ifft3d)
      .invoke(invoke_fft)
      .gradient(grad_fft)
      .doc("ifft3d(input, name=None)",
           "Inverse 3D fast Fourier transform over the inner-most 3 dimensions of `input`.",
           "input: a complex64 or complex128 tensor of rank >= 3; its leading dims are a batch.",
           "pt.signal.ifft3d(pt.signal.fft3d(pt.complex(pt.ones([2, 2, 4]), pt.zeros([2, 2, 4]))))  # the input back",
           "Divides by the product of the transformed lengths, so ifft(fft(x)) is x.")
      .exports("tf.signal");
  define_op(OpId::rfft)
      .invoke(invoke_rfft)
      .gradient(grad_fft)
      .doc("rfft(input_tensor, fft_length=None, name=None)",
           "Real-valued fast Fourier transform over the inner-most dimension of `input_tensor`.",
           "input_tensor: a float32 or float64 tensor of rank >= 1 (complex64 / complex128 out).\n"
           "fft_length: 1 int, the transform length (default: the input's inner-most size); the input is cropped or "
           "zero-padded to it.",
           "pt.signal.rfft(pt.ones([4]))  # shape [3], the sum at the origin",
           "Returns the fft_length[-1] // 2 + 1 unique terms of the last dimension (the rest mirror them).")
      .exports("tf.signal");
  define_op(OpId::irfft)
      .invoke(invoke_rfft)
      .gradient(grad_fft)
      .doc("irfft(input_tensor, fft_length=None, name=None)",
           "Inverse real-valued fast Fourier transform over the inner-most dimension of `input_tensor`.",
           "input_tensor: a complex64 or complex128 half spectrum (as rfft returns) of rank >= 1.\n"
           "fft_length: 1 int, the output's inner-most size (default: the input's, the last 2 * (n - 1)); the input "
           "is cropped or zero-padded to it, its last dimension to fft_length[-1] // 2 + 1.",
           "pt.signal.irfft(pt.signal.rfft(pt.ones([4])))  # ones of shape [4]",
           "The imaginary parts of the first and (even lengths) Nyquist terms are ignored, as TF and numpy do.")
      .exports("tf.signal");
  define_op(OpId::rfft2d)
      .invoke(invoke_rfft)
      .gradient(grad_fft)
      .doc("rfft2d(input_tensor, fft_length=None, name=None)",
           "2D real-valued fast Fourier transform over the inner-most 2 dimensions of `input_tensor`.",
           "input_tensor: a float32 or float64 tensor of rank >= 2 (complex64 / complex128 out).\n"
           "fft_length: 2 ints, the transform lengths (default: the input's inner-most sizes); the input is cropped "
           "or zero-padded to them.",
           "pt.signal.rfft2d(pt.ones([2, 4]))  # shape [2, 3], the sum at the origin",
           "Returns the fft_length[-1] // 2 + 1 unique terms of the last dimension (the rest mirror them).")
      .exports("tf.signal");
  define_op(OpId::irfft2d)
      .invoke(invoke_rfft)
      .gradient(grad_fft)
      .doc("irfft2d(input_tensor, fft_length=None, name=None)",
           "Inverse 2D real-valued fast Fourier transform over the inner-most 2 dimensions of `input_tensor`.",
           "input_tensor: a complex64 or complex128 half spectrum (as rfft2d returns) of rank >= 2.\n"
           "fft_length: 2 ints, the output's inner-most sizes (default: the input's, the last 2 * (n - 1)); the "
           "input is cropped or zero-padded to it, its last dimension to fft_length[-1] // 2 + 1.",
           "pt.signal.irfft2d(pt.signal.rfft2d(pt.ones([2, 4])))  # ones of shape [2, 4]",
           "The imaginary parts of the first and (even lengths) Nyquist terms are ignored, as TF and numpy do.")
      .exports("tf.signal");
  define_op(OpId::rfft3d)
      .invoke(invoke_rfft)
      .gradient(grad_fft)
      .doc("rfft3d(input_tensor, fft_length=None, name=None)",
           "3D real-valued fast Fourier transform over the inner-most 3 dimensions of `input_tensor`.",
           "input_tensor: a float32 or float64 tensor of rank >= 3 (complex64 / complex128 out).\n"
           "fft_length: 3 ints, the transform lengths (default: the input's inner-most sizes); the input is cropped "
           "or zero-padded to them.",
           "pt.signal.rfft3d(pt.ones([2, 2, 4]))  # shape [2, 2, 3], the sum at the origin",
           "Returns the fft_length[-1] // 2 + 1 unique terms of the last dimension (the rest mirror them).")
      .exports("tf.signal");
  define_op(OpId::irfft3d)
      .invoke(invoke_rfft)
      .gradient(grad_fft)
      .doc("irfft3d(input_tensor, fft_length=None, name=None)",
           "Inverse 3D real-valued fast Fourier transform over the inner-most 3 dimensions of `input_tensor`.",
           "input_tensor: a complex64 or complex128 half spectrum (as rfft3d returns) of rank >= 3.\n"
           "fft_length: 3 ints, the output's inner-most sizes (default: the input's, the last 2 * (n - 1)); the "
           "input is cropped or zero-padded to it, its last dimension to fft_length[-1] // 2 + 1.",
           "pt.signal.irfft3d(pt.signal.rfft3d(pt.ones([2, 2, 4])))  # ones of shape [2, 2, 4]",
           "The imaginary parts of the first and (even lengths) Nyquist terms are ignored, as TF and numpy do.")
      .exports("tf.signal");
  return true;
}();

}  // namespace

}  // namespace pt::ops
