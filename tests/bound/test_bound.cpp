// nn/bound.hpp: Lemma 1 (a theorem: no violation beyond rounding), the theorem's step and its
// angle identity, the bound's formula and gradient averaging, descent below the bound wherever
// deep relative trust holds along the step.
#include <catch2/catch.hpp>

#include <cmath>
#include <numbers>
#include <vector>

#include "lnslab/lns/rng.hpp"
#include "lnslab/nn/bound.hpp"
#include "lnslab/nn/init.hpp"
#include "lnslab/nn/models.hpp"

using namespace lnslab;
using namespace lnslab::nn;

namespace {

const Shape shape{1, 4, 4};
constexpr int classes = 3;

/// A small ReLU MLP 16-12-3 (or 16-8-8-3), initialised like training does.
Network<double> small_mlp(std::uint64_t seed, std::vector<int> widths = {12}) {
  Network<double> net =
      build_model<double>(ModelSpec{"mlp", widths, false, false, {}}, shape, classes);
  lns::Rng rng(seed);
  initialize(net.params(), InitConfig{}, rng);
  return net;
}

/// A smooth network: three linear layers and no activation (softmax cross-entropy on top).
Network<double> deep_linear(std::uint64_t seed) {
  NetworkBuilder<double> b(shape);
  b.flatten().linear(8).linear(6).linear(classes);
  Network<double> net = b.build();
  lns::Rng rng(seed);
  initialize(net.params(), InitConfig{}, rng);
  return net;
}

Dataset data(std::uint64_t seed) {
  return make_synthetic(256, shape, classes, seed, seed + 1);
}

/// A random perturbation of every layer: dW_l = r_l ||W_l|| u / ||u||, r_l in (0, scale).
std::vector<double> random_perturbation(const ParamStore<double>& store,
                                        const std::vector<BoundLayer>& layers, double scale,
                                        lns::Rng& rng) {
  std::vector<double> dw(store.total_size(), 0.0);
  for (const BoundLayer& layer : layers) {
    const double r = scale * (0.1 + 0.9 * rng.uniform());
    double un = 0.0;
    for (int id : layer.ids)
      for (std::size_t i = store.info(id).offset; i < store.info(id).offset + store.info(id).size;
           ++i) {
        dw[i] = rng.normal();
        un += dw[i] * dw[i];
      }
    const double s = r * layer_norm(store, layer, store.values()) / std::sqrt(un);
    for (int id : layer.ids)
      for (std::size_t i = store.info(id).offset; i < store.info(id).offset + store.info(id).size;
           ++i)
        dw[i] *= s;
  }
  return dw;
}

}  // namespace

TEST_CASE("layers are the weight tensors, biases only when asked", "[bound]") {
  Network<double> net = small_mlp(1, {8, 8});
  const auto layers = bound_layers(net.params(), false);
  REQUIRE(layers.size() == 3);
  for (const auto& l : layers) {
    REQUIRE(l.ids.size() == 1);
    CHECK(net.params().info(l.ids[0]).role == ParamRole::weight);
  }
  CHECK(layers[0].size == 16 * 8);
  const auto with = bound_layers(net.params(), true);
  REQUIRE(with.size() == 3);
  CHECK(with[0].ids.size() == 2);
  CHECK(with[0].size == 16 * 8 + 8);
  CHECK(net.params().info(with[2].ids[1]).role == ParamRole::bias);
}

