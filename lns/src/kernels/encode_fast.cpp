// Fast elementwise encode and decode (encode_fast.hpp): the choice of path. The tables are built
// once per format (encode_tables.cpp, cached by table_cache.hpp); encode runs the AVX-512 or AVX2
// loop (encode_simd.hpp) over whole vectors and the portable loop (encode_portable.hpp) over the
// rest, or a binary search for formats without a bucket table. Decode is a table lookup, with an
// AVX-512 loop for 8-bit codes.
#include "encode_fast.hpp"

#include "encode_portable.hpp"
#include "encode_simd.hpp"
#include "encode_tables.hpp"
#include "isa.hpp"
#include "table_cache.hpp"

namespace lnslab::lns::kernels_detail {
namespace {

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
