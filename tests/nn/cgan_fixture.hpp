#pragma once
// A small cgan on the synthetic set for tests, and one feature classifier per test binary,
// trained once into a scratch cache directory.
#include <filesystem>
#include <string>

#include "lnslab/nn/cgan_trainer.hpp"

namespace lnslab::nn::test {

inline TrainConfig small_cgan_config(const std::string& optimizer) {
  TrainConfig c;
  c.model.kind = "cgan";
  c.model.widths = {4};
  c.optimizer = optimizer;
  c.epochs = 2;
  c.batch = 64;
  c.seed = 3;
  c.data_dir = "synthetic";
  c.train_limit = 256;
  return c;
}

inline FeatureClassifier synthetic_classifier() {
  static const std::filesystem::path cache =
      std::filesystem::temp_directory_path() / "lnslab-test-cgan-cache";
  return FeatureClassifier::load_or_train(synthetic_split(3, true), synthetic_split(3, false),
                                          "synthetic", cache, [](const std::string&) {});
}

inline CganTrainer make_cgan(const TrainConfig& c) {
  return CganTrainer(c, synthetic_split(c.seed, true), synthetic_split(c.seed, false),
                     synthetic_classifier());
}

}  // namespace lnslab::nn::test
