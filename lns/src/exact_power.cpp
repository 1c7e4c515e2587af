// Exact powers b^(n/2) by integer arithmetic on the odd part and the binary exponent of b.
#include "exact_power.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>

namespace lnslab::lns::detail {
namespace {

// v = odd * 2^exp with odd an odd integer; false when the significand does not fit 64 bits.
bool split(long double v, std::uint64_t& odd, long& exp) {
  if (!(v > 0.0L) || !std::isfinite(v)) return false;
  constexpr int digits = std::numeric_limits<long double>::digits;
  if (digits > 64) return false;  // e.g. a 128-bit long double: no exact powers found
  int e = 0;
  const long double m = std::frexp(v, &e);  // v = m * 2^e, m in [0.5, 1)
  const auto significand = static_cast<std::uint64_t>(std::ldexp(m, digits));
  const int zeros = std::countr_zero(significand);
  odd = significand >> zeros;
  exp = static_cast<long>(e) - digits + zeros;
  return true;
}

// The integer square root of x when x is a perfect square.
std::optional<std::uint64_t> exact_sqrt(std::uint64_t x) {
  const auto guess =
      static_cast<std::uint64_t>(std::llround(std::sqrt(static_cast<long double>(x))));
  for (std::uint64_t s = guess == 0 ? 0 : guess - 1; s <= guess + 1; ++s)
    if (s <= 0xFFFFFFFFu && s * s == x) return s;
  return std::nullopt;
}

}  // namespace

std::optional<long double> exact_half_power(long double b, long n) {
  std::uint64_t odd = 0;
  long exp = 0;
  if (!split(b, odd, exp)) return std::nullopt;
  // b^(n/2) = r^p * 2^(g p), with (r, g, p) = (odd, exp, n/2) for even n. For odd n the root
  // b^(1/2) must be rational, i.e. a dyadic s * 2^(exp/2): odd = s^2 and exp even (an odd
  // integer is a square of a rational only when it is the square of an integer).
  std::uint64_t r = odd;
  long g = exp;
  long p = n / 2;
  if (n % 2 != 0) {
    const auto s = exact_sqrt(odd);
    if (!s || exp % 2 != 0) return std::nullopt;
    r = *s;
    g = exp / 2;
    p = n;
  }
  // A negative power of an odd r > 1 is not dyadic.
  if (p < 0 && r != 1) return std::nullopt;
  std::uint64_t value = 1;
  for (long i = 0; i < p && r != 1; ++i)
    if (__builtin_mul_overflow(value, r, &value)) return std::nullopt;
  if (std::bit_width(value) > std::numeric_limits<long double>::digits) return std::nullopt;
  const long shift = g * p;
  if (shift > std::numeric_limits<long double>::max_exponent ||
      shift < std::numeric_limits<long double>::min_exponent - 2 * 64)
    return std::nullopt;
  const long double result = std::ldexp(static_cast<long double>(value), static_cast<int>(shift));
  // Out of range (overflow, or a subnormal that lost bits) is not exact.
  if (!std::isfinite(result) || result == 0.0L ||
      std::ldexp(result, static_cast<int>(-shift)) != static_cast<long double>(value))
    return std::nullopt;
  return result;
}

}  // namespace lnslab::lns::detail
