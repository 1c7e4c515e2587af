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

namespace lnslab::lns {
namespace {

struct DotArgs {
  const std::int64_t* table = nullptr;   // by ka + kb: |v| >= 0; entry 0 is 0 (zero products)
  std::uint32_t code_a = 0, code_b = 0;  // code masks
  std::uint32_t sign_a = 0, sign_b = 0;  // sign bits (= the NaN codes)
  std::int64_t big = 0;                  // a |v| above this fails the bound by itself
};

struct DotSums {
  std::uint64_t sum = 0;  // signed v, modulo 2^64
  std::uint64_t abs = 0;  // |v| (exact while no |v| exceeds `big`)
  bool big = false;
  bool nan = false;
};

void dot_portable(const DotArgs& d, const code_t* a, const code_t* b, std::size_t n,
                  std::ptrdiff_t sa, std::ptrdiff_t sb, DotSums& r) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t ca = a[static_cast<std::ptrdiff_t>(i) * sa] & d.code_a;
    const std::uint32_t cb = b[static_cast<std::ptrdiff_t>(i) * sb] & d.code_b;
    r.nan |= ca == d.sign_a || cb == d.sign_b;
    const std::uint32_t ka = ca & (d.sign_a - 1), kb = cb & (d.sign_b - 1);
    const std::int64_t v = ka == 0 || kb == 0 ? 0 : d.table[ka + kb];
    const bool negative = ((ca & d.sign_a) != 0) != ((cb & d.sign_b) != 0);
    const auto u = static_cast<std::uint64_t>(v);
    r.sum += negative ? 0 - u : u;
    r.abs += u;
    r.big |= v > d.big;
  }
}

#if LNSLAB_X86

// 8 products per step: table index and sign mask per lane (32-bit), NaN lanes ORed into `nan`.
LNSLAB_TARGET_AVX2 inline __m256i dot_lanes(const DotArgs& d, const code_t* a, const code_t* b,
                                            __m256i& negative, __m256i& nan) {
  const __m256i ca =
      _mm256_and_si256(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a))),
                       _mm256_set1_epi32(static_cast<int>(d.code_a)));
  const __m256i cb =
      _mm256_and_si256(_mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(b))),
                       _mm256_set1_epi32(static_cast<int>(d.code_b)));
  const __m256i sa = _mm256_set1_epi32(static_cast<int>(d.sign_a));
  const __m256i sb = _mm256_set1_epi32(static_cast<int>(d.sign_b));
  nan =
      _mm256_or_si256(nan, _mm256_or_si256(_mm256_cmpeq_epi32(ca, sa), _mm256_cmpeq_epi32(cb, sb)));
  const __m256i ka = _mm256_andnot_si256(sa, ca);
  const __m256i kb = _mm256_andnot_si256(sb, cb);
  const __m256i zero = _mm256_setzero_si256();
  const __m256i skip = _mm256_or_si256(_mm256_cmpeq_epi32(ka, zero), _mm256_cmpeq_epi32(kb, zero));
  negative = _mm256_xor_si256(_mm256_cmpeq_epi32(_mm256_and_si256(ca, sa), sa),
                              _mm256_cmpeq_epi32(_mm256_and_si256(cb, sb), sb));
  return _mm256_andnot_si256(skip, _mm256_add_epi32(ka, kb));
}

LNSLAB_TARGET_AVX2 std::size_t dot_avx2(const DotArgs& d, const code_t* a, const code_t* b,
                                        std::size_t n, DotSums& r) {
  const auto* t = reinterpret_cast<const long long*>(d.table);
  const __m256i big = _mm256_set1_epi64x(d.big);
  __m256i sum = _mm256_setzero_si256(), abs = sum, over = sum, nan = sum;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256i negative;
    const __m256i idx = dot_lanes(d, a + i, b + i, negative, nan);
    for (int h = 0; h < 2; ++h) {
      const __m128i part = h == 0 ? _mm256_castsi256_si128(idx) : _mm256_extracti128_si256(idx, 1);
      const __m128i neg32 =
          h == 0 ? _mm256_castsi256_si128(negative) : _mm256_extracti128_si256(negative, 1);
      const __m256i v =
          _mm256_mask_i32gather_epi64(_mm256_setzero_si256(), t, part, _mm256_set1_epi64x(-1), 8);
      const __m256i m = _mm256_cvtepi32_epi64(neg32);
      sum = _mm256_add_epi64(sum, _mm256_sub_epi64(_mm256_xor_si256(v, m), m));
      abs = _mm256_add_epi64(abs, v);
      over = _mm256_or_si256(over, _mm256_cmpgt_epi64(v, big));
    }
  }
  alignas(32) std::uint64_t s[4], x[4], o[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(s), sum);
  _mm256_store_si256(reinterpret_cast<__m256i*>(x), abs);
  _mm256_store_si256(reinterpret_cast<__m256i*>(o), over);
  for (int l = 0; l < 4; ++l) {
    r.sum += s[l];
    r.abs += x[l];
    r.big |= o[l] != 0;
  }
  r.nan |= _mm256_movemask_epi8(nan) != 0;
  return i;
}

// AVX-512: the same lanes, one 8-lane gather per 8 products.
LNSLAB_TARGET_AVX512 std::size_t dot_avx512(const DotArgs& d, const code_t* a, const code_t* b,
                                            std::size_t n, DotSums& r) {
  const auto* t = reinterpret_cast<const long long*>(d.table);
  const __m512i big = _mm512_set1_epi64(d.big);
  __m512i sum = _mm512_setzero_si512(), abs = sum;
  __m256i nan = _mm256_setzero_si256();
  __mmask8 over = 0;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256i negative;
    const __m256i idx = dot_lanes(d, a + i, b + i, negative, nan);
    const __m512i v = _mm512_mask_i32gather_epi64(_mm512_setzero_si512(), 0xff, idx, t, 8);
    const __mmask8 neg = _mm256_cmplt_epi32_mask(negative, _mm256_setzero_si256());
    sum = _mm512_add_epi64(sum, _mm512_mask_sub_epi64(v, neg, _mm512_setzero_si512(), v));
    abs = _mm512_add_epi64(abs, v);
    over = static_cast<__mmask8>(over | _mm512_cmpgt_epi64_mask(v, big));
  }
  // Stored, not _mm512_reduce_add_epi64 (GCC 12 warns inside it).
  alignas(64) std::uint64_t s[8], x[8];
  _mm512_store_si512(s, sum);
  _mm512_store_si512(x, abs);
  for (int l = 0; l < 8; ++l) {
    r.sum += s[l];
    r.abs += x[l];
  }
  r.big |= over != 0;
  r.nan |= _mm256_movemask_epi8(nan) != 0;
  return i;
}
#endif

}  // namespace

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
