// Elementwise kernels (elementwise.hpp). Each fast kernel is a branch-free per-element function
// object; the loop around it is compiled twice, for the portable target and with
// LNSLAB_TARGET_AVX2 (isa.hpp), and chosen at run time. The per-element functions restate the
// scalar rules of arith.cpp / convert.cpp with the same tables, and the tests compare them with
// the scalar Format operations over every code pair.
// mul/div and nearest/toward_zero add/sub also have hand-written AVX2 and AVX-512 loops
// (elementwise_avx2.cpp, elementwise_avx512.cpp; the 16-bit add on AVX-512 keeps its tables in
// registers, add_planes16.cpp) that take whole vectors; the per-element function does the tail.
#include "lnslab/lns/kernels/elementwise.hpp"

#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "add_planes16.hpp"
#include "elementwise_simd.hpp"
#include "encode_fast.hpp"
#include "format_tables.hpp"
#include "isa.hpp"
#include "sum_chain.hpp"

namespace lnslab::lns {
namespace {

template <typename T>
void check_storage(const Format& f, const char* what) {
  if (f.bits() > static_cast<int>(8 * sizeof(T)))
    throw std::invalid_argument(std::string("lns::") + what + ": format " + f.spec() +
                                " does not fit " + std::to_string(8 * sizeof(T)) + "-bit storage");
}

void check_sizes(std::size_t a, std::size_t b, const char* what) {
  if (a != b)
    throw std::invalid_argument(std::string("lns::") + what + ": spans of different lengths (" +
                                std::to_string(a) + " and " + std::to_string(b) + ")");
}

// The range rule on an integer exponent (Format::finish), branch-free.
struct Finish {
  int kmax;
  int low;  // 0 (flush) or 1 (clamp)
  int sign_bit;
  LNSLAB_INLINE int operator()(int k, int sign) const {
    int r = k > kmax ? kmax : k;
    r = r < 1 ? low : r;
    return r == 0 ? 0 : (r | sign);
  }
};

struct Common {
  int k_mask, sign_bit, nan;
  Finish finish;
  Common(const Format& f, Underflow u)
      : k_mask(f.kmax()),
        sign_bit(f.kmax() + 1),
        nan(f.kmax() + 1),
        finish{f.kmax(), u == Underflow::clamp ? 1 : 0, f.kmax() + 1} {}
};

template <typename T>
struct MulOp {
  Common c;
  int bias;  // +bias for div, -bias for mul
  bool divide;
  LNSLAB_INLINE T operator()(T a, T b) const {
    const int ka = a & c.k_mask;
    const int kb = b & c.k_mask;
    const int k = divide ? ka - kb + bias : ka + kb - bias;
    int r = c.finish(k, (a ^ b) & c.sign_bit);
    r = ka == 0 ? 0 : r;               // zero numerator / factor
    r = (!divide && kb == 0) ? 0 : r;  // zero factor
    const bool nan = a == c.nan || b == c.nan || (divide && b == 0);
    return static_cast<T>(nan ? c.nan : r);
  }
};

template <typename T>
struct AddOp {
  Common c;
  const std::int32_t* offsets;  // [0, K]: sum offset by d; [K+1, 2K+1]: difference offset by d
  int flip;                     // sign_bit for sub (b negated), else 0
  LNSLAB_INLINE T operator()(T a, T b0) const {
    const int kb = b0 & c.k_mask;
    const int b = kb == 0 ? b0 : (b0 ^ flip);  // neg leaves zero and NaN alone
    const int ka = a & c.k_mask;
    const bool swap = kb > ka;
    const int big = swap ? b : a;
    const int kbig = swap ? kb : ka;
    const int d = swap ? kb - ka : ka - kb;
    const bool same = ((a ^ b) & c.sign_bit) == 0;
    const int off = offsets[d + (same ? 0 : c.k_mask + 1)];
    int r = c.finish(kbig + off, big & c.sign_bit);
    r = (!same && d == 0) ? 0 : r;
    r = kb == 0 ? a : r;
    r = ka == 0 ? b : r;
    const bool nan = a == c.nan || b0 == c.nan;
    return static_cast<T>(nan ? c.nan : r);
  }
};

template <typename T, typename Op>
LNSLAB_INLINE void binary_loop(const T* a, const T* b, T* out, std::size_t n, const Op& op) {
  for (std::size_t i = 0; i < n; ++i) out[i] = op(a[i], b[i]);
}
template <typename T, typename Op>
void binary_portable(const T* a, const T* b, T* out, std::size_t n, const Op& op) {
  binary_loop(a, b, out, n, op);
}
template <typename T, typename Op>
LNSLAB_TARGET_AVX2 void binary_avx2(const T* a, const T* b, T* out, std::size_t n, const Op& op) {
  binary_loop(a, b, out, n, op);
}
template <typename T, typename Op>
void binary(const T* a, const T* b, T* out, std::size_t n, const Op& op) {
#if LNSLAB_X86
  if (kernels_detail::avx2_active()) return binary_avx2(a, b, out, n, op);
#endif
  binary_portable(a, b, out, n, op);
}

template <typename In, typename Out, typename Op>
LNSLAB_INLINE void unary_loop(const In* a, Out* out, std::size_t n, const Op& op) {
  for (std::size_t i = 0; i < n; ++i) out[i] = op(a[i]);
}
template <typename In, typename Out, typename Op>
void unary_portable(const In* a, Out* out, std::size_t n, const Op& op) {
  unary_loop(a, out, n, op);
}
template <typename In, typename Out, typename Op>
LNSLAB_TARGET_AVX2 void unary_avx2(const In* a, Out* out, std::size_t n, const Op& op) {
  unary_loop(a, out, n, op);
}
template <typename In, typename Out, typename Op>
void unary(const In* a, Out* out, std::size_t n, const Op& op) {
#if LNSLAB_X86
  if (kernels_detail::avx2_active()) return unary_avx2(a, out, n, op);
#endif
  unary_portable(a, out, n, op);
}

// Offsets of the nearest / toward_zero adder for every d in [0, K], past-the-table values filled
// in: sums at [0, K], differences at [K+1, 2K+1] ([K+1] is d = 0, handled as x - x = 0).
std::vector<std::int32_t> add_offsets(const Format& f, Rounding rounding) {
  const detail::Tables& t = detail::tables_of(f);
  const bool nearest = rounding == Rounding::nearest;
  const auto& sum = nearest ? t.sum_nearest : t.sum_floor;
  const auto& diff = nearest ? t.difference_nearest : t.difference_floor;
  const int past_diff = nearest ? 0 : -1;
  const int k = f.kmax();
  std::vector<std::int32_t> v(static_cast<std::size_t>(2 * (k + 1)));
  for (int d = 0; d <= k; ++d) {
    v[static_cast<std::size_t>(d)] = static_cast<std::size_t>(d) < sum.size() ? sum[d] : 0;
    v[static_cast<std::size_t>(k + 1 + d)] =
        d == 0 ? 0 : (static_cast<std::size_t>(d) < diff.size() ? diff[d] : past_diff);
  }
  return v;
}

// The adder's tables for one format and rounding, derived once per thread and reused while the
// calls use the same format: the key is the content of the Gaussian-log tables (not an address),
// so a new Format with equal tables reuses them and any other format rebuilds them.
struct AddTables {
  int kmax = -1;
  Rounding rounding = Rounding::nearest;
  std::vector<std::int16_t> sum_key, difference_key;
  std::vector<std::int32_t> offsets;     // add_offsets
  std::vector<std::int32_t> magnitudes;  // the gather table (u16 lanes)
  bool gather_ok = false;
  kernels_detail::EwAdd8 add8;  // the vpshufb tables (u8 lanes)
  bool add8_ok = false;
  kernels_detail::EwAddPlanes16 planes16;  // the u16 adder's tables in registers (AVX-512)
  bool planes16_ok = false;
  kernels_detail::AddChain8 chain;  // the sum's table chain (codes of up to 8 bits), built on use
  int chain_low = -1;               // its underflow result (0 flush, 1 clamp); -1: not built
};

AddTables& add_tables(const Format& f, Rounding rounding) {
  thread_local AddTables c;
  const detail::Tables& t = detail::tables_of(f);
  const bool nearest = rounding == Rounding::nearest;
  const auto& sum = nearest ? t.sum_nearest : t.sum_floor;
  const auto& diff = nearest ? t.difference_nearest : t.difference_floor;
  if (c.kmax == f.kmax() && c.rounding == rounding && c.sum_key == sum && c.difference_key == diff)
    return c;
  c.kmax = -1;  // invalid while rebuilding
  c.rounding = rounding;
  c.sum_key = sum;
  c.difference_key = diff;
  c.offsets = add_offsets(f, rounding);
  c.magnitudes = c.offsets;
  c.gather_ok = kernels_detail::make_ew_add_gather(c.magnitudes.data(), f.kmax(), 65535);
  c.add8 = kernels_detail::EwAdd8{};
  c.add8_ok = kernels_detail::make_ew_add8(c.offsets.data(), f.kmax(), c.add8);
  c.planes16 = kernels_detail::EwAddPlanes16{};
  c.planes16_ok = kernels_detail::make_ew_add_planes16(c.offsets.data(), f.kmax(), c.planes16);
  c.chain_low = -1;
  c.kmax = f.kmax();
  return c;
}

}  // namespace

template <CodeStorage T>
void encode(const Format& f, std::span<const float> x, std::span<T> out, Policy policy, Rng* rng) {
  check_storage<T>(f, "encode");
  check_sizes(x.size(), out.size(), "encode");
  if (policy.rounding == Rounding::stochastic) {
    for (std::size_t i = 0; i < x.size(); ++i) out[i] = static_cast<T>(f.encode(x[i], policy, rng));
    return;
  }
  kernels_detail::encode_fast(f, x.data(), out.data(), x.size(), policy);  // encode_fast.cpp
}

template <CodeStorage T>
void encode(const Format& f, std::span<const double> x, std::span<T> out, Policy policy, Rng* rng) {
  check_storage<T>(f, "encode");
  check_sizes(x.size(), out.size(), "encode");
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = static_cast<T>(f.encode(x[i], policy, rng));
}

template <CodeStorage T>
void decode(const Format& f, std::span<const T> c, std::span<float> out) {
  check_storage<T>(f, "decode");
  check_sizes(c.size(), out.size(), "decode");
  kernels_detail::decode_fast(f, c.data(), out.data(), c.size());
}

template <CodeStorage T>
void decode(const Format& f, std::span<const T> c, std::span<double> out) {
  check_storage<T>(f, "decode");
  check_sizes(c.size(), out.size(), "decode");
  kernels_detail::decode_fast(f, c.data(), out.data(), c.size());
}

namespace {
kernels_detail::EwCodes ew_codes(const Format& f, Underflow u) {
  return {f.kmax(), f.kmax() + 1, f.kmax() + 1, u == Underflow::clamp ? 1 : 0};
}

// The hand-written AVX2 loops (elementwise_avx2.cpp) take the longest prefix that fills whole
// vectors; the per-element function finishes the tail (and everything on the portable path).
template <CodeStorage T>
void mul_or_div(const Format& f, std::span<const T> a, std::span<const T> b, std::span<T> out,
                Policy policy, bool divide) {
  std::size_t done = 0;
#if LNSLAB_X86
  const kernels_detail::EwMul p{ew_codes(f, policy.underflow), f.bias(), divide};
  if (kernels_detail::avx512_active()) {
    if constexpr (sizeof(T) == 1)
      done = kernels_detail::mul_u8_avx512(p, a.data(), b.data(), out.data(), a.size());
    else
      done = kernels_detail::mul_u16_avx512(p, a.data(), b.data(), out.data(), a.size());
  } else if (kernels_detail::avx2_active()) {
    if constexpr (sizeof(T) == 1)
      done = kernels_detail::mul_u8_avx2(p, a.data(), b.data(), out.data(), a.size());
    else
      done = kernels_detail::mul_u16_avx2(p, a.data(), b.data(), out.data(), a.size());
  }
#endif
  binary(a.data() + done, b.data() + done, out.data() + done, a.size() - done,
         MulOp<T>{Common(f, policy.underflow), f.bias(), divide});
}
}  // namespace

template <CodeStorage T>
void mul(const Format& f, std::span<const T> a, std::span<const T> b, std::span<T> out,
         Policy policy) {
  check_storage<T>(f, "mul");
  check_sizes(a.size(), b.size(), "mul");
  check_sizes(a.size(), out.size(), "mul");
  mul_or_div(f, a, b, out, policy, false);
}

template <CodeStorage T>
void div(const Format& f, std::span<const T> a, std::span<const T> b, std::span<T> out,
         Policy policy) {
  check_storage<T>(f, "div");
  check_sizes(a.size(), b.size(), "div");
  check_sizes(a.size(), out.size(), "div");
  mul_or_div(f, a, b, out, policy, true);
}

namespace {
template <CodeStorage T>
void add_or_sub(const Format& f, std::span<const T> a, std::span<const T> b, std::span<T> out,
                Policy policy, Rng* rng, bool subtract) {
  const char* what = subtract ? "sub" : "add";
  check_storage<T>(f, what);
  check_sizes(a.size(), b.size(), what);
  check_sizes(a.size(), out.size(), what);
  if (policy.rounding == Rounding::stochastic) {
    for (std::size_t i = 0; i < a.size(); ++i)
      out[i] = static_cast<T>(subtract ? f.sub(a[i], b[i], policy, rng)
                                       : f.add(a[i], b[i], policy, rng));
    return;
  }
  const AddTables& tables = add_tables(f, policy.rounding);
  const int flip = subtract ? f.kmax() + 1 : 0;
  const AddOp<T> op{Common(f, policy.underflow), tables.offsets.data(), flip};
  std::size_t done = 0;
#if LNSLAB_X86
  const bool avx512 = kernels_detail::avx512_active();
  if (avx512 || kernels_detail::avx2_active()) {
    const kernels_detail::EwCodes codes = ew_codes(f, policy.underflow);
    if (sizeof(T) == 1 && tables.add8_ok) {
      kernels_detail::EwAdd8 p = tables.add8;
      p.c = codes;
      p.flip = flip;
      if constexpr (sizeof(T) == 1)
        done = avx512 ? kernels_detail::add_u8_avx512(p, a.data(), b.data(), out.data(), a.size())
                      : kernels_detail::add_u8_avx2(p, a.data(), b.data(), out.data(), a.size());
    } else if (sizeof(T) == 2 && avx512 && tables.planes16_ok) {
      kernels_detail::EwAddPlanes16 p = tables.planes16;
      p.c = codes;
      p.flip = flip;
      if constexpr (sizeof(T) == 2)
        done = kernels_detail::add_u16_planes_avx512(p, a.data(), b.data(), out.data(), a.size());
    } else if (sizeof(T) == 2 && tables.gather_ok) {
      const kernels_detail::EwAddGather p{codes, flip, tables.magnitudes.data()};
      if constexpr (sizeof(T) == 2)
        done = avx512 ? kernels_detail::add_u16_avx512(p, a.data(), b.data(), out.data(), a.size())
                      : kernels_detail::add_u16_avx2(p, a.data(), b.data(), out.data(), a.size());
    }
  }
#endif
  binary(a.data() + done, b.data() + done, out.data() + done, a.size() - done, op);
}
}  // namespace

template <CodeStorage T>
void add(const Format& f, std::span<const T> a, std::span<const T> b, std::span<T> out,
         Policy policy, Rng* rng) {
  add_or_sub(f, a, b, out, policy, rng, false);
}

template <CodeStorage T>
void sub(const Format& f, std::span<const T> a, std::span<const T> b, std::span<T> out,
         Policy policy, Rng* rng) {
  add_or_sub(f, a, b, out, policy, rng, true);
}

template <CodeStorage T>
void neg(const Format& f, std::span<const T> a, std::span<T> out) {
  check_storage<T>(f, "neg");
  check_sizes(a.size(), out.size(), "neg");
  const int k_mask = f.kmax();
  const int sign_bit = f.kmax() + 1;
  unary(
      a.data(), out.data(), a.size(), [=](T c) __attribute__((always_inline)) {
        return static_cast<T>((c & k_mask) == 0 ? c : (c ^ sign_bit));
      });
}

template <CodeStorage T>
void abs(const Format& f, std::span<const T> a, std::span<T> out) {
  check_storage<T>(f, "abs");
  check_sizes(a.size(), out.size(), "abs");
  const int k_mask = f.kmax();
  const int nan = f.kmax() + 1;
  unary(
      a.data(), out.data(), a.size(), [=](T c) __attribute__((always_inline)) {
        return static_cast<T>(c == nan ? c : (c & k_mask));
      });
}

template <CodeStorage T>
code_t sum(const Format& f, std::span<const T> a, Policy policy, Rng* rng) {
  check_storage<T>(f, "sum");
  code_t s = f.zero();
  if (policy.rounding == Rounding::stochastic) {
    for (const T c : a) s = f.add(s, c, policy, rng);
    return s;
  }
  // A dependent chain (the add-latency benchmark measures it): for codes of up to 8 bits one
  // table load per add (sum_chain.hpp; the 32 KiB table is built once per thread and format, so
  // short sums that would not repay it keep the arithmetic adder), else the branch-free adder.
  AddTables& tables = add_tables(f, policy.rounding);
  const AddOp<code_t> op{Common(f, policy.underflow), tables.offsets.data(), 0};
  const int low = policy.underflow == Underflow::clamp ? 1 : 0;
  if constexpr (sizeof(T) == 1) {
    constexpr std::size_t chain_min_length = 1024;
    if (tables.chain_low == low || a.size() >= chain_min_length) {
      if (tables.chain_low != low) {
        kernels_detail::build_add_chain8(f.kmax(), op, tables.chain);
        tables.chain_low = low;
      }
      return kernels_detail::sum_chain8(tables.chain, a.data(), a.size());
    }
  }
  for (const T c : a) s = op(s, c);
  return s;
}

template <CodeStorage T>
code_t max(const Format& f, std::span<const T> a) {
  check_storage<T>(f, "max");
  if (a.empty()) return f.nan();
  code_t m = a[0];
  for (std::size_t i = 1; i < a.size(); ++i) m = f.max(m, a[i]);
  return m;
}

template <CodeStorage T>
code_t min(const Format& f, std::span<const T> a) {
  check_storage<T>(f, "min");
  if (a.empty()) return f.nan();
  code_t m = a[0];
  for (std::size_t i = 1; i < a.size(); ++i) m = f.min(m, a[i]);
  return m;
}

template <CodeStorage T>
double sum_decoded(const Format& f, std::span<const T> a) {
  check_storage<T>(f, "sum_decoded");
  double s = 0.0;
  for (const T c : a) s += f.decode(c);
  return s;
}

#define LNSLAB_INSTANTIATE(T)                                                                  \
  template void encode<T>(const Format&, std::span<const float>, std::span<T>, Policy, Rng*);  \
  template void encode<T>(const Format&, std::span<const double>, std::span<T>, Policy, Rng*); \
  template void decode<T>(const Format&, std::span<const T>, std::span<float>);                \
  template void decode<T>(const Format&, std::span<const T>, std::span<double>);               \
  template void mul<T>(const Format&, std::span<const T>, std::span<const T>, std::span<T>,    \
                       Policy);                                                                \
  template void div<T>(const Format&, std::span<const T>, std::span<const T>, std::span<T>,    \
                       Policy);                                                                \
  template void add<T>(const Format&, std::span<const T>, std::span<const T>, std::span<T>,    \
                       Policy, Rng*);                                                          \
  template void sub<T>(const Format&, std::span<const T>, std::span<const T>, std::span<T>,    \
                       Policy, Rng*);                                                          \
  template void neg<T>(const Format&, std::span<const T>, std::span<T>);                       \
  template void abs<T>(const Format&, std::span<const T>, std::span<T>);                       \
  template code_t sum<T>(const Format&, std::span<const T>, Policy, Rng*);                     \
  template code_t max<T>(const Format&, std::span<const T>);                                   \
  template code_t min<T>(const Format&, std::span<const T>);                                   \
  template double sum_decoded<T>(const Format&, std::span<const T>);

LNSLAB_INSTANTIATE(std::uint8_t)
LNSLAB_INSTANTIATE(std::uint16_t)

}  // namespace lnslab::lns
