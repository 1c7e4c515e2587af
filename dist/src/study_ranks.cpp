#include "lnslab/dist/study_ranks.hpp"

#include <fcntl.h>
#include <mpi.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include <fmt/format.h>

#include "lnslab/nn/serialize.hpp"
#include "lnslab/util/files.hpp"

extern char** environ;

namespace lnslab::dist {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Message tags between rank 0 and a worker.
enum Tag : int {
  run_tag = 1,  ///< 0 -> worker: {"id", "args"} as JSON
  stop_tag,     ///< 0 -> worker: no more runs
  alive_tag,    ///< worker -> 0: its run goes on (every second)
  result_tag,   ///< worker -> 0: exit code and the run's files
};

constexpr auto word_interval = 1s;

// The run's files: name -> bytes (a run directory is flat: run.json, metrics.csv, ...).
std::string pack_result(int exit_code, const std::map<std::string, std::string>& files) {
  nn::StateWriter w;
  w.u32(static_cast<std::uint32_t>(exit_code));
  w.u64(files.size());
  for (const auto& [name, bytes] : files) {
    w.str(name);
    w.str(bytes);
  }
  return w.take();
}

void send(const std::string& bytes, int to, int tag) {
  const int rc =
      MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, to, tag, MPI_COMM_WORLD);
  if (rc != MPI_SUCCESS) throw std::runtime_error(fmt::format("MPI_Send to rank {} failed", to));
}

std::string receive(int from, int tag, int bytes) {
  std::string s(static_cast<std::size_t>(bytes), '\0');
  MPI_Recv(s.data(), bytes, MPI_BYTE, from, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return s;
}

// This process's environment without the MPI job's variables, so that the child is not taken
// for a rank of the job.
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string_view v(*e);
    if (v.starts_with("OMPI_") || v.starts_with("PMIX_") || v.starts_with("PMI_")) continue;
    env.emplace_back(v);
  }
  return env;
}

// Starts `lnslab train ARGS --out DIR`, stdout and stderr in DIR/log.txt; the child is killed
// when this process dies (a killed rank leaves no training behind).
pid_t start_train(const fs::path& lnslab, const std::vector<std::string>& train_args,
                  const fs::path& dir) {
  std::vector<std::string> args{lnslab.string(), "train"};
  args.insert(args.end(), train_args.begin(), train_args.end());
  args.push_back("--out");
  args.push_back(dir.string());
  std::vector<std::string> env = child_environment();
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const std::string log = (dir / "log.txt").string();
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) _exit(127);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

// Runs one run in a scratch directory, telling rank 0 every second that it goes on; returns the
// packed result.
std::string run_one(const fs::path& lnslab, const std::vector<std::string>& train_args) {
  const fs::path base = std::getenv("TMPDIR") ? fs::path(std::getenv("TMPDIR")) : "/tmp";
  std::string templ = (base / "lnslab-run-XXXXXX").string();
  if (mkdtemp(templ.data()) == nullptr)
    return pack_result(1, {{"log.txt", "worker: cannot create a scratch directory under " +
                                           base.string() + ": " + std::strerror(errno) + "\n"}});
  const fs::path scratch(templ);
  int exit_code = 1;
  try {
    const pid_t pid = start_train(lnslab, train_args, scratch);
    auto last_word = std::chrono::steady_clock::now();
    int status = 0;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      std::this_thread::sleep_for(50ms);
      if (std::chrono::steady_clock::now() - last_word >= word_interval) {
        send({}, 0, alive_tag);
        last_word = std::chrono::steady_clock::now();
      }
    }
    exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  } catch (const std::exception& e) {
    std::ofstream(scratch / "log.txt", std::ios::app) << "worker: " << e.what() << "\n";
  }
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(scratch))
    if (entry.is_regular_file())
      files[entry.path().filename().string()] = util::read_file(entry.path());
  fs::remove_all(scratch);
  return pack_result(exit_code, files);
}

}  // namespace

RankLauncher::RankLauncher(const Session& session, double rank_timeout_seconds)
    : session_(session),
      timeout_(rank_timeout_seconds),
      workers_(static_cast<std::size_t>(session.size())) {}

