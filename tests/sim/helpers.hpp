#pragma once
// Configs for the sim tests, built from text so that each test states what it depends on.
#include <fmt/format.h>

#include <string>

#include "lnslab/sim/config.hpp"

namespace sim_test {

inline std::string config_dir() {
  return LNSLAB_SIM_CONFIG_DIR;
}

struct Knobs {
  int rows = 4, cols = 4;
  std::string dataflow = "os";
  double sram_kib = 64;
  double bandwidth = 16;
  int latency = 10;
  std::string pe = "type = \"fp32\"";
};

inline std::string config_text(const Knobs& k) {
  return fmt::format(R"(name = "test"
[array]
rows = {}
cols = {}
dataflow = "{}"
clock_mhz = 1000
[sram]
input_kib = {}
weight_kib = {}
output_kib = {}
[dram]
bandwidth_bytes_per_cycle = {}
latency_cycles = {}
[pe]
{}
[energy]
table = "{}/energy/horowitz45.toml"
)",
                     k.rows, k.cols, k.dataflow, k.sram_kib, k.sram_kib, k.sram_kib, k.bandwidth,
                     k.latency, k.pe, config_dir());
}

inline lnslab::sim::Config make_config(const Knobs& k) {
  return lnslab::sim::parse_config(config_text(k), "test.toml", ".");
}

inline constexpr const char* lns8_bins =
    "type = \"lns\"\nformat = \"lns8:gamma=8\"\naccumulation = \"bins:F=8,W=32\"";

// Update rules as plain counts (the simulator takes no optimizer names; nn's registry supplies
// these same counts, which tests/nn/test_registry.cpp checks through the simulator).
inline const lnslab::sim::UpdateRule lns_madam_rule{"lns-madam", 6, 4, 3, 1, true};
inline const lnslab::sim::UpdateRule madam_rule{"madam", 9, 5, 0, 1, false};
inline const lnslab::sim::UpdateRule sgd_rule{"sgd", 1, 1, 0, 0, false};

}  // namespace sim_test
