// Fused in-place optimizer updates: one pass over a variable, its gradient and its slots per step,
// with Keras 3's update equations (keras/src/optimizers/*.py) including epsilon placement and bias correction.
#include <cmath>

#include "../core/parallel.h"
#include "../core/variable.h"
#include "ops.h"

namespace pt::ops {

namespace {

// Updates are memory-bound: a thread needs a large chunk before the fork/join pays off.
constexpr int64_t kGrain = 1 << 15;

/** Checks the variable is float and the gradient matches it; returns the gradient dense. */
Tensor checked_grad(const char* optimizer, const Variable& var, const Tensor& grad) {
  if (!is_floating(var.dtype()))
    throw TypeError(str_cat(optimizer, ": variable '", var.name(), "' has dtype ", dtype_name(var.dtype()),
                            "; optimizers update float32 or float64 variables"));
  if (grad.dtype() != var.dtype())
    throw TypeError(str_cat(optimizer, ": gradient for variable '", var.name(), "' has dtype ",
                            dtype_name(grad.dtype()), " but the variable has dtype ", dtype_name(var.dtype()),
                            "; cast the gradient to the variable's dtype"));
  check_arg(grad.shape() == var.shape(), optimizer, ": gradient for variable '", var.name(), "' has shape ",
            shape_str(grad.shape()), " but the variable has shape ", shape_str(var.shape()));
  return contiguous(grad);
}

/** Checks a slot variable has its variable's shape and dtype. */
void check_slot(const char* optimizer, const Variable& var, const Variable& slot) {
  check_arg(slot.shape() == var.shape() && slot.dtype() == var.dtype(), optimizer, ": slot variable '",
            slot.name(), "' (shape ", shape_str(slot.shape()), ", dtype ", dtype_name(slot.dtype()),
            ") does not match variable '", var.name(), "' (shape ", shape_str(var.shape()), ", dtype ",
            dtype_name(var.dtype()), ")");
}

/** Storage of a variable (or slot) to write in place; copy-on-write keeps earlier reads unchanged. */
template <class T>
T* writable(Variable& v) {
  return v.mutable_value().data<T>();
}

template <class T>
T* writable(Variable* v) {
  return v ? writable<T>(*v) : nullptr;
}

/** Runs body(i) for every element index in parallel chunks. */
template <class Body>
void for_each_element(int64_t n, Body body) {
  parallel_for(n, kGrain, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) body(i);
  });
}

}  // namespace

void apply_sgd(Variable& var, const Tensor& grad, Variable* momentum_slot, double learning_rate, double momentum,
               bool nesterov, double weight_decay) {
  constexpr const char* kName = "SGD";
  Tensor g = checked_grad(kName, var, grad);
  if (momentum_slot) check_slot(kName, var, *momentum_slot);
  PT_DISPATCH_FLOAT(var.dtype(), kName, {
    using T = scalar_t;
    T* p = writable<T>(var);
    T* m = writable<T>(momentum_slot);
    const T* gp = g.data<T>();
    const T lr = T(learning_rate), mu = T(momentum), decay = T(1.0 - weight_decay * learning_rate);
    if (!m) {
      for_each_element(g.numel(), [=](int64_t i) { p[i] = p[i] * decay - gp[i] * lr; });
    } else if (nesterov) {
      for_each_element(g.numel(), [=](int64_t i) {
        T mi = mu * m[i] - gp[i] * lr;
        m[i] = mi;
        p[i] = p[i] * decay + (mu * mi - gp[i] * lr);
      });
    } else {
      for_each_element(g.numel(), [=](int64_t i) {
        T mi = mu * m[i] - gp[i] * lr;
        m[i] = mi;
        p[i] = p[i] * decay + mi;
      });
    }
  });
}

void apply_rmsprop(Variable& var, const Tensor& grad, Variable& velocity, Variable* average_grad,
                   Variable* momentum_slot, double learning_rate, double rho, double momentum, double epsilon,
                   double weight_decay) {
  constexpr const char* kName = "RMSprop";
  Tensor g = checked_grad(kName, var, grad);
  check_slot(kName, var, velocity);
  if (average_grad) check_slot(kName, var, *average_grad);
  if (momentum_slot) check_slot(kName, var, *momentum_slot);
  PT_DISPATCH_FLOAT(var.dtype(), kName, {
    using T = scalar_t;
    T* p = writable<T>(var);
    T* vel = writable<T>(velocity);
    T* avg = writable<T>(average_grad);
    T* mom = writable<T>(momentum_slot);
    const T* gp = g.data<T>();
    const T lr = T(learning_rate), r = T(rho), one_minus_r = T(1.0 - rho), mu = T(momentum), eps = T(epsilon),
            decay = T(1.0 - weight_decay * learning_rate);
    for_each_element(g.numel(), [=](int64_t i) {
      T gi = gp[i];
      T v = r * vel[i] + one_minus_r * gi * gi;
      vel[i] = v;
      T denominator = v + eps;
      if (avg) {
        T a = r * avg[i] + one_minus_r * gi;
        avg[i] = a;
        denominator = v - a * a + eps;
      }
      T increment = lr * gi / std::sqrt(denominator);
      if (mom) {
        increment = mu * mom[i] + increment;
        mom[i] = increment;
      }
      p[i] = p[i] * decay - increment;
    });
  });
}

