// The dataflow descriptors: each maps the GEMM as documented (docs/simulator.md §Mapping), its
// fields agree with its loop order, and every name round-trips through parse and print.
#include <catch2/catch.hpp>
#include <set>
#include <string>

#include "helpers.hpp"
#include "lnslab/sim/dataflow.hpp"
#include "lnslab/sim/errors.hpp"
#include "lnslab/sim/timing.hpp"

using namespace lnslab::sim;

TEST_CASE("each dataflow descriptor maps the GEMM as documented") {
  struct Documented {
    Dataflow dataflow;
    const char* name;
    GemmDim rows, cols, time;
    int stationary;
    const char* mapping_text;  // describe() of blocks of 2 column folds
  };
  // docs/simulator.md §Mapping: S_R, S_C, T and what stays in the PEs
  const Documented documented[] = {
      {Dataflow::os, "os", GemmDim::m, GemmDim::n, GemmDim::k, operand::output, "N2>M"},
      {Dataflow::ws, "ws", GemmDim::k, GemmDim::n, GemmDim::m, operand::weight, "N2>K"},
      {Dataflow::is, "is", GemmDim::k, GemmDim::m, GemmDim::n, operand::input, "M2>K"},
  };
  REQUIRE(dataflows().size() == std::size(documented));
  for (const Documented& d : documented) {
    INFO(d.name);
    const DataflowInfo& info = dataflow_info(d.dataflow);
    CHECK(info.dataflow == d.dataflow);
    CHECK(info.name == d.name);
    CHECK(info.rows == d.rows);
    CHECK(info.cols == d.cols);
    CHECK(info.time == d.time);
    CHECK(info.stationary == d.stationary);
    CHECK(describe(Mapping{Blocked::cols, 2, 0, false}, d.dataflow) == d.mapping_text);
    // a 5 x 7 x 11 GEMM (M x N x K) on a 2 x 3 array: S_R, S_C, T and the folds
    const GemmShape g{5, 7, 11};
    auto extent = [&](GemmDim dim) {
      return dim == GemmDim::m ? g.m : dim == GemmDim::n ? g.n : g.k;
    };
    const FoldPlan p = map_gemm(d.dataflow, g, 2, 3);
    CHECK(p.s_r == extent(d.rows));
    CHECK(p.s_c == extent(d.cols));
    CHECK(p.t == extent(d.time));
    CHECK(p.folds_r == (p.s_r + 1) / 2);
    CHECK(p.folds_c == (p.s_c + 2) / 3);
  }
}

TEST_CASE("dataflow descriptors are consistent with their loop order") {
  for (const DataflowInfo& d : dataflows()) {
    INFO(d.name);
    // rows, columns and time are M, N and K in some order; the three operands have one role each
    CHECK(std::set<GemmDim>{d.rows, d.cols, d.time}.size() == 3);
    CHECK(std::set<int>{d.stationary, d.row_operand, d.col_operand} ==
          std::set<int>{operand::input, operand::weight, operand::output});
    CHECK(d.tile_need.size() == operand_count);
    for (auto need : d.tile_need) CHECK_FALSE(need.empty());
    CHECK(!d.title.empty());
    switch (d.loop_order) {
      case LoopOrder::output_stationary:
        CHECK(d.stationary == operand::output);
        CHECK(d.time == GemmDim::k);
        CHECK_FALSE(d.psums_buffered);
        CHECK_FALSE(d.t_blockable);
        break;
      case LoopOrder::operand_stationary:
        CHECK(d.stationary != operand::output);
        CHECK(d.rows == GemmDim::k);
        CHECK(d.col_operand == operand::output);
        CHECK(d.psums_buffered);
        CHECK_FALSE(d.rows_blockable);
        break;
    }
  }
}

TEST_CASE("every dataflow name round-trips through parse and print") {
  std::string names;
  for (const DataflowInfo& d : dataflows()) {
    INFO(d.name);
    CHECK(to_string(d.dataflow) == d.name);
    REQUIRE(parse_dataflow(d.name).has_value());
    CHECK(*parse_dataflow(d.name) == d.dataflow);
    // and through a config file and its serializer
    sim_test::Knobs k;
    k.dataflow = std::string(d.name);
    const Config c = sim_test::make_config(k);
    CHECK(c.array.dataflow == d.dataflow);
    CHECK(parse_config(to_toml(c), "round-trip.toml", ".").array.dataflow == d.dataflow);
  }
  CHECK(dataflow_names() == "os, ws or is");
  CHECK_FALSE(parse_dataflow("OS").has_value());
  CHECK_FALSE(parse_dataflow("").has_value());
  CHECK_FALSE(parse_dataflow("rs").has_value());
  // a value without a descriptor is an error, not another dataflow's timing
  CHECK_THROWS_AS(dataflow_info(static_cast<Dataflow>(dataflows().size())), std::logic_error);
  sim_test::Knobs k;
  k.dataflow = "rs";
  try {
    sim_test::make_config(k);
    FAIL("an unknown dataflow loaded");
  } catch (const ConfigError& e) {
    CHECK(std::string(e.what()).find("expected os, ws or is; got 'rs'") != std::string::npos);
  }
}
