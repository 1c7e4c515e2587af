#pragma once
// Accumulation datapaths of dot products and GEMMs (docs/design.md §3.2), shared bit for bit by the
// lns kernels, the simulator and training.
//
// A product of codes a (format fa) and b (format fb) is exact in LNS: sign xor and the product
// exponent e = (ka - bias_a) + (kb - bias_b), value b^e (fa and fb must share the base b; their
// biases and widths may differ). Zero operands give a zero product (skipped); a NaN operand makes
// the whole dot product NaN. How products are summed:
//
// - linear: each product becomes round(b^e * 2^F) (nearest, ties to even; a table over e), signed,
//   and is added to a W-bit two's-complement accumulator that saturates at
//   [-2^(W-1), 2^(W-1) - 1] after every add. Result: acc * 2^-F.
// - bins (base 2^(1/gamma) only): e = q * gamma + r (floor division, 0 <= r < gamma); the signed
//   integer 2^(q + F) is added to bin r (a W-bit saturating accumulator; contributions with
//   q + F < 0 are dropped: F sets the smallest bin LSB). After the vector, each bin sum S_r is
//   multiplied by C_r = round(2^(r/gamma) * 2^F) and the products are summed exactly (128-bit);
//   the total is rounded (nearest, ties to even) from 2F to F fractional bits. Result: total *
//   2^-F.
// - bins_mitchell (base 2^(1/gamma), gamma a power of two, 0 < low_bits < log2(gamma)): r splits
//   into r_hi = r >> low_bits and r_lo = r mod 2^low_bits; the low bits are approximated linearly
//   (Mitchell): bin r_hi receives the signed floor(2^(q + F) * (1 + r_lo / gamma)) (dropped when
//   that floor is 0), and bin r_hi is scaled by C = round(2^((r_hi << low_bits) / gamma) * 2^F).
//   gamma >> low_bits accumulators instead of gamma.
// - logadd: each product is encoded into `out` (exact: its exponent e + bias_out, range rule) and
//   added one by one, in k order, with out.add (nearest). Result: out.decode(sum).
// - exact: each product decoded to double and summed in double in k order. Result: that sum.
#include <cstdint>
#include <string>
#include <string_view>

namespace lnslab::lns {

enum class Accumulation { linear, bins, bins_mitchell, logadd, exact };

struct Datapath {
  Accumulation kind = Accumulation::linear;
  int frac_bits = 16;  ///< F: fractional bits of products (linear) / of the smallest bin LSB (bins)
  int acc_bits = 32;   ///< W: width of each saturating accumulator, 8..62
  int low_bits = 0;    ///< bins_mitchell: low bits of r approximated linearly
  friend bool operator==(const Datapath&, const Datapath&) = default;
};

/// Name of an accumulation kind: "linear", "bins", "bins_mitchell", "logadd", "exact".
std::string_view to_string(Accumulation a);

/// Checks the parameters: 0 <= F <= 40, 8 <= W <= 62 (linear and bins kinds), 1 <= low <= 15 for
/// bins_mitchell and low == 0 otherwise. Throws std::invalid_argument naming the datapath.
/// (Format-dependent checks, e.g. bins needing base 2^(1/gamma), are made by the kernels.)
void validate(const Datapath& d);

/// Parses "linear:F=16,W=32", "bins:F=8,W=24", "bins_mitchell:F=8,W=24,low=1", "logadd", "exact"
/// (keys optional, defaults as in Datapath, except that bins_mitchell defaults to low=1). The
/// result is validated. Throws std::invalid_argument naming the text.
Datapath parse_datapath(std::string_view text);
/// Canonical text, parseable by parse_datapath.
std::string to_string(const Datapath& d);

}  // namespace lnslab::lns
