// The fast encode (float -> codes) and decode kernels equal the scalar Format::encode /
// decode_float / decode bit for bit: at every rounding threshold and its neighbours, around every
// code's value, at special values and on random float bit patterns, for formats whose thresholds
// are regular, crowd in the subnormals, coincide, or lie beyond float's range; with the AVX-512,
// AVX2 and portable loops and every vector tail.
#include <bit>
#include <cfloat>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "lnslab/lns/kernels/elementwise.hpp"
#include "lnslab/lns/kernels/isa.hpp"

#include "isa_cases.hpp"

using namespace lnslab::lns;

namespace {

constexpr std::uint32_t inf_bits = 0x7F800000u;

int field(const Format& f, std::uint32_t bits, Rounding r) {
  return f.exponent(f.encode(std::bit_cast<float>(bits), Policy{r, Underflow::flush}));
}

// The smallest positive float pattern whose encoding has exponent field >= k (plain bisection,
// independent of the kernel's search).
std::uint32_t threshold(const Format& f, Rounding r, int k) {
  std::uint32_t lo = 0, hi = inf_bits;
  while (hi - lo > 1) {
    const std::uint32_t mid = lo + (hi - lo) / 2;
    (field(f, mid, r) >= k ? hi : lo) = mid;
  }
  return hi;
}

void push_both(std::vector<float>& xs, std::uint32_t bits) {
  xs.push_back(std::bit_cast<float>(bits));
  xs.push_back(std::bit_cast<float>(bits | 0x80000000u));
}

// Inputs for one format and rounding: thresholds and neighbours, every code's value and
// neighbours, specials, and `random` random patterns (half uniform, half inside the range).
std::vector<float> inputs(const Format& f, Rounding r, std::size_t random) {
  std::vector<float> xs;
  std::vector<std::uint32_t> t;
  for (int k = 1; k <= f.kmax(); ++k) t.push_back(threshold(f, r, k));
  for (std::uint32_t b : t)
    for (std::uint32_t d : {0u, 1u, 2u})
      for (std::uint32_t v : {b - d, b + d})
        if (v <= inf_bits) push_both(xs, v);
  for (int k = 1; k <= f.kmax(); ++k) {
    const auto v = std::bit_cast<std::uint32_t>(f.decode_float(f.make(false, k)));
    for (std::uint32_t d = 0; d <= 3; ++d) {
      if (v >= d) push_both(xs, v - d);
      if (v + d <= inf_bits) push_both(xs, v + d);
    }
  }
  const float specials[] = {0.0f,
                            FLT_MIN,
                            FLT_MAX,
                            FLT_TRUE_MIN,
                            2 * FLT_TRUE_MIN,
                            1e-40f,
                            1e-30f,
                            1e-10f,
                            1.0f,
                            1e10f,
                            1e30f,
                            3e38f,
                            std::numeric_limits<float>::infinity()};
  for (float s : specials) push_both(xs, std::bit_cast<std::uint32_t>(s));
  for (std::uint32_t nan : {0x7FC00000u, 0x7F800001u, 0x7FFFFFFFu, 0x7FA00000u}) push_both(xs, nan);
  for (std::uint32_t sub = 1; sub < (1u << 23); sub = sub * 3 + 1) push_both(xs, sub);
  Rng rng(2024);
  const std::uint32_t lo = t.front() > 64 ? t.front() - 64 : 0;
  const std::uint32_t hi = std::min(t.back() + 64, inf_bits);
  for (std::size_t i = 0; i < random; ++i) {
    const auto u = static_cast<std::uint32_t>(rng.next_u64() >> 32);
    xs.push_back(std::bit_cast<float>(
        i % 2 == 0
            ? u
            : (lo + static_cast<std::uint32_t>(rng.below(hi - lo + 1))) | (u & 0x80000000u)));
  }
  return xs;
}

template <typename T>
void check_encode(const Format& f, std::size_t random) {
  for (const Rounding r : {Rounding::nearest, Rounding::toward_zero}) {
    const std::vector<float> xs = inputs(f, r, random);
    for (const Underflow u : {Underflow::flush, Underflow::clamp}) {
      const Policy pol{r, u};
      std::vector<T> want(xs.size());
      for (std::size_t i = 0; i < xs.size(); ++i) want[i] = static_cast<T>(f.encode(xs[i], pol));
      test::for_each_kernel_isa([&](const char* isa) {
        INFO(f.spec() << " rounding " << to_string(r) << " underflow " << to_string(u) << " isa "
                      << isa << " storage " << 8 * sizeof(T));
        std::vector<T> out(xs.size());
        encode<T>(f, xs, out, pol);
        std::size_t bad = 0, first = 0;
        for (std::size_t i = 0; i < xs.size(); ++i)
          if (out[i] != want[i] && bad++ == 0) first = i;
        INFO("first mismatch: x bits " << std::bit_cast<std::uint32_t>(xs[first]) << " got "
                                       << +out[first] << " want " << +want[first]);
        CHECK(bad == 0);
        // Vector tails: every length 0..70 from a few offsets (the rest of out untouched).
        for (std::size_t off : {std::size_t{0}, std::size_t{3}, std::size_t{17}})
          for (std::size_t len = 0; len <= 70 && off + len <= xs.size(); ++len) {
            std::vector<T> part(len + 1, static_cast<T>(0x5A));
            encode<T>(f, std::span<const float>(xs.data() + off, len),
                      std::span<T>(part.data(), len), pol);
            for (std::size_t i = 0; i < len; ++i) bad += part[i] != want[off + i];
            bad += part[len] != 0x5A;
          }
        CHECK(bad == 0);
      });
      set_kernel_isa(KernelIsa::best);
    }
  }
}

template <typename T>
void check_decode(const Format& f) {
  // Every storage value (codes beyond the format's bits included: the kernels must read them as
  // Format::decode_float does).
  const std::uint32_t count = sizeof(T) == 1 ? 256u : std::min(65536u, 4 * f.code_count());
  std::vector<T> codes;
  for (std::uint32_t c = 0; c < count; ++c) codes.push_back(static_cast<T>(c));
  for (std::uint32_t c = count; sizeof(T) == 2 && c < 65536; c += 997)
    codes.push_back(static_cast<T>(c));
  test::for_each_kernel_isa([&](const char* isa) {
    INFO(f.spec() << " isa " << isa << " storage " << 8 * sizeof(T));
    for (std::size_t off : {std::size_t{0}, std::size_t{5}}) {
      const std::span<const T> in(codes.data() + off, codes.size() - off);
      std::vector<float> out(in.size());
      std::vector<double> dout(in.size());
      decode<T>(f, in, out);
      decode<T>(f, in, dout);
      std::size_t bad = 0;
      for (std::size_t i = 0; i < in.size(); ++i) {
        bad += std::bit_cast<std::uint32_t>(out[i]) !=
               std::bit_cast<std::uint32_t>(f.decode_float(in[i]));
        bad +=
            std::bit_cast<std::uint64_t>(dout[i]) != std::bit_cast<std::uint64_t>(f.decode(in[i]));
      }
      CHECK(bad == 0);
    }
    std::size_t bad = 0;
    for (std::size_t len = 0; len <= 70; ++len) {
      std::vector<float> part(len + 1, 7.0f);
      decode<T>(f, std::span<const T>(codes.data() + 100, len), std::span<float>(part.data(), len));
      for (std::size_t i = 0; i < len; ++i)
        bad += std::bit_cast<std::uint32_t>(part[i]) !=
               std::bit_cast<std::uint32_t>(f.decode_float(codes[100 + i]));
      bad += part[len] != 7.0f;
    }
    CHECK(bad == 0);
  });
  set_kernel_isa(KernelIsa::best);
}

}  // namespace

