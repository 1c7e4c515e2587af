// Training loop: determinism, bit-identical resume, checkpoint validation, schedules.
#include <catch2/catch.hpp>

#include <cstring>

#include "lnslab/nn/checkpoint.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/schedule.hpp"
#include "lnslab/nn/trainer.hpp"

using namespace lnslab;

namespace {

nn::Dataset train_set() {
  return nn::make_synthetic(600, nn::Shape{1, 12, 12}, 4, 1, 2, 0.6);
}
nn::Dataset test_set() {
  return nn::make_synthetic(200, nn::Shape{1, 12, 12}, 4, 1, 3, 0.6);
}

nn::TrainConfig config(const std::string& optimizer, int epochs) {
  nn::TrainConfig c;
  c.optimizer = optimizer;
  c.model.widths = {16};
  c.epochs = epochs;
  c.batch = 32;
  c.seed = 42;
  return c;
}

std::vector<float> params(nn::Trainer& t) {
  const auto v = t.network().params().values();
  return {v.begin(), v.end()};
}

void check_same_history(const nn::Trainer& a, const nn::Trainer& b) {
  REQUIRE(a.history().size() == b.history().size());
  for (std::size_t i = 0; i < a.history().size(); ++i) {
    const auto& x = a.history()[i];
    const auto& y = b.history()[i];
    CHECK(x.lr == y.lr);
    CHECK(x.train_loss == y.train_loss);
    CHECK(x.train_accuracy == y.train_accuracy);
    CHECK(x.test_loss == y.test_loss);
    CHECK(x.test_accuracy == y.test_accuracy);
  }
}

}  // namespace

TEST_CASE("training learns the synthetic set and is deterministic", "[train]") {
  for (const char* opt : {"sgd", "adam", "lion", "madam", "lns-madam"}) {
    INFO(opt);
    nn::TrainConfig c = config(opt, 3);
    // Lion's default (1e-4, for long runs) moves each weight by 1e-4 a step: too little for 57
    // steps of this small set
    if (std::string(opt) == "lion") c.lr = 3e-3;
    nn::Trainer a(c, train_set(), test_set());
    nn::Trainer b(c, train_set(), test_set());
    a.run();
    b.run();
    check_same_history(a, b);
    CHECK(params(a) == params(b));
    CHECK(a.history().back().test_accuracy > 0.55);  // chance is 0.25
  }
  nn::TrainConfig other = config("adam", 1);
  other.seed = 43;
  nn::Trainer a(config("adam", 1), train_set(), test_set());
  nn::Trainer c(other, train_set(), test_set());
  a.run();
  c.run();
  CHECK(params(a) != params(c));
}

TEST_CASE("a resumed run equals the uninterrupted run bit for bit", "[train][checkpoint]") {
  struct Case {
    const char* optimizer;
    const char* schedule;
    bool batchnorm;
    double validation;
    const char* rounding;
  };
  const Case cases[] = {
      {"sgd", "warmup=1,step=2", true, 0.0, "nearest"},
      {"adam", "plateau=0,factor=0.5", false, 0.2, "nearest"},
      {"madam", "step=2", false, 0.0, "nearest"},
      {"lns-madam", "step=2", true, 0.0, "nearest"},
      {"lns-sgd", "none", false, 0.0, "stochastic"},
      {"lns-adam", "none", false, 0.0, "nearest"},
      {"lion", "step=2", false, 0.0, "nearest"},
      {"lns-lion", "none", false, 0.0, "stochastic"},
  };
  for (const Case& k : cases) {
    INFO(k.optimizer);
    auto make = [&](int epochs) {
      nn::TrainConfig c = config(k.optimizer, epochs);
      c.schedule = k.schedule;
      c.model.batchnorm = k.batchnorm;
      c.model.batchnorm_affine = k.batchnorm;
      c.validation = k.validation;
      c.rounding = k.rounding;
      if (std::string(k.optimizer) == "lns-madam") c.format = "lns10:eta0=0.004";
      return c;
    };
    nn::Trainer full(make(4), train_set(), test_set());
    full.run();

    nn::Trainer first(make(2), train_set(), test_set());
    first.run();
    const std::string ckpt = first.checkpoint();
    const nn::TrainConfig stored = nn::Trainer::checkpoint_config(ckpt);
    CHECK(stored.optimizer == full.config().optimizer);
    nn::TrainConfig resumed_config = stored;
    resumed_config.epochs = 4;
    nn::Trainer resumed(resumed_config, train_set(), test_set());
    resumed.restore(ckpt);
    CHECK(resumed.completed_epochs() == 2);
    resumed.run();
    check_same_history(full, resumed);
    CHECK(params(full) == params(resumed));
    CHECK(full.steps() == resumed.steps());
  }
}

