// The AVX-512 inner GEMM kernels (gemm_kernels.hpp): the counted sums in blocks of 4 rows x 8
// columns, one 8-lane gather per table and 8 products (gemm_lanes.hpp, shared with AVX2).
#define LNSLAB_LANES_ISA LNSLAB_ISA_AVX512
#include "gemm_kernels.hpp"
#include "gemm_lanes.hpp"
#include "isa.hpp"
#include "simd_avx512.hpp"

#if LNSLAB_X86
namespace lnslab::lns::kernels_detail {

#pragma GCC diagnostic push  // as in simd_avx512.hpp
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

LNSLAB_TARGET_AVX512 void counted_avx512(const std::int64_t* ts, const std::int64_t* tp,
                                         const IndexGemm& g, int i0, int i1, int j0, int j1,
                                         std::int64_t* sum, std::int64_t* packed,
                                         std::int64_t* ored) {
  counted_lanes<Avx512, 4>(ts, tp, g, i0, i1, j0, j1, sum, packed, ored);
}

#pragma GCC diagnostic pop

}  // namespace lnslab::lns::kernels_detail
#endif
