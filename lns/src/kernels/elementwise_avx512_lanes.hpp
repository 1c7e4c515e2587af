#pragma once
// Lane operations and the loop bodies of the AVX-512 elementwise kernels (internal; used by
// elementwise_avx512.cpp and add_planes16.cpp). Everything is inline with target attributes;
// callers check avx512_active() before running any of it.
//
// The target and the namespace can be set before the include (add_planes16.cpp adds BITALG):
// a lookup with a wider target cannot be inlined into a loop compiled for a narrower one, and a
// separate namespace keeps the two builds of these inline functions apart.
//
// Kept apart from the AVX2 lanes (elementwise_avx2.cpp) on purpose: these are built on mask
// registers (masked saturating adds, vpternlog, k-mask zero and NaN tests, a lookup returning
// both tables) where AVX2 blends whole vectors around one looked-up table, so a shared template
// would change the instruction selection of one of them.
#include "elementwise_simd.hpp"
#include "isa.hpp"

#ifndef LNSLAB_LANES512_ISA
#define LNSLAB_LANES512_ISA LNSLAB_ISA_AVX512
#define LNSLAB_LANES512_NAMESPACE avx512
#endif
#define LNSLAB_LANES512_INLINE LNSLAB_TARGET_INLINE(LNSLAB_LANES512_ISA)

