#pragma once
// Approximate LNS adders: models of cheaper hardware than the direct Gaussian-log tables
// (Format::add is the exact reference). Each evaluates s(d) = log_b(1 +- b^-d) in fixed point
// with G fractional bits, then the result exponent is k_large + round(s'), ties up, and the range
// rule applies as for every operation (nearest rounding only).
//
// Policies (AdderSpec::kind):
// - exact: the direct tables (Format::add), for comparison runs.
// - lerp: knots every H = 2^h exponent steps, linear interpolation in between; the subtraction
//   function's first cell [0, H), where log_b(1 - b^-d) is singular, comes from a direct table of
//   H entries. Stated bound: e = max(H^2 ln(b) / 32, max_i H^2/8 |db''(iH)|) + 2^-G.
// - cotransformation (Arnold et al.): subtraction by d = dh + dl (dl = low j bits):
//   db(d) = db(dh) + sb(dh + db(dh) - db(dl)), with tables of db over multiples of 2^j, of db over
//   [1, 2^j), and of sb at integer knots (interpolated at the fractional argument).
//   Addition reads the sb knot table. Stated bound: e = ln(b) / 32 + 2^-(G-1).
// |s' - s| <= e for every d, so a result exponent differs from the exact one by at most
// floor(1 + e) (the "result bound", in units of the exponent's last place).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lnslab/lns/format.hpp"

namespace lnslab::lns {

enum class AdderKind { exact, lerp, cotransformation };

struct AdderSpec {
  AdderKind kind = AdderKind::exact;
  int stride_log2 = 3;  ///< lerp: H = 2^stride_log2
  int split_bits = 3;   ///< cotransformation: j
  int guard_bits = 8;   ///< G: fractional bits of every stored entry
};

/// Parses "exact", "lerp:H=8,G=8" (H a power of two), "cotran:j=3,G=8".
/// Throws FormatError naming the text and what was expected.
AdderSpec parse_adder(std::string_view text);
std::string to_string(const AdderSpec& spec);

class ApproxAdder {
 public:
  ApproxAdder(Format format, AdderSpec spec);

  code_t add(code_t a, code_t b) const;
  code_t sub(code_t a, code_t b) const { return add(a, format_.neg(b)); }

  /// s'(d) in units of 2^-G: the adder's value of log_b(1 + b^-d) (sum) or log_b(1 - b^-d).
  std::int64_t approx_fixed(int d, bool sum) const;
  /// The stated bound e on |s'(d) - s(d)|, in exponent units.
  double error_bound() const { return error_bound_; }
  /// The stated bound on |k' - k| of a result exponent: floor(1 + e).
  int result_bound() const { return static_cast<int>(1.0 + error_bound_); }
  /// Table entries this adder stores (the hardware ROM it models).
  std::size_t table_entries() const;
  const AdderSpec& spec() const { return spec_; }
  const Format& format() const { return format_; }

 private:
  std::int64_t lerp(const std::vector<std::int32_t>& knots, int d) const;
  std::int64_t sum_at_fixed(std::int64_t z) const;  // sb at a fixed-point argument (cotran)

  Format format_;
  AdderSpec spec_;
  int dmax_ = 0;                                // largest difference of exponents, K - 1
  std::vector<std::int32_t> sum_knots_;         // lerp: sb(iH); cotran: sb(i)
  std::vector<std::int32_t> difference_knots_;  // lerp: db(iH), [0] unused; cotran: db(i 2^j)
  std::vector<std::int32_t> difference_low_;    // lerp: db(d), d < H; cotran: db(d), d < 2^j
  double error_bound_ = 0.0;
};

}  // namespace lnslab::lns
