#pragma once
// The learning-rate claim of the Madam paper (one lr for every task): configurations of a study
// that differ only in lr, per model and optimizer, with the best lr, the accuracy there and at
// the optimizer's default lr, and what not tuning costs.
#include <optional>
#include <string>
#include <vector>

#include "lnslab/study/results.hpp"

namespace lnslab::study {

struct LrPoint {
  double lr = 0;
  Stat test_accuracy;  ///< over seeds, fraction
};

struct LrSweep {
  std::string model, label, optimizer, numerics, format;
  std::vector<LrPoint> points;     ///< ascending lr
  double default_lr = 0;           ///< `lnslab train`'s default for the optimizer
  LrPoint best;                    ///< highest mean test accuracy (the smaller lr on a tie)
  std::optional<Stat> at_default;  ///< when the grid has the default lr
  /// best - default mean accuracy (points of fraction); empty without a default point
  std::optional<double> loss_from_default() const;
};

/// Every (model, label, numerics, format) of the groups with two or more learning rates.
std::vector<LrSweep> lr_sweeps(const std::vector<GroupResult>& groups);

}  // namespace lnslab::study
