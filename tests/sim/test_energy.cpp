// Energy: table reading and scaling, totals = counts x entries, table changes move totals.
#include <catch2/catch.hpp>
#include <cmath>
#include <string>

#include "helpers.hpp"
#include "lnslab/sim/accelerator.hpp"
#include "lnslab/sim/energy.hpp"
#include "lnslab/sim/errors.hpp"

using namespace lnslab::sim;
using sim_test::Knobs;
using sim_test::make_config;

TEST_CASE("the Horowitz table prices listed widths exactly and scales the rest as stated") {
  const auto t = EnergyTable::load(sim_test::config_dir() + "/energy/horowitz45.toml");
  CHECK(t.energy_pj(Primitive::int_add, 8) == Approx(0.03));
  CHECK(t.energy_pj(Primitive::int_add, 32) == Approx(0.1));
  CHECK(t.energy_pj(Primitive::fp_mult, 32) == Approx(3.7));
  CHECK(t.energy_pj(Primitive::fp_add, 16) == Approx(0.4));
  // adders: linear between 8 (0.03) and 32 (0.1): 24 bits -> 0.03 + 0.07 * 16/24
  CHECK(t.energy_pj(Primitive::int_add, 24) == Approx(0.03 + 0.07 * 16.0 / 24.0));
  // below the smallest width: proportional; 4-bit add = 0.015
  CHECK(t.energy_pj(Primitive::int_add, 4) == Approx(0.015));
  // multipliers: linear in width^2 between 8 (0.2) and 32 (3.1): 16 bits -> 0.2 + 2.9*192/960
  CHECK(t.energy_pj(Primitive::int_mult, 16) == Approx(0.2 + 2.9 * 192.0 / 960.0));
  // SRAM: 64-bit access 10 pJ at 8 KiB, 20 at 32 KiB, 100 at 1 MiB; 64 KiB is log2-interpolated
  CHECK(t.energy_pj(Primitive::sram_access, 64, 8) == Approx(10));
  CHECK(t.energy_pj(Primitive::sram_access, 64, 32) == Approx(20));
  CHECK(t.energy_pj(Primitive::sram_access, 64, 64) == Approx(20 + 80.0 / 5.0));
  CHECK(t.energy_pj(Primitive::sram_access, 1, 2) == Approx(10.0 / 64.0));
  CHECK(t.energy_pj(Primitive::dram_access, 64) == Approx(1300));
  for (const auto& e : t.entries()) {
    CHECK(!e.source.empty());
    CHECK(!e.unit.empty());
    CHECK(e.node_nm > 0);
    CHECK(e.voltage_v > 0);
  }
}

TEST_CASE("energy totals equal the sum of action counts times table entries") {
  for (const char* pe : {"type = \"fp32\"", "type = \"int8\"", sim_test::lns8_bins,
                         "type = \"lns\"\nformat = \"lns8:gamma=8\"\naccumulation = "
                         "\"linear:F=16,W=32\""}) {
    for (const char* df : {"os", "ws", "is"}) {
      Knobs k;
      k.pe = pe;
      k.dataflow = df;
      const auto cfg = make_config(k);
      const auto r = simulate_gemm(cfg, {"g", {37, 21, 50}, Pass::forward});
      double sum = 0;
      for (const auto& a : r.actions)
        sum += a.count * cfg.energy.energy_pj(a.primitive, a.bits, a.capacity_kib);
      CHECK(r.energy_pj == Approx(sum).epsilon(1e-12));
      double by_component = 0;
      for (const auto& [name, e] : r.energy_by_component) by_component += e;
      CHECK(by_component == Approx(r.energy_pj).epsilon(1e-12));
    }
  }
}

TEST_CASE("FP32 PE arithmetic energy by hand") {
  Knobs k;
  const auto cfg = make_config(k);
  const auto r = simulate_gemm(cfg, {"g", {8, 8, 10}, Pass::forward});
  double mult = 0, add = 0;
  for (const auto& [name, e] : r.energy_by_component) {
    if (name == "pe.mult") mult = e;
    if (name == "pe.acc_add") add = e;
  }
  CHECK(mult == Approx(640 * 3.7));
  CHECK(add == Approx(640 * 0.9));
}

TEST_CASE("LNS bins PE actions by hand (os, single fold)") {
  Knobs k;
  k.pe = sim_test::lns8_bins;
  const auto cfg = make_config(k);
  const auto r = simulate_gemm(cfg, {"g", {4, 4, 10}, Pass::forward});
  auto count = [&](const std::string& comp, Primitive p) {
    double c = 0;
    for (const auto& a : r.actions)
      if (a.component == comp && a.primitive == p) c += a.count;
    return c;
  };
  CHECK(count("pe.exp_add", Primitive::int_add) == 160);
  CHECK(count("pe.sign_xor", Primitive::logic_gate) == 160);
  CHECK(count("pe.acc_add", Primitive::int_add) == 160);
  CHECK(count("pe.to_linear", Primitive::logic_gate) == 160 * 32);  // W one-hot outputs
  CHECK(count("pe.bin_scale", Primitive::int_mult) == 16 * 8);      // 8 bins per output
  CHECK(count("pe.bin_sum", Primitive::int_add) == 16 * 7);
  CHECK(count("pe.mult", Primitive::int_mult) == 0);  // multiplication-free datapath
}

TEST_CASE("changing the table changes the energy") {
  Knobs k;
  auto cfg = make_config(k);
  const GemmOp op{"g", {16, 16, 64}, Pass::forward};
  const auto before = simulate_gemm(cfg, op);
  EnergyEntry e;
  for (const auto& x : cfg.energy.entries())
    if (x.action == Primitive::fp_mult && x.bits == 32) e = x;
  e.energy_pj *= 2;
  cfg.energy.set(e);
  const auto after = simulate_gemm(cfg, op);
  CHECK(after.energy_pj == Approx(before.energy_pj + 16 * 16 * 64 * 3.7));
}

TEST_CASE("invalid energy tables are rejected with file, line and field") {
  auto msg = [](const std::string& text) {
    try {
      EnergyTable::parse(text, "t.toml");
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string entry =
      "name = \"x\"\n[[entry]]\naction = \"int_add\"\nbits = 8\nenergy_pj = 0.03\nunit = "
      "\"pJ/op\"\nnode_nm = 45\nvoltage_v = 0.9\nscaling = \"linear\"\n";
  CHECK(msg(entry).find("entry[0].source") != std::string::npos);
  CHECK(msg(entry + "source = \"s\"\n") == "no error");
  const std::string bad_unit = entry + "source = \"s\"\n";
  std::string t = bad_unit;
  t.replace(t.find("pJ/op"), 5, "nJ");
  CHECK(msg(t).find("t.toml:6: entry[0].unit") != std::string::npos);
  t = bad_unit;
  t.replace(t.find("energy_pj = 0.03"), 16, "energy_pj = -1");
  CHECK(msg(t).find("entry[0].energy_pj") != std::string::npos);
  CHECK(msg("name = \"x\"\n").find("entry") != std::string::npos);
}
