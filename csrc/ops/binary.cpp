// Binary family: arithmetic, comparisons and logic with numpy broadcasting; where, clip_by_value.
#include <algorithm>

#include "complex_parts.h"
#include "grad_utils.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "ops.h"

namespace pt::ops {

namespace {

using backend::BinaryKernel;
using backend::kernel;
using backend::WhereKernel;

/** TF's true division of integers: 8- and 16-bit ones -> float32, wider ones -> float64. */
DType truediv_dtype(DType d) { return itemsize(d) <= 2 ? DType::Float32 : DType::Float64; }

void check_same_dtype(const char* op, const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype())
    throw TypeError(str_cat(op, ": cannot mix dtypes ", dtype_name(a.dtype()), " (shape ", shape_str(a.shape()),
                            ") and ", dtype_name(b.dtype()), " (shape ", shape_str(b.shape()),
                            "); cast one of them with pt.cast(x, dtype)"));
}

/** Whether binary op `op` gives bool (comparisons and logic) rather than its operands' dtype. */
bool gives_bool(OpId op) {
  switch (op) {
    case OpId::equal: case OpId::not_equal: case OpId::less: case OpId::less_equal: case OpId::greater:
    case OpId::greater_equal: case OpId::logical_and: case OpId::logical_or: return true;
    default: return false;
  }
}

}  // namespace

Tensor binary(OpId op, const Tensor& a, const Tensor& b) {
  if (computes_in_float32(a.dtype()) && a.dtype() == b.dtype()) {
    Tensor out = binary(op, widened(a), widened(b));
    return gives_bool(op) ? out : cast(out, a.dtype());
  }
  PT_OP_SCOPE;
  const char* name = op_def(op).name;
  check_same_dtype(name, a, b);
  Shape shape = broadcast_shapes(a.shape(), b.shape(), name);
  if (op == OpId::divide && is_integer(a.dtype())) {
    DType f = truediv_dtype(a.dtype());
    return binary(OpId::divide, cast(a, f), cast(b, f));
  }
  BinaryKernel* run = kernel<BinaryKernel>(op, a.device(), a.dtype());
  Tensor out = Tensor::empty(shape, gives_bool(op) ? DType::Bool : a.dtype(), a.device());
  run(a, b, out);
  PT_RECORD(op, {a, b}, {out});
  return out;
}

Tensor where(const Tensor& cond, const Tensor& x, const Tensor& y) {
  PT_OP_SCOPE;
  if (cond.dtype() != DType::Bool) throw_dtype_error("where", cond.dtype(), "bool for the condition");
  check_same_dtype("where", x, y);
  Shape shape = broadcast_shapes(broadcast_shapes(cond.shape(), x.shape(), "where"), y.shape(), "where");
  WhereKernel* run = kernel<WhereKernel>(OpId::where, x.device(), x.dtype());
  Tensor out = Tensor::empty(shape, x.dtype(), x.device());
  run(cond, x, y, out);
  PT_RECORD(OpId::where, {cond, x, y}, {out});
  return out;
}

Tensor clip_by_value(const Tensor& x, const Tensor& lo, const Tensor& hi) {
  PT_OP_SCOPE;
  if (x.dtype() == DType::Bool) throw_dtype_error("clip_by_value", x.dtype(), "a numeric dtype");
  check_same_dtype("clip_by_value", x, lo);
  check_same_dtype("clip_by_value", x, hi);
  Shape shape = broadcast_shapes(x.shape(), broadcast_shapes(lo.shape(), hi.shape(), "clip_by_value"), "clip_by_value");
  check_arg(shape == x.shape(), "clip_by_value: clip bounds of shapes ", shape_str(lo.shape()), " and ",
            shape_str(hi.shape()), " must broadcast to the input's shape ", shape_str(x.shape()));
  // max then min, so NaN inputs stay NaN and lo > hi gives hi (as TF's kernel does).
  Tensor out = binary(OpId::minimum, binary(OpId::maximum, x, lo), hi);
  PT_RECORD(OpId::clip_by_value, {x, lo, hi}, {out});
  return out;
}

