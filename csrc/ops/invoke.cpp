// invoke(): every registry op from (op, inputs, attrs), by calling its public function; validate_attrs(): the
// attribute rules of every op, in one place.
#include "invoke.h"

#include <algorithm>
#include <cstring>
#include <memory>

#include "../core/variable.h"
#include "ops.h"

namespace pt::ops {

namespace {

/** Input i of op, or InvalidArgument naming the op when the node has fewer. */
const Tensor& input(OpId op, const std::vector<Tensor>& inputs, size_t i) {
  if (i >= inputs.size())
    throw InvalidArgument(str_cat(op_def(op).name, ": invoke needs input ", i, " but got ", inputs.size(),
                                  " input", inputs.size() == 1 ? "" : "s"));
  return inputs[i];
}

/**
 * The variables of an update's inputs (var, grad, slots...): fresh ones holding the input tensors (copied on their
 * first write, so inputs stay intact), or the given variables themselves (in place; null at the gradient's position).
 */
class UpdateSlots {
 public:
  UpdateSlots(OpId op, const std::vector<Tensor>& inputs) : op_(op), inputs_(&inputs) {}
  UpdateSlots(OpId op, const std::vector<Variable*>& variables) : op_(op), variables_(&variables) {}
  /** The variable of input i. */
  Variable& at(size_t i) {
    if (variables_) {
      check_arg(i < variables_->size() && (*variables_)[i], op_def(op_).name, ": in-place update needs variable ", i);
      return *(*variables_)[i];
    }
    held_.push_back(std::make_unique<Variable>(input(op_, *inputs_, i), op_def(op_).name, true));
    return *held_.back();
  }
  /** The variable of input i when `present`, else null. */
  Variable* optional(bool present, size_t i) { return present ? &at(i) : nullptr; }
  /** The updated values of fresh variables, in input order (in place: none). */
  std::vector<Tensor> values() const {
    std::vector<Tensor> out;
    for (const auto& v : held_) out.push_back(v->read());
    return out;
  }

