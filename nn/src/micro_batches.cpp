#include "lnslab/nn/micro_batches.hpp"

#include <algorithm>

namespace lnslab::nn {

MicroBatch micro_batch(std::size_t n, int parts, int k) {
  const auto s = static_cast<std::size_t>(parts);
  const auto i = static_cast<std::size_t>(k);
  const std::size_t base = n / s, extra = n % s;
  return {i * base + std::min(i, extra), base + (i < extra ? 1 : 0)};
}

void SingleProcess::all_gather(std::span<const std::byte> mine, std::span<std::byte> all) {
  std::copy(mine.begin(), mine.end(), all.begin());
}

}  // namespace lnslab::nn
