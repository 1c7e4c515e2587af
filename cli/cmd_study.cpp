// lnslab study [STUDY.toml] [--out DIR] [--jobs N] [--quick | --full]: the bit-width study.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "data_dir.hpp"
#include "lnslab/study/report.hpp"
#include "lnslab/study/results.hpp"
#include "lnslab/study/runner.hpp"
#include "lnslab/study/spec.hpp"
#include "lnslab_version.hpp"
#include "mpi_env.hpp"
#ifdef LNSLAB_HAVE_MPI
#include "lnslab/dist/study_ranks.hpp"
#endif

namespace lnslab::cli {
namespace {

namespace fs = std::filesystem;

struct StudyOptions {
  std::string file;
  std::string out = "study-out";
  int jobs = 0;
  bool quick = false;
  bool full = false;
  bool plan = false;
  bool report_only = false;
  std::string launcher = "local";
  double rank_timeout = 30.0;
  bool rank_timeout_given = false;
  std::vector<std::string> models;
  std::string command;
};

fs::path default_study_file() {
  return find_data_file("studies/default.toml", "no study file given and the default study");
}

std::string duration(double s) {
  if (s < 0) return "?";
  const int t = static_cast<int>(s + 0.5);
  return t >= 60 ? fmt::format("{}m{:02}s", t / 60, t % 60) : fmt::format("{}s", t);
}

study::Study load(const StudyOptions& o, fs::path& file) {
  if (o.quick && o.full) throw InputError("--quick and --full exclude each other");
  file = o.file.empty() ? default_study_file() : fs::path(o.file);
  const study::Mode mode =
      o.quick ? study::Mode::quick : (o.full ? study::Mode::full : study::Mode::normal);
  try {
    return study::load_study(file, mode, o.models);
  } catch (const study::StudyError& e) {
    throw InputError(e.what());
  }
}

void make_out_dir(const StudyOptions& o) {
  std::error_code ec;
  fs::create_directories(fs::path(o.out) / "runs", ec);
  if (ec) throw InputError("--out '" + o.out + "': cannot create the directory: " + ec.message());
}

void print_progress(const study::Progress& p) {
  fmt::print("[{} done, {} running, {} left, ETA {}] {}\n", p.done, p.running, p.left,
             duration(p.eta_seconds), p.last);
  std::fflush(stdout);
}

// After the grid: fails on failed runs, else analyses and writes the report.
void report(const StudyOptions& o, const study::Study& s,
            const std::vector<study::RunOutcome>& outcomes, int jobs) {
  const fs::path out(o.out);
  int failed = 0;
  for (const auto& r : outcomes) failed += r.ok ? 0 : 1;
  if (failed > 0)
    throw std::runtime_error(
        fmt::format("{} of {} runs failed; their logs are in {}/runs/<id>/"
                    "log.txt; re-running the study retries only them",
                    failed, outcomes.size(), out.string()));
  study::StudyResults results;
  try {
    results = study::analyse(s, out);
  } catch (const study::StudyError& e) {
    throw InputError(e.what());
  }
  study::Provenance prov{LNSLAB_GIT_REVISION, LNSLAB_CXX_COMPILER, LNSLAB_CXX_FLAGS,
                         cpu_model(),         o.command,           jobs};
  const auto plots = study::write_report(s, results, out, prov);
  fmt::print("\n{}\n", study::format_tables(results));
  fmt::print("report: {}\n", (out / "report.md").string());
  fmt::print("results: {} and {}\n", (out / "results.csv").string(),
             (out / "results.json").string());
  if (plots.empty())
    fmt::print("plots: none (gnuplot missing or failed)\n");
  else
    fmt::print("plots: {} files in {}\n", plots.size(), (out / "plots").string());
}

// --report-only: the tables of the report from the run records already in OUT, without training
// and without writing a file (docs/runs/ hold such records; scripts/docs.sh re-renders them).
// Every run of the grid needs its run.json; the records' arguments are not compared with the
// study's (an install's data directory enters them as a path).
void print_recorded_tables(const StudyOptions& o, const study::Study& s) {
  if (o.jobs > 0) throw InputError("--jobs does not apply to --report-only (nothing runs)");
  std::string missing;
  int n_missing = 0;
  for (const study::RunSpec& run : s.runs) {
    if (fs::exists(study::run_dir(o.out, run) / "run.json")) continue;
    if (++n_missing <= 3) missing += (missing.empty() ? "" : ", ") + run.id;
  }
  if (n_missing > 0)
    throw InputError(
        fmt::format("--report-only: {} of {} runs have no record in {}/runs/<id>/"
                    "run.json ({}{}); run the study to make them",
                    n_missing, s.runs.size(), o.out, missing, n_missing > 3 ? ", ..." : ""));
  try {
    fmt::print("{}", study::format_tables(study::analyse(s, o.out)));
  } catch (const study::StudyError& e) {
    throw InputError(e.what());
  }
}

void run_study_locally(const StudyOptions& o) {
  fs::path file;
  const study::Study s = load(o, file);
  if (o.report_only) {
    if (o.plan) throw InputError("--report-only and --plan exclude each other");
    print_recorded_tables(o, s);
    return;
  }
  if (o.plan) {
    if (o.jobs > 0) throw InputError("--jobs does not apply to --plan (nothing runs)");
    fmt::print("{}", study::format_plan(s, fs::path(o.out)));
    return;
  }
  const int jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  make_out_dir(o);
  fmt::print("study '{}' ({}): {} runs, {} at once, results in {}\n", s.name, file.string(),
             s.runs.size(), jobs, o.out);
  std::fflush(stdout);
  study::LocalProcessLauncher launcher(fs::read_symlink("/proc/self/exe"));
  report(o, s, study::run_grid(s, fs::path(o.out), launcher, jobs, print_progress), jobs);
}

#ifdef LNSLAB_HAVE_MPI
// mpirun -n N lnslab study --launcher mpi: rank 0 checks the study and runs the grid, handing
// runs to ranks 1..N-1 (dist/study_ranks.hpp); one rank alone is the local case.
void run_study_on_ranks(const StudyOptions& o) {
  dist::Session session;
  if (session.size() == 1) {
    run_study_locally(o);
    return;
  }
  const fs::path self = fs::read_symlink("/proc/self/exe");
  fs::path file;
  study::Study s;
  std::string error;
  if (session.rank() == 0) {
    try {
      s = load(o, file);
      make_out_dir(o);
    } catch (const InputError& e) {
      error = e.what();
    }
  }
  error = session.broadcast(error);
  if (!error.empty())
    session.exit_together(2,
                          session.rank() == 0
                              ? "lnslab: error: " + error
                              : fmt::format("lnslab: error: rank {}: rank 0 rejected the study: {}",
                                            session.rank(), error));
  if (session.rank() != 0) {
    dist::serve_runs(session, self);
    return;
  }
  dist::RankLauncher launcher(session, o.rank_timeout);
  fmt::print("study '{}' ({}): {} runs on {} worker ranks, results in {}\n", s.name, file.string(),
             s.runs.size(), launcher.workers(), o.out);
  std::fflush(stdout);
  std::vector<study::RunOutcome> outcomes;
  try {
    outcomes = study::run_grid(s, fs::path(o.out), launcher, launcher.workers(), print_progress);
  } catch (const std::exception& e) {
    // Workers may be mid-run: end the job rather than leave them waiting.
    std::fprintf(stderr, "lnslab: internal error on rank 0: %s\n", e.what());
    session.abort(1);
  }
  launcher.stop_workers();
  if (launcher.lost() > 0) {
    // MPI_Finalize would wait for the lost ranks forever.
    int failed = 0;
    for (const auto& r : outcomes) failed += r.ok ? 0 : 1;
    std::fprintf(stderr,
                 "lnslab: error: %d of %zu runs failed (%d worker rank(s) lost); their logs are "
                 "in %s/runs/<id>/log.txt; re-running the study retries only them. Ending the "
                 "MPI job (MPI_Abort): it cannot finish with a lost rank.\n",
                 failed, outcomes.size(), launcher.lost(), o.out.c_str());
    std::fflush(stdout);
    session.abort(1);
  }
  report(o, s, outcomes, launcher.workers());
}
#endif

void run_study(const StudyOptions& o) {
  if (o.launcher != "local" && o.launcher != "mpi")
    throw InputError("--launcher " + o.launcher + ": expected local or mpi");
  if (o.launcher == "local") {
    if (o.rank_timeout_given) throw InputError("--rank-timeout applies only to --launcher mpi");
    run_study_locally(o);
    return;
  }
  if (o.plan) throw InputError("--launcher mpi does not apply to --plan (nothing runs)");
  if (o.report_only)
    throw InputError("--launcher mpi does not apply to --report-only (nothing runs)");
  if (o.jobs > 0)
    throw InputError(
        "--jobs does not apply to --launcher mpi (each worker rank runs one run; "
        "mpirun -n sets how many)");
  if (!(o.rank_timeout > 0.0))
    throw InputError(
        fmt::format("--rank-timeout {}: expected a positive number of seconds", o.rank_timeout));
#ifdef LNSLAB_HAVE_MPI
  run_study_on_ranks(o);
#else
  throw InputError(std::string("--launcher mpi: ") + built_without_mpi);
#endif
}

}  // namespace

void register_study(CLI::App& app) {
  auto o = std::make_shared<StudyOptions>();
  auto* sub = app.add_subcommand(
      "study",
      "Train a grid of configurations (FP32 and LNS, several optimizers and bit widths), "
      "cost them on simulated accelerators and report accuracy against energy");
  sub->add_option("study", o->file,
                  "Study file (default: studies/default.toml in the data directory, "
                  "<lnslab dir>/../share/lnslab or $LNSLAB_DATA_DIR)");
  sub->add_option("--out", o->out, "Output directory (runs are cached there)")
      ->capture_default_str();
  sub->add_option("--jobs", o->jobs, "Runs at once (default: the number of cores)");
  sub->add_flag("--quick", o->quick, "The study's reduced grid (its [quick] section)");
  sub->add_flag("--full", o->full, "The study's whole grid (its [full] section)");
  sub->add_option("--models", o->models,
                  "Only these of the study's models (comma-separated), e.g. --models mlp")
      ->delimiter(',');
  sub->add_flag("--plan", o->plan,
                "Print the grid (run ids, whether OUT already has them, their `lnslab train` "
                "arguments) and exit without running anything");
  sub->add_flag("--report-only", o->report_only,
                "Print the report's tables from the run records already in OUT (every run's "
                "run.json) without training or writing any file");
  sub->add_option("--launcher", o->launcher,
                  "local (processes on this machine) | mpi (under mpirun: rank 0 hands runs to "
                  "the other ranks and writes every result; docs/distributed.md)")
      ->capture_default_str();
  auto* timeout = sub->add_option("--rank-timeout", o->rank_timeout,
                                  "--launcher mpi: seconds without word from a worker rank "
                                  "before its run is reported failed")
                      ->capture_default_str();
  sub->callback([o, timeout] {
    o->rank_timeout_given = timeout->count() > 0;
    o->command = "lnslab study" + (o->file.empty() ? "" : " " + o->file) + " --out " + o->out +
                 (o->jobs > 0 ? " --jobs " + std::to_string(o->jobs) : "") +
                 (o->quick ? " --quick" : "") + (o->full ? " --full" : "") +
                 (o->plan ? " --plan" : "") + (o->report_only ? " --report-only" : "") +
                 (o->launcher != "local" ? " --launcher " + o->launcher : "");
    if (!o->models.empty()) {
      o->command += " --models ";
      for (std::size_t i = 0; i < o->models.size(); ++i)
        o->command += (i ? "," : "") + o->models[i];
    }
    run_study(*o);
  });
}

}  // namespace lnslab::cli
