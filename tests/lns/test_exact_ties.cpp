// Exact ties and exact powers: in a base whose square root is rational (4, 16, 2.25, 9, 1.5625)
// some geometric midpoints b^(k + 1/2 - bias) are doubles, and an input equal to one is a true tie
// that nearest rounding sends to the even exponent; in base 2 (given as a base) the powers 2^j are
// exact codes that toward_zero and stochastic rounding keep. The expected values are built here by
// integer arithmetic, independently of the library's tables.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <optional>

#include "exact_power.hpp"
#include "lnslab/lns/format.hpp"

using namespace lnslab::lns;

namespace {

// q^n * 2^(s n) as a double when q^n < 2^53 (n >= 0) or q = 1, else nullopt.
std::optional<double> dyadic_power(std::uint64_t q, int s, long n) {
  if (n < 0 && q != 1) return std::nullopt;
  std::uint64_t v = 1;
  for (long i = 0; i < n && q != 1; ++i) {
    v *= q;
    if (v >= (std::uint64_t{1} << 53)) return std::nullopt;
  }
  const double x = std::ldexp(static_cast<double>(v), static_cast<int>(s * n));
  if (!std::isfinite(x) || x < 0x1p-1022) return std::nullopt;  // normal doubles only
  return x;
}

// A base b whose square root is the dyadic rational q * 2^s.
struct RationalRoot {
  const char* spec;
  std::uint64_t q;
  int s;
};

}  // namespace

TEST_CASE("exact_half_power finds exactly the powers that are long doubles", "[encode][ties]") {
  using detail::exact_half_power;
  CHECK(exact_half_power(4.0L, 1) == 2.0L);
  CHECK(exact_half_power(4.0L, -3) == 0.125L);
  CHECK(exact_half_power(2.25L, 3) == 3.375L);
  CHECK(exact_half_power(9.0L, 1) == 3.0L);
  CHECK(exact_half_power(1.5625L, -2) == std::nullopt);  // (16/25): not dyadic
  CHECK(exact_half_power(2.25L, -1) == std::nullopt);    // 2/3
  CHECK(exact_half_power(2.0L, 1) == std::nullopt);      // sqrt(2)
  CHECK(exact_half_power(8.0L, 1) == std::nullopt);      // 2 sqrt(2): odd binary exponent
  CHECK(exact_half_power(1.3L, 1) == std::nullopt);
  const long double b = 1.0L + 0.016L;
  CHECK(exact_half_power(b, 0) == 1.0L);
  CHECK(exact_half_power(b, 2) == b);
  CHECK(exact_half_power(b, 4) == std::nullopt);  // b^2 needs more than 64 significant bits
  CHECK(exact_half_power(3.0L, 80) == 12157665459056928801.0L);           // 3^40 < 2^64
  CHECK(exact_half_power(3.0L, 82) == std::nullopt);                      // 3^41 > 2^64
  CHECK(exact_half_power(2.0L, 2 * -16445) == std::ldexp(1.0L, -16445));  // smallest subnormal
  CHECK(exact_half_power(2.0L, 2 * -16446) == std::nullopt);              // underflows to 0
  CHECK(exact_half_power(2.0L, 2 * 16384) == std::nullopt);               // overflows
}

