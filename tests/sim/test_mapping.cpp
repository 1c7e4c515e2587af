// Mappings (blocked fold loop nests) and the per-layer mapping search.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "helpers.hpp"
#include "lnslab/sim/accelerator.hpp"
#include "lnslab/sim/errors.hpp"
#include "lnslab/sim/mapping_search.hpp"
#include "lnslab/sim/timing.hpp"

using namespace lnslab::sim;
using sim_test::Knobs;
using sim_test::make_config;

namespace {

constexpr std::uint64_t kWord = 32;  // fp32 words

std::uint64_t dram_bits(const TimingResult& t) {
  std::uint64_t s = 0;
  for (int i = 0; i < operand_count; ++i) s += t.dram_read_bits[i] + t.dram_write_bits[i];
  return s;
}

Config with_mapping_table(const Knobs& k, const std::string& table) {
  return parse_config(sim_test::config_text(k) + table, "map.toml", ".");
}

}  // namespace

TEST_CASE("os blocked mappings: DRAM traffic by hand") {
  // 4x4 array, 1 KiB SRAMs (halves of 128 fp32 words); M = 16, N = 8, K = 24: 4 row folds,
  // 2 column folds, one chunk of K = 24 per fold (24 <= 128 / 4).
  Knobs k;
  k.sram_kib = 1;
  const Config cfg = make_config(k);
  const GemmShape g{16, 8, 24};
  // Fixed (N2>M: row folds outer): A's 4 x 24 rows stay for both column folds (read once);
  // all of B (24 x 8 = 192 words) does not fit a half, so B is read per row fold.
  const TimingResult fixed = time_gemm(cfg, g);
  CHECK(describe(fixed.mapping, Dataflow::os) == "N2>M");
  CHECK(fixed.dram_read_bits[operand::input] == 16u * 24u * kWord);
  CHECK(fixed.dram_read_bits[operand::weight] == 4u * 192u * kWord);
  // N1>M: blocks of one column fold outermost; B's 24 x 4 block (96 words) fits and is read
  // once, A is read once per block (twice).
  const TimingResult n1 = time_gemm(cfg, g, {Blocked::cols, 1});
  CHECK(n1.dram_read_bits[operand::input] == 2u * 16u * 24u * kWord);
  CHECK(n1.dram_read_bits[operand::weight] == 192u * kWord);
  // M1>N: blocks of one row fold; A's 4 x 24 block (96 words) read once, B's 24 x 4 column
  // block read once per (row block, column fold): as the fixed mapping here.
  const TimingResult m1 = time_gemm(cfg, g, {Blocked::rows, 1});
  CHECK(m1.dram_read_bits[operand::input] == 16u * 24u * kWord);
  CHECK(m1.dram_read_bits[operand::weight] == 4u * 192u * kWord);
  // Outputs are written once and compute cycles do not depend on the mapping.
  for (const TimingResult* t : {&fixed, &n1, &m1}) {
    CHECK(t->dram_write_bits[operand::output] == 16u * 8u * kWord);
    CHECK(t->compute_cycles == fixed.compute_cycles);
  }
}

