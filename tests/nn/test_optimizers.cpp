// Golden tests of SGD, Adam and FP32 Madam against values worked out by hand from the update
// rules (docs/design.md §4 for Madam).
#include <catch2/catch.hpp>

#include <cmath>
#include <vector>

#include "lnslab/nn/optimizers/adam.hpp"
#include "lnslab/nn/optimizers/madam.hpp"
#include "lnslab/nn/optimizers/sgd.hpp"

using namespace lnslab;
using nn::ParamStore;

namespace {

ParamStore<float> store_with(const std::vector<std::vector<float>>& tensors) {
  ParamStore<float> s;
  int i = 0;
  for (const auto& t : tensors) {
    std::string name = "t";
    name += std::to_string(i++);
    s.declare(name, nn::ParamRole::weight, {static_cast<int>(t.size())}, 1);
  }
  s.finalize();
  for (std::size_t t = 0; t < tensors.size(); ++t)
    std::copy(tensors[t].begin(), tensors[t].end(), s.value(static_cast<int>(t)).begin());
  return s;
}

void set_grad(ParamStore<float>& s, int id, const std::vector<float>& g) {
  std::copy(g.begin(), g.end(), s.grad(id).begin());
}

void step(nn::Optimizer& opt, ParamStore<float>& s, double lr) {
  nn::StepContext ctx;
  ctx.lr = lr;
  opt.step(s, ctx);
}

}  // namespace

TEST_CASE("SGD: plain, momentum and Nesterov steps by hand", "[optim][sgd]") {
  lns::Rng rng(1);
  {
    auto s = store_with({{1.0f, -2.0f}});
    nn::Sgd sgd;
    sgd.attach(s, rng);
    set_grad(s, 0, {0.5f, -1.0f});
    step(sgd, s, 0.1);
    CHECK(s.value(0)[0] == Approx(0.95));
    CHECK(s.value(0)[1] == Approx(-1.9));
  }
  {
    auto s = store_with({{1.0f}});
    nn::Sgd sgd({0.9, false, 0.0});
    sgd.attach(s, rng);
    set_grad(s, 0, {0.5f});
    step(sgd, s, 0.1);  // buf = 0.5, w = 1 - 0.05
    CHECK(s.value(0)[0] == Approx(0.95));
    step(sgd, s, 0.1);  // buf = 0.9 * 0.5 + 0.5 = 0.95, w = 0.95 - 0.095
    CHECK(s.value(0)[0] == Approx(0.855));
  }
  {
    auto s = store_with({{1.0f}});
    nn::Sgd sgd({0.9, true, 0.0});
    sgd.attach(s, rng);
    set_grad(s, 0, {0.5f});
    step(sgd, s, 0.1);  // buf = 0.5, d = 0.5 + 0.9 * 0.5 = 0.95
    CHECK(s.value(0)[0] == Approx(0.905));
    step(sgd, s, 0.1);  // buf = 0.95, d = 0.5 + 0.855 = 1.355
    CHECK(s.value(0)[0] == Approx(0.905 - 0.1355));
  }
}

TEST_CASE("SGD: L2 weight decay adds wd * w to the gradient, with and without momentum",
          "[optim][sgd]") {
  lns::Rng rng(1);
  {
    auto s = store_with({{2.0f, -1.0f}});
    nn::Sgd sgd({0.0, false, 0.1});
    sgd.attach(s, rng);
    set_grad(s, 0, {0.5f, 0.0f});
    step(sgd, s, 0.1);  // d = g + 0.1 w = (0.7, -0.1): decay shrinks |w| even where g = 0
    CHECK(s.value(0)[0] == Approx(2.0 - 0.07));
    CHECK(s.value(0)[1] == Approx(-1.0 + 0.01));
  }
  {
    auto s = store_with({{1.0f}});
    nn::Sgd sgd({0.9, false, 0.5});
    sgd.attach(s, rng);
    set_grad(s, 0, {0.5f});
    step(sgd, s, 0.1);  // d = 0.5 + 0.5 = 1, buf = 1, w = 0.9
    CHECK(s.value(0)[0] == Approx(0.9));
    step(sgd, s, 0.1);  // d = 0.5 + 0.45 = 0.95, buf = 0.9 + 0.95 = 1.85, w = 0.9 - 0.185
    CHECK(s.value(0)[0] == Approx(0.715));
  }
}

TEST_CASE("Adam: two steps by hand; bias correction counts steps, not tensors", "[optim][adam]") {
  lns::Rng rng(1);
  auto s = store_with({{1.0f}, {1.0f}, {1.0f}});
  nn::Adam adam;
  adam.attach(s, rng);
  for (int id = 0; id < 3; ++id) set_grad(s, id, {0.5f});
  step(adam, s, 0.001);
  // m = 0.05, v = 0.00025, mhat = 0.5, vhat = 0.25: w = 1 - 0.001 * 0.5 / (0.5 + 1e-8)
  for (int id = 0; id < 3; ++id) CHECK(s.value(id)[0] == Approx(1.0 - 0.001 * 0.5 / (0.5 + 1e-8)));
  for (int id = 0; id < 3; ++id) set_grad(s, id, {-0.25f});
  step(adam, s, 0.001);
  // m = 0.9 * 0.05 - 0.1 * 0.25 = 0.02; v = 0.999 * 0.00025 + 0.001 * 0.0625 = 0.00031225;
  // mhat = 0.02 / 0.19; vhat = 0.00031225 / 0.001999
  const double mhat = 0.02 / 0.19, vhat = 0.00031225 / 0.001999;
  const double expected =
      1.0 - 0.001 * 0.5 / (0.5 + 1e-8) - 0.001 * mhat / (std::sqrt(vhat) + 1e-8);
  for (int id = 0; id < 3; ++id) CHECK(s.value(id)[0] == Approx(expected).epsilon(1e-6));
  CHECK(adam.steps() == 2);
}

