#pragma once
// The direct dot product's pass (internal; dot.cpp): its arguments, its sums, and the portable and
// SIMD loops over a prefix of the codes.
#include <cstddef>
#include <cstdint>

#include "lnslab/lns/code.hpp"

namespace lnslab::lns::kernels_detail {

struct DotArgs {
  const std::int64_t* table = nullptr;   // by ka + kb: |v| >= 0; entry 0 is 0 (zero products)
  std::uint32_t code_a = 0, code_b = 0;  // code masks
  std::uint32_t sign_a = 0, sign_b = 0;  // sign bits (= the NaN codes)
  std::int64_t big = 0;                  // a |v| above this fails the bound by itself
};

struct DotSums {
  std::uint64_t sum = 0;  // signed v, modulo 2^64
  std::uint64_t abs = 0;  // |v| (exact while no |v| exceeds `big`)
  bool big = false;
  bool nan = false;
};

inline void dot_portable(const DotArgs& d, const code_t* a, const code_t* b, std::size_t n,
                         std::ptrdiff_t sa, std::ptrdiff_t sb, DotSums& r) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t ca = a[static_cast<std::ptrdiff_t>(i) * sa] & d.code_a;
    const std::uint32_t cb = b[static_cast<std::ptrdiff_t>(i) * sb] & d.code_b;
    r.nan |= ca == d.sign_a || cb == d.sign_b;
    const std::uint32_t ka = ca & (d.sign_a - 1), kb = cb & (d.sign_b - 1);
    const std::int64_t v = ka == 0 || kb == 0 ? 0 : d.table[ka + kb];
    const bool negative = ((ca & d.sign_a) != 0) != ((cb & d.sign_b) != 0);
    const auto u = static_cast<std::uint64_t>(v);
    r.sum += negative ? 0 - u : u;
    r.abs += u;
    r.big |= v > d.big;
  }
}

// dot_avx2.cpp and dot_avx512.cpp: whole blocks of 8 products of contiguous codes;
// return the number of products done.
std::size_t dot_avx2(const DotArgs& d, const code_t* a, const code_t* b, std::size_t n, DotSums& r);
std::size_t dot_avx512(const DotArgs& d, const code_t* a, const code_t* b, std::size_t n,
                       DotSums& r);

}  // namespace lnslab::lns::kernels_detail
