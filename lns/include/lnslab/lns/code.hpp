#pragma once
// Codes and the knobs of the rounding rule (docs/design.md §3, §3.1).
//
// A code of a B-bit format is the unsigned integer (sign << (B-1)) | k, k the (B-1)-bit exponent
// field, K = 2^(B-1) - 1 its largest value:
//   sign 0, k 0  -> zero
//   sign 1, k 0  -> NaN (the only non-finite code)
//   k in 1..K    -> (-1)^sign * b^(k - bias)
#include <cstdint>
#include <string_view>

namespace lnslab::lns {

/// One code, in the low `bits` bits (formats of 3..16 bits).
using code_t = std::uint16_t;

/// How an ideal real exponent t is rounded to an integer k.
enum class Rounding {
  nearest,      ///< log domain, ties to even (the default)
  stochastic,   ///< up with probability (|v| - lo) / (hi - lo): unbiased in value
  toward_zero,  ///< floor of t: never increases the magnitude
};

/// What happens when the rounded exponent k is below 1.
enum class Underflow {
  flush,  ///< result is zero (the default)
  clamp,  ///< result is the smallest magnitude of the same sign (Madam weights)
};

/// The rounding rule's knobs. Overflow always saturates to the largest magnitude.
struct Policy {
  Rounding rounding = Rounding::nearest;
  Underflow underflow = Underflow::flush;
  friend constexpr bool operator==(Policy, Policy) = default;
};

std::string_view to_string(Rounding r);
std::string_view to_string(Underflow u);
/// Parses "nearest" | "stochastic" | "toward_zero"; returns false on anything else.
bool parse_rounding(std::string_view text, Rounding& out);

}  // namespace lnslab::lns
