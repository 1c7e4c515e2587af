#pragma once
// A runtime LNS format: B bits (3..16), base b > 1, integer bias (docs/design.md §3).
//
// Format is a cheap handle (a shared pointer to immutable tables built once at construction), so
// copies are free and a Format may be shared between threads. Every operation that makes a new
// code follows the one rounding rule of docs/design.md §3.1: compute the ideal exponent
// t = bias + log_b|v| of the exact result v, round it to an integer k by the Policy's rounding
// mode, saturate k > K to K, flush (or clamp) k < 1.
//
// Exactness: integer exponents make mul/div/pow exact integer arithmetic, and add/sub exact by the
// direct Gaussian-log tables T+[d] = round(log_b(1 + b^-d)), T-[d] = round(log_b(1 - b^-d)).
// Encoding compares the input with the midpoints b^(k + 1/2 - bias), held both as the nearest
// double and in long double (exactly where the midpoint is a long double: exact ties go to the
// even exponent), so a double input is rounded correctly unless it lies within a long-double ulp
// of an inexact midpoint (documented in docs/format.md).
#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "lnslab/lns/code.hpp"
#include "lnslab/lns/rng.hpp"

namespace lnslab::lns {

/// How the base of a format was given: b = 1 + eta0, b = 2^(1/gamma), or b itself.
enum class BaseKind { eta0, gamma, base };

/// Thrown for an invalid format or spec string; the message names the input and what was expected.
class FormatError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

namespace detail {
struct Tables;        // the per-format tables (internal to the library)
struct FormatAccess;  // the library's access to them
}  // namespace detail

class Format {
 public:
  static constexpr int min_bits = 3;
  static constexpr int max_bits = 16;

  /// b = 1 + eta0, eta0 > 0. Default bias 2^(B-2) centres the range on 1.
  static Format from_eta0(int bits, double eta0, std::optional<int> bias = std::nullopt);
  /// b = 2^(1/gamma), gamma >= 1 (integer; a power of two gives the shift/remainder datapath).
  static Format from_gamma(int bits, int gamma, std::optional<int> bias = std::nullopt);
  /// Any b > 1.
  static Format from_base(int bits, double base, std::optional<int> bias = std::nullopt);
  /// Parses `lnsB:eta0=X`, `lnsB:gamma=G`, `lnsB:base=X`, each with optional `,bias=N`.
  static Format parse(std::string_view spec);

  // ---- parameters -------------------------------------------------------------------------
  int bits() const;
  int kmax() const;  ///< K = 2^(B-1) - 1, the largest exponent field
  int bias() const;
  double base() const;
  long double base_ld() const;
  BaseKind base_kind() const;
  double eta0() const { return base() - 1.0; }
  /// The number the base was given by, exactly as given: eta0, gamma or the base (base_kind()).
  /// For eta0 formats this is the given eta0, which base() - 1 may round differently.
  double base_parameter() const;
  /// The same format (bits and base as given) with another bias.
  Format with_bias(int bias) const;
  /// gamma when the format was given by gamma, else nullopt.
  std::optional<int> gamma() const;
  /// Canonical spec string, parseable by Format::parse (e.g. "lns8:eta0=0.016").
  std::string spec() const;
  /// Smallest and largest nonzero magnitudes, b^(1-bias) and b^(K-bias).
  double min_magnitude() const;
  double max_magnitude() const;

  // ---- codes ------------------------------------------------------------------------------
  code_t zero() const { return 0; }
  code_t nan() const { return sign_bit_; }
  code_t make(bool negative, int k) const {
    return static_cast<code_t>((negative ? sign_bit_ : 0u) | static_cast<unsigned>(k));
  }
  int exponent(code_t c) const { return c & k_mask_; }
  bool is_negative(code_t c) const { return (c & sign_bit_) != 0 && (c & k_mask_) != 0; }
  bool is_zero(code_t c) const { return c == 0; }
  bool is_nan(code_t c) const { return c == sign_bit_; }
  /// True when c fits in `bits` bits (every such code is zero, NaN or a finite value).
  bool is_valid(code_t c) const { return (c >> bits_) == 0; }
  std::uint32_t code_count() const { return 1u << bits_; }
  code_t largest(bool negative = false) const { return make(negative, kmax_); }
  code_t smallest(bool negative = false) const { return make(negative, 1); }

