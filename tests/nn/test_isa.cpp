// The float products per ISA (nn/isa.hpp): each compiled variant computes the product it is
// asked for (all four transpose cases, strided views), the portable one is Eigen at the base
// flags bit for bit, training is deterministic at every ISA this CPU has, and a checkpoint
// resumes only at its own ISA. Each case says which ISAs ran.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "lnslab/lns/rng.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/isa.hpp"
#include "lnslab/nn/matmul.hpp"
#include "lnslab/nn/trainer.hpp"

using namespace lnslab;

namespace {

std::vector<nn::Isa> supported_isas() {
  std::vector<nn::Isa> v;
  for (nn::Isa isa : {nn::Isa::portable, nn::Isa::avx2, nn::Isa::avx512})
    if (nn::cpu_supports(isa)) v.push_back(isa);
  return v;
}

std::string names(const std::vector<nn::Isa>& v) {
  std::string s;
  for (nn::Isa isa : v) s += (s.empty() ? "" : ", ") + nn::to_string(isa);
  return s;
}

// Restores the process's ISA (the default, best) when a case ends.
struct IsaGuard {
  ~IsaGuard() { nn::use_isa(nn::best_isa()); }
};

nn::Matrix<float> random_matrix(int rows, int cols, std::uint64_t seed) {
  lns::Rng rng(seed);
  nn::Matrix<float> m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m(i, j) = static_cast<float>(rng.normal());
  return m;
}

}  // namespace

TEST_CASE("isa names round-trip and the CPU's best is supported", "[isa]") {
  for (nn::Isa isa : {nn::Isa::portable, nn::Isa::avx2, nn::Isa::avx512})
    CHECK(nn::parse_isa(nn::to_string(isa)) == isa);
  CHECK_FALSE(nn::parse_isa("best").has_value());
  CHECK_FALSE(nn::parse_isa("sse2").has_value());
  CHECK(nn::cpu_supports(nn::Isa::portable));
  CHECK(nn::cpu_supports(nn::best_isa()));
  WARN("float ISAs this CPU runs: " << names(supported_isas()));
}

TEST_CASE("every ISA's GEMM computes op(a) * op(b) on strided views", "[isa][gemm]") {
  IsaGuard guard;
  // 37 x 29 times 29 x 41, taken as blocks of larger matrices (outer strides != cols), so a
  // wrong stride, transpose or shape in the per-ISA wrapper changes the result.
  const int m = 37, k = 29, n = 41;
  const nn::Matrix<float> big_a = random_matrix(50, 60, 1), big_b = random_matrix(60, 70, 2);
  for (nn::Isa isa : supported_isas()) {
    nn::use_isa(isa);
    REQUIRE(nn::active_isa() == isa);
    for (int ta = 0; ta < 2; ++ta)
      for (int tb = 0; tb < 2; ++tb) {
        INFO(nn::to_string(isa) << " transpose_a " << ta << " transpose_b " << tb);
        const auto a = ta ? big_a.block(3, 5, k, m) : big_a.block(3, 5, m, k);
        const auto b = tb ? big_b.block(2, 4, n, k) : big_b.block(2, 4, k, n);
        nn::Matrix<float> c(m, n);
        nn::default_matmul<float>().gemm(nn::GemmRole::forward, a, ta != 0, b, tb != 0, c);
        double worst = 0.0;
        for (int i = 0; i < m; ++i)
          for (int j = 0; j < n; ++j) {
            double ref = 0.0;
            for (int p = 0; p < k; ++p)
              ref += static_cast<double>(ta ? a(p, i) : a(i, p)) * (tb ? b(j, p) : b(p, j));
            worst = std::max(worst, std::abs(ref - c(i, j)));
          }
        // 29 products of N(0,1) values summed in float: errors of order 29 * 2^-24 * |terms|.
        CHECK(worst < 1e-4);
      }
  }
  WARN("GEMM checked at: " << names(supported_isas()));
}

TEST_CASE("the portable GEMM is Eigen at the base flags, bit for bit", "[isa][gemm]") {
  IsaGuard guard;
  nn::use_isa(nn::Isa::portable);
  const nn::Matrix<float> a = random_matrix(64, 300, 3), b = random_matrix(300, 96, 4);
  nn::Matrix<float> c(64, 96);
  nn::default_matmul<float>().gemm(nn::GemmRole::forward, a, false, b, false, c);
  Eigen::setCpuCacheSizes(32 * 1024, 256 * 1024, 2 * 1024 * 1024);  // as the trainer fixes them
  const nn::Matrix<float> plain = a * b;
  CHECK(c == plain);  // runs recorded before per-ISA products (isa absent: portable) reproduce
}

namespace {

nn::Dataset train_set() {
  return nn::make_synthetic(300, nn::Shape{1, 12, 12}, 4, 1, 2, 0.6);
}
nn::Dataset test_set() {
  return nn::make_synthetic(100, nn::Shape{1, 12, 12}, 4, 1, 3, 0.6);
}
nn::TrainConfig config(nn::Isa isa, int epochs) {
  nn::TrainConfig c;
  c.optimizer = "adam";
  c.model.widths = {16};
  c.epochs = epochs;
  c.batch = 32;
  c.seed = 7;
  c.isa = nn::to_string(isa);
  return c;
}
std::vector<float> params(const nn::Trainer& t) {
  const auto v = t.network().params().values();
  return {v.begin(), v.end()};
}

}  // namespace

TEST_CASE("training is deterministic at every ISA and records it", "[isa][train]") {
  IsaGuard guard;
  for (nn::Isa isa : supported_isas()) {
    INFO(nn::to_string(isa));
    nn::Trainer a(config(isa, 2), train_set(), test_set());
    nn::Trainer b(config(isa, 2), train_set(), test_set());
    a.run();
    b.run();
    CHECK(params(a) == params(b));
    CHECK(a.config().isa == nn::to_string(isa));
  }
  nn::TrainConfig best = config(nn::Isa::portable, 1);
  best.isa = "best";
  best.resolve();
  CHECK(best.isa == nn::to_string(nn::best_isa()));
  nn::TrainConfig bad = config(nn::Isa::portable, 1);
  bad.isa = "sse9";
  CHECK_THROWS_AS(bad.resolve(), nn::ConfigError);
  WARN("training checked at: " << names(supported_isas()));
}

TEST_CASE("a checkpoint resumes only at its own ISA", "[isa][checkpoint]") {
  IsaGuard guard;
  const std::vector<nn::Isa> isas = supported_isas();
  if (isas.size() < 2) {
    WARN("only the portable ISA on this CPU: nothing to mismatch");
    return;
  }
  nn::Trainer first(config(isas.back(), 1), train_set(), test_set());
  first.run();
  const std::string ckpt = first.checkpoint();
  nn::Trainer other(config(nn::Isa::portable, 2), train_set(), test_set());
  CHECK_THROWS_WITH(other.restore(ckpt), Catch::Contains("isa"));
  nn::Trainer same(config(isas.back(), 2), train_set(), test_set());
  CHECK_NOTHROW(same.restore(ckpt));
}
