// AVX2 loops of the elementwise mul/div and add/sub kernels (elementwise_simd.hpp). Compiled with
// target attributes and called only when kernels_detail::avx2_active(); every lane restates the
// per-element rule of elementwise.cpp (MulOp, AddOp) with saturating unsigned lane arithmetic:
//   mul: k = ka + kb - bias as a saturating add or subtract of |bias|, then min(k, K), max(k, low)
//        (a k that saturated at 0 is below 1, one that saturated at the lane maximum is above K);
//   add: kbig +- T[d] as a saturating add (same signs, T+ >= 0) or subtract (T- <= 0, stored as
//        its magnitude), the rest by masks.
#include <algorithm>

#include "elementwise_simd.hpp"
#include "isa.hpp"

namespace lnslab::lns::kernels_detail {

bool make_ew_add8(const std::int32_t* offsets, int k_mask, EwAdd8& out) {
  if (k_mask > 127) return false;
  const int size = k_mask + 1;
  std::uint8_t sum[128], diff[128];
  for (int d = 0; d < size; ++d) {
    const std::int32_t s = offsets[d], t = offsets[size + d];
    if (s < 0 || t > 0) return false;
    sum[d] = static_cast<std::uint8_t>(std::min(s, 255));
    diff[d] = static_cast<std::uint8_t>(std::min(-t, 255));
    out.sum_full[d] = sum[d];
    out.difference_full[d] = diff[d];
  }
  // The constant tail: the last entry, and every entry before it that equals it.
  const std::uint8_t st = sum[size - 1], dt = diff[size - 1];
  int end = size;
  while (end > 0 && sum[end - 1] == st && diff[end - 1] == dt) --end;
  out.chunks = (end + 15) / 16;
  out.sum_tail = st;
  out.difference_tail = dt;
  auto chunk = [&](const std::uint8_t* t, std::uint8_t tail, int j, int n) {
    const int d = 16 * j + n;
    return j < out.chunks && d < size ? t[d] : tail;
  };
  for (int j = 0; j < 8; ++j)
    for (int n = 0; n < 16; ++n) {
      const auto s = static_cast<std::uint8_t>(chunk(sum, st, j, n) ^ chunk(sum, st, j + 1, n));
      const auto t = static_cast<std::uint8_t>(chunk(diff, dt, j, n) ^ chunk(diff, dt, j + 1, n));
      out.sum[j][n] = out.sum[j][n + 16] = s;
      out.difference[j][n] = out.difference[j][n + 16] = t;
    }
  return true;
}

bool make_ew_add_gather(std::int32_t* offsets, int k_mask, int lane_max) {
  const int size = k_mask + 1;
  for (int d = 0; d < size; ++d) {
    const std::int32_t s = offsets[d], t = offsets[size + d];
    if (s < 0 || t > 0) return false;
    offsets[d] = std::min(s, lane_max);
    offsets[size + d] = std::min(-t, lane_max);
  }
  return true;
}

#if LNSLAB_X86
namespace {

// Unsigned lane operations of width W (8 or 16 bits).
template <int W>
struct Lanes;
template <>
struct Lanes<8> {
  static constexpr int top = 255;
  static LNSLAB_INLINE_AVX2 __m256i set1(int x) { return _mm256_set1_epi8(static_cast<char>(x)); }
  static LNSLAB_INLINE_AVX2 __m256i add(__m256i x, __m256i y) { return _mm256_add_epi8(x, y); }
  static LNSLAB_INLINE_AVX2 __m256i sub(__m256i x, __m256i y) { return _mm256_sub_epi8(x, y); }
  static LNSLAB_INLINE_AVX2 __m256i adds(__m256i x, __m256i y) { return _mm256_adds_epu8(x, y); }
  static LNSLAB_INLINE_AVX2 __m256i subs(__m256i x, __m256i y) { return _mm256_subs_epu8(x, y); }
  static LNSLAB_INLINE_AVX2 __m256i min(__m256i x, __m256i y) { return _mm256_min_epu8(x, y); }
  static LNSLAB_INLINE_AVX2 __m256i max(__m256i x, __m256i y) { return _mm256_max_epu8(x, y); }
  static LNSLAB_INLINE_AVX2 __m256i eq(__m256i x, __m256i y) { return _mm256_cmpeq_epi8(x, y); }
};
template <>
struct Lanes<16> {
  static constexpr int top = 65535;
  static LNSLAB_INLINE_AVX2 __m256i set1(int x) { return _mm256_set1_epi16(static_cast<short>(x)); }
  static LNSLAB_INLINE_AVX2 __m256i add(__m256i x, __m256i y) { return _mm256_add_epi16(x, y); }
  static LNSLAB_INLINE_AVX2 __m256i sub(__m256i x, __m256i y) { return _mm256_sub_epi16(x, y); }
  static LNSLAB_INLINE_AVX2 __m256i adds(__m256i x, __m256i y) { return _mm256_adds_epu16(x, y); }
  static LNSLAB_INLINE_AVX2 __m256i subs(__m256i x, __m256i y) { return _mm256_subs_epu16(x, y); }
  static LNSLAB_INLINE_AVX2 __m256i min(__m256i x, __m256i y) { return _mm256_min_epu16(x, y); }
  static LNSLAB_INLINE_AVX2 __m256i max(__m256i x, __m256i y) { return _mm256_max_epu16(x, y); }
  static LNSLAB_INLINE_AVX2 __m256i eq(__m256i x, __m256i y) { return _mm256_cmpeq_epi16(x, y); }
};

LNSLAB_INLINE_AVX2 __m256i load(const void* p) {
  return _mm256_loadu_si256(static_cast<const __m256i*>(p));
}
LNSLAB_INLINE_AVX2 void store(void* p, __m256i v) {
  _mm256_storeu_si256(static_cast<__m256i*>(p), v);
}
LNSLAB_INLINE_AVX2 __m256i gather(const std::int32_t* table, __m256i idx) {
  // Zero source and full mask: the plain form trips GCC 12's -Wmaybe-uninitialized.
  return _mm256_mask_i32gather_epi32(_mm256_setzero_si256(), table, idx, _mm256_set1_epi32(-1), 4);
}

struct CodeVectors {
  __m256i k_mask, sign_bit, nan, low, zero;
};
template <int W>
LNSLAB_INLINE_AVX2 CodeVectors code_vectors(const EwCodes& c) {
  using L = Lanes<W>;
  return {L::set1(c.k_mask), L::set1(c.sign_bit), L::set1(c.nan), L::set1(c.low),
          _mm256_setzero_si256()};
}

// Up: the bias is negative (k = ka + kb + |bias|, saturating up), else k = ka + kb - bias
// saturating at 0. Clamp: underflow gives 1, so r is never 0 and only zero operands give 0.
template <int W, bool Divide, bool Up, bool Clamp, typename T>
LNSLAB_INLINE_AVX2 std::size_t mul_lanes(const EwMul& p, const T* a, const T* b, T* out,
                                         std::size_t n) {
  using L = Lanes<W>;
  constexpr std::size_t step = 256 / W;
  const CodeVectors v = code_vectors<W>(p.c);
  const int bias = Divide ? p.c.k_mask - p.bias : p.bias;
  const __m256i bias_v = L::set1(std::min(bias < 0 ? -bias : bias, L::top));
  const __m256i kmax = v.k_mask;
  std::size_t i = 0;
  for (; i + step <= n; i += step) {
    const __m256i x = load(a + i), y = load(b + i);
    const __m256i ka = _mm256_and_si256(x, v.k_mask);
    const __m256i kb = _mm256_and_si256(y, v.k_mask);
    const __m256i kb2 = Divide ? _mm256_xor_si256(kb, v.k_mask) : kb;  // K - kb
    const __m256i sum = L::add(ka, kb2);
    const __m256i k = Up ? L::adds(sum, bias_v) : L::subs(sum, bias_v);
    const __m256i r = Clamp ? L::max(L::min(k, kmax), v.low) : L::min(k, kmax);
    const __m256i sign = _mm256_and_si256(_mm256_xor_si256(x, y), v.sign_bit);
    // zero when ka, kb (mul) or r is 0: their minimum is 0
    __m256i smallest = Divide ? ka : L::min(ka, kb);
    if (!Clamp) smallest = L::min(smallest, r);
    const __m256i zero = L::eq(smallest, v.zero);
    __m256i nan = _mm256_or_si256(L::eq(x, v.nan), L::eq(y, v.nan));
    if (Divide) nan = _mm256_or_si256(nan, L::eq(y, v.zero));
    const __m256i res = _mm256_andnot_si256(zero, _mm256_or_si256(r, sign));
    store(out + i, _mm256_blendv_epi8(res, v.nan, nan));
  }
  return i;
}

template <int W, bool Divide, typename T>
LNSLAB_INLINE_AVX2 std::size_t mul_lanes(const EwMul& p, const T* a, const T* b, T* out,
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
template <int W, typename T, typename Lookup>
LNSLAB_INLINE_AVX2 std::size_t add_lanes(const EwCodes& c, int flip, const T* a, const T* b, T* out,
                                         std::size_t n, const Lookup& lookup) {
  using L = Lanes<W>;
  constexpr std::size_t step = 256 / W;
  const CodeVectors v = code_vectors<W>(c);
  const __m256i flipv = L::set1(flip);
  std::size_t i = 0;
  for (; i + step <= n; i += step) {
    const __m256i x = load(a + i), y0 = load(b + i);
    const __m256i kb = _mm256_and_si256(y0, v.k_mask);
    const __m256i kb_zero = L::eq(kb, v.zero);
    const __m256i y = _mm256_xor_si256(y0, _mm256_andnot_si256(kb_zero, flipv));
    const __m256i ka = _mm256_and_si256(x, v.k_mask);
    const __m256i ka_zero = L::eq(ka, v.zero);
    const __m256i kbig = L::max(ka, kb);
    const __m256i big = _mm256_blendv_epi8(y, x, L::eq(kbig, ka));
    const __m256i d = L::sub(kbig, L::min(ka, kb));
    const __m256i same = L::eq(_mm256_and_si256(_mm256_xor_si256(x, y), v.sign_bit), v.zero);
    const __m256i t = lookup(d, same);
    const __m256i k = _mm256_blendv_epi8(L::subs(kbig, t), L::adds(kbig, t), same);
    const __m256i r = L::max(L::min(k, v.k_mask), v.low);
    const __m256i cancel = _mm256_andnot_si256(same, L::eq(d, v.zero));
    const __m256i zero = _mm256_or_si256(cancel, L::eq(r, v.zero));
    __m256i res = _mm256_andnot_si256(zero, _mm256_or_si256(r, _mm256_and_si256(big, v.sign_bit)));
    res = _mm256_blendv_epi8(res, x, kb_zero);
    res = _mm256_blendv_epi8(res, y, ka_zero);
    const __m256i nan = _mm256_or_si256(L::eq(x, v.nan), L::eq(y0, v.nan));
    store(out + i, _mm256_blendv_epi8(res, v.nan, nan));
  }
  return i;
}

// The index of the gather tables: d for sums, K + 1 + d for differences (fits the lane).
template <int W>
LNSLAB_INLINE_AVX2 __m256i gather_index(__m256i d, __m256i same, int k_mask) {
  return Lanes<W>::add(d, _mm256_andnot_si256(same, Lanes<W>::set1(k_mask + 1)));
}

}  // namespace

LNSLAB_TARGET_AVX2 std::size_t mul_u8_avx2(const EwMul& p, const std::uint8_t* a,
                                           const std::uint8_t* b, std::uint8_t* out,
                                           std::size_t n) {
  return p.divide ? mul_lanes<8, true>(p, a, b, out, n) : mul_lanes<8, false>(p, a, b, out, n);
}

LNSLAB_TARGET_AVX2 std::size_t mul_u16_avx2(const EwMul& p, const std::uint16_t* a,
                                            const std::uint16_t* b, std::uint16_t* out,
                                            std::size_t n) {
  return p.divide ? mul_lanes<16, true>(p, a, b, out, n) : mul_lanes<16, false>(p, a, b, out, n);
}

namespace {
// x = d + 0x70 - 16 j has bit 7 clear and low nibble d mod 16 for every chunk j at or above the
// chunk of d (exactly 0x70..0x7F at it) and bit 7 set below it, so vpshufb gives 0 below and the
// telescoped entries XOR to C_(chunk of d)[d mod 16] ^ tail. Chunks is a template argument so
// the chunk loop unrolls, with the 2 x Chunks tables in registers where they fit.
template <int Chunks>
LNSLAB_TARGET_AVX2 std::size_t add_u8_chunks(const EwAdd8& p, const std::uint8_t* a,
                                             const std::uint8_t* b, std::uint8_t* out,
                                             std::size_t n) {
  __m256i sum[Chunks > 0 ? Chunks : 1], diff[Chunks > 0 ? Chunks : 1];
  for (int j = 0; j < Chunks; ++j) {
    sum[j] = load(p.sum[j]);
    diff[j] = load(p.difference[j]);
  }
  const __m256i sum_tail = _mm256_set1_epi8(static_cast<char>(p.sum_tail));
  const __m256i diff_tail = _mm256_set1_epi8(static_cast<char>(p.difference_tail));
  const __m256i bias = _mm256_set1_epi8(0x70), sixteen = _mm256_set1_epi8(16);
  auto lookup = [&](__m256i d, __m256i same) LNSLAB_LAMBDA(LNSLAB_ISA_AVX2) {
    __m256i x = _mm256_add_epi8(d, bias);
    __m256i s = sum_tail, t = diff_tail;
    for (int j = 0; j < Chunks; ++j) {
      s = _mm256_xor_si256(s, _mm256_shuffle_epi8(sum[j], x));
      t = _mm256_xor_si256(t, _mm256_shuffle_epi8(diff[j], x));
      x = _mm256_sub_epi8(x, sixteen);
    }
    return _mm256_blendv_epi8(t, s, same);
  };
  return add_lanes<8>(p.c, p.flip, a, b, out, n, lookup);
}
}  // namespace

LNSLAB_TARGET_AVX2 std::size_t add_u8_avx2(const EwAdd8& p, const std::uint8_t* a,
                                           const std::uint8_t* b, std::uint8_t* out,
                                           std::size_t n) {
  switch (p.chunks) {
    case 0:
      return add_u8_chunks<0>(p, a, b, out, n);
    case 1:
      return add_u8_chunks<1>(p, a, b, out, n);
    case 2:
      return add_u8_chunks<2>(p, a, b, out, n);
    case 3:
      return add_u8_chunks<3>(p, a, b, out, n);
    case 4:
      return add_u8_chunks<4>(p, a, b, out, n);
    case 5:
      return add_u8_chunks<5>(p, a, b, out, n);
    case 6:
      return add_u8_chunks<6>(p, a, b, out, n);
    case 7:
      return add_u8_chunks<7>(p, a, b, out, n);
    default:
      return add_u8_chunks<8>(p, a, b, out, n);
  }
}

LNSLAB_TARGET_AVX2 std::size_t add_u8_gather_avx2(const EwAddGather& p, const std::uint8_t* a,
                                                  const std::uint8_t* b, std::uint8_t* out,
                                                  std::size_t n) {
  const int k_mask = p.c.k_mask;
  const std::int32_t* table = p.table;
  auto lookup = [=](__m256i d, __m256i same) LNSLAB_LAMBDA(LNSLAB_ISA_AVX2) {
    const __m256i idx = gather_index<8>(d, same, k_mask);
    const __m128i lo = _mm256_castsi256_si128(idx), hi = _mm256_extracti128_si256(idx, 1);
    const __m256i g0 = gather(table, _mm256_cvtepu8_epi32(lo));
    const __m256i g1 = gather(table, _mm256_cvtepu8_epi32(_mm_srli_si128(lo, 8)));
    const __m256i g2 = gather(table, _mm256_cvtepu8_epi32(hi));
    const __m256i g3 = gather(table, _mm256_cvtepu8_epi32(_mm_srli_si128(hi, 8)));
    const __m256i w = _mm256_packus_epi16(_mm256_packus_epi32(g0, g1), _mm256_packus_epi32(g2, g3));
    return _mm256_permutevar8x32_epi32(w, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  };
  return add_lanes<8>(p.c, p.flip, a, b, out, n, lookup);
}

LNSLAB_TARGET_AVX2 std::size_t add_u16_avx2(const EwAddGather& p, const std::uint16_t* a,
                                            const std::uint16_t* b, std::uint16_t* out,
                                            std::size_t n) {
  const int k_mask = p.c.k_mask;
  const std::int32_t* table = p.table;
  auto lookup = [=](__m256i d, __m256i same) LNSLAB_LAMBDA(LNSLAB_ISA_AVX2) {
    const __m256i idx = gather_index<16>(d, same, k_mask);
    const __m256i g0 = gather(table, _mm256_cvtepu16_epi32(_mm256_castsi256_si128(idx)));
    const __m256i g1 = gather(table, _mm256_cvtepu16_epi32(_mm256_extracti128_si256(idx, 1)));
    return _mm256_permute4x64_epi64(_mm256_packus_epi32(g0, g1), 0xD8);
  };
  return add_lanes<16>(p.c, p.flip, a, b, out, n, lookup);
}

#else

std::size_t mul_u8_avx2(const EwMul&, const std::uint8_t*, const std::uint8_t*, std::uint8_t*,
                        std::size_t) {
  return 0;
}
std::size_t mul_u16_avx2(const EwMul&, const std::uint16_t*, const std::uint16_t*, std::uint16_t*,
                         std::size_t) {
  return 0;
}
std::size_t add_u8_avx2(const EwAdd8&, const std::uint8_t*, const std::uint8_t*, std::uint8_t*,
                        std::size_t) {
  return 0;
}
std::size_t add_u8_gather_avx2(const EwAddGather&, const std::uint8_t*, const std::uint8_t*,
                               std::uint8_t*, std::size_t) {
  return 0;
}
std::size_t add_u16_avx2(const EwAddGather&, const std::uint16_t*, const std::uint16_t*,
                         std::uint16_t*, std::size_t) {
  return 0;
}

#endif

}  // namespace lnslab::lns::kernels_detail