TEST_CASE("Madam: first step is a sign step of size lr; zero never moves", "[optim][madam]") {
  lns::Rng rng(1);
  auto s = store_with({{0.5f, -0.2f, 0.0f, 0.1f}});
  nn::Madam madam;
  madam.attach(s, rng);
  // sigma* = 3 * RMS = 3 * sqrt((0.25 + 0.04 + 0 + 0.01) / 4)
  CHECK(madam.sigma()[0] == Approx(3.0 * std::sqrt(0.075)));
  set_grad(s, 0, {0.3f, 0.4f, 0.7f, -0.1f});
  step(madam, s, 0.01);
  // t = 1: v = 0.001 g^2, v / (1 - 0.999) = g^2, ghat = sign(g).
  // W = W * exp(-lr * ghat * sign(W)).
  CHECK(s.value(0)[0] == Approx(0.5 * std::exp(-0.01)));
  CHECK(s.value(0)[1] == Approx(-0.2 * std::exp(+0.01)));  // g > 0, W < 0: magnitude grows
  CHECK(s.value(0)[2] == 0.0f);
  CHECK(s.value(0)[3] == Approx(0.1 * std::exp(+0.01)));
}

TEST_CASE("Madam: second step uses the bias-corrected second moment", "[optim][madam]") {
  lns::Rng rng(1);
  auto s = store_with({{0.5f, -0.4f}});
  nn::Madam madam;
  madam.attach(s, rng);
  set_grad(s, 0, {0.3f, 0.2f});
  step(madam, s, 0.01);
  set_grad(s, 0, {0.1f, -0.6f});
  step(madam, s, 0.01);
  auto expect = [](double w0, double g1, double g2) {
    const double v = 0.999 * 0.001 * g1 * g1 + 0.001 * g2 * g2;
    const double ghat = g2 / std::sqrt(v / (1.0 - 0.999 * 0.999));
    const double sign = w0 > 0 ? 1.0 : -1.0;
    return w0 * std::exp(-0.01 * (g1 > 0 ? 1 : -1) * sign) * std::exp(-0.01 * ghat * sign);
  };
  CHECK(s.value(0)[0] == Approx(expect(0.5, 0.3, 0.1)).epsilon(1e-6));
  CHECK(s.value(0)[1] == Approx(expect(-0.4, 0.2, -0.6)).epsilon(1e-6));
}

TEST_CASE("Madam: clamp at sigma*, NaN -> 0 and the g_bound clip", "[optim][madam]") {
  lns::Rng rng(1);
  std::vector<float> w(16, 0.001f);
  w[0] = 1.0f;
  auto s = store_with({w});
  nn::Madam madam;
  madam.attach(s, rng);
  const double sigma = 3.0 * std::sqrt((1.0 + 15 * 1e-6) / 16.0);  // about 0.75 < 1
  REQUIRE(sigma < 1.0);
  std::vector<float> g(16, 0.0f);
  g[0] = -1.0f;  // grows the largest weight: it is clamped to sigma*
  set_grad(s, 0, g);
  step(madam, s, 0.01);
  CHECK(s.value(0)[0] == Approx(sigma));
  for (int i = 1; i < 16; ++i) CHECK(s.value(0)[i] == 0.001f);  // g = 0: ghat = 0/0 -> 0

  // 199 more steps of zero gradient keep v = 0 and the weights fixed; then g = 1 at t = 201 gives
  // ghat = 1 / sqrt(0.001 / (1 - 0.999^201)) = 13.5, clipped to 10.
  std::fill(g.begin(), g.end(), 0.0f);
  set_grad(s, 0, g);
  for (int i = 0; i < 199; ++i) step(madam, s, 0.01);
  CHECK(s.value(0)[1] == 0.001f);
  g[1] = 1.0f;
  set_grad(s, 0, g);
  step(madam, s, 0.01);
  REQUIRE(1.0 / std::sqrt(0.001 / (1.0 - std::pow(0.999, 201))) > 10.0);
  CHECK(s.value(0)[1] == Approx(0.001 * std::exp(-0.01 * 10.0)));
}

TEST_CASE("Madam: signs never change over many random steps", "[optim][madam]") {
  lns::Rng rng(7);
  std::vector<float> w(64);
  for (float& x : w) x = static_cast<float>(rng.normal());
  auto s = store_with({w});
  nn::Madam madam;
  madam.attach(s, rng);
  for (int k = 0; k < 300; ++k) {
    std::vector<float> g(64);
    for (float& x : g) x = static_cast<float>(rng.normal());
    set_grad(s, 0, g);
    step(madam, s, 0.1);
  }
  for (std::size_t i = 0; i < w.size(); ++i) {
    CHECK((s.value(0)[i] > 0) == (w[i] > 0));
    CHECK(std::abs(s.value(0)[i]) <= madam.sigma()[0]);
  }
}
