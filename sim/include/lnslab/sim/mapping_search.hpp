#pragma once
// The per-layer mapping search (`[mapping] search = true`, docs/simulator.md §Mapping search):
// every mapping of a stated space is timed and priced, and the one with the lowest objective
// (energy in pJ, total cycles, or their product) is kept; the fixed mapping is tried first and
// a later mapping replaces the best only if strictly lower, so ties keep the fixed one.
#include <vector>

#include "lnslab/lns/kernels/gemm.hpp"
#include "lnslab/sim/config.hpp"
#include "lnslab/sim/report.hpp"
#include "lnslab/sim/timing.hpp"
#include "lnslab/sim/workload.hpp"

namespace lnslab::sim {

/// The space searched for one GEMM, fixed mapping first: for each fold loop that may be
/// blocked (os: columns and rows; ws/is: columns), blocks of 1, 2, 4, ... folds below the loop's
/// fold count F, of F, and of the most folds whose block is resident; ws/is: each of these
/// again with the longest T-block whose partial sums stay (if shorter than T).
std::vector<Mapping> mapping_space(const Config& config, const GemmShape& g);

/// Objective of a priced report: energy_pj, total_cycles, or energy_pj * total_cycles.
double objective_value(Objective objective, const LayerReport& r);

/// The report of `op` with the best mapping of mapping_space (marked searched).
LayerReport search_mapping(const Config& config, const GemmOp& op,
                           const lns::GemmCounts* data = nullptr);

}  // namespace lnslab::sim
