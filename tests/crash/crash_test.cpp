// kill -9 during `lnslab train` and `lnslab study`, then resume:
// - after every kill, each output file is absent or complete (atomic replace), never half-written;
// - a resumed training ends bit-identical to an uninterrupted one (parameters, optimizer and
//   schedule state, every epoch's losses and accuracies; only the timings differ);
// - a resumed study redoes exactly the runs that had not finished and then writes its report.
// Failed writes: past a file-size limit (RLIMIT_FSIZE) and into a path that cannot be a
// directory, `lnslab train` exits 2 with a message naming the file and leaves the previous outputs
// byte for byte. Usage: crash_test LNSLAB TRAIN_KILLS STUDY_KILLS
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "lnslab/nn/checkpoint.hpp"
#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/errors.hpp"
#include "lnslab/nn/trainer.hpp"

namespace fs = std::filesystem;
using namespace lnslab;

namespace {

const std::string strace = "/usr/bin/strace";
int failures = 0;
void check(bool ok, const std::string& what) {
  if (!ok) {
    std::printf("FAIL: %s\n", what.c_str());
    ++failures;
  }
}

std::optional<std::string> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Starts args[0] with the rest as arguments in a process group of its own (so a kill reaches
// the study's training processes too), output to `log`. `fsize` > 0 sets RLIMIT_FSIZE first.
pid_t spawn(const std::vector<std::string>& args, const fs::path& log, rlim_t fsize = 0) {
  std::vector<std::string> a = args;
  std::vector<char*> argv;
  for (auto& s : a) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);  // else the child's stdout buffer repeats what this process printed
  const pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    std::FILE* out = std::freopen(log.c_str(), "w", stdout);
    if (out != nullptr) dup2(fileno(stdout), 2);
    if (fsize > 0) {
      const rlimit lim{fsize, fsize};
      setrlimit(RLIMIT_FSIZE, &lim);
    }
    execv(argv[0], argv.data());
    _exit(127);
  }
  setpgid(pid, pid);
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int run(const std::vector<std::string>& args, const fs::path& log, rlim_t fsize = 0) {
  return wait_exit(spawn(args, log, fsize));
}

double seconds_of(const std::vector<std::string>& args, const fs::path& log) {
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = run(args, log);
  check(rc == 0, "uninterrupted " + args[1] + " exits 0 (see " + log.string() + ")");
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Starts the command, kills its process group with SIGKILL after `delay` seconds.
void kill_after(const std::vector<std::string>& args, const fs::path& log, double delay) {
  const pid_t pid = spawn(args, log);
  std::this_thread::sleep_for(std::chrono::duration<double>(delay));
  kill(-pid, SIGKILL);
  wait_exit(pid);
}

// ---- training --------------------------------------------------------------------------------

// A checkpoint as `lnslab train --data synthetic` would restore it, or nullopt when the file is
// absent. Anything else (truncated, corrupt) is a failure.
std::optional<int> checkpoint_epochs(const fs::path& file, const std::string& where) {
  const auto bytes = read_file(file);
  if (!bytes) return std::nullopt;
  try {
    const nn::TrainConfig c = nn::Trainer::checkpoint_config(*bytes);
    const nn::Shape shape{1, 16, 16};
    nn::Trainer t(c, nn::make_synthetic(16, shape, 10, 1, 2),
                  nn::make_synthetic(16, shape, 10, 1, 3));
    t.restore(*bytes);  // validates container, checksum and every section
    return t.completed_epochs();
  } catch (const std::exception& e) {
    check(false, where + ": checkpoint is not complete: " + e.what());
    return -1;
  }
}

// run.json and metrics.csv are absent or complete; returns run.json's completed epochs (-1 absent).
int records_epochs(const fs::path& dir, const std::string& where) {
  int completed = -1;
  if (const auto text = read_file(dir / "run.json")) {
    try {
      completed = nlohmann::json::parse(*text).at("completed_epochs").get<int>();
    } catch (const std::exception& e) {
      check(false, where + ": run.json is not complete: " + e.what());
    }
  }
  if (const auto csv = read_file(dir / "metrics.csv")) {
    const auto lines = std::count(csv->begin(), csv->end(), '\n');
    check(!csv->empty() && csv->back() == '\n' && lines >= 2,
          where + ": metrics.csv is not complete");
  }
  return completed;
}

// The state of a finished run: its checkpoint restored, and run.json without timings.
struct Final {
  std::string payload_before_history;
  std::vector<std::vector<std::uint64_t>> epochs;  // each epoch record but its timings, as bits
  nlohmann::json record;
};

Final final_state(const fs::path& dir) {
  Final f;
  const std::string bytes = read_file(dir / "checkpoint.lnsck").value_or("");
  const nn::TrainConfig c = nn::Trainer::checkpoint_config(bytes);
  const nn::Shape shape{1, 16, 16};
  nn::Trainer t(c, nn::make_synthetic(16, shape, 10, 1, 2),
                nn::make_synthetic(16, shape, 10, 1, 3));
  t.restore(bytes);
  // The payload ends with the history (u64 count, then per epoch u32, string, 9 doubles); the
  // bytes before it hold parameters, optimizer and schedule state and must match exactly.
  std::size_t history = 8;
  for (const nn::EpochRecord& r : t.history()) {
    history += 4 + 8 + r.lr_note.size() + 9 * 8;
    // Bit patterns: without validation the val fields are NaN, which never compares equal.
    std::vector<std::uint64_t> bits;
    for (const double v : {static_cast<double>(r.epoch), r.lr, r.train_loss, r.train_accuracy,
                           r.val_loss, r.val_accuracy, r.test_loss, r.test_accuracy}) {
      std::uint64_t b = 0;
      std::memcpy(&b, &v, sizeof b);
      bits.push_back(b);
    }
    f.epochs.push_back(bits);
  }
  const std::string_view payload = nn::unpack_checkpoint(bytes);
  f.payload_before_history = std::string(payload.substr(0, payload.size() - history));
  f.record = nlohmann::json::parse(read_file(dir / "run.json").value_or("{}"));
  f.record.erase("wall_seconds_this_invocation");
  for (auto& e : f.record["epochs"]) {
    e.erase("seconds");
    e.erase("images_per_second");
  }
  return f;
}

void train_kills(const std::string& lnslab, const fs::path& work, int kills) {
  const int epochs = 8;
  auto args = [&](const fs::path& out) {
    return std::vector<std::string>{
        lnslab,          "train",     "--data",       "synthetic",
        "--widths",      "96",        "--batch",      "32",
        "--train-limit", "128",       "--test-limit", "64",
        "--optimizer",   "adam",      "--seed",       "7",
        "--schedule",    "step=4",    "--epochs",     std::to_string(epochs),
        "--out",         out.string()};
  };
  const double total = seconds_of(args(work / "train-ref"), work / "train-ref.log");
  const Final ref = final_state(work / "train-ref");
  // With strace, SIGKILL is injected at the entry of the n-th write(2) of the process, so the
  // kills land inside the writes of the outputs (and their renames: the writes are followed by
  // them); the n are spread over every write of a run. Without strace: at times spread over the
  // run, which rarely hits a write.
  const bool traced = fs::exists(strace);
  long writes = 0;
  if (traced) {
    const fs::path trace = work / "train-writes.txt";
    std::vector<std::string> a = {strace, "-f", "-qq", "-e", "trace=write", "-o", trace.string()};
    const auto base = args(work / "train-count");
    a.insert(a.end(), base.begin(), base.end());
    check(run(a, work / "train-count.log") == 0, "traced run exits 0");
    const std::string t = read_file(trace).value_or("");
    writes = std::count(t.begin(), t.end(), '\n');
  }
  int resumed = 0;
  for (int k = 0; k < kills; ++k) {
    const fs::path dir = work / ("train-" + std::to_string(k));
    const std::string where = "train kill " + std::to_string(k);
    if (traced) {
      const long n = 1 + (writes - 1) * k / std::max(1, kills - 1);
      std::vector<std::string> a = {
          strace,        "-f",        "-qq",
          "-o",          "/dev/null", "-e",
          "trace=write", "-e",        "inject=write:signal=SIGKILL:when=" + std::to_string(n)};
      const auto base = args(dir);
      a.insert(a.end(), base.begin(), base.end());
      run(a, work / "train-kill.log");
    } else {
      kill_after(args(dir), work / "train-kill.log", total * (k + 0.5) / kills);
    }
    const std::optional<int> done = checkpoint_epochs(dir / "checkpoint.lnsck", where);
    const int recorded = records_epochs(dir, where);
    if (done && *done >= 0)
      check(recorded >= *done, where + ": run.json older than the checkpoint");
    int rc = 0;
    if (!done) {
      rc = run(args(dir), work / "train-resume.log");
    } else if (*done < epochs) {
      ++resumed;
      rc = run({lnslab, "train", "--resume", (dir / "checkpoint.lnsck").string(), "--epochs",
                std::to_string(epochs), "--out", dir.string()},
               work / "train-resume.log");
    }
    check(rc == 0, where + ": resume exits 0");
    if (rc != 0 || failures > 0) continue;
    const Final got = final_state(dir);
    check(got.payload_before_history == ref.payload_before_history,
          where + ": resumed parameters/optimizer state differ from the uninterrupted run");
    check(got.epochs == ref.epochs, where + ": resumed epoch records differ");
    check(got.record == ref.record, where + ": resumed run.json differs (timings aside)");
    fs::remove_all(dir);
  }
  const std::string how =
      traced ? "at writes spread over the run's " + std::to_string(writes) : "at timed points";
  std::printf("train: %d kills %s over a %.2f s run, %d resumed from a checkpoint\n", kills,
              how.c_str(), total, resumed);
  check(resumed > 0, "some kills fell after a checkpoint (else resuming went untested)");
}

// ---- failed writes ---------------------------------------------------------------------------

void failed_writes(const std::string& lnslab, const fs::path& work) {
  const fs::path dir = work / "writes";
  const std::vector<std::string> base = {lnslab,          "train", "--data",   "synthetic",
                                         "--widths",      "96",    "--epochs", "1",
                                         "--train-limit", "128",   "--out",    dir.string()};
  check(run(base, work / "writes.log") == 0, "first run writes its outputs");
  std::map<std::string, std::string> before;
  for (const char* f : {"checkpoint.lnsck", "metrics.csv", "run.json"})
    before[f] = read_file(dir / f).value_or("");
  // The checkpoint is over 100 KB: a 16 KB file-size limit fails its write.
  std::vector<std::string> again = base;
  again.insert(again.end(), {"--seed", "9"});
  const int rc = run(again, work / "writes-fsize.log", 16 * 1024);
  const std::string log = read_file(work / "writes-fsize.log").value_or("");
  check(rc == 2, "write past RLIMIT_FSIZE exits 2 (got " + std::to_string(rc) + ")");
  check(
      log.find("cannot write") != std::string::npos && log.find(dir.string()) != std::string::npos,
      "write past RLIMIT_FSIZE names the file: " + log.substr(0, 300));
  for (const auto& [f, bytes] : before)
    check(read_file(dir / f).value_or("") == bytes, "previous " + f + " kept after a failed write");
  for (const auto& e : fs::directory_iterator(dir))
    check(e.path().extension() != ".tmp", "no temporary file left: " + e.path().string());
  // --out below a regular file cannot be created.
  std::vector<std::string> blocked = base;
  blocked.back() = (dir / "run.json" / "sub").string();
  check(run(blocked, work / "writes-blocked.log") == 2, "--out that cannot be a directory exits 2");
  check(read_file(work / "writes-blocked.log").value_or("").find("--out") != std::string::npos,
        "the message names --out");
}

// ---- study -----------------------------------------------------------------------------------

struct RunState {
  bool finished = false;
  std::string record;
};

std::map<std::string, RunState> study_runs(const fs::path& out) {
  std::map<std::string, RunState> runs;
  if (!fs::exists(out / "runs")) return runs;
  for (const auto& e : fs::directory_iterator(out / "runs")) {
    RunState s;
    const auto args = read_file(e.path() / "args.json");
    const auto record = read_file(e.path() / "run.json");
    // Finished: the runner writes args.json after the run's own outputs.
    if (args && record && nlohmann::json::accept(*args)) {
      s.finished = true;
      s.record = *record;
    }
    runs[e.path().filename().string()] = s;
  }
  return runs;
}

void study_kills(const std::string& lnslab, const fs::path& work, int kills) {
  const fs::path configs = fs::path(LNSLAB_SOURCE_DIR) / "configs";
  const fs::path file = work / "crash.toml";
  std::ofstream(file) << "name = \"crash\"\ndata = \"synthetic\"\nmodels = [\"mlp\"]\n"
                      << "seeds = [1, 2, 3]\nepochs = 1\nbatch = 64\ntrain_limit = 256\n"
                      << "test_limit = 64\naccelerators = [\""
                      << (configs / "accelerators/fp32.toml").string() << "\", \""
                      << (configs / "accelerators/lns8.toml").string() << "\"]\n"
                      << "[topologies]\nmlp = \"" << (configs / "topologies/mlp.csv").string()
                      << "\"\n[[runs]]\nlabel = \"FP32 Adam\"\noptimizer = \"adam\"\n"
                      << "[[runs]]\nlabel = \"LNS Madam\"\noptimizer = \"lns-madam\"\n"
                      << "formats = [\"lns8:eta0=0.016\"]\nlr = 0.016\n";
  auto args = [&](const fs::path& out) {
    return std::vector<std::string>{lnslab,   "study", file.string(), "--out", out.string(),
                                    "--jobs", "2"};
  };
  const double total = seconds_of(args(work / "study-ref"), work / "study-ref.log");
  const std::size_t all_runs = study_runs(work / "study-ref").size();
  int partial = 0;
  for (int k = 0; k < kills; ++k) {
    const fs::path out = work / ("study-" + std::to_string(k));
    const std::string where = "study kill " + std::to_string(k);
    kill_after(args(out), work / "study-kill.log", total * (k + 0.5) / kills);
    const auto before = study_runs(out);
    int finished = 0;
    for (const auto& [id, s] : before) {
      finished += s.finished;
      if (s.finished)
        check(nlohmann::json::accept(s.record), where + ": " + id + "/run.json complete");
    }
    for (const char* f : {"results.json"})
      if (const auto text = read_file(out / f))
        check(nlohmann::json::accept(*text), where + ": " + f + " complete");
    partial += finished > 0 && finished < static_cast<int>(all_runs);
    check(run(args(out), work / "study-resume.log") == 0, where + ": resumed study exits 0");
    const auto after = study_runs(out);
    check(after.size() == all_runs, where + ": every run present after resuming");
    for (const auto& [id, s] : after) {
      check(s.finished, where + ": " + id + " finished after resuming");
      const auto b = before.find(id);
      if (b != before.end() && b->second.finished)
        check(s.record == b->second.record, where + ": finished run " + id + " was redone");
    }
    const std::string log = read_file(work / "study-resume.log").value_or("");
    if (finished > 0)
      check(log.find(std::to_string(finished) + " runs already done") != std::string::npos,
            where + ": the resumed study reports the finished runs as cached");
    check(nlohmann::json::accept(read_file(out / "results.json").value_or("")),
          where + ": results.json written");
    check(fs::exists(out / "report.md"), where + ": report.md written");
    fs::remove_all(out);
  }
  std::printf("study: %d kills over a %.2f s study of %zu runs, %d with some runs finished\n",
              kills, total, all_runs, partial);
  check(partial > 0, "some kills fell between runs (else caching went untested)");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: crash_test LNSLAB TRAIN_KILLS STUDY_KILLS\n");
    return 2;
  }
  const std::string lnslab = fs::absolute(argv[1]).string();
  char tmpl[] = "/tmp/lnslab-crash-XXXXXX";
  const fs::path work = mkdtemp(tmpl);
  train_kills(lnslab, work, std::stoi(argv[2]));
  failed_writes(lnslab, work);
  study_kills(lnslab, work, std::stoi(argv[3]));
  if (failures == 0)
    fs::remove_all(work);
  else
    std::printf("outputs kept in %s\n", work.c_str());
  std::printf(failures == 0 ? "all crash checks passed\n" : "%d crash checks failed\n", failures);
  return failures == 0 ? 0 : 1;
}
