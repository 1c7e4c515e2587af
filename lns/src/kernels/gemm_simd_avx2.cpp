// The AVX2 inner GEMM kernels (gemm_kernels.hpp): int32 and int64/double table sums in blocks of
// 4 rows, the counted sums (gemm_lanes.hpp, shared with AVX-512) and the mixed float GEMM.
#define LNSLAB_LANES_ISA LNSLAB_ISA_AVX2
#include "gemm_kernels.hpp"
#include "gemm_lanes.hpp"
#include "gemm_portable.hpp"
#include "isa.hpp"
#include "simd_avx2.hpp"

#if LNSLAB_X86
namespace lnslab::lns::kernels_detail {
namespace {

// Gathers through the masked intrinsics with an explicit zero source: the same instruction, and
// it avoids GCC 12's false "may be used uninitialized" on the unmasked intrinsics.
LNSLAB_TARGET_AVX2 inline __m256i gather32(const std::int32_t* t, __m256i idx) {
  return _mm256_mask_i32gather_epi32(_mm256_setzero_si256(), t, idx, _mm256_set1_epi32(-1), 4);
}
LNSLAB_TARGET_AVX2 inline __m256i gather64(const long long* t, __m128i idx) {
  return _mm256_mask_i32gather_epi64(_mm256_setzero_si256(), t, idx, _mm256_set1_epi64x(-1), 8);
}
LNSLAB_TARGET_AVX2 inline __m256d gather_pd(const double* t, __m128i idx) {
  return _mm256_mask_i32gather_pd(_mm256_setzero_pd(), t, idx,
                                  _mm256_castsi256_pd(_mm256_set1_epi64x(-1)), 8);
}

// 4 rows x 16 columns of int32 sums per block; one gather per 8 products.
template <int Rows>
LNSLAB_TARGET_AVX2 void block_i32(const std::int32_t* table, const IndexGemm& g, int i, int j,
                                  std::int64_t* out) {
  __m256i acc[Rows][2];
  for (int r = 0; r < Rows; ++r) acc[r][0] = acc[r][1] = _mm256_setzero_si256();
  const std::int32_t* arow = g.ia + static_cast<std::ptrdiff_t>(i) * g.k;
  const std::int32_t* bcol = g.ib + j;
  for (int k = 0; k < g.k; ++k) {
    const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bcol));
    const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bcol + 8));
    bcol += g.n;
    for (int r = 0; r < Rows; ++r) {
      const __m256i av = _mm256_set1_epi32(arow[static_cast<std::ptrdiff_t>(r) * g.k + k]);
      acc[r][0] = _mm256_add_epi32(acc[r][0], gather32(table, _mm256_add_epi32(av, b0)));
      acc[r][1] = _mm256_add_epi32(acc[r][1], gather32(table, _mm256_add_epi32(av, b1)));
    }
  }
  for (int r = 0; r < Rows; ++r) {
    std::int64_t* o = out + static_cast<std::ptrdiff_t>(i + r) * g.n + j;
    for (int h = 0; h < 2; ++h) {
      const __m256i lo = _mm256_cvtepi32_epi64(_mm256_castsi256_si128(acc[r][h]));
      const __m256i hi = _mm256_cvtepi32_epi64(_mm256_extracti128_si256(acc[r][h], 1));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 8 * h), lo);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 8 * h + 4), hi);
    }
  }
}

// 4 rows x 8 columns of int64 (or double) sums per block; one gather per 4 products.
template <int Rows, bool Double>
LNSLAB_TARGET_AVX2 void block_64(const void* table, const IndexGemm& g, int i, int j, void* out) {
  __m256i acc[Rows][2];
  __m256d accd[Rows][2];
  for (int r = 0; r < Rows; ++r) {
    acc[r][0] = acc[r][1] = _mm256_setzero_si256();
    accd[r][0] = accd[r][1] = _mm256_setzero_pd();
  }
  const std::int32_t* arow = g.ia + static_cast<std::ptrdiff_t>(i) * g.k;
  const std::int32_t* bcol = g.ib + j;
  for (int k = 0; k < g.k; ++k) {
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bcol));
    bcol += g.n;
    for (int r = 0; r < Rows; ++r) {
      const __m256i idx =
          _mm256_add_epi32(_mm256_set1_epi32(arow[static_cast<std::ptrdiff_t>(r) * g.k + k]), b);
      const __m128i lo = _mm256_castsi256_si128(idx);
      const __m128i hi = _mm256_extracti128_si256(idx, 1);
      if constexpr (Double) {
        const double* t = static_cast<const double*>(table);
        accd[r][0] = _mm256_add_pd(accd[r][0], gather_pd(t, lo));
        accd[r][1] = _mm256_add_pd(accd[r][1], gather_pd(t, hi));
      } else {
        const auto* t = static_cast<const long long*>(table);
        acc[r][0] = _mm256_add_epi64(acc[r][0], gather64(t, lo));
        acc[r][1] = _mm256_add_epi64(acc[r][1], gather64(t, hi));
      }
    }
  }
  for (int r = 0; r < Rows; ++r) {
    const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(i + r) * g.n + j;
    if constexpr (Double) {
      double* o = static_cast<double*>(out) + at;
      _mm256_storeu_pd(o, accd[r][0]);
      _mm256_storeu_pd(o + 4, accd[r][1]);
    } else {
      std::int64_t* o = static_cast<std::int64_t*>(out) + at;
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), acc[r][0]);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(o + 4), acc[r][1]);
    }
  }
}

}  // namespace

