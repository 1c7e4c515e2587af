// Accuracy gate: short real Fashion-MNIST runs must clear stated accuracies.
// MLP 784-256-10, first 6000 training images, first 2000 test images, batch 128, seed 1.
// Each gate is the measured accuracy minus one point (measured at b1fc7e2, Release build, GCC 12:
// FP32 Adam 83.15%, 8-bit LNS Madam 80.00%), so a regression of more than a point fails.
#include <catch2/catch.hpp>

#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/trainer.hpp"

using namespace lnslab;

namespace {
double run(const std::string& optimizer, const std::string& format, int epochs) {
  static const nn::Dataset train = nn::load_idx_split(nn::default_data_dir, "train").head(6000);
  static const nn::Dataset test = nn::load_idx_split(nn::default_data_dir, "t10k").head(2000);
  nn::TrainConfig c;
  c.optimizer = optimizer;
  if (!format.empty()) c.format = format;  // FP32 Adam takes no format
  c.epochs = epochs;
  c.seed = 1;
  nn::Trainer t(c, train, test);
  t.run();
  return t.history().back().test_accuracy;
}
}  // namespace

TEST_CASE("Fashion-MNIST gate: FP32 Adam, 5 epochs on 6000 images > 82.15%", "[gate]") {
  CHECK(run("adam", "", 5) > 0.8215);
}

TEST_CASE("Fashion-MNIST gate: 8-bit LNS Madam, 5 epochs on 6000 images > 79%", "[gate]") {
  CHECK(run("lns-madam", "lns8:eta0=0.016", 5) > 0.79);
}
