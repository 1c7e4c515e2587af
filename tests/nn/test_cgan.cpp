// The class-conditional GAN's trainer (nn/cgan_trainer.hpp): same seed same bits, a resumed run
// equal to an uninterrupted one for every optimizer family, LNS storage of both networks, and
// the settings it refuses. Synthetic 16x16 data and a small width keep it fast.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "cgan_fixture.hpp"
#include "lnslab/nn/cgan_trainer.hpp"
#include "lnslab/nn/errors.hpp"

using namespace lnslab;

namespace {

using nn::test::small_cgan_config;
nn::CganTrainer make(const nn::TrainConfig& c) {
  return nn::test::make_cgan(c);
}

std::vector<float> values(const nn::Network<float>& net) {
  return {net.params().values().begin(), net.params().values().end()};
}

}  // namespace

TEST_CASE("cgan: same seed, same bits; a resumed run equals an uninterrupted one", "[cgan]") {
  for (const std::string opt : {"adam", "sgd", "madam", "lns-madam"}) {
    INFO(opt);
    nn::TrainConfig c = small_cgan_config(opt);
    if (opt == "lns-madam") c.format = "lns8:eta0=0.016";
    nn::CganTrainer full = make(c);
    full.run();
    nn::CganTrainer again = make(c);
    again.run();
    CHECK(values(full.generator()) == values(again.generator()));
    CHECK(values(full.discriminator()) == values(again.discriminator()));

    nn::TrainConfig first = c;
    first.epochs = 1;
    nn::CganTrainer part = make(first);
    part.run();
    const std::string ck = part.checkpoint();
    REQUIRE(nn::CganTrainer::is_checkpoint(ck));
    // checkpoint_config holds the 1-epoch setting; the resumed run extends it to 2 epochs
    nn::TrainConfig two = nn::CganTrainer::checkpoint_config(ck);
    two.epochs = 2;
    nn::CganTrainer cont = make(two);
    cont.restore(ck);
    cont.run();
    CHECK(values(cont.generator()) == values(full.generator()));
    CHECK(values(cont.discriminator()) == values(full.discriminator()));
    REQUIRE(cont.history().size() == 2);
    CHECK(cont.history()[1].metrics == full.history()[1].metrics);
    CHECK(cont.history()[1].train_loss == full.history()[1].train_loss);
  }
}

TEST_CASE("cgan: every epoch records finite scores; the untrained ones too", "[cgan]") {
  nn::CganTrainer t = make(small_cgan_config("adam"));
  const auto& init = t.initial_metrics();
  REQUIRE(init.count(nn::metric_frechet_distance) == 1);
  CHECK(std::isfinite(init.at(nn::metric_frechet_distance)));
  CHECK(init.at(nn::metric_frechet_distance) > 0.0);
  t.run();
  for (const auto& r : t.history()) {
    CHECK(std::isfinite(r.metrics.at(nn::metric_frechet_distance)));
    CHECK(r.metrics.at(nn::metric_sample_class_accuracy) >= 0.0);
    CHECK(r.metrics.at(nn::metric_sample_class_accuracy) <= 1.0);
    CHECK(std::isnan(r.test_accuracy));  // a GAN has no test accuracy of its own
  }
  const nn::Matrix<float> grid = t.grid_samples();
  CHECK(grid.rows() == 10 * nn::CganTrainer::grid_per_class);
  CHECK(grid.minCoeff() >= 0.0f);
  CHECK(grid.maxCoeff() <= 1.0f);
  // The record keeps the scores and the classifier's hash.
  const nn::RunRecord rec = nn::make_run_record(t, {}, 0.0);
  CHECK(rec.scorer.at("feature_classifier_hash") == t.scorer().checkpoint_hash());
  CHECK(!rec.final_test_accuracy());
  const nn::RunRecord back = nn::run_record_from_json(nn::to_json(rec));
  CHECK(back.epochs.back().metrics == rec.epochs.back().metrics);
  CHECK(back.initial_metrics == rec.initial_metrics);
  CHECK(back.scorer == rec.scorer);
}

TEST_CASE("cgan: lns-weights stores both networks as LNS codes", "[cgan]") {
  nn::TrainConfig c = small_cgan_config("lns-madam");
  c.format = "lns8:eta0=0.016";
  c.epochs = 1;
  nn::CganTrainer t = make(c);
  t.run();
  // An 8-bit format has 127 magnitudes per tensor (one sigma* each); FP32 weights have ~all
  // distinct values.
  for (nn::Network<float>* net : {&t.generator(), &t.discriminator()})
    for (const auto& info : net->params().infos()) {
      if (info.role != nn::ParamRole::weight || info.size < 500) continue;
      std::set<float> magnitudes;
      for (float w : net->params().value(info.id)) magnitudes.insert(std::abs(w));
      INFO(info.name);
      CHECK(magnitudes.size() <= 127);
    }
}

TEST_CASE("cgan: settings that do not apply are refused", "[cgan]") {
  auto refused = [](nn::TrainConfig c) { CHECK_THROWS_AS(make(c), nn::ConfigError); };
  nn::TrainConfig c = small_cgan_config("lns-madam");
  c.numerics = "lns-full";
  refused(c);
  c = small_cgan_config("adam");
  c.validation = 0.1;
  refused(c);
  c = small_cgan_config("adam");
  c.model.batchnorm = true;
  refused(c);
  c = small_cgan_config("adam");
  c.model.widths = {4, 8};
  refused(c);
}

TEST_CASE("cgan: a checkpoint of other settings, or not of a cgan, is refused", "[cgan]") {
  nn::TrainConfig c = small_cgan_config("adam");
  c.epochs = 1;
  nn::CganTrainer t = make(c);
  t.run();
  const std::string ck = t.checkpoint();
  CHECK(!nn::CganTrainer::is_checkpoint(std::string("LNSLABCK garbage")));
  nn::TrainConfig other = c;
  other.lr = 2e-3;
  nn::CganTrainer u = make(other);
  CHECK_THROWS_AS(u.restore(ck), nn::CheckpointError);
}
