// The double-buffered tile pipeline over one DRAM channel (see memory.hpp for the recurrence).
#include "lnslab/sim/memory.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace lnslab::sim {

TilePipeline::TilePipeline(double dram_bytes_per_cycle, std::uint64_t dram_latency_cycles)
    : bytes_per_cycle_(dram_bytes_per_cycle), latency_(dram_latency_cycles) {
  if (!(bytes_per_cycle_ > 0)) throw std::invalid_argument("DRAM bandwidth must be > 0");
}

std::uint64_t TilePipeline::transfer_cycles(std::uint64_t bits) const {
  if (bits == 0) return 0;
  const double cycles = std::ceil(static_cast<double>(bits) / (8.0 * bytes_per_cycle_));
  return latency_ + static_cast<std::uint64_t>(cycles);
}

void TilePipeline::tile(std::uint64_t compute,
                        const std::array<std::uint64_t, operand_count>& read_bits,
                        const std::array<std::uint64_t, operand_count>& write_bits) {
  std::uint64_t bits = s_.pending_bits;
  for (int i = 0; i < operand_count; ++i) {
    bits += read_bits[i];
    s_.totals.dram_read_bits[i] += read_bits[i];
    s_.totals.dram_write_bits[i] += s_.pending[i];
  }
  const std::uint64_t x = transfer_cycles(bits);
  s_.load_end = std::max(s_.load_end, s_.c2) + x;
  if (!s_.started) {
    s_.started = true;
    s_.totals.prologue = x;
  }
  const std::uint64_t start = std::max(s_.c1, s_.load_end);
  s_.c2 = s_.c1;
  s_.c1 = start + compute;
  s_.totals.compute += compute;
  s_.totals.tiles += 1;
  s_.pending = write_bits;
  s_.pending_bits = 0;
  for (auto b : write_bits) s_.pending_bits += b;
}

bool TilePipeline::same_relative(const State& a, const State& b) {
  return a.started == b.started && a.pending == b.pending &&
         a.c1 - a.load_end == b.c1 - b.load_end && a.c1 - a.c2 == b.c1 - b.c2 &&
         a.c1 >= a.load_end && b.c1 >= b.load_end;
}

void TilePipeline::advance(State& s, const State& before, const State& after, std::uint64_t times) {
  const std::uint64_t dt = after.c1 - before.c1;
  s.load_end += dt * times;
  s.c1 += dt * times;
  s.c2 += dt * times;
  auto& t = s.totals;
  const auto& a = after.totals;
  const auto& b = before.totals;
  t.compute += (a.compute - b.compute) * times;
  t.tiles += (a.tiles - b.tiles) * times;
  for (int i = 0; i < operand_count; ++i) {
    t.dram_read_bits[i] += (a.dram_read_bits[i] - b.dram_read_bits[i]) * times;
    t.dram_write_bits[i] += (a.dram_write_bits[i] - b.dram_write_bits[i]) * times;
  }
}

void TilePipeline::repeat(std::int64_t times, const std::function<void()>& block) {
  for (std::int64_t i = 0; i < times; ++i) {
    const State before = s_;
    block();
    const std::int64_t remaining = times - i - 1;
    if (remaining > 0 && same_relative(before, s_)) {
      // The state relative to the last compute end repeats: every further repetition adds the
      // same increments (the recurrence is shift-invariant).
      const State after = s_;
      advance(s_, before, after, static_cast<std::uint64_t>(remaining));
      return;
    }
  }
}

PipelineTotals TilePipeline::finish() {
  PipelineTotals t = s_.totals;
  for (int i = 0; i < operand_count; ++i) t.dram_write_bits[i] += s_.pending[i];
  t.epilogue = transfer_cycles(s_.pending_bits);
  t.total = s_.c1 + t.epilogue;
  t.stall = s_.c1 - t.prologue - t.compute;
  return t;
}

}  // namespace lnslab::sim
