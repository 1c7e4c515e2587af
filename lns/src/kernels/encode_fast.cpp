// Fast elementwise encode and decode (encode_fast.hpp).
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
#include "encode_fast.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include "isa.hpp"

namespace lnslab::lns::kernels_detail {
namespace {

constexpr std::uint32_t inf_bits = 0x7F800000u;
constexpr std::uint32_t max_buckets = 1u << 17;

// ---- per-format tables, cached ------------------------------------------------------------

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

struct EncodeTable {
  std::vector<std::uint32_t> threshold;  // t_k at [k - 1], non-decreasing
  bool bucketed = false;
  std::int32_t lo = 0;
  std::int32_t last = 0;  // buckets - 1
  int shift = 0;
  int count_bits = 0;                 // c0 < 2^count_bits = K + 1
  std::vector<std::uint32_t> bucket;  // c0 | (off - 1) << count_bits, off - 1 signed
};

EncodeTable build_encode(const Format& f, int rounding) {
  const auto r = static_cast<Rounding>(rounding);
  const detail::Tables& tb = f.tables();
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

struct DecodeTable {
  std::vector<std::uint32_t> f32;    // bits of decode_float(c) for every code c < 2^B
  std::vector<double> f64;           // decode(c), formats of up to 12 bits
  std::uint8_t planes[4][128] = {};  // 8-bit formats: byte p of decode_float(k), k < 128
};

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

template <typename Table>
struct CacheEntry {
  Format format;
  int variant;
  std::shared_ptr<const Table> table;
};

// The table of (format, variant): a few per thread, backed by a process-wide list, so a table is
// built about once. The reference stays valid until this thread's next call for the same Table.
template <typename Table>
const Table& cached(const Format& f, int variant, Table (*build)(const Format&, int)) {
  thread_local std::vector<CacheEntry<Table>> local;
  for (const auto& e : local)
    if (e.variant == variant && e.format == f) return *e.table;
  static std::mutex mutex;
  static std::vector<CacheEntry<Table>> shared;
  std::shared_ptr<const Table> table;
  {
    const std::lock_guard lock(mutex);
    for (const auto& e : shared)
      if (e.variant == variant && e.format == f) table = e.table;
  }
  if (!table) {
    table = std::make_shared<const Table>(build(f, variant));  // outside the lock
    const std::lock_guard lock(mutex);
    if (shared.size() >= 32) shared.erase(shared.begin());
    shared.push_back({f, variant, table});
  }
  if (local.size() >= 4) local.erase(local.begin());
  local.push_back({f, variant, table});
  return *local.back().table;
}

// ---- encode: portable ----------------------------------------------------------------------

struct EncodeParams {
  const std::uint32_t* bucket;
  std::int32_t lo, last;
  int shift;
  int count_bits;  // B - 1: a bucket entry's c0 is entry & k_mask
  std::int32_t low, sign_bit, k_mask, nan;
};

// The range rule and the special inputs, given the threshold count k of |x|.
LNSLAB_INLINE std::int32_t finish(const EncodeParams& p, std::int32_t k, std::uint32_t bits) {
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
  return finish(p, k, bits);
}

template <typename T>
void encode_portable(const EncodeParams& p, const float* x, T* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<T>(encode_one(p, x[i]));
}

// Formats without a bucket table: count the thresholds by binary search.
template <typename T>
void encode_search(const EncodeParams& p, const std::vector<std::uint32_t>& t, const float* x,
                   T* out, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const auto bits = std::bit_cast<std::uint32_t>(x[i]);
    const auto k = std::upper_bound(t.begin(), t.end(), bits & 0x7FFFFFFFu) - t.begin();
    out[i] = static_cast<T>(finish(p, static_cast<std::int32_t>(k), bits));
  }
}

// ---- encode: AVX2 and AVX-512 (same steps as encode_one and finish) ------------------------
#if LNSLAB_X86

LNSLAB_INLINE_AVX2 __m256i encode8_avx2(const EncodeParams& p, __m128i shift, __m128i count_bits,
                                        __m256i bits) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i inf = _mm256_set1_epi32(static_cast<int>(inf_bits));
  const __m256i mag = _mm256_and_si256(bits, _mm256_set1_epi32(0x7FFFFFFF));
  const __m256i sign = _mm256_and_si256(_mm256_srai_epi32(bits, 31), _mm256_set1_epi32(p.sign_bit));
  const __m256i d = _mm256_sub_epi32(mag, _mm256_set1_epi32(p.lo));
  __m256i j = _mm256_max_epi32(_mm256_sra_epi32(d, shift), zero);
  j = _mm256_min_epi32(j, _mm256_set1_epi32(p.last));
  const __m256i e = _mm256_i32gather_epi32(reinterpret_cast<const int*>(p.bucket), j, 4);
  const __m256i r = _mm256_sub_epi32(d, _mm256_sll_epi32(j, shift));
  const __m256i above = _mm256_cmpgt_epi32(r, _mm256_sra_epi32(e, count_bits));
  __m256i k = _mm256_sub_epi32(_mm256_and_si256(e, _mm256_set1_epi32(p.k_mask)), above);
  k = _mm256_max_epi32(k, _mm256_set1_epi32(p.low));
  __m256i res = _mm256_or_si256(k, _mm256_andnot_si256(_mm256_cmpeq_epi32(k, zero), sign));
  const __m256i largest = _mm256_or_si256(sign, _mm256_set1_epi32(p.k_mask));
  res = _mm256_blendv_epi8(res, largest, _mm256_cmpeq_epi32(mag, inf));
  res = _mm256_blendv_epi8(res, _mm256_set1_epi32(p.nan), _mm256_cmpgt_epi32(mag, inf));
  return _mm256_andnot_si256(_mm256_cmpeq_epi32(mag, zero), res);
}

LNSLAB_INLINE_AVX2 __m256i load8(const float* x) {
  return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(x));
}

