// Functional mode: Accelerator::gemm equals the lns kernels bit for bit, its data counts equal
// counts made directly from the data, and the energy uses them.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <set>
#include <vector>

#include "helpers.hpp"
#include "lnslab/lns/kernels/gemm.hpp"
#include "lnslab/lns/rng.hpp"
#include "lnslab/sim/accelerator.hpp"

using namespace lnslab;
using sim_test::Knobs;

namespace {

// Codes near the bias (|exponent| small), with a share of zeros.
std::vector<lns::code_t> random_codes(const lns::Format& f, std::size_t n, std::uint64_t seed,
                                      int zero_percent) {
  std::vector<lns::code_t> v(n);
  std::uint64_t s = seed;
  auto next = [&] {
    s = s * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(s >> 33);
  };
  for (auto& c : v) {
    if (static_cast<int>(next() % 100) < zero_percent) {
      c = 0;
      continue;
    }
    const int k = f.bias() - 20 + static_cast<int>(next() % 40);
    c = f.make(next() % 2 == 1, k);
  }
  return v;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace

TEST_CASE("functional GEMMs equal lns::gemm bit for bit and count actions from the data") {
  const char* datapaths[] = {"bins:F=8,W=32", "linear:F=16,W=32", "bins_mitchell:F=8,W=32,low=1",
                             "logadd"};
  for (const char* dp : datapaths) {
    Knobs k;
    k.pe = std::string("type = \"lns\"\nformat = \"lns8:gamma=8\"\naccumulation = \"") + dp + "\"";
    sim::Accelerator acc(sim_test::make_config(k));
    const lns::Format f = lns::Format::parse("lns8:gamma=8");
    const int M = 9, N = 7, K = 13;
    const auto a = random_codes(f, M * K, 1, 20);
    const auto b = random_codes(f, K * N, 2, 10);
    std::vector<double> c(M * N), ref(M * N);
    const auto& r = acc.gemm("g", sim::Pass::forward, f, lns::CodeMatrix::row_major(a.data(), M, K),
                             f, lns::CodeMatrix::row_major(b.data(), K, N), c.data());
    lns::GemmCounts counts;
    lns::gemm(f, lns::CodeMatrix::row_major(a.data(), M, K), f,
              lns::CodeMatrix::row_major(b.data(), K, N), acc.config().pe.datapath, f, ref.data(),
              &counts);
    for (int i = 0; i < M * N; ++i) CHECK(same_bits(c[i], ref[i]));

    // Counts made directly from the data.
    std::uint64_t zero = 0, touched = 0;
    const int gamma = 8, low = acc.config().pe.datapath.kind == lns::Accumulation::bins_mitchell
                                   ? acc.config().pe.datapath.low_bits
                                   : 0;
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) {
        std::set<int> bins;
        for (int kk = 0; kk < K; ++kk) {
          const auto x = a[i * K + kk], y = b[kk * N + j];
          if (x == 0 || y == 0) {
            ++zero;
            continue;
          }
          const int e = f.exponent(x) - f.bias() + f.exponent(y) - f.bias();
          const int rem = ((e % gamma) + gamma) % gamma;  // exponents near 0: q + F >= 0
          bins.insert(rem >> low);
        }
        touched += bins.size();
      }
    REQUIRE(r.data.has_value());
    CHECK(r.data->macs == std::uint64_t(M * N * K));
    CHECK(r.data->zero_skipped == zero);
    CHECK(r.data->nan_outputs == 0);
    if (acc.config().pe.bins > 1) CHECK(r.data->bins_touched == touched);

    // Gated products cost no accumulator add; only touched bins are scaled.
    double acc_adds = 0, scales = 0;
    for (const auto& x : r.actions) {
      if (x.component == "pe.exp_add") acc_adds += x.count;
      if (x.component == "pe.bin_scale" && x.primitive == sim::Primitive::int_mult)
        scales += x.count;
    }
    CHECK(acc_adds == double(M * N * K - zero));
    if (acc.config().pe.bins > 1) CHECK(scales == double(touched));
    // The accounting-only call of the same shape counts every product.
    const auto shape_only = sim::simulate_gemm(acc.config(), {"g", {M, N, K}, sim::Pass::forward});
    CHECK(shape_only.energy_pj > r.energy_pj);
    CHECK(shape_only.timing.total_cycles == r.timing.total_cycles);
  }
}

TEST_CASE("the Accelerator accumulates calls into step totals") {
  Knobs k;
  k.pe = sim_test::lns8_bins;
  sim::Config config = sim_test::make_config(k);
  config.update.rule = sim_test::lns_madam_rule;
  sim::Accelerator acc(config);
  const auto& first = acc.account({"a", {16, 16, 16}, sim::Pass::forward});
  const double e1 = first.energy_pj;
  const auto c1 = first.timing.total_cycles;
  acc.account({"b", {8, 4, 32}, sim::Pass::backward_data});
  const auto& u = acc.update({"a", 256});
  const double eu = u.energy_pj;
  CHECK(acc.totals().layers.size() == 3);
  const auto step = acc.take();
  CHECK(step.total.timing.total_cycles > c1);
  CHECK(step.total.energy_pj > e1 + eu);
  CHECK(acc.totals().layers.empty());
  CHECK(acc.totals().total.energy_pj == 0);
  acc.keep_layers(false);
  acc.account({"a", {16, 16, 16}, sim::Pass::forward});
  CHECK(acc.totals().layers.empty());
  CHECK(acc.totals().total.energy_pj == Approx(e1));
}

TEST_CASE("functional GEMMs need an lns PE") {
  Knobs k;
  sim::Accelerator acc(sim_test::make_config(k));
  const lns::Format f = lns::Format::parse("lns8:gamma=8");
  std::vector<lns::code_t> a(4, 0);
  std::vector<double> c(4);
  CHECK_THROWS_AS(acc.gemm("g", sim::Pass::forward, f, lns::CodeMatrix::row_major(a.data(), 2, 2),
                           f, lns::CodeMatrix::row_major(a.data(), 2, 2), c.data()),
                  std::invalid_argument);
}
