#pragma once
// The portable inner GEMM kernels (internal; gemm_simd.hpp's contract). Without target
// attributes: the dispatch runs them on CPUs without AVX2, and the SIMD kernels call them for the
// columns left over by their tiles. Inline for the linker, noinline for the compiler: inlined into
// an AVX2 kernel they would only bloat it (the tail columns are rare).
#include <cstdint>

#include "gemm_simd.hpp"

namespace lnslab::lns::kernels_detail {

template <typename T, typename Acc>
__attribute__((noinline)) inline void sum_portable(const T* table, const IndexGemm& g, int i0,
                                                   int i1, int j0, int j1, Acc* out) {
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

__attribute__((noinline)) inline void counted_portable(const std::int64_t* ts,
                                                       const std::int64_t* tp, const IndexGemm& g,
                                                       int i0, int i1, int j0, int j1,
                                                       std::int64_t* sum, std::int64_t* packed,
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

__attribute__((noinline)) inline void mixed_portable(const float* a, const float* b, int kdim,
                                                     int n, int i0, int i1, float* out) {
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

}  // namespace lnslab::lns::kernels_detail