LNSLAB_TARGET_AVX2 void sum_i32_avx2(const std::int32_t* table, const IndexGemm& g, int i0, int i1,
                                     int j0, int j1, std::int64_t* out) {
  tile<16, 4>(
      i0, i1, j0, j1, [&](int i, int j) { block_i32<4>(table, g, i, j, out); },
      [&](int i, int j) { block_i32<1>(table, g, i, j, out); },
      [&](int j) { sum_portable(table, g, i0, i1, j, j1, out); });
}

LNSLAB_TARGET_AVX2 void sum_i64_avx2(const std::int64_t* table, const IndexGemm& g, int i0, int i1,
                                     int j0, int j1, std::int64_t* out) {
  tile<8, 4>(
      i0, i1, j0, j1, [&](int i, int j) { block_64<4, false>(table, g, i, j, out); },
      [&](int i, int j) { block_64<1, false>(table, g, i, j, out); },
      [&](int j) { sum_portable(table, g, i0, i1, j, j1, out); });
}

LNSLAB_TARGET_AVX2 void sum_f64_avx2(const double* table, const IndexGemm& g, int i0, int i1,
                                     int j0, int j1, double* out) {
  tile<8, 4>(
      i0, i1, j0, j1, [&](int i, int j) { block_64<4, true>(table, g, i, j, out); },
      [&](int i, int j) { block_64<1, true>(table, g, i, j, out); },
      [&](int j) { sum_portable(table, g, i0, i1, j, j1, out); });
}

LNSLAB_TARGET_AVX2 void counted_avx2(const std::int64_t* ts, const std::int64_t* tp,
                                     const IndexGemm& g, int i0, int i1, int j0, int j1,
                                     std::int64_t* sum, std::int64_t* packed, std::int64_t* ored) {
  counted_lanes<Avx2, 2>(ts, tp, g, i0, i1, j0, j1, sum, packed, ored);
}

// Separate multiply and add (no FMA: the target does not enable it).
LNSLAB_TARGET_AVX2 void mixed_avx2(const float* a, const float* b, int kdim, int n, int i0, int i1,
                                   float* out) {
  const int nfull = n / 32 * 32;
  for (int i = i0; i < i1; ++i) {
    float* o = out + static_cast<std::ptrdiff_t>(i) * n;
    const float* arow = a + static_cast<std::ptrdiff_t>(i) * kdim;
    for (int j = 0; j < nfull; j += 32) {
      __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                       _mm256_setzero_ps()};
      for (int k = 0; k < kdim; ++k) {
        const __m256 x = _mm256_set1_ps(arow[k]);
        const float* brow = b + static_cast<std::ptrdiff_t>(k) * n + j;
        for (int h = 0; h < 4; ++h)
          acc[h] = _mm256_add_ps(acc[h], _mm256_mul_ps(x, _mm256_loadu_ps(brow + 8 * h)));
      }
      for (int h = 0; h < 4; ++h) _mm256_storeu_ps(o + j + 8 * h, acc[h]);
    }
    for (int j = nfull; j < n; ++j) {
      float s = 0.0f;
      for (int k = 0; k < kdim; ++k) {
        const float p = arow[k] * b[static_cast<std::ptrdiff_t>(k) * n + j];
        s = s + p;
      }
      o[j] = s;
    }
  }
}

}  // namespace lnslab::lns::kernels_detail
#endif
