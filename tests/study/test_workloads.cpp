// The study costs each model from the network its runs train (nn::forward_workload): for the
// default models on Fashion-MNIST exactly what the shipped topology CSVs cost, so the shipped
// studies' numbers did not move when their [topologies] tables went; [topologies] still overrides.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include "lnslab/nn/dataset.hpp"
#include "lnslab/study/results.hpp"
#include "lnslab/study/spec.hpp"

namespace fs = std::filesystem;
using namespace lnslab::study;

namespace {

const std::string configs = std::string(LNSLAB_SOURCE_DIR) + "/configs";

fs::path temp_dir(const std::string& name) {
  const fs::path d = fs::temp_directory_path() /
                     ("lnslab-test-workloads-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

fs::path write(const fs::path& dir, const std::string& name, const std::string& text) {
  std::ofstream(dir / name) << text;
  return dir / name;
}

// One GroupResult per configuration of the grid, as collect() would make it (no accuracies:
// costs do not depend on them).
std::vector<GroupResult> groups_of(const Study& s) {
  std::vector<GroupResult> groups;
  std::set<std::string> seen;
  for (const RunSpec& r : s.runs) {
    if (!seen.insert(r.group).second) continue;
    GroupResult g;
    g.group = r.group;
    g.label = r.label;
    g.model = r.model;
    g.optimizer = r.optimizer;
    g.numerics = r.numerics;
    g.format = r.format;
    g.bits = r.bits;
    g.lr = r.lr;
    g.batch = r.batch;
    g.accelerator = r.accelerator;
    groups.push_back(g);
  }
  return groups;
}

void check_same(const HardwareCost& a, const HardwareCost& b) {
  INFO(a.accelerator << " " << a.model);
  CHECK(a.accelerator == b.accelerator);
  CHECK(a.energy_pj == b.energy_pj);  // exactly: the same GEMMs and updates
  CHECK(a.cycles == b.cycles);
  CHECK(a.energy_by_component == b.energy_by_component);
}

// Costs of `derived` (no [topologies]) against `csv` (the same grid with [topologies]).
void check_same_costs(const Study& derived, const Study& csv) {
  std::vector<GroupResult> gd = groups_of(derived), gc = groups_of(csv);
  REQUIRE(gd.size() == gc.size());
  const auto md = cost(derived, gd), mc = cost(csv, gc);
  for (std::size_t i = 0; i < gd.size(); ++i) {
    INFO(gd[i].group);
    REQUIRE(gd[i].hardware);
    REQUIRE(gc[i].hardware);
    check_same(*gd[i].hardware, *gc[i].hardware);
  }
  REQUIRE(md.size() == mc.size());
  for (std::size_t i = 0; i < md.size(); ++i) {
    REQUIRE(md[i].baselines.size() == mc[i].baselines.size());
    for (std::size_t j = 0; j < md[i].baselines.size(); ++j)
      check_same(md[i].baselines[j], mc[i].baselines[j]);
    REQUIRE(md[i].listed.size() == mc[i].listed.size());
    for (std::size_t j = 0; j < md[i].listed.size(); ++j)
      check_same(md[i].listed[j], mc[i].listed[j]);
  }
  const auto xd = crossover(derived, gd), xc = crossover(csv, gc);
  REQUIRE(xd.size() == xc.size());
  for (std::size_t i = 0; i < xd.size(); ++i) {
    REQUIRE(xd[i].points.size() == xc[i].points.size());
    for (std::size_t j = 0; j < xd[i].points.size(); ++j) {
      CHECK(xd[i].points[j].lns_pj == xc[i].points[j].lns_pj);
      CHECK(xd[i].points[j].int8_pj == xc[i].points[j].int8_pj);
    }
  }
}

std::string absolute_paths(std::string text) {
  for (std::size_t at; (at = text.find("\"../")) != std::string::npos;)
    text.replace(at, 4, "\"" + configs + "/");
  return text;
}

}  // namespace

TEST_CASE("the shipped studies cost their models as the topology CSVs did (Fashion-MNIST)",
          "[study][workload]") {
  if (!fs::exists(fs::path(lnslab::nn::default_data_dir) / "t10k-images-idx3-ubyte.gz") &&
      !fs::exists(fs::path(lnslab::nn::default_data_dir) / "t10k-images-idx3-ubyte")) {
    WARN("no Fashion-MNIST in " << lnslab::nn::default_data_dir << ": not checked");
    return;
  }
  const fs::path dir = temp_dir("shipped");
  const std::string csvs = "\n[topologies]\nmlp = \"" + configs +
                           "/topologies/mlp.csv\"\ncnn = \"" + configs + "/topologies/cnn.csv\"\n";
  for (const std::string name : {"default", "paper"}) {
    INFO(name);
    std::string text = absolute_paths(read(configs + "/studies/" + name + ".toml"));
    REQUIRE(text.find("\n[topologies]") == std::string::npos);
    for (const Mode mode : {Mode::quick, Mode::normal}) {
      const Study derived = load_study(write(dir, name + ".toml", text), mode);
      const Study csv = load_study(write(dir, name + "-csv.toml", text + csvs), mode);
      check_same_costs(derived, csv);
    }
  }
  // Both models, the CNN with batch norm (no GEMMs, no counted parameters).
  std::string both = absolute_paths(read(configs + "/studies/default.toml"));
  const auto models = both.find("models = [\"mlp\"]");
  REQUIRE(models != std::string::npos);
  both.replace(models, 16, "models = [\"mlp\", \"cnn\"]\nbatchnorm = [\"cnn\"]");
  const Study derived = load_study(write(dir, "both.toml", both), Mode::quick);
  const Study csv = load_study(write(dir, "both-csv.toml", both + csvs), Mode::quick);
  REQUIRE(derived.runs.back().model == "cnn");
  CHECK(derived.runs.back().model_spec.batchnorm);
  check_same_costs(derived, csv);
  fs::remove_all(dir);
}

TEST_CASE("a study on synthetic data costs the 16x16 network it trains, and [topologies] overrides",
          "[study][workload]") {
  const fs::path dir = temp_dir("synthetic");
  const std::string text = absolute_paths(read(configs + "/studies/tiny.toml"));
  REQUIRE(text.find("\n[topologies]") == std::string::npos);
  const Study derived = load_study(write(dir, "tiny.toml", text), Mode::normal);
  // The MLP trained on 1x16x16 synthetic images: 256-256-10.
  write(dir, "mlp16.csv", "fc1, 1, 1, 1, 1, 256, 256, 1,\nfc2, 1, 1, 1, 1, 256, 10, 1,\n");
  const Study csv16 =
      load_study(write(dir, "tiny16.toml",
                       text + "\n[topologies]\nmlp = \"" + (dir / "mlp16.csv").string() + "\"\n"),
                 Mode::normal);
  check_same_costs(derived, csv16);
  // The 784-256-10 CSV is another workload: an override is used as given.
  const Study csv784 =
      load_study(write(dir, "tiny784.toml",
                       text + "\n[topologies]\nmlp = \"" + configs + "/topologies/mlp.csv\"\n"),
                 Mode::normal);
  std::vector<GroupResult> gd = groups_of(derived), gc = groups_of(csv784);
  cost(derived, gd);
  cost(csv784, gc);
  REQUIRE(gd.front().hardware);
  REQUIRE(gc.front().hardware);
  CHECK(gd.front().hardware->energy_pj < gc.front().hardware->energy_pj);
  fs::remove_all(dir);
}
