// lnslab study on a tiny synthetic grid: runs end to end, resumes without redoing finished runs,
// reports the runs' own numbers, and rejects bad study files before any run starts.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "lnslab/sim/config.hpp"
#include "lnslab/study/report.hpp"
#include "lnslab/study/results.hpp"
#include "lnslab/study/runner.hpp"
#include "lnslab/study/spec.hpp"

namespace fs = std::filesystem;
using namespace lnslab::study;

namespace {

const std::string configs = std::string(LNSLAB_SOURCE_DIR) + "/configs";

fs::path temp_dir(const std::string& name) {
  const fs::path d =
      fs::temp_directory_path() / ("lnslab-test-study-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string tiny_study(const std::string& extra_run = "") {
  return "name = \"tiny\"\ndata = \"synthetic\"\nmodels = [\"mlp\"]\nseeds = [1, 2]\n"
         "epochs = 1\nbatch = 64\naccelerators = [\"" +
         configs + "/accelerators/fp32.toml\", \"" + configs +
         "/accelerators/lns8.toml\"]\n[topologies]\nmlp = \"" + configs +
         "/topologies/mlp.csv\"\n[[runs]]\nlabel = \"FP32 Madam\"\noptimizer = \"madam\"\n"
         "[[runs]]\nlabel = \"LNS Madam\"\noptimizer = \"lns-madam\"\n"
         "formats = [\"lns8:eta0=0.016\"]\n" +
         extra_run;
}

fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("a tiny study runs, resumes and reports the runs' own numbers", "[study]") {
  const fs::path dir = temp_dir("e2e");
  const fs::path file = write(dir, "tiny.toml", tiny_study());
  const Study s = load_study(file, Mode::normal);
  REQUIRE(s.runs.size() == 4);
  const fs::path out = dir / "out";
  LocalProcessLauncher launcher(LNSLAB_BINARY);

  auto outcomes = run_grid(s, out, launcher, 2, {});
  for (const auto& o : outcomes) {
    INFO(o.id);
    CHECK(o.ok);
    CHECK_FALSE(o.cached);
  }

  // An interrupted study: one run lost its result (it was in flight); the others are kept.
  fs::remove(run_dir(out, s.runs[1]) / "run.json");
  const auto kept_time = fs::last_write_time(run_dir(out, s.runs[0]) / "run.json");
  outcomes = run_grid(s, out, launcher, 2, {});
  CHECK(outcomes[0].cached);
  CHECK_FALSE(outcomes[1].cached);
  CHECK(outcomes[1].ok);
  CHECK(outcomes[2].cached);
  CHECK(outcomes[3].cached);
  CHECK(fs::last_write_time(run_dir(out, s.runs[0]) / "run.json") == kept_time);

  const StudyResults r = analyse(s, out);
  write_report(s, r, out, Provenance{"rev", "compiler", "flags", "machine", "cmd", 2});
  const nlohmann::json results = read_json(out / "results.json");
  REQUIRE(results["configurations"].size() == 2);
  for (const auto& c : results["configurations"]) {
    double sum = 0.0;
    int n = 0;
    for (const auto& id : c["runs"]) {
      const nlohmann::json run = read_json(out / "runs" / id.get<std::string>() / "run.json");
      sum += run["final_test_accuracy"].get<double>();
      ++n;
    }
    CHECK(n == 2);
    CHECK(c["test_accuracy"]["mean"].get<double>() == Approx(sum / n).epsilon(1e-12));
    CHECK(c["hardware"]["energy_pj_per_step"].get<double>() > 0.0);
  }
  // Per model: the four baseline arrays and the two listed accelerators as configured.
  CHECK(results["baselines"].size() == 4);
  CHECK(results["listed_accelerators"].size() == 2);
  CHECK(fs::exists(out / "report.md"));
  CHECK(fs::exists(out / "results.csv"));
  fs::remove_all(dir);
}

TEST_CASE("bad study files are rejected naming file, line and key", "[study]") {
  const fs::path dir = temp_dir("bad");
  struct Case {
    std::string text;
    std::string expected;
  };
  const Case cases[] = {
      {tiny_study("[[runs]]\noptimizer = \"adamw\"\n"), "adamw"},
      {tiny_study("[[runs]]\noptimizer = \"lns-madam\"\nformats = [\"lns20:eta0=1\"]\n"), "lns20"},
      {tiny_study() + "speed = 3\n", "speed"},
      {tiny_study("[[runs]]\noptimizer = \"sgd\"\ncolour = \"red\"\n"), "colour"},
      // a setting the optimizer does not take, even at its default value
      {tiny_study("[[runs]]\noptimizer = \"madam\"\nmomentum = 0.9\n"), "does not apply"},
      {"name = \"x\"\ndata = \"synthetic\"\n", "grid is empty"},
      {[] {
         std::string t = tiny_study();
         t.replace(t.find("seeds = [1, 2]"), 14, "seeds = []");
         return t;
       }(),
       "empty"},
      {"data = \"/nonexistent/dataset\"\n[[runs]]\noptimizer = \"sgd\"\n", "/nonexistent/dataset"},
      {"epochs = \"ten\"\n[[runs]]\noptimizer = \"sgd\"\n", "epochs"},
      {"this is not toml", "tiny-bad.toml:1"},
      {"isa = \"sse9\"\n" + tiny_study(), "isa 'sse9'"},
  };
  int i = 0;
  for (const Case& c : cases) {
    const fs::path file = write(dir, "tiny-bad.toml", c.text);
    INFO("case " << i++ << ": expecting '" << c.expected << "'");
    try {
      load_study(file, Mode::normal);
      FAIL("accepted a bad study file");
    } catch (const StudyError& e) {
      const std::string msg = e.what();
      CHECK_THAT(msg, Catch::Contains(c.expected));
      CHECK_THAT(msg, Catch::Contains(file.string()));
    }
  }
  // The command: exit code 2, the message, and no run started.
  const fs::path file = write(dir, "unknown.toml", tiny_study() + "colour = 1\n");
  const std::string cmd = std::string(LNSLAB_BINARY) + " study " + file.string() + " --out " +
                          (dir / "out").string() + " 2>" + (dir / "err.txt").string();
  const int rc = std::system(cmd.c_str());
  CHECK(WEXITSTATUS(rc) == 2);
  std::ifstream err(dir / "err.txt");
  const std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Catch::Contains("unknown.toml:") && Catch::Contains("colour"));
  CHECK_FALSE(fs::exists(dir / "out" / "runs"));
  fs::remove_all(dir);
}

namespace {

// configs/studies/default.toml with its data replaced by the synthetic set and its relative paths
// made absolute, so that its --quick grid runs in a test.
fs::path synthetic_default_study(const fs::path& dir) {
  std::ifstream in(configs + "/studies/default.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto data = text.find("data = ");
  REQUIRE(data != std::string::npos);
  text.replace(data, text.find('\n', data) - data, "data = \"synthetic\"");
  for (std::size_t at; (at = text.find("\"../")) != std::string::npos;)
    text.replace(at, 4, "\"" + configs + "/");
  return write(dir, "default-synthetic.toml", text);
}

}  // namespace

TEST_CASE("the quick study costs every configuration on its own hardware", "[study]") {
  const fs::path dir = temp_dir("quick-hw");
  const Study s = load_study(synthetic_default_study(dir), Mode::quick);
  const fs::path out = dir / "out";
  LocalProcessLauncher launcher(LNSLAB_BINARY);
  for (const auto& o : run_grid(s, out, launcher, 2, {})) {
    INFO(o.id);
    REQUIRE(o.ok);
  }
  const StudyResults r = analyse(s, out);
  write_report(s, r, out, Provenance{"rev", "compiler", "flags", "machine", "cmd", 2});
  const nlohmann::json results = read_json(out / "results.json");

  std::map<std::string, double> lns_madam_energy;  // format -> pJ
  bool full_seen = false;
  for (const auto& c : results["configurations"]) {
    INFO(c["group"].get<std::string>());
    const auto& hw = c["hardware"];
    const std::string numerics = c["numerics"];
    if (numerics == "fp32") {
      CHECK(hw["pe"] == "fp32");
      CHECK(hw["format"] == "");
    } else if (numerics == "lns-weights") {
      CHECK(hw["pe"] == "fp32");  // float products, as the run computed them
      CHECK(hw["format"] == c["format"]);
    } else {
      REQUIRE(numerics == "lns-full");
      full_seen = true;
      CHECK(c["test_accuracy"]["mean"].get<double>() > 0.0);
      CHECK(hw["pe"] == "lns");
      CHECK(hw["format"] == c["format"]);  // master weights in the run's format
      // the GEMMs on the accelerator the run trained on
      const lnslab::lns::Format pe =
          *lnslab::sim::load_config(configs + "/accelerators/lns8.toml").pe.format;
      CHECK(hw["gemm_format"] == pe.spec());
    }
    if (c["optimizer"] == "lns-madam" && numerics == "lns-weights")
      lns_madam_energy[c["format"]] = hw["energy_pj_per_step"].get<double>();
  }
  CHECK(full_seen);
  // 12-, 10- and 8-bit LNS Madam: three formats, three different energies (narrower words cost
  // less), so a row's cost follows its own bit width.
  REQUIRE(lns_madam_energy.size() == 3);
  const double e12 = lns_madam_energy.at("lns12:eta0=0.001");
  const double e10 = lns_madam_energy.at("lns10:eta0=0.004");
  const double e8 = lns_madam_energy.at("lns8:eta0=0.016");
  CHECK(e12 > e10);
  CHECK(e10 > e8);
  // results.csv: every row has the header's fields (a datapath spec holds commas: quoted).
  std::ifstream csv(out / "results.csv");
  auto fields = [](const std::string& line) {
    std::size_t n = 1;
    bool quoted = false;
    for (char ch : line) {
      if (ch == '"') quoted = !quoted;
      if (ch == ',' && !quoted) ++n;
    }
    return n;
  };
  std::string header, row;
  REQUIRE(std::getline(csv, header));
  int rows = 0;
  while (std::getline(csv, row)) {
    INFO(row);
    CHECK(fields(row) == fields(header));
    CHECK_THAT(row, !Catch::Contains(",,,,,,,,,,,"));  // every row has its hardware columns
    ++rows;
  }
  CHECK(rows == static_cast<int>(results["configurations"].size()));
  std::set<std::string> baselines;
  for (const auto& b : results["baselines"]) baselines.insert(b["pe"].get<std::string>());
  CHECK(baselines == std::set<std::string>{"bf16", "fp16", "fp32", "int8"});

  // Every costed config is one `lnslab sim` accepts: the written files parse back to the same
  // energy through the simulator's own reader and the command runs on them.
  int files = 0;
  for (const auto& e : fs::directory_iterator(out / "hardware")) {
    INFO(e.path());
    const auto c = lnslab::sim::load_config(e.path());
    CHECK_FALSE(c.name.empty());
    ++files;
  }
  CHECK(files >= 6);
  const std::string cmd =
      std::string(LNSLAB_BINARY) + " sim " +
      (out / "hardware" / "fp32_lns8_eta0_0_016-weights-lns-madam.toml").string() + " --topology " +
      configs + "/topologies/mlp.csv --train --batch 128 >" + (dir / "sim.txt").string();
  CHECK(std::system(cmd.c_str()) == 0);
  fs::remove_all(dir);
}

TEST_CASE("study --plan lists exactly the runs that the study then runs", "[study]") {
  const fs::path dir = temp_dir("plan");
  const fs::path file = write(dir, "tiny.toml", tiny_study());
  const fs::path out = dir / "out";
  const std::string plan_cmd = std::string(LNSLAB_BINARY) + " study " + file.string() + " --out " +
                               out.string() + " --plan >" + (dir / "plan.txt").string();
  REQUIRE(std::system(plan_cmd.c_str()) == 0);
  CHECK_FALSE(fs::exists(out));  // nothing ran, nothing was written
  const std::string run_cmd = std::string(LNSLAB_BINARY) + " study " + file.string() + " --out " +
                              out.string() + " >" + (dir / "run.txt").string();
  REQUIRE(std::system(run_cmd.c_str()) == 0);
  // Each planned line names a run directory whose recorded arguments are the planned ones.
  std::ifstream plan(dir / "plan.txt");
  std::string line;
  std::set<std::string> planned;
  while (std::getline(plan, line)) {
    std::istringstream words(line);
    std::string id, status, lnslab, train;
    words >> id >> status;
    if (status != "to-run") continue;
    words >> lnslab >> train;
    std::vector<std::string> args;
    for (std::string w; words >> w;) args.push_back(w);
    INFO(id);
    CHECK(read_json(out / "runs" / id / "args.json") == nlohmann::json(args));
    planned.insert(id);
  }
  std::set<std::string> ran;
  for (const auto& e : fs::directory_iterator(out / "runs")) ran.insert(e.path().filename());
  CHECK(planned == ran);
  CHECK(planned.size() == 4);
  // A second plan sees them all cached.
  REQUIRE(std::system(plan_cmd.c_str()) == 0);
  std::ifstream again(dir / "plan.txt");
  const std::string text((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
  CHECK_THAT(text, Catch::Contains("4 runs (4 cached"));
  fs::remove_all(dir);
}

TEST_CASE("lrs expand into one configuration per learning rate; --models restricts the grid",
          "[study]") {
  const fs::path dir = temp_dir("lrs");
  const std::string runs =
      "[[runs]]\nlabel = \"Adam\"\noptimizer = \"adam\"\nlrs = [0.001, 0.01, 0.1]\n";
  const std::string head =
      "data = \"synthetic\"\nmodels = [\"mlp\", \"cnn\"]\nbatchnorm = [\"cnn\"]\nseeds = [1]\n"
      "accelerators = [\"" +
      configs + "/accelerators/fp32.toml\"]\n[topologies]\nmlp = \"" + configs +
      "/topologies/mlp.csv\"\ncnn = \"" + configs + "/topologies/cnn.csv\"\n";
  const Study s = load_study(write(dir, "lrs.toml", head + runs), Mode::normal);
  REQUIRE(s.runs.size() == 6);
  std::set<std::string> groups;
  for (const RunSpec& r : s.runs) {
    groups.insert(r.group);
    const bool bn =
        std::find(r.train_args.begin(), r.train_args.end(), "--batchnorm") != r.train_args.end();
    CHECK(bn == (r.model == "cnn"));  // batch norm only where the study asks for it
  }
  CHECK(groups.size() == 6);
  CHECK(s.runs[1].lr == 0.01);
  CHECK(std::find(s.runs[1].train_args.begin(), s.runs[1].train_args.end(), "0.01") !=
        s.runs[1].train_args.end());
  // No isa key: no --isa (each run takes its machine's best); a pinned isa reaches every run.
  for (const RunSpec& r : s.runs)
    CHECK(std::find(r.train_args.begin(), r.train_args.end(), "--isa") == r.train_args.end());
  const Study pinned =
      load_study(write(dir, "pinned.toml", "isa = \"portable\"\n" + head + runs), Mode::normal);
  for (const RunSpec& r : pinned.runs) {
    const auto it = std::find(r.train_args.begin(), r.train_args.end(), "--isa");
    REQUIRE(it != r.train_args.end());
    CHECK(*(it + 1) == "portable");
  }
  const Study mlp = load_study(dir / "lrs.toml", Mode::normal, {"mlp"});
  CHECK(mlp.runs.size() == 3);
  for (const RunSpec& r : mlp.runs) CHECK(r.model == "mlp");
  auto error_of = [&](const std::string& text, const std::vector<std::string>& models = {}) {
    try {
      load_study(write(dir, "bad.toml", text), Mode::normal, models);
    } catch (const StudyError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK_THAT(error_of(head + runs, {"resnet"}),
             Catch::Contains("--models") && Catch::Contains("resnet"));
  CHECK_THAT(error_of(head + runs + "lr = 0.1\n"), Catch::Contains("lrs"));
  CHECK_THAT(error_of("data = \"synthetic\"\nbatchnorm = [\"cnn\"]\n" + runs),
             Catch::Contains("batchnorm"));
  // No template accelerator: refused before any run, not after the training.
  CHECK_THAT(error_of("data = \"synthetic\"\n" + runs), Catch::Contains("accelerators"));
  fs::remove_all(dir);
}

// The grid logic knows runs only through the launcher interface: a launcher of its own sees
// every run once, costliest first, and its exit codes become the outcomes.
TEST_CASE("run_grid starts runs through any RunLauncher, costliest first") {
  struct Recording final : RunLauncher {
    std::vector<const RunSpec*> started;
    std::vector<long> pending;
    long start(const RunSpec& run, const fs::path&) override {
      started.push_back(&run);
      pending.push_back(static_cast<long>(started.size()));
      return pending.back();
    }
    Finished wait_any() override {
      if (pending.empty()) return {};
      const long h = pending.front();
      pending.erase(pending.begin());
      return {h, 3};
    }
  } launcher;
  const fs::path dir = temp_dir("launcher");
  const Study s = load_study(synthetic_default_study(dir), Mode::quick);
  const auto outcomes = run_grid(s, dir / "out", launcher, 2, {});
  REQUIRE(launcher.started.size() == s.runs.size());
  for (std::size_t i = 1; i < launcher.started.size(); ++i)
    CHECK(launcher.started[i - 1]->expected_cost >= launcher.started[i]->expected_cost);
  for (const RunOutcome& o : outcomes) {
    CHECK_FALSE(o.ok);
    CHECK(o.exit_code == 3);
  }
  fs::remove_all(dir);
}