Tensor fused_elementwise(const std::vector<Tensor>& inputs, const attrs::Elementwise& program) {
  PT_OP_SCOPE;
  const char* name = "fused_elementwise";
  validate_attrs(OpId::fused_elementwise, program);
  check_arg(inputs.size() == static_cast<size_t>(program.num_inputs), name, ": the program reads ",
            program.num_inputs, " inputs, got ", inputs.size(), " tensors");
  const DType dtype = inputs[0].dtype();
  if (dtype != DType::Float32 && dtype != DType::Float64)
    throw_dtype_error(name, dtype, "float32 or float64");
  Shape shape;
  for (const Tensor& x : inputs) {
    check_same_dtype(name, inputs[0], x);
    shape = broadcast_shapes(shape, x.shape(), name);
  }
  std::vector<Tensor> dense;
  for (size_t i = 0; i < inputs.size(); ++i) {
    check_arg(backend::fusible_operand_shape(inputs[i].shape(), shape), name, ": input ", i, " of shape ",
              shape_str(inputs[i].shape()), " must have the output's shape ", shape_str(shape),
              ", a single element or the output's trailing dimensions (other broadcasts are not fused)");
    dense.push_back(contiguous(inputs[i]));
  }
  auto* run = kernel<backend::FusedElementwiseKernel>(OpId::fused_elementwise, inputs[0].device(), dtype);
  Tensor out = Tensor::empty(shape, dtype, inputs[0].device());
  if (out.numel() > 0) run(dense, program.program, out);
  PT_RECORD(OpId::fused_elementwise, inputs, {out}, program);
  return out;
}

}  // namespace pt::ops

