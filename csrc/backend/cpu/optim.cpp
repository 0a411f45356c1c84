// CPU kernels of the fused optimizer updates: one pass over a variable, its gradient and its slots per step, with
// Keras 3's update equations (keras/src/optimizers/*.py) including epsilon placement and bias correction.
#include <cmath>
#include <type_traits>

#include "../../core/errors.h"
#include "../../core/parallel.h"
#include "../kernel_table.h"
#include "../kernels.h"
#include "../shared_math.h"
#include "register.h"

namespace pt::cpu {

namespace {

using backend::OptimizerStep;

// Updates are memory-bound: a thread needs a large chunk before the fork/join pays off.
constexpr int64_t kGrain = 1 << 15;

/** The elements of a variable or slot to write in place, or null for an absent slot. */
template <class T>
T* data_or_null(const Tensor& t) {
  return t.defined() ? t.data<T>() : nullptr;
}

/** `ptr + offset`, or null for an absent slot. */
template <class T>
T* at(T* ptr, int64_t offset) {
  return ptr ? ptr + offset : nullptr;
}

/**
 * Runs body(count, offset) over parallel chunks of [0, n). Bodies loop over `__restrict` pointers advanced
 * by `offset` with no branch inside the loop, so the compiler vectorizes them (sqrt and divide included);
 * through a per-element lambda it did not, and the update ran at a tenth of memory speed.
 */
template <class Body>
void for_each_chunk(int64_t n, Body body) {
  parallel_for(n, kGrain, [&](int64_t begin, int64_t end) { body(end - begin, begin); });
}

/**
 * An IndexedSlices gradient summed per row of its variable, as Keras 3's TF backend applies one (its update equations
 * run on the dense gradient, the convert_to_tensor of the slices, except where they square it: ops.square squares
 * each slice, so a second moment adds the squares of a row's duplicate slices, not the square of their sum).
 */
template <class T>
struct RowGradient {
  int64_t width = 1;                // elements per variable row
  std::vector<int64_t> position;    // variable row -> its place in `rows` and the sums, or -1 (untouched)
  std::vector<int64_t> rows;        // the touched rows, in order of first appearance
  std::vector<T> sum, square_sum;   // per touched row: its slices summed, and their squares summed (when asked)

  RowGradient(const OptimizerStep& s, const Tensor& var, const Tensor& values, bool squares) {
    const int64_t num_rows = var.ndim() == 0 ? 1 : var.shape()[0];
    width = num_rows == 0 ? 0 : var.numel() / num_rows;
    const int64_t* id = s.indices.data<int64_t>();
    const int64_t k = s.indices.numel();
    for (int64_t i = 0; i < k; ++i)
      if (id[i] < 0 || id[i] >= num_rows)
        throw InvalidArgument(str_cat(s.optimizer, ": gradient indices[", i, "] = ", id[i], " is not in [0, ",
                                      num_rows, ") for a variable of shape ", shape_str(var.shape()),
                                      "; an IndexedSlices gradient's indices must be rows of its variable (ids fed "
                                      "to an Embedding or gather must be below its input_dim / the table's rows)"));
    position.assign(static_cast<size_t>(num_rows), -1);
    for (int64_t i = 0; i < k; ++i)
      if (position[id[i]] < 0) {
        position[id[i]] = static_cast<int64_t>(rows.size());
        rows.push_back(id[i]);
      }
    // Sums in slice order from zero, as unsorted_segment_sum forms the dense gradient: the same bits
    sum.assign(rows.size() * width, T(0));
    if (squares) square_sum.assign(rows.size() * width, T(0));
    const T* g = values.data<T>();
    for (int64_t i = 0; i < k; ++i) {
      T* out = sum.data() + position[id[i]] * width;
      const T* row = g + i * width;
      for (int64_t c = 0; c < width; ++c) out[c] += row[c];
      if (squares) {
        T* sq = square_sum.data() + position[id[i]] * width;
        for (int64_t c = 0; c < width; ++c) sq[c] += row[c] * row[c];
      }
    }
  }
};

/** g2 of element i: the squared gradient (dense), or a row gradient's summed squares. */
template <bool kRows, class T>
inline T squared(const T* gv, const T* g2v, int64_t i) {
  if constexpr (kRows) return g2v[i];
  else return gv[i] * gv[i];
}

/**
 * Runs an update body(count, offset, gradient, squared gradient, rows tag) over the variable: dense, over parallel
 * chunks with the gradient at `offset` (squares null, tag false); a row gradient (step.indices), row by row with the
 * row's summed slices and squares (tag true), and where untouched rows change (a moment decays, weight decay shrinks
 * them) runs of untouched rows as dense chunks of zeros, else over the touched rows only.
 */
template <class T, class Body>
void over_gradient(const OptimizerStep& s, const Tensor& var, const Tensor& grad, bool squares,
                   bool untouched_change, Body body) {
  if (!s.indices.defined()) {
    const T* gp = grad.data<T>();
    for_each_chunk(grad.numel(), [&](int64_t n, int64_t off) { body(n, off, gp + off, nullptr, std::false_type{}); });
    return;
  }
  const RowGradient<T> g(s, var, grad, squares);
  const int64_t width = g.width;
  if (width == 0) return;
  const T* sum = g.sum.data();
  const T* square_sum = squares ? g.square_sum.data() : nullptr;
  const int64_t grain = std::max<int64_t>(1, kGrain / width);
  if (!untouched_change) {
    parallel_for(static_cast<int64_t>(g.rows.size()), grain, [&](int64_t begin, int64_t end) {
      for (int64_t j = begin; j < end; ++j)
        body(width, g.rows[j] * width, sum + j * width, squares ? square_sum + j * width : nullptr,
             std::true_type{});
    });
    return;
  }
  // A run of untouched rows is one call of the dense loop with a zero gradient (at most `span` rows: the zeros'
  // length)
  const int64_t span = grain;
  const std::vector<T> zeros(static_cast<size_t>(span * width), T(0));
  parallel_for(static_cast<int64_t>(g.position.size()), grain, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end;) {
      const int64_t j = g.position[r];
      if (j >= 0) {
        body(width, r * width, sum + j * width, squares ? square_sum + j * width : nullptr, std::true_type{});
        ++r;
        continue;
      }
      int64_t last = r + 1;
      while (last < end && last - r < span && g.position[last] < 0) ++last;
      body((last - r) * width, r * width, zeros.data(), nullptr, std::false_type{});  // the dense loop: g * g = 0
      r = last;
    }
  });
}

