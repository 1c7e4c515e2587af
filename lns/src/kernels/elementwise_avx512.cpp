// AVX-512 (F/BW/VL/VBMI) loops of the elementwise mul/div and add/sub kernels
// (elementwise_simd.hpp). Same lane rules as elementwise_avx2.cpp, with 64 (u8) or 32 (u16) codes
// per vector and the special cases as mask registers instead of blends. What AVX-512 changes for
// the adder: for codes of up to 8 bits, vpermi2b looks up a whole 128-entry table in one
// instruction (AVX2 needs one vpshufb per 16 entries), and the u16 gather takes 16 lanes.
// Called only when kernels_detail::avx512_active().
#include "elementwise_avx512_lanes.hpp"

#include <algorithm>

namespace lnslab::lns::kernels_detail {

#if LNSLAB_X86
using namespace avx512;

LNSLAB_TARGET_AVX512 std::size_t mul_u8_avx512(const EwMul& p, const std::uint8_t* a,
                                               const std::uint8_t* b, std::uint8_t* out,
                                               std::size_t n) {
  return p.divide ? mul_lanes<8, true>(p, a, b, out, n) : mul_lanes<8, false>(p, a, b, out, n);
}

LNSLAB_TARGET_AVX512 std::size_t mul_u16_avx512(const EwMul& p, const std::uint16_t* a,
                                                const std::uint16_t* b, std::uint16_t* out,
                                                std::size_t n) {
  return p.divide ? mul_lanes<16, true>(p, a, b, out, n) : mul_lanes<16, false>(p, a, b, out, n);
}

// Each table is 128 bytes in two registers; vpermi2b takes the low 7 bits of d (d <= K <= 127).
LNSLAB_TARGET_AVX512 std::size_t add_u8_avx512(const EwAdd8& p, const std::uint8_t* a,
                                               const std::uint8_t* b, std::uint8_t* out,
                                               std::size_t n) {
  const __m512i sum_lo = load(p.sum_full), sum_hi = load(p.sum_full + 64);
  const __m512i diff_lo = load(p.difference_full), diff_hi = load(p.difference_full + 64);
  auto lookup = [&](__m512i d, __mmask64) LNSLAB_LAMBDA(LNSLAB_ISA_AVX512) {
    return TablePair{_mm512_permutex2var_epi8(sum_lo, d, sum_hi),
                     _mm512_permutex2var_epi8(diff_lo, d, diff_hi)};
  };
  return p.flip != 0 ? add_lanes<8, true>(p.c, p.flip, a, b, out, n, lookup)
                     : add_lanes<8, false>(p.c, p.flip, a, b, out, n, lookup);
}

// One table: [0, K] sum magnitudes, [K+1, 2K+1] difference magnitudes (int32 entries); one
// 16-lane vpgatherdd per half vector.
namespace {

// Phase 2 of add_u16_avx512: plain scalar loads (not inlined into the AVX-512 caller and not
// vectorised, which would emulate a gather with inserts). Zen-class cores issue several loads per
// cycle, which beats vpgatherdd's throughput per element.
__attribute__((noinline, optimize("no-tree-vectorize"))) void lookup_scalar(
    const std::int32_t* table, const std::uint16_t* idx, std::uint16_t* t, std::size_t n) {
  for (std::size_t j = 0; j < n; ++j) t[j] = static_cast<std::uint16_t>(table[idx[j]]);
}

// Phase 1: the table index of each code pair (d for sums, K + 1 + d for differences), restating
// the first steps of add_lanes.
template <bool Subtract>
LNSLAB_INLINE_AVX512 void table_indices(const EwCodes& c, int flip, const std::uint16_t* a,
                                        const std::uint16_t* b, std::uint16_t* idx, std::size_t n) {
  using L = Lanes512<16>;
  const __m512i kmax = L::set1(c.k_mask), sign_bit = L::set1(c.sign_bit), flipv = L::set1(flip);
  const __m512i other = L::set1(c.k_mask + 1), zero = _mm512_setzero_si512();
  for (std::size_t i = 0; i + 32 <= n; i += 32) {
    const __m512i x = load(a + i), y0 = load(b + i);
    const __m512i kb = _mm512_and_si512(y0, kmax);
    const __m512i y = Subtract ? L::blend(L::testn(y0, kmax), _mm512_xor_si512(y0, flipv), y0) : y0;
    const __m512i ka = _mm512_and_si512(x, kmax);
    const __m512i d = L::sub(L::max(ka, kb), L::min(ka, kb));
    const __mmask32 same = L::testn(_mm512_xor_si512(x, y), sign_bit);
    store(idx + i, _mm512_mask_add_epi16(L::add(d, other), same, d, zero));
  }
}

template <bool Subtract>
LNSLAB_INLINE_AVX512 std::size_t add_u16_blocks(const EwAddGather& p, const std::uint16_t* a,
                                                const std::uint16_t* b, std::uint16_t* out,
                                                std::size_t n) {
  constexpr std::size_t block = 512;
  alignas(64) std::uint16_t idx[block], t[block];
  const std::uint16_t* next = t;
  auto lookup = [&](__m512i, __mmask32) LNSLAB_LAMBDA(LNSLAB_ISA_AVX512) {
    const __m512i v = load(next);
    next += 32;
    return TablePair{v, v};
  };
  std::size_t done = 0;
  while (n - done >= 32) {
    const std::size_t m = std::min(block, (n - done) / 32 * 32);
    table_indices<Subtract>(p.c, p.flip, a + done, b + done, idx, m);
    lookup_scalar(p.table, idx, t, m);
    next = t;
    done += add_lanes<16, Subtract>(p.c, p.flip, a + done, b + done, out + done, m, lookup);
  }
  return done;
}

}  // namespace

// The table lookups of the u16 adder: in blocks, indices by vector, loads by scalar, the rest by
// vector (a 16-lane vpgatherdd version measured slower on Zen 5, see docs/benchmarks.md).
LNSLAB_TARGET_AVX512 std::size_t add_u16_avx512(const EwAddGather& p, const std::uint16_t* a,
                                                const std::uint16_t* b, std::uint16_t* out,
                                                std::size_t n) {
  return p.flip != 0 ? add_u16_blocks<true>(p, a, b, out, n)
                     : add_u16_blocks<false>(p, a, b, out, n);
}

#else

std::size_t mul_u8_avx512(const EwMul&, const std::uint8_t*, const std::uint8_t*, std::uint8_t*,
                          std::size_t) {
  return 0;
}
std::size_t mul_u16_avx512(const EwMul&, const std::uint16_t*, const std::uint16_t*, std::uint16_t*,
                           std::size_t) {
  return 0;
}
std::size_t add_u8_avx512(const EwAdd8&, const std::uint8_t*, const std::uint8_t*, std::uint8_t*,
                          std::size_t) {
  return 0;
}
std::size_t add_u16_avx512(const EwAddGather&, const std::uint16_t*, const std::uint16_t*,
                           std::uint16_t*, std::size_t) {
  return 0;
}

#endif

}  // namespace lnslab::lns::kernels_detail
