// The fast GEMM equals gemm_reference bit for bit, for every datapath, layout and thread count,
// on random and adversarial inputs; the reference itself is checked against hand computations.
#include <array>
#include <cmath>
#include <cstring>
#include <vector>

#include <catch2/catch.hpp>

#include "gemm_check.hpp"
#include "lnslab/lns/fixed_point.hpp"
#include "lnslab/lns/kernels/gemm.hpp"
#include "lnslab/lns/kernels/isa.hpp"

#include "isa_cases.hpp"

using namespace lnslab::lns;
using lnslab::lns::test::same_bits;

namespace {

// Random codes; `zeros`, `nans`, `large` are per-mille rates of zero, NaN and near-largest codes.
std::vector<code_t> random_codes(const Format& f, std::size_t n, Rng& rng, int zeros, int nans,
                                 int large) {
  std::vector<code_t> v(n);
  for (auto& c : v) {
    const auto u = static_cast<int>(rng.below(1000));
    if (u < zeros) {
      c = 0;
    } else if (u < zeros + nans) {
      c = f.nan();
    } else if (u < zeros + nans + large) {
      c = f.make(rng.below(2) != 0, f.kmax() - static_cast<int>(rng.below(4)));
    } else {
      c = static_cast<code_t>(
          f.make(rng.below(2) != 0,
                 1 + static_cast<int>(rng.below(static_cast<std::uint64_t>(f.kmax())))));
    }
  }
  return v;
}

struct Case {
  const char* fa;
  const char* fb;
  const char* dp;
};

void check_all(const Format& fa, const Format& fb, const Datapath& dp, const Format& out, int m,
               int k, int n, const std::vector<code_t>& a, const std::vector<code_t>& b,
               bool col_major_a, bool col_major_b) {
  const CodeMatrix ma =
      col_major_a ? CodeMatrix::col_major(a.data(), m, k) : CodeMatrix::row_major(a.data(), m, k);
  const CodeMatrix mb =
      col_major_b ? CodeMatrix::col_major(b.data(), k, n) : CodeMatrix::row_major(b.data(), k, n);
  test::check_gemm_against_reference(fa, ma, fb, mb, dp, out);
}

}  // namespace

TEST_CASE("datapath strings round-trip and reject bad input", "[datapath]") {
  for (const char* text : {"linear:F=16,W=32", "bins:F=8,W=24", "bins_mitchell:F=8,W=24,low=2",
                           "logadd", "exact", "linear:F=0,W=8"}) {
    const Datapath d = parse_datapath(text);
    CHECK(to_string(d) == text);
    CHECK(parse_datapath(to_string(d)) == d);
  }
  CHECK(parse_datapath("linear") == Datapath{});
  CHECK(parse_datapath("bins:W=40").acc_bits == 40);
  CHECK(parse_datapath("bins_mitchell").low_bits == 1);
  for (const char* bad :
       {"", "lin", "linear:", "linear:F", "linear:F=x", "linear:W=63", "linear:W=7", "linear:F=-1",
        "linear:low=1", "logadd:F=3", "bins_mitchell:low=0", "linear:F=8,", "linear:Q=1"})
    CHECK_THROWS_AS(parse_datapath(bad), std::invalid_argument);
}

