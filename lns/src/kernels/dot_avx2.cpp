// The AVX2 pass of the direct dot product (dot_internal.hpp, dot_lanes.hpp).
#define LNSLAB_LANES_ISA LNSLAB_ISA_AVX2
#include "dot_lanes.hpp"
#include "isa.hpp"
#include "simd_avx2.hpp"

#if LNSLAB_X86
namespace lnslab::lns::kernels_detail {

LNSLAB_TARGET_AVX2 std::size_t dot_avx2(const DotArgs& d, const code_t* a, const code_t* b,
                                        std::size_t n, DotSums& r) {
  return dot_pass<Avx2>(d, a, b, n, r);
}

}  // namespace lnslab::lns::kernels_detail
#endif
