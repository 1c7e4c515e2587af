// Configs, shipped files and workloads: valid inputs load, invalid ones name file, line, field.
#include <catch2/catch.hpp>
#include <string>

#include "helpers.hpp"
#include "lnslab/sim/accelerator.hpp"
#include "lnslab/sim/errors.hpp"
#include "lnslab/sim/workload.hpp"

using namespace lnslab::sim;
using sim_test::Knobs;

namespace {

std::string error_of(const std::string& text) {
  try {
    parse_config(text, "bad.toml", ".");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "no error";
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto pos = text.find(from);
  REQUIRE(pos != std::string::npos);
  return text.replace(pos, from.size(), to);
}

}  // namespace

TEST_CASE("shipped accelerator configs load") {
  for (const char* name : {"lns8", "lns8-linear", "lns12", "fp32", "fp16", "int8"}) {
    const auto c = load_config(sim_test::config_dir() + "/accelerators/" + name + ".toml");
    CHECK(c.name == name);
    CHECK(c.array.rows == 32);
    CHECK(c.array.cols == 32);
  }
  const auto lns8 = load_config(sim_test::config_dir() + "/accelerators/lns8.toml");
  CHECK(lns8.pe.bins == 8);
  CHECK(lns8.words.input == 8);
  CHECK(lns8.words.psum == 8 * 32);
  CHECK(!lns8.update.rule);  // the shipped configs leave the rule to the caller
  const auto lns12 = load_config(sim_test::config_dir() + "/accelerators/lns12.toml");
  CHECK(lns12.pe.bins == 16);
  CHECK(lns12.words.weight == 12);
}

TEST_CASE("invalid configs give errors naming file, line and field") {
  const std::string good = sim_test::config_text(Knobs{});
  CHECK(error_of(good) == "no error");
  CHECK(error_of(replaced(good, "rows = 4", "rows = 0")).find("bad.toml:3: array.rows") !=
        std::string::npos);
  CHECK(error_of(replaced(good, "dataflow = \"os\"", "dataflow = \"xs\"")).find("array.dataflow") !=
        std::string::npos);
  CHECK(error_of(replaced(good, "type = \"fp32\"", "type = \"fp64\"")).find("pe.type") !=
        std::string::npos);
  CHECK(error_of(replaced(good, "bandwidth_bytes_per_cycle = 16", "bandwidth_bytes_per_cycle = -1"))
            .find("dram.bandwidth_bytes_per_cycle") != std::string::npos);
  CHECK(error_of(replaced(good, "input_kib = 64", "input_kib = 0.01")).find("SRAM too small") !=
        std::string::npos);
  CHECK(error_of(replaced(good, "clock_mhz = 1000", "clock_mhz = 1000\nbogus = 1"))
            .find("array.bogus: unknown key") != std::string::npos);
  CHECK(error_of(replaced(good, "type = \"fp32\"",
                          "type = \"lns\"\nformat = \"lns8:gamma=8\"\naccumulation = \"bin\""))
            .find("pe.accumulation") != std::string::npos);
  CHECK(error_of(replaced(good, "type = \"fp32\"",
                          "type = \"lns\"\nformat = \"lns8:eta0=0.016\"\naccumulation = \"bins\""))
            .find("gamma") != std::string::npos);
  CHECK(error_of(replaced(good, "type = \"fp32\"",
                          "type = \"lns\"\nformat = \"lns8:gamma=8\"\naccumulation = \"exact\""))
            .find("reference") != std::string::npos);
  CHECK(error_of(replaced(good, "horowitz45.toml", "missing.toml")).find("energy.table") !=
        std::string::npos);
  CHECK(error_of(replaced(good, "[sram]", "[sram")).find("bad.toml:7") != std::string::npos);
  CHECK(error_of("name = \"x\"\n").find("[array]") != std::string::npos);
}

TEST_CASE("topology CSV: conv and GEMM rows, header, errors with line numbers") {
  const std::string csv =
      "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, "
      "Strides,\n"
      "conv1, 32, 32, 5, 5, 1, 8, 1,\n"
      "conv2, 230, 230, 7, 7, 3, 64, 2,\n"
      "fc, 1, 10, 400,\n";
  const auto w = parse_topology(csv, "t.csv", 2);
  REQUIRE(w.gemms.size() == 3);
  CHECK(w.gemms[0].shape == GemmShape{2 * 28 * 28, 8, 25});
  CHECK(w.gemms[1].shape == GemmShape{2 * 112 * 112, 64, 147});
  CHECK(w.gemms[2].shape == GemmShape{2, 10, 400});
  auto err = [](const std::string& text) {
    try {
      parse_topology(text, "t.csv");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(err("a, 1, 2, 3\nb, 4, x, 6\n").find("t.csv:2: field 2") == std::string::npos);
  CHECK(err("a, 1, 2, 3\nb, 4, x, 6\n").find("t.csv:2: N") != std::string::npos);
  CHECK(err("a, 1, 2, 3\nb, 4, 5\n").find("t.csv:2: row") != std::string::npos);
  CHECK(err("c, 4, 4, 5, 5, 1, 8, 1\n").find("Filter Height") != std::string::npos);
  CHECK(err("a, 1, 0, 3\n").find("t.csv:1: N") != std::string::npos);
  CHECK(err("").find("no layers") != std::string::npos);
  CHECK(parse_gemm_shape("64,32,16", "--gemm") == GemmShape{64, 32, 16});
  CHECK_THROWS_AS(parse_gemm_shape("64,32", "--gemm"), ConfigError);
  CHECK_THROWS_AS(parse_gemm_shape("64,-1,3", "--gemm"), ConfigError);
}

TEST_CASE("a training step adds dX and dW GEMMs and one update per layer") {
  Workload f;
  f.gemms.push_back({"l1", {100, 20, 30}, Pass::forward});
  f.gemms.push_back({"l2", {100, 10, 20}, Pass::forward});
  const auto s = training_step(f);
  REQUIRE(s.gemms.size() == 5);  // 2 forward, dX and dW of l2, dW of l1 (no dX of the input)
  CHECK(s.gemms[2].pass == Pass::backward_data);
  CHECK(s.gemms[2].shape == GemmShape{100, 20, 10});
  CHECK(s.gemms[3].pass == Pass::backward_weight);
  CHECK(s.gemms[3].shape == GemmShape{20, 10, 100});
  CHECK(s.gemms[4].shape == GemmShape{30, 20, 100});
  REQUIRE(s.updates.size() == 2);
  CHECK(s.updates[0].weights == 600);
}

TEST_CASE("shipped topologies load and a ResNet-50 training step simulates") {
  for (const char* t : {"mlp", "cnn", "resnet18", "resnet50"}) {
    const auto w = load_topology(sim_test::config_dir() + "/topologies/" + t + ".csv");
    CHECK(!w.gemms.empty());
  }
  const auto mlp = load_topology(sim_test::config_dir() + "/topologies/mlp.csv");
  REQUIRE(mlp.gemms.size() == 2);
  CHECK(mlp.gemms[0].shape == GemmShape{1, 256, 784});
  const auto cnn = load_topology(sim_test::config_dir() + "/topologies/cnn.csv");
  REQUIRE(cnn.gemms.size() == 3);
  CHECK(cnn.gemms[0].shape == GemmShape{28 * 28, 16, 25});
  CHECK(cnn.gemms[1].shape == GemmShape{10 * 10, 32, 400});
  CHECK(cnn.gemms[2].shape == GemmShape{1, 10, 800});
  const auto r50 = load_topology(sim_test::config_dir() + "/topologies/resnet50.csv", 32);
  auto cfg = load_config(sim_test::config_dir() + "/accelerators/lns8.toml");
  CHECK_THROWS_WITH(simulate(cfg, training_step(r50)), Catch::Contains("no weight-update rule"));
  cfg.update.rule = sim_test::lns_madam_rule;
  const auto run = simulate(cfg, training_step(r50));
  CHECK(run.total.timing.total_cycles > run.total.timing.compute_cycles);
  CHECK(run.total.energy_pj > 0);
}
