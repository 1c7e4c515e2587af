#pragma once
// The dot product's SIMD pass written once over the vector width (internal): 8 products a step,
// table indices and signs in 32-bit lanes, the 64-bit table values in V::parts64 vectors (two
// AVX2 ones of 4 lanes, one AVX-512 one of 8). Instantiated for Avx2 in dot_avx2.cpp and Avx512 in
// dot_avx512.cpp; the including file defines LNSLAB_LANES_ISA.
#include <cstddef>
#include <cstdint>

#include "dot_internal.hpp"
#include "isa.hpp"

#ifndef LNSLAB_LANES_ISA
#error "define LNSLAB_LANES_ISA (an LNSLAB_ISA_* string) before including dot_lanes.hpp"
#endif

#if LNSLAB_X86
namespace lnslab::lns::kernels_detail {
namespace {

// 8 products per step: table index and sign mask per lane (32-bit), NaN lanes ORed into `nan`.
LNSLAB_TARGET_INLINE(LNSLAB_LANES_ISA)
__m256i dot_lanes(const DotArgs& d, const code_t* a, const code_t* b, __m256i& negative,
                  __m256i& nan) {
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

template <typename V>
LNSLAB_TARGET(LNSLAB_LANES_ISA)
std::size_t
    dot_pass(const DotArgs& d, const code_t* a, const code_t* b, std::size_t n, DotSums& r) {
  using P64 = typename V::P64;
  const P64 big = V::set1_64(d.big);
  P64 sum = V::zero64(), abs = V::zero64();
  typename V::M64 over = V::no_lanes64();
  __m256i nan = _mm256_setzero_si256();
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    __m256i negative;
    const __m256i idx = dot_lanes(d, a + i, b + i, negative, nan);
    for (int h = 0; h < V::parts64; ++h) {
      const P64 v = V::gather64(d.table, V::part(idx, h));
      sum = V::add64(sum, V::negate_where(v, negative, h));
      abs = V::add64(abs, v);
      over = V::or_mask64(over, V::gt64(v, big));
    }
  }
  // Stored and added, not _mm512_reduce_add_epi64 (GCC 12 warns inside it).
  alignas(64) std::uint64_t s[V::lanes64], x[V::lanes64];
  V::store64(s, sum);
  V::store64(x, abs);
  for (int l = 0; l < V::lanes64; ++l) {
    r.sum += s[l];
    r.abs += x[l];
  }
  r.big |= V::any64(over);
  r.nan |= _mm256_movemask_epi8(nan) != 0;
  return i;
}

}  // namespace
}  // namespace lnslab::lns::kernels_detail
#endif
