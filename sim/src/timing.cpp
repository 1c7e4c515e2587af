// Folds, tiles and traffic of one GEMM on the array (docs/simulator.md §Timing, §Memory).
#include "lnslab/sim/timing.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <stdexcept>
#include <string_view>

#include "lnslab/sim/dataflow.hpp"
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

i64 extent(const GemmShape& g, GemmDim d) {
  switch (d) {
    case GemmDim::m:
      return g.m;
    case GemmDim::n:
      return g.n;
    case GemmDim::k:
      return g.k;
  }
  throw std::logic_error("extent: unknown GEMM dimension");
}

// The plan's extent of GEMM dimension d (S_R, S_C or T, whichever the dataflow maps it to).
i64 plan_extent(const FoldPlan& p, GemmDim d) {
  const DataflowInfo& df = dataflow_info(p.dataflow);
  return d == df.rows ? p.s_r : d == df.cols ? p.s_c : p.t;
}

// Word width of an operand in SRAM and DRAM (partial sums, psum bits, are handled apart).
u64 operand_bits(const WordBits& w, int op) {
  switch (op) {
    case operand::input:
      return u64(w.input);
    case operand::weight:
      return u64(w.weight);
    case operand::output:
      return u64(w.output);
  }
  throw std::logic_error("operand_bits: unknown operand");
}

