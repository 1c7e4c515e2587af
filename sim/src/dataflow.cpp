// The dataflow descriptors (see dataflow.hpp). The table below is the only place that says
// what a dataflow does; a new one is a new enum value and a new row here.
#include "lnslab/sim/dataflow.hpp"

#include <stdexcept>

namespace lnslab::sim {
namespace {

//   dataflow  S_R (rows)  S_C (cols)  T   stationary    row edge   column edge
//   os        M           N           K   outputs       A (input)  B (weight)
//   ws        K           N           M   B (weights)   A (input)  partial sums
//   is        K           M           N   A (inputs)    B (weight) partial sums
constexpr std::array<DataflowInfo, 3> table{{
    {Dataflow::os,
     "os",
     "output stationary",
     GemmDim::m,
     GemmDim::n,
     GemmDim::k,
     operand::output,
     operand::input,
     operand::weight,
     LoopOrder::output_stationary,
     /*psums_buffered=*/false,
     /*rows_blockable=*/true,
     /*t_blockable=*/false,
     /*fixed_block_all_cols=*/true,
     /*scalesim_fill_rows=*/1,
     {"a column of R inputs", "a row of C weights", "R x C outputs"}},
    {Dataflow::ws,
     "ws",
     "weight stationary",
     GemmDim::k,
     GemmDim::n,
     GemmDim::m,
     operand::weight,
     operand::input,
     operand::output,
     LoopOrder::operand_stationary,
     /*psums_buffered=*/true,
     /*rows_blockable=*/false,
     /*t_blockable=*/true,
     /*fixed_block_all_cols=*/false,
     /*scalesim_fill_rows=*/2,
     {"a row of R inputs", "R x C stationary weights", "a row of C partial sums"}},
    {Dataflow::is,
     "is",
     "input stationary",
     GemmDim::k,
     GemmDim::m,
     GemmDim::n,
     operand::input,
     operand::weight,
     operand::output,
     LoopOrder::operand_stationary,
     /*psums_buffered=*/true,
     /*rows_blockable=*/false,
     /*t_blockable=*/true,
     /*fixed_block_all_cols=*/false,
     /*scalesim_fill_rows=*/2,
     {"R x C stationary inputs", "a row of R weights", "a row of C partial sums"}},
}};

// Row i describes enum value i.
constexpr bool table_in_enum_order() {
  for (std::size_t i = 0; i < table.size(); ++i)
    if (static_cast<std::size_t>(table[i].dataflow) != i) return false;
  return true;
}
static_assert(table_in_enum_order(), "dataflow table rows must follow the enum order");

}  // namespace

std::string_view to_string(GemmDim d) {
  switch (d) {
    case GemmDim::m:
      return "M";
    case GemmDim::n:
      return "N";
    case GemmDim::k:
      return "K";
  }
  throw std::logic_error("to_string(GemmDim): unknown dimension");
}

std::span<const DataflowInfo> dataflows() {
  return table;
}

const DataflowInfo& dataflow_info(Dataflow d) {
  const auto i = static_cast<std::size_t>(d);
  if (i >= table.size())
    throw std::logic_error("dataflow " + std::to_string(i) + " has no descriptor");
  return table[i];
}

std::optional<Dataflow> parse_dataflow(std::string_view name) {
  for (const DataflowInfo& d : table)
    if (d.name == name) return d.dataflow;
  return std::nullopt;
}

std::string dataflow_names() {
  std::string s;
  for (std::size_t i = 0; i < table.size(); ++i) {
    if (i > 0) s += i + 1 == table.size() ? " or " : ", ";
    s += table[i].name;
  }
  return s;
}

std::string_view to_string(Dataflow d) {
  return dataflow_info(d).name;
}

}  // namespace lnslab::sim
