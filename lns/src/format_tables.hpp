#pragma once
// The immutable per-format tables behind lns::Format (internal: the library's sources and its
// white-box tests). Built once by Format's factories (tables.cpp), never modified afterwards.
#include <cstdint>
#include <vector>

#include "lnslab/lns/format.hpp"

namespace lnslab::lns::detail {

struct Tables {
  int bits = 0;
  int kmax = 0;
  int bias = 0;
  BaseKind kind = BaseKind::eta0;
  double param = 0.0;  ///< eta0, gamma or base, as given
  long double base = 0.0L;
  long double ln_base = 0.0L;
  double inv_ln_base = 0.0;  ///< 1 / ln(b), for the encoder's first estimate

  // Magnitudes b^(k - bias) for k in [0, K+1], in long double, double and float.
  std::vector<long double> power_ld;
  std::vector<double> power;
  std::vector<float> power_f;
  // Geometric midpoints b^(k + 1/2 - bias) for k in [0, K]: the nearest-rounding thresholds.
  std::vector<long double> midpoint_ld;
  std::vector<double> midpoint;

  // Nearest-rounding Gaussian-log tables (the reference adder), cut off where they become 0.
  std::vector<std::int16_t> sum_nearest;         ///< T+[d], d in [0, size)
  std::vector<std::int16_t> difference_nearest;  ///< T-[d], d in [1, size); [0] unused

  // toward_zero: T+z[d] = floor(log_b(1 + b^-d)) (0 past the table) and
  // T-z[d] = floor(log_b(1 - b^-d)) (-1 past the table: x - tiny is just below x); [0] unused.
  std::vector<std::int16_t> sum_floor;
  std::vector<std::int16_t> difference_floor;

  // stochastic: the exact offset lies in [floor, floor + 1) and the value is above b^floor by the
  // fraction up * 2^-32 of the gap to b^(floor+1). A fraction that rounds to a whole gap moves
  // floor up by one. Past the tables floor and up are both 0. [0] of difference unused.
  std::vector<std::int16_t> sum_stochastic_floor;
  std::vector<std::uint32_t> sum_up;
  std::vector<std::int16_t> difference_stochastic_floor;
  std::vector<std::uint32_t> difference_up;

  // sqrt of an odd exponent: b^(1/2) lies between b^0 and b^1, above b^0 by this fraction.
  std::uint32_t sqrt_half_up = 0;
};

/// The one way in from outside Format (a friend of it).
struct FormatAccess {
  static const Tables& tables(const Format& f) { return *f.tables_; }
};

inline const Tables& tables_of(const Format& f) {
  return FormatAccess::tables(f);
}

}  // namespace lnslab::lns::detail
