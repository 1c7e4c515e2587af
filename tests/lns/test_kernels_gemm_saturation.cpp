// The counted GEMM path (exact sums in any order, then a per-output bound decides which outputs
// could have saturated and redoes those in k order) and the direct dot kernel equal the reference
// bit for bit, counts included: accumulators small enough that some outputs saturate and others
// do not, saturation followed by cancellation (where the order of adds matters), zeros, NaN,
// K = 1..1000, every ISA and 1, 2 and 3 threads.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "gemm_check.hpp"
#include "lnslab/lns/kernels/gemm.hpp"
#include "lnslab/lns/kernels/isa.hpp"

#include "isa_cases.hpp"

using namespace lnslab::lns;
using lnslab::lns::test::same_bits;
using lnslab::lns::test::same_counts;

namespace {

// Codes with exponents center +- spread (clamped to 1..kmax), random signs unless `sign` is 0
// (+) or 1 (-); `zeros` and `nans` are per-mille rates.
std::vector<code_t> codes(const Format& f, std::size_t n, Rng& rng, int center, int spread,
                          int zeros = 0, int nans = 0, int sign = -1) {
  std::vector<code_t> v(n);
  for (auto& c : v) {
    const auto u = static_cast<int>(rng.below(1000));
    if (u < zeros) {
      c = 0;
    } else if (u < zeros + nans) {
      c = f.nan();
    } else {
      const int k = center - spread + static_cast<int>(rng.below(2 * spread + 1));
      const bool negative = sign < 0 ? rng.below(2) != 0 : sign == 1;
      c = f.make(negative, std::clamp(k, 1, f.kmax()));
    }
  }
  return v;
}

// gemm (every ISA, 1-3 threads, with and without counts) against gemm_reference; returns the
// reference counts.
GemmCounts check_gemm(const Format& fa, const Format& fb, const Datapath& dp, int m, int k, int n,
                      const std::vector<code_t>& a, const std::vector<code_t>& b) {
  return test::check_gemm_against_reference(fa, CodeMatrix::row_major(a.data(), m, k), fb,
                                            CodeMatrix::row_major(b.data(), k, n), dp, fa);
}

// Outputs of the reference with and without a saturation (one 1 x 1 GEMM per output).
std::pair<int, int> saturating_outputs(const Format& f, const Datapath& dp, int m, int k, int n,
                                       const std::vector<code_t>& a, const std::vector<code_t>& b) {
  int with = 0, without = 0;
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      GemmCounts c;
      double out = 0;
      gemm_reference(f, CodeMatrix{a.data() + static_cast<std::ptrdiff_t>(i) * k, 1, k, k, 1}, f,
                     CodeMatrix{b.data() + j, k, 1, n, n}, dp, f, &out, &c);
      (c.saturations > 0 ? with : without) += 1;
    }
  return {with, without};
}

const char* const small_datapaths[] = {"linear:F=4,W=12",
                                       "linear:F=0,W=8",
                                       "bins:F=2,W=10",
                                       "bins:F=0,W=8",
                                       "bins:F=8,W=32",
                                       "linear:F=16,W=32",
                                       "bins_mitchell:F=2,W=10,low=1"};

}  // namespace

