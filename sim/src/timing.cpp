// Folds, tiles and traffic of one GEMM on the array (docs/simulator.md §Timing, §Memory).
#include "lnslab/sim/timing.hpp"

#include <fmt/format.h>
#include <algorithm>

#include "lnslab/sim/errors.hpp"

namespace lnslab::sim {
namespace {

using u64 = std::uint64_t;
using i64 = std::int64_t;
using Bits = std::array<u64, operand_count>;

i64 ceil_div(i64 a, i64 b) {
  return (a + b - 1) / b;
}
u64 u(i64 v) {
  return static_cast<u64>(v);
}

// Calls f(first, last) for n positions; the n - 2 middle ones (identical by construction) go
// through the pipeline's exact repeat.
template <typename F>
void sequence(TilePipeline& p, i64 n, const F& f) {
  if (n <= 0) return;
  f(true, n == 1);
  if (n >= 3) p.repeat(n - 2, [&] { f(false, false); });
  if (n >= 2) f(false, true);
}

double half_sram_bits(double kib) {
  return kib * 1024.0 * 8.0 / 2.0;
}

// Largest T-chunk whose streamed operands fit half of their SRAMs (double buffering).
i64 chunk_size(double half_a, double per_t_a, double half_b, double per_t_b, i64 t,
               const std::string& origin) {
  const double limit = std::min(half_a / per_t_a, half_b / per_t_b);
  if (limit < 1)
    throw ConfigError(origin +
                      ": SRAM too small for one tile (one streamed element of the fold "
                      "does not fit half of an SRAM)");
  return std::max<i64>(1, std::min<i64>(t, static_cast<i64>(limit)));
}

}  // namespace

FoldPlan map_gemm(Dataflow dataflow, const GemmShape& g, int rows, int cols) {
  FoldPlan p;
  switch (dataflow) {
    case Dataflow::os:
      p.s_r = g.m, p.s_c = g.n, p.t = g.k;
      break;
    case Dataflow::ws:
      p.s_r = g.k, p.s_c = g.n, p.t = g.m;
      break;
    case Dataflow::is:
      p.s_r = g.k, p.s_c = g.m, p.t = g.n;
      break;
  }
  p.folds_r = ceil_div(p.s_r, rows);
  p.folds_c = ceil_div(p.s_c, cols);
  return p;
}

u64 fold_compute_cycles(const FoldPlan& p, int /*rows*/, int /*cols*/) {
  // sum over folds of 2r + c + T - 2 = 2 S_R F_C + S_C F_R + F_R F_C (T - 2)
  return u(2 * p.s_r * p.folds_c + p.s_c * p.folds_r + p.folds_r * p.folds_c * (p.t - 2));
}

TimingResult time_gemm(const Config& cfg, const GemmShape& g) {
  if (g.m < 1 || g.n < 1 || g.k < 1)
    throw ConfigError(fmt::format("GEMM {}x{}x{}: dimensions must be >= 1", g.m, g.n, g.k));
  const i64 R = cfg.array.rows, C = cfg.array.cols;
  const WordBits& w = cfg.words;
  TimingResult res;
  res.plan = map_gemm(cfg.array.dataflow, g, cfg.array.rows, cfg.array.cols);
  const FoldPlan& pl = res.plan;
  const i64 FR = pl.folds_r, FC = pl.folds_c, T = pl.t;
  const i64 r_last = pl.s_r - (FR - 1) * R, c_last = pl.s_c - (FC - 1) * C;
  const double half_in = half_sram_bits(cfg.memory.input_kib);
  const double half_w = half_sram_bits(cfg.memory.weight_kib);
  const double half_out = half_sram_bits(cfg.memory.output_kib);
  const u64 M = u(g.m), N = u(g.n), K = u(g.k), MNK = M * N * K;
  TilePipeline p(cfg.memory.dram_bytes_per_cycle, cfg.memory.dram_latency_cycles);

  auto emit_chunks = [&](i64 n_t, i64 t_chunk, i64 r, i64 c, auto&& io) {
    const i64 t_last = T - (n_t - 1) * t_chunk;
    sequence(p, n_t, [&](bool first, bool last) {
      const i64 t = last ? t_last : t_chunk;
      Bits reads{}, writes{};
      io(first, last, t, reads, writes);
      p.tile(u(t + (first ? 2 * r + c - 2 : 0)), reads, writes);
    });
  };

  if (cfg.array.dataflow == Dataflow::os) {
    // Loop order: row folds (M) outer, column folds (N), T-chunks (K) inner.
    const i64 t_chunk =
        chunk_size(half_in, double(R) * w.input, half_w, double(C) * w.weight, T, cfg.origin);
    res.t_chunk = t_chunk;
    const i64 n_t = ceil_div(T, t_chunk);
    const bool a_rows_resident = n_t == 1;  // an r x K block of A stays for all column folds
    const bool b_resident = double(K * N * u(w.weight)) <= half_w;  // all of B stays
    sequence(p, FR, [&](bool ifirst, bool ilast) {
      const i64 r = ilast ? r_last : R;
      sequence(p, FC, [&](bool jfirst, bool jlast) {
        const i64 c = jlast ? c_last : C;
        const bool fetch_a = !a_rows_resident || jfirst;
        const bool fetch_b = !b_resident || ifirst;
        emit_chunks(n_t, t_chunk, r, c, [&](bool, bool klast, i64 t, Bits& rd, Bits& wr) {
          rd[operand::input] = fetch_a ? u(r * t * w.input) : 0;
          rd[operand::weight] = fetch_b ? u(t * c * w.weight) : 0;
          wr[operand::output] = klast ? u(r * c * w.output) : 0;
        });
      });
    });
    res.sram_read_bits[operand::input] = M * K * u(FC) * u(w.input);
    res.sram_read_bits[operand::weight] = K * N * u(FR) * u(w.weight);
    res.sram_write_bits[operand::output] = M * N * u(w.output);
    res.pe_register_bits[operand::input] = MNK * u(w.input);
    res.pe_register_bits[operand::weight] = MNK * u(w.weight);
    res.pe_register_bits[operand::output] = MNK * u(cfg.pe.acc_bits);
  } else {
    // ws: B stationary, A streamed (T = M); is: A stationary, B streamed (T = N).
    // Loop order: column folds outer, row folds (K) inner, so partial sums of a column fold
    // accumulate across K folds; T-chunks innermost.
    const bool ws = cfg.array.dataflow == Dataflow::ws;
    const int s_op = ws ? operand::weight : operand::input;
    const int x_op = ws ? operand::input : operand::weight;
    const u64 s_bits = u(ws ? w.weight : w.input), x_bits = u(ws ? w.input : w.weight);
    const double half_x = ws ? half_in : half_w;
    const i64 t_chunk =
        chunk_size(half_x, double(R) * x_bits, half_out, double(C) * w.psum, T, cfg.origin);
    res.t_chunk = t_chunk;
    const i64 n_t = ceil_div(T, t_chunk);
    const bool x_resident = double(u(T) * K * x_bits) <= half_x;
    const bool psum_resident = double(u(T) * u(C) * u(w.psum)) <= half_out;
    sequence(p, FC, [&](bool jfirst, bool jlast) {
      const i64 c = jlast ? c_last : C;
      sequence(p, FR, [&](bool ifirst, bool ilast) {
        const i64 r = ilast ? r_last : R;
        const bool fetch_x = !x_resident || jfirst;
        emit_chunks(n_t, t_chunk, r, c, [&](bool kfirst, bool, i64 t, Bits& rd, Bits& wr) {
          rd[s_op] = kfirst ? u(r * c) * s_bits : 0;
          rd[x_op] = fetch_x ? u(t * r) * x_bits : 0;
          rd[operand::output] = (!psum_resident && !ifirst) ? u(t * c * w.psum) : 0;
          wr[operand::output] =
              ilast ? u(t * c * w.output) : (!psum_resident ? u(t * c * w.psum) : 0);
        });
      });
    });
    const u64 S_rows = K, S_cols = u(pl.s_c);  // stationary matrix K x S_C
    res.sram_read_bits[s_op] = S_rows * S_cols * s_bits;
    res.sram_read_bits[x_op] = u(T) * K * u(FC) * x_bits;
    res.psum_merges = M * N * u(FR - 1);
    res.sram_write_bits[operand::output] = M * N * (u(FR - 1) * u(w.psum) + u(w.output));
    res.sram_read_bits[operand::output] = res.psum_merges * u(w.psum);
    res.pe_register_bits[s_op] = S_rows * S_cols * s_bits;
    res.pe_register_bits[x_op] = MNK * x_bits;
    res.pe_register_bits[operand::output] = MNK * u(w.psum);
  }

  const PipelineTotals tot = p.finish();
  res.compute_cycles = tot.compute;
  res.stall_cycles = tot.stall;
  res.prologue_cycles = tot.prologue;
  res.epilogue_cycles = tot.epilogue;
  res.total_cycles = tot.total;
  res.tiles = tot.tiles;
  res.dram_read_bits = tot.dram_read_bits;
  res.dram_write_bits = tot.dram_write_bits;
  // DRAM fills are SRAM writes; write-backs are SRAM reads.
  for (int i = 0; i < operand_count; ++i) {
    res.sram_write_bits[i] += tot.dram_read_bits[i];
    res.sram_read_bits[i] += tot.dram_write_bits[i];
  }
  const double pes = double(R) * double(C);
  res.mapping_utilisation = double(pl.s_r) * double(pl.s_c) / (double(FR) * double(FC) * pes);
  res.compute_utilisation = double(MNK) / (double(res.compute_cycles) * pes);
  res.utilisation = double(MNK) / (double(res.total_cycles) * pes);
  return res;
}

}  // namespace lnslab::sim
