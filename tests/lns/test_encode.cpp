// Encoding by the rounding rule: round trips of every code, midpoints, ties, range boundaries,
// stochastic rounding's mean.
#include <catch2/catch.hpp>
#include <cfloat>
#include <cmath>
#include <vector>

#include "lnslab/lns/format.hpp"
#include "reference.hpp"

using namespace lnslab::lns;

namespace {
std::vector<Format> formats_3_to_12() {
  std::vector<Format> fs;
  for (int bits = 3; bits <= 12; ++bits) {
    fs.push_back(Format::from_eta0(bits, 0.25 / (1 << (bits / 2))));
    fs.push_back(Format::from_gamma(bits, 1 << (bits / 3)));
    fs.push_back(Format::from_base(bits, 1.3, 1));
  }
  fs.push_back(Format::parse("lns8:eta0=0.016"));
  fs.push_back(Format::parse("lns10:eta0=0.004"));
  fs.push_back(Format::parse("lns12:eta0=0.001"));
  fs.push_back(Format::parse("lns12:eta0=0.001,bias=2047"));
  return fs;
}
}  // namespace

TEST_CASE("every code of every format of 3..12 bits survives decode then encode", "[encode]") {
  for (const Format& f : formats_3_to_12()) {
    INFO(f.spec());
    for (std::uint32_t c = 0; c < f.code_count(); ++c) {
      const auto code = static_cast<code_t>(c);
      if (f.is_nan(code)) {
        CHECK(f.is_nan(f.encode(f.decode(code))));
        continue;
      }
      REQUIRE(f.encode(f.decode(code)) == code);
      const float as_float = f.decode_float(code);
      if (code == 0 || (std::fabs(as_float) >= FLT_MIN && std::isfinite(as_float)))
        REQUIRE(f.encode(as_float) == code);  // outside float's normal range, float is lossy
      REQUIRE(f.encode_ld(f.decode_ld(code)) == code);
      // toward_zero keeps the code when the double is not below the true value b^(k - bias),
      // else (the double was rounded down) it is the code below.
      const double d = f.decode(code);
      const bool rounded_down =
          std::fabs(static_cast<long double>(d)) < std::fabs(f.decode_ld(code));
      const code_t expected =
          code == 0 || !rounded_down
              ? code
              : f.finish(f.is_negative(code), f.exponent(code) - 1, Underflow::flush);
      REQUIRE(f.encode(d, Policy{Rounding::toward_zero}) == expected);
    }
  }
}

TEST_CASE("neighbours of every midpoint round to the two sides", "[encode]") {
  for (const Format& f : formats_3_to_12()) {
    INFO(f.spec());
    for (int k = 1; k < f.kmax(); ++k) {
      const long double mid =
          std::sqrt(f.decode_ld(f.make(false, k)) * f.decode_ld(f.make(false, k + 1)));
      const double below = std::nextafter(static_cast<double>(mid), 0.0);
      const double above = std::nextafter(static_cast<double>(mid), 1e308);
      REQUIRE(f.encode(below) == f.make(false, k));
      REQUIRE(f.encode(above) == f.make(false, k + 1));
      REQUIRE(f.encode(-above) == f.make(true, k + 1));
      // toward_zero: anything below the next code stays at k.
      REQUIRE(f.encode(std::nextafter(f.decode(f.make(false, k + 1)), 0.0),
                       Policy{Rounding::toward_zero}) == f.make(false, k));
    }
  }
}

TEST_CASE("random reals encode like the independent long double reference", "[encode]") {
  Rng rng(12345);
  int near_ties = 0;
  for (const Format& f : formats_3_to_12()) {
    INFO(f.spec());
    const double lo = std::log(f.min_magnitude()) - 1.0;
    const double hi = std::log(f.max_magnitude()) + 1.0;
    for (int i = 0; i < 2000; ++i) {
      const double v = (rng.uniform() < 0.5 ? -1 : 1) * std::exp(lo + (hi - lo) * rng.uniform());
      for (Underflow u : {Underflow::flush, Underflow::clamp}) {
        bool tie = false;
        const code_t expected = testing::reference_encode(f, v, u, &tie);
        if (tie) {
          ++near_ties;
          continue;
        }
        REQUIRE(f.encode(v, Policy{Rounding::nearest, u}) == expected);
      }
    }
  }
  CHECK(near_ties == 0);
}

TEST_CASE("range boundaries: saturation, flush and clamp", "[encode]") {
  const Format f = Format::parse("lns8:eta0=0.016");
  const double top = f.max_magnitude();
  CHECK(f.encode(top * 1.5) == f.largest());
  CHECK(f.encode(-top * 1e9) == f.largest(true));
  CHECK(f.encode(INFINITY) == f.largest());
  CHECK(f.encode(-INFINITY) == f.largest(true));
  CHECK(f.is_nan(f.encode(NAN)));
  CHECK(f.encode(0.0) == 0);
  CHECK(f.encode(-0.0) == 0);  // there is no negative zero code
  const double bottom = f.min_magnitude();
  const double below_half = bottom / std::sqrt(1.016) * 0.999;  // rounds to k = 0
  CHECK(f.encode(below_half) == 0);
  CHECK(f.encode(-below_half) == 0);
  CHECK(f.encode(below_half, Policy{Rounding::nearest, Underflow::clamp}) == f.smallest());
  CHECK(f.encode(-1e-30, Policy{Rounding::nearest, Underflow::clamp}) == f.smallest(true));
  CHECK(f.encode(bottom * 1.001) == f.smallest());
  CHECK(f.encode(bottom * 1.001, Policy{Rounding::toward_zero}) == f.smallest());
  CHECK(f.encode(bottom * 0.999, Policy{Rounding::toward_zero}) == 0);
  CHECK(f.encode(1e300, Policy{Rounding::toward_zero}) == f.largest());
}

TEST_CASE("stochastic encoding is unbiased in value", "[encode][stochastic]") {
  const Format f = Format::parse("lns8:eta0=0.016");
  Rng rng(2024);
  const Policy sr{Rounding::stochastic};
  for (double x : {0.5, 0.73, 1.0001, 1.9, -1.234}) {
    const int n = 200000;
    double sum = 0.0;
    code_t lo_code = f.encode(x, Policy{Rounding::toward_zero});
    const double lo = f.decode(lo_code);
    const double hi = f.decode(f.make(x < 0, f.exponent(lo_code) + 1));
    for (int i = 0; i < n; ++i) {
      const code_t c = f.encode(x, sr, &rng);
      const double v = f.decode(c);
      REQUIRE((v == lo || v == hi));
      sum += v;
    }
    // Bernoulli mean: standard error |hi - lo| / (2 sqrt(n)) at most; allow 5 standard errors.
    const double bound = 5.0 * std::fabs(hi - lo) / (2.0 * std::sqrt(double(n)));
    INFO("x = " << x);
    CHECK(std::fabs(sum / n - x) < bound);
  }
  CHECK_THROWS(f.encode(0.7, sr, nullptr));
}
