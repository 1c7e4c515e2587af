#pragma once
// A study over MPI ranks without a shared file system: rank 0 runs the grid (study::run_grid)
// through RankLauncher, which hands each run to a free worker rank; a worker (serve_runs) runs
// `lnslab train` as a local process in a scratch directory of its own and sends the finished
// run's files back; rank 0 writes them into the run's directory under --out.
//
// A worker that says nothing for `rank_timeout` seconds (it sends a word every second while its
// run goes on) is taken as lost: its run fails (log.txt says so) and it gets no further run.
// That needs `mpirun --enable-recovery`; without it Open MPI ends the whole job when a rank dies.
// The runs already written are kept either way and a re-run of the study redoes only the others.
#include <chrono>
#include <deque>
#include <filesystem>
#include <string>
#include <vector>

#include "lnslab/dist/session.hpp"
#include "lnslab/study/runner.hpp"

namespace lnslab::dist {

class RankLauncher final : public study::RunLauncher {
 public:
  /// On rank 0 of `session`; ranks 1..size-1 run serve_runs.
  RankLauncher(const Session& session, double rank_timeout_seconds);
  /// Handle: the worker's rank. Waits for a free worker when every live one is busy.
  long start(const study::RunSpec& run, const std::filesystem::path& dir) override;
  Finished wait_any() override;
  /// Ends serve_runs on every worker not taken as lost.
  void stop_workers();
  int workers() const { return static_cast<int>(workers_.size()) - 1; }
  /// Workers taken as lost (MPI_Finalize would wait for them forever: end the job instead).
  int lost() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct Worker {
    bool lost = false;
    bool busy = false;
    std::filesystem::path dir;  ///< of its run
    std::string run_id;
    Clock::time_point last_word;
  };
  /// Handles one message, or one lost worker; returns true when a run ended (into finished_).
  bool poll();
  void receive_result(int rank, int bytes);
  const Session& session_;
  double timeout_;
  std::vector<Worker> workers_;  ///< by rank; [0] unused
  std::deque<Finished> finished_;
};

/// A worker rank's loop: runs what rank 0 sends with `lnslab` (this executable) until told to
/// stop. Scratch directories go under $TMPDIR (default /tmp) and are removed after each run.
void serve_runs(const Session& session, const std::filesystem::path& lnslab);

}  // namespace lnslab::dist
