// Elementwise kernels equal the scalar Format operations: exhaustively over every code pair of
// 8- and 10-bit formats, randomly for 12 and 16 bits, with the portable and the AVX2 loops.
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include <catch2/catch.hpp>

#include "lnslab/lns/kernels/elementwise.hpp"
#include "lnslab/lns/kernels/isa.hpp"

#include "format_tables.hpp"  // white-box: the encoder thresholds
#include "isa_cases.hpp"

using namespace lnslab::lns;

namespace {

template <typename T>
struct Pairs {
  std::vector<T> a, b;
};

// Every pair of codes (exhaustive) or `count` random pairs.
template <typename T>
Pairs<T> make_pairs(const Format& f, std::size_t count, Rng& rng) {
  Pairs<T> p;
  const std::uint32_t n = f.code_count();
  if (count == 0) {
    for (std::uint32_t x = 0; x < n; ++x)
      for (std::uint32_t y = 0; y < n; ++y) {
        p.a.push_back(static_cast<T>(x));
        p.b.push_back(static_cast<T>(y));
      }
  } else {
    for (std::size_t i = 0; i < count; ++i) {
      p.a.push_back(static_cast<T>(rng.below(n)));
      // Half the pairs close in exponent (cancellation, ties of the adder).
      const auto near = static_cast<std::uint32_t>(
          (p.a.back() + rng.below(9) + n - 4 + (rng.below(2) != 0 ? n / 2 : 0)) % n);
      p.b.push_back(static_cast<T>(rng.below(2) != 0 ? near : rng.below(n)));
    }
  }
  return p;
}

template <typename T>
void check_binary_ops(const Format& f, std::size_t count, bool all_policies) {
  Rng rng(12345);
  const Pairs<T> p = make_pairs<T>(f, count, rng);
  const std::size_t n = p.a.size();
  std::vector<T> out(n);
  std::vector<Policy> policies = {Policy{}};
  if (all_policies) {
    policies.push_back({Rounding::toward_zero, Underflow::flush});
    policies.push_back({Rounding::nearest, Underflow::clamp});
    policies.push_back({Rounding::toward_zero, Underflow::clamp});
  }
  test::for_each_kernel_isa([&](const char* isa) {
    for (const Policy pol : policies) {
      INFO(f.spec() << " rounding " << to_string(pol.rounding) << " underflow "
                    << to_string(pol.underflow) << " isa " << isa);
      std::size_t bad[4] = {0, 0, 0, 0};
      mul<T>(f, p.a, p.b, out, pol);
      for (std::size_t i = 0; i < n; ++i) bad[0] += out[i] != f.mul(p.a[i], p.b[i], pol);
      div<T>(f, p.a, p.b, out, pol);
      for (std::size_t i = 0; i < n; ++i) bad[1] += out[i] != f.div(p.a[i], p.b[i], pol);
      add<T>(f, p.a, p.b, out, pol);
      for (std::size_t i = 0; i < n; ++i) bad[2] += out[i] != f.add(p.a[i], p.b[i], pol);
      sub<T>(f, p.a, p.b, out, pol);
      for (std::size_t i = 0; i < n; ++i) bad[3] += out[i] != f.sub(p.a[i], p.b[i], pol);
      CHECK(bad[0] == 0);
      CHECK(bad[1] == 0);
      CHECK(bad[2] == 0);
      CHECK(bad[3] == 0);
    }
  });
  set_kernel_isa(KernelIsa::best);
  // Stochastic rounding consumes the generator exactly as the scalar loop does.
  const Policy sto{Rounding::stochastic, Underflow::flush};
  const std::size_t m = std::min<std::size_t>(n, 100000);
  std::vector<T> out2(m);
  Rng r1(5), r2(5);
  add<T>(f, std::span<const T>(p.a.data(), m), std::span<const T>(p.b.data(), m), out2, sto, &r1);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < m; ++i) bad += out2[i] != f.add(p.a[i], p.b[i], sto, &r2);
  CHECK(bad == 0);
}