TEST_CASE("ws blocked mappings: streamed reuse against partial-sum spills, by hand") {
  // ws, 4x4, 1 KiB SRAMs (128-word halves); M = T = 20, N = 16 (4 column folds), K = 12 (3 K
  // folds). The streamed A (20 x 12) does not fit a half; one chunk of T per fold.
  Knobs k;
  k.dataflow = "ws";
  k.sram_kib = 1;
  const Config cfg = make_config(k);
  const GemmShape g{20, 16, 12};
  // Fixed (N1>K): A read per column fold; T x C = 80 partial sums stay.
  const TimingResult fixed = time_gemm(cfg, g);
  CHECK(describe(fixed.mapping, Dataflow::ws) == "N1>K");
  CHECK(fixed.dram_read_bits[operand::input] == 4u * 240u * kWord);
  CHECK(fixed.dram_read_bits[operand::output] == 0);
  CHECK(fixed.dram_write_bits[operand::output] == 320u * kWord);
  // N2>K: a K fold's 20 x 4 block of A serves two column folds (A read twice), but the block's
  // 20 x 8 partial sums do not fit: they go out after K folds 0, 1 and come back before 1, 2.
  const TimingResult n2 = time_gemm(cfg, g, {Blocked::cols, 2});
  CHECK(n2.dram_read_bits[operand::input] == 2u * 240u * kWord);
  CHECK(n2.dram_read_bits[operand::output] == 2u * 320u * kWord);
  CHECK(n2.dram_write_bits[operand::output] == 3u * 320u * kWord);
  CHECK(n2.dram_read_bits[operand::weight] == 12u * 16u * kWord);  // stationary B once
  CHECK(n2.compute_cycles == fixed.compute_cycles);
  // T8>N4>K: T-blocks of 8 (8, 8, 4) outermost, all four column folds in one block: the block's
  // 8 x 16 partial sums (128 words) stay, and a T-block's 8 x 12 of A (96 words) stays for all
  // column folds (A read once); all of B (192 words) does not fit, so every T-block fetches the
  // stationary blocks again; every fold runs once per T-block, paying its fill
  // 2r + c - 2 = 10 each time: 12 folds x (3 x 10 + 20) = 600 cycles against 12 x 30 = 360.
  const TimingResult tb = time_gemm(cfg, g, {Blocked::cols, 4, 8});
  CHECK(describe(tb.mapping, Dataflow::ws) == "T8>N4>K");
  CHECK(tb.dram_read_bits[operand::input] == 240u * kWord);
  CHECK(tb.dram_read_bits[operand::weight] == 3u * 192u * kWord);
  CHECK(tb.dram_read_bits[operand::output] == 0);
  CHECK(tb.dram_write_bits[operand::output] == 320u * kWord);
  CHECK(tb.sram_read_bits[operand::weight] == 3u * 192u * kWord);  // into the PEs per T-block
  CHECK(fixed.compute_cycles == 360);
  CHECK(tb.compute_cycles == 600);
  CHECK(largest_resident_t_block(cfg, tb.plan, 4) == 8);  // 8 x 16 x 32 bits = half of 1 KiB
  bool listed = false;
  for (const Mapping& m : mapping_space(cfg, g))
    listed = listed || (m.block == 4 && m.t_block == 8);
  CHECK(listed);
  CHECK_THROWS_AS(time_gemm(cfg, g, {Blocked::cols, 1, 21}), ConfigError);  // T = 20
  CHECK_THROWS_AS(time_gemm(make_config(Knobs{}), g, {Blocked::cols, 1, 4}), ConfigError);  // os
  CHECK_THROWS_AS(time_gemm(cfg, g, {Blocked::rows, 1}), ConfigError);  // ws blocks columns only
  CHECK_THROWS_AS(time_gemm(cfg, g, {Blocked::cols, 5}), ConfigError);  // only 4 column folds
}

TEST_CASE("the search keeps the fixed mapping unless another is strictly better") {
  Knobs k;
  k.sram_kib = 1;
  const Config fixed_cfg = make_config(k);
  const Config search = with_mapping_table(k, "[mapping]\nsearch = true\nobjective = \"energy\"\n");
  CHECK(search.mapping.search);
  const GemmOp op{"g", {16, 8, 24}, Pass::forward};
  const LayerReport best = simulate_gemm(search, op);
  const LayerReport fixed = simulate_gemm(fixed_cfg, op);
  CHECK(best.timing.mapping.searched);
  CHECK_FALSE(fixed.timing.mapping.searched);
  // Every mapping of the space, priced: the chosen one has the lowest energy, and it is below
  // the fixed mapping's here (N1>M moves fewer words, see above).
  for (const Mapping& m : mapping_space(search, op.shape))
    CHECK(best.energy_pj <= simulate_gemm(search, op, m).energy_pj);
  CHECK(best.energy_pj < fixed.energy_pj);
  CHECK(dram_bits(best.timing) < dram_bits(fixed.timing));
  // A GEMM whose operands all fit: nothing beats the fixed mapping, which is kept.
  const LayerReport small = simulate_gemm(search, {"s", {4, 4, 4}, Pass::forward});
  CHECK(small.timing.mapping.block == fixed_mapping(Dataflow::os, small.timing.plan).block);
  CHECK(small.timing.mapping.blocked == Blocked::cols);
  // The cycles objective never ends above the fixed mapping's cycles.
  const Config by_cycles =
      with_mapping_table(k, "[mapping]\nsearch = true\nobjective = \"cycles\"\n");
  CHECK(simulate_gemm(by_cycles, op).timing.total_cycles <= fixed.timing.total_cycles);
}