template <typename T>
LNSLAB_TARGET_AVX2 std::size_t encode_avx2(const EncodeParams& p, const float* x, T* out,
                                           std::size_t n) {
  const __m128i shift = _mm_cvtsi32_si128(p.shift);
  const __m128i count_bits = _mm_cvtsi32_si128(p.count_bits);
  std::size_t i = 0;
  if constexpr (sizeof(T) == 1) {
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
    for (; i + 32 <= n; i += 32) {
      const __m256i a = encode8_avx2(p, shift, count_bits, load8(x + i));
      const __m256i b = encode8_avx2(p, shift, count_bits, load8(x + i + 8));
      const __m256i c = encode8_avx2(p, shift, count_bits, load8(x + i + 16));
      const __m256i d = encode8_avx2(p, shift, count_bits, load8(x + i + 24));
      const __m256i w = _mm256_packus_epi16(_mm256_packus_epi32(a, b), _mm256_packus_epi32(c, d));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                          _mm256_permutevar8x32_epi32(w, order));
    }
  } else {
    for (; i + 16 <= n; i += 16) {
      const __m256i a = encode8_avx2(p, shift, count_bits, load8(x + i));
      const __m256i b = encode8_avx2(p, shift, count_bits, load8(x + i + 8));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i),
                          _mm256_permute4x64_epi64(_mm256_packus_epi32(a, b), 0xD8));
    }
  }
  return i;
}

// GCC 12 reports the undefined pass-through operand of the unmasked AVX-512 intrinsics as
// maybe-uninitialized (a false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

