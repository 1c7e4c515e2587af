// Portable, AVX2 and AVX-512 versions of the inner GEMM kernels (gemm_simd.hpp), compiled with
// the target attributes of isa.hpp and chosen at run time.
#include "gemm_simd.hpp"

#include "isa.hpp"

namespace lnslab::lns::kernels_detail {

namespace {

// ---- portable ----------------------------------------------------------------------------

template <typename T, typename Acc>
void sum_portable(const T* table, const IndexGemm& g, int i0, int i1, int j0, int j1, Acc* out) {
  constexpr int block = 64;
  Acc acc[block];
  for (int jb = j0; jb < j1; jb += block) {
    const int width = j1 - jb < block ? j1 - jb : block;
    for (int i = i0; i < i1; ++i) {
      for (int j = 0; j < width; ++j) acc[j] = Acc{0};
      const std::int32_t* arow = g.ia + static_cast<std::ptrdiff_t>(i) * g.k;
      for (int k = 0; k < g.k; ++k) {
        const T* t = table + arow[k];
        const std::int32_t* brow = g.ib + static_cast<std::ptrdiff_t>(k) * g.n + jb;
        for (int j = 0; j < width; ++j) acc[j] += static_cast<Acc>(t[brow[j]]);
      }
      Acc* o = out + static_cast<std::ptrdiff_t>(i) * g.n + jb;
      for (int j = 0; j < width; ++j) o[j] = acc[j];
    }
  }
}

void counted_portable(const std::int64_t* ts, const std::int64_t* tp, const IndexGemm& g, int i0,
                      int i1, int j0, int j1, std::int64_t* sum, std::int64_t* packed,
                      std::int64_t* ored) {
  constexpr int block = 64;
  std::uint64_t s[block], p[block], o[block];  // unsigned: sums wrap modulo 2^64
  for (int jb = j0; jb < j1; jb += block) {
    const int width = j1 - jb < block ? j1 - jb : block;
    for (int i = i0; i < i1; ++i) {
      for (int j = 0; j < width; ++j) s[j] = p[j] = o[j] = 0;
      const std::int32_t* arow = g.ia + static_cast<std::ptrdiff_t>(i) * g.k;
      for (int k = 0; k < g.k; ++k) {
        const std::int64_t* x = ts + arow[k];
        const std::int64_t* y = tp + arow[k];
        const std::int32_t* brow = g.ib + static_cast<std::ptrdiff_t>(k) * g.n + jb;
        for (int j = 0; j < width; ++j) {
          s[j] += static_cast<std::uint64_t>(x[brow[j]]);
          const auto v = static_cast<std::uint64_t>(y[brow[j]]);
          p[j] += v;
          o[j] |= v;
        }
      }
      const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(i) * g.n + jb;
      for (int j = 0; j < width; ++j) {
        sum[at + j] = static_cast<std::int64_t>(s[j]);
        packed[at + j] = static_cast<std::int64_t>(p[j]);
        ored[at + j] = static_cast<std::int64_t>(o[j]);
      }
    }
  }
}

void mixed_portable(const float* a, const float* b, int kdim, int n, int i0, int i1, float* out) {
  for (int i = i0; i < i1; ++i) {
    float* o = out + static_cast<std::ptrdiff_t>(i) * n;
    for (int j = 0; j < n; ++j) o[j] = 0.0f;
    for (int k = 0; k < kdim; ++k) {
      const float x = a[static_cast<std::ptrdiff_t>(i) * kdim + k];
      const float* brow = b + static_cast<std::ptrdiff_t>(k) * n;
      for (int j = 0; j < n; ++j) {
        const float p = x * brow[j];
        o[j] = o[j] + p;
      }
    }
  }
}

#if LNSLAB_X86

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

// 2 rows x 8 columns of the three counted sums; two 4-lane gathers per 4 products.
template <int Rows>
LNSLAB_TARGET_AVX2 void block_counted(const std::int64_t* ts, const std::int64_t* tp,
                                      const IndexGemm& g, int i, int j, std::int64_t* sum,
                                      std::int64_t* packed, std::int64_t* ored) {
  __m256i s[Rows][2], p[Rows][2], o[Rows][2];
  for (int r = 0; r < Rows; ++r)
    for (int h = 0; h < 2; ++h) s[r][h] = p[r][h] = o[r][h] = _mm256_setzero_si256();
  const auto* xs = reinterpret_cast<const long long*>(ts);
  const auto* xp = reinterpret_cast<const long long*>(tp);
  const std::int32_t* arow = g.ia + static_cast<std::ptrdiff_t>(i) * g.k;
  const std::int32_t* bcol = g.ib + j;
  for (int k = 0; k < g.k; ++k) {
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bcol));
    bcol += g.n;
    for (int r = 0; r < Rows; ++r) {
      const __m256i idx =
          _mm256_add_epi32(_mm256_set1_epi32(arow[static_cast<std::ptrdiff_t>(r) * g.k + k]), b);
      const __m128i half[2] = {_mm256_castsi256_si128(idx), _mm256_extracti128_si256(idx, 1)};
      for (int h = 0; h < 2; ++h) {
        s[r][h] = _mm256_add_epi64(s[r][h], gather64(xs, half[h]));
        const __m256i v = gather64(xp, half[h]);
        p[r][h] = _mm256_add_epi64(p[r][h], v);
        o[r][h] = _mm256_or_si256(o[r][h], v);
      }
    }
  }
  for (int r = 0; r < Rows; ++r) {
    const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(i + r) * g.n + j;
    for (int h = 0; h < 2; ++h) {
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(sum + at + 4 * h), s[r][h]);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(packed + at + 4 * h), p[r][h]);
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(ored + at + 4 * h), o[r][h]);
    }
  }
}

