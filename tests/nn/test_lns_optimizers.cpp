// Golden tests of B-bit LNS Madam (docs/design.md §4) and of LNS-stored SGD.
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "lnslab/lns/format.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/optimizers/lns_madam.hpp"
#include "lnslab/nn/optimizers/sgd.hpp"

using namespace lnslab;
using nn::ParamStore;

namespace {

ParamStore<float> store_with(const std::vector<float>& values) {
  ParamStore<float> s;
  s.declare("w", nn::ParamRole::weight, {static_cast<int>(values.size())}, 1);
  s.finalize();
  std::copy(values.begin(), values.end(), s.value(0).begin());
  return s;
}

void step(nn::Optimizer& opt, ParamStore<float>& s, const std::vector<float>& g, double lr,
          lns::Rng* rng = nullptr) {
  std::copy(g.begin(), g.end(), s.grad(0).begin());
  nn::StepContext ctx;
  ctx.lr = lr;
  ctx.rng = rng;
  opt.step(s, ctx);
}

lns::Format lns8() {
  return nn::weight_format(lns::Format::parse("lns8:eta0=0.016"), false);
}

double rms3(const std::vector<float>& w) {
  double s = 0;
  for (float x : w) s += static_cast<double>(x) * x;
  return 3.0 * std::sqrt(s / static_cast<double>(w.size()));
}

}  // namespace

TEST_CASE("weight formats use bias K", "[lns-madam]") {
  const lns::Format f = lns8();
  CHECK(f.bias() == 127);
  CHECK(f.kmax() == 127);
  CHECK(nn::weight_format(lns::Format::parse("lns12:eta0=0.001"), false).bias() == 2047);
  CHECK(nn::weight_format(lns::Format::parse("lns8:gamma=8"), false).gamma() == 8);
  CHECK_THROWS_AS(nn::weight_format(lns::Format::parse("lns8:eta0=0.016,bias=64"), true),
                  nn::ConfigError);
  CHECK_NOTHROW(nn::weight_format(lns::Format::parse("lns8:eta0=0.016,bias=127"), true));
}

TEST_CASE("LNS Madam: initial codes are the nearest codes of W / sigma*", "[lns-madam]") {
  const std::vector<float> w{0.5f, -0.2f, 0.0f, 0.1f, -0.05f};
  auto s = store_with(w);
  nn::LnsMadam opt(lns8(), 0.016);
  lns::Rng rng(1);
  opt.attach(s, rng);
  const double sigma = rms3(w);
  CHECK(opt.weights().sigma(0) == Approx(sigma));
  const auto codes = opt.weights().codes(0);
  const lns::Format& f = opt.weights().format();
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (w[i] == 0.0f) {
      CHECK(codes[i] == 0);
      CHECK(s.value(0)[i] == 0.0f);
      continue;
    }
    // nearest k: the integer closest to K + log_b(|w| / sigma*) (no ties for these values),
    // clamped to the smallest magnitude k = 1 (0.05 lies below the 2-nat range of lns8)
    const double t = 127.0 + std::log(std::abs(w[i]) / sigma) / std::log(1.016);
    const int k = std::max(1, static_cast<int>(std::lround(t)));
    if (i == 4) CHECK(k == 1);
    CHECK(f.exponent(codes[i]) == k);
    CHECK(f.is_negative(codes[i]) == (w[i] < 0));
    const double decoded = (w[i] < 0 ? -1 : 1) * sigma * std::pow(1.016, k - 127);
    CHECK(s.value(0)[i] == Approx(decoded).epsilon(1e-6));
  }
}

