// The per-layer mapping search (see mapping_search.hpp).
#include "lnslab/sim/mapping_search.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "lnslab/sim/accelerator.hpp"
#include "lnslab/sim/dataflow.hpp"

namespace lnslab::sim {

std::vector<Mapping> mapping_space(const Config& config, const GemmShape& g) {
  const FoldPlan p = map_gemm(config.array.dataflow, g, config.array.rows, config.array.cols);
  std::vector<Mapping> space{fixed_mapping(config.array.dataflow, p)};
  auto add = [&](Blocked blocked, std::int64_t block, std::int64_t t_block = 0) {
    if (block < 1) return;
    if (t_block >= p.t) t_block = 0;  // a T-block of all of T is the single T-block
    const bool seen = std::any_of(space.begin(), space.end(), [&](const Mapping& m) {
      return m.blocked == blocked && m.block == block && m.t_block == t_block;
    });
    if (!seen) space.push_back({blocked, block, t_block, false});
  };
  const DataflowInfo& df = dataflow_info(config.array.dataflow);
  std::vector<Blocked> loops{Blocked::cols};
  if (df.rows_blockable) loops.push_back(Blocked::rows);
  for (Blocked blocked : loops) {
    const std::int64_t folds = blocked == Blocked::cols ? p.folds_c : p.folds_r;
    for (std::int64_t b = 1; b < folds; b *= 2) add(blocked, b);
    add(blocked, folds);
    add(blocked, largest_resident_block(config, p, blocked));
  }
  if (df.t_blockable) {
    // each block size again with the longest T-block whose partial sums stay
    const std::size_t n = space.size();
    for (std::size_t i = 0; i < n; ++i)
      add(Blocked::cols, space[i].block, largest_resident_t_block(config, p, space[i].block));
  }
  return space;
}

double objective_value(Objective objective, const LayerReport& r) {
  switch (objective) {
    case Objective::energy:
      return r.energy_pj;
    case Objective::cycles:
      return double(r.timing.total_cycles);
    case Objective::edp:
      return r.energy_pj * double(r.timing.total_cycles);
  }
  throw std::logic_error("objective_value: unknown objective");
}

LayerReport search_mapping(const Config& config, const GemmOp& op, const lns::GemmCounts* data) {
  LayerReport best;
  double best_value = 0;
  bool first = true;
  for (const Mapping& m : mapping_space(config, op.shape)) {
    LayerReport r = simulate_gemm(config, op, m, data);
    const double v = objective_value(config.mapping.objective, r);
    if (first || v < best_value) {
      best = std::move(r);
      best_value = v;
      first = false;
    }
  }
  best.timing.mapping.searched = true;
  return best;
}

}  // namespace lnslab::sim
