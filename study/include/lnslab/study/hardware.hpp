#pragma once
// The hardware each configuration of a study is costed on: a configuration's training step runs
// on an accelerator whose arithmetic and storage are what that run computed, at its bit width.
// Every accelerator is derived from the study's template (its first `accelerators` entry: array,
// SRAM, DRAM, energy table), so that only the PE, the word widths, the weight format and the
// update unit differ between rows, and every derived config is written as TOML that `lnslab sim`
// reads back (docs/study.md, "Hardware").
//
//   fp32 run                  FP32 PE, FP32 weights, the run's optimizer in the update unit
//   lns-weights run, format F FP32 PE, weights stored and moved as B-bit codes of F, decoded at
//                             the array edge; LNS Madam adds integers to the exponents, LNS-stored
//                             SGD/Adam decode, apply the float rule and re-encode
//   lns-full run              the LNS accelerator the run trained on (its PE format, datapath),
//                             master weights in the run's format, re-encoded once per step
//   baselines (per model)     FP32, INT8, FP16 and BF16 arrays with an FP32 Madam update unit
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lnslab/sim/config.hpp"
#include "lnslab/sim/workload.hpp"

namespace lnslab::study {

/// Energy of one training step grouped as the report shows it, in pJ.
struct EnergySplit {
  double compute = 0;   ///< PE arithmetic (pe.* but the registers)
  double on_chip = 0;   ///< SRAM and PE registers
  double off_chip = 0;  ///< DRAM traffic of the GEMMs
  double update = 0;    ///< the update unit and its DRAM traffic
};
/// The report's group of a simulator component ("pe.acc_add" -> compute, ...).
enum class EnergyGroup { compute, on_chip, off_chip, update };
EnergyGroup energy_group(const std::string& component);

/// One training step (forward, backward, update) of a model on one accelerator.
struct HardwareCost {
  std::string accelerator;  ///< derived config name
  std::string pe;           ///< lns | fp32 | fp16 | bf16 | int8
  std::string format;       ///< LNS format of the stored weights ("" when not LNS)
  std::string gemm_format;  ///< lns PEs: the GEMMs' operand format; "" otherwise
  std::string datapath;     ///< lns PEs: accumulation datapath; "" otherwise
  std::string update;       ///< update unit rule (lns_madam, madam, sgd, adam)
  std::string model;
  int batch = 0;
  double energy_pj = 0;                                             ///< per step
  double cycles = 0;                                                ///< per step
  std::vector<std::pair<std::string, double>> energy_by_component;  ///< simulator components, pJ
  EnergySplit split;
  std::string config_toml;  ///< the derived config as `lnslab sim` reads it
};
nlohmann::json to_json(const HardwareCost& h);

/// A configuration's training: what its hardware is derived from.
struct TrainedAs {
  sim::UpdateRule update;   ///< the run's optimizer as the update unit computes it
  std::string numerics;     ///< fp32 | lns-weights | lns-full
  std::string format;       ///< the weight format ("" for fp32)
  std::string accelerator;  ///< lns-full: the config file the run trained on
};

/// The accelerator a configuration trained on, derived from `tmpl`; StudyError on a mismatch.
sim::Config hardware_config(const sim::Config& tmpl, const TrainedAs& run);
/// A baseline array of PE type `pe` (fp32, int8, fp16, bf16) derived from `tmpl`.
sim::Config baseline_config(const sim::Config& tmpl, sim::PeType pe);

/// Simulates one training step of `forward` (a forward workload at `batch`) on `config`.
HardwareCost cost_step(const sim::Config& config, const sim::Workload& forward,
                       const std::string& model, int batch);
/// The same for a whole training step already derived (forward, backward, updates), e.g.
/// nn::training_workload of a transformer.
HardwareCost cost_training_step(const sim::Config& config, const sim::Workload& step,
                                const std::string& model, int batch);

}  // namespace lnslab::study
