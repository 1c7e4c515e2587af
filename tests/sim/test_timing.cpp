// Timing model: closed-form fold cycles, the tile pipeline, stalls and bandwidth monotonicity.
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "helpers.hpp"
#include "lnslab/sim/memory.hpp"
#include "lnslab/sim/timing.hpp"

using namespace lnslab::sim;
using sim_test::Knobs;
using sim_test::make_config;

namespace {

// Hand-written sum over folds of 2r + c + T - 2 (r, c the rows/cols a fold uses).
std::uint64_t folds_by_hand(std::int64_t s_r, std::int64_t s_c, std::int64_t t, int R, int C) {
  std::uint64_t sum = 0;
  for (std::int64_t i = 0; i < s_r; i += R)
    for (std::int64_t j = 0; j < s_c; j += C) {
      const std::int64_t r = std::min<std::int64_t>(R, s_r - i);
      const std::int64_t c = std::min<std::int64_t>(C, s_c - j);
      sum += static_cast<std::uint64_t>(2 * r + c + t - 2);
    }
  return sum;
}

}  // namespace

TEST_CASE("single-fold GEMMs take 2r + c + T - 2 cycles in every dataflow") {
  // 4x4 array, M = N = K = 4: one fold of 4 rows, 4 cols and T = 4 -> 2*4 + 4 + 4 - 2 = 14.
  for (const char* df : {"os", "ws", "is"}) {
    Knobs k;
    k.dataflow = df;
    const auto t = time_gemm(make_config(k), {4, 4, 4});
    CHECK(t.plan.folds_r == 1);
    CHECK(t.plan.folds_c == 1);
    CHECK(t.compute_cycles == 14);
  }
  // os, M = 3, N = 2, K = 7 on 4x4: r = 3, c = 2, T = 7 -> 6 + 2 + 7 - 2 = 13.
  Knobs k;
  CHECK(time_gemm(make_config(k), {3, 2, 7}).compute_cycles == 13);
  // ws, same GEMM: S_R = K = 7 (2 folds: 4, 3), S_C = N = 2, T = M = 3
  //   -> (8 + 2 + 1) + (6 + 2 + 1) = 20.
  k.dataflow = "ws";
  CHECK(time_gemm(make_config(k), {3, 2, 7}).compute_cycles == 20);
}

TEST_CASE("multi-fold GEMMs match hand-derived fold sums") {
  // M = 10, N = 6, K = 5 on 4x4.
  // os: rows {4,4,2} x cols {4,2}, T = 5: 15 + 13 + 15 + 13 + 11 + 9 = 76.
  // ws: S_R = K {4,1}, S_C = N {4,2}, T = M = 10: 20 + 18 + 14 + 12 = 64.
  // is: S_R = K {4,1}, S_C = M {4,4,2}, T = N = 6: 16 + 16 + 14 + 10 + 10 + 8 = 74.
  const std::pair<const char*, std::uint64_t> expected[] = {{"os", 76}, {"ws", 64}, {"is", 74}};
  for (const auto& [df, cycles] : expected) {
    Knobs k;
    k.dataflow = df;
    const auto cfg = make_config(k);
    const auto t = time_gemm(cfg, {10, 6, 5});
    CHECK(t.compute_cycles == cycles);
    CHECK(fold_compute_cycles(t.plan, 4, 4) == cycles);
  }
  // Larger shapes against the explicit fold loop.
  for (const char* df : {"os", "ws", "is"}) {
    Knobs k;
    k.rows = 8;
    k.cols = 5;
    k.dataflow = df;
    const auto cfg = make_config(k);
    for (GemmShape g : {GemmShape{37, 11, 23}, GemmShape{1, 1, 1}, GemmShape{64, 40, 3},
                        GemmShape{129, 7, 300}}) {
      const auto t = time_gemm(cfg, g);
      const auto p = map_gemm(cfg.array.dataflow, g, 8, 5);
      CHECK(t.compute_cycles == folds_by_hand(p.s_r, p.s_c, p.t, 8, 5));
    }
  }
}

TEST_CASE("utilisation of a perfectly mapped GEMM") {
  Knobs k;
  const auto t = time_gemm(make_config(k), {8, 8, 100});
  CHECK(t.mapping_utilisation == Approx(1.0));
  // 4 folds of 2*4 + 4 + 100 - 2 = 110 cycles; 8*8*100 MACs on 16 PEs.
  CHECK(t.compute_cycles == 440);
  CHECK(t.compute_utilisation == Approx(6400.0 / (440.0 * 16)));
  const auto p = time_gemm(make_config(k), {5, 4, 100});
  CHECK(p.mapping_utilisation == Approx(20.0 / 32.0));
}

TEST_CASE("a stall-free memory system reports zero stalls") {
  for (const char* df : {"os", "ws", "is"}) {
    Knobs k;
    k.dataflow = df;
    k.bandwidth = 1e6;
    k.latency = 0;
    k.sram_kib = 1;  // small SRAMs: many tiles, still no stall with an ideal channel
    const auto cfg = make_config(k);
    for (GemmShape g : {GemmShape{100, 30, 200}, GemmShape{7, 9, 11}, GemmShape{512, 64, 64}}) {
      const auto t = time_gemm(cfg, g);
      CHECK(t.stall_cycles == 0);
      CHECK(t.total_cycles == t.prologue_cycles + t.compute_cycles + t.epilogue_cycles);
      CHECK(t.tiles > 1);
    }
  }
}

