#pragma once
// AVX2 lanes for the kernels written once over vector width (internal; gemm_lanes.hpp,
// dot_lanes.hpp, encode_lanes.hpp). The AVX-512 twin is simd_avx512.hpp: the same names, wider
// vectors, and masks in mask registers instead of vectors of all-ones lanes.
#include <cstdint>

#include "isa.hpp"

#if LNSLAB_X86
namespace lnslab::lns::kernels_detail {

struct Avx2 {
  // ---- 32-bit lanes, 8 a vector; a mask is a vector of 0 / -1 lanes ------------------------
  using I32 = __m256i;
  using M32 = __m256i;
  static constexpr int lanes32 = 8;
  static LNSLAB_INLINE_AVX2 I32 load32(const void* p) {
    return _mm256_loadu_si256(static_cast<const __m256i*>(p));
  }
  static LNSLAB_INLINE_AVX2 I32 set1(std::int32_t x) { return _mm256_set1_epi32(x); }
  static LNSLAB_INLINE_AVX2 I32 zero() { return _mm256_setzero_si256(); }
  static LNSLAB_INLINE_AVX2 I32 bit_and(I32 x, I32 y) { return _mm256_and_si256(x, y); }
  static LNSLAB_INLINE_AVX2 I32 bit_or(I32 x, I32 y) { return _mm256_or_si256(x, y); }
  static LNSLAB_INLINE_AVX2 I32 sub(I32 x, I32 y) { return _mm256_sub_epi32(x, y); }
  static LNSLAB_INLINE_AVX2 I32 max(I32 x, I32 y) { return _mm256_max_epi32(x, y); }
  static LNSLAB_INLINE_AVX2 I32 min(I32 x, I32 y) { return _mm256_min_epi32(x, y); }
  /// Every bit the sign bit of its lane.
  static LNSLAB_INLINE_AVX2 I32 sign_fill(I32 x) { return _mm256_srai_epi32(x, 31); }
  static LNSLAB_INLINE_AVX2 I32 sra(I32 x, __m128i count) { return _mm256_sra_epi32(x, count); }
  static LNSLAB_INLINE_AVX2 I32 sll(I32 x, __m128i count) { return _mm256_sll_epi32(x, count); }
  static LNSLAB_INLINE_AVX2 I32 gather32(const std::uint32_t* table, I32 idx) {
    return _mm256_i32gather_epi32(reinterpret_cast<const int*>(table), idx, 4);
  }
  static LNSLAB_INLINE_AVX2 M32 gt(I32 x, I32 y) { return _mm256_cmpgt_epi32(x, y); }
  static LNSLAB_INLINE_AVX2 M32 eq(I32 x, I32 y) { return _mm256_cmpeq_epi32(x, y); }
  /// m ? yes : no per lane.
  static LNSLAB_INLINE_AVX2 I32 select(M32 m, I32 yes, I32 no) {
    return _mm256_blendv_epi8(no, yes, m);
  }
  /// x + 1 where m.
  static LNSLAB_INLINE_AVX2 I32 add_one_where(I32 x, M32 m) { return _mm256_sub_epi32(x, m); }
  /// x | y where x != 0, else x.
  static LNSLAB_INLINE_AVX2 I32 or_where_nonzero(I32 x, I32 y) {
    return _mm256_or_si256(x, _mm256_andnot_si256(_mm256_cmpeq_epi32(x, zero()), y));
  }
  /// x where t != 0, else 0.
  static LNSLAB_INLINE_AVX2 I32 keep_where_nonzero(I32 t, I32 x) {
    return _mm256_andnot_si256(_mm256_cmpeq_epi32(t, zero()), x);
  }

  // ---- 8 x 64-bit lanes (two vectors), from 8 int32 table indices ------------------------
  struct I64x8 {
    __m256i lo, hi;
  };
  using M64x8 = I64x8;
  static LNSLAB_INLINE_AVX2 I64x8 zero64() { return {zero(), zero()}; }
  static LNSLAB_INLINE_AVX2 I64x8 set1_64(std::int64_t x) {
    return {_mm256_set1_epi64x(x), _mm256_set1_epi64x(x)};
  }
  static LNSLAB_INLINE_AVX2 __m256i gather64(const long long* t, __m128i idx) {
    // The masked form with an explicit zero source: the same instruction, and it avoids GCC
    // 12's false "may be used uninitialized" on the unmasked intrinsic.
    return _mm256_mask_i32gather_epi64(_mm256_setzero_si256(), t, idx, _mm256_set1_epi64x(-1), 8);
  }
  /// table[idx[l]] for the 8 lanes of idx.
  static LNSLAB_INLINE_AVX2 I64x8 gather64(const std::int64_t* table, __m256i idx) {
    const auto* t = reinterpret_cast<const long long*>(table);
    return {gather64(t, _mm256_castsi256_si128(idx)),
            gather64(t, _mm256_extracti128_si256(idx, 1))};
  }
  static LNSLAB_INLINE_AVX2 I64x8 add64(I64x8 x, I64x8 y) {
    return {_mm256_add_epi64(x.lo, y.lo), _mm256_add_epi64(x.hi, y.hi)};
  }
  static LNSLAB_INLINE_AVX2 I64x8 or64(I64x8 x, I64x8 y) {
    return {_mm256_or_si256(x.lo, y.lo), _mm256_or_si256(x.hi, y.hi)};
  }
  /// -x in the lanes whose 32-bit lane of `negative` (8 lanes) is -1, x elsewhere.
  static LNSLAB_INLINE_AVX2 I64x8 negate_where(I64x8 x, __m256i negative) {
    const __m256i m0 = _mm256_cvtepi32_epi64(_mm256_castsi256_si128(negative));
    const __m256i m1 = _mm256_cvtepi32_epi64(_mm256_extracti128_si256(negative, 1));
    return {_mm256_sub_epi64(_mm256_xor_si256(x.lo, m0), m0),
            _mm256_sub_epi64(_mm256_xor_si256(x.hi, m1), m1)};
  }
  static LNSLAB_INLINE_AVX2 M64x8 no_lanes64() { return zero64(); }
  static LNSLAB_INLINE_AVX2 M64x8 gt64(I64x8 x, I64x8 y) {
    return {_mm256_cmpgt_epi64(x.lo, y.lo), _mm256_cmpgt_epi64(x.hi, y.hi)};
  }
  static LNSLAB_INLINE_AVX2 M64x8 or_mask64(M64x8 x, M64x8 y) { return or64(x, y); }
  static LNSLAB_INLINE_AVX2 bool any64(M64x8 m) {
    return _mm256_testz_si256(_mm256_or_si256(m.lo, m.hi), _mm256_or_si256(m.lo, m.hi)) == 0;
  }
  static LNSLAB_INLINE_AVX2 void store64(void* p, I64x8 x) {
    auto* q = static_cast<__m256i*>(p);
    _mm256_storeu_si256(q, x.lo);
    _mm256_storeu_si256(q + 1, x.hi);
  }
};

}  // namespace lnslab::lns::kernels_detail
#endif
