#pragma once
// The learning-rate claim of the Madam paper (one lr for every task): configurations of a study
// that differ only in lr, per model and optimizer, with the best lr by the model's score
// (score.hpp: the highest test accuracy, the lowest bits per character or Fréchet distance), the
// score there and at the optimizer's default lr, and what not tuning costs.
#include <optional>
#include <string>
#include <vector>

#include "lnslab/study/results.hpp"

namespace lnslab::study {

struct LrPoint {
  double lr = 0;
  std::optional<Stat> score;  ///< over seeds, in the score's units; none when a run has none
};

struct LrSweep {
  std::string model, label, optimizer, numerics, format;
  const Score* score = nullptr;    ///< the model's
  std::vector<LrPoint> points;     ///< ascending lr
  double default_lr = 0;           ///< `lnslab train`'s default for the optimizer
  LrPoint best;                    ///< best mean score (the smaller lr on a tie)
  bool default_in_grid = false;    ///< the grid has the default lr
  std::optional<Stat> at_default;  ///< the score there, when it has one
  /// How much worse the default lr's mean score is than the best's (>= 0; points of fraction
  /// for accuracy, bits per character, ...); empty without a scored default point.
  std::optional<double> loss_from_default() const;
};

/// Every (model, label, numerics, format) of the groups with two or more learning rates, at
/// least one of them scored.
std::vector<LrSweep> lr_sweeps(const std::vector<GroupResult>& groups);

}  // namespace lnslab::study