TEST_CASE("the bound follows its formula on a hand-made gradient", "[bound]") {
  Network<double> net = small_mlp(3);
  const auto layers = bound_layers(net.params(), false);
  auto w = net.params().values();
  // g = |W| sign pattern flipped on the first layer: gamma = 0 there; on the second layer g is
  // one-hot, so cos gamma = |W_j| / ||W||.
  std::vector<double> g(w.size(), 0.0);
  for (std::size_t i = 0; i < layers[0].size; ++i) {
    const std::size_t at = net.params().info(layers[0].ids[0]).offset + i;
    g[at] = (i % 2 == 0 ? -2.5 : 2.5) * std::abs(w[at]);
  }
  const std::size_t j = net.params().info(layers[1].ids[0]).offset + 5;
  g[j] = -0.3;
  const BoundResult r = bound_from_gradient(net.params(), layers, g);
  REQUIRE(r.depth == 2);
  CHECK(r.layers[0].cos_gamma == Approx(1.0).epsilon(1e-14));
  CHECK(r.layers[0].gamma_deg == Approx(0.0).margin(1e-5));
  CHECK(r.layers[0].eta_bound == Approx(std::sqrt(2.0) - 1.0).epsilon(1e-14));
  const double cos1 = std::abs(w[j]) / layer_norm(net.params(), layers[1], w);
  CHECK(r.layers[1].cos_gamma == Approx(cos1).epsilon(1e-14));
  CHECK(r.layers[1].gamma_deg == Approx(std::acos(cos1) * 180.0 / std::numbers::pi));
  CHECK(r.layers[1].g_norm == Approx(0.3));
  CHECK(r.layers[1].eta_bound == Approx(std::sqrt(1.0 + cos1) - 1.0).epsilon(1e-14));
  CHECK(r.eta_bound == r.layers[1].eta_bound);
  CHECK(r.limiting == 1);
  CHECK(eta_from_cos(0.0, 5) == 0.0);
  CHECK(eta_from_cos(1.0, 1) == 1.0);
  CHECK(eta_from_cos(0.5, 3) == Approx(std::cbrt(1.5) - 1.0).epsilon(1e-15));
}

TEST_CASE("the averaged gradient is the gradient of the pooled batches", "[bound]") {
  Network<double> net = small_mlp(5);
  const auto layers = bound_layers(net.params(), false);
  const auto batches = draw_batches(data(7), 3, 20, 11);
  const BoundResult avg = compute_bound(net, layers, batches);
  BoundBatch pooled;
  pooled.x.resize(60, shape.size());
  for (int b = 0; b < 3; ++b) {
    pooled.x.middleRows(b * 20, 20) = batches[static_cast<std::size_t>(b)].x;
    pooled.y.insert(pooled.y.end(), batches[static_cast<std::size_t>(b)].y.begin(),
                    batches[static_cast<std::size_t>(b)].y.end());
  }
  std::vector<double> g;
  const double loss = batch_loss(net, pooled, &g);
  const BoundResult ref = bound_from_gradient(net.params(), layers, g);
  CHECK(avg.loss == Approx(loss).epsilon(1e-12));
  for (std::size_t k = 0; k < layers.size(); ++k) {
    CHECK(avg.layers[k].g_norm == Approx(ref.layers[k].g_norm).epsilon(1e-12));
    CHECK(avg.layers[k].cos_gamma == Approx(ref.layers[k].cos_gamma).epsilon(1e-12));
  }
  REQUIRE(avg.batch_eta.size() == 3);
  // Batches of one pass are disjoint.
  CHECK_FALSE(batches[0].x.isApprox(batches[1].x));
}

