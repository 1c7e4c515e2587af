// The sum reduction equals the scalar left fold ((0 + a0) + a1) + ... with Format::add, on both
// of its paths: the arithmetic adder (short sums) and the table chain of codes of up to 8 bits
// (sum_chain.hpp: built by the first sum of >= 1024 codes, then used for every length).
#include <vector>

#include <catch2/catch.hpp>

#include "lnslab/lns/kernels/elementwise.hpp"

using namespace lnslab::lns;

namespace {

code_t fold(const Format& f, const std::vector<std::uint8_t>& a, Policy pol) {
  code_t s = f.zero();
  for (const auto c : a) s = f.add(s, c, pol);
  return s;
}

// Runs of near-equal magnitudes and of opposite signs (cancellation to zero), the largest codes
// (saturation), zeros and, when asked, NaN.
std::vector<std::uint8_t> adversarial(const Format& f, std::size_t n, Rng& rng, bool with_nan) {
  const std::uint32_t k = static_cast<std::uint32_t>(f.kmax()), s = k + 1;
  std::vector<std::uint8_t> a(n);
  for (auto& c : a) {
    const std::uint32_t kind = rng.below(8);
    std::uint32_t m = kind == 0 ? k : kind == 1 ? 0 : 1 + rng.below(k);
    if (kind == 2) m = k - rng.below(3);
    const std::uint32_t sign = m != 0 && rng.below(2) != 0 ? s : 0;
    c = static_cast<std::uint8_t>(m | sign);
  }
  if (with_nan) a[rng.below(static_cast<std::uint32_t>(n))] = static_cast<std::uint8_t>(s);
  return a;
}

}  // namespace

TEST_CASE("sum equals the scalar fold on the arithmetic and the table-chain path",
          "[kernels][sum]") {
  const std::vector<Policy> policies = {{Rounding::nearest, Underflow::flush},
                                        {Rounding::toward_zero, Underflow::flush},
                                        {Rounding::nearest, Underflow::clamp},
                                        {Rounding::toward_zero, Underflow::clamp}};
  for (const char* spec :
       {"lns8:eta0=0.016", "lns8:gamma=8", "lns8:eta0=0.016,bias=127", "lns8:eta0=0.25,bias=3",
        "lns6:gamma=2", "lns4:eta0=0.5", "lns3:gamma=1"}) {
    const Format f = Format::parse(spec);
    for (const Policy pol : policies) {
      INFO(spec << " rounding " << to_string(pol.rounding) << " underflow "
                << to_string(pol.underflow));
      Rng rng(2024);
      // Short sums before the chain exists: the arithmetic adder.
      std::size_t bad_short = 0;
      for (int t = 0; t < 300; ++t) {
        const auto a = adversarial(f, 1 + rng.below(40), rng, t % 10 == 0);
        bad_short += sum<std::uint8_t>(f, a, pol) != fold(f, a, pol);
      }
      CHECK(bad_short == 0);
      // A long sum builds the chain (and is checked itself).
      const auto long_sum = adversarial(f, 5000, rng, false);
      CHECK(sum<std::uint8_t>(f, long_sum, pol) == fold(f, long_sum, pol));
      // Every pair [a, b] and random triples now go through the chain: every table entry, both
      // signs of the state, the flipped-zero slot and NaN in either place.
      const std::uint32_t n = f.code_count();
      std::size_t bad_pairs = 0;
      for (std::uint32_t x = 0; x < n; ++x)
        for (std::uint32_t y = 0; y < n; ++y) {
          const std::vector<std::uint8_t> a = {static_cast<std::uint8_t>(x),
                                               static_cast<std::uint8_t>(y)};
          bad_pairs += sum<std::uint8_t>(f, a, pol) != fold(f, a, pol);
        }
      CHECK(bad_pairs == 0);
      std::size_t bad_triples = 0;
      for (int t = 0; t < 20000; ++t) {
        const std::vector<std::uint8_t> a = {static_cast<std::uint8_t>(rng.below(n)),
                                             static_cast<std::uint8_t>(rng.below(n)),
                                             static_cast<std::uint8_t>(rng.below(n))};
        bad_triples += sum<std::uint8_t>(f, a, pol) != fold(f, a, pol);
      }
      CHECK(bad_triples == 0);
      std::size_t bad_long = 0;
      for (int t = 0; t < 20; ++t) {
        const auto a = adversarial(f, 1 + rng.below(3000), rng, t % 5 == 0);
        bad_long += sum<std::uint8_t>(f, a, pol) != fold(f, a, pol);
      }
      CHECK(bad_long == 0);
      CHECK(sum<std::uint8_t>(f, std::vector<std::uint8_t>{}, pol) == f.zero());
    }
  }
}
