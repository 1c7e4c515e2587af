#pragma once
// The exact adder of 9..12-bit formats with its tables in registers (internal; AVX-512 with
// BITALG). The u16 adder needs T+[d] and |T-[d]| for d in [0, K]; read from memory that is one
// random load per code, which bounds the kernel. Both magnitudes are non-increasing in d, and
// T+ falls by at most 1 per step (its slope is below 1/2), |T-| by a few where d is small. So each
// table is stored as a base value every 16 d plus the per-step decrements as bit planes: bit l of
// the plane-p word of block h is bit p of T[16h + l - 1] - T[16h + l]. Then
//   T[d] = base[d / 16] - sum_p 2^p popcount(plane_p[d / 16] & (2^(d mod 16 + 1) - 1)),
// and 128 blocks of 16-bit words are 4 registers per table or plane (two vpermi2w and a blend).
// The tables are derived from the exact ones (clamped at K + 1, where every larger magnitude acts
// the same) and checked entry by entry when built; a format that needs more than one sum plane or
// three difference planes, has difference steps of 2 or more past d = 1023 (planes 1 and 2 are
// read from their first 64 blocks only), is not monotone, or has K > 2047 keeps the table-read
// kernel.
#include <cstddef>
#include <cstdint>

#include "elementwise_simd.hpp"

namespace lnslab::lns::kernels_detail {

struct EwAddPlanes16 {
  static constexpr int sum_planes = 1, difference_planes = 3;
  EwCodes c;
  int flip = 0;
  alignas(64) std::uint16_t sum_base[128] = {};
  alignas(64) std::uint16_t sum_plane[sum_planes][128] = {};
  alignas(64) std::uint16_t difference_base[128] = {};
  alignas(64) std::uint16_t difference_plane[difference_planes][128] = {};
};

/// Builds the planes from the signed offsets of elementwise.cpp ([0, K] sums >= 0, [K+1, 2K+1]
/// differences <= 0). False when the format does not fit (see above) or the CPU lacks AVX-512
/// F/BW/VL/VBMI/BITALG.
bool make_ew_add_planes16(const std::int32_t* offsets, int k_mask, EwAddPlanes16& out);

/// Same contract as add_u16_avx512 (prefix of whole vectors; returns its length).
std::size_t add_u16_planes_avx512(const EwAddPlanes16& p, const std::uint16_t* a,
                                  const std::uint16_t* b, std::uint16_t* out, std::size_t n);

}  // namespace lnslab::lns::kernels_detail
