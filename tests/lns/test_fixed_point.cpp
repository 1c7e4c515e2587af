// Fixed-point conversion tables: direct tables against long double, and the shift-plus-remainder
// form for base 2^(1/gamma) against the direct table.
#include <cmath>
#include <cstdlib>

#include <catch2/catch.hpp>

#include "lnslab/lns/fixed_point.hpp"

using namespace lnslab::lns;

TEST_CASE("code and product fixed-point tables round b^e * 2^F to nearest", "[fixed_point]") {
  for (const char* spec : {"lns8:eta0=0.016", "lns8:gamma=8", "lns10:eta0=0.004"}) {
    const Format f = Format::parse(spec);
    for (int frac : {0, 8, 16, 30}) {
      const FixedPointTable t(f, frac);
      CHECK(t(f.zero()) == 0);
      for (int k = 1; k <= f.kmax(); ++k) {
        const long double exact = std::ldexp(f.decode_ld(f.make(false, k)), frac);
        const auto v = t(f.make(false, k));
        CHECK(std::fabs(static_cast<long double>(v) - exact) <= 0.5L);
        CHECK(t(f.make(true, k)) == -v);
      }
      const ProductFixedTable p(f, f, frac);
      for (int ka = 1; ka <= f.kmax(); ka += 3)
        for (int kb = 1; kb <= f.kmax(); kb += 5) {
          const long double exact =
              std::ldexp(f.decode_ld(f.make(false, ka)) * f.decode_ld(f.make(false, kb)), frac);
          const auto v = p(f.make(false, ka), f.make(true, kb));
          CHECK(std::fabs(static_cast<long double>(-v) - exact) <= 0.5L + exact * 1e-15L);
          CHECK(p.at_exponent(ka + kb - 2 * f.bias()) == -v);
        }
      CHECK(p(f.zero(), f.make(false, 3)) == 0);
    }
  }
  // Rounding ties go to even: 2^-1 at F = 0 is a tie between 0 and 1.
  CHECK(to_fixed(0.5L, 0) == 0);
  CHECK(to_fixed(1.5L, 0) == 2);
  CHECK(to_fixed(1e30L, 10) == fixed_limit);
  CHECK(to_fixed(-1e30L, 10) == -fixed_limit);
  CHECK_THROWS_AS(
      ProductFixedTable(Format::parse("lns8:eta0=0.016"), Format::parse("lns8:gamma=8"), 8),
      std::invalid_argument);
}

TEST_CASE("shift-plus-remainder form relates to the direct table", "[fixed_point]") {
  for (const char* spec : {"lns8:gamma=8", "lns10:gamma=16", "lns12:gamma=64"}) {
    const Format f = Format::parse(spec);
    const int gamma = *f.gamma();
    for (int frac : {0, 4, 12}) {
      const ProductFixedTable direct(f, f, frac);
      const ShiftRemainderTable plain(gamma, frac);         // P = F: no guard bits
      const ShiftRemainderTable guarded(gamma, frac + 24);  // P = F + 24
      int exact_plain = 0;
      for (int e = direct.min_exponent(); e <= direct.max_exponent(); ++e) {
        const std::int64_t d = direct.at_exponent(e);
        if (d >= fixed_limit) continue;
        long q = 0;
        int r = 0;
        ShiftRemainderTable::split(e, gamma, q, r);
        CHECK(q * gamma + r == e);
        CHECK((r >= 0 && r < gamma));
        INFO(spec << " F=" << frac << " e=" << e);
        if (q <= 8) {
          CHECK(guarded.shifted(e, frac) == d);
        } else if (q <= 24) {
          CHECK(std::llabs(guarded.shifted(e, frac) - d) <= 1);
        } else {
          const long double gd = std::fabs(static_cast<long double>(guarded.shifted(e, frac) - d));
          CHECK(gd <= std::ldexp(0.5L, static_cast<int>(q) - 24) + 0.5L);
        }
        const long double diff = std::fabs(static_cast<long double>(plain.shifted(e, frac) - d));
        CHECK(diff <= (q >= 0 ? std::ldexp(0.5L, static_cast<int>(q)) + 0.5L : 1.0L));
        exact_plain += plain.shifted(e, frac) == d;
      }
      CHECK(exact_plain > 0);
    }
  }
}
