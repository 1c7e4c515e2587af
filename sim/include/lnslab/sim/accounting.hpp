#pragma once
// Action counts of a GEMM or a weight update on a configured PE, and their energy
// (docs/simulator.md §Energy has every count's formula). Counts are separate from the energy
// table (Accelergy's split): energy = sum over actions of count x table.energy_pj(primitive, bits).
#include <cstdint>
#include <string>
#include <vector>

#include "lnslab/lns/kernels/gemm.hpp"
#include "lnslab/sim/config.hpp"
#include "lnslab/sim/timing.hpp"
#include "lnslab/sim/workload.hpp"

namespace lnslab::sim {

/// `count` actions of `primitive` at width `bits` (memories: accesses of `bits` bits; SRAM at
/// `capacity_kib`), attributed to `component` ("pe.acc_add", "sram.input", "dram.weight", ...).
struct ActionCount {
  std::string component;
  Primitive primitive = Primitive::int_add;
  double bits = 0;
  double capacity_kib = 0;
  double count = 0;
  double energy_pj(const EnergyTable& t) const {
    return count == 0 ? 0.0 : count * t.energy_pj(primitive, bits, capacity_kib);
  }
};

/// Actions of one GEMM. Without `data`, every one of the M*N*K products is active and every
/// bin of every output is scaled; with `data` (functional mode), products with a zero operand are
/// gated (they cost register moves only) and only touched bins are scaled.
std::vector<ActionCount> gemm_actions(const Config& c, const GemmShape& g, const TimingResult& t,
                                      const lns::GemmCounts* data = nullptr);

/// Per-weight operation counts of the configured optimizer (docs/simulator.md §Update).
struct UpdateCosts {
  double fp_mults = 0, fp_adds = 0;  ///< at 32 bits (optimizer state is FP32)
  double int_adds = 0;               ///< at the weight width (LNS Madam's exponent add, clamps)
  int state_words = 0;               ///< FP32 state words per weight (v; Adam m and v)
  /// A float rule on LNS-stored weights (lns-sgd, lns-adam): decode table reads and 32-bit
  /// threshold compares of the re-encoding.
  double decodes = 0, encode_compares = 0;
};
UpdateCosts update_costs(const Config& c);

/// Timing and actions of a weight update of `weights` weights: the vector unit updates `lanes`
/// weights per cycle; gradients, weights and state stream from and back to DRAM.
struct UpdateTiming {
  std::uint64_t compute_cycles = 0, total_cycles = 0, stall_cycles = 0;
  std::uint64_t dram_read_bits = 0, dram_write_bits = 0;
};
UpdateTiming time_update(const Config& c, std::int64_t weights);
std::vector<ActionCount> update_actions(const Config& c, std::int64_t weights,
                                        const UpdateTiming& t);

/// Merges counts of equal (component, primitive, bits, capacity).
void merge_actions(std::vector<ActionCount>& into, const std::vector<ActionCount>& add);
/// Sum of count x energy, in pJ.
double total_energy_pj(const EnergyTable& t, const std::vector<ActionCount>& actions);

}  // namespace lnslab::sim