template <class T>
void sgd(const OptimizerStep& s, const Tensor& var, const Tensor& grad,
         const Tensor& momentum_slot, const Tensor&, const Tensor&) {
  const double learning_rate = s.learning_rate;
  const double momentum = s.momentum;
  const bool nesterov = s.nesterov;
  const double weight_decay = s.weight_decay;
  T* p = data_or_null<T>(var);
  T* m = data_or_null<T>(momentum_slot);
  const T lr = T(learning_rate), mu = T(momentum), decay = T(1.0 - weight_decay * learning_rate);
  // Without momentum or decay a row gradient is Keras's scatter_sub: untouched rows stay as they are
  over_gradient<T>(s, var, grad, false, m || weight_decay != 0,
                   [=](int64_t n, int64_t off, const T* gp, const T*, auto) {
    T* __restrict pv = p + off;
    T* __restrict mv = at(m, off);
    const T* __restrict gv = gp;
    if (!mv) {
      for (int64_t i = 0; i < n; ++i) pv[i] = backend::sgd_plain(pv[i], gv[i], lr, decay);
    } else if (nesterov) {
      for (int64_t i = 0; i < n; ++i) pv[i] = backend::sgd_momentum<true>(pv[i], mv[i], gv[i], lr, mu, decay);
    } else {
      for (int64_t i = 0; i < n; ++i) pv[i] = backend::sgd_momentum<false>(pv[i], mv[i], gv[i], lr, mu, decay);
    }
  });
}