long RankLauncher::start(const study::RunSpec& run, const fs::path& dir) {
  for (;;) {
    bool any_live = false;
    for (std::size_t r = 1; r < workers_.size(); ++r) {
      Worker& w = workers_[r];
      any_live = any_live || !w.lost;
      if (w.lost || w.busy) continue;
      send(nlohmann::json{{"id", run.id}, {"args", run.train_args}}.dump(), static_cast<int>(r),
           run_tag);
      w = {false, true, dir, run.id, Clock::now()};
      return static_cast<long>(r);
    }
    if (!any_live)
      throw study::StudyError(
          "every worker rank is lost; the runs not yet done are left for a "
          "re-run of the study");
    poll();
  }
}

study::RunLauncher::Finished RankLauncher::wait_any() {
  for (;;) {
    if (!finished_.empty()) {
      const Finished f = finished_.front();
      finished_.pop_front();
      return f;
    }
    bool busy = false;
    for (const Worker& w : workers_) busy = busy || (w.busy && !w.lost);
    if (!busy) return {};
    poll();
  }
}

bool RankLauncher::poll() {
  int flag = 0;
  MPI_Status status;
  MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
  if (flag) {
    int bytes = 0;
    MPI_Get_count(&status, MPI_BYTE, &bytes);
    const int r = status.MPI_SOURCE;
    Worker& w = workers_.at(static_cast<std::size_t>(r));
    if (status.MPI_TAG == result_tag) {
      receive_result(r, bytes);
      return true;
    }
    receive(r, status.MPI_TAG, bytes);  // alive_tag
    w.last_word = Clock::now();
    return false;
  }
  const auto now = Clock::now();
  for (std::size_t r = 1; r < workers_.size(); ++r) {
    Worker& w = workers_[r];
    if (!w.busy || w.lost) continue;
    const double silent = std::chrono::duration<double>(now - w.last_word).count();
    if (silent < timeout_) continue;
    w.lost = true;
    util::write_file_atomically(
        w.dir / "log.txt",
        fmt::format("rank {} was lost while running {}: no word from it for {:.0f} s (its "
                    "process died or its node is unreachable); re-running the study retries "
                    "this run\n",
                    r, w.run_id, silent));
    finished_.push_back({static_cast<long>(r), -1});
    return true;
  }
  std::this_thread::sleep_for(20ms);
  return false;
}

void RankLauncher::receive_result(int rank, int bytes) {
  Worker& w = workers_.at(static_cast<std::size_t>(rank));
  const std::string packed = receive(rank, result_tag, bytes);
  if (w.lost || !w.busy) return;  // taken as lost meanwhile: its run has been reported
  nn::StateReader r(packed);
  const int exit_code = static_cast<int>(r.u32("exit code"));
  const std::uint64_t n = r.u64("file count");
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::string name = r.str("file name");
    const std::string content = r.str("file");
    if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
      throw std::runtime_error(fmt::format("rank {} sent a file named '{}'", rank, name));
    util::write_file_atomically(w.dir / name, content);
  }
  w.busy = false;
  finished_.push_back({static_cast<long>(rank), exit_code});
}

int RankLauncher::lost() const {
  int n = 0;
  for (std::size_t r = 1; r < workers_.size(); ++r) n += workers_[r].lost ? 1 : 0;
  return n;
}

void RankLauncher::stop_workers() {
  for (std::size_t r = 1; r < workers_.size(); ++r)
    if (!workers_[r].lost) send({}, static_cast<int>(r), stop_tag);
}

void serve_runs(const Session& session, const fs::path& lnslab) {
  (void)session;
  for (;;) {
    MPI_Status status;
    if (MPI_Probe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &status) != MPI_SUCCESS) return;
    int bytes = 0;
    MPI_Get_count(&status, MPI_BYTE, &bytes);
    const std::string message = receive(0, status.MPI_TAG, bytes);
    if (status.MPI_TAG == stop_tag) return;
    const auto run = nlohmann::json::parse(message);
    send(run_one(lnslab, run.at("args").get<std::vector<std::string>>()), 0, result_tag);
  }
}

}  // namespace lnslab::dist
