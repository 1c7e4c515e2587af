#pragma once
// Hand-written AVX2 and AVX-512 loops of the elementwise mul/div and add/sub kernels (internal; see
// elementwise.cpp). Each processes a prefix of the arrays whose length is a multiple of its vector
// width and returns that length; the caller finishes the tail with the portable per-element
// function, so both paths give the same codes as lns::Format.
#include <cstddef>
#include <cstdint>

namespace lnslab::lns::kernels_detail {

/// The range rule and special codes of one format, shared by mul and add.
struct EwCodes {
  int k_mask = 0;    ///< K = 2^(B-1) - 1
  int sign_bit = 0;  ///< K + 1
  int nan = 0;       ///< K + 1
  int low = 0;       ///< result of an exponent below 1: 0 (flush) or 1 (clamp)
};

/// mul: k = ka + kb - bias; div: k = ka + (K - kb) - (K - bias). `bias` is the one subtracted.
struct EwMul {
  EwCodes c;
  int bias = 0;
  bool divide = false;
};

/// The exact adder as unsigned offset magnitudes: a sum of same-sign operands has exponent
/// kbig + sum[d], a difference kbig - difference[d] (d = |ka - kb|, both tables over [0, K]),
/// saturated at the lane width (a saturated magnitude already puts the result out of range).
/// Built by make_ew_add from the signed offsets of elementwise.cpp.
struct EwAdd8 {
  EwCodes c;
  int flip = 0;    ///< sign bit for sub (b negated), else 0
  int chunks = 0;  ///< 16-entry chunks before the constant tail of both tables
  // vpshufb tables, telescoped: entry [j][n] = C_j[n] ^ C_(j+1)[n] with C_j the j-th 16-entry
  // chunk and C_chunks the constant tail; each 16 bytes repeated for both 128-bit lanes.
  alignas(32) std::uint8_t sum[8][32] = {};
  alignas(32) std::uint8_t difference[8][32] = {};
  std::uint8_t sum_tail = 0, difference_tail = 0;
  // The same two tables whole, [0, K] (zero past K), for one vpermi2b lookup each (AVX-512 VBMI).
  alignas(64) std::uint8_t sum_full[128] = {};
  alignas(64) std::uint8_t difference_full[128] = {};
};

struct EwAddGather {
  EwCodes c;
  int flip = 0;
  /// [0, K]: sum magnitudes, [K+1, 2K+1]: difference magnitudes, saturated at the lane width.
  const std::int32_t* table = nullptr;
};

/// Builds the vpshufb tables from signed offsets ([0, K] sums >= 0, [K+1, 2K+1] differences
/// <= 0; false if the signs or the width do not fit, then the portable path runs).
bool make_ew_add8(const std::int32_t* offsets, int k_mask, EwAdd8& out);
/// Turns the signed offsets into magnitudes saturated at `lane_max`, in place (false as above).
bool make_ew_add_gather(std::int32_t* offsets, int k_mask, int lane_max);

std::size_t mul_u8_avx2(const EwMul& p, const std::uint8_t* a, const std::uint8_t* b,
                        std::uint8_t* out, std::size_t n);
std::size_t mul_u16_avx2(const EwMul& p, const std::uint16_t* a, const std::uint16_t* b,
                         std::uint16_t* out, std::size_t n);
std::size_t add_u8_avx2(const EwAdd8& p, const std::uint8_t* a, const std::uint8_t* b,
                        std::uint8_t* out, std::size_t n);
/// Same adder with vpgatherdd instead of vpshufb (kept for comparison; see docs/benchmarks.md).
std::size_t add_u8_gather_avx2(const EwAddGather& p, const std::uint8_t* a, const std::uint8_t* b,
                               std::uint8_t* out, std::size_t n);
std::size_t add_u16_avx2(const EwAddGather& p, const std::uint16_t* a, const std::uint16_t* b,
                         std::uint16_t* out, std::size_t n);

// AVX-512 (F/BW/VL/VBMI) versions, same contract; called only when avx512_active().
std::size_t mul_u8_avx512(const EwMul& p, const std::uint8_t* a, const std::uint8_t* b,
                          std::uint8_t* out, std::size_t n);
std::size_t mul_u16_avx512(const EwMul& p, const std::uint16_t* a, const std::uint16_t* b,
                           std::uint16_t* out, std::size_t n);
std::size_t add_u8_avx512(const EwAdd8& p, const std::uint8_t* a, const std::uint8_t* b,
                          std::uint8_t* out, std::size_t n);
std::size_t add_u16_avx512(const EwAddGather& p, const std::uint16_t* a, const std::uint16_t* b,
                           std::uint16_t* out, std::size_t n);

}  // namespace lnslab::lns::kernels_detail