namespace lnslab::lns::kernels_detail::LNSLAB_LANES512_NAMESPACE {
#if LNSLAB_X86

// Unsigned lane operations of width W (8 or 16 bits); masks are __mmask64 / __mmask32.
template <int W>
struct Lanes512;
template <>
struct Lanes512<8> {
  using Mask = __mmask64;
  static constexpr int top = 255;
  static LNSLAB_LANES512_INLINE __m512i set1(int x) {
    return _mm512_set1_epi8(static_cast<char>(x));
  }
  static LNSLAB_LANES512_INLINE __m512i add(__m512i x, __m512i y) { return _mm512_add_epi8(x, y); }
  static LNSLAB_LANES512_INLINE __m512i sub(__m512i x, __m512i y) { return _mm512_sub_epi8(x, y); }
  static LNSLAB_LANES512_INLINE __m512i adds(__m512i x, __m512i y) {
    return _mm512_adds_epu8(x, y);
  }
  static LNSLAB_LANES512_INLINE __m512i subs(__m512i x, __m512i y) {
    return _mm512_subs_epu8(x, y);
  }
  static LNSLAB_LANES512_INLINE __m512i mask_adds(__m512i src, Mask m, __m512i x, __m512i y) {
    return _mm512_mask_adds_epu8(src, m, x, y);
  }
  static LNSLAB_LANES512_INLINE __m512i min(__m512i x, __m512i y) { return _mm512_min_epu8(x, y); }
  static LNSLAB_LANES512_INLINE __m512i max(__m512i x, __m512i y) { return _mm512_max_epu8(x, y); }
  static LNSLAB_LANES512_INLINE Mask eq(__m512i x, __m512i y) {
    return _mm512_cmpeq_epi8_mask(x, y);
  }
  static LNSLAB_LANES512_INLINE Mask ge(__m512i x, __m512i y) {
    return _mm512_cmpge_epu8_mask(x, y);
  }
  static LNSLAB_LANES512_INLINE Mask testn(__m512i x, __m512i y) {
    return _mm512_testn_epi8_mask(x, y);
  }
  static LNSLAB_LANES512_INLINE Mask test(__m512i x, __m512i y) {
    return _mm512_test_epi8_mask(x, y);
  }
  static LNSLAB_LANES512_INLINE Mask mask_test(Mask m, __m512i x, __m512i y) {
    return _mm512_mask_test_epi8_mask(m, x, y);
  }
  static LNSLAB_LANES512_INLINE __m512i blend(Mask m, __m512i x, __m512i y) {
    return _mm512_mask_blend_epi8(m, x, y);
  }
  static LNSLAB_LANES512_INLINE __m512i maskz(Mask m, __m512i x) {
    return _mm512_maskz_mov_epi8(m, x);
  }
};
template <>
struct Lanes512<16> {
  using Mask = __mmask32;
  static constexpr int top = 65535;
  static LNSLAB_LANES512_INLINE __m512i set1(int x) {
    return _mm512_set1_epi16(static_cast<short>(x));
  }
  static LNSLAB_LANES512_INLINE __m512i add(__m512i x, __m512i y) { return _mm512_add_epi16(x, y); }
  static LNSLAB_LANES512_INLINE __m512i sub(__m512i x, __m512i y) { return _mm512_sub_epi16(x, y); }
  static LNSLAB_LANES512_INLINE __m512i adds(__m512i x, __m512i y) {
    return _mm512_adds_epu16(x, y);
  }
  static LNSLAB_LANES512_INLINE __m512i subs(__m512i x, __m512i y) {
    return _mm512_subs_epu16(x, y);
  }
  static LNSLAB_LANES512_INLINE __m512i mask_adds(__m512i src, Mask m, __m512i x, __m512i y) {
    return _mm512_mask_adds_epu16(src, m, x, y);
  }
  static LNSLAB_LANES512_INLINE __m512i min(__m512i x, __m512i y) { return _mm512_min_epu16(x, y); }
  static LNSLAB_LANES512_INLINE __m512i max(__m512i x, __m512i y) { return _mm512_max_epu16(x, y); }
  static LNSLAB_LANES512_INLINE Mask eq(__m512i x, __m512i y) {
    return _mm512_cmpeq_epi16_mask(x, y);
  }
  static LNSLAB_LANES512_INLINE Mask ge(__m512i x, __m512i y) {
    return _mm512_cmpge_epu16_mask(x, y);
  }
  static LNSLAB_LANES512_INLINE Mask testn(__m512i x, __m512i y) {
    return _mm512_testn_epi16_mask(x, y);
  }
  static LNSLAB_LANES512_INLINE Mask test(__m512i x, __m512i y) {
    return _mm512_test_epi16_mask(x, y);
  }
  static LNSLAB_LANES512_INLINE Mask mask_test(Mask m, __m512i x, __m512i y) {
    return _mm512_mask_test_epi16_mask(m, x, y);
  }
  static LNSLAB_LANES512_INLINE __m512i blend(Mask m, __m512i x, __m512i y) {
    return _mm512_mask_blend_epi16(m, x, y);
  }
  static LNSLAB_LANES512_INLINE __m512i maskz(Mask m, __m512i x) {
    return _mm512_maskz_mov_epi16(m, x);
  }
};

LNSLAB_LANES512_INLINE __m512i load(const void* p) {
  return _mm512_loadu_si512(p);
}
LNSLAB_LANES512_INLINE void store(void* p, __m512i v) {
  _mm512_storeu_si512(p, v);
}

// r | (s & sign_bit) in one vpternlog (truth table 0xF8 = A | (B & C), bit index 4A + 2B + C).
LNSLAB_LANES512_INLINE __m512i or_and(__m512i r, __m512i s, __m512i sign_bit) {
  return _mm512_ternarylogic_epi32(r, s, sign_bit, 0xF8);
}

// Up: the bias is negative (k = ka + kb + |bias|, saturating up), else k = ka + kb - bias
// saturating at 0. Clamp: underflow gives 1, so r is never 0 and only zero operands give 0.
template <int W, bool Divide, bool Up, bool Clamp, typename T>
LNSLAB_LANES512_INLINE std::size_t mul_lanes(const EwMul& p, const T* a, const T* b, T* out,
                                             std::size_t n) {
  using L = Lanes512<W>;
  constexpr std::size_t step = 512 / W;
  const int bias = Divide ? p.c.k_mask - p.bias : p.bias;
  const int shift = bias < 0 ? -bias : bias;
  const __m512i bias_v = L::set1(shift < L::top ? shift : L::top);
  const __m512i kmax = L::set1(p.c.k_mask), sign_bit = L::set1(p.c.sign_bit);
  const __m512i nan = L::set1(p.c.nan), low = L::set1(p.c.low), zero = _mm512_setzero_si512();
  std::size_t i = 0;
  for (; i + step <= n; i += step) {
    const __m512i x = load(a + i), y = load(b + i);
    const __m512i ka = _mm512_and_si512(x, kmax);
    const __m512i kb = _mm512_and_si512(y, kmax);
    const __m512i kb2 = Divide ? _mm512_xor_si512(kb, kmax) : kb;  // K - kb
    const __m512i sum = L::add(ka, kb2);
    const __m512i k = Up ? L::adds(sum, bias_v) : L::subs(sum, bias_v);
    const __m512i r = Clamp ? L::max(L::min(k, kmax), low) : L::min(k, kmax);
    // nonzero: ka != 0 (and kb != 0 for mul) and r != 0
    typename L::Mask keep = L::test(ka, ka);
    if (!Divide) keep = L::mask_test(keep, kb, kb);
    if (!Clamp) keep = L::mask_test(keep, r, r);
    typename L::Mask is_nan = L::eq(x, nan) | L::eq(y, nan);
    if (Divide) is_nan |= L::eq(y, zero);
    const __m512i res = L::maskz(keep, or_and(r, _mm512_xor_si512(x, y), sign_bit));
    store(out + i, L::blend(is_nan, res, nan));
  }
  return i;
}

template <int W, bool Divide, typename T>
LNSLAB_LANES512_INLINE std::size_t mul_lanes(const EwMul& p, const T* a, const T* b, T* out,
                                             std::size_t n) {
  const bool up = (Divide ? p.c.k_mask - p.bias : p.bias) < 0, clamp = p.c.low != 0;
  if (up) {
    return clamp ? mul_lanes<W, Divide, true, true>(p, a, b, out, n)
                 : mul_lanes<W, Divide, true, false>(p, a, b, out, n);
  }
  return clamp ? mul_lanes<W, Divide, false, true>(p, a, b, out, n)
               : mul_lanes<W, Divide, false, false>(p, a, b, out, n);
}

// The adder around a lookup: lookup(d, same) gives T+[d] where same, |T-[d]| elsewhere.
template <int W, bool Subtract, typename T, typename Lookup>
LNSLAB_LANES512_INLINE std::size_t add_lanes(const EwCodes& c, int flip, const T* a, const T* b,
                                             T* out, std::size_t n, const Lookup& lookup) {
  using L = Lanes512<W>;
  constexpr std::size_t step = 512 / W;
  const __m512i kmax = L::set1(c.k_mask), sign_bit = L::set1(c.sign_bit);
  const __m512i nan = L::set1(c.nan), low = L::set1(c.low), flipv = L::set1(flip);
  std::size_t i = 0;
  for (; i + step <= n; i += step) {
    const __m512i x = load(a + i), y0 = load(b + i);
    const __m512i kb = _mm512_and_si512(y0, kmax);
    const typename L::Mask kb_zero = L::testn(y0, kmax);
    // sub negates b unless it is zero or NaN (both have magnitude 0)
    const __m512i y = Subtract ? L::blend(kb_zero, _mm512_xor_si512(y0, flipv), y0) : y0;
    const __m512i ka = _mm512_and_si512(x, kmax);
    const typename L::Mask ka_zero = L::testn(x, kmax);
    const __m512i kbig = L::max(ka, kb);
    const __m512i big = L::blend(L::ge(ka, kb), y, x);
    const __m512i d = L::sub(kbig, L::min(ka, kb));
    const typename L::Mask same = L::testn(_mm512_xor_si512(x, y), sign_bit);
    const auto [t_sum, t_diff] = lookup(d, same);
    const __m512i k = L::mask_adds(L::subs(kbig, t_diff), same, kbig, t_sum);
    const __m512i r = L::max(L::min(k, kmax), low);
    const typename L::Mask cancel = ~same & L::testn(d, d);
    const typename L::Mask keep = ~cancel & L::test(r, r);
    __m512i res = L::maskz(keep, or_and(r, big, sign_bit));
    res = L::blend(kb_zero, res, x);
    res = L::blend(ka_zero, res, y);
    const typename L::Mask is_nan = L::eq(x, nan) | L::eq(y0, nan);
    store(out + i, L::blend(is_nan, res, nan));
  }
  return i;
}

struct TablePair {
  __m512i sum, diff;
};

#endif
}  // namespace lnslab::lns::kernels_detail::LNSLAB_LANES512_NAMESPACE
