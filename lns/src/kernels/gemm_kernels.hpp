#pragma once
// The per-ISA inner GEMM kernels behind the dispatch of gemm_simd.cpp (internal): the contract of
// gemm_simd.hpp, each callable only when its ISA is active (isa.hpp).
#include <cstdint>

#include "gemm_simd.hpp"

namespace lnslab::lns::kernels_detail {

// gemm_simd_avx2.cpp
void sum_i32_avx2(const std::int32_t* table, const IndexGemm& g, int i0, int i1, int j0, int j1,
                  std::int64_t* out);
void sum_i64_avx2(const std::int64_t* table, const IndexGemm& g, int i0, int i1, int j0, int j1,
                  std::int64_t* out);
void sum_f64_avx2(const double* table, const IndexGemm& g, int i0, int i1, int j0, int j1,
                  double* out);
void counted_avx2(const std::int64_t* ts, const std::int64_t* tp, const IndexGemm& g, int i0,
                  int i1, int j0, int j1, std::int64_t* sum, std::int64_t* packed,
                  std::int64_t* ored);
void mixed_avx2(const float* a, const float* b, int kdim, int n, int i0, int i1, float* out);

// gemm_simd_avx512.cpp
void counted_avx512(const std::int64_t* ts, const std::int64_t* tp, const IndexGemm& g, int i0,
                    int i1, int j0, int j1, std::int64_t* sum, std::int64_t* packed,
                    std::int64_t* ored);

}  // namespace lnslab::lns::kernels_detail
