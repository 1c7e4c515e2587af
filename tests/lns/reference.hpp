#pragma once
// An independent reference of the rounding rule for tests: the ideal result is computed in long
// double from decoded operands, its exponent t = bias + log_b|v| is rounded by the rule. It shares
// no table with the library; only decode_ld (b^(k - bias) in long double) is reused.
#include <cmath>

#include "lnslab/lns/format.hpp"

namespace lnslab::lns::testing {

/// Rounds a real exponent to nearest, ties to even; `near_tie` is set when t is within 1e-9 of a
/// half-integer, where long double evaluation cannot decide.
inline long round_nearest_even(long double t, bool* near_tie = nullptr) {
  const long double f = std::floor(t);
  const long double frac = t - f;
  if (near_tie) *near_tie = std::fabs(frac - 0.5L) < 1e-9L;
  long k = static_cast<long>(f);
  if (frac > 0.5L || (frac == 0.5L && (k & 1) != 0)) ++k;
  return k;
}

/// The code the rule gives for the real v under nearest rounding and the given underflow.
inline code_t reference_encode(const Format& f, long double v, Underflow underflow,
                               bool* near_tie = nullptr) {
  if (near_tie) *near_tie = false;
  if (std::isnan(v)) return f.nan();
  if (v == 0.0L) return f.zero();
  const bool negative = v < 0;
  if (std::isinf(v)) return f.largest(negative);
  const long double t = f.bias() + std::log(std::fabs(v)) / std::log(f.base_ld());
  return f.finish(negative, round_nearest_even(t, near_tie), underflow);
}

}  // namespace lnslab::lns::testing