TEST_CASE("the theorem's step: relative size eta exactly, theta_k = gamma_k", "[bound]") {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    Network<double> net = deep_linear(seed);
    const auto layers = bound_layers(net.params(), false);
    const auto batches = draw_batches(data(seed + 10), 1, 32, seed);
    std::vector<double> g;
    batch_loss(net, batches[0], &g);
    const BoundResult br = bound_from_gradient(net.params(), layers, g);
    for (double eta : {1e-4, 0.01, 0.3, 2.0}) {
      const auto dw = sign_step_delta(net.params(), layers, g, eta);
      const auto w = net.params().values();
      for (std::size_t k = 0; k < layers.size(); ++k) {
        // Every gradient entry of a linear network is non-zero, so the ratio is eta exactly.
        const double ratio =
            layer_norm(net.params(), layers[k], dw) / layer_norm(net.params(), layers[k], w);
        CHECK(ratio == Approx(eta).epsilon(1e-14));
        const double cos_theta = -layer_cos(net.params(), layers[k], dw, g, false);
        CHECK(cos_theta == Approx(br.layers[k].cos_gamma).epsilon(1e-13));
      }
      // W + dW is W (1 - eta sign W sign g), elementwise.
      for (const BoundLayer& layer : layers)
        for (int id : layer.ids)
          for (std::size_t i = net.params().info(id).offset;
               i < net.params().info(id).offset + net.params().info(id).size; ++i) {
            const double sw = w[i] > 0 ? 1.0 : -1.0, sg = g[i] > 0 ? 1.0 : -1.0;
            CHECK(w[i] + dw[i] == Approx(w[i] * (1.0 - eta * sw * sg)).epsilon(1e-15));
          }
    }
  }
}

TEST_CASE("Lemma 1 holds for random perturbations (it is a theorem)", "[bound]") {
  int checked = 0, first_order_exceeded = 0;
  for (int kind = 0; kind < 2; ++kind) {
    for (std::uint64_t seed : {1u, 2u, 3u}) {
      Network<double> net = kind == 0 ? deep_linear(seed) : small_mlp(seed, {8, 8});
      const auto layers = bound_layers(net.params(), kind == 1 && seed == 2);
      const auto batches = draw_batches(data(seed + 20), 2, 32, seed);
      lns::Rng rng(seed * 97 + static_cast<std::uint64_t>(kind));
      for (const BoundBatch& b : batches) {
        for (double scale : {1e-3, 0.05, 0.3, 1.0}) {
          const auto dw = random_perturbation(net.params(), layers, scale, rng);
          const LemmaCheck c = lemma1(net, layers, b, dw, 64);
          const double slack = 1e-12 * (std::abs(c.loss_before) + 1.0);
          INFO("kind " << kind << " seed " << seed << " scale " << scale << ": change "
                       << c.loss_change << " bound " << c.rhs);
          CHECK(c.loss_change <= c.rhs + slack);
          double first_order = 0.0;
          for (const LemmaLayer& l : c.layers) first_order -= l.g_norm * l.dw_norm * l.cos_theta;
          if (c.loss_change > first_order) ++first_order_exceeded;
          ++checked;
        }
      }
    }
  }
  CHECK(checked == 48);
  // The curvature term matters: the first-order term alone is exceeded somewhere, so a lemma
  // without its max-change term would have failed this test.
  CHECK(first_order_exceeded > 0);
}

TEST_CASE("below the bound, wherever deep relative trust holds, the loss decreases", "[bound]") {
  // Theorem 1's proof needs, per layer, max_t ||g_k(W + t dW) - g_k(W)|| / ||g_k|| at most
  // (1 + eta)^L - 1 along the step (deep relative trust for the step taken). Where that is
  // measured to hold and eta is below the bound, every bracket of Lemma 1 is positive and the
  // loss must go down.
  int trusted = 0, steps = 0;
  for (std::uint64_t seed : {1u, 2u, 3u, 4u}) {
    for (int kind = 0; kind < 3; ++kind) {
      NetworkBuilder<double> builder(shape);
      builder.flatten();
      if (kind == 0) builder.linear(classes);                   // L = 1
      if (kind == 1) builder.linear(8).linear(classes);         // L = 2, linear
      if (kind == 2) builder.linear(8).relu().linear(classes);  // L = 2, ReLU
      Network<double> net = builder.build();
      lns::Rng rng(seed);
      initialize(net.params(), InitConfig{}, rng);
      const auto layers = bound_layers(net.params(), false);
      const auto batches = draw_batches(data(seed + 30), 3, 64, seed);
      for (const BoundBatch& b : batches) {
        std::vector<double> g;
        batch_loss(net, b, &g);
        const double bound = bound_from_gradient(net.params(), layers, g).eta_bound;
        REQUIRE(bound > 0.0);
        for (double m : {0.05, 0.3, 0.7, 0.99}) {
          const auto dw = sign_step_delta(net.params(), layers, g, m * bound);
          const LemmaCheck c = lemma1(net, layers, b, dw, 32);
          ++steps;
          bool trust = true;
          for (const LemmaLayer& l : c.layers) {
            CHECK(l.within_prediction == (l.max_change <= c.trust_factor));
            trust = trust && l.within_prediction;
          }
          // Linear layers: every gradient entry is non-zero and each layer moves by eta exactly.
          // Behind a ReLU, dead units have zero gradient rows that the step leaves in place.
          const double full = std::pow(1.0 + m * bound, static_cast<double>(layers.size())) - 1.0;
          if (kind < 2) CHECK(c.trust_factor == Approx(full).epsilon(1e-12));
          CHECK(c.trust_factor <= full * (1.0 + 1e-12));
          if (!trust) continue;
          ++trusted;
          INFO("seed " << seed << " kind " << kind << " multiple " << m);
          for (const LemmaLayer& l : c.layers) CHECK(l.bracket > 0.0);
          CHECK(c.loss_change < 0.0);
        }
      }
    }
  }
  CHECK(steps == 144);
  CHECK(trusted >= 20);  // the check must actually run
}

