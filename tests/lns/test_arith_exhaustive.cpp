// Every pair of codes of the paper's small formats, for add, sub, mul and div, against the
// independent long double reference of the rounding rule; random pairs for 12 and 16 bits.
#include <catch2/catch.hpp>
#include <cmath>

#include "lnslab/lns/closure.hpp"
#include "lnslab/lns/format.hpp"
#include "reference.hpp"

using namespace lnslab::lns;

namespace {

long double ideal(const Format& f, Op op, code_t a, code_t b) {
  const long double x = f.decode_ld(a);
  const long double y = f.decode_ld(b);
  switch (op) {
    case Op::add:
      return x + y;
    case Op::sub:
      return x - y;
    case Op::mul:
      return x * y;
    case Op::div:
      return y == 0.0L ? NAN : x / y;
  }
  return NAN;
}

code_t apply(const Format& f, Op op, code_t a, code_t b, Policy p) {
  switch (op) {
    case Op::add:
      return f.add(a, b, p);
    case Op::sub:
      return f.sub(a, b, p);
    case Op::mul:
      return f.mul(a, b, p);
    case Op::div:
      return f.div(a, b, p);
  }
  return f.nan();
}

// Checks one pair; counts a mismatch (describing only the first few: a broken operation would
// otherwise pile up millions of messages and run for many minutes) and near ties (undecidable in
// long double).
void check_pair(const Format& f, Op op, code_t a, code_t b, Underflow u, long& near_ties,
                long& mismatches) {
  bool tie = false;
  const long double v = ideal(f, op, a, b);
  const code_t expected = testing::reference_encode(f, v, u, &tie);
  if (tie) {
    ++near_ties;
    return;
  }
  const code_t got = apply(f, op, a, b, Policy{Rounding::nearest, u});
  if (got != expected && ++mismatches <= 5)
    UNSCOPED_INFO(f.spec() << " " << to_string(op) << "(" << a << ", " << b << ") = " << got
                           << ", expected " << expected);
}

}  // namespace

TEST_CASE("every pair of 8- and 10-bit formats equals the rounding rule", "[arith][exhaustive]") {
  for (const char* spec : {"lns8:eta0=0.016", "lns8:gamma=8", "lns10:eta0=0.004"}) {
    const Format f = Format::parse(spec);
    for (Op op : {Op::add, Op::sub, Op::mul, Op::div}) {
      long near_ties = 0;
      long mismatches = 0;
      for (std::uint32_t i = 0; i < f.code_count(); ++i)
        for (std::uint32_t j = 0; j < f.code_count() && mismatches <= 5; ++j)
          check_pair(f, op, static_cast<code_t>(i), static_cast<code_t>(j), Underflow::flush,
                     near_ties, mismatches);
      INFO(spec << " " << to_string(op));
      CHECK(mismatches == 0);
      CHECK(near_ties == 0);
    }
  }
}

TEST_CASE("clamped underflow on every pair of an 8-bit format", "[arith][exhaustive]") {
  const Format f = Format::parse("lns8:eta0=0.016,bias=127");
  long near_ties = 0;
  long mismatches = 0;
  for (Op op : {Op::add, Op::sub, Op::mul, Op::div})
    for (std::uint32_t i = 0; i < f.code_count(); ++i)
      for (std::uint32_t j = 0; j < f.code_count(); ++j)
        check_pair(f, op, static_cast<code_t>(i), static_cast<code_t>(j), Underflow::clamp,
                   near_ties, mismatches);
  CHECK(mismatches == 0);
  CHECK(near_ties == 0);
}

TEST_CASE("random pairs of 12- and 16-bit formats equal the rounding rule", "[arith][random]") {
  Rng rng(77);
  for (const char* spec : {"lns12:eta0=0.001", "lns12:gamma=64", "lns16:eta0=0.0001",
                           "lns16:gamma=1024", "lns16:base=1.01,bias=30000"}) {
    const Format f = Format::parse(spec);
    long near_ties = 0;
    long mismatches = 0;
    for (int i = 0; i < 200000; ++i) {
      const auto a = static_cast<code_t>(rng.below(f.code_count()));
      // Half of the pairs close together, where subtraction cancels.
      code_t b = static_cast<code_t>(rng.below(f.code_count()));
      if (i % 2 == 0) {
        const int k = std::clamp(f.exponent(a) + static_cast<int>(rng.below(9)) - 4, 1, f.kmax());
        b = f.make(rng.below(2) == 1, k);
      }
      for (Op op : {Op::add, Op::sub, Op::mul, Op::div})
        check_pair(f, op, a, b, Underflow::flush, near_ties, mismatches);
    }
    INFO(spec);
    CHECK(mismatches == 0);
    CHECK(near_ties == 0);
  }
}

TEST_CASE("toward_zero add never increases the magnitude and is the floor", "[arith][exhaustive]") {
  for (const char* spec : {"lns8:eta0=0.016", "lns8:gamma=8"}) {
    const Format f = Format::parse(spec);
    const Policy tz{Rounding::toward_zero};
    for (std::uint32_t i = 0; i < f.code_count(); ++i) {
      for (std::uint32_t j = 0; j < f.code_count(); ++j) {
        const auto a = static_cast<code_t>(i);
        const auto b = static_cast<code_t>(j);
        const code_t r = f.add(a, b, tz);
        const long double v = f.decode_ld(a) + f.decode_ld(b);
        if (std::isnan(v)) {
          REQUIRE(f.is_nan(r));
          continue;
        }
        if (v == 0.0L) {
          REQUIRE(r == 0);
          continue;
        }
        // Reference: floor of t, with exact integers (e.g. x + x = b^gamma x) kept exact.
        long double t = f.bias() + std::log(std::fabs(v)) / std::log(f.base_ld());
        if (std::fabs(t - std::nearbyint(t)) < 1e-12L) t = std::nearbyint(t);
        const code_t expected = f.finish(v < 0, static_cast<long>(std::floor(t)), Underflow::flush);
        INFO(spec << " " << i << " + " << j);
        REQUIRE(r == expected);
      }
    }
  }
}

TEST_CASE("stochastic add is unbiased in value", "[arith][stochastic]") {
  const Format f = Format::parse("lns8:eta0=0.016");
  Rng rng(99);
  const Policy sr{Rounding::stochastic};
  const code_t pairs[][2] = {{f.encode(1.0), f.encode(0.9)},
                             {f.encode(1.0), f.encode(0.05 * 8)},
                             {f.encode(2.0), f.encode(-1.5)},
                             {f.encode(-2.0), f.encode(-0.4)},
                             {f.encode(1.0), f.encode(0.37)}};
  for (const auto& p : pairs) {
    const long double v = f.decode_ld(p[0]) + f.decode_ld(p[1]);
    const code_t lo = f.add(p[0], p[1], Policy{Rounding::toward_zero});
    const long double lo_v = f.decode_ld(lo);
    const long double gap = std::fabs(f.decode_ld(f.make(v < 0, f.exponent(lo) + 1)) - lo_v);
    const int n = 200000;
    long double sum = 0.0L;
    for (int i = 0; i < n; ++i) sum += f.decode_ld(f.add(p[0], p[1], sr, &rng));
    INFO("v = " << static_cast<double>(v));
    CHECK(std::fabs(static_cast<double>(sum / n - v)) <
          5.0 * static_cast<double>(gap) / (2.0 * std::sqrt(double(n))));
  }
  CHECK_THROWS(f.add(pairs[0][0], pairs[0][1], sr, nullptr));
}
