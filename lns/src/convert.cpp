// Encoding of reals into codes by the rounding rule, and decoding of codes.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "lnslab/lns/format.hpp"

#include "format_tables.hpp"

namespace lnslab::lns {
namespace {

// Three-way comparison of a magnitude with a threshold held as the nearest double and in long
// double. Rounding to double is monotone, so a strict double comparison is already exact; only
// equality with the double threshold needs the long double one.
int compare_threshold(double a, double threshold, long double threshold_ld) {
  if (a < threshold) return -1;
  if (a > threshold) return 1;
  const long double x = a;
  return x < threshold_ld ? -1 : (x > threshold_ld ? 1 : 0);
}
int compare_threshold(long double a, double, long double threshold_ld) {
  return a < threshold_ld ? -1 : (a > threshold_ld ? 1 : 0);
}

template <typename Real>
code_t encode_magnitude(const Format& f, const detail::Tables& t, bool negative, Real a,
                        Policy policy, Rng* rng) {
  const int kmax = t.kmax;
  // First guess from the logarithm (clamped: a may be outside double's range), then exact steps.
  const double estimate = std::clamp(t.bias + std::log(static_cast<double>(a)) * t.inv_ln_base,
                                     -2.0, static_cast<double>(kmax) + 2.0);
  if (policy.rounding == Rounding::nearest) {
    // c = number of midpoints mid[0..K] that are <= a: the exponent rounded to nearest.
    long c = std::clamp<long>(static_cast<long>(std::floor(estimate + 0.5)), 0, kmax + 1);
    while (c > 0 && compare_threshold(a, t.midpoint[c - 1], t.midpoint_ld[c - 1]) < 0) --c;
    while (c <= kmax && compare_threshold(a, t.midpoint[c], t.midpoint_ld[c]) >= 0) ++c;
    // A tie sits exactly on mid[c-1]: ties go to the even exponent.
    if (c > 0 && (c & 1) != 0 && compare_threshold(a, t.midpoint[c - 1], t.midpoint_ld[c - 1]) == 0)
      --c;
    return f.finish(negative, c, policy.underflow);
  }
  // fl = largest k in [-1, K+1] with b^(k - bias) <= a (-1: below b^-bias).
  long fl = std::clamp<long>(static_cast<long>(std::floor(estimate)), -1, kmax + 1);
  while (fl >= 0 && compare_threshold(a, t.power[fl], t.power_ld[fl]) < 0) --fl;
  while (fl <= kmax && compare_threshold(a, t.power[fl + 1], t.power_ld[fl + 1]) >= 0) ++fl;
  if (policy.rounding == Rounding::toward_zero || fl < 0 || fl > kmax)
    return f.finish(negative, fl, policy.underflow);
  if (rng == nullptr)
    throw std::invalid_argument("lns::Format::encode: stochastic rounding needs an Rng");
  const long double lo = t.power_ld[fl];
  const long double p = (static_cast<long double>(a) - lo) / (t.power_ld[fl + 1] - lo);
  const bool up = static_cast<long double>(rng->uniform()) < p;
  return f.finish(negative, fl + (up ? 1 : 0), policy.underflow);
}

}  // namespace

code_t Format::encode(double v, Policy policy, Rng* rng) const {
  if (std::isnan(v)) return nan();
  if (v == 0.0) return zero();
  const bool negative = std::signbit(v);
  if (std::isinf(v)) return largest(negative);
  return encode_magnitude(*this, *tables_, negative, std::fabs(v), policy, rng);
}

code_t Format::encode_ld(long double v, Policy policy, Rng* rng) const {
  if (std::isnan(v)) return nan();
  if (v == 0.0L) return zero();
  const bool negative = std::signbit(v);
  if (std::isinf(v)) return largest(negative);
  return encode_magnitude(*this, *tables_, negative, std::fabs(v), policy, rng);
}

double Format::decode(code_t c) const {
  const int k = exponent(c);
  if (k == 0) return c == 0 ? 0.0 : std::numeric_limits<double>::quiet_NaN();
  const double m = tables_->power[k];
  return (c & sign_bit_) ? -m : m;
}

float Format::decode_float(code_t c) const {
  const int k = exponent(c);
  if (k == 0) return c == 0 ? 0.0f : std::numeric_limits<float>::quiet_NaN();
  const float m = tables_->power_f[k];
  return (c & sign_bit_) ? -m : m;
}

long double Format::decode_ld(code_t c) const {
  const int k = exponent(c);
  if (k == 0) return c == 0 ? 0.0L : std::numeric_limits<long double>::quiet_NaN();
  const long double m = tables_->power_ld[k];
  return (c & sign_bit_) ? -m : m;
}

}  // namespace lnslab::lns