template <typename T>
void check_unary_ops(const Format& f) {
  std::vector<T> codes(f.code_count());
  for (std::uint32_t c = 0; c < f.code_count(); ++c) codes[c] = static_cast<T>(c);
  std::vector<T> out(codes.size());
  std::vector<float> values(codes.size());
  std::vector<double> dvalues(codes.size());
  test::for_each_kernel_isa([&](const char* isa) {
    INFO("isa " << isa);
    neg<T>(f, codes, out);
    for (std::size_t i = 0; i < codes.size(); ++i) CHECK(out[i] == f.neg(codes[i]));
    abs<T>(f, codes, out);
    for (std::size_t i = 0; i < codes.size(); ++i) CHECK(out[i] == f.abs(codes[i]));
    decode<T>(f, codes, values);
    decode<T>(f, codes, dvalues);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < codes.size(); ++i) {
      const float want = f.decode_float(codes[i]);
      bad += std::isnan(want) ? !std::isnan(values[i])
                              : std::memcmp(&want, &values[i], sizeof(float)) != 0;
      const double dwant = f.decode(codes[i]);
      bad += std::isnan(dwant) ? !std::isnan(dvalues[i]) : dwant != dvalues[i];
    }
    CHECK(bad == 0);
  });
  set_kernel_isa(KernelIsa::best);
}

template <typename T>
void check_encode(const Format& f) {
  // Every value, every midpoint and power with float neighbours, specials, random floats.
  std::vector<float> xs = {0.0f,
                           -0.0f,
                           std::numeric_limits<float>::infinity(),
                           -std::numeric_limits<float>::infinity(),
                           std::numeric_limits<float>::quiet_NaN(),
                           std::numeric_limits<float>::denorm_min(),
                           std::numeric_limits<float>::max(),
                           std::numeric_limits<float>::min()};
  const auto& t = detail::tables_of(f);
  auto around = [&](long double v) {
    const float x = static_cast<float>(v);
    for (float y : {x, std::nextafter(x, 0.0f), std::nextafter(x, 1e30f)}) {
      xs.push_back(y);
      xs.push_back(-y);
    }
  };
  for (long double m : t.midpoint_ld) around(m);
  for (long double m : t.power_ld) around(m);
  Rng rng(77);
  for (int i = 0; i < 20000; ++i) {
    const double e = (rng.uniform() * 2 - 1) * std::log(f.max_magnitude()) * 1.3;
    xs.push_back(static_cast<float>((rng.below(2) != 0 ? -1 : 1) * std::exp(e)));
  }
  std::vector<T> out(xs.size());
  test::for_each_kernel_isa([&](const char* isa) {
    INFO("isa " << isa);
    for (const Policy pol : {Policy{}, Policy{Rounding::toward_zero, Underflow::flush},
                             Policy{Rounding::nearest, Underflow::clamp}}) {
      encode<T>(f, xs, out, pol);
      std::size_t bad = 0;
      for (std::size_t i = 0; i < xs.size(); ++i) bad += out[i] != f.encode(xs[i], pol);
      INFO(f.spec() << " " << to_string(pol.rounding) << " " << to_string(pol.underflow));
      CHECK(bad == 0);
    }
  });
  set_kernel_isa(KernelIsa::best);
  Rng r1(3), r2(3);
  const Policy sto{Rounding::stochastic, Underflow::flush};
  encode<T>(f, xs, out, sto, &r1);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < xs.size(); ++i) bad += out[i] != f.encode(xs[i], sto, &r2);
  CHECK(bad == 0);
}

}  // namespace

TEST_CASE("elementwise kernels: every code pair of 8-bit formats", "[kernels][elementwise]") {
  for (const char* spec : {"lns8:eta0=0.016", "lns8:gamma=8", "lns8:eta0=0.016,bias=127"}) {
    const Format f = Format::parse(spec);
    check_binary_ops<std::uint8_t>(f, 0, true);
    check_binary_ops<std::uint16_t>(f, 0, false);
    check_unary_ops<std::uint8_t>(f);
    check_encode<std::uint8_t>(f);
  }
}

TEST_CASE("elementwise kernels: every code pair of lns10:eta0=0.004", "[kernels][elementwise]") {
  const Format f = Format::parse("lns10:eta0=0.004");
  check_binary_ops<std::uint16_t>(f, 0, false);
  check_unary_ops<std::uint16_t>(f);
  check_encode<std::uint16_t>(f);
}

TEST_CASE("elementwise kernels: random pairs of 12- and 16-bit formats", "[kernels][elementwise]") {
  for (const char* spec : {"lns12:eta0=0.001", "lns12:gamma=64", "lns16:eta0=0.0001"}) {
    const Format f = Format::parse(spec);
    check_binary_ops<std::uint16_t>(f, 200000, true);
    check_unary_ops<std::uint16_t>(f);
    check_encode<std::uint16_t>(f);
  }
}