TEST_CASE("GEMM reference matches hand computations", "[gemm]") {
  const Format f = Format::parse("lns8:gamma=8");  // b = 2^(1/8), bias 64
  // a = 2^1 (k = 72), b = -2^(1/8) (k = 65): product -2^(9/8).
  const code_t a[2] = {f.make(false, 72), 0};
  const code_t b[2] = {f.make(true, 65), f.make(false, 64)};
  const double ideal = -std::pow(2.0, 9.0 / 8.0);
  double c = 0;
  gemm_reference(f, CodeMatrix::row_major(a, 1, 2), f, CodeMatrix::row_major(b, 2, 1),
                 parse_datapath("linear:F=4,W=16"), f, &c);
  CHECK(c == std::nearbyint(ideal * 16) / 16);
  gemm_reference(f, CodeMatrix::row_major(a, 1, 2), f, CodeMatrix::row_major(b, 2, 1),
                 parse_datapath("exact"), f, &c);
  CHECK(c == Approx(ideal).epsilon(1e-15));
  // bins: e = 9 = 1 * 8 + 1: 2^(1 + F) into bin 1, scaled by C_1 = round(2^(1/8) * 2^F).
  GemmCounts counts;
  gemm_reference(f, CodeMatrix::row_major(a, 1, 2), f, CodeMatrix::row_major(b, 2, 1),
                 parse_datapath("bins:F=6,W=16"), f, &c, &counts);
  const double c1 = std::nearbyint(std::pow(2.0, 1.0 / 8) * 64);
  CHECK(c == -(2.0 * c1) / 64);
  CHECK(counts.bins_touched == 1);
  CHECK(counts.zero_skipped == 1);
  CHECK(counts.macs == 2);
  // saturation: 3 products of 2^1 (64 at F = 5) into a W = 8 accumulator (max 127).
  const code_t big[3] = {f.make(false, 72), f.make(false, 72), f.make(false, 72)};
  const code_t one[3] = {f.make(false, 64), f.make(false, 64), f.make(false, 64)};
  counts = {};
  gemm_reference(f, CodeMatrix::row_major(big, 1, 3), f, CodeMatrix::row_major(one, 3, 1),
                 parse_datapath("linear:F=5,W=8"), f, &c, &counts);
  CHECK(c == 127.0 / 32);
  CHECK(counts.saturations == 2);
  // NaN anywhere makes the output NaN.
  const code_t with_nan[2] = {f.nan(), f.make(false, 70)};
  gemm_reference(f, CodeMatrix::row_major(with_nan, 1, 2), f, CodeMatrix::row_major(b, 2, 1),
                 parse_datapath("linear"), f, &c);
  CHECK(std::isnan(c));
  // logadd of x and -x is exactly zero.
  const code_t pair_a[2] = {f.make(false, 70), f.make(true, 70)};
  const code_t pair_b[2] = {f.make(false, 60), f.make(false, 60)};
  gemm_reference(f, CodeMatrix::row_major(pair_a, 1, 2), f, CodeMatrix::row_major(pair_b, 2, 1),
                 parse_datapath("logadd"), f, &c);
  CHECK(c == 0.0);
  CHECK_THROWS_AS(gemm_reference(Format::parse("lns8:eta0=0.016"), CodeMatrix::row_major(a, 1, 2),
                                 Format::parse("lns8:eta0=0.016"), CodeMatrix::row_major(b, 2, 1),
                                 parse_datapath("bins"), f, &c),
                  std::invalid_argument);
  CHECK_THROWS_AS(gemm(f, CodeMatrix::row_major(a, 1, 2), f, CodeMatrix::row_major(b, 1, 2),
                       parse_datapath("linear"), f, &c),
                  std::invalid_argument);
}

TEST_CASE("fast GEMM equals the reference bit for bit", "[gemm]") {
  const Case cases[] = {
      {"lns8:eta0=0.016", "lns8:eta0=0.016", "linear:F=16,W=32"},
      {"lns8:eta0=0.016", "lns8:eta0=0.016", "linear:F=20,W=24"},   // saturating
      {"lns8:eta0=0.016", "lns8:eta0=0.016", "linear:F=30,W=62"},   // int64 lanes
      {"lns8:eta0=0.016", "lns12:eta0=0.016", "linear:F=12,W=40"},  // mixed widths
      {"lns8:eta0=0.016", "lns8:eta0=0.016", "exact"},
      {"lns8:eta0=0.016", "lns8:eta0=0.016", "logadd"},
      {"lns8:gamma=8", "lns8:gamma=8", "bins:F=8,W=40"},
      {"lns8:gamma=8", "lns8:gamma=8", "bins:F=8,W=20"},  // saturating bins
      {"lns8:gamma=8", "lns8:gamma=8", "bins_mitchell:F=8,W=40,low=1"},
      {"lns8:gamma=8", "lns8:gamma=8", "bins_mitchell:F=4,W=24,low=2"},
      {"lns8:gamma=8", "lns8:gamma=8", "linear:F=16,W=32"},
      {"lns10:eta0=0.004", "lns10:eta0=0.004", "linear:F=8,W=32"},
      {"lns12:eta0=0.001", "lns12:eta0=0.001", "linear:F=16,W=62"},
      {"lns12:gamma=64", "lns12:gamma=64", "bins:F=12,W=48"},
  };
  Rng rng(20240601);
  for (const Case& cs : cases) {
    const Format fa = Format::parse(cs.fa);
    const Format fb = Format::parse(cs.fb);
    const Datapath dp = parse_datapath(cs.dp);
    const int shapes[][3] = {{7, 33, 19}, {1, 64, 1}, {18, 5, 40}, {9, 70, 3}};
    for (const auto& s : shapes) {
      const int m = s[0], k = s[1], n = s[2];
      for (int variant = 0; variant < 3; ++variant) {
        // 0: plain random; 1: zeros and large codes (saturation); 2: also NaN.
        const int zeros = variant == 0 ? 0 : 150;
        const int nans = variant == 2 ? 8 : 0;
        const int large = variant == 0 ? 0 : 300;
        const auto a = random_codes(fa, static_cast<std::size_t>(m) * k, rng, zeros, nans, large);
        const auto b = random_codes(fb, static_cast<std::size_t>(k) * n, rng, zeros, nans, large);
        check_all(fa, fb, dp, fa, m, k, n, a, b, variant == 1, variant == 2);
      }
    }
  }
}

