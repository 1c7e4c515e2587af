#pragma once
// One MPI session per process (MPI_Init on construction, MPI_Finalize on destruction, also when
// an error unwinds), errors returned rather than aborting, and the collectives lnslab needs.
#include <span>
#include <string>

#include "lnslab/nn/micro_batches.hpp"

namespace lnslab::dist {

class Session {
 public:
  Session();
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  /// Rank 0's `text` on every rank (others pass anything).
  std::string broadcast(const std::string& text) const;
  /// Every rank calls it together: prints `line` on stderr, finalizes and exits with `code`. Each
  /// rank's line is out before any rank exits (mpirun ends the whole job at the first rank that
  /// exits non-zero).
  [[noreturn]] void exit_together(int code, const std::string& line);
  /// Ends every rank of the job at once (after an internal error on a rank others wait for).
  [[noreturn]] void abort(int code) const;

 private:
  int rank_ = 0;
  int size_ = 1;
};

/// The ranks of the session sharing each training step's micro-batches (nn/micro_batches.hpp).
class RankGroup final : public nn::MicroBatchGroup {
 public:
  explicit RankGroup(const Session& s) : session_(s) {}
  int rank() const override { return session_.rank(); }
  int size() const override { return session_.size(); }
  void all_gather(std::span<const std::byte> mine, std::span<std::byte> all) override;
  void all_sum(std::span<double> values) override;

 private:
  const Session& session_;
};

}  // namespace lnslab::dist