TEST_CASE("fast encode equals Format::encode: 8-bit and smaller formats", "[kernels][encode]") {
  for (const char* spec : {"lns8:eta0=0.016", "lns8:gamma=8", "lns8:eta0=0.016,bias=127",
                           "lns5:eta0=0.3", "lns3:gamma=1", "lns7:base=3",
                           // two codes below the smallest float, one above FLT_MAX
                           "lns4:base=1e20,bias=4",
                           // range entirely below float's (subnormal-crowded, then all at 2^-149)
                           "lns8:gamma=1,bias=200", "lns8:gamma=4,bias=560",
                           // above FLT_MAX from the middle of the range on
                           "lns8:gamma=1,bias=-60", "lns8:gamma=1,bias=-200",
                           // exact midpoints (ties to even) and exact powers
                           "lns6:base=4", "lns8:base=16", "lns8:base=2.25", "lns8:base=2"}) {
    const Format f = Format::parse(spec);
    check_encode<std::uint8_t>(f, 100000);
    check_encode<std::uint16_t>(f, 2000);
  }
}

TEST_CASE("fast encode equals Format::encode: 10 to 16 bits", "[kernels][encode]") {
  for (const char* spec : {"lns10:eta0=0.004", "lns12:eta0=0.001", "lns12:gamma=64",
                           // deep in the subnormals: thresholds one or a few patterns apart
                           "lns12:eta0=0.001,bias=99000", "lns10:eta0=0.004,bias=22400",
                           "lns16:eta0=0.0001", "lns16:gamma=1024",
                           // base below float precision: thresholds coincide
                           "lns16:eta0=0.00000001"}) {
    const Format f = Format::parse(spec);
    check_encode<std::uint16_t>(f, f.bits() <= 12 ? 200000 : 100000);
  }
}

TEST_CASE("fast decode equals Format::decode_float and decode", "[kernels][encode]") {
  for (const char* spec : {"lns8:eta0=0.016", "lns8:gamma=8", "lns7:base=3", "lns5:eta0=0.3",
                           "lns8:gamma=1,bias=-200", "lns8:gamma=1,bias=200"}) {
    check_decode<std::uint8_t>(Format::parse(spec));
    check_decode<std::uint16_t>(Format::parse(spec));
  }
  for (const char* spec : {"lns10:eta0=0.004", "lns12:eta0=0.001", "lns12:gamma=64",
                           "lns13:eta0=0.0005", "lns16:eta0=0.0001", "lns16:eta0=0.1"})
    check_decode<std::uint16_t>(Format::parse(spec));
}

TEST_CASE("stochastic encode consumes the generator like the scalar loop", "[kernels][encode]") {
  const Format f = Format::parse("lns8:eta0=0.016");
  Rng data(9);
  std::vector<float> xs(5000);
  for (auto& x : xs) x = static_cast<float>(data.normal());
  const Policy sto{Rounding::stochastic, Underflow::flush};
  std::vector<std::uint8_t> out(xs.size());
  Rng r1(5), r2(5);
  encode<std::uint8_t>(f, xs, out, sto, &r1);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) bad += out[i] != f.encode(xs[i], sto, &r2);
  CHECK(bad == 0);
}
