#pragma once
// The tiny trainers whose checkpoints the checkpoint target reads and make_seeds writes: one per
// optimizer (each saves different state), a 4x4 synthetic set and a 4-unit hidden layer.
#include <array>
#include <memory>

#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/trainer.hpp"

namespace lnslab::fuzz {

inline constexpr std::array<const char*, 4> checkpoint_optimizers = {"sgd", "adam", "madam",
                                                                     "lns-madam"};

inline std::unique_ptr<nn::Trainer> checkpoint_trainer(std::size_t optimizer) {
  nn::TrainConfig c;
  c.optimizer = checkpoint_optimizers[optimizer % checkpoint_optimizers.size()];
  c.epochs = 1;
  c.batch = 8;
  c.model.widths = {4};
  const nn::Shape shape{1, 4, 4};
  return std::make_unique<nn::Trainer>(c, nn::make_synthetic(16, shape, 10, 1, 2),
                                       nn::make_synthetic(8, shape, 10, 1, 3));
}

}  // namespace lnslab::fuzz
