#pragma once
// Internal helpers shared by the GEMM reference and the fast GEMM.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "lnslab/lns/kernels/gemm.hpp"

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