// Runs Block over [i0,i1) x [j0, j0 + full columns), column panels outermost so that a panel of
// ib stays in cache; the remaining columns go to the portable kernel.
template <int Width, int Rows = 4, typename Full, typename One, typename Rest>
LNSLAB_TARGET_AVX2 void tile(int i0, int i1, int j0, int j1, Full full, One one, Rest rest) {
  const int jfull = j0 + (j1 - j0) / Width * Width;
  for (int j = j0; j < jfull; j += Width) {
    int i = i0;
    for (; i + Rows <= i1; i += Rows) full(i, j);
    for (; i < i1; ++i) one(i, j);
  }
  if (jfull < j1) rest(jfull);
}

LNSLAB_TARGET_AVX2 void sum_i32_avx2(const std::int32_t* table, const IndexGemm& g, int i0, int i1,
                                     int j0, int j1, std::int64_t* out) {
  tile<16>(
      i0, i1, j0, j1, [&](int i, int j) { block_i32<4>(table, g, i, j, out); },
      [&](int i, int j) { block_i32<1>(table, g, i, j, out); },
      [&](int j) { sum_portable(table, g, i0, i1, j, j1, out); });
}

LNSLAB_TARGET_AVX2 void sum_i64_avx2(const std::int64_t* table, const IndexGemm& g, int i0, int i1,
                                     int j0, int j1, std::int64_t* out) {
  tile<8>(
      i0, i1, j0, j1, [&](int i, int j) { block_64<4, false>(table, g, i, j, out); },
      [&](int i, int j) { block_64<1, false>(table, g, i, j, out); },
      [&](int j) { sum_portable(table, g, i0, i1, j, j1, out); });
}

LNSLAB_TARGET_AVX2 void sum_f64_avx2(const double* table, const IndexGemm& g, int i0, int i1,
                                     int j0, int j1, double* out) {
  tile<8>(
      i0, i1, j0, j1, [&](int i, int j) { block_64<4, true>(table, g, i, j, out); },
      [&](int i, int j) { block_64<1, true>(table, g, i, j, out); },
      [&](int j) { sum_portable(table, g, i0, i1, j, j1, out); });
}

LNSLAB_TARGET_AVX2 void counted_avx2(const std::int64_t* ts, const std::int64_t* tp,
                                     const IndexGemm& g, int i0, int i1, int j0, int j1,
                                     std::int64_t* sum, std::int64_t* packed, std::int64_t* ored) {
  tile<8, 2>(
      i0, i1, j0, j1, [&](int i, int j) { block_counted<2>(ts, tp, g, i, j, sum, packed, ored); },
      [&](int i, int j) { block_counted<1>(ts, tp, g, i, j, sum, packed, ored); },
      [&](int j) { counted_portable(ts, tp, g, i0, i1, j, j1, sum, packed, ored); });
}

LNSLAB_TARGET_AVX512 inline __m512i gather512(const long long* t, __m256i idx) {
  return _mm512_mask_i32gather_epi64(_mm512_setzero_si512(), 0xff, idx, t, 8);
}

