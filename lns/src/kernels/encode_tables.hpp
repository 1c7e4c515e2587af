#pragma once
// The per-format tables of the fast encode and decode (internal; encode_fast.hpp).
//
//
// Encode. For a positive float x let m(x) be the exponent field of the reference encoding
// Format::encode(x, {rounding, flush}). The reference counts fixed thresholds (midpoints or
// powers) at or below x, a tie on a midpoint going to the even side, so m is non-decreasing and
//   m(x) = #{k in 1..K : t_k <= x},  t_k = the smallest positive float with m >= k
// (the pattern of +inf when no finite float reaches k; inf itself saturates to K). Each t_k is
// found once per format and rounding by bisection over float bit patterns with the reference
// encoder, so the kernel agrees with the reference by construction, whatever libm and long double
// do. Positive floats order like their bit patterns, so every comparison is an integer one.
// Clamped underflow is max(m, 1); sign, zero, inf and NaN follow the reference's rules.
//
// Counting the thresholds at or below x in one step: m0 thresholds equal 1 (every positive float
// reaches them); let lo be the smallest finite threshold pattern >= 2 and g the smallest gap
// between consecutive finite thresholds >= lo. Cut the patterns from lo into buckets of 2^s <= g.
// Two thresholds in one bucket would be less than 2^s <= g apart, so a bucket holds at most one;
// bucket j stores c0_j = the number of thresholds below its start and off_j = the offset of its
// threshold in it (2^s if none), and
//   m(x) = c0_j + (x - start_j >= off_j),  j = clamp((x - lo) >> s, 0, buckets - 1).
// Below lo, j = 0 and x - start_0 < 0 = off_0 give c0_0 = m0; past the last bucket (which holds
// the largest finite threshold) x - start_last >= 2^s > off_last counts every finite threshold.
// With no finite threshold >= 2, lo = inf puts every finite x below it. Formats whose thresholds
// coincide or crowd (a base below float precision, a range deep in the subnormals) would need too
// many buckets and fall back to a binary search over the same thresholds.
// A bucket entry packs c0 (< 2^(B-1)) and off - 1 (signed) in 32 bits, so s <= 31 - (B - 1).
//
// Decode is a lookup in a table of the reference's value of every code (for 8-bit codes on AVX-512,
// vpermi2b lookups in byte planes).
#include <cstdint>
#include <vector>

#include "lnslab/lns/format.hpp"

namespace lnslab::lns::kernels_detail {

constexpr std::uint32_t inf_bits = 0x7F800000u;

struct EncodeTable {
  std::vector<std::uint32_t> threshold;  // t_k at [k - 1], non-decreasing
  bool bucketed = false;
  std::int32_t lo = 0;
  std::int32_t last = 0;  // buckets - 1
  int shift = 0;
  int count_bits = 0;                 // c0 < 2^count_bits = K + 1
  std::vector<std::uint32_t> bucket;  // c0 | (off - 1) << count_bits, off - 1 signed
};

/// The thresholds and buckets of (f, rounding) (a Rounding as int, the cache's variant).
EncodeTable build_encode(const Format& f, int rounding);

struct DecodeTable {
  std::vector<std::uint32_t> f32;    // bits of decode_float(c) for every code c < 2^B
  std::vector<double> f64;           // decode(c), formats of up to 12 bits
  std::uint8_t planes[4][128] = {};  // 8-bit formats: byte p of decode_float(k), k < 128
};

/// The decode tables of f (the int is the cache's variant, unused).
DecodeTable build_decode(const Format& f, int);

}  // namespace lnslab::lns::kernels_detail
