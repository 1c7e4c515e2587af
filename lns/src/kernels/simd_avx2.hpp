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

  // ---- 64-bit lanes from 8 int32 table indices: two parts of 4 lanes ------------------------
  // (each step takes one part at a time, as a 4-lane gather does)
  using P64 = __m256i;
  using M64 = __m256i;
  using Idx64 = __m128i;
  static constexpr int parts64 = 2;
  static constexpr int lanes64 = 4;
  static LNSLAB_INLINE_AVX2 P64 zero64() { return _mm256_setzero_si256(); }
  static LNSLAB_INLINE_AVX2 P64 set1_64(std::int64_t x) { return _mm256_set1_epi64x(x); }
  /// The indices of part h (0 or 1) of 8 indices.
  static LNSLAB_INLINE_AVX2 Idx64 part(__m256i idx, int h) {
    return h == 0 ? _mm256_castsi256_si128(idx) : _mm256_extracti128_si256(idx, 1);
  }
  static LNSLAB_INLINE_AVX2 P64 gather64(const std::int64_t* table, Idx64 idx) {
    // The masked form with an explicit zero source: the same instruction, and it avoids GCC
    // 12's false "may be used uninitialized" on the unmasked intrinsic.
    return _mm256_mask_i32gather_epi64(_mm256_setzero_si256(),
                                       reinterpret_cast<const long long*>(table), idx,
                                       _mm256_set1_epi64x(-1), 8);
  }
  static LNSLAB_INLINE_AVX2 P64 add64(P64 x, P64 y) { return _mm256_add_epi64(x, y); }
  static LNSLAB_INLINE_AVX2 P64 or64(P64 x, P64 y) { return _mm256_or_si256(x, y); }
  /// -x in the lanes whose 32-bit lane of part h of `negative` is -1, x elsewhere.
  static LNSLAB_INLINE_AVX2 P64 negate_where(P64 x, __m256i negative, int h) {
    const __m256i m = _mm256_cvtepi32_epi64(part(negative, h));
    return _mm256_sub_epi64(_mm256_xor_si256(x, m), m);
  }
  static LNSLAB_INLINE_AVX2 M64 no_lanes64() { return zero64(); }
  static LNSLAB_INLINE_AVX2 M64 gt64(P64 x, P64 y) { return _mm256_cmpgt_epi64(x, y); }
  static LNSLAB_INLINE_AVX2 M64 or_mask64(M64 x, M64 y) { return _mm256_or_si256(x, y); }
  static LNSLAB_INLINE_AVX2 bool any64(M64 m) { return _mm256_testz_si256(m, m) == 0; }
  static LNSLAB_INLINE_AVX2 void store64(void* p, P64 x) {
    _mm256_storeu_si256(static_cast<__m256i*>(p), x);
  }
};

}  // namespace lnslab::lns::kernels_detail
#endif