void apply_adam(Variable& var, const Tensor& grad, Variable& m, Variable& v, Variable* v_hat, double learning_rate,
                double beta_1, double beta_2, double epsilon, int64_t step, double weight_decay) {
  constexpr const char* kName = "Adam";
  Tensor g = checked_grad(kName, var, grad);
  check_slot(kName, var, m);
  check_slot(kName, var, v);
  if (v_hat) check_slot(kName, var, *v_hat);
  check_arg(step >= 1, kName, ": step must be >= 1 (iterations + 1), got ", step);
  const double t = double(step);
  const double alpha_d = learning_rate * std::sqrt(1.0 - std::pow(beta_2, t)) / (1.0 - std::pow(beta_1, t));
  PT_DISPATCH_FLOAT(var.dtype(), kName, {
    using T = scalar_t;
    T* p = writable<T>(var);
    T* mp = writable<T>(m);
    T* vp = writable<T>(v);
    T* vh = writable<T>(v_hat);
    const T* gp = g.data<T>();
    const T alpha = T(alpha_d), b1c = T(1.0 - beta_1), b2c = T(1.0 - beta_2), eps = T(epsilon),
            decay = T(1.0 - weight_decay * learning_rate);
    if (vh) {
      for_each_element(g.numel(), [=](int64_t i) {
        T gi = gp[i];
        T mi = mp[i] + (gi - mp[i]) * b1c;
        T vi = vp[i] + (gi * gi - vp[i]) * b2c;
        mp[i] = mi;
        vp[i] = vi;
        T vmax = vh[i] > vi ? vh[i] : vi;
        vh[i] = vmax;
        p[i] = p[i] * decay - alpha * mi / (std::sqrt(vmax) + eps);
      });
    } else {
      for_each_element(g.numel(), [=](int64_t i) {
        T gi = gp[i];
        T mi = mp[i] + (gi - mp[i]) * b1c;
        T vi = vp[i] + (gi * gi - vp[i]) * b2c;
        mp[i] = mi;
        vp[i] = vi;
        p[i] = p[i] * decay - alpha * mi / (std::sqrt(vi) + eps);
      });
    }
  });
}

void apply_adagrad(Variable& var, const Tensor& grad, Variable& accumulator, double learning_rate, double epsilon,
                   double weight_decay) {
  constexpr const char* kName = "Adagrad";
  Tensor g = checked_grad(kName, var, grad);
  check_slot(kName, var, accumulator);
  PT_DISPATCH_FLOAT(var.dtype(), kName, {
    using T = scalar_t;
    T* p = writable<T>(var);
    T* acc = writable<T>(accumulator);
    const T* gp = g.data<T>();
    const T lr = T(learning_rate), eps = T(epsilon), decay = T(1.0 - weight_decay * learning_rate);
    for_each_element(g.numel(), [=](int64_t i) {
      T gi = gp[i];
      T a = acc[i] + gi * gi;
      acc[i] = a;
      p[i] = p[i] * decay - lr * gi / std::sqrt(a + eps);
    });
  });
}

void apply_adadelta(Variable& var, const Tensor& grad, Variable& accumulated_grad, Variable& accumulated_delta_var,
                    double learning_rate, double rho, double epsilon, double weight_decay) {
  constexpr const char* kName = "Adadelta";
  Tensor g = checked_grad(kName, var, grad);
  check_slot(kName, var, accumulated_grad);
  check_slot(kName, var, accumulated_delta_var);
  PT_DISPATCH_FLOAT(var.dtype(), kName, {
    using T = scalar_t;
    T* p = writable<T>(var);
    T* ag = writable<T>(accumulated_grad);
    T* ad = writable<T>(accumulated_delta_var);
    const T* gp = g.data<T>();
    const T lr = T(learning_rate), r = T(rho), one_minus_r = T(1.0 - rho), eps = T(epsilon),
            decay = T(1.0 - weight_decay * learning_rate);
    for_each_element(g.numel(), [=](int64_t i) {
      T gi = gp[i];
      T a = r * ag[i] + one_minus_r * gi * gi;
      ag[i] = a;
      T delta = -std::sqrt(ad[i] + eps) * gi / std::sqrt(a + eps);
      ad[i] = r * ad[i] + one_minus_r * delta * delta;
      p[i] = p[i] * decay + lr * delta;
    });
  });
}

void apply_nadam(Variable& var, const Tensor& grad, Variable& m, Variable& v, double learning_rate, double beta_1,
                 double beta_2, double epsilon, int64_t step, double u_product, double weight_decay) {
  constexpr const char* kName = "Nadam";
  Tensor g = checked_grad(kName, var, grad);
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
  PT_DISPATCH_FLOAT(var.dtype(), kName, {
    using T = scalar_t;
    T* p = writable<T>(var);
    T* mp = writable<T>(m);
    T* vp = writable<T>(v);
    const T* gp = g.data<T>();
    const T lr = T(learning_rate), b1c = T(1.0 - beta_1), b2c = T(1.0 - beta_2), eps = T(epsilon),
            mc = T(m_coef), gc = T(g_coef), vc = T(v_coef), decay = T(1.0 - weight_decay * learning_rate);
    for_each_element(g.numel(), [=](int64_t i) {
      T gi = gp[i];
      T mi = mp[i] + (gi - mp[i]) * b1c;
      T vi = vp[i] + (gi * gi - vp[i]) * b2c;
      mp[i] = mi;
      vp[i] = vi;
      T m_hat = mc * mi + gc * gi;
      p[i] = p[i] * decay - m_hat * lr / (std::sqrt(vi * vc) + eps);
    });
  });
}

}  // namespace pt::ops
