// CPU kernels of the special family (tf.math.special): Bessel functions of order 0 and 1 (J, Y, I, K and the
// exponentially scaled I, K), Dawson's integral, the exponential integral Ei, the Fresnel integrals and Spence's
// function. Each is computed in float64 and rounded to the tensor's dtype. Where TF's values at the domain's edges
// (negative arguments of K / Y / Ei / spence, infinities) are not the mathematical limits, the kernels give TF's.
#include <cmath>
#include <complex>
#include <limits>

#include "../kernel_table.h"
#include "../kernels.h"
#include "elementwise.h"
#include "register.h"

namespace pt::cpu {

namespace {

using backend::FloatTypes;
using backend::register_each;

constexpr double kPi = 3.14159265358979323846264338327950288;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kEps = 1e-17;  // series stop once a term is below this fraction of the sum
// Above this argument the Bessel I / K functions use their large-argument expansion (its smallest term is below
// e^-100 there), below it libstdc++'s C++17 special functions.
constexpr double kBesselLarge = 50.0;

/**
 * sum_k a_k(n) (sign / x)^k with a_k(n) = prod_{j<=k} (4n^2 - (2j-1)^2) / (8j): sqrt(2 pi x) e^-x I_n(x) with
 * sign -1, sqrt(2x / pi) e^x K_n(x) with sign +1; summed up to the smallest term (the series is asymptotic).
 */
double bessel_large(int n, double x, double sign) {
  const double mu = 4.0 * n * n;
  double term = 1.0, sum = 1.0;
  for (int k = 1; k < 500; ++k) {
    const double next = term * sign * (mu - (2.0 * k - 1) * (2.0 * k - 1)) / (8.0 * k * x);
    if (std::abs(next) >= std::abs(term)) break;
    term = next;
    sum += term;
    if (std::abs(term) <= kEps * std::abs(sum)) break;
  }
  return sum;
}

/** e^-|x| I_n(|x|) for n = 0 or 1 (even in x; the caller gives I_1 its sign). */
double bessel_ie_even(int n, double x) {
  const double a = std::abs(x);
  if (std::isinf(a)) return 0.0;
  if (a > kBesselLarge) return bessel_large(n, a, -1.0) / std::sqrt(2.0 * kPi * a);
  return std::cyl_bessel_i(static_cast<double>(n), a) * std::exp(-a);
}

double bessel_i0e(double x) { return std::isnan(x) ? x : bessel_ie_even(0, x); }
double bessel_i1e(double x) { return std::isnan(x) ? x : std::copysign(bessel_ie_even(1, x), x); }
/** I_n from its scaled value, times e^|x| in two halves so that values near the overflow threshold stay finite. */
double bessel_i(int n, double x) {
  if (std::isnan(x) || std::isinf(x)) return kNaN;  // TF's value at +-inf
  const double half = std::exp(std::abs(x) * 0.5);
  const double value = bessel_ie_even(n, x) * half * half;
  return n == 0 ? value : std::copysign(value, x);
}

/** e^x K_n(x) (scaled) or K_n(x); TF gives inf for x <= 0 and 0 at +inf. */
double bessel_k(int n, double x, bool scaled) {
  if (std::isnan(x)) return x;
  if (x <= 0) return kInf;
  if (std::isinf(x)) return 0.0;
  if (x > kBesselLarge) {
    const double value = bessel_large(n, x, 1.0) * std::sqrt(kPi / (2.0 * x));
    return scaled ? value : value * std::exp(-x);
  }
  const double value = std::cyl_bessel_k(static_cast<double>(n), x);
  return scaled ? value * std::exp(x) : value;
}

/** J_n(x), n = 0 (even) or 1 (odd); TF gives NaN at +-inf. */
double bessel_j(int n, double x) {
  if (std::isnan(x) || std::isinf(x)) return kNaN;
  const double value = std::cyl_bessel_j(static_cast<double>(n), std::abs(x));
  return n == 1 && x < 0 ? -value : value;
}

/** Y_n(x); TF gives -inf for x <= 0 and NaN at +inf. */
double bessel_y(int n, double x) {
  if (std::isnan(x)) return x;
  if (x <= 0) return -kInf;
  if (std::isinf(x)) return kNaN;
  return std::cyl_neumann(static_cast<double>(n), x);
}

/**
 * Dawson's integral e^-x^2 int_0^x e^t^2 dt (odd): below 7 the series of the integral (positive terms, so no
 * cancellation) times e^-x^2; above, the asymptotic series 1/(2x) sum (2k-1)!! / (2x^2)^k (smallest term < e^-49).
 */
double dawsn(double x) {
  if (std::isnan(x)) return x;
  const double a = std::abs(x);
  if (std::isinf(a)) return std::copysign(0.0, x);
  const double a2 = a * a;
  double sum;
  if (a < 7.0) {
    double power = a;  // a^(2k+1) / k!
    sum = a;
    for (int k = 1; k < 1000; ++k) {
      power *= a2 / k;
      const double term = power / (2 * k + 1);
      sum += term;
      if (term <= kEps * sum) break;
    }
    sum *= std::exp(-a2);
  } else {
    double term = 1.0;
    sum = 1.0;
    for (int k = 1; k < 1000; ++k) {
      const double next = term * (2 * k - 1) / (2.0 * a2);
      if (next >= term) break;
      term = next;
      sum += term;
      if (term <= kEps * sum) break;
    }
    sum /= 2.0 * a;
  }
  return std::copysign(sum, x);
}

/** The exponential integral Ei(x) for x > 0; TF gives NaN for x < 0 and at +inf, -inf at 0. */
double expint(double x) {
  if (std::isnan(x) || x < 0 || std::isinf(x)) return kNaN;
  if (x == 0) return -kInf;
  return std::expint(x);
}

/**
 * C(x) + i S(x) for x >= 0. Below 2 their power series, summed together in long double: u = pi x^2 / 2,
 * x u^n / (n! (2n + 1)) adds to C (n even) or S (n odd) with sign (-1)^(n/2); cancellation costs at most
 * e^u ~ 10^2.7, which long double's extra digits absorb. From 2, C + iS = (1 + i)/2 erf((1 - i) sqrt(pi) x / 2),
 * with erfc of that argument by Laplace's continued fraction (evaluated by the modified Lentz method).
 */
std::complex<double> fresnel(double x) {
  if (x < 2.0) {
    const long double u = 0.5L * static_cast<long double>(kPi) * x * x;
    long double power = 1.0L, c = 0.0L, s = 0.0L;  // power = u^n / n!
    for (int n = 0; n < 200; ++n) {
      if (n > 0) power *= u / n;
      const long double term = power * x / (2 * n + 1);
      const bool negative = (n / 2) % 2 == 1;
      (n % 2 == 0 ? c : s) += negative ? -term : term;
      if (term <= 1e-21L * (c + s + 1e-300L) && n > 1) break;
    }
    return {static_cast<double>(c), static_cast<double>(s)};
  }
  using C = std::complex<double>;
  const C z = C(1.0, -1.0) * (0.5 * std::sqrt(kPi) * x);
  // f = z + (1/2) / (z + (2/2) / (z + (3/2) / ...)); erfc(z) = e^(-z^2) / (sqrt(pi) f).
  const double tiny = 1e-300;
  C f = z, c = z, d = 0.0;
  for (int k = 1; k < 20000; ++k) {
    const double a = 0.5 * k;
    d = z + a * d;
    if (std::abs(d) < tiny) d = tiny;
    c = z + a / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const C delta = c * d;
    f *= delta;
    if (std::abs(delta - 1.0) < 1e-16) break;
  }
  const C erfc = std::exp(-z * z) / (std::sqrt(kPi) * f);
  return C(0.5, 0.5) * (1.0 - erfc);
}

double fresnel_cos(double x) {
  if (std::isnan(x)) return x;
  if (std::isinf(x)) return std::copysign(0.5, x);
  return std::copysign(fresnel(std::abs(x)).real(), x);
}

double fresnel_sin(double x) {
  if (std::isnan(x)) return x;
  if (std::isinf(x)) return std::copysign(0.5, x);
  return std::copysign(fresnel(std::abs(x)).imag(), x);
}

/** Li2(y) = sum y^k / k^2 for |y| <= 1/2. */
double dilog_series(double y) {
  double power = y, sum = y;
  for (int k = 2; k < 200; ++k) {
    power *= y;
    const double term = power / (static_cast<double>(k) * k);
    sum += term;
    if (std::abs(term) <= kEps * std::abs(sum)) break;
  }
  return sum;
}

/**
 * Spence's function int_1^x log t / (1 - t) dt = Li2(1 - x), x >= 0 (TF gives NaN below 0 and at +inf). Near 1 the
 * series in 1 - x (exact there); below 1/2 Euler's reflection Li2(y) = pi^2/6 - log y log(1 - y) - Li2(1 - y);
 * above 3/2 the inversion Li2(1 - x) = -log^2(x)/2 - Li2(1 - 1/x), which maps x into [0, 2/3).
 */
double spence(double x) {
  if (std::isnan(x) || x < 0 || std::isinf(x)) return kNaN;
  if (x == 0) return kPi * kPi / 6.0;
  if (x > 1.5) {
    const double log_x = std::log(x);
    return -0.5 * log_x * log_x - spence(1.0 / x);
  }
  if (x >= 0.5) return dilog_series(1.0 - x);
  return kPi * kPi / 6.0 - std::log(x) * std::log1p(-x) - dilog_series(x);
}

}  // namespace

// Registers op ID's kernel: out = F(x) computed in float64.
#define PT_SPECIAL(ID, F)                                                                                   \
  register_each(FloatTypes{}, OpId::ID, Device::CPU, [](auto tag) {                                         \
    using T = decltype(tag);                                                                                \
    return +[](const Tensor& x, const Tensor& out) {                                                        \
      unary_map_scalar<T, T>(x, out, [](T v) { return static_cast<T>(F(static_cast<double>(v))); });        \
    };                                                                                                      \
  })

void register_special_kernels() {
  PT_SPECIAL(bessel_i0, [](double v) { return bessel_i(0, v); });
  PT_SPECIAL(bessel_i0e, bessel_i0e);
  PT_SPECIAL(bessel_i1, [](double v) { return bessel_i(1, v); });
  PT_SPECIAL(bessel_i1e, bessel_i1e);
  PT_SPECIAL(bessel_j0, [](double v) { return bessel_j(0, v); });
  PT_SPECIAL(bessel_j1, [](double v) { return bessel_j(1, v); });
  PT_SPECIAL(bessel_k0, [](double v) { return bessel_k(0, v, false); });
  PT_SPECIAL(bessel_k0e, [](double v) { return bessel_k(0, v, true); });
  PT_SPECIAL(bessel_k1, [](double v) { return bessel_k(1, v, false); });
  PT_SPECIAL(bessel_k1e, [](double v) { return bessel_k(1, v, true); });
  PT_SPECIAL(bessel_y0, [](double v) { return bessel_y(0, v); });
  PT_SPECIAL(bessel_y1, [](double v) { return bessel_y(1, v); });
  PT_SPECIAL(dawsn, dawsn);
  PT_SPECIAL(expint, expint);
  PT_SPECIAL(fresnel_cos, fresnel_cos);
  PT_SPECIAL(fresnel_sin, fresnel_sin);
  PT_SPECIAL(spence, spence);
}

}  // namespace pt::cpu