TEST_CASE("counted GEMM: some outputs saturate, others do not", "[gemm][saturation]") {
  const Format f = Format::parse("lns8:gamma=8");  // bias 64: k = 64 + 8t is 2^t
  Rng rng(7);
  for (const char* spec : small_datapaths) {
    const Datapath dp = parse_datapath(spec);
    const bool wide = dp.acc_bits >= 32;
    const int m = 13, k = wide ? 1000 : 150, n = 19, spread = wide ? 0 : 4;
    // Octaves where K same-sign products just reach the accumulator limit (bins: shared by 8 or 4
    // bins), split between A and B; A's rows step by half an octave around it. Odd rows and the
    // right half of B are positive (steady growth), the rest have random signs (random walks).
    const double bins = dp.kind == Accumulation::linear ? 1
                        : dp.kind == Accumulation::bins ? 8
                                                        : 8 >> dp.low_bits;
    const double reach = dp.acc_bits - 1 - dp.frac_bits - std::log2(static_cast<double>(k) / bins);
    const double tb = std::min(7.5, reach / 2);
    std::vector<code_t> a, b(static_cast<std::size_t>(k) * n);
    for (int i = 0; i < m; ++i) {
      const int center = 64 + static_cast<int>(std::lround(8 * (reach - tb + 0.5 * (i - m / 2))));
      const auto row = codes(f, static_cast<std::size_t>(k), rng, center, spread, 30, 0, i % 2 - 1);
      a.insert(a.end(), row.begin(), row.end());
    }
    for (int j = 0; j < n; ++j) {
      const auto col =
          codes(f, static_cast<std::size_t>(k), rng, 64 + static_cast<int>(std::lround(8 * tb)),
                spread, 30, 0, j < n / 2 ? -1 : 0);
      for (int x = 0; x < k; ++x) b[static_cast<std::size_t>(x) * n + j] = col[x];
    }
    const auto [with, without] = saturating_outputs(f, dp, m, k, n, a, b);
    INFO(spec << ": " << with << " outputs saturate, " << without << " do not");
    CHECK(with > 0);
    CHECK(without > 0);
    const GemmCounts rc = check_gemm(f, f, dp, m, k, n, a, b);
    CHECK(rc.saturations > 0);
  }
}

TEST_CASE("counted GEMM: saturation then cancellation follows the k order", "[gemm][saturation]") {
  const Format f = Format::parse("lns8:gamma=8");
  const code_t one = f.make(false, 64), big = f.make(false, 64 + 8 * 4);  // 1, 16
  for (const char* spec : {"linear:F=2,W=8", "bins:F=2,W=8", "bins_mitchell:F=2,W=8,low=2"}) {
    const Datapath dp = parse_datapath(spec);
    // Row 0: 6 x (+16) then 6 x (-16) (positive saturation, back down); row 1 the negation;
    // row 2 alternates (abs sum above the limit, yet nothing saturates); row 3: small.
    const int m = 4, k = 12, n = 9;
    std::vector<code_t> a(static_cast<std::size_t>(m) * k);
    for (int x = 0; x < k; ++x) {
      a[static_cast<std::size_t>(x)] = x < 6 ? big : f.neg(big);
      a[static_cast<std::size_t>(k + x)] = x < 6 ? f.neg(big) : big;
      a[static_cast<std::size_t>(2 * k + x)] = x % 2 == 0 ? big : f.neg(big);
      a[static_cast<std::size_t>(3 * k + x)] = x % 3 == 0 ? one : 0;
    }
    // Columns: all +1; all -1; zeros in front; a NaN in the last column.
    std::vector<code_t> b(static_cast<std::size_t>(k) * n, one);
    for (int x = 0; x < k; ++x) {
      b[static_cast<std::size_t>(x) * n + 1] = f.neg(one);
      if (x < 3) b[static_cast<std::size_t>(x) * n + 2] = 0;
    }
    b[static_cast<std::size_t>(5) * n + (n - 1)] = f.nan();
    double c0 = 0;  // the first output by itself: clamped at 127/4 on the way up, so not 0
    gemm_reference(f, CodeMatrix::row_major(a.data(), 1, k), f, CodeMatrix{b.data(), k, 1, n, n},
                   dp, f, &c0);
    CHECK(c0 < 0);
    const GemmCounts rc = check_gemm(f, f, dp, m, k, n, a, b);
    CHECK(rc.saturations > 0);
    CHECK(rc.nan_outputs == static_cast<std::uint64_t>(m));
  }
}

TEST_CASE("counted GEMM: K from 1 to 1000, zeros and NaN", "[gemm][saturation]") {
  const Format f = Format::parse("lns8:gamma=8");
  const Format g = Format::parse("lns10:gamma=8");
  Rng rng(11);
  for (int k : {1, 2, 3, 7, 8, 9, 31, 64, 65, 127, 257, 500, 784, 1000}) {
    for (const char* spec : small_datapaths) {
      const Datapath dp = parse_datapath(spec);
      const int m = 5, n = 11;
      // Around the middle of the accumulator: large K saturates, small K does not.
      const int center = 64 + (dp.acc_bits - 8 - dp.frac_bits) * 4 - 8;
      const auto a = codes(f, static_cast<std::size_t>(m) * k, rng, center, 12, 80, 4);
      const auto b = codes(f, static_cast<std::size_t>(k) * n, rng, 64, 12, 80, 4);
      check_gemm(f, f, dp, m, k, n, a, b);
    }
    // Mixed formats (different biases, same base).
    const auto a = codes(g, static_cast<std::size_t>(3) * k, rng, 256 + 40, 30, 50, 2);
    const auto b = codes(f, static_cast<std::size_t>(k) * 9, rng, 64, 30, 50, 2);
    check_gemm(g, f, parse_datapath("bins:F=4,W=16"), 3, k, 9, a, b);
    check_gemm(g, f, parse_datapath("linear:F=4,W=20"), 3, k, 9, a, b);
  }
}

