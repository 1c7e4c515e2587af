// Float PEs with LNS weight storage (`[pe] weight_format`, the Madam paper's B-bit Madam
// hardware), LNS PEs with master weights of another format, and configs written back as TOML.
#include <catch2/catch.hpp>
#include <string>

#include "helpers.hpp"
#include "lnslab/sim/accelerator.hpp"
#include "lnslab/sim/errors.hpp"
#include "lnslab/sim/workload.hpp"

using namespace lnslab::sim;
using sim_test::Knobs;

namespace {

// A parsed config; without an [update] rule in `extra`, LNS Madam's where weights are LNS codes,
// else FP32 Madam's (what callers of the simulator default to).
Config with_pe(const std::string& pe, const std::string& extra = "") {
  Knobs k;
  k.rows = k.cols = 8;
  k.pe = pe;
  Config c = parse_config(sim_test::config_text(k) + extra, "test.toml",
                          sim_test::config_dir() + "/accelerators");
  if (!c.update.rule)
    c.update.rule = c.pe.stores_lns_weights() ? sim_test::lns_madam_rule : sim_test::madam_rule;
  return c;
}

double count_of(const LayerReport& r, const std::string& name) {
  double n = 0;
  for (const auto& a : r.actions)
    if (a.component == name) n += a.count;
  return n;
}

const GemmShape shape{40, 24, 56};

}  // namespace

TEST_CASE("weight_format: B-bit weight words, one decode per weight word read, float dW GEMM") {
  const Config fp32 = with_pe("type = \"fp32\"");
  const Config w8 = with_pe("type = \"fp32\"\nweight_format = \"lns8:eta0=0.016\"");
  const Config w12 = with_pe("type = \"fp32\"\nweight_format = \"lns12:eta0=0.001\"");
  CHECK(w8.words.weight == 8);
  CHECK(w12.words.weight == 12);
  CHECK(w8.words.input == 32);
  CHECK(w8.words.output == 32);

  // Forward: the weight operand's traffic shrinks by 32/B, and every weight word read from the
  // weight SRAM is decoded once (a mistake counting decodes per MAC would give M*N*K of them).
  const LayerReport f32 = simulate_gemm(fp32, {"l", shape, Pass::forward});
  const LayerReport f8 = simulate_gemm(w8, {"l", shape, Pass::forward});
  CHECK(f8.timing.dram_read_bits[operand::weight] * 32 ==
        f32.timing.dram_read_bits[operand::weight] * 8);
  CHECK(f8.timing.dram_read_bits[operand::input] == f32.timing.dram_read_bits[operand::input]);
  const double weight_words_read = double(f8.timing.sram_read_bits[operand::weight]) / 8.0;
  CHECK(count_of(f8, "pe.weight_decode") == weight_words_read);
  CHECK(weight_words_read < double(f8.macs));
  CHECK(count_of(f32, "pe.weight_decode") == 0);
  // The decoded weights move between PEs as floats: the same register bits as the FP32 array.
  CHECK(count_of(f8, "pe.registers") == count_of(f32, "pe.registers"));

  // Backward-data reads W^T: decoded like the forward pass.
  const LayerReport d8 = simulate_gemm(w8, {"l", shape, Pass::backward_data});
  CHECK(count_of(d8, "pe.weight_decode") > 0);
  // dW = X^T dY has no weight operand: exactly the FP32 array's GEMM.
  const LayerReport g32 = simulate_gemm(fp32, {"l", shape, Pass::backward_weight});
  const LayerReport g8 = simulate_gemm(w8, {"l", shape, Pass::backward_weight});
  CHECK(g8.energy_pj == g32.energy_pj);
  CHECK(g8.timing.total_cycles == g32.timing.total_cycles);
  CHECK(count_of(g8, "pe.weight_decode") == 0);

  // A training step: 12-bit weights cost more than 8-bit ones, both less than FP32 weights.
  const Workload step = training_step(parse_topology("l1,1,256,784\nl2,1,10,256\n", "mlp", 64));
  const Config& fp32_madam = fp32;
  const double e32 = simulate(fp32_madam, step).total.energy_pj;
  const double e12 = simulate(w12, step).total.energy_pj;
  const double e8 = simulate(w8, step).total.energy_pj;
  CHECK(e8 < e12);
  CHECK(e12 < e32);
}

TEST_CASE("weight_format: the update unit of LNS-stored weights") {
  const Config w8 = with_pe("type = \"fp32\"\nweight_format = \"lns8:eta0=0.016\"");
  Config sgd = w8;
  sgd.update.rule = sim_test::sgd_rule;
  // Integer adds on B-bit exponents for LNS Madam; a float rule decodes and re-encodes.
  CHECK(update_costs(w8).int_adds == 3);
  CHECK(update_costs(w8).decodes == 0);
  CHECK(update_costs(sgd).decodes == 1);
  CHECK(update_costs(sgd).encode_compares == 7);
  Config plain_sgd = with_pe("type = \"fp32\"");
  plain_sgd.update.rule = sim_test::sgd_rule;
  CHECK(update_costs(plain_sgd).decodes == 0);
  // Weights and their traffic at B bits.
  const UpdateTiming t8 = time_update(w8, 1000);
  const Config fp32 = with_pe("type = \"fp32\"");
  const UpdateTiming t32 = time_update(fp32, 1000);
  CHECK(t32.dram_write_bits - t8.dram_write_bits == 1000u * (32 - 8));
}

