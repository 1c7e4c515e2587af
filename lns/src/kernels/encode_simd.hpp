#pragma once
// The SIMD loops of the fast encode and decode (internal; encode_fast.cpp). Each processes a
// prefix of whole vectors and returns its length; callable only when its ISA is active.
#include <cstddef>
#include <cstdint>

#include "encode_portable.hpp"
#include "encode_tables.hpp"

namespace lnslab::lns::kernels_detail {

// encode_avx2.cpp
std::size_t encode_avx2(const EncodeParams& p, const float* x, std::uint8_t* out, std::size_t n);
std::size_t encode_avx2(const EncodeParams& p, const float* x, std::uint16_t* out, std::size_t n);

// encode_avx512.cpp
std::size_t encode_avx512(const EncodeParams& p, const float* x, std::uint8_t* out, std::size_t n);
std::size_t encode_avx512(const EncodeParams& p, const float* x, std::uint16_t* out, std::size_t n);
/// 8-bit formats in bytes (vpermi2b lookups in the byte planes of `t`).
std::size_t decode8_avx512(const DecodeTable& t, std::uint32_t nan, const std::uint8_t* c,
                           float* out, std::size_t n);

}  // namespace lnslab::lns::kernels_detail