TEST_CASE("a slow channel stalls and halving the bandwidth never reduces cycles") {
  for (const char* df : {"os", "ws", "is"}) {
    for (GemmShape g : {GemmShape{300, 70, 500}, GemmShape{33, 5, 1000}, GemmShape{1000, 64, 9}}) {
      std::uint64_t previous = 0;
      for (double bw = 256; bw >= 0.125; bw /= 2) {
        Knobs k;
        k.dataflow = df;
        k.bandwidth = bw;
        k.latency = 50;
        k.sram_kib = 2;
        const auto t = time_gemm(make_config(k), g);
        CHECK(t.total_cycles >= previous);
        CHECK(t.total_cycles ==
              t.prologue_cycles + t.compute_cycles + t.stall_cycles + t.epilogue_cycles);
        previous = t.total_cycles;
      }
      Knobs slow;
      slow.dataflow = df;
      slow.bandwidth = 0.125;
      slow.sram_kib = 2;
      CHECK(time_gemm(make_config(slow), g).stall_cycles > 0);
    }
  }
}

TEST_CASE("DRAM traffic: resident operands are fetched once") {
  // os, everything fits: A read once, B read once, C written once (fp32: 32-bit words).
  Knobs k;
  k.sram_kib = 1024;
  const auto t = time_gemm(make_config(k), {20, 12, 30});
  CHECK(t.dram_read_bits[operand::input] == 20u * 30u * 32u);
  CHECK(t.dram_read_bits[operand::weight] == 12u * 30u * 32u);
  CHECK(t.dram_write_bits[operand::output] == 20u * 12u * 32u);
  // Array-side SRAM reads: A once per column fold (3), B once per row fold (5).
  CHECK(t.sram_read_bits[operand::input] == 20u * 30u * 3u * 32u + 0u);
  CHECK(t.sram_read_bits[operand::weight] == 12u * 30u * 5u * 32u);
}

TEST_CASE("DRAM traffic: B is re-fetched per row fold when it does not fit") {
  // 4x4 array, 1 KiB SRAMs (512 B halves = 128 fp32 words). B = 300 x 8 words does not fit;
  // chunks of K: t <= 128 / 4 = 32 -> A chunks 4x32, B chunks 32x4.
  Knobs k;
  k.sram_kib = 1;
  const auto t = time_gemm(make_config(k), {8, 8, 300});
  CHECK(t.t_chunk == 32);
  // 2 row folds x 2 col folds; A and B each read once per fold they take part in.
  CHECK(t.dram_read_bits[operand::input] == 8u * 300u * 2u * 32u);
  CHECK(t.dram_read_bits[operand::weight] == 8u * 300u * 2u * 32u);
}

TEST_CASE("ws with partial sums that do not fit spills them to DRAM") {
  Knobs k;
  k.dataflow = "ws";
  k.sram_kib = 1;  // output half: 128 fp32 psums; M x C = 400 x 4 does not fit
  const auto t = time_gemm(make_config(k), {400, 4, 12});  // 3 K folds
  // psums: written after folds 0 and 1, read before folds 1 and 2; finals written once.
  CHECK(t.dram_read_bits[operand::output] == 2u * 400u * 4u * 32u);
  CHECK(t.dram_write_bits[operand::output] == 3u * 400u * 4u * 32u);
  CHECK(t.psum_merges == 2u * 400u * 4u);
  Knobs big = k;
  big.sram_kib = 256;
  const auto r = time_gemm(make_config(big), {400, 4, 12});
  CHECK(r.dram_read_bits[operand::output] == 0);
  CHECK(r.dram_write_bits[operand::output] == 400u * 4u * 32u);
}

TEST_CASE("the pipeline's repeat equals issuing every tile") {
  // A block of three different tiles, repeated; compare against a plain loop.
  const std::vector<std::array<std::uint64_t, 3>> block = {
      {50, 4000, 0}, {7, 100, 800}, {300, 0, 64}};
  for (double bw : {0.5, 4.0, 64.0}) {
    for (std::int64_t times : {1, 2, 3, 17, 1000}) {
      TilePipeline fast(bw, 20), slow(bw, 20);
      auto issue = [&](TilePipeline& p) {
        for (const auto& t : block) p.tile(t[0], {t[1], 0, 0}, {0, 0, t[2]});
      };
      fast.tile(5, {1000, 0, 0}, {});
      slow.tile(5, {1000, 0, 0}, {});
      fast.repeat(times, [&] { fast.repeat(2, [&] { issue(fast); }); });
      for (std::int64_t i = 0; i < 2 * times; ++i) issue(slow);
      const auto a = fast.finish(), b = slow.finish();
      CHECK(a.total == b.total);
      CHECK(a.stall == b.stall);
      CHECK(a.compute == b.compute);
      CHECK(a.tiles == b.tiles);
      CHECK(a.dram_read_bits == b.dram_read_bits);
      CHECK(a.dram_write_bits == b.dram_write_bits);
    }
  }
}
