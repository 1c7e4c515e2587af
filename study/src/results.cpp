#include "lnslab/study/results.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "lnslab/sim/accelerator.hpp"
#include "lnslab/sim/workload.hpp"
#include "lnslab/study/runner.hpp"

namespace lnslab::study {
namespace {

namespace fs = std::filesystem;

Stat stat_of(const std::vector<double>& v) {
  Stat s;
  if (v.empty()) return s;
  s.min = *std::min_element(v.begin(), v.end());
  s.max = *std::max_element(v.begin(), v.end());
  double sum = 0.0;
  for (double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  return s;
}

std::string fp32_family(const std::string& optimizer) {
  if (optimizer.rfind("lns-", 0) == 0) return optimizer.substr(4);
  return optimizer;
}

sim::Optimizer sim_optimizer(const std::string& optimizer) {
  const std::string family = fp32_family(optimizer);
  if (optimizer == "lns-madam") return sim::Optimizer::lns_madam;
  if (family == "madam") return sim::Optimizer::madam;
  if (family == "sgd") return sim::Optimizer::sgd;
  return sim::Optimizer::adam;
}

}  // namespace

std::vector<GroupResult> collect(const Study& study, const fs::path& out) {
  std::vector<GroupResult> groups;
  std::map<std::string, std::size_t> index;
  std::map<std::string, std::vector<double>> test_acc, train_acc, speed;
  std::map<std::string, std::vector<std::vector<double>>> train_curves, test_curves;
  for (const RunSpec& run : study.runs) {
    const fs::path file = run_dir(out, run) / "run.json";
    nlohmann::json j;
    try {
      std::ifstream in(file);
      if (!in) throw std::runtime_error("missing");
      j = nlohmann::json::parse(in);
    } catch (const std::exception& e) {
      throw StudyError(file.string() + ": cannot read the run's results (" + e.what() + ")");
    }
    auto [it, inserted] = index.try_emplace(run.group, groups.size());
    if (inserted) {
      GroupResult g;
      g.group = run.group;
      g.label = run.label;
      g.model = run.model;
      g.optimizer = run.optimizer;
      g.numerics = run.numerics;
      g.format = run.format;
      g.bits = run.bits;
      groups.push_back(std::move(g));
    }
    GroupResult& g = groups[it->second];
    g.seeds.push_back(run.seed);
    g.run_ids.push_back(run.id);
    // A missing or mistyped field is an error naming the file, not a JSON library exception.
    try {
      test_acc[run.group].push_back(j.at("final_test_accuracy").get<double>());
      const auto& epochs = j.at("epochs");
      std::vector<double> tr, te;
      double ips = 0.0;
      for (const auto& e : epochs) {
        tr.push_back(e.at("train_loss").get<double>());
        te.push_back(e.at("test_loss").get<double>());
        ips += e.at("images_per_second").get<double>();
      }
      train_acc[run.group].push_back(
          epochs.empty() ? 0.0 : epochs.back().at("train_accuracy").get<double>());
      speed[run.group].push_back(epochs.empty() ? 0.0 : ips / static_cast<double>(epochs.size()));
      train_curves[run.group].push_back(tr);
      test_curves[run.group].push_back(te);
    } catch (const nlohmann::json::exception& e) {
      throw StudyError(file.string() + ": malformed run record (" + e.what() + ")");
    }
  }
  for (GroupResult& g : groups) {
    g.test_accuracy = stat_of(test_acc[g.group]);
    g.train_accuracy = stat_of(train_acc[g.group]);
    g.images_per_second = stat_of(speed[g.group]).mean;
    auto mean_curve = [](const std::vector<std::vector<double>>& curves) {
      std::size_t n = curves.empty() ? 0 : curves.front().size();
      for (const auto& c : curves) n = std::min(n, c.size());
      std::vector<double> m(n, 0.0);
      for (const auto& c : curves)
        for (std::size_t i = 0; i < n; ++i) m[i] += c[i] / static_cast<double>(curves.size());
      return m;
    };
    g.train_loss = mean_curve(train_curves[g.group]);
    g.test_loss = mean_curve(test_curves[g.group]);
  }
  // Each LNS configuration against the FP32 run of its optimizer family (same model).
  for (GroupResult& g : groups) {
    for (const GroupResult& r : groups) {
      if (r.numerics == "fp32" && r.model == g.model && r.optimizer == fp32_family(g.optimizer)) {
        g.delta_vs_fp32 = g.test_accuracy.mean - r.test_accuracy.mean;
        g.reference_group = r.group;
        break;
      }
    }
  }
  return groups;
}

void cost(const Study& study, std::vector<GroupResult>& groups) {
  std::vector<sim::Config> configs;
  try {
    for (const auto& path : study.accelerators) configs.push_back(sim::load_config(path));
  } catch (const std::exception& e) {
    throw StudyError(e.what());
  }
  std::map<std::string, sim::Workload> steps;
  for (GroupResult& g : groups) {
    if (!steps.count(g.model)) {
      try {
        steps[g.model] =
            sim::training_step(sim::load_topology(study.topologies.at(g.model), study.batch));
      } catch (const std::exception& e) {
        throw StudyError(e.what());
      }
    }
    for (sim::Config c : configs) {
      c.update.optimizer = sim_optimizer(g.optimizer);
      const sim::RunReport r = sim::simulate(c, steps[g.model]);
      StepCost s;
      s.accelerator = c.name;
      s.cycles = static_cast<double>(r.total.timing.total_cycles);
      s.energy_pj = r.total.energy_pj;
      s.energy_by_component = r.total.energy_by_component;
      g.costs.push_back(std::move(s));
    }
  }
}

nlohmann::json to_json(const GroupResult& g) {
  auto stat = [](const Stat& s) {
    return nlohmann::json{{"mean", s.mean}, {"min", s.min}, {"max", s.max}};
  };
  nlohmann::json costs = nlohmann::json::array();
  for (const StepCost& c : g.costs) {
    nlohmann::json by = nlohmann::json::object();
    for (const auto& [k, v] : c.energy_by_component) by[k] = v;
    costs.push_back({{"accelerator", c.accelerator},
                     {"cycles_per_step", c.cycles},
                     {"energy_pj_per_step", c.energy_pj},
                     {"energy_pj_by_component", by}});
  }
  nlohmann::json j{{"group", g.group},
                   {"label", g.label},
                   {"model", g.model},
                   {"optimizer", g.optimizer},
                   {"numerics", g.numerics},
                   {"format", g.format},
                   {"bits", g.bits},
                   {"seeds", g.seeds},
                   {"runs", g.run_ids},
                   {"test_accuracy", stat(g.test_accuracy)},
                   {"train_accuracy", stat(g.train_accuracy)},
                   {"images_per_second", g.images_per_second},
                   {"train_loss_per_epoch", g.train_loss},
                   {"test_loss_per_epoch", g.test_loss},
                   {"costs", costs}};
  j["delta_vs_fp32"] = g.delta_vs_fp32 ? nlohmann::json(*g.delta_vs_fp32) : nlohmann::json(nullptr);
  j["reference_group"] = g.reference_group;
  return j;
}

}  // namespace lnslab::study
