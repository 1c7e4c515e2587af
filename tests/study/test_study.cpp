// lnslab study on a tiny synthetic grid: runs end to end, resumes without redoing finished runs,
// reports the runs' own numbers, and rejects bad study files before any run starts.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

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

  auto outcomes = run_grid(s, out, LNSLAB_BINARY, 2, {});
  for (const auto& o : outcomes) {
    INFO(o.id);
    CHECK(o.ok);
    CHECK_FALSE(o.cached);
  }

  // An interrupted study: one run lost its result (it was in flight); the others are kept.
  fs::remove(run_dir(out, s.runs[1]) / "run.json");
  const auto kept_time = fs::last_write_time(run_dir(out, s.runs[0]) / "run.json");
  outcomes = run_grid(s, out, LNSLAB_BINARY, 2, {});
  CHECK(outcomes[0].cached);
  CHECK_FALSE(outcomes[1].cached);
  CHECK(outcomes[1].ok);
  CHECK(outcomes[2].cached);
  CHECK(outcomes[3].cached);
  CHECK(fs::last_write_time(run_dir(out, s.runs[0]) / "run.json") == kept_time);

  auto groups = collect(s, out);
  cost(s, groups);
  write_report(s, groups, out, Provenance{"rev", "compiler", "flags", "machine", "cmd", 2});
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
    CHECK(c["costs"].size() == 2);
    CHECK(c["costs"][0]["energy_pj_per_step"].get<double>() > 0.0);
  }
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