TEST_CASE("the objective decides: energy takes T-blocks against partial-sum spills, cycles not") {
  // ws, 1 KiB SRAMs, an ideal channel (no stalls): M = T = 400 partial sums per column do not
  // fit (400 x 4 x 32 bits > 4096), so the fixed mapping spills them between the 3 K folds.
  // T-blocks of 32 keep them but pay every fold's fill 13 times: less energy, more cycles.
  Knobs k;
  k.dataflow = "ws";
  k.sram_kib = 1;
  k.bandwidth = 1e6;
  k.latency = 0;
  const std::string table = "[mapping]\nsearch = true\nobjective = ";
  const GemmOp op{"g", {400, 4, 12}, Pass::forward};
  const LayerReport by_energy = simulate_gemm(with_mapping_table(k, table + "\"energy\"\n"), op);
  const LayerReport by_cycles = simulate_gemm(with_mapping_table(k, table + "\"cycles\"\n"), op);
  const LayerReport fixed = simulate_gemm(make_config(k), op);
  CHECK(by_energy.timing.mapping.t_block > 0);
  CHECK(by_energy.timing.dram_read_bits[operand::output] == 0);
  CHECK(by_energy.energy_pj < fixed.energy_pj);
  CHECK(by_cycles.timing.mapping.t_block == 0);
  CHECK(by_cycles.timing.total_cycles == fixed.timing.total_cycles);
  CHECK(by_cycles.timing.total_cycles < by_energy.timing.total_cycles);
}

TEST_CASE("the searched space: fixed first, powers of two, every fold, the largest resident") {
  Knobs k;
  k.sram_kib = 1;
  const Config cfg = make_config(k);
  // 4x4, M = 40 (10 row folds), N = 12 (3 column folds), K = 24.
  const auto space = mapping_space(cfg, {40, 12, 24});
  REQUIRE(!space.empty());
  CHECK(space[0].blocked == Blocked::cols);
  CHECK(space[0].block == 3);  // the fixed mapping
  int cols = 0, rows = 0;
  for (const Mapping& m : space) (m.blocked == Blocked::cols ? cols : rows) += 1;
  // columns: 3 (fixed), 1, 2 (1 resident: 24 x 4 = 96 words of 128); rows: 1, 2, 4, 8, 10
  // (the largest resident block, 1, already listed).
  CHECK(cols == 3);
  CHECK(rows == 5);
  CHECK(largest_resident_block(cfg, map_gemm(Dataflow::os, {40, 12, 24}, 4, 4), Blocked::cols) ==
        1);
}

TEST_CASE("bad [mapping] tables are refused, naming the key") {
  Knobs k;
  auto message = [&](const std::string& table) {
    try {
      with_mapping_table(k, table);
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(message("[mapping]\nsearch = \"yes\"\n").find("mapping.search: expected true or false") !=
        std::string::npos);
  CHECK(message("[mapping]\nsearch = true\nobjective = \"area\"\n")
            .find("mapping.objective: expected energy, cycles or edp") != std::string::npos);
  CHECK(message("[mapping]\nobjective = \"cycles\"\n").find("applies only with search = true") !=
        std::string::npos);
  CHECK(message("[mapping]\nsearch = true\norder = 1\n").find("mapping.order: unknown key") !=
        std::string::npos);
  CHECK(message("[mapping]\nsearch = false\n") == "accepted");
}
