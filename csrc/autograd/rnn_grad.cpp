// The gradient of the fused recurrent backward ops (lstm_grad, gru_grad, simple_rnn_grad; ops/rnn.cpp): the
// second-order path. The recurrence is rebuilt from public ops and differentiated twice with nested tapes, so that
// every op is recorded and higher orders follow. It lives above the op layer because it runs tapes.
#include "rnn_grad.h"

#include "grad_utils.h"
#include "../ops/define_op.h"

namespace pt::autograd {

namespace {

using backend::RnnActivation;
using backend::RnnCell;
using backend::RnnDims;
using namespace ops;  // the public ops the recurrence is composed of

/** The cell's activation as a recorded op. */
Tensor activation_op(RnnActivation act, const Tensor& x) {
  switch (act) {
    case RnnActivation::Tanh: return ops::unary(OpId::tanh, x);
    case RnnActivation::Sigmoid: return ops::unary(OpId::sigmoid, x);
    case RnnActivation::Relu: return ops::unary(OpId::relu, x);
    case RnnActivation::Linear: return x;
    case RnnActivation::HardSigmoid: return ops::hard_sigmoid(x);
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


using Grads = std::vector<Tensor>;

/** The forward op's sizes from its operands (the fused ops validated them when they ran). */
RnnDims dims_of(OpId grad_op, const std::vector<Tensor>& in, const attrs::Rnn& a) {
  const RnnCell cell = grad_op == OpId::lstm_grad ? RnnCell::Lstm
                       : grad_op == OpId::simple_rnn_grad ? RnnCell::SimpleRnn
                       : a.reset_after                     ? RnnCell::GruResetAfter
                                                           : RnnCell::Gru;
  return {in[0].dim(0), in[0].dim(1), in[0].dim(2), in[in.size() - 2].dim(0), cell, a.options.activation,
          a.options.recurrent_activation, a.options.go_backwards};
}

/** Runs `body` with `tape` recording, popping it on every exit. */
template <class F> void recording(Tape& tape, F body) {
  tape.push();
  try {
    body();
  } catch (...) {
    tape.pop();
    throw;
  }
  tape.pop();
}

/**
 * The node computes vjp = J(operands)^T g of the recurrence; its gradient with `upstream` on vjp is that of the
 * composed recurrence's vjp w.r.t. the operands and g (the buffer, a function of the operands, gets none).
 */
Grads grad_rnn_grad(const Node& n, const Grads& upstream) {
  const auto& attributes = n.attr<attrs::Rnn>();
  const size_t operands = n.op == OpId::lstm_grad ? 6 : 5;
  const std::vector<Tensor> forward(n.inputs.begin(), n.inputs.begin() + static_cast<std::ptrdiff_t>(operands));
  const std::vector<Tensor> output_grads(n.inputs.begin() + static_cast<std::ptrdiff_t>(operands) + 1, n.inputs.end());
  const RnnDims d = dims_of(n.op, forward, attributes);
  Tape outer(false, false);
  std::vector<Tensor> vjp;
  recording(outer, [&] {
    for (const Tensor& t : n.inputs) outer.watch(t);
    Tape inner(false, false);
    std::vector<Tensor> outputs;
    recording(inner, [&] {
      for (const Tensor& t : forward) inner.watch(t);
      outputs = composed_forward(d, forward, attributes.options.mask);
    });
    std::vector<Source> sources;
    for (const Tensor& t : forward) sources.push_back({t, 0});
    vjp = inner.gradient(outputs, sources, output_grads, true);
  });
  // Only the pairs with both a value and an upstream gradient (the sweep would seed an undefined one with ones).
  std::vector<Tensor> targets, seeds;
  for (size_t k = 0; k < vjp.size() && k < upstream.size(); ++k)
    if (vjp[k].defined() && upstream[k].defined()) {
      targets.push_back(vjp[k]);
      seeds.push_back(upstream[k]);
    }
  Grads out(n.inputs.size());
  if (targets.empty()) return out;
  std::vector<Source> sources;
  for (const Tensor& t : n.inputs) sources.push_back({t, 0});
  out = outer.gradient(targets, sources, seeds, true);
  out[operands] = Tensor();  // the buffer
  return out;
}

}  // namespace

void register_rnn_second_order() {
  for (OpId op : {OpId::lstm_grad, OpId::gru_grad, OpId::simple_rnn_grad}) ops::define_op(op).gradient(grad_rnn_grad);
}

}  // namespace pt::autograd
