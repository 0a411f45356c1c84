// Binary family: arithmetic, comparisons and logic with numpy broadcasting; where, clip_by_value.
#include <algorithm>

#include "complex_parts.h"
#include "grad_utils.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "define_op.h"
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
  // half dtypes compute in float32, except random_gamma_grad's (float32 and float64 only, as TF's kernel)
  if (computes_in_float32(a.dtype()) && a.dtype() == b.dtype() && op != OpId::random_gamma_grad) {
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

// ---- each op's definition: how a recorded node runs it, its gradient, its docstring, the TF modules exporting it

/** Runs an op of this family from a node. */
Outputs invoke_binary(const Invocation& node) {
  return {binary(node.op, node.in(0), node.in(1))};
}

const bool defined = [] {
  define_op(OpId::add)
      .invoke(invoke_binary)
      .gradient(grad_binary)
      .doc("add(x, y, name=None)",
           "Returns x + y element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.add([1.0, 2.0], [3.0, 0.5])  # [4. , 2.5]")
      .exports("tf tf.math");
  define_op(OpId::subtract)
      .invoke(invoke_binary)
      .gradient(grad_binary)
      .doc("subtract(x, y, name=None)",
           "Returns x - y element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.subtract([1.0, 2.0], [3.0, 0.5])  # [-2. , 1.5]")
      .exports("tf tf.math");
  define_op(OpId::multiply)
      .invoke(invoke_binary)
      .gradient(grad_binary)
      .doc("multiply(x, y, name=None)",
           "Returns an element-wise x * y.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.multiply([1.0, 2.0], [3.0, 0.5])  # [3., 1.]")
      .exports("tf tf.math");
  define_op(OpId::divide)
      .invoke(invoke_binary)
      .gradient(grad_binary)
      .doc("divide(x, y, name=None)",
           "Computes Python style division of `x` by `y`.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.divide([1.0, 2.0], [3.0, 0.5])  # [0.3333, 4. ]")
      .exports("tf tf.math");
  define_op(OpId::floordiv)
      .invoke(invoke_binary)
      .doc("floordiv(x, y, name=None)",
           "Divides `x / y` elementwise, rounding toward the most negative integer.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.math.floordiv([7, -7], 2)  # [ 3, -4]")
      .exports("tf tf.math");
  define_op(OpId::floormod)
      .invoke(invoke_binary)
      .doc("floormod(x, y, name=None)",
           "Returns element-wise remainder of division.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.math.floormod([7, -7], 3)  # [1, 2]")
      .exports("tf.math");
  define_op(OpId::pow)
      .invoke(invoke_binary)
      .gradient(grad_binary)
      .doc("pow(x, y, name=None)",
           "Computes the power of one value to another.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: the exponent, broadcast against x.",
           "pt.pow([1.0, 2.0], [3.0, 0.5])  # [1. , 1.4142]")
      .exports("tf tf.math");
  define_op(OpId::maximum)
      .invoke(invoke_binary)
      .gradient(grad_binary)
      .doc("maximum(x, y, name=None)",
           "Returns the max of x and y (i.e. x > y ? x : y) element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.maximum([1.0, 2.0], [3.0, 0.5])  # [3., 2.]")
      .exports("tf tf.math");
  define_op(OpId::minimum)
      .invoke(invoke_binary)
      .gradient(grad_binary)
      .doc("minimum(x, y, name=None)",
           "Returns the min of x and y (i.e. x < y ? x : y) element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.minimum([1.0, 2.0], [3.0, 0.5])  # [1. , 0.5]")
      .exports("tf tf.math");
  define_op(OpId::random_gamma_grad)
      .invoke(invoke_binary)
      .doc("random_gamma_grad(x, y, name=None)",
           "Computes the derivative of a Gamma random sample w.r.t. `alpha`.",
           "x: alpha, a float32 or float64 tensor of the Gamma distributions' concentrations.\n"
           "y: samples of Gamma(alpha, 1) of alpha's dtype, broadcast against alpha (numpy rules).",
           "pt._core.random_gamma_grad([2.0, 0.5], [1.5, 0.1])  # [0.9366391 , 0.50976557]",
           "TF exports it as tf.raw_ops.RandomGammaGrad only; tf.random.gamma's gradient with respect to alpha is "
           "it, times the samples' gradient, summed over the sample dimensions (implicit reparameterisation).");
  define_op(OpId::squared_difference)
      .invoke(invoke_binary)
      .gradient(grad_binary)
      .doc("squared_difference(x, y, name=None)",
           "Returns (x - y)(x - y) element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.squared_difference([1.0, 2.0], [3.0, 0.5])  # [4. , 2.25]")
      .exports("tf tf.math");
  define_op(OpId::xlogy)
      .invoke(invoke_binary)
      .gradient(grad_binary)
      .doc("xlogy(x, y, name=None)",
           "Returns 0 if x == 0, and x * log(y) otherwise, element-wise.",
           "x: a float tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.math.xlogy([0.0, 2.0], [0.0, 3.0])  # [0.       , 2.1972246]")
      .exports("tf.math");
  define_op(OpId::equal)
      .invoke(invoke_binary)
      .doc("equal(x, y, name=None)",
           "Returns the truth value of (x == y) element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.equal([1, 2, 3], 2)  # [False, True, False]")
      .exports("tf tf.math");
  define_op(OpId::not_equal)
      .invoke(invoke_binary)
      .doc("not_equal(x, y, name=None)",
           "Returns the truth value of (x != y) element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.not_equal([1, 2, 3], 2)  # [ True, False, True]")
      .exports("tf tf.math");
  define_op(OpId::less)
      .invoke(invoke_binary)
      .doc("less(x, y, name=None)",
           "Returns the truth value of (x < y) element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.less([1, 2, 3], 2)  # [ True, False, False]")
      .exports("tf tf.math");
  define_op(OpId::less_equal)
      .invoke(invoke_binary)
      .doc("less_equal(x, y, name=None)",
           "Returns the truth value of (x <= y) element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.less_equal([1, 2, 3], 2)  # [ True, True, False]")
      .exports("tf tf.math");
  define_op(OpId::greater)
      .invoke(invoke_binary)
      .doc("greater(x, y, name=None)",
           "Returns the truth value of (x > y) element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.greater([1, 2, 3], 2)  # [False, False, True]")
      .exports("tf tf.math");
  define_op(OpId::greater_equal)
      .invoke(invoke_binary)
      .doc("greater_equal(x, y, name=None)",
           "Returns the truth value of (x >= y) element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.greater_equal([1, 2, 3], 2)  # [False, True, True]")
      .exports("tf tf.math");
  define_op(OpId::logical_and)
      .invoke(invoke_binary)
      .doc("logical_and(x, y, name=None)",
           "Returns the truth value of x AND y element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.logical_and([True, False], [True, True])  # [ True, False]")
      .exports("tf tf.math");
  define_op(OpId::logical_or)
      .invoke(invoke_binary)
      .doc("logical_or(x, y, name=None)",
           "Returns the truth value of x OR y element-wise.",
           "x: a tensor or anything convert_to_tensor accepts (number, list, numpy array).\n"
           "y: a tensor or tensor-like of x's dtype, broadcast against x (numpy rules).",
           "pt.logical_or([True, False], [True, True])  # [ True, True]")
      .exports("tf tf.math");
  define_op(OpId::where)
      .invoke([](const Invocation& node) -> Outputs { return {where(node.in(0), node.in(1), node.in(2))}; })
      .gradient(grad_where)
      .doc("where(condition, x=None, y=None, name=None)",
           "Returns the indices of non-zero elements, or multiplexes `x` and `y`.",
           "condition: a bool tensor.\n"
           "x: the values where condition is True (omit both x and y to get the indices of True).\n"
           "y: the values where condition is False.",
           "pt.where([True, False], [1.0, 2.0], [10.0, 20.0])  # [ 1., 20.]")
      .exports("tf");
  define_op(OpId::clip_by_value)
      .invoke([](const Invocation& node) -> Outputs { return {clip_by_value(node.in(0), node.in(1), node.in(2))}; })
      .gradient(grad_clip)
      .doc("clip_by_value(t, clip_value_min, clip_value_max, name=None)",
           "Clips tensor values to a specified min and max.",
           "t: a tensor.\n"
           "clip_value_min: the smallest value kept (a scalar or a tensor broadcast against t).\n"
           "clip_value_max: the largest value kept (a scalar or a tensor broadcast against t).",
           "pt.clip_by_value([-2.0, 0.5, 3.0], 0.0, 1.0)  # [0. , 0.5, 1. ]")
      .exports("tf");
  define_op(OpId::fused_elementwise)
      .invoke([](const Invocation& node) -> Outputs {
        return {fused_elementwise(node.inputs, node.attr<attrs::Elementwise>())};
      })
      .gradient(grad_fused_elementwise)
      .internal("fused_elementwise(inputs, program, name=None)",
                "The element-wise ``program`` over ``inputs`` in one pass, with no intermediate tensor (the graph "
                "pass elementwise_fusion makes it): a list of steps ``(op name, a, b)`` on values a and b, the "
                "inputs first, then each earlier step's result (b = -1 for a unary op); returns the last step's "
                "value, bitwise what the steps give one by one. Inputs: float32 or float64, each of the output's "
                "shape or a single element.");
  return true;
}();

}  // namespace

}  // namespace pt::ops
