// Fused in-place optimizer updates: one pass over a variable, its gradient and its slots per step,
// with Keras 3's update equations (keras/src/optimizers/*.py) including epsilon placement and bias correction.
#include <algorithm>
#include <cmath>
#include <memory>

#include "record.h"
#include "../backend/kernel_table.h"
#include "../backend/kernels.h"
#include "../core/variable.h"
#include "define_op.h"
#include "invoke.h"
#include "ops.h"

namespace pt::ops {

namespace {

/** An update's gradient: dense, or a row gradient's values (one row per index) and its int64 row indices. */
struct Gradient {
  Tensor values;
  Tensor indices;  // undefined: dense
};

/**
 * Checks the variable is float and the gradient matches it: dense, var's shape; with `indices` (an IndexedSlices),
 * 1-D integer indices and one values row of var's row shape per index. Returns it contiguous (a row gradient on a
 * device without row kernels as its dense tensor).
 */
Gradient checked_grad(const char* optimizer, const Variable& var, const Tensor& grad, const Tensor& indices) {
  if (!is_floating(var.dtype()))
    throw TypeError(str_cat(optimizer, ": variable '", var.name(), "' has dtype ", dtype_name(var.dtype()),
                            "; optimizers update float32 or float64 variables"));
  if (grad.dtype() != var.dtype())
    throw TypeError(str_cat(optimizer, ": gradient for variable '", var.name(), "' has dtype ",
                            dtype_name(grad.dtype()), " but the variable has dtype ", dtype_name(var.dtype()),
                            "; cast the gradient to the variable's dtype"));
  if (!indices.defined()) {
    check_arg(grad.shape() == var.shape(), optimizer, ": gradient for variable '", var.name(), "' has shape ",
              shape_str(grad.shape()), " but the variable has shape ", shape_str(var.shape()));
    return {contiguous(grad), Tensor()};
  }
  if (!is_integer(indices.dtype()) || indices.ndim() != 1)
    throw TypeError(str_cat(optimizer, ": the row gradient's indices for variable '", var.name(),
                            "' must be a 1-D integer tensor, got ", dtype_name(indices.dtype()), " of shape ",
                            shape_str(indices.shape())));
  const Shape& rows = grad.shape();
  check_arg(!var.shape().empty() && rows.size() == var.shape().size() && rows[0] == indices.shape()[0] &&
                std::equal(rows.begin() + 1, rows.end(), var.shape().begin() + 1),
            optimizer, ": row gradient values of shape ", shape_str(grad.shape()), " with ", indices.shape()[0],
            " indices do not fit variable '", var.name(), "' of shape ", shape_str(var.shape()),
            "; an IndexedSlices gradient needs one values row of shape var.shape[1:] per index");
  if (grad.device() != Device::CPU)  // row kernels are CPU's: elsewhere the dense gradient
    return {unsorted_segment_sum(grad, indices, var.shape()[0]), Tensor()};
  return {contiguous(grad), contiguous(cast(indices, DType::Int64))};
}

/** Checks a slot variable has its variable's shape and dtype. */
void check_slot(const char* optimizer, const Variable& var, const Variable& slot) {
  check_arg(slot.shape() == var.shape() && slot.dtype() == var.dtype(), optimizer, ": slot variable '",
            slot.name(), "' (shape ", shape_str(slot.shape()), ", dtype ", dtype_name(slot.dtype()),
            ") does not match variable '", var.name(), "' (shape ", shape_str(var.shape()), ", dtype ",
            dtype_name(var.dtype()), ")");
}

/** Runs optimizer `op`'s kernel on the variable's storage (copy-on-write keeps earlier reads unchanged) and its
 *  slots (undefined: absent). */
void run_update(OpId op, backend::OptimizerStep& step, const char* optimizer, Variable& var, const Gradient& grad,
                const Tensor& slot_a, const Tensor& slot_b, const Tensor& slot_c) {
  step.indices = grad.indices;
  step.optimizer = optimizer;
  backend::OptimizerKernel* run = backend::kernel<backend::OptimizerKernel>(op, grad.values.device(), var.dtype());
  run(step, var.mutable_value(), grad.values, slot_a, slot_b, slot_c);
}

/**
 * An update as an observer sees it: a pure op (var, grad, slots...[, indices]) -> (var, slots...) on the values before
 * and after (read only when an observer listens: the reads make the update copy its variables first).
 */
class ObservedUpdate {
 public:
  /** `variables`: the variable then its slots (absent ones null). */
  ObservedUpdate(const autograd::OpScope& scope, std::initializer_list<Variable*> variables, const Tensor& grad,
                 const Tensor& indices)
      : on_(scope.should_record() && autograd::thread_state().observer) {
    if (!on_) return;
    for (Variable* v : variables)
      if (v) variables_.push_back(v);
    inputs_.push_back(variables_[0]->read());
    inputs_.push_back(grad);
    for (size_t i = 1; i < variables_.size(); ++i) inputs_.push_back(variables_[i]->read());
    if (indices.defined()) inputs_.push_back(indices);  // a row gradient's indices: the last input
  }
  /** Reports the finished update. */
  void report(OpId op, Attrs attrs) {
    if (!on_) return;
    std::vector<Tensor> outputs;
    for (Variable* v : variables_) outputs.push_back(v->read());
    autograd::record(op, std::move(inputs_), std::move(outputs), std::move(attrs));
  }

