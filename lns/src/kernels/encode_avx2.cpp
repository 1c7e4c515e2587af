// The AVX2 encode loop (encode_simd.hpp): encode_lanes on 8 floats a vector, packed to codes
// with packus and a lane permute (AVX-512 narrows with vpmovdb / vpmovdw instead, so the two
// store loops stay separate).
#define LNSLAB_LANES_ISA LNSLAB_ISA_AVX2
#include "encode_lanes.hpp"
#include "encode_simd.hpp"
#include "isa.hpp"
#include "simd_avx2.hpp"

#if LNSLAB_X86
namespace lnslab::lns::kernels_detail {
namespace {

template <typename T>
LNSLAB_TARGET_AVX2 std::size_t encode_loop(const EncodeParams& p, const float* x, T* out,
                                           std::size_t n) {
  const __m128i shift = _mm_cvtsi32_si128(p.shift);
  const __m128i count_bits = _mm_cvtsi32_si128(p.count_bits);
  std::size_t i = 0;
  if constexpr (sizeof(T) == 1) {
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (; i + 32 <= n; i += 32) {
      const __m256i a = encode_lanes<Avx2>(p, shift, count_bits, Avx2::load32(x + i));
      const __m256i b = encode_lanes<Avx2>(p, shift, count_bits, Avx2::load32(x + i + 8));
      const __m256i c = encode_lanes<Avx2>(p, shift, count_bits, Avx2::load32(x + i + 16));
      const __m256i d = encode_lanes<Avx2>(p, shift, count_bits, Avx2::load32(x + i + 24));
      const __m256i w = _mm256_packus_epi16(_mm256_packus_epi32(a, b), _mm256_packus_epi32(c, d));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                          _mm256_permutevar8x32_epi32(w, order));
    }
  } else {
    for (; i + 16 <= n; i += 16) {
      const __m256i a = encode_lanes<Avx2>(p, shift, count_bits, Avx2::load32(x + i));
      const __m256i b = encode_lanes<Avx2>(p, shift, count_bits, Avx2::load32(x + i + 8));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                          _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8));
    }
  }
  return i;
}

}  // namespace

std::size_t encode_avx2(const EncodeParams& p, const float* x, std::uint8_t* out, std::size_t n) {
  return encode_loop(p, x, out, n);
}
std::size_t encode_avx2(const EncodeParams& p, const float* x, std::uint16_t* out, std::size_t n) {
  return encode_loop(p, x, out, n);
}

}  // namespace lnslab::lns::kernels_detail
#endif
