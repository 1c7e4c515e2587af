// The direct dot product (GemmPlan::dot, dot): one pass over the two code vectors, no index
// arrays. For the integer datapaths without counts, each product's accumulator value v (linear:
// the fixed-point product; bins: its bin contribution times the bin's C) is read from a table by
// ka + kb and signed by the sign bits. The pass sums the signed v exactly (modulo 2^64) and the
// |v|, in any order (vectorised). Every partial sum of every accumulator is bounded by the sum of
// the magnitudes added to it, so when that bound stays within the accumulator no add saturates
// and the exact sum is the result; otherwise (and for NaN, counts and the other datapaths) the
// 1 x 1 GEMM, which follows the reference's k order, gives it.
#include <algorithm>
#include <cmath>
#include <limits>

#include "gemm_internal.hpp"
#include "gemm_simd.hpp"
#include "isa.hpp"
#include "lnslab/lns/fixed_point.hpp"

#include "dot_internal.hpp"

namespace lnslab::lns {

using kernels_detail::dot_avx2;
using kernels_detail::dot_avx512;
using kernels_detail::dot_portable;
using kernels_detail::DotArgs;
using kernels_detail::DotSums;

double GemmPlan::dot(const code_t* a, const code_t* b, std::size_t n, GemmCounts* counts,
                     std::ptrdiff_t stride_a, std::ptrdiff_t stride_b) const {
  const Impl& p = *impl_;
  const int len = static_cast<int>(n);
  auto as_gemm = [&] {
    double c = 0.0;
    run(CodeMatrix{a, 1, len, static_cast<std::ptrdiff_t>(len) * stride_a, stride_a},
        CodeMatrix{b, len, 1, stride_b, stride_b}, &c, counts, 1);
    return c;
  };
  if (counts != nullptr || !p.integer_kind() || n == 0) return as_gemm();
  const std::int64_t hi = (std::int64_t{1} << (p.dp.acc_bits - 1)) - 1;
  // bins: the bound is on the contributions c = |v| / C >= |v| / min C, and a passing dot must
  // have unclamped v and an exact int64 total (at most hi * max C).
  std::int64_t limit = hi;
  if (p.bins_kind()) {
    const auto [cmin, cmax] = std::minmax_element(p.bin_scale.begin(), p.bin_scale.end());
    if (static_cast<kernels_detail::i128>(hi) * *cmax >= fixed_limit) return as_gemm();
    limit = hi * *cmin;
  }
  // n magnitudes of at most `limit` each must not wrap the unsigned abs sum.
  if (static_cast<kernels_detail::i128>(limit) * static_cast<kernels_detail::i128>(n) >
      static_cast<kernels_detail::i128>(std::numeric_limits<std::int64_t>::max()))
    return as_gemm();
  DotArgs d;
  d.table = p.p64.data();  // p64[s] for s < size: the positive product of ka + kb = s
  d.code_a = p.fa.code_count() - 1;
  d.code_b = p.fb.code_count() - 1;
  d.sign_a = p.fa.nan();
  d.sign_b = p.fb.nan();
  d.big = limit;
  DotSums r;
  std::size_t done = 0;
#if LNSLAB_X86
  if (stride_a == 1 && stride_b == 1) {
    if (kernels_detail::avx512_active())
      done = dot_avx512(d, a, b, n, r);
    else if (kernels_detail::avx2_active())
      done = dot_avx2(d, a, b, n, r);
  }
#endif
  dot_portable(d, a + static_cast<std::ptrdiff_t>(done) * stride_a,
               b + static_cast<std::ptrdiff_t>(done) * stride_b, n - done, stride_a, stride_b, r);
  if (r.nan) return std::numeric_limits<double>::quiet_NaN();
  if (r.big || r.abs > static_cast<std::uint64_t>(limit)) return as_gemm();  // may saturate
  const auto sum = static_cast<std::int64_t>(r.sum);
  const int f = p.dp.frac_bits;
  if (p.bins_kind())
    return std::ldexp(static_cast<double>(kernels_detail::shift_round_even(sum, f)), -f);
  return std::ldexp(static_cast<double>(sum), -f);
}

double dot(const Format& fa, const code_t* a, const Format& fb, const code_t* b, std::size_t n,
           const Datapath& dp, const Format& out, GemmCounts* counts) {
  return GemmPlan(fa, fb, dp, out).dot(a, b, n, counts);
}

}  // namespace lnslab::lns