// AVX-512: 4 rows x 8 columns, one 8-lane gather per table and 8 products.
template <int Rows>
LNSLAB_TARGET_AVX512 void block_counted512(const std::int64_t* ts, const std::int64_t* tp,
                                           const IndexGemm& g, int i, int j, std::int64_t* sum,
                                           std::int64_t* packed, std::int64_t* ored) {
  __m512i s[Rows], p[Rows], o[Rows];
  for (int r = 0; r < Rows; ++r) s[r] = p[r] = o[r] = _mm512_setzero_si512();
  const auto* xs = reinterpret_cast<const long long*>(ts);
  const auto* xp = reinterpret_cast<const long long*>(tp);
  const std::int32_t* arow = g.ia + static_cast<std::ptrdiff_t>(i) * g.k;
  const std::int32_t* bcol = g.ib + j;
  for (int k = 0; k < g.k; ++k) {
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(bcol));
    bcol += g.n;
    for (int r = 0; r < Rows; ++r) {
      const __m256i idx =
          _mm256_add_epi32(_mm256_set1_epi32(arow[static_cast<std::ptrdiff_t>(r) * g.k + k]), b);
      s[r] = _mm512_add_epi64(s[r], gather512(xs, idx));
      const __m512i v = gather512(xp, idx);
      p[r] = _mm512_add_epi64(p[r], v);
      o[r] = _mm512_or_si512(o[r], v);
    }
  }
  for (int r = 0; r < Rows; ++r) {
    const std::ptrdiff_t at = static_cast<std::ptrdiff_t>(i + r) * g.n + j;
    _mm512_storeu_si512(sum + at, s[r]);
    _mm512_storeu_si512(packed + at, p[r]);
    _mm512_storeu_si512(ored + at, o[r]);
  }
}

LNSLAB_TARGET_AVX512 void counted_avx512(const std::int64_t* ts, const std::int64_t* tp,
                                         const IndexGemm& g, int i0, int i1, int j0, int j1,
                                         std::int64_t* sum, std::int64_t* packed,
                                         std::int64_t* ored) {
  tile<8, 4>(
      i0, i1, j0, j1,
      [&](int i, int j) { block_counted512<4>(ts, tp, g, i, j, sum, packed, ored); },
      [&](int i, int j) { block_counted512<1>(ts, tp, g, i, j, sum, packed, ored); },
      [&](int j) { counted_portable(ts, tp, g, i0, i1, j, j1, sum, packed, ored); });
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
#endif

}  // namespace

void sum_i32(const std::int32_t* table, const IndexGemm& g, int i0, int i1, int j0, int j1,
             std::int64_t* out) {
#if LNSLAB_X86
  if (avx2_active()) return sum_i32_avx2(table, g, i0, i1, j0, j1, out);
#endif
  sum_portable(table, g, i0, i1, j0, j1, out);
}

void sum_i64(const std::int64_t* table, const IndexGemm& g, int i0, int i1, int j0, int j1,
             std::int64_t* out) {
#if LNSLAB_X86
  if (avx2_active()) return sum_i64_avx2(table, g, i0, i1, j0, j1, out);
#endif
  sum_portable(table, g, i0, i1, j0, j1, out);
}

void sum_f64(const double* table, const IndexGemm& g, int i0, int i1, int j0, int j1, double* out) {
#if LNSLAB_X86
  if (avx2_active()) return sum_f64_avx2(table, g, i0, i1, j0, j1, out);
#endif
  sum_portable(table, g, i0, i1, j0, j1, out);
}

void sum_counted(const std::int64_t* ts, const std::int64_t* tp, const IndexGemm& g, int i0, int i1,
                 int j0, int j1, std::int64_t* sum, std::int64_t* packed, std::int64_t* ored) {
#if LNSLAB_X86
  if (avx512_active()) return counted_avx512(ts, tp, g, i0, i1, j0, j1, sum, packed, ored);
  if (avx2_active()) return counted_avx2(ts, tp, g, i0, i1, j0, j1, sum, packed, ored);
#endif
  counted_portable(ts, tp, g, i0, i1, j0, j1, sum, packed, ored);
}

void mixed_f32(const float* a, const float* b, int k, int n, int i0, int i1, float* out) {
#if LNSLAB_X86
  if (avx2_active()) return mixed_avx2(a, b, k, n, i0, i1, out);
#endif
  mixed_portable(a, b, k, n, i0, i1, out);
}

}  // namespace lnslab::lns::kernels_detail
