// Recurrent family: the fused lstm, gru and simple_rnn ops over a whole sequence, through the kernel table (forward
// and Pass::Backward; CPU kernels: backend/cpu/rnn.cpp). The fused backward is a registry op of its own (lstm_grad,
// gru_grad, simple_rnn_grad) so that traced graphs replay it; its gradient is autograd/rnn_grad.cpp's.
#include <algorithm>

#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "grad_utils.h"
#include "invoke.h"
#include "define_op.h"
#include "ops.h"

namespace pt::ops {

namespace {

using backend::RnnActivation;
using backend::RnnCell;
using backend::RnnDims;

RnnCell cell_of(OpId op, bool reset_after) {
  return op == OpId::lstm ? RnnCell::Lstm
         : op == OpId::gru ? (reset_after ? RnnCell::GruResetAfter : RnnCell::Gru)
                           : RnnCell::SimpleRnn;
}

const char* cell_name(RnnCell cell) {
  switch (cell) {
    case RnnCell::SimpleRnn: return "simple_rnn";
    case RnnCell::Gru:
    case RnnCell::GruResetAfter: return "gru";
    case RnnCell::Lstm: return "lstm";
  }
  return "rnn";
}

/** Checks one operand's shape, naming the op, the operand, both shapes and the layout expected. */
void check_shape(const char* op, const char* what, const Tensor& t, const Shape& want, const char* layout) {
  check_arg(t.shape() == want, op, ": ", what, " must have shape ", shape_str(want), " ", layout, "; received ",
            shape_str(t.shape()));
}

/**
 * Validates the operands ([inputs, initial_h, (initial_c,) kernel, recurrent_kernel, bias]) and returns the sizes.
 * Units come from the recurrent kernel, features from the inputs.
 */
RnnDims check_operands(RnnCell cell, const std::vector<Tensor>& in, const RnnOptions& o) {
  const char* op = cell_name(cell);
  const Tensor& x = in[0];
  for (const Tensor& t : in)
    if (t.dtype() != x.dtype())
      throw TypeError(str_cat(op, ": every operand must have the inputs' dtype ", dtype_name(x.dtype()),
                              "; received one of dtype ", dtype_name(t.dtype()), "; cast the weights or the inputs"));
  if (!is_floating(x.dtype())) throw_dtype_error(op, x.dtype(), "a floating dtype (float32 or float64)");
  check_arg(x.ndim() == 3, op, ": inputs must have rank 3 (batch, timesteps, features); received shape ",
            shape_str(x.shape()));
  const Tensor& recurrent = in[in.size() - 2];
  check_arg(recurrent.ndim() == 2, op, ": recurrent_kernel must have rank 2 (units, gates * units); received shape ",
            shape_str(recurrent.shape()));
  const int64_t gates = backend::rnn_gates(cell);
  RnnDims d{x.dim(0), x.dim(1), x.dim(2), recurrent.dim(0), cell, o.activation, o.recurrent_activation,
            o.go_backwards};
  const int64_t width = gates * d.units;
  check_shape(op, "recurrent_kernel", recurrent, {d.units, width}, "(units, gates * units)");
  check_shape(op, "kernel", in[in.size() - 3], {d.features, width}, "(features, gates * units)");
  check_shape(op, "initial_h", in[1], {d.batch, d.units}, "(batch, units)");
  if (cell == RnnCell::Lstm) check_shape(op, "initial_c", in[2], {d.batch, d.units}, "(batch, units)");
  if (cell == RnnCell::GruResetAfter)
    check_shape(op, "bias", in.back(), {2, width}, "(2, 3 * units): input bias, recurrent bias (reset_after=True)");
  else
    check_shape(op, "bias", in.back(), {width}, "(gates * units,)");
  if (o.mask.defined()) {
    check_arg(o.mask.dtype() == DType::Bool, op, ": mask must be bool (True = run the step); received dtype ",
              dtype_name(o.mask.dtype()));
    check_shape(op, "mask", o.mask, {d.batch, d.steps}, "(batch, timesteps), one bool per sample and timestep");
  }
  return d;
}

/** The fused op's operands, dense, in the kernel's form. */
backend::RnnInputs dense_inputs(const RnnDims& d, const std::vector<Tensor>& in, const Tensor& mask) {
  const size_t w = in.size() - 3;  // kernel
  return {contiguous(in[0]), contiguous(in[1]), d.cell == RnnCell::Lstm ? contiguous(in[2]) : Tensor(),
          contiguous(in[w]), contiguous(in[w + 1]), contiguous(in[w + 2]),
          mask.defined() ? contiguous(mask) : Tensor()};
}

/** The fused forward; fills `saved` (the backward's buffer) when non-null. */
std::vector<Tensor> run_forward(OpId op, const RnnDims& d, const std::vector<Tensor>& in, const Tensor& mask,
                                Tensor* saved) {
  const Tensor& x = in[0];
  auto* run = backend::kernel<backend::RnnKernel>(op, x.device(), x.dtype());
  const bool lstm = d.cell == RnnCell::Lstm;
  Tensor sequence = Tensor::empty({d.batch, d.steps, d.units}, x.dtype(), x.device());
  Tensor final_h = Tensor::empty({d.batch, d.units}, x.dtype(), x.device());
  Tensor final_c = lstm ? Tensor::empty({d.batch, d.units}, x.dtype(), x.device()) : Tensor();
  if (saved) *saved = Tensor::empty({d.batch, d.steps, backend::rnn_saved_width(d)}, x.dtype(), x.device());
  run(d, dense_inputs(d, in, mask), sequence, final_h, final_c, saved ? *saved : Tensor());
  if (lstm) return {sequence, final_h, final_c};
  return {sequence, final_h};
}

std::vector<Tensor> rnn_op(OpId op, const std::vector<Tensor>& inputs, const attrs::Rnn& attributes) {
  PT_OP_SCOPE;
  const RnnDims dims = check_operands(cell_of(op, attributes.reset_after), inputs, attributes.options);
  // The per-step buffer only when a tape will run the backward (an observer alone records no gradient).
  Tensor buffer;
  const bool save = pt_op_scope_.should_record() && autograd::is_tracked_any(inputs);
  std::vector<Tensor> outputs = run_forward(op, dims, inputs, attributes.options.mask, save ? &buffer : nullptr);
  PT_RECORD(op, inputs, outputs, attributes, {buffer});
  return outputs;
}

// ---- gradient --------------------------------------------------------------------------------------------------
using Grads = std::vector<Tensor>;

/**
 * An output gradient for the backward kernel: undefined (no work, no buffer) for a broadcast zero in host memory,
 * which is what an unused output's gradient is (LSTM(64)'s sequence when only the last state is used), else dense.
 */
Tensor output_grad(const Tensor& g) {
  const bool broadcast = std::all_of(g.strides().begin(), g.strides().end(), [](int64_t s) { return s == 0; });
  if (broadcast && g.numel() > 0 && g.device() == Device::CPU) {
    const bool zero = g.dtype() == DType::Float64 ? *g.data<double>() == 0.0 : *g.data<float>() == 0.0f;
    if (zero) return Tensor();
  }
  return contiguous(g);
}

/** The forward op of a fused backward (lstm_grad -> lstm). */
OpId forward_of(OpId grad_op) {
  return grad_op == OpId::lstm_grad ? OpId::lstm : grad_op == OpId::gru_grad ? OpId::gru : OpId::simple_rnn;
}

/** The fused backward of `op` (lstm, gru, simple_rnn) as a registry op, so that a trace records and replays it. */
OpId grad_op_of(OpId op) {
  return op == OpId::lstm ? OpId::lstm_grad : op == OpId::gru ? OpId::gru_grad : OpId::simple_rnn_grad;
}

Grads grad_rnn(const autograd::Node& n, const Grads& gs) {
  const auto& attributes = n.attr<attrs::Rnn>();
  std::vector<Tensor> inputs = n.inputs;
  Tensor buffer = n.saved[0];
  if (!buffer.defined()) {
    // Recorded without the buffer: run the fused forward again for it.
    const RnnDims d = check_operands(cell_of(n.op, attributes.reset_after), n.inputs, attributes.options);
    run_forward(n.op, d, n.inputs, attributes.options.mask, &buffer);
  }
  inputs.push_back(buffer);
  for (size_t k = 0; k < n.outputs.size(); ++k)
    // An unused output's gradient: a zero broadcast (one element), which the kernel skips (see output_grad).
    inputs.push_back(k < gs.size() && gs[k].defined()
                         ? gs[k]
                         : broadcast_to(zeros({}, n.outputs[k].dtype()), n.outputs[k].shape()));
  return rnn_grad(grad_op_of(n.op), inputs, attributes);
}

/** Runs a fused backward op (lstm_grad, gru_grad, simple_rnn_grad) from a node. */
Outputs invoke_rnn_grad(const Invocation& node) { return rnn_grad(node.op, node.inputs, node.attr<attrs::Rnn>()); }

}  // namespace

std::vector<Tensor> lstm(const Tensor& inputs, const Tensor& initial_h, const Tensor& initial_c, const Tensor& kernel,
                         const Tensor& recurrent_kernel, const Tensor& bias, const RnnOptions& options) {
  return rnn_op(OpId::lstm, {inputs, initial_h, initial_c, kernel, recurrent_kernel, bias}, {options, true});
}

std::vector<Tensor> gru(const Tensor& inputs, const Tensor& initial_h, const Tensor& kernel,
                        const Tensor& recurrent_kernel, const Tensor& bias, bool reset_after,
                        const RnnOptions& options) {
  return rnn_op(OpId::gru, {inputs, initial_h, kernel, recurrent_kernel, bias}, {options, reset_after});
}

std::vector<Tensor> simple_rnn(const Tensor& inputs, const Tensor& initial_h, const Tensor& kernel,
                               const Tensor& recurrent_kernel, const Tensor& bias, const RnnOptions& options) {
  return rnn_op(OpId::simple_rnn, {inputs, initial_h, kernel, recurrent_kernel, bias}, {options, true});
}

std::vector<Tensor> rnn_grad(OpId grad_op, const std::vector<Tensor>& inputs, const attrs::Rnn& attributes) {
  PT_OP_SCOPE;
  const OpId op = forward_of(grad_op);
  const RnnOptions& options = attributes.options;
  const size_t operands = op == OpId::lstm ? 6 : 5;
  const std::vector<Tensor> forward_inputs(inputs.begin(), inputs.begin() + static_cast<std::ptrdiff_t>(operands));
  const RnnDims d = check_operands(cell_of(op, attributes.reset_after), forward_inputs, options);
  const Tensor& buffer = inputs[operands];
  const Tensor& x = inputs[0];
  check_shape(op_def(grad_op).name, "buffer", buffer, {d.batch, d.steps, backend::rnn_saved_width(d)},
              "(batch, timesteps, saved width): the buffer the forward op saved");
  const char* outputs[] = {"sequence gradient", "h gradient", "c gradient"};
  const Shape output_shapes[] = {{d.batch, d.steps, d.units}, {d.batch, d.units}, {d.batch, d.units}};
  for (size_t k = operands + 1; k < inputs.size(); ++k) {
    check_arg(inputs[k].dtype() == x.dtype(), op_def(grad_op).name, ": the ", outputs[k - operands - 1],
              " must have the inputs' dtype ", dtype_name(x.dtype()), "; received ", dtype_name(inputs[k].dtype()));
    check_shape(op_def(grad_op).name, outputs[k - operands - 1], inputs[k], output_shapes[k - operands - 1],
                "(the forward output's shape)");
  }
  auto* run = backend::kernel<backend::RnnGradKernel>(op, x.device(), x.dtype(), backend::Pass::Backward);
  const backend::RnnOutputGrads output_grads{contiguous(buffer), output_grad(inputs[operands + 1]),
                                             output_grad(inputs[operands + 2]),
                                             d.cell == RnnCell::Lstm ? output_grad(inputs[operands + 3]) : Tensor()};
  Grads out;
  for (const Tensor& t : forward_inputs) out.push_back(Tensor::empty(t.shape(), t.dtype(), t.device()));
  run(d, dense_inputs(d, forward_inputs, options.mask), output_grads, out);
  PT_RECORD(grad_op, inputs, out, attributes);
  return out;
}

// ---- definitions: how a recorded node runs each op, its docstring and the TF modules that export it ----
namespace {

const bool defined = [] {
  define_op(OpId::lstm)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& r = node.attr<attrs::Rnn>();
        return lstm(node.in(0), node.in(1), node.in(2), node.in(3), node.in(4), node.in(5), r.options);
      })
      .gradient(grad_rnn)
      .internal("lstm(inputs, initial_h, initial_c, kernel, recurrent_kernel, bias, mask=None, go_backwards=False, "
                "activation='tanh', recurrent_activation='sigmoid')",
                R"doc(Keras's LSTM over a whole (batch, timesteps, features) sequence in one op.

kernel (features, 4 * units), recurrent_kernel (units, 4 * units) and bias (4 * units,) in Keras's gate order
i, f, c, o; ``mask`` (batch, timesteps) bool: a masked step keeps the states. Returns ``(sequence, h, c)``:
the state h after each step in loop order (reversed with ``go_backwards``), and the final states.

Example:
    >>> x = tf.random.normal((2, 5, 3)); h = tf.zeros((2, 4))
    >>> seq, h, c = tf._core.lstm(x, h, h, tf.ones((3, 16)), tf.ones((4, 16)), tf.zeros((16,)))
)doc");
  define_op(OpId::gru)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& r = node.attr<attrs::Rnn>();
        return gru(node.in(0), node.in(1), node.in(2), node.in(3), node.in(4), r.reset_after, r.options);
      })
      .gradient(grad_rnn)
      .internal("gru(inputs, initial_h, kernel, recurrent_kernel, bias, reset_after=True, mask=None, "
                "go_backwards=False, activation='tanh', recurrent_activation='sigmoid')",
                R"doc(Keras's GRU over a whole (batch, timesteps, features) sequence in one op.

Gate order z, r, h; bias (3 * units,), or (2, 3 * units) (input bias, recurrent bias) with ``reset_after``.
Returns ``(sequence, h)``; mask and go_backwards as for ``lstm``.

Example:
    >>> x = tf.random.normal((2, 5, 3)); h = tf.zeros((2, 4))
    >>> seq, h = tf._core.gru(x, h, tf.ones((3, 12)), tf.ones((4, 12)), tf.zeros((2, 12)))
)doc");
  define_op(OpId::simple_rnn)
      .invoke([](const Invocation& node) -> Outputs {
        const auto& r = node.attr<attrs::Rnn>();
        return simple_rnn(node.in(0), node.in(1), node.in(2), node.in(3), node.in(4), r.options);
      })
      .gradient(grad_rnn)
      .internal("simple_rnn(inputs, initial_h, kernel, recurrent_kernel, bias, mask=None, go_backwards=False, "
                "activation='tanh')",
                R"doc(Keras's SimpleRNN over a whole (batch, timesteps, features) sequence in one op:
h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel + bias). Returns ``(sequence, h)``.

Example:
    >>> x = tf.random.normal((2, 5, 3)); h = tf.zeros((2, 4))
    >>> seq, h = tf._core.simple_rnn(x, h, tf.ones((3, 4)), tf.eye(4), tf.zeros((4,)))
)doc");
  for (OpId op : {OpId::lstm_grad, OpId::gru_grad, OpId::simple_rnn_grad}) define_op(op).invoke(invoke_rnn_grad);
  return true;
}();

}  // namespace

}  // namespace pt::ops