TEST_CASE("an lns PE with master weights of another format re-encodes them once per step") {
  const std::string pe =
      "type = \"lns\"\nformat = \"lns8:gamma=8\"\naccumulation = \"bins:F=8,W=32\"";
  const Config plain = with_pe(pe);
  const Config master = with_pe(pe + "\nweight_format = \"lns8:eta0=0.016\"");
  CHECK(master.words.weight == 8);
  // GEMMs are the same: the GEMMs read the copy in the PE's format.
  CHECK(simulate_gemm(master, {"l", shape, Pass::forward}).energy_pj ==
        simulate_gemm(plain, {"l", shape, Pass::forward}).energy_pj);
  // The update decodes the master code, re-encodes it and writes the GEMMs' copy beside it.
  CHECK(update_costs(master).decodes == 1);
  CHECK(update_costs(master).encode_compares == 7);
  CHECK(time_update(master, 100).dram_write_bits == time_update(plain, 100).dram_write_bits + 800);
}

TEST_CASE("weight_format and update rules are checked") {
  auto error_of = [](const std::string& pe, const std::string& extra = "") {
    try {
      with_pe(pe, extra);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(error_of("type = \"int8\"\nweight_format = \"lns8:eta0=0.016\""),
             Catch::Contains("pe.weight_format") && Catch::Contains("int8"));
  CHECK_THAT(error_of("type = \"fp32\"\nweight_format = \"lns20:eta0=0.016\""),
             Catch::Contains("pe.weight_format"));
  const std::string exponent_rule =
      "[update]\nrule = \"lns-madam\"\nfp_mults = 6\nfp_adds = 4\nint_adds = 3\n"
      "state_words = 1\nexponent_update = true\n";
  CHECK_THAT(error_of("type = \"fp32\"", exponent_rule),
             Catch::Contains("update.exponent_update") && Catch::Contains("LNS codes"));
  CHECK(error_of("type = \"fp32\"\nweight_format = \"lns8:eta0=0.016\"", exponent_rule) ==
        "no error");
  // The simulator knows no optimizer by name.
  CHECK_THAT(error_of("type = \"fp32\"", "[update]\noptimizer = \"sgd\"\n"),
             Catch::Contains("update.optimizer") && Catch::Contains("counts"));
  // Counts without a label, and a misspelt count, are errors.
  CHECK_THAT(error_of("type = \"fp32\"", "[update]\nfp_mults = 2\n"),
             Catch::Contains("update.rule"));
  CHECK_THAT(error_of("type = \"fp32\"", "[update]\nrule = \"x\"\nfp_mult = 2\n"),
             Catch::Contains("fp_mult"));
  // The parsed counts are the costed ones.
  const Config parsed = with_pe("type = \"fp32\"\nweight_format = \"lns8:eta0=0.016\"",
                                "[update]\nrule = \"r\"\nfp_mults = 2.5\nfp_adds = 1\n"
                                "int_adds = 0\nstate_words = 3\n");
  CHECK(update_costs(parsed).fp_mults == 2.5);
  CHECK(update_costs(parsed).state_words == 3);
  CHECK(update_costs(parsed).decodes == 1);  // a float rule on LNS-stored weights
}

TEST_CASE("to_toml writes a config that parse_config reads back to the same costs") {
  const Workload step = training_step(parse_topology("l1,1,256,784\nl2,1,10,256\n", "mlp", 32));
  std::vector<Config> configs;
  for (const char* name : {"lns8", "lns8-linear", "lns12", "fp32", "fp16", "int8"}) {
    configs.push_back(load_config(sim_test::config_dir() + "/accelerators/" + name + ".toml"));
    configs.back().update.rule =
        configs.back().pe.stores_lns_weights() ? sim_test::lns_madam_rule : sim_test::madam_rule;
  }
  configs.push_back(with_pe("type = \"bf16\"\nweight_format = \"lns10:eta0=0.004\""));
  configs.push_back(
      with_pe("type = \"lns\"\nformat = \"lns8:gamma=8\"\naccumulation = \"bins:F=8,W=24\"\n"
              "weight_format = \"lns8:eta0=0.016\"",
              "[words]\npsum_bits = 100\n[update]\nrule = \"sgd\"\nfp_mults = 1\nfp_adds = "
              "1\nlanes = 7\n"));
  Config scalesim = with_pe("type = \"int8\"", "[mapping]\nsearch = true\nobjective = \"edp\"\n");
  scalesim.array.timing = TimingMode::scalesim;
  configs.push_back(scalesim);
  for (const Config& c : configs) {
    INFO(c.name);
    CHECK(parse_config(to_toml(c), "written.toml", "/").mapping.search == c.mapping.search);
    CHECK(parse_config(to_toml(c), "written.toml", "/").array.timing == c.array.timing);
    const std::string text = to_toml(c);
    const Config back = parse_config(text, "written.toml", "/");
    CHECK(to_toml(back) == text);
    CHECK(back.words.psum == c.words.psum);
    CHECK(back.update.lanes == c.update.lanes);
    CHECK(back.update.rule == c.update.rule);
    const RunReport a = simulate(c, step), b = simulate(back, step);
    CHECK(a.total.energy_pj == b.total.energy_pj);
    CHECK(a.total.timing.total_cycles == b.total.timing.total_cycles);
  }
}