TEST_CASE("counted GEMM: wide accumulators and all-zero operands", "[gemm][saturation]") {
  const Format f = Format::parse("lns8:gamma=8");
  Rng rng(13);
  // linear W = 62 packs the bound in units of 2^u > 1; bins W = 40, F = 30 cannot pack at all
  // and runs sequentially; both must still be exact.
  for (const char* spec : {"linear:F=40,W=62", "bins:F=20,W=40", "bins:F=30,W=40",
                           "bins_mitchell:F=30,W=62,low=2", "linear:F=16,W=24"}) {
    const Datapath dp = parse_datapath(spec);
    for (int k : {1, 40, 300}) {
      const auto a = codes(f, static_cast<std::size_t>(6) * k, rng, 100, 27, 100, 3);
      const auto b = codes(f, static_cast<std::size_t>(k) * 10, rng, 100, 27, 100, 3);
      check_gemm(f, f, dp, 6, k, 10, a, b);
      const std::vector<code_t> zeros(static_cast<std::size_t>(k) * 10, 0);
      const GemmCounts rc = check_gemm(f, f, dp, 6, k, 10, a, zeros);
      CHECK(rc.zero_skipped == static_cast<std::uint64_t>(60) * k);
    }
  }
}

TEST_CASE("dot equals dot_reference for every datapath", "[gemm][dot]") {
  const Format f = Format::parse("lns8:gamma=8");
  const Format e = Format::parse("lns8:eta0=0.016");
  Rng rng(17);
  for (const char* spec :
       {"linear:F=16,W=32", "bins:F=8,W=32", "linear:F=4,W=12", "bins:F=2,W=10", "bins:F=0,W=8",
        "bins_mitchell:F=2,W=10,low=1", "bins_mitchell:F=8,W=24,low=2", "linear:F=40,W=62",
        "bins:F=30,W=40", "logadd", "exact"}) {
    const Datapath dp = parse_datapath(spec);
    for (std::size_t n : {0, 1, 2, 5, 8, 15, 16, 17, 33, 100, 255, 256, 1000, 4096}) {
      for (int center : {40, 64, 96, 120}) {
        const bool bins = dp.kind == Accumulation::bins || dp.kind == Accumulation::bins_mitchell;
        const Format& fa = bins || center != 64 ? f : e;
        const auto a = codes(fa, 2 * n, rng, center, 20, 60, n > 900 ? 0 : 2);
        const auto b = codes(fa, n, rng, center, 20, 60, 2);
        std::vector<code_t> a_even(n);  // every other element: the strided reference
        for (std::size_t x = 0; x < n; ++x) a_even[x] = a[2 * x];
        GemmCounts rc;
        const double ref = dot_reference(fa, a_even.data(), fa, b.data(), n, dp, fa, &rc);
        const GemmPlan plan(fa, fa, dp, fa);
        test::for_each_kernel_isa([&](const char* isa) {
          INFO(spec << " n " << n << " center " << center << " isa " << isa);
          GemmCounts c1, c2;
          CHECK(same_bits(dot(fa, a_even.data(), fa, b.data(), n, dp, fa, &c1), ref));
          CHECK(same_counts(c1, rc));
          CHECK(same_bits(plan.dot(a.data(), b.data(), n, &c2, 2, 1), ref));
          CHECK(same_counts(c2, rc));
          CHECK(same_bits(plan.dot(a_even.data(), b.data(), n), ref));
        });
        set_kernel_isa(KernelIsa::best);
      }
    }
  }
}
