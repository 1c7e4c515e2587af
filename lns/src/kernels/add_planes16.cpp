// The u16 adder with base-plus-bit-plane tables in registers (add_planes16.hpp).
#include "add_planes16.hpp"

#include <algorithm>
#include <vector>

// The shared lane code, built with BITALG (vpopcntw) in its own namespace.
#include "isa.hpp"
#define LNSLAB_LANES512_ISA LNSLAB_ISA_AVX512_BITALG
#define LNSLAB_LANES512_NAMESPACE avx512_bitalg
#include "elementwise_avx512_lanes.hpp"

namespace lnslab::lns::kernels_detail {

namespace {

// Values v[0..2047] of one table (padded with v[K]), or false if it is not non-increasing or a
// step needs more than `planes` bits.
bool split_planes(const std::vector<int>& v, int planes, std::uint16_t* base,
                  std::uint16_t (*plane)[128]) {
  for (int h = 0; h < 128; ++h) {
    base[h] = static_cast<std::uint16_t>(v[static_cast<std::size_t>(16 * h)]);
    for (int p = 0; p < planes; ++p) plane[p][h] = 0;
    for (int l = 1; l < 16; ++l) {
      const int step =
          v[static_cast<std::size_t>(16 * h + l - 1)] - v[static_cast<std::size_t>(16 * h + l)];
      if (step < 0 || step >= (1 << planes)) return false;
      for (int p = 0; p < planes; ++p)
        if ((step >> p) & 1) plane[p][h] = static_cast<std::uint16_t>(plane[p][h] | (1u << l));
    }
  }
  return true;
}

// The value the planes give for d (the kernel's formula, in scalar form).
int from_planes(const std::uint16_t* base, const std::uint16_t (*plane)[128], int planes, int d) {
  const int h = d / 16, l = d % 16;
  const unsigned below = 0xFFFFu >> (15 - l);
  int t = base[h];
  for (int p = 0; p < planes; ++p) t -= (1 << p) * __builtin_popcount(plane[p][h] & below);
  return t;
}

}  // namespace

bool make_ew_add_planes16(const std::int32_t* offsets, int k_mask, EwAddPlanes16& out) {
  const bool cpu = cpu_supports(CpuFeatures::avx512_bitalg);
  if (!cpu || k_mask > 2047 || k_mask < 2) return false;
  const int size = k_mask + 1, cap = k_mask + 1;
  std::vector<int> sum(2048), diff(2048);
  // d <= K - 1 for two nonzero magnitudes (a zero operand never reaches the table): pad with
  // the entry of K - 1 so the padding adds no steps
  for (int d = 0; d < 2048; ++d) {
    const int e = std::min(d, k_mask - 1);
    const std::int32_t s = offsets[e], t = offsets[size + e];
    if (s < 0 || t > 0) return false;
    sum[static_cast<std::size_t>(d)] = std::min(s, cap);
    diff[static_cast<std::size_t>(d)] = std::min(-t, cap);
  }
  // d = 0 of a difference is x - x = 0, decided before the table is used: any value will do,
  // and the largest keeps the table non-increasing.
  diff[0] = cap;
  if (!split_planes(sum, EwAddPlanes16::sum_planes, out.sum_base, out.sum_plane) ||
      !split_planes(diff, EwAddPlanes16::difference_planes, out.difference_base,
                    out.difference_plane))
    return false;
  // The difference's planes 1 and 2 (steps of 2 and more) are read with one vpermi2w: they must
  // be zero in blocks 64..127 (steep steps only occur at small d).
  for (int p = 1; p < EwAddPlanes16::difference_planes; ++p)
    for (int h = 64; h < 128; ++h)
      if (out.difference_plane[p][h] != 0) return false;
  for (int d = 0; d < k_mask; ++d)  // the check the header promises
    if (from_planes(out.sum_base, out.sum_plane, EwAddPlanes16::sum_planes, d) !=
            sum[static_cast<std::size_t>(d)] ||
        (d > 0 &&
         from_planes(out.difference_base, out.difference_plane, EwAddPlanes16::difference_planes,
                     d) != diff[static_cast<std::size_t>(d)]))
      return false;
  return true;
}

#if LNSLAB_X86

namespace {
using namespace avx512_bitalg;

struct Table128 {
  __m512i r[4];
};

LNSLAB_TARGET_INLINE(LNSLAB_ISA_AVX512_BITALG) Table128 load128(const std::uint16_t* t) {
  return {{load(t), load(t + 32), load(t + 64), load(t + 96)}};
}

// Entry h (< 128) of a 128-word table: two 64-entry vpermi2w and a blend on bit 6 of h.
LNSLAB_TARGET_INLINE(LNSLAB_ISA_AVX512_BITALG)
__m512i lookup128(__m512i h, __mmask32 upper, const Table128& t) {
  return _mm512_mask_blend_epi16(upper, _mm512_permutex2var_epi16(t.r[0], h, t.r[1]),
                                 _mm512_permutex2var_epi16(t.r[2], h, t.r[3]));
}

}  // namespace

LNSLAB_TARGET(LNSLAB_ISA_AVX512_BITALG)
std::size_t add_u16_planes_avx512(const EwAddPlanes16& p, const std::uint16_t* a,
                                  const std::uint16_t* b, std::uint16_t* out, std::size_t n) {
  const Table128 sum_base = load128(p.sum_base), sum_plane = load128(p.sum_plane[0]);
  const Table128 diff_base = load128(p.difference_base);
  const Table128 diff_plane[3] = {load128(p.difference_plane[0]), load128(p.difference_plane[1]),
                                  load128(p.difference_plane[2])};  // 1, 2: only r[0], r[1] used
  const __m512i fifteen = _mm512_set1_epi16(15), ones = _mm512_set1_epi16(-1);
  const __m512i sixty_four = _mm512_set1_epi16(64);
  auto lookup = [&](__m512i d, __mmask32) LNSLAB_LAMBDA(LNSLAB_ISA_AVX512_BITALG) {
    const __m512i h = _mm512_srli_epi16(d, 4);
    const __mmask32 upper = _mm512_test_epi16_mask(h, sixty_four);
    // bits 0..(d mod 16) of each word: 0xFFFF >> (15 - d mod 16), with 15 - d mod 16 = ~d & 15
    // (vpternlog 0x0C = ~A & B; GCC 12 warns on _mm512_andnot_si512)
    const __m512i below =
        _mm512_srlv_epi16(ones, _mm512_ternarylogic_epi32(d, fifteen, fifteen, 0x0C));
    auto count = [&](const Table128& plane) LNSLAB_LAMBDA(LNSLAB_ISA_AVX512_BITALG) {
      return _mm512_popcnt_epi16(_mm512_and_si512(lookup128(h, upper, plane), below));
    };
    const __m512i sum = _mm512_sub_epi16(lookup128(h, upper, sum_base), count(sum_plane));
    __m512i steps = count(diff_plane[0]);
    auto count_low = [&](const Table128& plane) LNSLAB_LAMBDA(LNSLAB_ISA_AVX512_BITALG) {
      const __m512i w = _mm512_maskz_permutex2var_epi16(~upper, plane.r[0], h, plane.r[1]);
      return _mm512_popcnt_epi16(_mm512_and_si512(w, below));
    };
    steps = _mm512_add_epi16(steps, _mm512_slli_epi16(count_low(diff_plane[1]), 1));
    steps = _mm512_add_epi16(steps, _mm512_slli_epi16(count_low(diff_plane[2]), 2));
    return TablePair{sum, _mm512_sub_epi16(lookup128(h, upper, diff_base), steps)};
  };
  return p.flip != 0 ? add_lanes<16, true>(p.c, p.flip, a, b, out, n, lookup)
                     : add_lanes<16, false>(p.c, p.flip, a, b, out, n, lookup);
}

#else

std::size_t add_u16_planes_avx512(const EwAddPlanes16&, const std::uint16_t*, const std::uint16_t*,
                                  std::uint16_t*, std::size_t) {
  return 0;
}

#endif

}  // namespace lnslab::lns::kernels_detail
