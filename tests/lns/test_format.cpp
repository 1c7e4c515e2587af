// Format construction, spec strings and the code layout of docs/design.md §3.
#include <catch2/catch.hpp>
#include <cmath>

#include "lnslab/lns/format.hpp"

using lnslab::lns::BaseKind;
using lnslab::lns::Format;
using lnslab::lns::FormatError;

TEST_CASE("spec strings of the paper parse to the right parameters", "[format]") {
  const Format a = Format::parse("lns8:eta0=0.016");
  CHECK(a.bits() == 8);
  CHECK(a.kmax() == 127);
  CHECK(a.bias() == 64);
  CHECK(a.base() == 1.016);
  CHECK(a.base_kind() == BaseKind::eta0);
  CHECK(a.spec() == "lns8:eta0=0.016");

  const Format b = Format::parse("lns12:eta0=0.001,bias=2047");
  CHECK(b.kmax() == 2047);
  CHECK(b.bias() == 2047);
  CHECK(b.spec() == "lns12:eta0=0.001,bias=2047");

  const Format g = Format::parse("lns8:gamma=8");
  REQUIRE(g.gamma().has_value());
  CHECK(*g.gamma() == 8);
  CHECK(g.base() == Approx(std::pow(2.0, 1.0 / 8)).epsilon(1e-15));
  // Exact powers of two are exact codes in base 2^(1/gamma).
  CHECK(g.decode(g.make(false, 64 + 8)) == 2.0);
  CHECK(g.decode(g.make(false, 64 - 16)) == 0.25);

  const Format any = Format::parse("lns6:base=1.5,bias=3");
  CHECK(any.base() == 1.5);
  CHECK(any.bias() == 3);
  CHECK(Format::parse(any.spec()) == any);
}

TEST_CASE("bad spec strings are rejected with a message naming the problem", "[format]") {
  const char* bad[] = {"",
                       "lns",
                       "lns8",
                       "fp8:eta0=0.1",
                       "lns2:eta0=0.1",
                       "lns17:eta0=0.1",
                       "lnsx:eta0=0.1",
                       "lns8:eta0=0",
                       "lns8:eta0=-0.5",
                       "lns8:eta0=abc",
                       "lns8:base=1",
                       "lns8:base=0.5",
                       "lns8:gamma=0",
                       "lns8:gamma=2.5",
                       "lns8:eta0=0.1,gamma=8",
                       "lns8:eta0=0.1,bias=x",
                       "lns8:eta0=0.1,bias=1,bias=2",
                       "lns8:eta0=0.1,",
                       "lns8:bias=3",
                       "lns8:speed=3"};
  for (const char* spec : bad) {
    INFO(spec);
    CHECK_THROWS_AS(Format::parse(spec), FormatError);
  }
  CHECK_THROWS_WITH(Format::parse("lns20:eta0=0.1"), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(Format::parse("lns8:eta0=-1"), Catch::Contains("eta0"));
}

TEST_CASE("code layout: zero, NaN, sign and exponent field", "[format]") {
  for (int bits = 3; bits <= 16; ++bits) {
    const Format f = Format::from_eta0(bits, 2.0 / (1 << bits));  // range fits a double
    const unsigned sign = 1u << (bits - 1);
    CHECK(f.kmax() == static_cast<int>(sign - 1));
    CHECK(f.zero() == 0);
    CHECK(f.nan() == sign);
    CHECK(f.is_nan(f.nan()));
    CHECK_FALSE(f.is_negative(f.nan()));
    CHECK(f.decode(f.zero()) == 0.0);
    CHECK(std::isnan(f.decode(f.nan())));
    CHECK(f.make(true, 5) == (sign | 5u));
    CHECK(f.bias() == (1 << (bits - 2)));
    // Magnitudes grow with k, so codes of one sign order like their values.
    for (int k = 2; k <= std::min(f.kmax(), 300); ++k)
      CHECK(f.decode(f.make(false, k)) > f.decode(f.make(false, k - 1)));
  }
}
