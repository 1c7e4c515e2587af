// The per-format tables of the fast encode and decode (encode_tables.hpp).
#include "encode_tables.hpp"

#include <algorithm>
#include <bit>
#include <vector>

#include "format_tables.hpp"

namespace lnslab::lns::kernels_detail {
namespace {

constexpr std::uint32_t max_buckets = 1u << 17;

// Exponent field of the reference encoding of the positive float with pattern `bits`.
int field(const Format& f, std::uint32_t bits, Rounding r) {
  return f.exponent(f.encode(std::bit_cast<float>(bits), Policy{r, Underflow::flush}));
}

// The smallest positive pattern whose field is >= k, galloping from a guess and then bisecting.
// field(0) = 0 < k and field(inf) = K >= k, and field is non-decreasing.
std::uint32_t threshold(const Format& f, Rounding r, int k, std::uint32_t guess) {
  auto reaches = [&](std::uint32_t b) { return field(f, b, r) >= k; };
  std::uint32_t lo = 0, hi = inf_bits;  // field(lo) < k <= field(hi)
  guess = std::clamp(guess, 1u, inf_bits - 1);
  if (reaches(guess)) {
    hi = guess;
    for (std::uint32_t step = 1; step < hi - lo; step *= 2) {
      if (!reaches(hi - step)) {
        lo = hi - step;
        break;
      }
      hi -= step;
    }
  } else {
    lo = guess;
    for (std::uint32_t step = 1; step < hi - lo; step *= 2) {
      if (reaches(lo + step)) {
        hi = lo + step;
        break;
      }
      lo += step;
    }
  }
  while (hi - lo > 1) {
    const std::uint32_t mid = lo + (hi - lo) / 2;
    (reaches(mid) ? hi : lo) = mid;
  }
  return hi;
}

}  // namespace

EncodeTable build_encode(const Format& f, int rounding) {
  const auto r = static_cast<Rounding>(rounding);
  const detail::Tables& tb = detail::tables_of(f);
  EncodeTable e;
  for (int k = 1; k <= f.kmax(); ++k) {
    const auto i = static_cast<std::size_t>(k);
    const long double guess = r == Rounding::nearest ? tb.midpoint_ld[i - 1] : tb.power_ld[i];
    e.threshold.push_back(
        threshold(f, r, k, std::bit_cast<std::uint32_t>(static_cast<float>(guess))));
  }
  const auto first = std::lower_bound(e.threshold.begin(), e.threshold.end(), 2u);
  const auto stop = std::lower_bound(first, e.threshold.end(), inf_bits);
  std::uint32_t gap = 0xFFFFFFFFu;
  for (auto it = first; it != stop && it + 1 != stop; ++it) gap = std::min(gap, it[1] - it[0]);
  if (gap == 0) return e;  // coinciding thresholds
  // off - 1 in [-1, 2^s) must fit the 32 - count_bits signed upper bits.
  e.count_bits = f.bits() - 1;
  int s = 31 - e.count_bits;
  while (s > 0 && (1u << s) > gap) --s;
  // Without finite thresholds >= 2 every finite x sits below lo = inf (count m0).
  e.lo = static_cast<std::int32_t>(first == stop ? inf_bits : *first);
  const std::uint32_t span = first == stop ? 0 : stop[-1] - *first;
  const std::uint32_t buckets = (span >> s) + 1;
  if (buckets > max_buckets) return e;
  e.shift = s;
  e.last = static_cast<std::int32_t>(buckets - 1);
  auto it = first;  // invariant: every threshold before it is below the bucket's start, *it is not
  for (std::uint32_t j = 0; j < buckets; ++j) {
    const std::uint32_t start = static_cast<std::uint32_t>(e.lo) + (j << s);
    const auto c0 = static_cast<std::uint32_t>(it - e.threshold.begin());
    std::uint32_t off = 1u << s;
    if (it != stop && *it - start < (1u << s)) off = *it++ - start;
    e.bucket.push_back(
        c0 | (static_cast<std::uint32_t>(static_cast<std::int32_t>(off) - 1) << e.count_bits));
  }
  e.bucketed = it == stop;  // always: every finite threshold found its bucket
  return e;
}

DecodeTable build_decode(const Format& f, int) {
  DecodeTable d;
  for (std::uint32_t c = 0; c < f.code_count(); ++c) {
    d.f32.push_back(std::bit_cast<std::uint32_t>(f.decode_float(static_cast<code_t>(c))));
    if (f.bits() <= 12) d.f64.push_back(f.decode(static_cast<code_t>(c)));
  }
  if (f.bits() == 8)
    for (int p = 0; p < 4; ++p)
      for (std::size_t k = 0; k < 128; ++k)
        d.planes[p][k] = static_cast<std::uint8_t>(d.f32[k] >> (8 * p));
  return d;
}

}  // namespace lnslab::lns::kernels_detail
