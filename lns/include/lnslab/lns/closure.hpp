#pragma once
// Closure of an operation over a format: apply it to every pair of codes and classify each result
// against the ideal real result (computed independently in long double).
#include <cstdint>
#include <functional>
#include <string_view>

#include "lnslab/lns/format.hpp"

namespace lnslab::lns {

enum class Op { add, sub, mul, div };
std::string_view to_string(Op op);
bool parse_op(std::string_view text, Op& out);

/// How a result relates to the ideal result v of the operation on the decoded operands.
enum class ResultClass {
  exact,      ///< the code's value equals v (zero included)
  rounded,    ///< a nonzero code in range, not equal to v
  saturated,  ///< |v| rounds above the largest magnitude: the largest magnitude was returned
  flushed,    ///< v != 0 rounds below the smallest magnitude: zero (or, clamped, the smallest)
  nan,        ///< NaN (NaN operand, or division by zero)
};

struct ClosureSummary {
  std::uint64_t pairs = 0;
  std::uint64_t exact = 0;
  std::uint64_t rounded = 0;
  std::uint64_t saturated = 0;
  std::uint64_t flushed = 0;
  std::uint64_t nan = 0;
};

/// Applies `op` (nearest rounding, flush) to all 2^B x 2^B pairs (a, b), calling `visit` for each
/// (may be empty). Formats up to 12 bits (16.8 M pairs); throws FormatError above that.
ClosureSummary closure(const Format& f, Op op,
                       const std::function<void(code_t, code_t, code_t, ResultClass)>& visit = {});

/// The class of one result `r` of `op` on (a, b).
ResultClass classify(const Format& f, Op op, code_t a, code_t b, code_t r);

}  // namespace lnslab::lns
