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

void run_study(const StudyOptions& o) {
  if (o.quick && o.full) throw InputError("--quick and --full exclude each other");
  const fs::path file = o.file.empty() ? default_study_file() : fs::path(o.file);
  const study::Mode mode =
      o.quick ? study::Mode::quick : (o.full ? study::Mode::full : study::Mode::normal);
  study::Study s;
  try {
    s = study::load_study(file, mode, o.models);
  } catch (const study::StudyError& e) {
    throw InputError(e.what());
  }
  if (o.plan) {
    if (o.jobs > 0) throw InputError("--jobs does not apply to --plan (nothing runs)");
    fmt::print("{}", study::format_plan(s, fs::path(o.out)));
    return;
  }
  const int jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  const fs::path out(o.out);
  std::error_code ec;
  fs::create_directories(out / "runs", ec);
  if (ec) throw InputError("--out '" + o.out + "': cannot create the directory: " + ec.message());
  fmt::print("study '{}' ({}): {} runs, {} at once, results in {}\n", s.name, file.string(),
             s.runs.size(), jobs, out.string());
  std::fflush(stdout);
  const fs::path self = fs::read_symlink("/proc/self/exe");
  study::LocalProcessLauncher launcher(self);
  const auto outcomes = study::run_grid(s, out, launcher, jobs, [](const study::Progress& p) {
    fmt::print("[{} done, {} running, {} left, ETA {}] {}\n", p.done, p.running, p.left,
               duration(p.eta_seconds), p.last);
    std::fflush(stdout);
  });
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
  sub->callback([o] {
    o->command = "lnslab study" + (o->file.empty() ? "" : " " + o->file) + " --out " + o->out +
                 (o->jobs > 0 ? " --jobs " + std::to_string(o->jobs) : "") +
                 (o->quick ? " --quick" : "") + (o->full ? " --full" : "") +
                 (o->plan ? " --plan" : "");
    if (!o->models.empty()) {
      o->command += " --models ";
      for (std::size_t i = 0; i < o->models.size(); ++i)
        o->command += (i ? "," : "") + o->models[i];
    }
    run_study(*o);
  });
}

}  // namespace lnslab::cli
