// Fixed-point conversion tables (fixed_point.hpp).
#include "lnslab/lns/fixed_point.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "format_tables.hpp"

namespace lnslab::lns {

long double base_power(const Format& f, long e) {
  const detail::Tables& t = detail::tables_of(f);
  if (t.kind == BaseKind::gamma) {
    // Same evaluation as the format's own powers: whole octaves exactly, the rest by exp2.
    const long double x = static_cast<long double>(e) / static_cast<long double>(t.param);
    const long double whole = std::floor(x);
    return std::ldexp(std::exp2(x - whole), static_cast<int>(whole));
  }
  return std::exp(static_cast<long double>(e) * t.ln_base);
}

std::int64_t to_fixed(long double x, int frac_bits) {
  const long double limit = static_cast<long double>(fixed_limit);
  const long double scaled = std::nearbyint(std::ldexp(x, frac_bits));  // ties to even
  if (!(scaled < limit)) return scaled > 0 || std::isnan(scaled) ? fixed_limit : -fixed_limit;
  if (scaled <= -limit) return -fixed_limit;
  return static_cast<std::int64_t>(scaled);
}

FixedPointTable::FixedPointTable(const Format& f, int frac_bits)
    : sign_bit_(static_cast<code_t>(1u << (f.bits() - 1))),
      k_mask_(static_cast<code_t>((1u << (f.bits() - 1)) - 1)),
      frac_bits_(frac_bits) {
  if (frac_bits < 0 || frac_bits > 62)
    throw std::invalid_argument("FixedPointTable: frac_bits must be in 0..62");
  magnitude_.assign(static_cast<std::size_t>(f.kmax()) + 1, 0);
  for (int k = 1; k <= f.kmax(); ++k)
    magnitude_[static_cast<std::size_t>(k)] = to_fixed(detail::tables_of(f).power_ld[k], frac_bits);
}

ProductFixedTable::ProductFixedTable(const Format& fa, const Format& fb, int frac_bits)
    : bias_sum_(fa.bias() + fb.bias()),
      kmax_sum_(fa.kmax() + fb.kmax()),
      a_sign_(static_cast<code_t>(1u << (fa.bits() - 1))),
      a_mask_(static_cast<code_t>((1u << (fa.bits() - 1)) - 1)),
      b_sign_(static_cast<code_t>(1u << (fb.bits() - 1))),
      b_mask_(static_cast<code_t>((1u << (fb.bits() - 1)) - 1)),
      frac_bits_(frac_bits) {
  if (fa.base_ld() != fb.base_ld())
    throw std::invalid_argument("ProductFixedTable: formats " + fa.spec() + " and " + fb.spec() +
                                " do not share a base");
  if (frac_bits < 0 || frac_bits > 62)
    throw std::invalid_argument("ProductFixedTable: frac_bits must be in 0..62");
  by_sum_.assign(static_cast<std::size_t>(kmax_sum_) + 1, 0);
  for (int s = 2; s <= kmax_sum_; ++s)
    by_sum_[static_cast<std::size_t>(s)] = to_fixed(base_power(fa, s - bias_sum_), frac_bits);
}

ShiftRemainderTable::ShiftRemainderTable(int gamma, int table_bits)
    : gamma_(gamma), table_bits_(table_bits) {
  if (gamma < 1) throw std::invalid_argument("ShiftRemainderTable: gamma must be >= 1");
  if (table_bits < 0 || table_bits > 61)
    throw std::invalid_argument("ShiftRemainderTable: table_bits must be in 0..61");
  constant_.resize(static_cast<std::size_t>(gamma));
  for (int r = 0; r < gamma; ++r) {
    const long double v = std::exp2(static_cast<long double>(r) / static_cast<long double>(gamma));
    constant_[static_cast<std::size_t>(r)] = to_fixed(v, table_bits);
  }
}

std::int64_t ShiftRemainderTable::shifted(long e, int frac_bits) const {
  long q = 0;
  int r = 0;
  split(e, gamma_, q, r);
  const std::int64_t c = constant_[static_cast<std::size_t>(r)];
  const long shift = q + frac_bits - table_bits_;
  if (shift >= 0) {
    // c < 2^(P+1) <= 2^62; clamp before the shift can overflow.
    if (shift >= 62 || c > (fixed_limit >> shift)) return fixed_limit;
    return c << shift;
  }
  if (shift <= -63) return 0;
  const int s = static_cast<int>(-shift);
  const std::int64_t whole = c >> s;
  const std::int64_t rest = c & ((std::int64_t{1} << s) - 1);
  const std::int64_t half = std::int64_t{1} << (s - 1);
  if (rest > half || (rest == half && (whole & 1) != 0)) return whole + 1;
  return whole;
}

}  // namespace lnslab::lns