TEST_CASE("LNS Madam: integer steps on the exponent, clamped to [1, K]", "[lns-madam]") {
  const lns::Format f = lns8();
  // 0.5 is the largest weight; tiny weights sit near the bottom of the 2-nat range.
  const std::vector<float> w{0.5f, -0.3f, 0.0f, 0.2f, 1e-4f, -1e-4f};
  auto s = store_with(w);
  nn::LnsMadam opt(f, 0.064);  // m = 0.064 / 0.016 = 4
  lns::Rng rng(1);
  opt.attach(s, rng);
  const auto c = opt.weights().codes(0);
  std::vector<int> k0;
  for (auto code : c) k0.push_back(f.exponent(code));
  CHECK(k0[4] == 1);  // clamped up to the smallest magnitude, never flushed
  CHECK(k0[5] == 1);

  // t = 1: ghat = sign(g); k -= 4 * sign(g) * sign(W)
  step(opt, s, {-1.0f, 2.0f, 5.0f, 0.5f, 3.0f, -3.0f}, 0.064);
  auto k = [&](std::size_t i) { return f.exponent(opt.weights().codes(0)[i]); };
  CHECK(k(0) == std::min(127, k0[0] + 4));  // positive weight, g < 0: grows
  CHECK(k(1) == k0[1] + 4);                 // negative weight, g > 0: magnitude grows
  CHECK(opt.weights().codes(0)[2] == 0);    // zero never moves
  CHECK(k(3) == k0[3] - 4);                 // positive weight, g > 0: shrinks
  CHECK(k(4) == 1);                         // clamped at k = 1
  CHECK(k(5) == 1);
  for (std::size_t i = 0; i < w.size(); ++i) {
    CHECK(opt.weights().format().is_negative(opt.weights().codes(0)[i]) == (w[i] < 0));
    CHECK(s.value(0)[i] == opt.weights().decode(0, opt.weights().codes(0)[i]));
  }

  // t = 2 for element 3: g1 = 0.5, g2 = -0.6; ghat = g2 / sqrt(v / (1 - 0.999^2)) = -1.086;
  // delta = round(4 * ghat) = round(-4.35) = -4; positive weight: k -= delta.
  const int k3 = k(3);
  const int k1 = k(1);
  step(opt, s, {0.0f, 0.1f, 0.0f, -0.6f, 0.0f, 0.0f}, 0.064);
  const double v3 = 0.999 * 0.001 * 0.25 + 0.001 * 0.36;
  const double ghat3 = -0.6 / std::sqrt(v3 / (1 - 0.999 * 0.999));
  REQUIRE(std::nearbyint(4 * ghat3) == -4);
  CHECK(k(3) == k3 + 4);
  // element 1: g1 = 2, g2 = 0.1: ghat = 0.1 / sqrt((0.999e-3 * 4 + 1e-3 * 0.01) / 0.001999)
  //  = 0.0707, 4 * ghat = 0.28 -> 0: no move
  CHECK(k(1) == k1);
}

TEST_CASE("LNS Madam: the exponent step m * ghat is rounded to nearest, not truncated",
          "[lns-madam]") {
  const lns::Format f = lns8();
  auto s = store_with({0.2f, 0.3f, 0.5f});
  nn::LnsMadam opt(f, 0.064);  // m = 4
  lns::Rng rng(1);
  opt.attach(s, rng);
  auto k = [&](std::size_t i) { return f.exponent(opt.weights().codes(0)[i]); };
  step(opt, s, {1.0f, 1.0f, 0.0f}, 0.064);  // t = 1: ghat = 1, both shrink by 4
  const int k0 = k(0), k1 = k(1);
  // t = 2: ghat = g2 / sqrt(v / (1 - 0.999^2)), v = 0.999 * 0.001 * 1 + 0.001 * g2^2:
  // 4 * ghat = +-2.73, which rounds to +-3 (truncation would give +-2).
  step(opt, s, {0.55f, -0.55f, 0.0f}, 0.064);
  const double ghat = 0.55 / std::sqrt((0.999 * 0.001 + 0.001 * 0.55 * 0.55) / (1 - 0.999 * 0.999));
  REQUIRE(std::nearbyint(4 * ghat) == 3);
  REQUIRE(std::trunc(4 * ghat) == 2);
  CHECK(k(0) == k0 - 3);  // positive weight, g > 0: shrinks by round(2.73)
  CHECK(k(1) == k1 + 3);  // positive weight, g < 0: grows by round(2.73)
}

TEST_CASE("LNS Madam: lr multiple, decay shrinks m never below 1", "[lns-madam]") {
  nn::LnsMadam opt(nn::weight_format(lns::Format::parse("lns12:eta0=0.001"), false), 0.016);
  CHECK(opt.multiple(0.016) == 16);
  CHECK(opt.multiple(0.0016) == 2);   // 1.6 -> 2
  CHECK(opt.multiple(0.00016) == 1);  // never below 1
  CHECK(opt.describe_lr(0.016) == "m=16");
  CHECK_THROWS_AS(nn::LnsMadam(lns8(), 0.01), nn::ConfigError);   // 0.01 / 0.016 is not integral
  CHECK_THROWS_AS(nn::LnsMadam(lns8(), 0.008), nn::ConfigError);  // m = 0.5
  CHECK_NOTHROW(nn::LnsMadam(lns8(), 0.032));
}