TEST_CASE("elementwise reductions fold like the scalar operations", "[kernels][elementwise]") {
  const Format f = Format::parse("lns8:eta0=0.016");
  Rng rng(11);
  std::vector<std::uint8_t> a(1000);
  for (auto& c : a) c = static_cast<std::uint8_t>(rng.below(f.code_count()));
  for (auto& c : a) c = c == f.nan() ? 0 : c;
  code_t s = 0, mx = a[0], mn = a[0];
  double d = 0;
  for (auto c : a) {
    s = f.add(s, c);
    mx = f.max(mx, c);
    mn = f.min(mn, c);
    d += f.decode(c);
  }
  CHECK(sum<std::uint8_t>(f, a) == s);
  CHECK(max<std::uint8_t>(f, a) == mx);
  CHECK(min<std::uint8_t>(f, a) == mn);
  CHECK(sum_decoded<std::uint8_t>(f, a) == d);
  a[500] = static_cast<std::uint8_t>(f.nan());
  CHECK(f.is_nan(sum<std::uint8_t>(f, a)));
  CHECK(f.is_nan(max<std::uint8_t>(f, a)));
  CHECK(sum<std::uint8_t>(f, {}) == 0);
}

TEST_CASE("elementwise kernels reject bad arguments", "[kernels][elementwise]") {
  const Format f12 = Format::parse("lns12:eta0=0.001");
  std::vector<std::uint8_t> a(4), b(3);
  CHECK_THROWS_AS(neg<std::uint8_t>(f12, a, a), std::invalid_argument);
  const Format f8 = Format::parse("lns8:eta0=0.016");
  CHECK_THROWS_AS(mul<std::uint8_t>(f8, a, b, a), std::invalid_argument);
}

// The hand-written AVX2 loops (u8 lanes with vpshufb tables, u16 lanes with vpgatherdd) cover
// whole vectors and the per-element function the tail: lengths around the vector widths, output
// aliasing an input, extreme biases (the saturating bias subtraction) and narrow formats, each
// with the AVX2 path and the forced portable path against the scalar Format operations.
TEST_CASE("elementwise kernels: vector tails, aliasing and extreme biases on both ISAs",
          "[kernels][elementwise]") {
  const char* specs[] = {"lns8:eta0=0.016,bias=-100",
                         "lns8:eta0=0.016,bias=250",
                         "lns8:base=16",
                         "lns8:eta0=0.0005",
                         "lns5:eta0=0.3",
                         "lns3:eta0=1",
                         "lns12:eta0=0.001,bias=-1500",
                         "lns16:eta0=0.0001,bias=40000"};
  for (const char* spec : specs) {
    Format f = Format::parse("lns8:eta0=0.016");
    try {
      f = Format::parse(spec);
    } catch (const FormatError&) {
      continue;  // a bias out of the format's range
    }
    for (const std::size_t len :
         {std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{31}, std::size_t{32},
          std::size_t{33}, std::size_t{95}, std::size_t{1000}}) {
      Rng rng(len);
      std::vector<std::uint16_t> a16(len), b16(len);
      for (std::size_t i = 0; i < len; ++i) {
        a16[i] = static_cast<std::uint16_t>(rng.below(f.code_count()));
        b16[i] = static_cast<std::uint16_t>(rng.below(f.code_count()));
      }
      test::for_each_kernel_isa([&](const char* isa) {
        for (const Policy pol : {Policy{}, Policy{Rounding::toward_zero, Underflow::clamp}}) {
          INFO(spec << " length " << len << " isa " << isa);
          std::size_t bad = 0;
          auto check = [&](auto tag) {
            using T = decltype(tag);
            std::vector<T> a(a16.begin(), a16.end()), b(b16.begin(), b16.end()), o(len);
            mul<T>(f, a, b, o, pol);
            for (std::size_t i = 0; i < len; ++i) bad += o[i] != f.mul(a[i], b[i], pol);
            div<T>(f, a, b, o, pol);
            for (std::size_t i = 0; i < len; ++i) bad += o[i] != f.div(a[i], b[i], pol);
            sub<T>(f, a, b, o, pol);
            for (std::size_t i = 0; i < len; ++i) bad += o[i] != f.sub(a[i], b[i], pol);
            std::vector<T> alias = a;  // out == a
            add<T>(f, alias, b, alias, pol);
            for (std::size_t i = 0; i < len; ++i) bad += alias[i] != f.add(a[i], b[i], pol);
          };
          if (f.bits() <= 8) check(std::uint8_t{});
          check(std::uint16_t{});
          CHECK(bad == 0);
        }
      });
    }
  }
  set_kernel_isa(KernelIsa::best);
}