  // ---- conversion -------------------------------------------------------------------------
  /// Encodes a real by the rounding rule. NaN -> NaN, +-0 -> zero, +-inf saturates.
  /// Stochastic rounding requires `rng` (throws std::invalid_argument without one).
  code_t encode(double v, Policy policy = {}, Rng* rng = nullptr) const;
  code_t encode(float v, Policy policy = {}, Rng* rng = nullptr) const {
    return encode(static_cast<double>(v), policy, rng);
  }
  /// Encodes a long double (exact for 64-bit integers scaled by powers of two, e.g. accumulators).
  code_t encode_ld(long double v, Policy policy = {}, Rng* rng = nullptr) const;
  /// Value of a code: NaN for the NaN code; +-inf only if the format's range exceeds the type's.
  double decode(code_t c) const;
  float decode_float(code_t c) const;
  long double decode_ld(code_t c) const;

  // ---- arithmetic (all by the rounding rule) ---------------------------------------------
  code_t neg(code_t a) const { return (a & k_mask_) == 0 ? a : static_cast<code_t>(a ^ sign_bit_); }
  code_t abs(code_t a) const { return is_nan(a) ? a : static_cast<code_t>(a & k_mask_); }
  /// Value order; NaN is unordered with everything (itself included).
  std::partial_ordering compare(code_t a, code_t b) const;
  bool less(code_t a, code_t b) const { return compare(a, b) == std::partial_ordering::less; }
  /// min/max propagate NaN.
  code_t min(code_t a, code_t b) const;
  code_t max(code_t a, code_t b) const;

  /// Products and quotients are exact integer exponent arithmetic; only the range rule applies.
  code_t mul(code_t a, code_t b, Policy policy = {}) const;
  code_t div(code_t a, code_t b, Policy policy = {}) const;  ///< x / 0 = NaN (no infinity)
  code_t add(code_t a, code_t b, Policy policy = {}, Rng* rng = nullptr) const;
  code_t sub(code_t a, code_t b, Policy policy = {}, Rng* rng = nullptr) const {
    return add(a, neg(b), policy, rng);
  }
  /// sqrt of a negative value is NaN. Odd exponents give half-integer t: a tie under nearest.
  code_t sqrt(code_t a, Policy policy = {}, Rng* rng = nullptr) const;
  /// Integer power; pow(x, 0) = 1 (by the rounding rule if 1 is not a code), pow(0, n<0) = NaN.
  code_t pow(code_t a, int n, Policy policy = {}) const;

  // ---- the Gaussian-log tables (the reference adder) ---------------------------------------
  /// T+[d] = round(log_b(1 + b^-d)) for d in [0, size); zero (and omitted) from size on.
  std::span<const std::int16_t> sum_table() const;
  /// T-[d] = round(log_b(1 - b^-d)) for d in [1, size); index 0 is unused (d = 0 is x - x = 0).
  std::span<const std::int16_t> difference_table() const;
  /// Applies the range rule to an integer exponent: saturate above K, flush or clamp below 1.
  code_t finish(bool negative, long k, Underflow underflow) const {
    if (k > kmax_) return make(negative, kmax_);
    if (k < 1) return underflow == Underflow::flush ? code_t{0} : make(negative, 1);
    return make(negative, static_cast<int>(k));
  }

  /// The part of an addition every adder shares: special values, ordering by magnitude.
  /// When `done`, `result` is the answer (NaN, a zero operand, or x - x = 0); otherwise the sum is
  /// (-1)^negative * b^(k_large - bias) * (1 +- b^-d), + when same_sign.
  struct AddOperands {
    bool done = false;
    code_t result = 0;
    bool negative = false;
    int k_large = 0;
    int d = 0;
    bool same_sign = true;
  };
  AddOperands prepare_add(code_t a, code_t b) const {
    AddOperands o;
    if (is_nan(a) || is_nan(b)) return {true, nan()};
    if (a == 0) return {true, b};
    if (b == 0) return {true, a};
    int ka = exponent(a);
    int kb = exponent(b);
    if (ka < kb) {
      const code_t t = a;
      a = b;
      b = t;
      const int tk = ka;
      ka = kb;
      kb = tk;
    }
    o.d = ka - kb;
    o.same_sign = ((a ^ b) & sign_bit_) == 0;
    if (!o.same_sign && o.d == 0) return {true, zero()};  // x - x is exactly zero
    o.negative = (a & sign_bit_) != 0;
    o.k_large = ka;
    return o;
  }

  friend bool operator==(const Format& a, const Format& b);

 private:
  friend struct detail::FormatAccess;
  explicit Format(std::shared_ptr<const detail::Tables> tables);
  code_t add_rounded(bool negative, int k_large, int d, bool same_sign, Policy policy,
                     Rng* rng) const;

  std::shared_ptr<const detail::Tables> tables_;
  int bits_ = 0;
  int kmax_ = 0;
  code_t sign_bit_ = 0;
  code_t k_mask_ = 0;
};

}  // namespace lnslab::lns