TEST_CASE("LNS Madam: random initial exponents keep signs and zeros", "[lns-madam]") {
  std::vector<float> w(200);
  lns::Rng init(3);
  for (float& x : w) x = static_cast<float>(init.normal());
  w[7] = 0.0f;
  auto s = store_with(w);
  nn::LnsMadam opt(lns8(), 0.016, nn::LnsMadamConfig{{}, true});
  lns::Rng rng(5);
  opt.attach(s, rng);
  const lns::Format& f = opt.weights().format();
  int low = 128, high = 0;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto c = opt.weights().codes(0)[i];
    if (i == 7) {
      CHECK(c == 0);
      continue;
    }
    CHECK(f.is_negative(c) == (w[i] < 0));
    low = std::min(low, f.exponent(c));
    high = std::max(high, f.exponent(c));
  }
  CHECK(low >= 2);
  CHECK(high <= 127);
  CHECK(high - low > 100);  // spread over the range, not the nearest codes
}

TEST_CASE("LNS Madam: many random steps stay on the grid with fixed signs", "[lns-madam]") {
  std::vector<float> w(100);
  lns::Rng r(11);
  for (float& x : w) x = static_cast<float>(r.normal());
  auto s = store_with(w);
  const lns::Format f = nn::weight_format(lns::Format::parse("lns10:eta0=0.004"), false);
  nn::LnsMadam opt(f, 0.016);
  lns::Rng rng(1);
  opt.attach(s, rng);
  const double sigma = opt.weights().sigma(0);
  for (int k = 0; k < 200; ++k) {
    std::vector<float> g(100);
    for (float& x : g) x = static_cast<float>(r.normal());
    step(opt, s, g, 0.016);
  }
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto c = opt.weights().codes(0)[i];
    const int e = f.exponent(c);
    REQUIRE(e >= 1);
    REQUIRE(e <= 511);
    CHECK(f.is_negative(c) == (w[i] < 0));
    const double expected = (w[i] < 0 ? -1 : 1) * sigma * std::pow(1.004, e - 511);
    CHECK(s.value(0)[i] == Approx(expected).epsilon(1e-6));
  }
}

TEST_CASE("LNS Madam: state round-trips through save/load", "[lns-madam]") {
  std::vector<float> w{0.4f, -0.1f, 0.25f};
  auto s1 = store_with(w);
  auto s2 = store_with(w);
  nn::LnsMadam a(lns8(), 0.032), b(lns8(), 0.032);
  lns::Rng rng(1);
  a.attach(s1, rng);
  b.attach(s2, rng);
  step(a, s1, {0.1f, 0.2f, -0.3f}, 0.032);
  nn::StateWriter out;
  a.save(out);
  nn::StateReader in(out.bytes());
  b.load(in);
  CHECK(in.done());
  std::copy(s1.values().begin(), s1.values().end(), s2.values().begin());
  step(a, s1, {0.3f, -0.2f, 0.1f}, 0.032);
  step(b, s2, {0.3f, -0.2f, 0.1f}, 0.032);
  for (int i = 0; i < 3; ++i) CHECK(s1.value(0)[i] == s2.value(0)[i]);
}

TEST_CASE("LNS-stored SGD: updates below the spacing vanish under nearest rounding", "[lns-sgd]") {
  const std::vector<float> w(8, 0.25f);
  auto s = store_with(w);
  nn::LnsStored opt(std::make_unique<nn::Sgd>(), lns8(), 3.0, lns::Rounding::nearest);
  lns::Rng rng(1);
  opt.attach(s, rng);
  const float w0 = s.value(0)[0];
  // relative spacing 1.6%: a 0.5% step is rounded back, a 5% step moves 3 codes (1.016^3 = 1.049)
  step(opt, s, std::vector<float>(8, 0.005f * w0), 1.0);
  CHECK(s.value(0)[0] == w0);
  step(opt, s, std::vector<float>(8, -0.05f * w0), 1.0);
  CHECK(s.value(0)[0] == Approx(w0 * std::pow(1.016, 3)).epsilon(1e-6));
}

TEST_CASE("LNS-stored SGD: stochastic rounding is unbiased in value", "[lns-sgd]") {
  const std::size_t n = 20000;
  const std::vector<float> w(n, 0.25f);
  auto s = store_with(w);
  nn::LnsStored opt(std::make_unique<nn::Sgd>(), lns8(), 3.0, lns::Rounding::stochastic);
  lns::Rng rng(1);
  opt.attach(s, rng);
  const double w0 = s.value(0)[0];
  const double target = w0 * (1.0 + 0.3 * 0.016);  // 30% of the way to the next code
  lns::Rng step_rng(9);
  step(opt, s, std::vector<float>(n, static_cast<float>(w0 - target)), 1.0, &step_rng);
  double sum = 0.0;
  std::size_t up = 0;
  for (float x : s.value(0)) {
    sum += x;
    if (x > w0) ++up;
  }
  const double p = static_cast<double>(up) / n;
  CHECK(p == Approx(0.3).margin(4.0 * std::sqrt(0.3 * 0.7 / n)));
  CHECK(sum / n == Approx(target).epsilon(3e-4));
}
