#pragma once
// Results of a study: each run's run.json, aggregated over seeds per configuration (mean and
// range, as the Madam paper's Table 3), each configuration's training step costed on its own
// hardware (hardware.hpp), baseline arrays per model, and the step on every listed accelerator.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lnslab/study/hardware.hpp"
#include "lnslab/study/score.hpp"
#include "lnslab/study/spec.hpp"

namespace lnslab::study {

struct Stat {
  double mean = 0.0, min = 0.0, max = 0.0;
};

struct GroupResult {
  std::string group, label, model, optimizer, numerics, format;
  int bits = 32;
  double lr = 0;
  int batch = 128;
  std::string accelerator;  ///< lns-full: the config it trained on
  sim::UpdateRule update;   ///< its optimizer as the update unit computes it
  std::vector<std::uint64_t> seeds;
  std::vector<std::string> run_ids;
  const Score* score = nullptr;  ///< its model's (score.hpp)
  /// The score's final value over seeds; none when a seed's record has none (e.g. diverged).
  std::optional<Stat> final_score;
  /// Model-specific final metrics over seeds by name (score.hpp: transformer val_bits_per_char
  /// and val_perplexity_per_char; cgan frechet_distance, sample_class_accuracy, generator_loss).
  std::map<std::string, Stat> metrics;
  Stat train_accuracy;  ///< final epoch
  double images_per_second = 0.0;
  /// Difference of the mean score to the FP32 run of the same optimizer family (lns-madam ->
  /// madam, lns-sgd -> sgd, lns-adam -> adam), in the score's units, when the study has it.
  std::optional<double> delta_vs_fp32;
  std::string reference_group;
  /// Per epoch, mean over seeds: training loss, and held-out loss (score.hpp: test loss, or a
  /// language model's validation loss; empty for a model without one).
  std::vector<double> train_loss, held_out_loss;
  std::optional<HardwareCost> hardware;  ///< its own hardware (cost() fills it)
};

/// Costs that belong to a model rather than to one configuration.
struct ModelCosts {
  std::string model;
  int batch = 128;
  std::vector<HardwareCost> baselines;  ///< fp32, int8, fp16, bf16 arrays (FP32 Madam update)
  /// The step on each of the study's listed accelerators exactly as its file configures it
  /// (its own update unit): a cross-costing, not any configuration's hardware.
  std::vector<HardwareCost> listed;
};

/// Where an LNS accelerator starts to save energy against the INT8 baseline: the step of one
/// model on square arrays and batches around the study's, each ratio LNS / INT8 energy.
struct CrossoverPoint {
  int array = 32;
  int batch = 128;
  double lns_pj = 0, int8_pj = 0;            ///< the whole step
  double lns_gemm_pj = 0, int8_gemm_pj = 0;  ///< the GEMMs only (step minus update unit)
};
struct Crossover {
  std::string model, lns_accelerator;
  std::vector<CrossoverPoint> points;
};

/// Reads every run's run.json (StudyError naming the file when one is missing or malformed).
std::vector<GroupResult> collect(const Study& study, const std::filesystem::path& out);
/// Fills GroupResult::hardware: each configuration's step on its own hardware, derived from the
/// study's first accelerator; returns the baselines and listed accelerators per model.
std::vector<ModelCosts> cost(const Study& study, std::vector<GroupResult>& groups);
/// For each model with an lns-full configuration: its accelerator against the INT8 baseline over
/// arrays 16..128 and batches 32..2048 (same SRAM, DRAM, energy table).
std::vector<Crossover> crossover(const Study& study, const std::vector<GroupResult>& groups);

nlohmann::json to_json(const GroupResult& g);
nlohmann::json to_json(const ModelCosts& m);
nlohmann::json to_json(const Crossover& c);

}  // namespace lnslab::study
