#pragma once
// Fast elementwise float -> code (nearest, toward_zero) and code -> float/double conversion
// (internal; see encode_fast.cpp). Each gives exactly what the scalar Format::encode /
// decode_float / decode gives for every input. Encode has portable, AVX2 and AVX-512 loops,
// decode an AVX-512 loop for 8-bit codes (table lookups otherwise), chosen at run time.
// Per-format tables are built on first use and cached (shared by all threads).
#include <cstddef>
#include <cstdint>

#include "lnslab/lns/format.hpp"

namespace lnslab::lns::kernels_detail {

/// policy.rounding must be nearest or toward_zero (stochastic stays with the scalar loop).
void encode_fast(const Format& f, const float* x, std::uint8_t* out, std::size_t n, Policy policy);
void encode_fast(const Format& f, const float* x, std::uint16_t* out, std::size_t n, Policy policy);

void decode_fast(const Format& f, const std::uint8_t* c, float* out, std::size_t n);
void decode_fast(const Format& f, const std::uint16_t* c, float* out, std::size_t n);
/// Table lookups for formats of up to 12 bits, Format::decode element by element otherwise.
void decode_fast(const Format& f, const std::uint8_t* c, double* out, std::size_t n);
void decode_fast(const Format& f, const std::uint16_t* c, double* out, std::size_t n);

}  // namespace lnslab::lns::kernels_detail
