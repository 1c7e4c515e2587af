#pragma once
// The encode lane code written once over the vector width (internal): encode_one and
// encode_finish of encode_portable.hpp on V::lanes32 floats at a time, for Avx2 (simd_avx2.hpp,
// encode_avx2.cpp) and Avx512 (simd_avx512.hpp, encode_avx512.cpp). The including file defines
// LNSLAB_LANES_ISA, the feature string of its instantiation.
#include <cstdint>

#include "encode_portable.hpp"
#include "isa.hpp"

#ifndef LNSLAB_LANES_ISA
#error "define LNSLAB_LANES_ISA (an LNSLAB_ISA_* string) before including encode_lanes.hpp"
#endif

#if LNSLAB_X86
namespace lnslab::lns::kernels_detail {
namespace {

/// The codes (one per 32-bit lane) of the floats with patterns `bits`.
template <typename V>
LNSLAB_TARGET_INLINE(LNSLAB_LANES_ISA)
typename V::I32
    encode_lanes(const EncodeParams& p, __m128i shift, __m128i count_bits, typename V::I32 bits) {
  using I32 = typename V::I32;
  const I32 inf = V::set1(static_cast<std::int32_t>(inf_bits));
  const I32 mag = V::bit_and(bits, V::set1(0x7FFFFFFF));
  const I32 sign = V::bit_and(V::sign_fill(bits), V::set1(p.sign_bit));
  const I32 d = V::sub(mag, V::set1(p.lo));
  I32 j = V::max(V::sra(d, shift), V::zero());
  j = V::min(j, V::set1(p.last));
  const I32 e = V::gather32(p.bucket, j);
  const I32 r = V::sub(d, V::sll(j, shift));
  const typename V::M32 above = V::gt(r, V::sra(e, count_bits));
  I32 k = V::add_one_where(V::bit_and(e, V::set1(p.k_mask)), above);
  k = V::max(k, V::set1(p.low));
  I32 res = V::or_where_nonzero(k, sign);
  const I32 largest = V::bit_or(sign, V::set1(p.k_mask));
  res = V::select(V::eq(mag, inf), largest, res);
  res = V::select(V::gt(mag, inf), V::set1(p.nan), res);
  return V::keep_where_nonzero(mag, res);
}

}  // namespace
}  // namespace lnslab::lns::kernels_detail
#endif