double operand_sram_kib(const MemoryConfig& m, int op) {
  switch (op) {
    case operand::input:
      return m.input_kib;
    case operand::weight:
      return m.weight_kib;
    case operand::output:
      return m.output_kib;
  }
  throw std::logic_error("operand_sram_kib: unknown operand");
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

std::string describe(const Mapping& m, Dataflow dataflow) {
  // GEMM dimension on the array's rows and columns
  const DataflowInfo& df = dataflow_info(dataflow);
  const std::string_view rows = to_string(df.rows), cols = to_string(df.cols);
  const bool by_cols = m.blocked == Blocked::cols;
  return fmt::format("{}{}{}>{}", m.t_block ? fmt::format("T{}>", m.t_block) : "",
                     by_cols ? cols : rows, m.block, by_cols ? rows : cols);
}

FoldPlan map_gemm(Dataflow dataflow, const GemmShape& g, int rows, int cols) {
  FoldPlan p;
  const DataflowInfo& df = dataflow_info(dataflow);
  p.dataflow = dataflow;
  p.s_r = extent(g, df.rows);
  p.s_c = extent(g, df.cols);
  p.t = extent(g, df.time);
  p.folds_r = ceil_div(p.s_r, rows);
  p.folds_c = ceil_div(p.s_c, cols);
  return p;
}

u64 fold_compute_cycles(const FoldPlan& p, int /*rows*/, int /*cols*/) {
  // sum over folds of 2r + c + T - 2 = 2 S_R F_C + S_C F_R + F_R F_C (T - 2)
  return u(2 * p.s_r * p.folds_c + p.s_c * p.folds_r + p.folds_r * p.folds_c * (p.t - 2));
}

i64 fold_fill_cycles(TimingMode mode, Dataflow dataflow, i64 r, i64 c, int rows, int cols) {
  switch (mode) {
    case TimingMode::standard:
      return 2 * r + c - 2;
    case TimingMode::scalesim:
      return dataflow_info(dataflow).scalesim_fill_rows * i64(rows) + cols - 2;
  }
  throw std::logic_error("fold_fill_cycles: unknown timing mode");
}

u64 fold_compute_cycles(const FoldPlan& p, int rows, int cols, Dataflow dataflow, TimingMode mode) {
  switch (mode) {
    case TimingMode::standard:
      return fold_compute_cycles(p, rows, cols);
    case TimingMode::scalesim:
      // every fold costs the full array; SCALE-Sim reports the last cycle's index
      return u(p.folds_r * p.folds_c * (fold_fill_cycles(mode, dataflow, 0, 0, rows, cols) + p.t)) -
             1;
  }
  throw std::logic_error("fold_compute_cycles: unknown timing mode");
}

bool block_resident(const Config& cfg, const FoldPlan& p, Blocked blocked, i64 block, i64 t_block) {
  const DataflowInfo& df = dataflow_info(p.dataflow);
  const double K = double(plan_extent(p, GemmDim::k));
  const WordBits& w = cfg.words;
  const i64 R = cfg.array.rows, C = cfg.array.cols;
  if (df.psums_buffered)  // partial sums, buffered at the array's width C
    return double(u(t_block == 0 ? p.t : t_block) * u(block * C) * u(w.psum)) <=
           half_sram_bits(cfg.memory.output_kib);
  // the column-edge operand's K x (block columns), or the row-edge operand's (block rows) x K
  if (blocked == Blocked::cols)
    return K * double(std::min(block * C, p.s_c)) * double(operand_bits(w, df.col_operand)) <=
           half_sram_bits(operand_sram_kib(cfg.memory, df.col_operand));
  return double(std::min(block * R, p.s_r)) * K * double(operand_bits(w, df.row_operand)) <=
         half_sram_bits(operand_sram_kib(cfg.memory, df.row_operand));
}

namespace {
// Largest v in [0, hi] with fits(v), for a monotone (true then false) fits; fits(0) is true.
template <typename F>
i64 largest_fitting(i64 hi, const F& fits) {
  i64 lo = 0;
  while (lo < hi) {
    const i64 mid = lo + (hi - lo + 1) / 2;
    if (fits(mid))
      lo = mid;
    else
      hi = mid - 1;
  }
  return lo;
}
}  // namespace

i64 largest_resident_block(const Config& cfg, const FoldPlan& p, Blocked blocked) {
  return largest_fitting(blocked == Blocked::cols ? p.folds_c : p.folds_r,
                         [&](i64 b) { return b == 0 || block_resident(cfg, p, blocked, b, 0); });
}

i64 largest_resident_t_block(const Config& cfg, const FoldPlan& p, i64 block) {
  return largest_fitting(
      p.t, [&](i64 t) { return t == 0 || block_resident(cfg, p, Blocked::cols, block, t); });
}

Mapping fixed_mapping(Dataflow dataflow, const FoldPlan& p) {
  Mapping m;
  m.blocked = Blocked::cols;
  m.block = dataflow_info(dataflow).fixed_block_all_cols ? p.folds_c : 1;
  return m;
}

TimingResult time_gemm(const Config& cfg, const GemmShape& g) {
  return time_gemm(cfg, g, Mapping{});
}

TimingResult time_gemm(const Config& cfg, const GemmShape& g, const Mapping& mapping) {
  if (g.m < 1 || g.n < 1 || g.k < 1)
    throw ConfigError(fmt::format("GEMM {}x{}x{}: dimensions must be >= 1", g.m, g.n, g.k));
  const i64 R = cfg.array.rows, C = cfg.array.cols;
  const WordBits& w = cfg.words;
  TimingResult res;
  res.plan = map_gemm(cfg.array.dataflow, g, cfg.array.rows, cfg.array.cols);
  const FoldPlan& pl = res.plan;
  const i64 FR = pl.folds_r, FC = pl.folds_c, T = pl.t;
  res.mapping = mapping.block == 0 ? fixed_mapping(cfg.array.dataflow, pl) : mapping;
  const Mapping& mp = res.mapping;
  const i64 f_blocked = mp.blocked == Blocked::cols ? FC : FR;
  const DataflowInfo& df = dataflow_info(cfg.array.dataflow);
  if (mp.block < 1 || mp.block > f_blocked || (!df.rows_blockable && mp.blocked != Blocked::cols) ||
      mp.t_block < 0 || mp.t_block > T || (!df.t_blockable && mp.t_block != 0))
    throw ConfigError(fmt::format("{}: mapping {} does not apply to GEMM {}x{}x{} ({} dataflow)",
                                  cfg.origin, describe(mp, cfg.array.dataflow), g.m, g.n, g.k,
                                  to_string(cfg.array.dataflow)));
  const i64 r_last = pl.s_r - (FR - 1) * R, c_last = pl.s_c - (FC - 1) * C;
  const double half_in = half_sram_bits(cfg.memory.input_kib);
  const double half_w = half_sram_bits(cfg.memory.weight_kib);
  const double half_out = half_sram_bits(cfg.memory.output_kib);
  const u64 M = u(g.m), N = u(g.n), K = u(g.k), MNK = M * N * K;
  TilePipeline p(cfg.memory.dram_bytes_per_cycle, cfg.memory.dram_latency_cycles);
  // SCALE-Sim reports the index of a layer's last cycle: one less than the count.
  i64 first_tile_offset = cfg.array.timing == TimingMode::scalesim ? -1 : 0;

  auto emit_chunks = [&](i64 n_t, i64 t_chunk, i64 t_len, i64 r, i64 c, auto&& io) {
    const i64 t_last = t_len - (n_t - 1) * t_chunk;
    const i64 fill = fold_fill_cycles(cfg.array.timing, cfg.array.dataflow, r, c, cfg.array.rows,
                                      cfg.array.cols);
    sequence(p, n_t, [&](bool first, bool last) {
      const i64 t = last ? t_last : t_chunk;
      Bits reads{}, writes{};
      io(first, last, t, reads, writes);
      p.tile(u(t + (first ? fill : 0) + first_tile_offset), reads, writes);
      first_tile_offset = 0;
    });
  };

  // Word widths and half-SRAMs of the operands at the row edge, the column edge and in the PEs.
  const int row_op = df.row_operand, col_op = df.col_operand, s_op = df.stationary;
  const u64 row_bits = operand_bits(w, row_op), col_bits = operand_bits(w, col_op);
  const u64 s_bits = operand_bits(w, s_op);
  const double half[operand_count] = {half_in, half_w, half_out};
  bool timed = false;
  switch (df.loop_order) {
    case LoopOrder::output_stationary: {
      // Loop order: blocks of the blocked fold loop, the other fold loop, the block's folds,
      // T-chunks (K) inner. Fixed mapping: one block of all column folds (row folds outer).
      const i64 t_chunk = chunk_size(half[row_op], double(R) * double(row_bits), half[col_op],
                                     double(C) * double(col_bits), T, cfg.origin);
      res.t_chunk = t_chunk;
      const i64 n_t = ceil_div(T, t_chunk);
      const bool cols_blocked = mp.blocked == Blocked::cols;
      const i64 f_blk = cols_blocked ? FC : FR, f_other = cols_blocked ? FR : FC;
      const i64 b = mp.block, n_blocks = ceil_div(f_blk, b), b_last = f_blk - (n_blocks - 1) * b;
      // The operand of the other loop's fold (the row edge's r x K when columns are blocked) stays
      // for the block's folds if it is one chunk; the blocked operand's block (B's K x block*C)
      // stays for the other loop if it fits half its SRAM.
      const bool other_resident = n_t == 1;
      const bool blk_resident = block_resident(cfg, pl, mp.blocked, b, 0);
      sequence(p, n_blocks, [&](bool, bool blast) {
        sequence(p, f_other, [&](bool ofirst, bool olast) {
          sequence(p, blast ? b_last : b, [&](bool jfirst, bool jlast) {
            const bool blk_last = blast && jlast;
            const i64 r = (cols_blocked ? olast : blk_last) ? r_last : R;
            const i64 c = (cols_blocked ? blk_last : olast) ? c_last : C;
            const bool fetch_other = !other_resident || jfirst;
            const bool fetch_blk = !blk_resident || ofirst;
            const bool fetch_row = cols_blocked ? fetch_other : fetch_blk;
            const bool fetch_col = cols_blocked ? fetch_blk : fetch_other;
            emit_chunks(n_t, t_chunk, T, r, c, [&](bool, bool klast, i64 t, Bits& rd, Bits& wr) {
              rd[row_op] = fetch_row ? u(r * t) * row_bits : 0;
              rd[col_op] = fetch_col ? u(t * c) * col_bits : 0;
              wr[s_op] = klast ? u(r * c) * s_bits : 0;
            });
          });
        });
      });
      res.sram_read_bits[row_op] = u(pl.s_r) * u(T) * u(FC) * row_bits;
      res.sram_read_bits[col_op] = u(T) * u(pl.s_c) * u(FR) * col_bits;
      res.sram_write_bits[s_op] = u(pl.s_r) * u(pl.s_c) * s_bits;
      res.pe_register_bits[row_op] = MNK * row_bits;
      res.pe_register_bits[col_op] = MNK * col_bits;
      res.pe_register_bits[s_op] = MNK * u(cfg.pe.acc_bits);
      timed = true;
      break;
    }
    case LoopOrder::operand_stationary: {
      // ws: B stationary, A streamed (T = M); is: A stationary, B streamed (T = N).
      // Loop order: T-blocks outer, blocks of column folds, row folds (K), the block's column
      // folds, so partial sums of a block accumulate across K folds; T-chunks innermost. Every
      // T-block runs all folds again (their fill, and the stationary words from DRAM unless all
      // of them fit half their SRAM). Fixed mapping: one T-block, blocks of one column fold.
      // The row edge streams the other operand (x); partial sums leave at the column edge.
      const int x_op = row_op;
      const u64 x_bits = row_bits;
      const double half_x = half[x_op], half_s = half[s_op];
      const i64 tb = mp.t_block == 0 ? T : mp.t_block;
      const i64 n_tb = ceil_div(T, tb), tb_last = T - (n_tb - 1) * tb;
      const i64 t_chunk =
          chunk_size(half_x, double(R) * x_bits, half_out, double(C) * w.psum, tb, cfg.origin);
      res.t_chunk = t_chunk;
      const i64 b = mp.block, n_blocks = ceil_div(FC, b), b_last = FC - (n_blocks - 1) * b;
      const bool s_resident = double(K * u(pl.s_c) * s_bits) <= half_s;
      sequence(p, n_tb, [&](bool tfirst, bool tlast) {
        const i64 t_len = tlast ? tb_last : tb;
        const i64 n_t = ceil_div(t_len, t_chunk);
        const bool x_resident = double(u(t_len) * K * x_bits) <= half_x;
        const bool x_block_resident = n_t == 1;  // a K fold's t_len x r block stays for the block
        const bool psum_resident = block_resident(cfg, pl, mp.blocked, b, t_len);
        const bool fetch_s = tfirst || !s_resident;
        sequence(p, n_blocks, [&](bool bfirst, bool blast) {
          sequence(p, FR, [&](bool ifirst, bool ilast) {
            const i64 r = ilast ? r_last : R;
            sequence(p, blast ? b_last : b, [&](bool jfirst, bool jlast) {
              const i64 c = blast && jlast ? c_last : C;
              const bool fetch_x = x_resident ? bfirst && jfirst : !x_block_resident || jfirst;
              emit_chunks(
                  n_t, t_chunk, t_len, r, c, [&](bool kfirst, bool, i64 t, Bits& rd, Bits& wr) {
                    rd[s_op] = kfirst && fetch_s ? u(r * c) * s_bits : 0;
                    rd[x_op] = fetch_x ? u(t * r) * x_bits : 0;
                    // partial sums at the column edge (col_operand is the output)
                    rd[operand::output] = (!psum_resident && !ifirst) ? u(t * c * w.psum) : 0;
                    wr[operand::output] =
                        ilast ? u(t * c * w.output) : (!psum_resident ? u(t * c * w.psum) : 0);
                  });
            });
          });
        });
      });
      const u64 S_rows = K, S_cols = u(pl.s_c);                       // stationary matrix K x S_C
      res.sram_read_bits[s_op] = S_rows * S_cols * s_bits * u(n_tb);  // into the PEs per T-block
      res.sram_read_bits[x_op] = u(T) * K * u(FC) * x_bits;
      res.psum_merges = M * N * u(FR - 1);
      res.sram_write_bits[operand::output] = M * N * (u(FR - 1) * u(w.psum) + u(w.output));
      res.sram_read_bits[operand::output] = res.psum_merges * u(w.psum);
      res.pe_register_bits[s_op] = S_rows * S_cols * s_bits * u(n_tb);
      res.pe_register_bits[x_op] = MNK * x_bits;
      res.pe_register_bits[operand::output] = MNK * u(w.psum);
      timed = true;
      break;
    }
  }
  if (!timed) throw std::logic_error("time_gemm: dataflow with an unknown loop order");

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