LNSLAB_INLINE_AVX512 __m512i encode16_avx512(const EncodeParams& p, __m128i shift,
                                             __m128i count_bits, __m512i bits) {
  const __m512i inf = _mm512_set1_epi32(static_cast<int>(inf_bits));
  const __m512i mag = _mm512_and_si512(bits, _mm512_set1_epi32(0x7FFFFFFF));
  const __m512i sign = _mm512_and_si512(_mm512_srai_epi32(bits, 31), _mm512_set1_epi32(p.sign_bit));
  const __m512i d = _mm512_sub_epi32(mag, _mm512_set1_epi32(p.lo));
  __m512i j = _mm512_max_epi32(_mm512_sra_epi32(d, shift), _mm512_setzero_si512());
  j = _mm512_min_epi32(j, _mm512_set1_epi32(p.last));
  const __m512i e = _mm512_i32gather_epi32(j, p.bucket, 4);
  const __m512i r = _mm512_sub_epi32(d, _mm512_sll_epi32(j, shift));
  const __mmask16 above = _mm512_cmpgt_epi32_mask(r, _mm512_sra_epi32(e, count_bits));
  __m512i k = _mm512_and_si512(e, _mm512_set1_epi32(p.k_mask));
  k = _mm512_mask_add_epi32(k, above, k, _mm512_set1_epi32(1));
  k = _mm512_max_epi32(k, _mm512_set1_epi32(p.low));
  __m512i res = _mm512_mask_or_epi32(k, _mm512_test_epi32_mask(k, k), k, sign);
  const __m512i largest = _mm512_or_si512(sign, _mm512_set1_epi32(p.k_mask));
  res = _mm512_mask_mov_epi32(res, _mm512_cmpeq_epi32_mask(mag, inf), largest);
  res = _mm512_mask_mov_epi32(res, _mm512_cmpgt_epi32_mask(mag, inf), _mm512_set1_epi32(p.nan));
  return _mm512_maskz_mov_epi32(_mm512_test_epi32_mask(mag, mag), res);
}

template <typename T>
LNSLAB_TARGET_AVX512 std::size_t encode_avx512(const EncodeParams& p, const float* x, T* out,
                                               std::size_t n) {
  const __m128i shift = _mm_cvtsi32_si128(p.shift);
  const __m128i count_bits = _mm_cvtsi32_si128(p.count_bits);
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i c = encode16_avx512(p, shift, count_bits, _mm512_loadu_si512(x + i));
    if constexpr (sizeof(T) == 1)
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm512_cvtepi32_epi8(c));
    else
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i), _mm512_cvtepi32_epi16(c));
  }
  return i;
}

#pragma GCC diagnostic pop
#endif  // LNSLAB_X86

template <typename T>
void encode_impl(const Format& f, const float* x, T* out, std::size_t n, Policy policy) {
  const EncodeTable& t = cached<EncodeTable>(f, static_cast<int>(policy.rounding), &build_encode);
  const EncodeParams p{t.bucket.data(), t.lo,         t.last,
                       t.shift,         t.count_bits, policy.underflow == Underflow::clamp ? 1 : 0,
                       f.kmax() + 1,    f.kmax(),     f.kmax() + 1};
  if (!t.bucketed) return encode_search(p, t.threshold, x, out, n);
  std::size_t done = 0;
#if LNSLAB_X86
  if (avx512_active())
    done = encode_avx512(p, x, out, n);
  else if (avx2_active())
    done = encode_avx2(p, x, out, n);
#endif
  encode_portable(p, x + done, out + done, n - done);
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
void decode_portable(const DecodeParams& p, const T* c, float* out, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) decode_scalar<T, 8>(p, c + i, out + i);
  for (; i < n; ++i) out[i] = std::bit_cast<float>(decode_one(p, c[i]));
}

#if LNSLAB_X86

#pragma GCC diagnostic push  // as for encode16_avx512
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