TEST_CASE("checkpoints: corrupt, truncated, foreign and mismatched files are refused",
          "[checkpoint]") {
  nn::Trainer t(config("adam", 1), train_set(), test_set());
  t.run();
  const std::string good = t.checkpoint();
  nn::Trainer fresh(config("adam", 1), train_set(), test_set());
  CHECK_NOTHROW(fresh.restore(good));

  std::string flipped = good;
  flipped[flipped.size() / 2] ^= 0x10;
  CHECK_THROWS_WITH(fresh.restore(flipped), Catch::Contains("checksum mismatch"));
  CHECK_THROWS_WITH(fresh.restore(good.substr(0, good.size() - 9)), Catch::Contains("truncated"));
  CHECK_THROWS_WITH(fresh.restore("not a checkpoint at all"), Catch::Contains("LNSLABCK"));
  std::string version = good;
  version[8] = 9;
  CHECK_THROWS_WITH(fresh.restore(version), Catch::Contains("version 9"));

  nn::TrainConfig other = config("adam", 1);
  other.lr = 0.002;
  nn::Trainer different(other, train_set(), test_set());
  CHECK_THROWS_WITH(different.restore(good), Catch::Contains("lr"));
  nn::Trainer madam(config("madam", 1), train_set(), test_set());
  CHECK_THROWS_AS(madam.restore(good), nn::CheckpointError);
}

TEST_CASE("checkpoint container round trip", "[checkpoint]") {
  const std::string payload = "hello\0world";
  const std::string file = nn::pack_checkpoint(payload);
  CHECK(file.substr(0, 8) == "LNSLABCK");
  CHECK(nn::unpack_checkpoint(file) == payload);
}

TEST_CASE("schedules: step decay, warm-up, plateau, spec strings", "[schedule]") {
  nn::LrSchedule step(nn::ScheduleSpec::parse("step=7"), 0.1);
  CHECK(step.lr(7, 0, 10) == Approx(0.1));
  CHECK(step.lr(8, 0, 10) == Approx(0.01));
  nn::LrSchedule warm(nn::ScheduleSpec::parse("warmup=2,step=3,step=4"), 1.0);
  CHECK(warm.lr(1, 0, 10) == Approx(0.05));  // (0 + 1) / 20
  CHECK(warm.lr(2, 9, 10) == Approx(1.0));
  CHECK(warm.lr(4, 0, 10) == Approx(0.1));
  CHECK(warm.lr(5, 0, 10) == Approx(0.01));
  nn::LrSchedule plateau(nn::ScheduleSpec::parse("plateau=1,factor=0.5"), 1.0);
  plateau.end_epoch(1, 1.0);
  plateau.end_epoch(2, 0.9);   // improved
  plateau.end_epoch(3, 0.95);  // 1 bad epoch: within patience
  CHECK(plateau.epoch_lr(4) == Approx(1.0));
  plateau.end_epoch(4, 0.91);  // 2 bad epochs > patience 1: halve
  CHECK(plateau.epoch_lr(5) == Approx(0.5));
  CHECK(nn::ScheduleSpec::parse("none").str() == "none");
  CHECK(nn::ScheduleSpec::parse("step=7,warmup=1").str() == "warmup=1,step=7");
  CHECK_THROWS_WITH(nn::ScheduleSpec::parse("step=x"), Catch::Contains("step=x"));
  CHECK_THROWS_AS(nn::ScheduleSpec::parse("cosine=3"), nn::ConfigError);
  CHECK_THROWS_AS(nn::ScheduleSpec::parse("factor=2"), nn::ConfigError);
}

TEST_CASE("training settings: canonical optimizer/numerics and clear errors", "[config]") {
  nn::TrainConfig c;
  c.optimizer = "madam";
  c.numerics = "lns-weights";
  c.format = "lns12:eta0=0.001";
  c.lr = 0.016;
  c.resolve();
  CHECK(c.optimizer == "lns-madam");
  CHECK(c.format == "lns12:eta0=0.001,bias=2047");

  nn::TrainConfig d;
  d.optimizer = "lns-sgd";
  d.resolve();
  CHECK(d.numerics == "lns-weights");
  CHECK(d.lr == 0.1);

  auto error = [](nn::TrainConfig x) {
    try {
      x.resolve();
    } catch (const std::exception& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  nn::TrainConfig e;
  e.optimizer = "rmsprop";
  CHECK_THAT(error(e), Catch::Contains("unknown optimizer 'rmsprop'"));
  e = {};
  e.numerics = "lns-full";
  CHECK_THAT(error(e), Catch::Contains("needs an accelerator"));
  e = {};
  e.optimizer = "lns-madam";
  e.numerics = "fp32";
  CHECK_THAT(error(e), Catch::Contains("lns-weights"));
  e = {};
  e.optimizer = "lns-madam";
  e.lr = 0.01;
  CHECK_THAT(error(e), Catch::Contains("integer multiple"));
  e = {};
  e.model.kind = "resnet";
  CHECK_THAT(error(e), Catch::Contains("unknown model"));
}
