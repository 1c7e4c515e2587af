// The inner GEMM kernels (gemm_simd.hpp): the run-time choice between the portable kernels
// (gemm_portable.hpp) and the AVX2 / AVX-512 ones (gemm_kernels.hpp).
#include "gemm_simd.hpp"

#include "gemm_kernels.hpp"
#include "gemm_portable.hpp"
#include "isa.hpp"

namespace lnslab::lns::kernels_detail {

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
