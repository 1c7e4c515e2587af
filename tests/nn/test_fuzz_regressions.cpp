// Inputs found while fuzzing the nn readers (tests/fuzz): each once escaped with an exception
// other than the reader's documented error, or crashed.
#include <catch2/catch.hpp>

#include "lnslab/nn/checkpoint.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/serialize.hpp"
#include "lnslab/nn/trainer.hpp"

using namespace lnslab;

namespace {
nn::Trainer tiny_trainer() {
  nn::TrainConfig c;
  c.epochs = 1;
  c.batch = 8;
  c.model.widths = {4};
  const nn::Shape shape{1, 4, 4};
  return nn::Trainer(c, nn::make_synthetic(16, shape, 10, 1, 2),
                     nn::make_synthetic(8, shape, 10, 1, 3));
}

std::string checkpoint_with_settings(const std::string& settings) {
  nn::StateWriter w;
  w.str("lnslab-train");
  w.str(settings);
  return nn::pack_checkpoint(w.bytes());
}
}  // namespace

TEST_CASE("checkpoint whose settings are JSON but not an object is a CheckpointError",
          "[nn][checkpoint][fuzz]") {
  for (const char* settings : {"[1]", "1", "\"x\"", "null"}) {
    INFO(settings);
    nn::Trainer t = tiny_trainer();
    // Was nlohmann::json::type_error from erase() on a non-object (an internal error, exit 1).
    CHECK_THROWS_AS(t.restore(checkpoint_with_settings(settings)), nn::CheckpointError);
    CHECK_THROWS_AS(nn::Trainer::checkpoint_config(checkpoint_with_settings(settings)),
                    nn::CheckpointError);
  }
}