template <class T>
void rmsprop(const OptimizerStep& s, const Tensor& var, const Tensor& grad,
             const Tensor& velocity, const Tensor& average_grad, const Tensor& momentum_slot) {
  const double learning_rate = s.learning_rate;
  const double rho = s.rho;
  const double momentum = s.momentum;
  const double epsilon = s.epsilon;
  const double weight_decay = s.weight_decay;
  T* p = data_or_null<T>(var);
  T* vel = data_or_null<T>(velocity);
  T* avg = data_or_null<T>(average_grad);
  T* mom = data_or_null<T>(momentum_slot);
  const T lr = T(learning_rate), r = T(rho), one_minus_r = T(1.0 - rho), mu = T(momentum), eps = T(epsilon),
          decay = T(1.0 - weight_decay * learning_rate);
  // One loop per (centered, momentum, rows) combination: no branch inside, so each vectorizes.
  auto run = [&](auto centered, auto with_momentum) {
    over_gradient<T>(s, var, grad, true, true, [=](int64_t n, int64_t off, const T* gp, const T* g2p, auto rows) {
      T* __restrict pv = p + off;
      T* __restrict velv = vel + off;
      T* __restrict avgv = at(avg, off);
      T* __restrict momv = at(mom, off);
      const T* __restrict gv = gp;
      const T* __restrict g2v = g2p;
      for (int64_t i = 0; i < n; ++i) {
        T gi = gv[i];
        T v = r * velv[i] + one_minus_r * squared<decltype(rows)::value>(gv, g2v, i);
        velv[i] = v;
        T denominator = v + eps;
        if constexpr (decltype(centered)::value) {
          T a = r * avgv[i] + one_minus_r * gi;
          avgv[i] = a;
          denominator = v - a * a + eps;
        }
        T increment = lr * gi / std::sqrt(denominator);
        if constexpr (decltype(with_momentum)::value) {
          increment = mu * momv[i] + increment;
          momv[i] = increment;
        }
        pv[i] = pv[i] * decay - increment;
      }
    });
  };
  if (avg && mom) run(std::true_type{}, std::true_type{});
  else if (avg) run(std::true_type{}, std::false_type{});
  else if (mom) run(std::false_type{}, std::true_type{});
  else run(std::false_type{}, std::false_type{});
}

template <class T>
void adam(const OptimizerStep& s, const Tensor& var, const Tensor& grad,
          const Tensor& m, const Tensor& v, const Tensor& v_hat) {
  const double learning_rate = s.learning_rate;
  const double beta_1 = s.beta_1;
  const double beta_2 = s.beta_2;
  const double epsilon = s.epsilon;
  const double weight_decay = s.weight_decay;
  const double alpha_d = s.alpha;
  T* p = data_or_null<T>(var);
  T* mp = data_or_null<T>(m);
  T* vp = data_or_null<T>(v);
  T* vh = data_or_null<T>(v_hat);
  const T alpha = T(alpha_d), b1c = T(1.0 - beta_1), b2c = T(1.0 - beta_2), eps = T(epsilon),
          decay = T(1.0 - weight_decay * learning_rate);
  over_gradient<T>(s, var, grad, true, true, [=](int64_t n, int64_t off, const T* gp, const T* g2p, auto rows) {
    constexpr bool kRows = decltype(rows)::value;
    T* __restrict pv = p + off;
    T* __restrict mv = mp + off;
    T* __restrict vv = vp + off;
    T* __restrict vhv = at(vh, off);
    const T* __restrict gv = gp;
    const T* __restrict g2v = g2p;
    if (vhv) {
      for (int64_t i = 0; i < n; ++i)
        pv[i] = backend::adam_step<true>(pv[i], mv[i], vv[i], vhv[i], gv[i], squared<kRows>(gv, g2v, i), alpha, b1c,
                                         b2c, eps, decay);
    } else {
      for (int64_t i = 0; i < n; ++i) {
        T unused = 0;
        pv[i] = backend::adam_step<false>(pv[i], mv[i], vv[i], unused, gv[i], squared<kRows>(gv, g2v, i), alpha, b1c,
                                          b2c, eps, decay);
      }
    }
  });
}

template <class T>
void adagrad(const OptimizerStep& s, const Tensor& var, const Tensor& grad,
             const Tensor& accumulator, const Tensor&, const Tensor&) {
  const double learning_rate = s.learning_rate;
  const double epsilon = s.epsilon;
  const double weight_decay = s.weight_decay;
  T* p = data_or_null<T>(var);
  T* acc = data_or_null<T>(accumulator);
  const T lr = T(learning_rate), eps = T(epsilon), decay = T(1.0 - weight_decay * learning_rate);
  // Keras's scatter_add / scatter_sub: without decay, untouched rows stay as they are
  over_gradient<T>(s, var, grad, true, weight_decay != 0,
                   [=](int64_t n, int64_t off, const T* gp, const T* g2p, auto rows) {
    T* __restrict pv = p + off;
    T* __restrict accv = acc + off;
    const T* __restrict gv = gp;
    const T* __restrict g2v = g2p;
    for (int64_t i = 0; i < n; ++i) {
      T gi = gv[i];
      T a = accv[i] + squared<decltype(rows)::value>(gv, g2v, i);
      accv[i] = a;
      pv[i] = pv[i] * decay - lr * gi / std::sqrt(a + eps);
    }
  });
}