 private:
  OpId op_;
  const std::vector<Tensor>* inputs_ = nullptr;
  const std::vector<Variable*>* variables_ = nullptr;
  std::vector<std::unique_ptr<Variable>> held_;
};

/**
 * Runs optimizer update `op` (family optim) on the variables of `v` with gradient `grad` (a row gradient's values
 * with `indices`, else dense); returns v.values().
 */
std::vector<Tensor> run_update(OpId op, const Attrs& attrs, const Tensor& grad, const Tensor& indices,
                               UpdateSlots& v) {
  auto a = [&](auto tag) -> const auto& { return attrs_as<decltype(tag)>(op, attrs); };
  switch (op) {
    case OpId::apply_sgd: {
      const auto& u = a(attrs::ApplySgd{});
      Variable& var = v.at(0);
      apply_sgd(var, grad, v.optional(u.has_momentum, 2), u.learning_rate, u.momentum, u.nesterov, u.weight_decay,
                indices);
      return v.values();
    }
    case OpId::apply_rmsprop: {
      const auto& u = a(attrs::ApplyRmsprop{});
      Variable& var = v.at(0);
      Variable& velocity = v.at(2);
      Variable* average = v.optional(u.centered, 3);
      Variable* momentum = v.optional(u.has_momentum, u.centered ? 4 : 3);
      apply_rmsprop(var, grad, velocity, average, momentum, u.learning_rate, u.rho, u.momentum, u.epsilon,
                    u.weight_decay, indices);
      return v.values();
    }
    case OpId::apply_adam: {
      const auto& u = a(attrs::ApplyAdam{});
      Variable& var = v.at(0);
      Variable& m = v.at(2);
      Variable& s = v.at(3);
      apply_adam(var, grad, m, s, v.optional(u.amsgrad, 4), u.learning_rate, u.beta_1, u.beta_2, u.epsilon, u.step,
                 u.weight_decay, indices);
      return v.values();
    }
    case OpId::apply_adagrad: {
      const auto& u = a(attrs::ApplyAdagrad{});
      Variable& var = v.at(0);
      apply_adagrad(var, grad, v.at(2), u.learning_rate, u.epsilon, u.weight_decay, indices);
      return v.values();
    }
    case OpId::apply_adadelta: {
      const auto& u = a(attrs::ApplyAdadelta{});
      Variable& var = v.at(0);
      Variable& acc_grad = v.at(2);
      Variable& acc_delta = v.at(3);
      apply_adadelta(var, grad, acc_grad, acc_delta, u.learning_rate, u.rho, u.epsilon, u.weight_decay, indices);
      return v.values();
    }
    case OpId::apply_nadam: {
      const auto& u = a(attrs::ApplyNadam{});
      Variable& var = v.at(0);
      Variable& m = v.at(2);
      Variable& s = v.at(3);
      apply_nadam(var, grad, m, s, u.learning_rate, u.beta_1, u.beta_2, u.epsilon, u.step, u.u_product,
                  u.weight_decay, indices);
      return v.values();
    }
    default:
      throw InvalidArgument(str_cat(op_def(op).name, ": not an optimizer update"));
  }
}

/** The invokers family files registered, by op. */
Invoker* invokers() {
  static Invoker table[static_cast<size_t>(OpId::kCount)] = {};
  return table;
}

}  // namespace

bool register_invoker(OpId op, Invoker run) {
  invokers()[static_cast<size_t>(op)] = run;
  return true;
}

std::vector<Tensor> invoke(OpId op, const std::vector<Tensor>& inputs, const Attrs& attrs) {
  validate_attrs(op, attrs);  // checks the struct's type first
  const OpDef& def = op_def(op);
  if (def.num_inputs >= 0 && std::strcmp(def.family, "optim") != 0 && inputs.size() != static_cast<size_t>(def.num_inputs))
    throw InvalidArgument(str_cat(def.name, ": invoke expects ", def.num_inputs, " input tensors, got ", inputs.size()));
  auto in = [&](size_t i) -> const Tensor& { return input(op, inputs, i); };
  auto a = [&](auto tag) -> const auto& { return attrs_as<decltype(tag)>(op, attrs); };
  switch (op) {
    case OpId::cast: return {cast(in(0), a(attrs::Cast{}).dtype)};
    case OpId::where: return {where(in(0), in(1), in(2))};
    case OpId::clip_by_value: return {clip_by_value(in(0), in(1), in(2))};
    case OpId::fused_elementwise: return {fused_elementwise(inputs, a(attrs::Elementwise{}))};
    case OpId::reduce_sum: case OpId::reduce_mean: case OpId::reduce_max: case OpId::reduce_min:
    case OpId::reduce_prod: case OpId::reduce_logsumexp: case OpId::reduce_any: case OpId::reduce_all: {
      const auto& r = a(attrs::Reduce{});
      return {reduce(op, in(0), r.axes, false, r.keepdims)};
    }
    case OpId::argmax: case OpId::argmin: {
      const auto& r = a(attrs::ArgReduce{});
      return {arg_reduce(op, in(0), r.axis, r.output_type)};
    }
    case OpId::matmul: {
      const auto& m = a(attrs::Matmul{});
      return {matmul(in(0), in(1), m.transpose_a, m.transpose_b)};
    }
    case OpId::reshape: return {reshape(in(0), a(attrs::TargetShape{}).shape)};
    case OpId::transpose: return {transpose(in(0), a(attrs::Ints{}).values)};
    case OpId::expand_dims: return {expand_dims(in(0), a(attrs::Axis{}).axis)};
    case OpId::squeeze: return {squeeze(in(0), a(attrs::Ints{}).values)};
    case OpId::concat: return {concat(inputs, a(attrs::Axis{}).axis)};
    case OpId::stack: return {stack(inputs, a(attrs::Axis{}).axis)};
    case OpId::unstack: return unstack(in(0), a(attrs::Axis{}).axis);
    case OpId::split: {
      const auto& s = a(attrs::Split{});
      return split(in(0), s.sizes, s.axis);
    }
    case OpId::tile: return {tile(in(0), a(attrs::Ints{}).values)};
    case OpId::broadcast_to: return {broadcast_to(in(0), a(attrs::TargetShape{}).shape)};
    case OpId::pad: {
      const auto& p = a(attrs::Pad{});
      return {pad(in(0), p.paddings, p.mode, p.constant_values)};
    }
    case OpId::gather: {
      const auto& g = a(attrs::Gather{});
      return {gather(in(0), in(1), g.axis, g.batch_dims)};
    }
    case OpId::one_hot: {
      const auto& o = a(attrs::OneHot{});
      return {one_hot(in(0), o.depth, o.on_value, o.off_value, o.axis, o.dtype)};
    }
    case OpId::strided_slice: return {strided_slice(in(0), a(attrs::StridedSlice{}).items)};
    case OpId::boolean_mask: return {boolean_mask(in(0), in(1), a(attrs::Axis{}).axis)};
    case OpId::where_indices: return {where_indices(in(0))};
    case OpId::unsorted_segment_sum: return {unsorted_segment_sum(in(0), in(1), a(attrs::SegmentSum{}).num_segments)};
    case OpId::scatter_nd: return {scatter_nd(in(0), in(1), a(attrs::ScatterNd{}).shape)};
    case OpId::strided_slice_grad: {
      const auto& s = a(attrs::StridedSliceGrad{});
      return {strided_slice_grad(in(0), s.input_shape, s.items)};
    }
    case OpId::softmax: return {softmax(in(0), a(attrs::Axis{}).axis)};
    case OpId::log_softmax: return {log_softmax(in(0), a(attrs::Axis{}).axis)};
    case OpId::sparse_softmax_cross_entropy_with_logits: return {sparse_softmax_cross_entropy_with_logits(in(0), in(1))};
    case OpId::softmax_cross_entropy_with_logits:
      return {softmax_cross_entropy_with_logits(in(0), in(1), a(attrs::Axis{}).axis)};
    case OpId::dropout: {
      const auto& d = a(attrs::Dropout{});
      return {dropout(in(0), d.rate, d.noise_shape, d.seed)};
    }
    case OpId::relu6: return {relu6(in(0))};
    case OpId::leaky_relu: return {leaky_relu(in(0), a(attrs::LeakyRelu{}).alpha)};
    case OpId::elu: return {elu(in(0))};
    case OpId::selu: return {selu(in(0))};
    case OpId::gelu: return {gelu(in(0), a(attrs::Gelu{}).approximate)};
    case OpId::softplus: return {softplus(in(0))};
    case OpId::softsign: return {softsign(in(0))};
    case OpId::silu: return {silu(in(0), a(attrs::Silu{}).beta)};
    case OpId::hard_sigmoid: return {hard_sigmoid(in(0))};
    case OpId::erf: return {erf(in(0))};
    case OpId::relu_grad: return {relu_grad(in(0), in(1))};
    case OpId::bias_add_relu: return {bias_add_relu(in(0), in(1))};
    case OpId::conv2d: return {conv2d(in(0), in(1), a(attrs::Conv2d{}).params)};
    case OpId::conv2d_backprop_input: {
      const auto& c = a(attrs::Conv2dBackprop{});
      return {conv2d_backprop_input(c.sizes, in(0), in(1), c.params)};
    }
    case OpId::conv2d_backprop_filter: {
      const auto& c = a(attrs::Conv2dBackprop{});
      return {conv2d_backprop_filter(in(0), c.sizes, in(1), c.params)};
    }
    case OpId::max_pool2d: return {max_pool2d(in(0), a(attrs::Pool2d{}).window)};
    case OpId::avg_pool2d: return {avg_pool2d(in(0), a(attrs::Pool2d{}).window)};
    case OpId::max_pool2d_grad: {
      const auto& p = a(attrs::Pool2dGrad{});
      return {max_pool2d_grad(in(0), in(1), p.input_shape, p.window)};
    }
    case OpId::avg_pool2d_grad: {
      const auto& p = a(attrs::Pool2dGrad{});
      return {avg_pool2d_grad(in(0), p.input_shape, p.window)};
    }
    case OpId::dot_product_attention: return {dot_product_attention(in(0), in(1), in(2), in(3), in(4))};
    case OpId::lstm: {
      const auto& r = a(attrs::Rnn{});
      return lstm(in(0), in(1), in(2), in(3), in(4), in(5), r.options);
    }
    case OpId::gru: {
      const auto& r = a(attrs::Rnn{});
      return gru(in(0), in(1), in(2), in(3), in(4), r.reset_after, r.options);
    }
    case OpId::simple_rnn: {
      const auto& r = a(attrs::Rnn{});
      return simple_rnn(in(0), in(1), in(2), in(3), in(4), r.options);
    }
    case OpId::conv2d_max_pool: {
      const auto& c = a(attrs::Conv2dMaxPool{});
      return {conv2d_max_pool(in(0), in(1), c.params, c.window)};
    }
    case OpId::conv2d_max_pool_backprop_filter: {
      const auto& c = a(attrs::Conv2dMaxPoolBackprop{});
      return {conv2d_max_pool_backprop_filter(in(0), c.sizes, in(1), in(2), c.params, c.window)};
    }
    case OpId::conv2d_max_pool_backprop_input: {
      const auto& c = a(attrs::Conv2dMaxPoolBackprop{});
      return {conv2d_max_pool_backprop_input(c.sizes, in(0), in(1), in(2), c.params, c.window)};
    }
    // Updates: inputs var, grad, slots...[, a row gradient's indices: the only integer input, last]; the variables
    // are fresh copies, returned updated.
    case OpId::apply_sgd: case OpId::apply_rmsprop: case OpId::apply_adam: case OpId::apply_adagrad:
    case OpId::apply_adadelta: case OpId::apply_nadam: {
      UpdateSlots v(op, inputs);
      const bool rows = inputs.size() > 2 && is_integer(inputs.back().dtype());
      return run_update(op, attrs, in(1), rows ? inputs.back() : Tensor(), v);
    }
    case OpId::zeros: {
      const auto& c = a(attrs::Constant{});
      return {zeros(c.shape, c.dtype)};
    }
    case OpId::ones: {
      const auto& c = a(attrs::Constant{});
      return {ones(c.shape, c.dtype)};
    }
    case OpId::fill: {
      const auto& f = a(attrs::Fill{});
      return {fill(f.shape, f.value)};
    }
    case OpId::zeros_like: return {zeros_like(in(0), a(attrs::Like{}).dtype)};
    case OpId::ones_like: return {ones_like(in(0), a(attrs::Like{}).dtype)};
    case OpId::eye: {
      const auto& e = a(attrs::Eye{});
      return {eye(e.num_rows, e.num_columns, e.batch_shape, e.dtype)};
    }
    case OpId::range: {
      const auto& r = a(attrs::Range{});
      return {range(r.start, r.limit, r.delta, r.dtype)};
    }
    case OpId::linspace: {
      const auto& l = a(attrs::Linspace{});
      return {linspace(l.start, l.stop, l.num, l.dtype)};
    }
    case OpId::random_normal: {
      const auto& r = a(attrs::RandomDist{});
      return {random_normal(r.shape, r.low, r.high, r.dtype, r.seed)};
    }
    case OpId::random_uniform: {
      const auto& r = a(attrs::RandomDist{});
      return {random_uniform(r.shape, r.low, r.high, r.dtype, r.seed)};
    }
    case OpId::truncated_normal: {
      const auto& r = a(attrs::RandomDist{});
      return {truncated_normal(r.shape, r.low, r.high, r.dtype, r.seed)};
    }
    case OpId::categorical: {
      const auto& c = a(attrs::Categorical{});
      return {categorical(in(0), c.num_samples, c.dtype, c.seed)};
    }
    case OpId::random_shuffle: return {random_shuffle(in(0), a(attrs::Shuffle{}).seed)};
    case OpId::philox_state_from_seed: return {philox_state_from_seed(in(0))};
    case OpId::philox_skip: return {philox_skip(in(0), a(attrs::PhiloxSkip{}).delta)};
    case OpId::philox_uniform: case OpId::philox_uniform_full_int: case OpId::philox_uniform_int:
    case OpId::philox_normal: case OpId::philox_truncated_normal: case OpId::philox_shuffle_order: {
      const auto& d = a(attrs::PhiloxDraw{});
      return {philox_draw(op, in(0), d.shape, d.dtype, d.minval, d.maxval)};
    }
    case OpId::philox_gamma: case OpId::philox_poisson: case OpId::philox_binomial: {
      const auto& d = a(attrs::PhiloxDraw{});
      return {philox_sample(op, in(0), in(1), op == OpId::philox_binomial ? in(2) : Tensor{}, d.shape, d.dtype)};
    }
    case OpId::philox_parameterized_truncated_normal: {
      const auto& d = a(attrs::PhiloxDraw{});
      return {philox_parameterized_truncated_normal(in(0), in(1), in(2), in(3), in(4), d.shape, d.dtype)};
    }
    case OpId::philox_categorical: {
      const auto& d = a(attrs::PhiloxCategorical{});
      return {philox_categorical(in(0), in(1), d.num_samples, d.dtype)};
    }
    case OpId::bessel_i0: case OpId::bessel_i0e: case OpId::bessel_i1: case OpId::bessel_i1e: case OpId::bessel_j0:
    case OpId::bessel_j1: case OpId::bessel_k0: case OpId::bessel_k0e: case OpId::bessel_k1: case OpId::bessel_k1e:
    case OpId::bessel_y0: case OpId::bessel_y1: case OpId::dawsn: case OpId::expint: case OpId::fresnel_cos:
    case OpId::fresnel_sin: case OpId::spence:
      return {special_function(op, in(0))};
    case OpId::fft: case OpId::ifft: case OpId::fft2d: case OpId::ifft2d: case OpId::fft3d: case OpId::ifft3d:
      return {fft(op, in(0))};
    case OpId::rfft: case OpId::irfft: case OpId::rfft2d: case OpId::irfft2d: case OpId::rfft3d: case OpId::irfft3d:
      return {rfft(op, in(0), a(attrs::Ints{}).values)};
    default:
      if (Invoker run = invokers()[static_cast<size_t>(op)]) return run(inputs, attrs);
      break;
  }
  if (std::strcmp(def.family, "unary") == 0) return {unary(op, in(0))};
  if (std::strcmp(def.family, "binary") == 0) return {binary(op, in(0), in(1))};
  throw InvalidArgument(str_cat(def.name, ": invoke has no call for this op"));
}

void invoke_update(OpId op, const std::vector<Variable*>& variables, const Tensor& grad, const Attrs& attrs,
                   const Tensor& indices) {
  check_attrs_type(op, attrs);
  validate_attrs(op, attrs);
  UpdateSlots v(op, variables);
  run_update(op, attrs, grad, indices, v);
}

}  // namespace pt::ops
