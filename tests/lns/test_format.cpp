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

// White-box: formats share their tables through lns/src/table_cache.cpp. Mistakes caught: a cache
// key missing a parameter (bias, base kind) handing one format another's tables, and entries that
// outlive their formats (the cache growing with every format ever parsed).
#include "format_tables.hpp"
#include "table_cache.hpp"

TEST_CASE("formats alive at once share tables only when all their parameters agree", "[format]") {
  using lnslab::lns::detail::tables_of;
  const Format a = Format::parse("lns12:eta0=0.001");
  const Format b = Format::from_eta0(12, 0.001);
  CHECK(&tables_of(a) == &tables_of(b));
  // Same bits and parameter value, another bias or another kind of base: other tables.
  const Format other_bias = Format::parse("lns12:eta0=0.001,bias=2000");
  const Format eta0_two = Format::parse("lns8:eta0=2");  // b = 3
  const Format base_two = Format::parse("lns8:base=2");  // b = 2
  CHECK(&tables_of(other_bias) != &tables_of(a));
  CHECK(tables_of(other_bias).bias == 2000);
  CHECK(&tables_of(eta0_two) != &tables_of(base_two));
  CHECK(eta0_two.base() == 3.0);
  CHECK(base_two.base() == 2.0);
  CHECK(eta0_two.decode(eta0_two.make(false, 64 + 1)) == 3.0);
  CHECK(base_two.decode(base_two.make(false, 64 + 1)) == 2.0);
  // Another bit width with the same base: other tables.
  CHECK(&tables_of(Format::from_eta0(10, 0.001)) != &tables_of(a));
}

TEST_CASE("the table cache keeps recent formats and no more than the live and recent ones",
          "[format]") {
  using lnslab::lns::detail::cached_table_sets;
  using lnslab::lns::detail::recent_table_sets;
  using lnslab::lns::detail::tables_of;
  // A format dropped and parsed again gets the same tables back (the configuration-check case).
  const void* dropped = nullptr;
  {
    const Format f = Format::parse("lns9:eta0=0.0123");
    dropped = &tables_of(f);
  }
  const Format again = Format::parse("lns9:eta0=0.0123");
  CHECK(&tables_of(again) == dropped);
  CHECK(again.decode(again.make(false, 129)) == Approx(1.0123).epsilon(1e-15));

  // Many formats parsed and dropped: once they have left the recent set their entries go.
  const std::size_t before = cached_table_sets();
  for (int i = 1; i <= 4 * static_cast<int>(recent_table_sets); ++i)
    (void)Format::from_eta0(9, 0.001 * i + 0.0005);
  CHECK(cached_table_sets() <= before + recent_table_sets + 1);
  CHECK(&tables_of(again) == dropped);  // held by `again` throughout
}

TEST_CASE("a base step below 2^-40 is an error, not an infinite or overflowing table", "[format]") {
  // fuzz_format's findings: b = 1 in long double made log b = 0 and every offset infinite; at
  // eta0 = 4.9e-19 the offsets log_b(1 - b^-d) passed the range of long (undefined behaviour).
  CHECK_THROWS_WITH(Format::parse("lns10:eta0=0.000000000000000000000000200"),
                    Catch::Contains("is too small: expected eta0 >= 2^-40"));
  CHECK_THROWS_AS(Format::parse("lns10:eta0=0000.00000000000000000049,bias=-200"), FormatError);
  CHECK_THROWS_AS(Format::from_eta0(8, 0x1p-41), FormatError);
  CHECK_THROWS_AS(Format::from_base(8, 1.0 + 0x1p-41), FormatError);
  CHECK_NOTHROW(Format::from_eta0(8, 0x1p-40));
  CHECK_NOTHROW(Format::from_base(8, 1.0 + 0x1p-40));
}