// 8-bit formats in bytes, 64 codes a step: vpermi2b looks up each byte of the float in a
// 128-entry plane (bit 7, the sign, is ignored by the lookup and ORed into the top byte), and two
// rounds of unpacks interleave the planes into floats. The unpacks work within 128-bit lanes, so
// the codes are first permuted such that the result comes out in order: the byte at
// 16L + 4r + m (lane L) is code 16r + 4L + m, which lands in dword 4L + m of output vector r.
LNSLAB_TARGET_AVX512 std::size_t decode8_avx512(const DecodeTable& t, std::uint32_t nan,
                                                const std::uint8_t* c, float* out, std::size_t n) {
  alignas(64) std::uint8_t order_bytes[64];
  for (int i = 0; i < 64; ++i)
    order_bytes[i] = static_cast<std::uint8_t>(16 * ((i >> 2) & 3) + 4 * (i >> 4) + (i & 3));
  const __m512i order = _mm512_load_si512(order_bytes);
  __m512i plane[4][2];
  for (int q = 0; q < 4; ++q)
    for (int h = 0; h < 2; ++h) plane[q][h] = _mm512_loadu_si512(&t.planes[q][64 * h]);
  __m512i nan_byte[4];
  for (int q = 0; q < 4; ++q) nan_byte[q] = _mm512_set1_epi8(static_cast<char>(nan >> (8 * q)));
  const __m512i sign = _mm512_set1_epi8(static_cast<char>(0x80));
  std::size_t i = 0;
  for (; i + 64 <= n; i += 64) {
    const __m512i code = _mm512_permutexvar_epi8(order, _mm512_loadu_si512(c + i));
    const __mmask64 is_nan = _mm512_cmpeq_epi8_mask(code, sign);
    __m512i b[4];
    for (int q = 0; q < 4; ++q) {
      b[q] = _mm512_permutex2var_epi8(plane[q][0], code, plane[q][1]);
      if (q == 3) b[q] = _mm512_or_si512(b[q], _mm512_and_si512(code, sign));
      b[q] = _mm512_mask_mov_epi8(b[q], is_nan, nan_byte[q]);
    }
    const __m512i lo01 = _mm512_unpacklo_epi8(b[0], b[1]), hi01 = _mm512_unpackhi_epi8(b[0], b[1]);
    const __m512i lo23 = _mm512_unpacklo_epi8(b[2], b[3]), hi23 = _mm512_unpackhi_epi8(b[2], b[3]);
    _mm512_storeu_si512(out + i, _mm512_unpacklo_epi16(lo01, lo23));
    _mm512_storeu_si512(out + i + 16, _mm512_unpackhi_epi16(lo01, lo23));
    _mm512_storeu_si512(out + i + 32, _mm512_unpacklo_epi16(hi01, hi23));
    _mm512_storeu_si512(out + i + 48, _mm512_unpackhi_epi16(hi01, hi23));
  }
  return i;
}

#pragma GCC diagnostic pop

#endif  // LNSLAB_X86

template <typename T>
void decode_impl(const Format& f, const T* c, float* out, std::size_t n) {
  const DecodeTable& t = cached<DecodeTable>(f, 0, &build_decode);
  const std::uint64_t lanes = sizeof(T) == 1 ? 0x0101010101010101u : 0x0001000100010001u;
  const std::uint64_t beyond = lanes * ((sizeof(T) == 1 ? 0xFFu : 0xFFFFu) & ~(f.code_count() - 1));
  const DecodeParams p{t.f32.data(), f.code_count() - 1, t.f32[f.code_count() / 2], beyond};
  std::size_t done = 0;
#if LNSLAB_X86
  if constexpr (sizeof(T) == 1)
    if (f.bits() == 8 && avx512_active()) done = decode8_avx512(t, p.nan, c, out, n);
#endif
  decode_portable(p, c + done, out + done, n - done);
}

template <typename T>
void decode_double_impl(const Format& f, const T* c, double* out, std::size_t n) {
  if (f.bits() > 12) {
    for (std::size_t i = 0; i < n; ++i) out[i] = f.decode(c[i]);
    return;
  }
  const DecodeTable& t = cached<DecodeTable>(f, 0, &build_decode);
  const std::uint32_t mask = f.code_count() - 1;
  const double nan = t.f64[f.code_count() / 2];
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t m = c[i] & mask;
    out[i] = m == 0 && c[i] != 0 ? nan : t.f64[m];
  }
}

}  // namespace

void encode_fast(const Format& f, const float* x, std::uint8_t* out, std::size_t n, Policy policy) {
  encode_impl(f, x, out, n, policy);
}
void encode_fast(const Format& f, const float* x, std::uint16_t* out, std::size_t n,
                 Policy policy) {
  encode_impl(f, x, out, n, policy);
}
void decode_fast(const Format& f, const std::uint8_t* c, float* out, std::size_t n) {
  decode_impl(f, c, out, n);
}
void decode_fast(const Format& f, const std::uint16_t* c, float* out, std::size_t n) {
  decode_impl(f, c, out, n);
}
void decode_fast(const Format& f, const std::uint8_t* c, double* out, std::size_t n) {
  decode_double_impl(f, c, out, n);
}
void decode_fast(const Format& f, const std::uint16_t* c, double* out, std::size_t n) {
  decode_double_impl(f, c, out, n);
}

}  // namespace lnslab::lns::kernels_detail
