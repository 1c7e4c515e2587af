// Arithmetic on codes by the rounding rule: compare, mul, div, add/sub, sqrt, pow.
#include <stdexcept>

#include "lnslab/lns/format.hpp"

#include "format_tables.hpp"

namespace lnslab::lns {
namespace {

// Signed position of a code on the value axis: -K..K (zero is 0). Not defined for NaN.
int signed_key(const Format& f, code_t c) {
  const int k = f.exponent(c);
  return f.is_negative(c) ? -k : k;
}

// Table entry at d, or the value every entry past the table's cut-off has.
template <typename T>
T entry(const std::vector<T>& table, int d, T past_end) {
  return static_cast<std::size_t>(d) < table.size() ? table[d] : past_end;
}

bool draw_up(std::uint32_t up, Rng* rng) {
  if (rng == nullptr) throw std::invalid_argument("lns::Format: stochastic rounding needs an Rng");
  return up != 0 && rng->next_u32() < up;
}

}  // namespace

std::partial_ordering Format::compare(code_t a, code_t b) const {
  if (is_nan(a) || is_nan(b)) return std::partial_ordering::unordered;
  return signed_key(*this, a) <=> signed_key(*this, b);
}

code_t Format::min(code_t a, code_t b) const {
  if (is_nan(a) || is_nan(b)) return nan();
  return signed_key(*this, b) < signed_key(*this, a) ? b : a;
}

code_t Format::max(code_t a, code_t b) const {
  if (is_nan(a) || is_nan(b)) return nan();
  return signed_key(*this, b) > signed_key(*this, a) ? b : a;
}

code_t Format::mul(code_t a, code_t b, Policy policy) const {
  if (is_nan(a) || is_nan(b)) return nan();
  if (a == 0 || b == 0) return zero();
  const long k = static_cast<long>(exponent(a)) + exponent(b) - bias();
  return finish(((a ^ b) & sign_bit_) != 0, k, policy.underflow);
}

code_t Format::div(code_t a, code_t b, Policy policy) const {
  if (is_nan(a) || is_nan(b) || b == 0) return nan();
  if (a == 0) return zero();
  const long k = static_cast<long>(exponent(a)) - exponent(b) + bias();
  return finish(((a ^ b) & sign_bit_) != 0, k, policy.underflow);
}

code_t Format::add(code_t a, code_t b, Policy policy, Rng* rng) const {
  const AddOperands o = prepare_add(a, b);
  if (o.done) return o.result;
  return add_rounded(o.negative, o.k_large, o.d, o.same_sign, policy, rng);
}

code_t Format::add_rounded(bool negative, int k_large, int d, bool same_sign, Policy policy,
                           Rng* rng) const {
  const detail::Tables& t = *tables_;
  long offset = 0;
  switch (policy.rounding) {
    case Rounding::nearest:
      offset = same_sign ? entry<std::int16_t>(t.sum_nearest, d, 0)
                         : entry<std::int16_t>(t.difference_nearest, d, 0);
      break;
    case Rounding::toward_zero:
      offset = same_sign ? entry<std::int16_t>(t.sum_floor, d, 0)
                         : entry<std::int16_t>(t.difference_floor, d, -1);
      break;
    case Rounding::stochastic:
      if (same_sign) {
        offset = entry<std::int16_t>(t.sum_stochastic_floor, d, 0) +
                 (draw_up(entry<std::uint32_t>(t.sum_up, d, 0), rng) ? 1 : 0);
      } else {
        offset = entry<std::int16_t>(t.difference_stochastic_floor, d, 0) +
                 (draw_up(entry<std::uint32_t>(t.difference_up, d, 0), rng) ? 1 : 0);
      }
      break;
  }
  return finish(negative, k_large + offset, policy.underflow);
}

code_t Format::sqrt(code_t a, Policy policy, Rng* rng) const {
  if (is_nan(a) || is_negative(a)) return nan();
  if (a == 0) return zero();
  // Ideal exponent (k + bias) / 2: an integer, or an integer plus one half.
  const long twice = static_cast<long>(exponent(a)) + bias();
  long k = twice >= 0 ? twice / 2 : -((-twice + 1) / 2);  // floor(twice / 2)
  if ((twice & 1) != 0) {
    switch (policy.rounding) {
      case Rounding::nearest:
        k += (k & 1) != 0 ? 1 : 0;
        break;  // tie: to the even exponent
      case Rounding::toward_zero:
        break;
      case Rounding::stochastic:
        k += draw_up(tables_->sqrt_half_up, rng) ? 1 : 0;
        break;
    }
  }
  return finish(false, k, policy.underflow);
}

code_t Format::pow(code_t a, int n, Policy policy) const {
  if (is_nan(a)) return nan();
  if (a == 0) {
    if (n > 0) return zero();
    if (n < 0) return nan();
    return finish(false, bias(), policy.underflow);  // 0^0 = 1
  }
  const long long k = static_cast<long long>(bias()) +
                      static_cast<long long>(n) * (static_cast<long long>(exponent(a)) - bias());
  const long clamped = k > (1LL << 30) ? (1L << 30) : (k < -(1LL << 30) ? -(1L << 30) : long(k));
  return finish(is_negative(a) && (n & 1) != 0, clamped, policy.underflow);
}

}  // namespace lnslab::lns
