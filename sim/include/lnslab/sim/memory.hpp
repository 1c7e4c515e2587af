#pragma once
// The memory side of the timing model: double-buffered tiles fed by one DRAM channel.
//
// Tiles are processed in order. Tile i needs `read_bits` from DRAM before its compute starts and
// leaves `write_bits` that go back to DRAM with the next transfer. With x_i the transfer time of
// slot i (latency + ceil(bits / (8 * bytes_per_cycle)), 0 when nothing moves; slot i carries tile
// i's reads and tile i-1's writes):
//
//   load_end[i]    = max(load_end[i-1], compute_end[i-2]) + x_i    (channel free, buffer half free)
//   compute_end[i] = max(compute_end[i-1], load_end[i]) + compute_i
//
// prologue = x_0 (the first load, which nothing can hide), epilogue = the last tile's write-back,
// stall = compute_end[last] - prologue - sum(compute_i), total = compute_end[last] + epilogue.
// The recurrence is max-plus, hence shift-invariant: `repeat` runs a block of tiles until the
// state relative to compute_end repeats, then adds the per-block increment for the remaining
// repetitions (exact, not an approximation), so huge layers cost a few dozen tile steps.
#include <array>
#include <cstdint>
#include <functional>

namespace lnslab::sim {

/// Operand indices used throughout the timing and energy model (operand::input etc.).
namespace operand {
enum : int { input = 0, weight = 1, output = 2 };
}
inline constexpr int operand_count = 3;

struct PipelineTotals {
  std::uint64_t compute = 0;   ///< sum of tile compute cycles
  std::uint64_t prologue = 0;  ///< first load
  std::uint64_t epilogue = 0;  ///< last write-back
  std::uint64_t stall = 0;     ///< cycles the array waited for data in between
  std::uint64_t total = 0;     ///< prologue + compute + stall + epilogue
  std::uint64_t tiles = 0;
  std::array<std::uint64_t, operand_count> dram_read_bits{};
  std::array<std::uint64_t, operand_count> dram_write_bits{};
};

class TilePipeline {
 public:
  TilePipeline(double dram_bytes_per_cycle, std::uint64_t dram_latency_cycles);

  /// One tile: compute cycles, bits read from DRAM per operand before it, bits written after it.
  void tile(std::uint64_t compute, const std::array<std::uint64_t, operand_count>& read_bits,
            const std::array<std::uint64_t, operand_count>& write_bits);
  /// Runs `block` (which issues tiles, possibly through nested repeats) `times` times; exact.
  void repeat(std::int64_t times, const std::function<void()>& block);
  /// Flushes the pending write-back and returns the totals.
  PipelineTotals finish();

  std::uint64_t transfer_cycles(std::uint64_t bits) const;

 private:
  struct State {
    std::uint64_t load_end = 0, c1 = 0, c2 = 0;  // load end; compute end of last and previous tile
    std::uint64_t pending_bits = 0;              // writes waiting for the next transfer slot
    std::array<std::uint64_t, operand_count> pending{};
    bool started = false;
    PipelineTotals totals;
  };
  static bool same_relative(const State& a, const State& b);
  static void advance(State& s, const State& before, const State& after, std::uint64_t times);

  double bytes_per_cycle_;
  std::uint64_t latency_;
  State s_;
};

}  // namespace lnslab::sim