TEST_CASE("GEMM cancellation: x*y - x*y sums to exactly zero in every datapath", "[gemm]") {
  const Format f = Format::parse("lns8:gamma=8");
  Rng rng(7);
  const int k = 64;
  std::vector<code_t> a(k), b(k);
  for (int i = 0; i < k; i += 2) {
    a[i] = f.make(false, 1 + static_cast<int>(rng.below(127)));
    a[i + 1] = f.neg(a[i]);
    b[i] = b[i + 1] = f.make(rng.below(2) != 0, 1 + static_cast<int>(rng.below(127)));
  }
  for (const char* d : {"linear:F=16,W=48", "bins:F=16,W=48", "exact"}) {
    const Datapath dp = parse_datapath(d);
    const double ref = dot_reference(f, a.data(), f, b.data(), k, dp, f);
    CHECK(ref == 0.0);
    CHECK(same_bits(dot(f, a.data(), f, b.data(), k, dp, f), ref));
  }
}

TEST_CASE("GemmPlan::dot with strides equals the reference", "[gemm]") {
  const Format f = Format::parse("lns8:eta0=0.016");
  Rng rng(99);
  const auto a = random_codes(f, 300, rng, 100, 0, 0);
  const auto b = random_codes(f, 600, rng, 100, 0, 0);
  std::vector<code_t> b2(300);
  for (int i = 0; i < 300; ++i)
    b2[static_cast<std::size_t>(i)] = b[static_cast<std::size_t>(2 * i)];
  for (const char* d : {"linear", "exact", "logadd"}) {
    const GemmPlan plan(f, f, parse_datapath(d), f);
    const double ref = dot_reference(f, a.data(), f, b2.data(), 300, parse_datapath(d), f);
    CHECK(same_bits(plan.dot(a.data(), b.data(), 300, nullptr, 1, 2), ref));
  }
}

TEST_CASE("mixed-operand GEMM (codes x floats) equals its reference", "[gemm][mixed]") {
  const Format f = Format::parse("lns8:eta0=0.016");
  Rng rng(31);
  for (const auto& s : std::vector<std::array<int, 3>>{{5, 17, 37}, {33, 64, 70}, {1, 3, 1}}) {
    const int m = s[0], k = s[1], n = s[2];
    auto codes_a = random_codes(f, static_cast<std::size_t>(m) * k, rng, 100, 5, 50);
    auto codes_b = random_codes(f, static_cast<std::size_t>(k) * n, rng, 100, 5, 50);
    std::vector<float> fa(static_cast<std::size_t>(m) * k), fb(static_cast<std::size_t>(k) * n);
    for (auto& x : fa) x = static_cast<float>(rng.normal());
    for (auto& x : fb) x = static_cast<float>(rng.normal());
    std::vector<float> ref(static_cast<std::size_t>(m) * n), out(ref.size());
    auto same = [&] {
      std::size_t bad = 0;
      for (std::size_t x = 0; x < ref.size(); ++x)
        bad += std::isnan(ref[x]) ? !std::isnan(out[x])
                                  : std::memcmp(&ref[x], &out[x], sizeof(float)) != 0;
      return bad;
    };
    test::for_each_kernel_isa([&](const char* isa) {
      INFO("isa " << isa);
      for (int threads : {1, 2}) {
        const auto ca = CodeMatrix::col_major(codes_a.data(), m, k);
        gemm_mixed_reference(f, ca, FloatMatrix::row_major(fb.data(), k, n), ref.data());
        gemm_mixed(f, ca, FloatMatrix::row_major(fb.data(), k, n), out.data(), threads);
        CHECK(same() == 0);
        const auto cb = CodeMatrix::row_major(codes_b.data(), k, n);
        gemm_mixed_reference(FloatMatrix::col_major(fa.data(), m, k), f, cb, ref.data());
        gemm_mixed(FloatMatrix::col_major(fa.data(), m, k), f, cb, out.data(), threads);
        CHECK(same() == 0);
      }
    });
    set_kernel_isa(KernelIsa::best);
  }
}
