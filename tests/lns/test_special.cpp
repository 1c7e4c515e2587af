// Special values, sqrt, pow, ordering and the compile-time scalar.
#include <catch2/catch.hpp>
#include <cmath>

#include "lnslab/lns/format.hpp"
#include "lnslab/lns/io.hpp"
#include "lnslab/lns/scalar.hpp"
#include "reference.hpp"

using namespace lnslab::lns;

TEST_CASE("zero, NaN, x - x and saturation with both signs", "[special]") {
  const Format f = Format::parse("lns8:eta0=0.016");
  const code_t nan = f.nan();
  for (std::uint32_t i = 0; i < f.code_count(); ++i) {
    const auto x = static_cast<code_t>(i);
    CHECK(f.is_nan(f.add(x, nan)));
    CHECK(f.is_nan(f.mul(nan, x)));
    CHECK(f.is_nan(f.div(x, 0)));
    if (f.is_nan(x)) continue;
    CHECK(f.sub(x, x) == 0);
    CHECK(f.add(x, f.neg(x)) == 0);
    CHECK(f.add(0, x) == x);
    CHECK(f.add(x, 0) == x);
    CHECK(f.mul(x, 0) == 0);
    CHECK(f.neg(f.neg(x)) == x);
  }
  const code_t top = f.largest();
  CHECK(f.add(top, top) == top);
  CHECK(f.add(f.neg(top), f.neg(top)) == f.largest(true));
  CHECK(f.mul(top, top) == top);
  CHECK(f.mul(top, f.neg(top)) == f.largest(true));
  CHECK(f.mul(f.smallest(), f.smallest()) == 0);
  CHECK(f.mul(f.smallest(), f.smallest(true), Policy{Rounding::nearest, Underflow::clamp}) ==
        f.smallest(true));
  CHECK(f.neg(0) == 0);
  CHECK(f.neg(nan) == nan);
}

TEST_CASE("compare, min and max follow values; NaN is unordered", "[special]") {
  const Format f = Format::parse("lns6:eta0=0.1");
  for (std::uint32_t i = 0; i < f.code_count(); ++i) {
    for (std::uint32_t j = 0; j < f.code_count(); ++j) {
      const auto a = static_cast<code_t>(i);
      const auto b = static_cast<code_t>(j);
      if (f.is_nan(a) || f.is_nan(b)) {
        CHECK(f.compare(a, b) == std::partial_ordering::unordered);
        CHECK(f.is_nan(f.min(a, b)));
        continue;
      }
      CHECK((f.compare(a, b) == (f.decode(a) <=> f.decode(b))));
      CHECK(f.decode(f.min(a, b)) == std::min(f.decode(a), f.decode(b)));
      CHECK(f.decode(f.max(a, b)) == std::max(f.decode(a), f.decode(b)));
    }
  }
}

TEST_CASE("sqrt and pow follow the rounding rule, ties to even", "[special]") {
  for (const char* spec : {"lns8:eta0=0.016", "lns8:gamma=8", "lns7:base=1.2,bias=5"}) {
    const Format f = Format::parse(spec);
    for (std::uint32_t i = 0; i < f.code_count(); ++i) {
      const auto x = static_cast<code_t>(i);
      if (f.is_nan(x) || f.is_negative(x)) {
        CHECK(f.is_nan(f.sqrt(x)));
        continue;
      }
      // sqrt: ideal exponent (k + bias) / 2; half-integers are exact ties -> even k.
      const long twice = f.exponent(x) + f.bias();
      long expected_k = static_cast<long>(std::floor(twice / 2.0));
      if (twice % 2 != 0 && expected_k % 2 != 0) ++expected_k;
      if (x != 0) CHECK(f.sqrt(x) == f.finish(false, expected_k, Underflow::flush));
      CHECK(f.sqrt(x, Policy{Rounding::toward_zero}) ==
            (x == 0
                 ? 0
                 : f.finish(false, static_cast<long>(std::floor(twice / 2.0)), Underflow::flush)));
      for (int n = -3; n <= 3; ++n) {
        if (x == 0) continue;
        const long double v = std::pow(f.decode_ld(x), n);
        INFO(spec << " pow(" << i << ", " << n << ")");
        CHECK(f.pow(x, n) == testing::reference_encode(f, v, Underflow::flush));
      }
    }
    CHECK(f.pow(0, 2) == 0);
    CHECK(f.is_nan(f.pow(0, -1)));
  }
}

TEST_CASE("the compile-time scalar is bit-identical to the runtime format", "[scalar]") {
  using S = lns8_eta0_016;
  const Format f = Format::parse("lns8:eta0=0.016");
  CHECK(S::format() == f);
  for (std::uint32_t i = 0; i < f.code_count(); i += 3) {
    for (std::uint32_t j = 0; j < f.code_count(); j += 5) {
      const S a = S::from_code(static_cast<code_t>(i));
      const S b = S::from_code(static_cast<code_t>(j));
      CHECK((a + b).code() == f.add(a.code(), b.code()));
      CHECK((a - b).code() == f.sub(a.code(), b.code()));
      CHECK((a * b).code() == f.mul(a.code(), b.code()));
      CHECK((a / b).code() == f.div(a.code(), b.code()));
    }
  }
  const S x = 0.5;
  CHECK(double(x) == f.decode(f.encode(0.5)));
  CHECK(double(sqrt(S(4.0))) == f.decode(f.sqrt(f.encode(4.0))));
  CHECK(S(1.0) < S(2.0));
  CHECK_FALSE(S::from_code(f.nan()) == S::from_code(f.nan()));
  using Clamped = Scalar<eta0_format(8, 0.016, 127), Policy{Rounding::nearest, Underflow::clamp}>;
  CHECK(Clamped(1e-9).code() == Clamped::format().smallest());
}

TEST_CASE("codes print with sign, exponent and value", "[io]") {
  const Format f = Format::parse("lns8:eta0=0.016");
  CHECK(to_string(view(f, 0)) == "0x00(zero)");
  CHECK(to_string(view(f, f.nan())) == "0x80(NaN)");
  CHECK(to_string(view(f, f.make(false, 64))) == "0x40(+k=64:1)");
  CHECK(to_string(view(f, f.make(true, 64))) == "0xc0(-k=64:-1)");
}
