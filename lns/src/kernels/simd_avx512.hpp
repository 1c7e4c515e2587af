#pragma once
// AVX-512 (F/BW/VL/VBMI) lanes, the twin of simd_avx2.hpp (same names; masks are mask registers).
#include <cstdint>

#include "isa.hpp"

#if LNSLAB_X86
namespace lnslab::lns::kernels_detail {

// GCC 12 reports the undefined pass-through operand of the unmasked AVX-512 intrinsics as
// maybe-uninitialized (a false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

struct Avx512 {
  // ---- 32-bit lanes, 16 a vector -------------------------------------------------------------
  using I32 = __m512i;
  using M32 = __mmask16;
  static constexpr int lanes32 = 16;
  static LNSLAB_INLINE_AVX512 I32 load32(const void* p) { return _mm512_loadu_si512(p); }
  static LNSLAB_INLINE_AVX512 I32 set1(std::int32_t x) { return _mm512_set1_epi32(x); }
  static LNSLAB_INLINE_AVX512 I32 zero() { return _mm512_setzero_si512(); }
  static LNSLAB_INLINE_AVX512 I32 bit_and(I32 x, I32 y) { return _mm512_and_si512(x, y); }
  static LNSLAB_INLINE_AVX512 I32 bit_or(I32 x, I32 y) { return _mm512_or_si512(x, y); }
  static LNSLAB_INLINE_AVX512 I32 sub(I32 x, I32 y) { return _mm512_sub_epi32(x, y); }
  static LNSLAB_INLINE_AVX512 I32 max(I32 x, I32 y) { return _mm512_max_epi32(x, y); }
  static LNSLAB_INLINE_AVX512 I32 min(I32 x, I32 y) { return _mm512_min_epi32(x, y); }
  static LNSLAB_INLINE_AVX512 I32 sign_fill(I32 x) { return _mm512_srai_epi32(x, 31); }
  static LNSLAB_INLINE_AVX512 I32 sra(I32 x, __m128i count) { return _mm512_sra_epi32(x, count); }
  static LNSLAB_INLINE_AVX512 I32 sll(I32 x, __m128i count) { return _mm512_sll_epi32(x, count); }
  static LNSLAB_INLINE_AVX512 I32 gather32(const std::uint32_t* table, I32 idx) {
    return _mm512_i32gather_epi32(idx, table, 4);
  }
  static LNSLAB_INLINE_AVX512 M32 gt(I32 x, I32 y) { return _mm512_cmpgt_epi32_mask(x, y); }
  static LNSLAB_INLINE_AVX512 M32 eq(I32 x, I32 y) { return _mm512_cmpeq_epi32_mask(x, y); }
  static LNSLAB_INLINE_AVX512 I32 select(M32 m, I32 yes, I32 no) {
    return _mm512_mask_mov_epi32(no, m, yes);
  }
  static LNSLAB_INLINE_AVX512 I32 add_one_where(I32 x, M32 m) {
    return _mm512_mask_add_epi32(x, m, x, _mm512_set1_epi32(1));
  }
  static LNSLAB_INLINE_AVX512 I32 or_where_nonzero(I32 x, I32 y) {
    return _mm512_mask_or_epi32(x, _mm512_test_epi32_mask(x, x), x, y);
  }
  static LNSLAB_INLINE_AVX512 I32 keep_where_nonzero(I32 t, I32 x) {
    return _mm512_maskz_mov_epi32(_mm512_test_epi32_mask(t, t), x);
  }

  // ---- 64-bit lanes from 8 int32 table indices: one part of 8 lanes ---------------------------
  using P64 = __m512i;
  using M64 = __mmask8;
  using Idx64 = __m256i;
  static constexpr int parts64 = 1;
  static constexpr int lanes64 = 8;
  static LNSLAB_INLINE_AVX512 P64 zero64() { return _mm512_setzero_si512(); }
  static LNSLAB_INLINE_AVX512 P64 set1_64(std::int64_t x) { return _mm512_set1_epi64(x); }
  static LNSLAB_INLINE_AVX512 Idx64 part(__m256i idx, int) { return idx; }
  static LNSLAB_INLINE_AVX512 P64 gather64(const std::int64_t* table, Idx64 idx) {
    return _mm512_mask_i32gather_epi64(_mm512_setzero_si512(), 0xff, idx,
                                       reinterpret_cast<const long long*>(table), 8);
  }
  static LNSLAB_INLINE_AVX512 P64 add64(P64 x, P64 y) { return _mm512_add_epi64(x, y); }
  static LNSLAB_INLINE_AVX512 P64 or64(P64 x, P64 y) { return _mm512_or_si512(x, y); }
  static LNSLAB_INLINE_AVX512 P64 negate_where(P64 x, __m256i negative, int) {
    const __mmask8 neg = _mm256_cmplt_epi32_mask(negative, _mm256_setzero_si256());
    return _mm512_mask_sub_epi64(x, neg, _mm512_setzero_si512(), x);
  }
  static LNSLAB_INLINE_AVX512 M64 no_lanes64() { return 0; }
  static LNSLAB_INLINE_AVX512 M64 gt64(P64 x, P64 y) { return _mm512_cmpgt_epi64_mask(x, y); }
  static LNSLAB_INLINE_AVX512 M64 or_mask64(M64 x, M64 y) { return static_cast<M64>(x | y); }
  static LNSLAB_INLINE_AVX512 bool any64(M64 m) { return m != 0; }
  static LNSLAB_INLINE_AVX512 void store64(void* p, P64 x) { _mm512_storeu_si512(p, x); }
};

#pragma GCC diagnostic pop

}  // namespace lnslab::lns::kernels_detail
#endif
