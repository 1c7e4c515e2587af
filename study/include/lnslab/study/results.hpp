#pragma once
// Results of a study: each run's run.json, aggregated over seeds per configuration (mean and
// range, as the Madam paper's Table 3), and each configuration's training step costed on every
// accelerator of the study by the simulator.
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lnslab/study/spec.hpp"

namespace lnslab::study {

struct Stat {
  double mean = 0.0, min = 0.0, max = 0.0;
};

/// One training step of a configuration's model on one accelerator (simulated).
struct StepCost {
  std::string accelerator;  ///< config name
  double cycles = 0.0;
  double energy_pj = 0.0;
  std::vector<std::pair<std::string, double>> energy_by_component;  ///< pJ
};

struct GroupResult {
  std::string group, label, model, optimizer, numerics, format;
  int bits = 32;
  std::vector<std::uint64_t> seeds;
  std::vector<std::string> run_ids;
  Stat test_accuracy;   ///< final, fraction in [0, 1]
  Stat train_accuracy;  ///< final epoch
  double images_per_second = 0.0;
  /// Difference of the mean test accuracy to the FP32 run of the same optimizer family
  /// (lns-madam -> madam, lns-sgd -> sgd, lns-adam -> adam), when the study has it.
  std::optional<double> delta_vs_fp32;
  std::string reference_group;
  std::vector<double> train_loss, test_loss;  ///< per epoch, mean over seeds
  std::vector<StepCost> costs;                ///< one per accelerator, study order
};

/// Reads every run's run.json (StudyError naming the file when one is missing or malformed).
std::vector<GroupResult> collect(const Study& study, const std::filesystem::path& out);
/// Fills GroupResult::costs by simulating each model's training step on each accelerator, with
/// the accelerator's weight update set to the configuration's optimizer.
void cost(const Study& study, std::vector<GroupResult>& groups);

nlohmann::json to_json(const GroupResult& g);

}  // namespace lnslab::study
