#pragma once
// Learning-rate schedules: step decay, decay on plateau, linear warm-up (combinable).
//
// Spec string (the --schedule option): "none", or comma-separated items
//   step=E       multiply the lr by the factor after epoch E (epochs count from 1; repeatable)
//   plateau=P    multiply by the factor when the monitored loss has not improved (relative
//                threshold 1e-4, as PyTorch's ReduceLROnPlateau) for more than P epochs
//   factor=F     the decay factor (default 0.1, the Madam paper's)
//   warmup=W     ramp the lr linearly over the first W epochs, per step: lr * (s + 1) / (W * S)
// e.g. "step=7" (x0.1 after epoch 7), "warmup=1,step=5,step=8", "plateau=2,factor=0.5".
// LNS Madam turns the scheduled lr into its integer multiple (see lns_madam.hpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lnslab/nn/serialize.hpp"

namespace lnslab::nn {

struct ScheduleSpec {
  std::vector<int> step_epochs;
  int plateau_patience = -1;  ///< -1: no plateau decay
  double factor = 0.1;
  int warmup_epochs = 0;

  /// Throws ConfigError naming the bad item.
  static ScheduleSpec parse(std::string_view text);
  std::string str() const;
};

class LrSchedule {
 public:
  LrSchedule(ScheduleSpec spec, double base_lr);
  const ScheduleSpec& spec() const { return spec_; }
  /// lr for step `step_in_epoch` of 1-based `epoch` with `steps_per_epoch` steps.
  double lr(int epoch, std::int64_t step_in_epoch, std::int64_t steps_per_epoch) const;
  /// The lr of an epoch without warm-up (for reports).
  double epoch_lr(int epoch) const;
  /// Called after each epoch with the monitored loss (plateau decay).
  void end_epoch(int epoch, double monitored_loss);

  void save(StateWriter& out) const;
  void load(StateReader& in);

 private:
  ScheduleSpec spec_;
  double base_lr_;
  double plateau_scale_ = 1.0;
  double best_ = 0.0;
  bool has_best_ = false;
  int bad_epochs_ = 0;
};

}  // namespace lnslab::nn
