// Recurrent family: the fused lstm, gru and simple_rnn ops over a whole sequence, through the kernel table (forward
// and Pass::Backward; CPU kernels: backend/cpu/rnn.cpp).
#include "../autograd/grad_utils.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
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

// ---- the same computation from public ops (the second-order path) ----------------------------------------------
Tensor activation_op(RnnActivation act, const Tensor& x) {
  switch (act) {
    case RnnActivation::Tanh: return unary(OpId::tanh, x);
    case RnnActivation::Sigmoid: return unary(OpId::sigmoid, x);
    case RnnActivation::Relu: return unary(OpId::relu, x);
    case RnnActivation::Linear: return x;
    case RnnActivation::HardSigmoid: return hard_sigmoid(x);
  }
  return x;
}

/** The fused ops' outputs computed step by step with recorded, differentiable ops. */
std::vector<Tensor> composed_forward(const RnnDims& d, const std::vector<Tensor>& in, const Tensor& mask) {
  using autograd::add;
  using autograd::mul;
  using autograd::sub;
  const bool lstm = d.cell == RnnCell::Lstm;
  const int64_t U = d.units, G = backend::rnn_gates(d.cell) * U;
  const Tensor& kernel = in[in.size() - 3];
  const Tensor& recurrent = in[in.size() - 2];
  Tensor bias = in.back(), recurrent_bias;
  if (d.cell == RnnCell::GruResetAfter) {
    std::vector<Tensor> rows = unstack(bias, 0);
    bias = rows[0];
    recurrent_bias = rows[1];
  }
  Tensor projected = add(reshape(matmul(reshape(in[0], {d.batch * d.steps, d.features}), kernel, false, false),
                             {d.batch, d.steps, G}), bias);
  std::vector<Tensor> xs = unstack(projected, 1);
  std::vector<Tensor> live = mask.defined() ? unstack(expand_dims(mask, -1), 1) : std::vector<Tensor>();
  Tensor h = in[1], c = lstm ? in[2] : Tensor();
  std::vector<Tensor> sequence;
  for (int64_t s = 0; s < d.steps; ++s) {
    const int64_t t = d.go_backwards ? d.steps - 1 - s : s;
    Tensor new_h, new_c;
    switch (d.cell) {
      case RnnCell::SimpleRnn:
        new_h = activation_op(d.activation, add(xs[t], matmul(h, recurrent, false, false)));
        break;
      case RnnCell::Lstm: {
        std::vector<Tensor> z = split(add(xs[t], matmul(h, recurrent, false, false)), {U, U, U, U}, 1);
        new_c = add(mul(activation_op(d.recurrent_activation, z[1]), c),
                    mul(activation_op(d.recurrent_activation, z[0]), activation_op(d.activation, z[2])));
        new_h = mul(activation_op(d.recurrent_activation, z[3]), activation_op(d.activation, new_c));
        break;
      }
      case RnnCell::Gru:
      case RnnCell::GruResetAfter: {
        std::vector<Tensor> x3 = split(xs[t], {U, U, U}, 1);
        std::vector<Tensor> r3 = split(d.cell == RnnCell::GruResetAfter
                                           ? add(matmul(h, recurrent, false, false), recurrent_bias)
                                           : matmul(h, recurrent, false, false),
                                       {U, U, U}, 1);
        Tensor z = activation_op(d.recurrent_activation, add(x3[0], r3[0]));
        Tensor r = activation_op(d.recurrent_activation, add(x3[1], r3[1]));
        Tensor inner = d.cell == RnnCell::GruResetAfter
                           ? mul(r, r3[2])
                           : matmul(mul(r, h), split(recurrent, {2 * U, U}, 1)[1], false, false);
        Tensor candidate = activation_op(d.activation, add(x3[2], inner));
        new_h = add(candidate, mul(z, sub(h, candidate)));
        break;
      }
    }
    if (mask.defined()) {
      new_h = where(live[t], new_h, h);
      if (lstm) new_c = where(live[t], new_c, c);
    }
    h = new_h;
    c = new_c;
    sequence.push_back(h);
  }
  Tensor stacked = d.steps > 0 ? stack(sequence, 1) : zeros({d.batch, 0, U}, in[0].dtype());
  if (lstm) return {stacked, h, c};
  return {stacked, h};
}

// ---- gradient --------------------------------------------------------------------------------------------------
using Grads = std::vector<Tensor>;

Grads grad_rnn(const autograd::Node& n, const Grads& gs) {
  const auto& attributes = n.attr<attrs::Rnn>();
  const RnnOptions& options = attributes.options;
  const RnnDims d = check_operands(cell_of(n.op, attributes.reset_after), n.inputs, options);
  const Tensor& buffer = n.saved[0];
  if (autograd::thread_state().observer || autograd::is_tracked_any(n.inputs) || autograd::is_tracked_any(gs) ||
      !buffer.defined()) {
    // An outer tape (or a tf.function trace) records this backward pass: differentiate the composed forward, so
    // that every op of the backward is a recorded public op, differentiable again and part of the traced graph.
    autograd::Tape tape(false, false);
    tape.push();
    std::vector<Tensor> outputs;
    try {
      for (const Tensor& t : n.inputs) tape.watch(t);
      outputs = composed_forward(d, n.inputs, options.mask);
    } catch (...) {
      tape.pop();
      throw;
    }
    tape.pop();
    std::vector<autograd::Source> sources;
    for (const Tensor& t : n.inputs) sources.push_back({t, 0});
    return tape.gradient(outputs, sources, gs, true);
  }
  const Tensor& x = n.inputs[0];
  auto* run = backend::kernel<backend::RnnGradKernel>(n.op, x.device(), x.dtype(), backend::Pass::Backward);
  const auto dense_or_none = [](const Tensor& t) { return t.defined() ? contiguous(t) : Tensor(); };
  const backend::RnnOutputGrads output_grads{buffer, dense_or_none(gs[0]), dense_or_none(gs[1]),
                                             d.cell == RnnCell::Lstm ? dense_or_none(gs[2]) : Tensor()};
  Grads out;
  for (const Tensor& t : n.inputs) out.push_back(Tensor::empty(t.shape(), t.dtype(), t.device()));
  run(d, dense_inputs(d, n.inputs, options.mask), output_grads, out);
  return out;
}

const bool registered = autograd::register_gradient(OpId::lstm, grad_rnn) &&
                        autograd::register_gradient(OpId::gru, grad_rnn) &&
                        autograd::register_gradient(OpId::simple_rnn, grad_rnn);

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

}  // namespace pt::ops
