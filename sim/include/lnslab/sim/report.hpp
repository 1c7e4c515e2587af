#pragma once
// Simulation results per layer and in total, and their text / JSON / CSV forms.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "lnslab/lns/kernels/gemm.hpp"
#include "lnslab/sim/accounting.hpp"
#include "lnslab/sim/timing.hpp"

namespace lnslab::sim {

/// One row: a GEMM (kind forward / backward_data / backward_weight) or a weight update.
struct LayerReport {
  std::string name;
  std::string kind;
  GemmShape shape;         ///< GEMMs; updates: m = weights, n = k = 1
  std::uint64_t macs = 0;  ///< M*N*K (updates: weights)
  TimingResult timing;     ///< GEMMs; updates fill cycles and DRAM bits only
  std::vector<ActionCount> actions;
  std::vector<std::pair<std::string, double>> energy_by_component;  ///< pJ, table order
  double energy_pj = 0;
  std::optional<lns::GemmCounts> data;  ///< functional mode only
};

struct RunReport {
  std::string config_name;
  std::string energy_table;
  double clock_mhz = 0;
  std::vector<LayerReport> layers;
  LayerReport total;  ///< sums (utilisations recomputed from the sums)
};

/// Adds a layer to a run (appending it when keep_layer) and to its total.
void accumulate(RunReport& run, const LayerReport& layer, int array_pes, bool keep_layer = true);
/// Energy of each component (sorted by component name) and the total.
void price(LayerReport& layer, const EnergyTable& table);

/// Human-readable per-layer table, totals and the energy breakdown.
std::string format_table(const RunReport& r);
/// Several runs of one workload side by side, with ratios to the first.
std::string format_comparison(const std::vector<RunReport>& runs);
nlohmann::json to_json(const RunReport& r);
/// The run's JSON plus the settings of the config it ran on that change its numbers (timing
/// mode, mapping search and objective): what `lnslab sim --json` writes per run.
nlohmann::json to_json(const RunReport& r, const Config& config);
/// One row per layer and a final "total" row.
std::string to_csv(const std::vector<RunReport>& runs);

}  // namespace lnslab::sim
