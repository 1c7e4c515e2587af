#pragma once
// The per-element rules of the fast encode and decode and their portable loops (internal;
// encode_fast.cpp). The SIMD lanes (encode_lanes.hpp, encode_avx512.cpp) restate the same steps.
#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "encode_tables.hpp"
#include "isa.hpp"

namespace lnslab::lns::kernels_detail {

// ---- encode ----------------------------------------------------------------------------------

struct EncodeParams {
  const std::uint32_t* bucket;
  std::int32_t lo, last;
  int shift;
  int count_bits;  // B - 1: a bucket entry's c0 is entry & k_mask
  std::int32_t low, sign_bit, k_mask, nan;
};

// The range rule and the special inputs, given the threshold count k of |x|.
LNSLAB_INLINE std::int32_t encode_finish(const EncodeParams& p, std::int32_t k,
                                         std::uint32_t bits) {
  const std::uint32_t mag = bits & 0x7FFFFFFFu;
  const std::int32_t sign = (bits >> 31) != 0 ? p.sign_bit : 0;
  k = k < p.low ? p.low : k;
  std::int32_t r = k == 0 ? 0 : (k | sign);
  r = mag == inf_bits ? (p.k_mask | sign) : r;
  r = mag > inf_bits ? p.nan : r;
  return mag == 0 ? 0 : r;
}

LNSLAB_INLINE std::int32_t encode_one(const EncodeParams& p, float x) {
  const auto bits = std::bit_cast<std::uint32_t>(x);
  const std::int32_t d = static_cast<std::int32_t>(bits & 0x7FFFFFFFu) - p.lo;
  std::int32_t j = d >> p.shift;
  j = j < 0 ? 0 : (j > p.last ? p.last : j);
  const std::uint32_t e = p.bucket[j];
  const std::int32_t r = d - (j << p.shift);
  const std::int32_t k = static_cast<std::int32_t>(e & static_cast<std::uint32_t>(p.k_mask)) +
                         (r > (static_cast<std::int32_t>(e) >> p.count_bits) ? 1 : 0);
  return encode_finish(p, k, bits);
}

template <typename T>
inline void encode_portable(const EncodeParams& p, const float* x, T* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(encode_one(p, x[i]));
}

// Formats without a bucket table: count the thresholds by binary search.
template <typename T>
inline void encode_search(const EncodeParams& p, const std::vector<std::uint32_t>& t,
                          const float* x, T* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const auto bits = std::bit_cast<std::uint32_t>(x[i]);
    const auto k = std::upper_bound(t.begin(), t.end(), bits & 0x7FFFFFFFu) - t.begin();
    out[i] = static_cast<T>(encode_finish(p, static_cast<std::int32_t>(k), bits));
  }
}

// ---- decode ----------------------------------------------------------------------------------

struct DecodeParams {
  const std::uint32_t* table;
  std::uint32_t mask;  // 2^B - 1
  std::uint32_t nan;
  std::uint64_t beyond;  // the bits beyond the format in every lane of a 64-bit word
};

// The code's bits beyond the format are ignored, except that a nonzero code with a zero field
// and sign is NaN (as Format::decode_float reads it).
template <typename T>
LNSLAB_INLINE std::uint32_t decode_one(const DecodeParams& p, T c) {
  const std::uint32_t m = c & p.mask;
  return m == 0 && c != 0 ? p.nan : p.table[m];
}

// N lookups one by one; a block with codes beyond the format's bits (never made by encode) takes
// decode_one. (On Zen 4 this beats AVX2 and AVX-512 gathers, alone or mixed with scalar loads:
// 3.8 against 3.5 G codes/s for lns12, so only 8-bit codes have a vector loop.)
template <typename T, int N>
LNSLAB_INLINE void decode_scalar(const DecodeParams& p, const T* c, float* out) {
  std::uint64_t beyond = 0;
  for (int w = 0; w < N * static_cast<int>(sizeof(T)) / 8; ++w) {
    std::uint64_t word;
    std::memcpy(&word, c + w * 8 / static_cast<int>(sizeof(T)), 8);
    beyond |= word;
  }
  if ((beyond & p.beyond) == 0) {
    for (int j = 0; j < N; ++j) out[j] = std::bit_cast<float>(p.table[c[j]]);
  } else {
    for (int j = 0; j < N; ++j) out[j] = std::bit_cast<float>(decode_one(p, c[j]));
  }
}

template <typename T>
inline void decode_portable(const DecodeParams& p, const T* c, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) decode_scalar<T, 8>(p, c + i, out + i);
  for (; i < n; ++i) out[i] = std::bit_cast<float>(decode_one(p, c[i]));
}

}  // namespace lnslab::lns::kernels_detail
