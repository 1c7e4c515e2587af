#pragma once
// The compute side of the timing model: SCALE-Sim's mapping of a GEMM onto a rows x cols array
// and the closed-form cycles of its folds (docs/simulator.md §Timing).
//
//   dataflow  S_R (array rows)  S_C (array cols)  T (streamed per fold)  stationary
//   os        M                 N                 K                      outputs
//   ws        K                 N                 M                      weights (B)
//   is        K                 M                 N                      inputs (A)
//
// Folds: F_R = ceil(S_R / R), F_C = ceil(S_C / C). A fold using r rows and c cols takes
// 2r + c + T - 2 cycles (fill/skew, stream, drain); summed over all folds:
//   compute = 2 * S_R * F_C + S_C * F_R + F_R * F_C * (T - 2).
#include <array>
#include <cstdint>

#include "lnslab/sim/config.hpp"
#include "lnslab/sim/memory.hpp"
#include "lnslab/sim/workload.hpp"

namespace lnslab::sim {

struct FoldPlan {
  std::int64_t s_r = 0, s_c = 0, t = 0;
  std::int64_t folds_r = 0, folds_c = 0;
};

FoldPlan map_gemm(Dataflow dataflow, const GemmShape& g, int rows, int cols);
/// The closed form above.
std::uint64_t fold_compute_cycles(const FoldPlan& p, int rows, int cols);

struct TimingResult {
  FoldPlan plan;
  std::int64_t t_chunk = 0;          ///< T elements per double-buffered tile
  std::uint64_t compute_cycles = 0;  ///< closed form (equals the pipeline's sum of tiles)
  std::uint64_t stall_cycles = 0;
  std::uint64_t prologue_cycles = 0;
  std::uint64_t epilogue_cycles = 0;
  std::uint64_t total_cycles = 0;
  std::uint64_t tiles = 0;
  double mapping_utilisation = 0;  ///< S_R * S_C / (F_R * F_C * R * C)
  double compute_utilisation = 0;  ///< MACs / (compute_cycles * R * C)
  double utilisation = 0;          ///< MACs / (total_cycles * R * C)
  std::array<std::uint64_t, operand_count> sram_read_bits{};
  std::array<std::uint64_t, operand_count> sram_write_bits{};
  std::array<std::uint64_t, operand_count> dram_read_bits{};
  std::array<std::uint64_t, operand_count> dram_write_bits{};
  /// Bits written into PE pipeline registers, per operand (output: the accumulator register in
  /// os, the partial sum passed between PEs in ws/is).
  std::array<std::uint64_t, operand_count> pe_register_bits{};
  /// Partial-sum accumulations outside the PEs (ws/is with several K folds): output words
  /// read back from the output SRAM and added.
  std::uint64_t psum_merges = 0;
};

/// Cycles and traffic of one GEMM. Throws ConfigError if one tile does not fit the SRAMs.
TimingResult time_gemm(const Config& config, const GemmShape& g);

}  // namespace lnslab::sim
