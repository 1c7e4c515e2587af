// The AVX-512 pass of the direct dot product (dot_internal.hpp, dot_lanes.hpp).
#define LNSLAB_LANES_ISA LNSLAB_ISA_AVX512
#include "dot_lanes.hpp"
#include "isa.hpp"
#include "simd_avx512.hpp"

#if LNSLAB_X86
namespace lnslab::lns::kernels_detail {

#pragma GCC diagnostic push  // as in simd_avx512.hpp
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

LNSLAB_TARGET_AVX512 std::size_t dot_avx512(const DotArgs& d, const code_t* a, const code_t* b,
                                            std::size_t n, DotSums& r) {
  return dot_pass<Avx512>(d, a, b, n, r);
}

#pragma GCC diagnostic pop

}  // namespace lnslab::lns::kernels_detail
#endif
