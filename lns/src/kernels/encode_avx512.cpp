// The AVX-512 encode and decode loops (encode_simd.hpp): encode_lanes on 16 floats a vector,
// narrowed to codes with vpmovdb / vpmovdw, and the byte-plane decode of 8-bit codes (AVX2 has no
// decode loop: scalar lookups beat its gathers, see decode_scalar in encode_portable.hpp).
#define LNSLAB_LANES_ISA LNSLAB_ISA_AVX512
#include "encode_lanes.hpp"
#include "encode_simd.hpp"
#include "isa.hpp"
#include "simd_avx512.hpp"

#if LNSLAB_X86
namespace lnslab::lns::kernels_detail {

// GCC 12 reports the undefined pass-through operand of the unmasked AVX-512 intrinsics as
// maybe-uninitialized (a false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace {

template <typename T>
LNSLAB_TARGET_AVX512 std::size_t encode_loop(const EncodeParams& p, const float* x, T* out,
                                             std::size_t n) {
  const __m128i shift = _mm_cvtsi32_si128(p.shift);
  const __m128i count_bits = _mm_cvtsi32_si128(p.count_bits);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i c = encode_lanes<Avx512>(p, shift, count_bits, Avx512::load32(x + i));
    if constexpr (sizeof(T) == 1)
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm512_cvtepi32_epi8(c));
    else
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm512_cvtepi32_epi16(c));
  }
  return i;
}

}  // namespace

std::size_t encode_avx512(const EncodeParams& p, const float* x, std::uint8_t* out, std::size_t n) {
  return encode_loop(p, x, out, n);
}
std::size_t encode_avx512(const EncodeParams& p, const float* x, std::uint16_t* out,
                          std::size_t n) {
  return encode_loop(p, x, out, n);
}

// 8-bit formats in bytes, 64 codes a step: vpermi2b looks up each byte of the float in a
// 128-entry plane (bit 7, the sign, is ignored by the lookup and ORed into the top byte), and two
// rounds of unpacks interleave the planes into floats. The unpacks work within 128-bit lanes, so
// the codes are first permuted such that the result comes out in order: the byte at
// 16L + 4r + m (lane L) is code 16r + 4L + m, which lands in dword 4L + m of output vector r.
LNSLAB_TARGET_AVX512 std::size_t decode8_avx512(const DecodeTable& t, std::uint32_t nan,
                                                const std::uint8_t* c, float* out, std::size_t n) {
  alignas(64) std::uint8_t order_bytes[64];
  for (int i = 0; i < 64; ++i)
    order_bytes[i] = static_cast<std::uint8_t>(16 * ((i >> 2) & 3) + 4 * (i >> 4) + (i & 3));
  const __m512i order = _mm512_load_si512(order_bytes);
  __m512i plane[4][2];
  for (int q = 0; q < 4; ++q)
    for (int h = 0; h < 2; ++h) plane[q][h] = _mm512_loadu_si512(&t.planes[q][64 * h]);
  __m512i nan_byte[4];
  for (int q = 0; q < 4; ++q) nan_byte[q] = _mm512_set1_epi8(static_cast<char>(nan >> (8 * q)));
  const __m512i sign = _mm512_set1_epi8(static_cast<char>(0x80));
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512i code = _mm512_permutexvar_epi8(order, _mm512_loadu_si512(c + i));
    const __mmask64 is_nan = _mm512_cmpeq_epi8_mask(code, sign);
    __m512i b[4];
    for (int q = 0; q < 4; ++q) {
      b[q] = _mm512_permutex2var_epi8(plane[q][0], code, plane[q][1]);
      if (q == 3) b[q] = _mm512_or_si512(b[q], _mm512_and_si512(code, sign));
      b[q] = _mm512_mask_mov_epi8(b[q], is_nan, nan_byte[q]);
    }
    const __m512i lo01 = _mm512_unpacklo_epi8(b[0], b[1]), hi01 = _mm512_unpackhi_epi8(b[0], b[1]);
    const __m512i lo23 = _mm512_unpacklo_epi8(b[2], b[3]), hi23 = _mm512_unpackhi_epi8(b[2], b[3]);
    _mm512_storeu_si512(out + i, _mm512_unpacklo_epi16(lo01, lo23));
    _mm512_storeu_si512(out + i + 16, _mm512_unpackhi_epi16(lo01, lo23));
    _mm512_storeu_si512(out + i + 32, _mm512_unpacklo_epi16(hi01, hi23));
    _mm512_storeu_si512(out + i + 48, _mm512_unpackhi_epi16(hi01, hi23));
  }
  return i;
}

#pragma GCC diagnostic pop

}  // namespace lnslab::lns::kernels_detail
#endif
