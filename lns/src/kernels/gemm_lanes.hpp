#pragma once
// GEMM lane code written once over the vector width (internal): the tile walk and the counted
// block, instantiated for Avx2 (simd_avx2.hpp) in gemm_simd_avx2.cpp and for Avx512
// (simd_avx512.hpp) in gemm_simd_avx512.cpp. The including file defines LNSLAB_LANES_ISA, the
// feature string its instantiations are compiled for.
#include <cstdint>

#include "gemm_portable.hpp"
#include "gemm_simd.hpp"
#include "isa.hpp"

#ifndef LNSLAB_LANES_ISA
#error "define LNSLAB_LANES_ISA (an LNSLAB_ISA_* string) before including gemm_lanes.hpp"
#endif

#if LNSLAB_X86
namespace lnslab::lns::kernels_detail {
namespace {

// Runs Block over [i0,i1) x [j0, j0 + full columns), column panels outermost so that a panel of
// ib stays in cache; the remaining columns go to the portable kernel.
template <int Width, int Rows, typename Full, typename One, typename Rest>
LNSLAB_TARGET(LNSLAB_LANES_ISA)
void tile(int i0, int i1, int j0, int j1, Full full, One one, Rest rest) {
  const int jfull = j0 + (j1 - j0) / Width * Width;
  for (int j = j0; j < jfull; j += Width) {
    int i = i0;
    for (; i + Rows <= i1; i += Rows) full(i, j);
    for (; i < i1; ++i) one(i, j);
  }
  if (jfull < j1) rest(jfull);
}

// Rows x 8 columns of the three counted sums; per table and 8 products one 8-lane gather
// (AVX-512) or two 4-lane ones (AVX2: V::parts64 parts of V::lanes64 lanes).
template <typename V, int Rows>
LNSLAB_TARGET(LNSLAB_LANES_ISA)
void block_counted(const std::int64_t* ts, const std::int64_t* tp, const IndexGemm& g, int i, int j,
                   std::int64_t* sum, std::int64_t* packed, std::int64_t* ored) {
  constexpr int parts = V::parts64;
  typename V::P64 s[Rows][parts], p[Rows][parts], o[Rows][parts];
  for (int r = 0; r < Rows; ++r)
    for (int h = 0; h < parts; ++h) s[r][h] = p[r][h] = o[r][h] = V::zero64();
  const std::int32_t* arow = g.ia + static_cast<std::ptrdiff_t>(i) * g.k;
  const std::int32_t* bcol = g.ib + j;
  for (int k = 0; k < g.k; ++k) {
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bcol));
    bcol += g.n;
    for (int r = 0; r < Rows; ++r) {
      const __m256i idx =
          _mm256_add_epi32(_mm256_set1_epi32(arow[static_cast<std::ptrdiff_t>(r) * g.k + k]), b);
      typename V::Idx64 half[parts];
      for (int h = 0; h < parts; ++h) half[h] = V::part(idx, h);
      for (int h = 0; h < parts; ++h) {
        s[r][h] = V::add64(s[r][h], V::gather64(ts, half[h]));
        const typename V::P64 v = V::gather64(tp, half[h]);
        p[r][h] = V::add64(p[r][h], v);
        o[r][h] = V::or64(o[r][h], v);
      }
    }
  }
  for (int r = 0; r < Rows; ++r) {
    const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(i + r) * g.n + j;
    for (int h = 0; h < parts; ++h) {
      V::store64(sum + at + V::lanes64 * h, s[r][h]);
      V::store64(packed + at + V::lanes64 * h, p[r][h]);
      V::store64(ored + at + V::lanes64 * h, o[r][h]);
    }
  }
}

// sum_counted over blocks of Rows x 8 outputs.
template <typename V, int Rows>
LNSLAB_TARGET(LNSLAB_LANES_ISA)
void counted_lanes(const std::int64_t* ts, const std::int64_t* tp, const IndexGemm& g, int i0,
                   int i1, int j0, int j1, std::int64_t* sum, std::int64_t* packed,
                   std::int64_t* ored) {
  tile<8, Rows>(
      i0, i1, j0, j1,
      [&](int i, int j) { block_counted<V, Rows>(ts, tp, g, i, j, sum, packed, ored); },
      [&](int i, int j) { block_counted<V, 1>(ts, tp, g, i, j, sum, packed, ored); },
      [&](int j) { counted_portable(ts, tp, g, i0, i1, j, j1, sum, packed, ored); });
}

}  // namespace
}  // namespace lnslab::lns::kernels_detail
#endif
