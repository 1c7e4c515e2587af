// The optimizer registry: every entry builds its optimizer, settings that an optimizer does not
// take are errors, Lion's rule, and each entry's update counts reach the simulator's update unit.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/optimizers/lion.hpp"
#include "lnslab/nn/optimizers/registry.hpp"
#include "lnslab/nn/train_config.hpp"
#include "lnslab/sim/accounting.hpp"

using namespace lnslab;

namespace {

std::string resolve_error(nn::TrainConfig c) {
  try {
    c.resolve();
  } catch (const nn::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("every registry entry resolves and builds an optimizer of its own name", "[registry]") {
  for (const char* name :
       {"sgd", "adam", "lion", "madam", "lns-madam", "lns-sgd", "lns-adam", "lns-lion"})
    CHECK(nn::find_optimizer(name) != nullptr);
  for (const nn::OptimizerDescriptor& d : nn::optimizer_registry()) {
    INFO(d.name);
    nn::TrainConfig c;
    c.optimizer = d.name;
    c.resolve();
    CHECK(c.optimizer == d.name);
    CHECK(c.lr == d.default_lr);
    CHECK(c.lns_weights() == d.lns_weights);
    CHECK(nn::make_optimizer(c)->name() == d.name);
    REQUIRE(nn::find_optimizer(d.fp32_family) != nullptr);
    CHECK_FALSE(nn::find_optimizer(d.fp32_family)->lns_weights);
    // Only the settings it takes are written to the run record.
    const nlohmann::json j = nn::to_json(c);
    for (nn::OptimizerOption o : nn::all_optimizer_options())
      if (o != nn::OptimizerOption::format)
        CHECK(j.contains(std::string(nn::to_string(o))) == d.takes(o));
    CHECK(nn::train_config_from_json(j).optimizer == d.name);
  }
  // A float optimizer marked for it gets its LNS-stored twin without code of its own.
  REQUIRE(nn::find_optimizer("lns-lion") != nullptr);
  CHECK(nn::find_optimizer("lns-lion")->fp32_family == "lion");
  CHECK(nn::find_optimizer("lns-lion")->takes(nn::OptimizerOption::rounding));
  CHECK(nn::find_optimizer("lns-madam")->fp32_family == "madam");
  CHECK(nn::find_optimizer("lns-madam")->takes(nn::OptimizerOption::random_exponents));
}

TEST_CASE("a setting the optimizer does not take is an error naming both", "[registry]") {
  nn::TrainConfig c;
  c.optimizer = "madam";
  c.momentum = 0.5;
  CHECK_THAT(resolve_error(c), Catch::Contains("'momentum'") && Catch::Contains("'madam'"));
  c = {};
  c.optimizer = "sgd";
  c.g_bound = 5;
  CHECK_THAT(resolve_error(c), Catch::Contains("'g_bound'") && Catch::Contains("'sgd'"));
  c = {};
  c.optimizer = "lns-madam";
  c.rounding = "stochastic";
  CHECK_THAT(resolve_error(c), Catch::Contains("'rounding'"));
  c = {};
  c.optimizer = "adam";
  c.format = "lns10:eta0=0.004";  // fp32 Adam stores no LNS codes
  CHECK_THAT(resolve_error(c), Catch::Contains("'format'"));
  c = {};
  c.optimizer = "lion";
  c.p_scale = 2;
  CHECK_THAT(resolve_error(c), Catch::Contains("'p_scale'") && Catch::Contains("'lion'"));
  // The same settings on optimizers that take them.
  c = {};
  c.optimizer = "lns-sgd";
  c.rounding = "stochastic";
  c.momentum = 0.5;
  CHECK(resolve_error(c) == "no error");
  // `madam` with lns-weights is lns-madam, which takes the LNS settings.
  c = {};
  c.optimizer = "madam";
  c.numerics = "lns-weights";
  c.format = "lns10:eta0=0.004";
  c.lr = 0.016;
  CHECK(resolve_error(c) == "no error");
  CHECK(nn::effective_optimizer(c).name == "lns-madam");
}

TEST_CASE("Lion: the sign of the interpolated momentum, decoupled decay", "[registry]") {
  nn::ParamStore<float> store;
  const int id = store.declare("w", nn::ParamRole::weight, {3}, 1);
  store.finalize();
  auto w = store.value(id);
  w[0] = 1.0f, w[1] = -2.0f, w[2] = 0.5f;
  lns::Rng rng(1);
  nn::Lion lion(nn::LionConfig{0.9, 0.99, 0.5});
  lion.attach(store, rng);
  auto g = store.grad(id);
  g[0] = 0.5f, g[1] = -0.25f, g[2] = 0.0f;
  lion.step(store, {0.1, 0, nullptr});
  // c = 0.1 g: signs +, -, 0; w = w (1 - 0.1 * 0.5) - 0.1 sign(c)
  CHECK(w[0] == 1.0f * 0.95f - 0.1f);
  CHECK(w[1] == -2.0f * 0.95f + 0.1f);
  CHECK(w[2] == 0.5f * 0.95f);  // a zero interpolation moves only by the decay
  // m = 0.01 g; next g = -1 on w[0]: c = 0.9 * 0.005 - 0.1 < 0, so w[0] grows by lr.
  const float w0 = w[0];
  g[0] = -1.0f, g[1] = 0.0f, g[2] = 0.0f;
  lion.step(store, {0.1, 1, nullptr});
  CHECK(w[0] == w0 * 0.95f + 0.1f);
  CHECK(w[1] < 0.0f);  // c = 0.9 m < 0 with m = -0.0025: pushed up by lr
}

TEST_CASE("each optimizer's update counts are what the simulator costs", "[registry]") {
  sim::Config fp32;
  fp32.pe.type = sim::PeType::fp32;
  auto costs = [&](const char* name, auto&& tweak) {
    nn::TrainConfig c;
    c.optimizer = name;
    tweak(c);
    c.resolve();
    sim::Config hw = fp32;
    hw.update.rule = nn::update_rule(c);
    return sim::update_costs(hw);
  };
  auto none = [](nn::TrainConfig&) {};
  const sim::UpdateCosts lion = costs("lion", none);
  CHECK(lion.fp_mults == 4);
  CHECK(lion.fp_adds == 3);
  CHECK(lion.state_words == 1);
  const sim::UpdateCosts adam = costs("adam", none);
  CHECK(adam.state_words == 2);
  CHECK(adam.fp_mults == 10);
  // SGD's state is its momentum buffer: none without momentum.
  CHECK(costs("sgd", [](nn::TrainConfig& c) { c.momentum = 0.9; }).state_words == 1);
  CHECK(costs("sgd", [](nn::TrainConfig& c) { c.momentum = 0.0; }).state_words == 0);
  CHECK(costs("sgd", [](nn::TrainConfig& c) { c.momentum = 0.0; }).fp_mults == 1);
  // Lion moves fewer state words than Adam: its update streams less DRAM traffic.
  sim::Config hw = fp32;
  nn::TrainConfig l;
  l.optimizer = "lion";
  l.resolve();
  hw.update.rule = nn::update_rule(l);
  const auto t_lion = sim::time_update(hw, 1000);
  nn::TrainConfig a;
  a.optimizer = "adam";
  a.resolve();
  hw.update.rule = nn::update_rule(a);
  const auto t_adam = sim::time_update(hw, 1000);
  CHECK(t_adam.dram_read_bits - t_lion.dram_read_bits == 1000u * 32u);
  // LNS Madam adds to exponents: only on LNS-stored weights.
  nn::TrainConfig m;
  m.optimizer = "lns-madam";
  m.resolve();
  CHECK(nn::update_rule(m).exponent_update);
}
