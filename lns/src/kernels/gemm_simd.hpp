#pragma once
// Inner GEMM kernels over precomputed table indices (internal). For i in [i0, i1), j in [j0, j1):
//   out[i * N + j] = sum over k of table[ia[i * K + k] + ib[k * N + j]]
// Integer kernels sum exactly (the caller guarantees no overflow); the double kernel adds in
// increasing k for every output, so each output's rounding sequence is fixed.
#include <cstdint>

namespace lnslab::lns::kernels_detail {

struct IndexGemm {
  const std::int32_t* ia = nullptr;  ///< M x K, row-major
  const std::int32_t* ib = nullptr;  ///< K x N, row-major
  int k = 0;
  int n = 0;
};

void sum_i32(const std::int32_t* table, const IndexGemm& g, int i0, int i1, int j0, int j1,
             std::int64_t* out);
void sum_i64(const std::int64_t* table, const IndexGemm& g, int i0, int i1, int j0, int j1,
             std::int64_t* out);
void sum_f64(const double* table, const IndexGemm& g, int i0, int i1, int j0, int j1, double* out);

/// Counted integer sums (the saturation check of gemm_path_counted.cpp), over the same indices:
/// for each output
///   sum = sum_k ts[idx], packed = sum_k tp[idx] (both modulo 2^64), ored = OR_k tp[idx].
/// Any order gives the same three results, so the kernels may vectorise freely.
void sum_counted(const std::int64_t* ts, const std::int64_t* tp, const IndexGemm& g, int i0, int i1,
                 int j0, int j1, std::int64_t* sum, std::int64_t* packed, std::int64_t* ored);

/// Mixed GEMM core: out[i * N + j] = sum_k a[i * K + k] * b[k * N + j] in k order, no FMA.
void mixed_f32(const float* a, const float* b, int k, int n, int i0, int i1, float* out);

}  // namespace lnslab::lns::kernels_detail
