// Approximate adders: each stated bound checked exhaustively against the exact tables.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>

#include "lnslab/lns/adders.hpp"

using namespace lnslab::lns;

namespace {

long double gaussian(const Format& f, int d, bool sum) {
  const long double c = std::log(f.base_ld());
  const long double r = std::exp(-d * c);
  return (sum ? std::log1p(r) : std::log1p(-r)) / c;
}

const char* formats[] = {"lns8:eta0=0.016", "lns8:gamma=8", "lns10:eta0=0.004", "lns12:eta0=0.001",
                         "lns6:base=1.5"};
const char* adders[] = {"exact",          "lerp:H=1,G=8",    "lerp:H=2,G=8",
                        "lerp:H=8,G=8",   "lerp:H=16,G=12",  "cotran:j=2,G=8",
                        "cotran:j=3,G=8", "cotran:j=4,G=12", "cotran:j=5,G=4"};

// Over every pair of codes (the exhaustive test below), measured at 7bb55d4: the worst |k' - k|
// in ulp of the exponent and how many results differ from the exact adder's.
struct Measured {
  int worst_ulp;
  long differ;
};
Measured measured(const std::string& spec, const std::string& adder) {
  static const std::map<std::pair<std::string, std::string>, Measured> table = {
      {{"lns8:eta0=0.016", "exact"}, {0, 0}},
      {{"lns8:eta0=0.016", "lerp:H=1,G=8"}, {0, 0}},
      {{"lns8:eta0=0.016", "lerp:H=2,G=8"}, {1, 96}},
      {{"lns8:eta0=0.016", "lerp:H=8,G=8"}, {4, 10432}},
      {{"lns8:eta0=0.016", "lerp:H=16,G=12"}, {4, 23232}},
      {{"lns8:eta0=0.016", "cotran:j=2,G=8"}, {0, 0}},
      {{"lns8:eta0=0.016", "cotran:j=3,G=8"}, {0, 0}},
      {{"lns8:eta0=0.016", "cotran:j=4,G=12"}, {0, 0}},
      {{"lns8:eta0=0.016", "cotran:j=5,G=4"}, {1, 2040}},
      {{"lns8:gamma=8", "exact"}, {0, 0}},
      {{"lns8:gamma=8", "lerp:H=1,G=8"}, {1, 720}},
      {{"lns8:gamma=8", "lerp:H=2,G=8"}, {1, 1600}},
      {{"lns8:gamma=8", "lerp:H=8,G=8"}, {1, 6784}},
      {{"lns8:gamma=8", "lerp:H=16,G=12"}, {1, 17312}},
      {{"lns8:gamma=8", "cotran:j=2,G=8"}, {1, 720}},
      {{"lns8:gamma=8", "cotran:j=3,G=8"}, {1, 720}},
      {{"lns8:gamma=8", "cotran:j=4,G=12"}, {0, 0}},
      {{"lns8:gamma=8", "cotran:j=5,G=4"}, {1, 4064}},
      {{"lns10:eta0=0.004", "exact"}, {0, 0}},
      {{"lns10:eta0=0.004", "lerp:H=1,G=8"}, {0, 0}},
      {{"lns10:eta0=0.004", "lerp:H=2,G=8"}, {1, 2624}},
      {{"lns10:eta0=0.004", "lerp:H=8,G=8"}, {2, 42896}},
      {{"lns10:eta0=0.004", "lerp:H=16,G=12"}, {5, 152424}},
      {{"lns10:eta0=0.004", "cotran:j=2,G=8"}, {0, 0}},
      {{"lns10:eta0=0.004", "cotran:j=3,G=8"}, {1, 3576}},
      {{"lns10:eta0=0.004", "cotran:j=4,G=12"}, {0, 0}},
      {{"lns10:eta0=0.004", "cotran:j=5,G=4"}, {1, 49504}},
  };
  const auto it = table.find({spec, adder});
  return it == table.end() ? Measured{-1, -1} : it->second;
}

}  // namespace

TEST_CASE("adder specs parse and print back", "[adders]") {
  for (const char* a : adders) CHECK(to_string(parse_adder(a)) == a);
  for (const char* bad : {"lerp:H=3", "lerp:j=2", "cotran:j=0", "fast", "lerp:H=x", "cotran:G=99"})
    CHECK_THROWS_AS(parse_adder(bad), FormatError);
}

TEST_CASE("every adder's Gaussian-log approximation is within its stated bound", "[adders]") {
  for (const char* spec : formats) {
    const Format f = Format::parse(spec);
    for (const char* a : adders) {
      const ApproxAdder adder(f, parse_adder(a));
      const double scale = std::ldexp(1.0, -adder.spec().guard_bits);
      double worst = 0.0;
      for (int d = 0; d < f.kmax(); ++d) {
        for (bool sum : {true, false}) {
          if (!sum && d == 0) continue;
          const long double exact = gaussian(f, d, sum);
          const double approx = static_cast<double>(adder.approx_fixed(d, sum)) * scale;
          if (adder.spec().kind == AdderKind::exact) {
            // The exact adder is the direct table: the nearest integer.
            REQUIRE(std::fabs(approx - static_cast<double>(exact)) <= 0.5 + 1e-12);
            continue;
          }
          // Entries far below any representable result are clipped: compare only where it matters.
          if (exact < -f.kmax()) continue;
          worst = std::max(worst, std::fabs(approx - static_cast<double>(exact)));
        }
      }
      INFO(spec << " " << a << ": worst " << worst << ", bound " << adder.error_bound());
      CHECK(worst <= adder.error_bound());
    }
  }
}

TEST_CASE("every pair: approximate results within the stated result bound",
          "[adders][exhaustive]") {
  for (const char* spec : {"lns8:eta0=0.016", "lns8:gamma=8", "lns10:eta0=0.004"}) {
    const Format f = Format::parse(spec);
    for (const char* a : adders) {
      const ApproxAdder adder(f, parse_adder(a));
      int worst = 0;
      long differ = 0;
      for (std::uint32_t i = 0; i < f.code_count(); ++i) {
        for (std::uint32_t j = 0; j < f.code_count(); ++j) {
          const auto x = static_cast<code_t>(i);
          const auto y = static_cast<code_t>(j);
          for (bool subtract : {false, true}) {
            const code_t exact = subtract ? f.sub(x, y) : f.add(x, y);
            const code_t approx = subtract ? adder.sub(x, y) : adder.add(x, y);
            if (exact == approx) continue;
            ++differ;
            REQUIRE_FALSE(f.is_nan(exact));
            REQUIRE_FALSE(f.is_nan(approx));
            // Same sign unless one side flushed to zero; zero counts as exponent 0.
            if (exact != 0 && approx != 0) REQUIRE(f.is_negative(exact) == f.is_negative(approx));
            worst = std::max(worst, std::abs(f.exponent(exact) - f.exponent(approx)));
          }
        }
      }
      INFO(spec << " " << a << ": " << differ << " results differ, worst " << worst
                << " ulp, stated " << adder.result_bound());
      CHECK(worst <= adder.result_bound());
      // The stated bound is loose for large H (tens of ulp where a few are measured): the measured
      // figures are checked too, so that a regression within the stated bound fails.
      const Measured m = measured(spec, a);
      CHECK(worst <= m.worst_ulp);
      CHECK(differ <= m.differ);
      if (adder.spec().kind == AdderKind::exact) CHECK(differ == 0);
    }
  }
}