template <class T>
void adadelta(const OptimizerStep& s, const Tensor& var, const Tensor& grad,
              const Tensor& accumulated_grad, const Tensor& accumulated_delta_var, const Tensor&) {
  const double learning_rate = s.learning_rate;
  const double rho = s.rho;
  const double epsilon = s.epsilon;
  const double weight_decay = s.weight_decay;
  T* p = data_or_null<T>(var);
  T* ag = data_or_null<T>(accumulated_grad);
  T* ad = data_or_null<T>(accumulated_delta_var);
  const T lr = T(learning_rate), r = T(rho), one_minus_r = T(1.0 - rho), eps = T(epsilon),
          decay = T(1.0 - weight_decay * learning_rate);
  over_gradient<T>(s, var, grad, true, true, [=](int64_t n, int64_t off, const T* gp, const T* g2p, auto rows) {
    T* __restrict pv = p + off;
    T* __restrict agv = ag + off;
    T* __restrict adv = ad + off;
    const T* __restrict gv = gp;
    const T* __restrict g2v = g2p;
    for (int64_t i = 0; i < n; ++i) {
      T gi = gv[i];
      T a = r * agv[i] + one_minus_r * squared<decltype(rows)::value>(gv, g2v, i);
      agv[i] = a;
      T delta = -std::sqrt(adv[i] + eps) * gi / std::sqrt(a + eps);
      if constexpr (decltype(rows)::value) {
        // Keras squares each slice's delta: rms(delta_var)^2 / rms(grad)^2 times the summed squares
        T ratio = (adv[i] + eps) / (a + eps);
        adv[i] = r * adv[i] + one_minus_r * ratio * g2v[i];
      } else {
        adv[i] = r * adv[i] + one_minus_r * delta * delta;
      }
      pv[i] = pv[i] * decay + lr * delta;
    }
  });
}

template <class T>
void nadam(const OptimizerStep& s, const Tensor& var, const Tensor& grad,
           const Tensor& m, const Tensor& v, const Tensor&) {
  const double learning_rate = s.learning_rate;
  const double beta_1 = s.beta_1;
  const double beta_2 = s.beta_2;
  const double epsilon = s.epsilon;
  const double weight_decay = s.weight_decay;
  const double m_coef = s.m_coef;
  const double g_coef = s.g_coef;
  const double v_coef = s.v_coef;
  T* p = data_or_null<T>(var);
  T* mp = data_or_null<T>(m);
  T* vp = data_or_null<T>(v);
  const T lr = T(learning_rate), b1c = T(1.0 - beta_1), b2c = T(1.0 - beta_2), eps = T(epsilon),
          mc = T(m_coef), gc = T(g_coef), vc = T(v_coef), decay = T(1.0 - weight_decay * learning_rate);
  over_gradient<T>(s, var, grad, true, true, [=](int64_t n, int64_t off, const T* gp, const T* g2p, auto rows) {
    T* __restrict pv = p + off;
    T* __restrict mv = mp + off;
    T* __restrict vv = vp + off;
    const T* __restrict gv = gp;
    const T* __restrict g2v = g2p;
    for (int64_t i = 0; i < n; ++i) {
      T gi = gv[i];
      T mi = mv[i] + (gi - mv[i]) * b1c;
      T vi = vv[i] + (squared<decltype(rows)::value>(gv, g2v, i) - vv[i]) * b2c;
      mv[i] = mi;
      vv[i] = vi;
      T m_hat = mc * mi + gc * gi;
      pv[i] = pv[i] * decay - m_hat * lr / (std::sqrt(vi * vc) + eps);
    }
  });
}

}  // namespace

void register_optim_kernels() {
  using backend::FloatTypes;
  using backend::register_each;
  register_each(FloatTypes{}, OpId::apply_sgd, Device::CPU, [](auto tag) { return &sgd<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::apply_rmsprop, Device::CPU, [](auto tag) { return &rmsprop<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::apply_adam, Device::CPU, [](auto tag) { return &adam<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::apply_adagrad, Device::CPU, [](auto tag) { return &adagrad<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::apply_adadelta, Device::CPU, [](auto tag) { return &adadelta<decltype(tag)>; });
  register_each(FloatTypes{}, OpId::apply_nadam, Device::CPU, [](auto tag) { return &nadam<decltype(tag)>; });
}

}  // namespace pt::cpu
