#pragma once
// Runs the grid: each run writes OUT/runs/<id>/ (run.json, metrics.csv, checkpoint, log.txt),
// started by a RunLauncher (a local `lnslab train` process by default). A run whose run.json exists
// with the same arguments (OUT/runs/<id>/args.json) is skipped, so a re-run resumes a study and a
// crash loses only the runs in flight. Up to `jobs` processes run at once.
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "lnslab/study/spec.hpp"

namespace lnslab::study {

struct RunOutcome {
  std::string id;
  bool cached = false;  ///< skipped: finished by an earlier invocation
  bool ok = false;
  int exit_code = 0;
  double seconds = 0.0;
};

struct Progress {
  int done = 0;
  int running = 0;
  int left = 0;
  double eta_seconds = -1.0;  ///< -1 until one run has finished in this invocation
  std::string last;           ///< a line about the event
};

/// How runs are started and awaited: the grid logic (caching, order, progress) knows no more.
/// Local processes today; another launcher (e.g. MPI ranks) implements the same two calls.
class RunLauncher {
 public:
  virtual ~RunLauncher() = default;
  /// Starts `run`, writing its record into `dir`; returns a handle unique among running runs.
  virtual long start(const RunSpec& run, const std::filesystem::path& dir) = 0;
  struct Finished {
    long handle = -1;
    int exit_code = 0;  ///< 128 + signal for a killed run
  };
  /// Waits until one started run ends (handle -1 when none is running).
  virtual Finished wait_any() = 0;
};

/// Runs `lnslab train ARGS --out DIR` as a local process, stdout and stderr in DIR/log.txt.
class LocalProcessLauncher final : public RunLauncher {
 public:
  explicit LocalProcessLauncher(std::filesystem::path lnslab) : lnslab_(std::move(lnslab)) {}
  long start(const RunSpec& run, const std::filesystem::path& dir) override;
  Finished wait_any() override;

 private:
  std::filesystem::path lnslab_;
};

/// Runs the grid with up to `jobs` runs at once through `launcher`. Returns one outcome per run,
/// in order.
std::vector<RunOutcome> run_grid(const Study& study, const std::filesystem::path& out,
                                 RunLauncher& launcher, int jobs,
                                 const std::function<void(const Progress&)>& progress);

/// OUT/runs/<id>
std::filesystem::path run_dir(const std::filesystem::path& out, const RunSpec& run);

/// The grid without running it: per run its id, "cached" when OUT already holds its result
/// (run_grid would skip it) or "to run", and the `lnslab train` arguments run_grid passes
/// (before its `--out OUT/runs/<id>`). One line per run, then a count.
std::string format_plan(const Study& study, const std::filesystem::path& out);

}  // namespace lnslab::study