TEST_CASE("exact midpoints are ties to the even exponent", "[encode][ties]") {
  const RationalRoot bases[] = {
      {"lns6:base=4", 1, 1},
      {"lns8:base=4", 1, 1},
      {"lns12:base=4", 1, 1},
      {"lns6:eta0=3", 1, 1},
      {"lns8:base=16", 1, 2},
      {"lns8:base=2.25", 3, -1},
      {"lns8:base=9", 3, 0},
      {"lns10:eta0=0.5625", 5, -2},
      {"lns8:base=2.25,bias=3", 3, -1},
      // the encoder's first estimate of t lands below some ties here (k = 1 and 3 at bias 0,
      // k = 1 at bias -5), so the exact steps after it must count the midpoint
      {"lns8:base=4,bias=0", 1, 1},
      {"lns5:base=4,bias=-5", 1, 1}};
  for (const RationalRoot& r : bases) {
    const Format f = Format::parse(r.spec);
    INFO(f.spec());
    int ties = 0, odd_below = 0;
    for (int k = 0; k <= f.kmax(); ++k) {
      // The midpoint of k and k + 1: b^(k - bias + 1/2) = (q 2^s)^(2 (k - bias) + 1).
      const auto mid = dyadic_power(r.q, r.s, 2L * (k - f.bias()) + 1);
      if (!mid) continue;
      INFO("k = " << k << ", midpoint " << *mid);
      ++ties;
      odd_below += k % 2;
      const long even = k % 2 == 0 ? k : k + 1;
      for (Underflow u : {Underflow::flush, Underflow::clamp}) {
        CHECK(f.encode(*mid, Policy{Rounding::nearest, u}) == f.finish(false, even, u));
        CHECK(f.encode(-*mid, Policy{Rounding::nearest, u}) == f.finish(true, even, u));
        CHECK(f.encode_ld(*mid, Policy{Rounding::nearest, u}) == f.finish(false, even, u));
        const auto as_float = static_cast<float>(*mid);
        if (static_cast<double>(as_float) == *mid && std::isnormal(as_float))
          CHECK(f.encode(as_float, Policy{Rounding::nearest, u}) == f.finish(false, even, u));
        // Off the tie, the nearer side.
        CHECK(f.encode(std::nextafter(*mid, 0.0), Policy{Rounding::nearest, u}) ==
              f.finish(false, k, u));
        CHECK(f.encode(std::nextafter(*mid, 1e308), Policy{Rounding::nearest, u}) ==
              f.finish(false, k + 1, u));
      }
    }
    // Both parities occur: ties to the lower and to the upper exponent are both checked.
    CHECK(ties >= 4);
    CHECK(odd_below > 0);
    CHECK(odd_below < ties);
  }
}

TEST_CASE("exact powers are exact codes under every rounding", "[encode][ties]") {
  struct Exact {
    const char* spec;
    std::uint64_t q;  // b = q^2 2^(2s), or for "root_irrational" b = q 2^s
    int s;
    bool root_irrational;
  };
  const Exact bases[] = {{"lns8:base=2", 1, 1, true},    {"lns3:eta0=1", 1, 1, true},
                         {"lns8:base=4", 1, 1, false},   {"lns8:base=16", 1, 2, false},
                         {"lns8:base=1.5", 3, -1, true}, {"lns8:base=9", 3, 0, false}};
  Rng rng(77);
  for (const Exact& e : bases) {
    const Format f = Format::parse(e.spec);
    INFO(f.spec());
    int exact = 0;
    for (int k = 1; k <= f.kmax(); ++k) {
      const long j = k - f.bias();
      const auto v = e.root_irrational ? dyadic_power(e.q, e.s, j) : dyadic_power(e.q, e.s, 2 * j);
      if (!v) continue;
      INFO("k = " << k << ", b^(k - bias) = " << *v);
      ++exact;
      const code_t c = f.make(false, k);
      CHECK(f.decode_ld(c) == static_cast<long double>(*v));
      CHECK(f.decode(c) == *v);
      CHECK(f.encode(*v, Policy{Rounding::toward_zero}) == c);
      CHECK(f.encode_ld(*v, Policy{Rounding::toward_zero}) == c);
      CHECK(f.encode(std::nextafter(*v, 0.0), Policy{Rounding::toward_zero}) ==
            f.finish(false, k - 1, Underflow::flush));
      CHECK(f.encode(*v) == c);
      int kept = 0;
      for (int i = 0; i < 64; ++i)
        kept += f.encode(-*v, Policy{Rounding::stochastic}, &rng) == f.neg(c);
      CHECK(kept == 64);
    }
    CHECK(exact >= 3);
  }
}
