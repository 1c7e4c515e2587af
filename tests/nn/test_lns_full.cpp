// lns-full: every product through the simulated accelerator, bit-exact with the lns kernels.
#include <catch2/catch.hpp>
#include <cmath>

#include "lnslab/lns/kernels/gemm.hpp"
#include "lnslab/nn/lns_matmul.hpp"
#include "lnslab/nn/optimizers/registry.hpp"
#include "lnslab/nn/trainer.hpp"
#include "lnslab/sim/config.hpp"

using namespace lnslab;

namespace {
const std::string lns8_config = std::string(LNSLAB_SOURCE_DIR) + "/configs/accelerators/lns8.toml";
}

TEST_CASE("LnsMatmul equals encode + lns::gemm_reference + rescale, and accounts each step",
          "[nn][lns-full]") {
  sim::Config config = sim::load_config(lns8_config);
  config.update.rule = nn::default_update_rule(config);  // as the trainer sets the run's rule
  const lns::Format f = *config.pe.format;
  nn::LnsMatmul backend(config, f, f, f);
  lns::Rng rng(5);
  nn::Matrix<float> x(6, 9), w(4, 9), y(6, 4);
  for (Eigen::Index i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>(rng.normal());
  for (Eigen::Index i = 0; i < w.size(); ++i) w.data()[i] = static_cast<float>(0.3 * rng.normal());
  x(2, 3) = 0.0f;  // a zero operand is gated

  backend.gemm(nn::GemmRole::forward, x, false, w, true, y);  // y = x w^T

  // The same by hand: per-tensor scales map the largest magnitude to the largest code.
  const float sx = x.cwiseAbs().maxCoeff() / static_cast<float>(f.max_magnitude());
  const float sw = w.cwiseAbs().maxCoeff() / static_cast<float>(f.max_magnitude());
  std::vector<lns::code_t> a(6 * 9), b(9 * 4);
  for (int i = 0; i < 6; ++i)
    for (int k = 0; k < 9; ++k) a[i * 9 + k] = f.encode(static_cast<double>(x(i, k) / sx));
  for (int k = 0; k < 9; ++k)
    for (int j = 0; j < 4; ++j) b[k * 4 + j] = f.encode(static_cast<double>(w(j, k) / sw));
  std::vector<double> c(6 * 4);
  lns::gemm_reference(f, lns::CodeMatrix::row_major(a.data(), 6, 9), f,
                      lns::CodeMatrix::row_major(b.data(), 9, 4), config.pe.datapath, f, c.data());
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 4; ++j)
      CHECK(y(i, j) == static_cast<float>(c[i * 4 + j] * (static_cast<double>(sx) * sw)));
  // And it approximates the float product (8-bit operands: a few percent of the largest term).
  const nn::Matrix<float> exact = x * w.transpose();
  CHECK((y - exact).cwiseAbs().maxCoeff() < 0.1f * exact.cwiseAbs().maxCoeff());

  CHECK(backend.totals().steps == 0);
  backend.close_step(36);
  CHECK(backend.totals().steps == 1);
  CHECK(backend.totals().cycles > 0.0);
  CHECK(backend.totals().energy_pj > 0.0);
  backend.gemm(nn::GemmRole::forward, x, false, w, true, y);
  backend.discard();  // e.g. an evaluation pass: not counted
  backend.close_step(36);
  CHECK(backend.totals().steps == 2);

  // The same two steps without the discarded GEMM give exactly the same totals; had the GEMM
  // been counted, its energy and cycles (both > 0) would be added to the second step.
  nn::LnsMatmul twin(config, f, f, f);
  twin.gemm(nn::GemmRole::forward, x, false, w, true, y);
  twin.close_step(36);
  twin.close_step(36);
  CHECK(backend.totals().energy_pj == twin.totals().energy_pj);
  CHECK(backend.totals().cycles == twin.totals().cycles);
  // And a counted GEMM does change them (so the comparison above can fail).
  nn::LnsMatmul counted(config, f, f, f);
  counted.gemm(nn::GemmRole::forward, x, false, w, true, y);
  counted.close_step(36);
  counted.gemm(nn::GemmRole::forward, x, false, w, true, y);
  counted.close_step(36);
  CHECK(counted.totals().energy_pj > twin.totals().energy_pj);
  CHECK(counted.totals().cycles > twin.totals().cycles);
}

TEST_CASE("lns-full trains on synthetic data and reports simulated cost per step",
          "[nn][lns-full]") {
  nn::TrainConfig c;
  c.optimizer = "lns-madam";
  c.numerics = "lns-full";
  c.accelerator = lns8_config;
  c.epochs = 2;
  c.batch = 32;
  c.model.widths = {32};  // hidden width
  const nn::Shape shape{1, 28, 28};
  nn::Trainer t(c, nn::make_synthetic(256, shape, 10, 1, 2, 0.3),
                nn::make_synthetic(128, shape, 10, 1, 3, 0.3));
  REQUIRE(t.simulated() != nullptr);
  t.run();
  CHECK(t.simulated()->steps == t.steps());
  CHECK(t.simulated()->energy_pj_per_step() > 0.0);
  CHECK(t.history().back().test_accuracy > 0.3);  // learns (chance is 0.1)
}

TEST_CASE("lns-full: evaluation passes are not part of the simulated training cost",
          "[nn][lns-full]") {
  // Two runs that differ only in the size of the test set: identical training, so identical
  // simulated totals; counting the evaluation passes would give the larger test set more.
  auto simulated = [](std::size_t test_size) {
    nn::TrainConfig c;
    c.optimizer = "lns-madam";
    c.numerics = "lns-full";
    c.accelerator = lns8_config;
    c.epochs = 1;
    c.batch = 32;
    c.model.widths = {16};
    const nn::Shape shape{1, 28, 28};
    nn::Trainer t(c, nn::make_synthetic(96, shape, 10, 1, 2, 0.3),
                  nn::make_synthetic(test_size, shape, 10, 1, 3, 0.3));
    t.run();
    return *t.simulated();
  };
  const nn::SimulatedSteps small = simulated(32), large = simulated(256);
  CHECK(small.steps == large.steps);
  CHECK(small.energy_pj == large.energy_pj);
  CHECK(small.cycles == large.cycles);
}
