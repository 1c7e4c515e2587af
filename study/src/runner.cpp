#include "lnslab/study/runner.hpp"

#include "lnslab/util/files.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

extern char** environ;

namespace lnslab::study {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

bool is_cached(const fs::path& dir, const nlohmann::json& args) {
  if (!fs::exists(dir / "run.json") || !fs::exists(dir / "args.json")) return false;
  try {
    return nlohmann::json::parse(util::read_file(dir / "args.json")) == args;
  } catch (const std::exception&) {
    return false;
  }
}

}  // namespace

long LocalProcessLauncher::start(const RunSpec& run, const fs::path& dir) {
  std::vector<std::string> args{lnslab_.string(), "train"};
  args.insert(args.end(), run.train_args.begin(), run.train_args.end());
  args.push_back("--out");
  args.push_back(dir.string());
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  const std::string log = (dir / "log.txt").string();
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, lnslab_.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw StudyError("cannot start " + lnslab_.string() + " for run " + run.id);
  return static_cast<long>(pid);
}

RunLauncher::Finished LocalProcessLauncher::wait_any() {
  int status = 0;
  const pid_t pid = waitpid(-1, &status, 0);
  if (pid < 0) return {};
  return {static_cast<long>(pid), WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)};
}

fs::path run_dir(const fs::path& out, const RunSpec& run) {
  return out / "runs" / run.id;
}

std::string format_plan(const Study& study, const fs::path& out) {
  std::string s;
  int cached = 0;
  for (const RunSpec& run : study.runs) {
    const bool done = is_cached(run_dir(out, run), nlohmann::json(run.train_args));
    cached += done ? 1 : 0;
    s += run.id + (done ? " cached " : " to-run ") + "lnslab train";
    for (const auto& a : run.train_args) s += " " + a;
    s += "\n";
  }
  s += std::to_string(study.runs.size()) + " runs (" + std::to_string(cached) + " cached in " +
       (out / "runs").string() + ")\n";
  return s;
}

std::vector<RunOutcome> run_grid(const Study& study, const fs::path& out, RunLauncher& launcher,
                                 int jobs, const std::function<void(const Progress&)>& progress) {
  std::vector<RunOutcome> outcomes(study.runs.size());
  std::vector<std::size_t> queue;
  Progress p;
  for (std::size_t i = 0; i < study.runs.size(); ++i) {
    const RunSpec& run = study.runs[i];
    outcomes[i].id = run.id;
    const fs::path dir = run_dir(out, run);
    if (is_cached(dir, nlohmann::json(run.train_args))) {
      outcomes[i].cached = outcomes[i].ok = true;
      ++p.done;
    } else {
      queue.push_back(i);
    }
  }
  std::stable_sort(queue.begin(), queue.end(), [&](std::size_t a, std::size_t b) {
    return study.runs[a].expected_cost > study.runs[b].expected_cost;
  });
  p.left = static_cast<int>(queue.size());
  p.last = p.done > 0 ? std::to_string(p.done) + " runs already done (cached in " +
                            (out / "runs").string() + ")"
                      : "starting";
  if (progress) progress(p);

  std::map<long, std::pair<std::size_t, Clock::time_point>> running;
  double finished_seconds = 0.0;
  int finished = 0;
  std::size_t next = 0;
  while (next < queue.size() || !running.empty()) {
    while (next < queue.size() && static_cast<int>(running.size()) < std::max(1, jobs)) {
      const std::size_t i = queue[next++];
      const fs::path dir = run_dir(out, study.runs[i]);
      fs::create_directories(dir);
      fs::remove(dir / "args.json");
      running[launcher.start(study.runs[i], dir)] = {i, Clock::now()};
      --p.left;
      ++p.running;
    }
    const RunLauncher::Finished f = launcher.wait_any();
    if (f.handle < 0) break;
    auto it = running.find(f.handle);
    if (it == running.end()) continue;
    const auto [i, t0] = it->second;
    running.erase(it);
    RunOutcome& o = outcomes[i];
    o.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
    o.exit_code = f.exit_code;
    const fs::path dir = run_dir(out, study.runs[i]);
    o.ok = o.exit_code == 0 && fs::exists(dir / "run.json");
    if (o.ok) {
      util::write_file_atomically(dir / "args.json",
                                  nlohmann::json(study.runs[i].train_args).dump() + "\n");
    }
    ++p.done;
    --p.running;
    ++finished;
    finished_seconds += o.seconds;
    // ETA: mean run time so far, the runs left and running shared over the job slots.
    const double mean = finished_seconds / finished;
    p.eta_seconds = mean * (p.left + 0.5 * p.running) / std::max(1, jobs);
    p.last = (o.ok ? "finished "
                   : "FAILED (exit " + std::to_string(o.exit_code) + ", see " +
                         (dir / "log.txt").string() + ") ") +
             study.runs[i].id + " in " + std::to_string(static_cast<int>(o.seconds)) + " s";
    if (progress) progress(p);
  }
  return outcomes;
}

}  // namespace lnslab::study
