#pragma once
// Micro-batches: a step's batch of n samples split into S fixed parts, each part's gradient
// computed on its own and the step's gradient their weighted sum in micro-batch order, so that
// the bits of a run depend on S but not on how many processes share the parts.
//
//   part k (0 <= k < S) holds samples [offset_k, offset_k + size_k) of the batch, the first
//   n % S parts one sample more than the others (a part may be empty when n < S);
//   gradient = sum over k, in order, of (size_k / n) * gradient_k  (the batch mean of the loss);
//   loss and accuracy: sums over the parts' samples, as without micro-batches;
//   batch norm: each part normalises with its own statistics (as a batch of size_k would); the
//   running statistics move once per step, to the mean over non-empty parts, in order, of what
//   each part's forward pass would have made them.
#include <cstddef>
#include <span>

namespace lnslab::nn {

struct MicroBatch {
  std::size_t offset = 0;  ///< first sample, within the batch
  std::size_t size = 0;    ///< samples (0 when the batch is smaller than the part count)
};

/// Part `k` of `parts` of a batch of `n` samples.
MicroBatch micro_batch(std::size_t n, int parts, int k);

/// The processes that share a step's micro-batches: process `rank()` of `size()` computes parts
/// [rank * S / size, (rank + 1) * S / size) (size divides S), and all_gather hands every process
/// every part's result.
class MicroBatchGroup {
 public:
  virtual ~MicroBatchGroup() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  /// `mine`: this process's parts' blocks, the same byte count on every process; `all`: size()
  /// times that, in process order (hence in part order). Called by every process at once.
  virtual void all_gather(std::span<const std::byte> mine, std::span<std::byte> all) = 0;
  /// Replaces each value by its sum over the processes, added in process order.
  virtual void all_sum(std::span<double> values) = 0;
};

/// One process computing every part.
class SingleProcess final : public MicroBatchGroup {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void all_gather(std::span<const std::byte> mine, std::span<std::byte> all) override;
  void all_sum(std::span<double>) override {}
};

}  // namespace lnslab::nn
