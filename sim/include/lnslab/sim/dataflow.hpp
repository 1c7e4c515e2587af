#pragma once
// One descriptor per dataflow (docs/simulator.md §Timing, docs/design.md §How to add): the
// mapping of GEMM dimensions onto the array, what stays in the PEs, the loop order of the folds,
// whether partial sums are buffered, what blocks a mapping may form, and the names parsed and
// printed. Timing, memory traffic, the mapping search, the config check and serializer and the
// mapping text all read these fields; nothing else branches on `Dataflow`, so a dataflow without
// a descriptor is an error (dataflow_info throws), never another dataflow's timing.
#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "lnslab/sim/memory.hpp"

namespace lnslab::sim {

enum class Dataflow { os, ws, is };

/// A dimension of a GEMM C[M x N] = A[M x K] B[K x N].
enum class GemmDim { m, n, k };
/// "M", "N" or "K".
std::string_view to_string(GemmDim d);

/// The loop nest a dataflow's folds run in (docs/simulator.md §Mapping search).
enum class LoopOrder {
  /// Outputs stay in the PEs: blocks of one fold loop (rows or columns), all folds of the other,
  /// the block's folds, T-chunks innermost. T must be K (outputs complete within a fold), so no
  /// partial sum leaves the array and T is never split into blocks.
  output_stationary,
  /// An operand stays in the PEs: T-blocks, blocks of column folds, row folds, the block's
  /// column folds, T-chunks innermost. The rows must be K: a block's partial sums wait in the
  /// output SRAM across the row (K) folds.
  operand_stationary,
};

struct DataflowInfo {
  Dataflow dataflow;
  std::string_view name;   ///< config value and printed name ("os")
  std::string_view title;  ///< "output stationary"
  /// The fold plan: GEMM dimension on the array's rows (S_R), its columns (S_C) and streamed
  /// through time per fold (T). Folds: ceil(S_R / R) x ceil(S_C / C); a tile is R x C PEs over a
  /// T-chunk.
  GemmDim rows, cols, time;
  int stationary;   ///< operand held in the PEs during a fold (operand::*)
  int row_operand;  ///< operand entering at the row edge, R words per T step
  int col_operand;  ///< operand entering or leaving at the column edge, C words per T step
  LoopOrder loop_order;
  /// Partial sums leave the array: output words of psum width go to the output SRAM between
  /// row folds and are read back and added (col_operand is then operand::output).
  bool psums_buffered;
  bool rows_blockable;  ///< a mapping may block the row-fold loop (else columns only)
  bool t_blockable;     ///< a mapping may split T into T-blocks
  /// Fixed mapping: one block of all column folds (row folds outer), or blocks of one column fold.
  bool fixed_block_all_cols;
  /// SCALE-Sim v2's fold cost is scalesim_fill_rows * R + C + T - 2 (os: outputs not drained).
  int scalesim_fill_rows;
  /// What one tile needs in each SRAM (operand index order), for the config's size check.
  std::array<std::string_view, operand_count> tile_need;
};

/// Every dataflow's descriptor, in enum order.
std::span<const DataflowInfo> dataflows();
/// The descriptor of `d`; throws std::logic_error for a value without one.
const DataflowInfo& dataflow_info(Dataflow d);
/// The dataflow named `name` (exact, as in configs), or nullopt.
std::optional<Dataflow> parse_dataflow(std::string_view name);
/// "os, ws or is": the accepted names, for error messages.
std::string dataflow_names();
std::string_view to_string(Dataflow d);

}  // namespace lnslab::sim