 private:
  bool on_;
  std::vector<Variable*> variables_;
  std::vector<Tensor> inputs_;
};

}  // namespace

void apply_sgd(Variable& var, const Tensor& grad, Variable* momentum_slot, double learning_rate, double momentum,
               bool nesterov, double weight_decay, const Tensor& indices) {
  PT_OP_SCOPE;
  constexpr const char* kName = "SGD";
  Gradient g = checked_grad(kName, var, grad, indices);
  ObservedUpdate observed(pt_op_scope_, {&var, momentum_slot}, grad, indices);
  if (momentum_slot) check_slot(kName, var, *momentum_slot);
  backend::OptimizerStep hyper;
  hyper.learning_rate = learning_rate;
  hyper.momentum = momentum;
  hyper.nesterov = nesterov;
  hyper.weight_decay = weight_decay;
  run_update(OpId::apply_sgd, hyper, kName, var, g,
             momentum_slot ? momentum_slot->mutable_value() : Tensor(), Tensor(), Tensor());
  observed.report(OpId::apply_sgd,
                  attrs::ApplySgd{learning_rate, momentum, nesterov, momentum_slot != nullptr, weight_decay});
}

void apply_rmsprop(Variable& var, const Tensor& grad, Variable& velocity, Variable* average_grad,
                   Variable* momentum_slot, double learning_rate, double rho, double momentum, double epsilon,
                   double weight_decay, const Tensor& indices) {
  PT_OP_SCOPE;
  constexpr const char* kName = "RMSprop";
  Gradient g = checked_grad(kName, var, grad, indices);
  ObservedUpdate observed(pt_op_scope_, {&var, &velocity, average_grad, momentum_slot}, grad, indices);
  check_slot(kName, var, velocity);
  if (average_grad) check_slot(kName, var, *average_grad);
  if (momentum_slot) check_slot(kName, var, *momentum_slot);
  backend::OptimizerStep hyper;
  hyper.learning_rate = learning_rate;
  hyper.rho = rho;
  hyper.momentum = momentum;
  hyper.epsilon = epsilon;
  hyper.weight_decay = weight_decay;
  run_update(OpId::apply_rmsprop, hyper, kName, var, g,
             velocity.mutable_value(), average_grad ? average_grad->mutable_value() : Tensor(),
             momentum_slot ? momentum_slot->mutable_value() : Tensor());
  observed.report(OpId::apply_rmsprop,
                  attrs::ApplyRmsprop{learning_rate, rho, momentum, epsilon, weight_decay, average_grad != nullptr, momentum_slot != nullptr});
}

void apply_adam(Variable& var, const Tensor& grad, Variable& m, Variable& v, Variable* v_hat, double learning_rate,
                double beta_1, double beta_2, double epsilon, int64_t step, double weight_decay, const Tensor& indices) {
  PT_OP_SCOPE;
  constexpr const char* kName = "Adam";
  Gradient g = checked_grad(kName, var, grad, indices);
  ObservedUpdate observed(pt_op_scope_, {&var, &m, &v, v_hat}, grad, indices);
  check_slot(kName, var, m);
  check_slot(kName, var, v);
  if (v_hat) check_slot(kName, var, *v_hat);
  check_arg(step >= 1, kName, ": step must be >= 1 (iterations + 1), got ", step);
  const double t = double(step);
  const double alpha_d = learning_rate * std::sqrt(1.0 - std::pow(beta_2, t)) / (1.0 - std::pow(beta_1, t));
  backend::OptimizerStep hyper;
  hyper.learning_rate = learning_rate;
  hyper.beta_1 = beta_1;
  hyper.beta_2 = beta_2;
  hyper.epsilon = epsilon;
  hyper.weight_decay = weight_decay;
  hyper.alpha = alpha_d;
  run_update(OpId::apply_adam, hyper, kName, var, g,
             m.mutable_value(), v.mutable_value(), v_hat ? v_hat->mutable_value() : Tensor());
  observed.report(OpId::apply_adam,
                  attrs::ApplyAdam{learning_rate, beta_1, beta_2, epsilon, step, weight_decay, v_hat != nullptr});
}

void apply_adagrad(Variable& var, const Tensor& grad, Variable& accumulator, double learning_rate, double epsilon,
                   double weight_decay, const Tensor& indices) {
  PT_OP_SCOPE;
  constexpr const char* kName = "Adagrad";
  Gradient g = checked_grad(kName, var, grad, indices);
  ObservedUpdate observed(pt_op_scope_, {&var, &accumulator}, grad, indices);
  check_slot(kName, var, accumulator);
  backend::OptimizerStep hyper;
  hyper.learning_rate = learning_rate;
  hyper.epsilon = epsilon;
  hyper.weight_decay = weight_decay;
  run_update(OpId::apply_adagrad, hyper, kName, var, g, accumulator.mutable_value(), Tensor(), Tensor());
  observed.report(OpId::apply_adagrad, attrs::ApplyAdagrad{learning_rate, epsilon, weight_decay});
}

void apply_adadelta(Variable& var, const Tensor& grad, Variable& accumulated_grad, Variable& accumulated_delta_var,
                    double learning_rate, double rho, double epsilon, double weight_decay, const Tensor& indices) {
  PT_OP_SCOPE;
  constexpr const char* kName = "Adadelta";
  Gradient g = checked_grad(kName, var, grad, indices);
  ObservedUpdate observed(pt_op_scope_, {&var, &accumulated_grad, &accumulated_delta_var}, grad, indices);
  check_slot(kName, var, accumulated_grad);
  check_slot(kName, var, accumulated_delta_var);
  backend::OptimizerStep hyper;
  hyper.learning_rate = learning_rate;
  hyper.rho = rho;
  hyper.epsilon = epsilon;
  hyper.weight_decay = weight_decay;
  run_update(OpId::apply_adadelta, hyper, kName, var, g,
             accumulated_grad.mutable_value(), accumulated_delta_var.mutable_value(), Tensor());
  observed.report(OpId::apply_adadelta, attrs::ApplyAdadelta{learning_rate, rho, epsilon, weight_decay});
}

void apply_nadam(Variable& var, const Tensor& grad, Variable& m, Variable& v, double learning_rate, double beta_1,
                 double beta_2, double epsilon, int64_t step, double u_product, double weight_decay, const Tensor& indices) {
  PT_OP_SCOPE;
  constexpr const char* kName = "Nadam";
  Gradient g = checked_grad(kName, var, grad, indices);
  ObservedUpdate observed(pt_op_scope_, {&var, &m, &v}, grad, indices);
  check_slot(kName, var, m);
  check_slot(kName, var, v);
  check_arg(step >= 1, kName, ": step must be >= 1 (iterations + 1), got ", step);
  // Keras's momentum schedule: u_t = beta_1 (1 - 0.5 * 0.96^t); u_product is the product of u_1..u_t.
  const double t = double(step);
  const double u_t = beta_1 * (1.0 - 0.5 * std::pow(0.96, t));
  const double u_next = beta_1 * (1.0 - 0.5 * std::pow(0.96, t + 1.0));
  const double u_product_next = u_product * u_next;
  const double m_coef = u_next / (1.0 - u_product_next), g_coef = (1.0 - u_t) / (1.0 - u_product);
  const double v_coef = 1.0 / (1.0 - std::pow(beta_2, t));
  backend::OptimizerStep hyper;
  hyper.learning_rate = learning_rate;
  hyper.beta_1 = beta_1;
  hyper.beta_2 = beta_2;
  hyper.epsilon = epsilon;
  hyper.weight_decay = weight_decay;
  hyper.m_coef = m_coef;
  hyper.g_coef = g_coef;
  hyper.v_coef = v_coef;
  run_update(OpId::apply_nadam, hyper, kName, var, g, m.mutable_value(), v.mutable_value(), Tensor());
  observed.report(OpId::apply_nadam,
                  attrs::ApplyNadam{learning_rate, beta_1, beta_2, epsilon, step, u_product, weight_decay});
}

// ---- definitions: how a recorded node runs each op, its docstring and the TF modules that export it ----
namespace {

/**
 * The variables of an update's inputs (var, grad, slots...): fresh ones holding the input tensors (copied on their
 * first write, so inputs stay intact), or the given variables themselves (in place; null at the gradient's position).
 */
class UpdateSlots {
 public:
  explicit UpdateSlots(const Invocation& node) : op_(node.op), node_(&node) {}
  UpdateSlots(OpId op, const std::vector<Variable*>& variables) : op_(op), variables_(&variables) {}
  /** The variable of input i. */
  Variable& at(size_t i) {
    if (variables_) {
      check_arg(i < variables_->size() && (*variables_)[i], op_def(op_).name, ": in-place update needs variable ", i);
      return *(*variables_)[i];
    }
    held_.push_back(std::make_unique<Variable>(node_->in(i), op_def(op_).name, true));
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
  const Invocation* node_ = nullptr;
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

/**
 * Runs an update from a node (inputs var, grad, slots...[, a row gradient's indices: the only integer input, last])
 * on fresh variables holding the inputs; returns the updated var and slots.
 */
Outputs invoke_apply(const Invocation& node) {
  UpdateSlots v(node);
  const bool rows = node.inputs.size() > 2 && is_integer(node.inputs.back().dtype());
  return run_update(node.op, node.attrs, node.in(1), rows ? node.inputs.back() : Tensor(), v);
}

const bool defined = [] {
  define_op(OpId::apply_sgd)
      .invoke(invoke_apply)
      .internal("apply_sgd(var, grad, momentum_slot=None, learning_rate=0.01, momentum=0.0, nesterov=False, "
                "weight_decay=0.0, indices=None, name=None)",
                "Keras SGD's update of Variable ``var`` by ``grad``, in place (with ``momentum_slot``: momentum, "
                "Nesterov's when ``nesterov``). With ``indices``, ``grad`` holds rows ``indices`` of the gradient (a "
                "``tf.IndexedSlices``: ``grad[i]`` for row ``indices[i]``), applied as Keras 3 on TensorFlow applies "
                "one: duplicate rows summed, their squares summed where a second moment squares the gradient; so for "
                "every apply_* update.");
  define_op(OpId::apply_rmsprop)
      .invoke(invoke_apply)
      .internal("apply_rmsprop(var, grad, velocity, average_grad=None, momentum_slot=None, learning_rate=0.001, "
                "rho=0.9, momentum=0.0, epsilon=1e-07, weight_decay=0.0, indices=None, name=None)",
                "Keras RMSprop's update of Variable ``var`` and its slots, in place (``average_grad``: centered).");
  define_op(OpId::apply_adam)
      .invoke(invoke_apply)
      .internal("apply_adam(var, grad, m, v, v_hat=None, learning_rate=0.001, beta_1=0.9, beta_2=0.999, "
                "epsilon=1e-07, step=1, weight_decay=0.0, indices=None, name=None)",
                "Keras Adam's update of Variable ``var`` and its moments at ``step`` (1-based), in place (``v_hat``: "
                "AMSGrad).");
  define_op(OpId::apply_adagrad)
      .invoke(invoke_apply)
      .internal("apply_adagrad(var, grad, accumulator, learning_rate=0.001, epsilon=1e-07, weight_decay=0.0, "
                "indices=None, name=None)",
                "Keras Adagrad's update of Variable ``var`` and its accumulator, in place.");
  define_op(OpId::apply_adadelta)
      .invoke(invoke_apply)
      .internal("apply_adadelta(var, grad, accumulated_grad, accumulated_delta_var, learning_rate=0.001, rho=0.95, "
                "epsilon=1e-07, weight_decay=0.0, indices=None, name=None)",
                "Keras Adadelta's update of Variable ``var`` and its accumulators, in place.");
  define_op(OpId::apply_nadam)
      .invoke(invoke_apply)
      .internal("apply_nadam(var, grad, m, v, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-07, step=1, "
                "u_product=0.468, weight_decay=0.0, indices=None, name=None)",
                "Keras Nadam's update of Variable ``var`` and its moments, in place (``u_product``: the momentum "
                "schedule's running product, 0.9 * (1 - 0.5 * 0.96) at step 1).");
  return true;
}();

}  // namespace

void invoke_update(OpId op, const std::vector<Variable*>& variables, const Tensor& grad, const Attrs& attrs,
                   const Tensor& indices) {
  check_attrs_type(op, attrs);
  validate_attrs(op, attrs);
  UpdateSlots v(op, variables);
  run_update(op, attrs, grad, indices, v);
}

}  // namespace pt::ops