TEST_CASE("verify_descent and measure_trust count consistently", "[bound]") {
  Network<double> net = small_mlp(9);
  const auto layers = bound_layers(net.params(), false);
  const auto batches = draw_batches(data(40), 6, 32, 9);
  const std::vector<double> before(net.params().values().begin(), net.params().values().end());
  const BoundResult br = compute_bound(net, layers, batches);
  const std::vector<double> multiples{16.0, 0.25, 1.0};
  const VerifyResult v = verify_descent(net, layers, batches, br.eta_bound, multiples);
  REQUIRE(v.rows.size() == 3);
  CHECK(v.rows[0].multiple == 0.25);
  CHECK(v.rows[2].multiple == 16.0);
  for (const VerifyRow& r : v.rows) {
    CHECK(r.trials == 6);
    CHECK(r.eta == Approx(r.multiple * br.eta_bound));
    CHECK(r.fraction == Approx(static_cast<double>(r.decreases) / 6.0));
    CHECK(r.mean_rel_step <= r.eta * (1.0 + 1e-12));
  }
  // A sixteen-fold step flips signs of most weights: it must not always descend.
  CHECK(v.rows[2].decreases < 6);
  CHECK(v.rows[0].decreases == 6);
  CHECK(v.largest_safe_multiple >= 0.25);

  const std::vector<double> radii{0.01, 0.5};
  const TrustResult t = measure_trust(net, layers, batches, radii, 2, 123, br.eta_bound, 4);
  REQUIRE(t.rows.size() == 2);
  CHECK(t.rows[0].trials == 12);
  CHECK(t.rows[0].predicted == Approx(std::pow(1.01, 2) - 1.0));
  for (const TrustRow& row : t.rows)
    for (const TrustLayerStat& s : row.layers) {
      CHECK(s.trials == 12);
      CHECK(s.held <= s.trials);
      CHECK(s.max_ratio >= s.mean_ratio);
    }
  // Larger perturbations move the gradient more.
  CHECK(t.rows[1].layers[0].mean_change > t.rows[0].layers[0].mean_change);
  CHECK(t.lemma_batches == 6);
  CHECK(t.lemma_held == 6);  // Lemma 1 is a theorem
  // Same seed, same bits.
  const TrustResult t2 = measure_trust(net, layers, batches, radii, 2, 123, br.eta_bound, 4);
  CHECK(t2.rows[1].layers[1].max_change == t.rows[1].layers[1].max_change);
  // Parameters are restored by every routine.
  const std::vector<double> after(net.params().values().begin(), net.params().values().end());
  CHECK(after == before);
}