// ---- gradients -------------------------------------------------------------------------
namespace pt::ops {
namespace {

using autograd::Node;
using autograd::scalar;
using autograd::sum_to;
using Grads = std::vector<Tensor>;

Tensor masked(const Tensor& mask, const Tensor& g) { return where(mask, g, zeros_like(g, std::nullopt)); }

Grads grad_binary(const Node& n, const Grads& gs) {
  const Tensor& a = n.inputs[0];
  const Tensor& b = n.inputs[1];
  const Tensor& g = gs[0];
  const DType dt = a.dtype();
  using autograd::div;
  using autograd::mul;
  using autograd::neg;
  using autograd::sub;
  Tensor ga, gb;
  switch (n.op) {
    case OpId::add: ga = g; gb = g; break;
    case OpId::subtract: ga = g; gb = neg(g); break;
    // Complex operands: TF's conjugates (the gradient of a real loss is dL/dRe + i dL/dIm).
    case OpId::multiply: ga = mul(g, conjugate(b)); gb = mul(g, conjugate(a)); break;
    case OpId::divide:
      ga = div(g, conjugate(b));
      gb = neg(mul(g, conjugate(div(a, mul(b, b)))));
      break;
    case OpId::pow: {
      // d/da a^b = b a^(b-1); d/db a^b = a^b log a, taken as 0 where a <= 0 (TF's convention).
      ga = mul(g, mul(b, binary(OpId::pow, a, sub(b, scalar(1, dt)))));
      Tensor positive = binary(OpId::greater, a, scalar(0, dt));
      Tensor safe_a = where(positive, a, ones_like(a, std::nullopt));
      gb = mul(g, mul(n.outputs[0], masked(positive, unary(OpId::log, safe_a))));
      break;
    }
    case OpId::maximum: {
      Tensor amask = binary(OpId::greater_equal, a, b);
      ga = masked(amask, g);
      gb = masked(unary(OpId::logical_not, amask), g);
      break;
    }
    case OpId::minimum: {
      Tensor amask = binary(OpId::less_equal, a, b);
      ga = masked(amask, g);
      gb = masked(unary(OpId::logical_not, amask), g);
      break;
    }
    case OpId::squared_difference:
      ga = mul(g, mul(scalar(2, dt), sub(a, b)));
      gb = neg(ga);
      break;
    case OpId::xlogy: {
      // TF's: d/dx = log(y) and d/dy = x / y, both 0 where x == 0 (where y's log or quotient would be NaN / inf).
      Tensor nonzero = binary(OpId::not_equal, a, scalar(0, dt));
      Tensor safe_b = where(nonzero, b, ones_like(b, std::nullopt));
      ga = mul(g, masked(nonzero, unary(OpId::log, safe_b)));
      gb = mul(g, masked(nonzero, div(a, safe_b)));
      break;
    }
    default: return {Tensor(), Tensor()};
  }
  return {sum_to(ga, a.shape()), sum_to(gb, b.shape())};
}

/**
 * fused_elementwise: its steps re-run as public ops (their values are what the fused kernel computed), then swept in
 * reverse through each step's own gradient formula, so the gradient is the unfused chain's and differentiable again.
 */
Grads grad_fused_elementwise(const Node& n, const Grads& gs) {
  const auto& program = n.attr<attrs::Elementwise>().program;
  std::vector<Tensor> values = n.inputs;
  for (const backend::ElementwiseStep& s : program)
    values.push_back(s.b < 0 ? unary(s.op, values[static_cast<size_t>(s.a)])
                             : binary(s.op, values[static_cast<size_t>(s.a)], values[static_cast<size_t>(s.b)]));
  std::vector<Tensor> grads(values.size());
  grads.back() = gs[0];
  auto accumulate = [&](int32_t v, const Tensor& g) {
    if (!g.defined()) return;
    Tensor& into = grads[static_cast<size_t>(v)];
    into = into.defined() ? autograd::add(into, g) : g;
  };
  for (size_t k = program.size(); k-- > 0;) {
    const Tensor& g = grads[n.inputs.size() + k];
    if (!g.defined()) continue;
    const backend::ElementwiseStep& s = program[k];
    Node step;
    step.op = s.op;
    step.inputs = {values[static_cast<size_t>(s.a)]};
    if (s.b >= 0) step.inputs.push_back(values[static_cast<size_t>(s.b)]);
    step.outputs = {values[n.inputs.size() + k]};
    const Grads d = autograd::gradient_formula(s.op)(step, {g});
    accumulate(s.a, d[0]);
    if (s.b >= 0) accumulate(s.b, d[1]);
  }
  grads.resize(n.inputs.size());
  return grads;
}

Grads grad_where(const Node& n, const Grads& gs) {
  const Tensor& cond = n.inputs[0];
  const Tensor& g = gs[0];
  Tensor zeros = zeros_like(g, std::nullopt);
  return {Tensor(), sum_to(where(cond, g, zeros), n.inputs[1].shape()),
          sum_to(where(cond, zeros, g), n.inputs[2].shape())};
}

Grads grad_clip(const Node& n, const Grads& gs) {
  const Tensor& x = n.inputs[0];
  const Tensor& g = gs[0];
  Tensor below = binary(OpId::less, x, n.inputs[1]);
  Tensor above = binary(OpId::greater, x, n.inputs[2]);
  Tensor outside = binary(OpId::logical_or, below, above);
  return {masked(unary(OpId::logical_not, outside), g), sum_to(masked(below, g), n.inputs[1].shape()),
          sum_to(masked(above, g), n.inputs[2].shape())};
}

const bool registered = [] {
  for (OpId op : {OpId::add, OpId::subtract, OpId::multiply, OpId::divide, OpId::pow, OpId::maximum, OpId::minimum,
                  OpId::squared_difference, OpId::xlogy})
    autograd::register_gradient(op, grad_binary);
  autograd::register_gradient(OpId::where, grad_where);
  autograd::register_gradient(OpId::clip_by_value, grad_clip);
  autograd::register_gradient(OpId::fused_elementwise, grad_fused_elementwise);
  return true;
}();

}  // namespace
}  // namespace pt::ops
