#pragma once
// Internal helpers shared by the GEMM reference and the fast GEMM.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "lnslab/lns/kernels/gemm.hpp"

namespace lnslab::lns {

// Index layout: a nonzero code of A maps to ka + sa * S, of B to kb + sb * S, S = Ka + Kb + 1,
// so the sum of two indices is s + {0, S, 2S} with s = ka + kb (negative product iff the offset
// is S). Zero and NaN codes map to 3S; every index >= 3S holds a zero product. NaN is tracked
// separately (per row of A and column of B).
struct GemmPlan::Impl {
  Format fa, fb, out;
  Datapath dp;
  int size = 0;
  std::int32_t zero_index = 0;
  std::vector<std::int32_t> lut_a, lut_b;  // code -> index
  std::vector<std::int64_t> p64;           // linear: product at F; bins: product * C_bin at 2F
  std::vector<std::int32_t> p32;           // p64 clamped to int32 (valid where p64 fits)
  std::vector<std::int64_t> max_p;         // by s: max over s' <= s of |p64|
  std::vector<std::int64_t> max_contrib;   // bins: by s: max over s' <= s of the bin contribution
  std::vector<std::int32_t> bin_of;        // bins: bin of a product, by index
  std::vector<std::int64_t> contrib;       // bins: signed contribution (bin LSB units), by index
  std::vector<std::int64_t> bin_scale;     // bins: C of each bin
  std::vector<double> pd;                  // exact: signed product as double, by index
  std::vector<code_t> pcode;               // logadd: product encoded in `out`, by index

  Impl(const Format& a, const Format& b, const Datapath& d, const Format& o)
      : fa(a), fb(b), out(o), dp(d) {}
  bool integer_kind() const {
    return dp.kind == Accumulation::linear || dp.kind == Accumulation::bins ||
           dp.kind == Accumulation::bins_mitchell;
  }
  bool bins_kind() const {
    return dp.kind == Accumulation::bins || dp.kind == Accumulation::bins_mitchell;
  }
};

}  // namespace lnslab::lns

namespace lnslab::lns::kernels_detail {

__extension__ using i128 = __int128;

/// log2(gamma) when gamma is a power of two, else -1.
inline int log2_exact(int gamma) {
  int g = 0;
  while ((1 << g) < gamma) ++g;
  return (1 << g) == gamma ? g : -1;
}

/// Throws std::invalid_argument unless the shapes and the format/datapath pair are supported.
inline void check_gemm(const Format& fa, const CodeMatrix& a, const Format& fb, const CodeMatrix& b,
                       const Datapath& dp, const Format& out) {
  validate(dp);
  if (a.rows < 0 || a.cols < 0 || b.rows < 0 || b.cols < 0)
    throw std::invalid_argument("lns::gemm: negative matrix dimension");
  if (a.cols != b.rows)
    throw std::invalid_argument("lns::gemm: A is " + std::to_string(a.rows) + " x " +
                                std::to_string(a.cols) + " but B is " + std::to_string(b.rows) +
                                " x " + std::to_string(b.cols));
  if (fa.base_ld() != fb.base_ld())
    throw std::invalid_argument("lns::gemm: formats " + fa.spec() + " and " + fb.spec() +
                                " do not share a base");
  if (dp.kind == Accumulation::logadd && out.base_ld() != fa.base_ld())
    throw std::invalid_argument("lns::gemm: logadd output format " + out.spec() +
                                " does not share the base of " + fa.spec());
  if (dp.kind == Accumulation::bins || dp.kind == Accumulation::bins_mitchell) {
    if (!fa.gamma() || !fb.gamma())
      throw std::invalid_argument("lns::gemm: datapath " + to_string(dp) +
                                  " needs base 2^(1/gamma), got " + fa.spec());
    if (dp.kind == Accumulation::bins_mitchell) {
      const int g = log2_exact(*fa.gamma());
      if (g < 0 || dp.low_bits >= g)
        throw std::invalid_argument("lns::gemm: datapath " + to_string(dp) +
                                    " needs gamma a power of two above 2^low, got " + fa.spec());
    }
  }
}

/// Rounds v * 2^-s to an integer, nearest with ties to even (s >= 0).
inline i128 shift_round_even(i128 v, int s) {
  if (s == 0) return v;
  const i128 whole = v >> s;  // floor
  const i128 rest = v - (whole << s);
  const i128 half = i128{1} << (s - 1);
  if (rest > half || (rest == half && (whole & 1) != 0)) return whole + 1;
  return whole;
}

}  // namespace lnslab::lns::kernels_detail
