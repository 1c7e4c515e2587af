#pragma once
// Conversion of codes, and of products of codes, to signed fixed point with F fractional bits
// (docs/design.md §3.2, the `linear` and `bins` datapaths).
//
// Every conversion is a table read. The entry for a magnitude b^e is round(b^e * 2^F) (nearest,
// ties to even) with b^e evaluated in long double exactly as lns::Format builds its powers
// (whole octaves split off exactly for base 2^(1/gamma)); entries are clamped to +-fixed_limit
// (2^62), which no datapath distinguishes from a larger value since accumulators are <= 62 bits.
//
// For base 2^(1/gamma) the same value has the shift-plus-remainder form of the hardware:
//   e = q * gamma + r (floor division, 0 <= r < gamma),  b^e = 2^q * 2^(r/gamma),
// so a gamma-entry table C_r = round(2^(r/gamma) * 2^P) and a shift by q give
//   shifted(e, F) = round(C_r * 2^(q + F - P))   (a left shift, or a right shift rounding to
//                                                 nearest, ties to even).
// Relation to the direct table (tested exhaustively for gamma 8, 16, 64): with P = F it differs
// from the direct entry by at most 2^(q-1) + 1/2 for q >= 0 and by at most 1 for q < 0. With G
// guard bits (P = F + G) it equals the direct entry for every e with q <= G (the shift is then a
// rounding right shift of a table entry that has more bits than needed), and differs by at most
// 2^(q-G-1) + 1/2 above that.
#include <cstdint>
#include <vector>

#include "lnslab/lns/format.hpp"

namespace lnslab::lns {

/// Largest magnitude of a fixed-point table entry (entries are clamped to +-2^62).
inline constexpr std::int64_t fixed_limit = std::int64_t{1} << 62;

/// b^e in long double for the base of `f` and any integer e (not only code exponents).
long double base_power(const Format& f, long e);

/// round(x * 2^frac_bits), nearest with ties to even, clamped to [-fixed_limit, fixed_limit].
std::int64_t to_fixed(long double x, int frac_bits);

/// Code -> signed fixed point with F fractional bits: zero -> 0, NaN -> 0 (callers test NaN).
class FixedPointTable {
 public:
  FixedPointTable(const Format& f, int frac_bits);
  int frac_bits() const { return frac_bits_; }
  /// round(b^(k - bias) * 2^F) for k in 0..K (entry 0 is 0).
  std::int64_t magnitude(int k) const { return magnitude_[static_cast<std::size_t>(k)]; }
  std::int64_t operator()(code_t c) const {
    const std::int64_t m = magnitude_[c & k_mask_];
    return (c & sign_bit_) != 0 ? -m : m;
  }

 private:
  std::vector<std::int64_t> magnitude_;
  code_t sign_bit_ = 0;
  code_t k_mask_ = 0;
  int frac_bits_ = 0;
};

/// Product of two codes (formats sharing the base) -> signed fixed point with F fractional bits,
/// by one table over the product exponent e = (ka - bias_a) + (kb - bias_b).
class ProductFixedTable {
 public:
  /// Throws std::invalid_argument when the bases differ.
  ProductFixedTable(const Format& fa, const Format& fb, int frac_bits);
  int frac_bits() const { return frac_bits_; }
  int min_exponent() const { return 2 - bias_sum_; }          ///< e of the two smallest codes
  int max_exponent() const { return kmax_sum_ - bias_sum_; }  ///< e of the two largest codes
  /// round(b^e * 2^F) for e in [min_exponent(), max_exponent()].
  std::int64_t at_exponent(int e) const { return by_sum_[static_cast<std::size_t>(e + bias_sum_)]; }
  /// The same entry indexed by ka + kb (2..Ka+Kb); index 0 and 1 hold 0.
  std::int64_t at_sum(int ka_plus_kb) const {
    return by_sum_[static_cast<std::size_t>(ka_plus_kb)];
  }
  /// Signed fixed-point product; 0 when either code is zero or NaN (callers test NaN).
  std::int64_t operator()(code_t a, code_t b) const {
    const int ka = a & a_mask_;
    const int kb = b & b_mask_;
    if (ka == 0 || kb == 0) return 0;
    const std::int64_t m = by_sum_[static_cast<std::size_t>(ka + kb)];
    return (((a & a_sign_) != 0) != ((b & b_sign_) != 0)) ? -m : m;
  }

 private:
  std::vector<std::int64_t> by_sum_;
  int bias_sum_ = 0;
  int kmax_sum_ = 0;
  code_t a_sign_ = 0, a_mask_ = 0, b_sign_ = 0, b_mask_ = 0;
  int frac_bits_ = 0;
};

/// The shift-plus-remainder form for base 2^(1/gamma): C_r = round(2^(r/gamma) * 2^P), r < gamma.
class ShiftRemainderTable {
 public:
  /// gamma >= 1, 0 <= table_bits (P) <= 61.
  ShiftRemainderTable(int gamma, int table_bits);
  int gamma() const { return gamma_; }
  int table_bits() const { return table_bits_; }
  std::int64_t constant(int r) const { return constant_[static_cast<std::size_t>(r)]; }
  /// e = q * gamma + r with 0 <= r < gamma (floor division).
  static void split(long e, int gamma, long& q, int& r) {
    q = e >= 0 ? e / gamma : -((-e + gamma - 1) / gamma);
    r = static_cast<int>(e - q * gamma);
  }
  /// round(C_r * 2^(q + F - P)): shift left, or right with nearest-even rounding; clamped to
  /// [0, fixed_limit].
  std::int64_t shifted(long e, int frac_bits) const;

 private:
  std::vector<std::int64_t> constant_;
  int gamma_ = 1;
  int table_bits_ = 0;
};

}  // namespace lnslab::lns
