// The run record (run.json): what `lnslab train` writes is what the study reads back.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/run_record.hpp"

using namespace lnslab;

TEST_CASE("a run record round-trips through JSON and rejects malformed records", "[record]") {
  nn::TrainConfig c;
  c.optimizer = "lns-sgd";
  c.model.widths = {8};
  c.epochs = 2;
  c.batch = 50;
  c.validation = 0.1;  // NaN-free validation columns
  nn::Trainer t(c, nn::make_synthetic(200, nn::Shape{1, 8, 8}, 4, 1, 2),
                nn::make_synthetic(100, nn::Shape{1, 8, 8}, 4, 1, 3));
  t.run();
  const nn::RunRecord r =
      nn::make_run_record(t, {"v", "rev", "cc", "Release", "-O3", 1, "cpu", 2}, 1.5);
  const nlohmann::json j = nn::to_json(r);
  const nn::RunRecord back = nn::run_record_from_json(j);
  CHECK(nn::to_json(back) == j);
  CHECK(back.settings.optimizer == "lns-sgd");
  CHECK(back.epochs.size() == 2);
  CHECK(*back.final_test_accuracy() == t.history().back().test_accuracy);
  CHECK(back.provenance.git_revision == "rev");
  CHECK_FALSE(back.simulated);

  nlohmann::json bad = j;
  bad["epochs"][1].erase("test_loss");
  CHECK_THROWS_WITH(nn::run_record_from_json(bad), Catch::Contains("test_loss"));
  bad = j;
  bad["final_test_accuracy"] = 0.123456;  // disagrees with the last epoch
  CHECK_THROWS_WITH(nn::run_record_from_json(bad), Catch::Contains("final_test_accuracy"));
  bad = j;
  bad["settings"]["optimizer"] = 3;
  CHECK_THROWS_AS(nn::run_record_from_json(bad), nn::ConfigError);
}
