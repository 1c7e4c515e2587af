#pragma once
// The compute side of the timing model: SCALE-Sim's mapping of a GEMM onto a rows x cols array
// and the closed-form cycles of its folds (docs/simulator.md §Timing). The assignment below is
// read from each dataflow's descriptor (dataflow.hpp), as are its loop order and blocks:
//
//   dataflow  S_R (array rows)  S_C (array cols)  T (streamed per fold)  stationary
//   os        M                 N                 K                      outputs
//   ws        K                 N                 M                      weights (B)
//   is        K                 M                 N                      inputs (A)
//
// Folds: F_R = ceil(S_R / R), F_C = ceil(S_C / C). A fold using r rows and c cols takes
// 2r + c + T - 2 cycles (fill/skew, stream, drain); summed over all folds:
//   compute = 2 * S_R * F_C + S_C * F_R + F_R * F_C * (T - 2).
// This equals a cycle-stepped array's counts (tests/sim/systolic_reference.cpp). With
// `[array] timing = "scalesim"` every fold costs the full array as in SCALE-Sim v2 (os
// R + C + T - 2, ws/is 2R + C + T - 2) and a GEMM reports one cycle less (the last cycle's index).
#include <array>
#include <cstdint>
#include <string>

#include "lnslab/sim/config.hpp"
#include "lnslab/sim/memory.hpp"
#include "lnslab/sim/workload.hpp"

namespace lnslab::sim {

struct FoldPlan {
  Dataflow dataflow = Dataflow::os;
  std::int64_t s_r = 0, s_c = 0, t = 0;
  std::int64_t folds_r = 0, folds_c = 0;
};

FoldPlan map_gemm(Dataflow dataflow, const GemmShape& g, int rows, int cols);
/// The closed form above (the default timing mode).
std::uint64_t fold_compute_cycles(const FoldPlan& p, int rows, int cols);
/// Cycles of a fold beyond its T streaming cycles: 2r + c - 2 with the fold's used r rows and
/// c columns (default), or SCALE-Sim v2's full-array R + C - 2 (os: outputs not drained) and
/// 2R + C - 2 (ws, is).
std::int64_t fold_fill_cycles(TimingMode mode, Dataflow dataflow, std::int64_t r, std::int64_t c,
                              int rows, int cols);
/// Compute cycles of all folds in a timing mode; scalesim: F_R F_C (fill + T) - 1 (SCALE-Sim
/// reports the index of the last cycle).
std::uint64_t fold_compute_cycles(const FoldPlan& p, int rows, int cols, Dataflow dataflow,
                                  TimingMode mode);

/// A schedule of one GEMM's folds (docs/simulator.md §Mapping search): the folds of the
/// `blocked` fold loop are taken `block` at a time; the loop over blocks is outermost, then all
/// folds of the other fold loop, then the block's folds, then T-chunks. A block's operand stays
/// in its SRAM across the other loop if it fits half of it. `block` = 0 asks for the fixed
/// mapping: os one block of all column folds (row folds outer), ws/is blocks of one column fold
/// (K folds inner). ws/is block column folds only, and may also split T into blocks of
/// `t_block` elements (outermost; every T-block runs all folds again, so compute cycles grow by
/// their fill; 0 = one T-block, the fixed mapping's).
enum class Blocked { cols, rows };
struct Mapping {
  Blocked blocked = Blocked::cols;
  std::int64_t block = 0;
  std::int64_t t_block = 0;
  bool searched = false;  ///< chosen by the search (reports only)
};
/// The fixed mapping of a dataflow, with its block filled in.
Mapping fixed_mapping(Dataflow dataflow, const FoldPlan& p);
/// Whether the operand kept per block fits half its SRAM (double buffering) for `block` folds:
/// os B's K x block*C (columns blocked) or A's block*R x K (rows blocked); ws/is the block's
/// partial sums, t_block x block*C (buffered at the array's width; t_block 0: all of T).
bool block_resident(const Config& config, const FoldPlan& p, Blocked blocked, std::int64_t block,
                    std::int64_t t_block);
/// The most folds whose block is resident with one T-block (0 if not even one fold's).
std::int64_t largest_resident_block(const Config& config, const FoldPlan& p, Blocked blocked);
/// ws/is: the longest T-block whose partial sums stay for blocks of `block` column folds.
std::int64_t largest_resident_t_block(const Config& config, const FoldPlan& p, std::int64_t block);
/// "N4>M": blocks of 4 column (N) folds, row (M) folds in between (letters: GEMM dimensions
/// on the array's columns and rows for the dataflow); "T512>N1>K": T-blocks of 512 outermost.
std::string describe(const Mapping& m, Dataflow dataflow);

struct TimingResult {
  FoldPlan plan;
  Mapping mapping;                   ///< the one used, block filled in
  std::int64_t t_chunk = 0;          ///< T elements per double-buffered tile
  std::uint64_t compute_cycles = 0;  ///< sum of tiles (the closed form with one T-block)
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

/// The conv output-size convention that goes with a timing mode (SCALE-Sim's with its timing).
inline ConvOutput conv_output(TimingMode mode) {
  return mode == TimingMode::scalesim ? ConvOutput::scalesim : ConvOutput::floor;
}

/// Cycles and traffic of one GEMM with the fixed mapping. Throws ConfigError if one tile does
/// not fit the SRAMs.
TimingResult time_gemm(const Config& config, const GemmShape& g);
/// Same with a given mapping; ConfigError if it does not apply (block out of range, ws/is rows).
TimingResult time_gemm(const Config& config, const GemmShape& g, const Mapping& mapping);

}  // namespace lnslab::sim
