#include "lnslab/study/results.hpp"

#include "lnslab/nn/run_record.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "lnslab/nn/dataset.hpp"
#include "lnslab/nn/models.hpp"
#include "lnslab/nn/text_corpus.hpp"
#include "lnslab/nn/workload.hpp"
#include "lnslab/sim/accelerator.hpp"
#include "lnslab/sim/timing.hpp"
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
  const nn::OptimizerDescriptor* d = nn::find_optimizer(optimizer);
  return d ? d->fp32_family : optimizer;
}

// A model's training step at a batch size: sim::training_step of the study's [topologies] CSV for
// it when there is one (conv output sizes rounded as `config`'s timing mode does), else the step
// of the network its runs train (nn/workload.hpp: a cgan step is both networks') on the study's
// data: the synthetic set's shape, the IDX test split's, or the transformer's context of byte ids.
class StepOf {
 public:
  StepOf(const Study& study, const sim::Config& config) : study_(study), config_(config) {}

  sim::Workload operator()(const std::string& group, const std::string& model, int batch) {
    try {
      if (const auto it = study_.topologies.find(model); it != study_.topologies.end())
        return sim::training_step(
            sim::load_topology(it->second, batch, sim::conv_output(config_.array.timing)));
      const auto run = std::find_if(study_.runs.begin(), study_.runs.end(),
                                    [&](const RunSpec& r) { return r.group == group; });
      if (run == study_.runs.end())
        throw StudyError("configuration '" + group + "' has no run in " + study_.file.string());
      if (run->model_spec.kind == "transformer")
        return nn::training_workload(
            nn::build_model<float>(run->model_spec,
                                   nn::Shape{run->model_spec.transformer.context, 1, 1},
                                   nn::byte_vocabulary),
            batch);
      if (!input_) {
        if (study_.data == "synthetic") {
          input_ = {nn::synthetic_shape, nn::synthetic_classes};
        } else {
          const nn::Dataset test = nn::load_idx_split(study_.data, "t10k");
          input_ = {test.shape, test.classes};
        }
      }
      return nn::training_workload(run->model_spec, input_->first, input_->second, batch);
    } catch (const StudyError&) {
      throw;
    } catch (const std::exception& e) {
      throw StudyError(study_.file.string() + ": costing model '" + model + "': " + e.what());
    }
  }

 private:
  const Study& study_;
  const sim::Config& config_;
  std::optional<std::pair<nn::Shape, int>> input_;  // the data's sample shape and classes
};

sim::Config load_template(const Study& study) {
  if (study.accelerators.empty())
    throw StudyError(study.file.string() +
                     ": key 'accelerators': the list is empty; its first entry is the template "
                     "of every configuration's hardware");
  try {
    return sim::load_config(study.accelerators.front());
  } catch (const std::exception& e) {
    throw StudyError(e.what());
  }
}

}  // namespace

std::vector<GroupResult> collect(const Study& study, const fs::path& out) {
  std::vector<GroupResult> groups;
  std::map<std::string, std::size_t> index;
  std::map<std::string, std::vector<double>> scores, train_acc, speed;
  std::map<std::string, std::size_t> unscored;  // runs whose record has no final score
  std::map<std::string, std::map<std::string, std::vector<double>>> metrics;
  std::map<std::string, std::vector<std::vector<double>>> train_curves, held_out_curves;
  for (const RunSpec& run : study.runs) {
    const fs::path file = run_dir(out, run) / "run.json";
    nn::RunRecord record;
    try {
      std::ifstream in(file);
      if (!in) throw std::runtime_error("missing");
      record = nn::run_record_from_json(nlohmann::json::parse(in));
    } catch (const std::exception& e) {
      throw StudyError(file.string() + ": cannot read the run's results (" + e.what() + ")");
    }
    if (record.epochs.empty())
      throw StudyError(file.string() + ": the run's record has no completed epoch");
    // The record must be of this run (a stale directory of another configuration is not).
    const nn::TrainConfig& s = record.settings;
    if (s.optimizer != run.optimizer || s.numerics != run.numerics || s.seed != run.seed ||
        s.lr != run.lr || s.model.kind != run.model || s.batch != run.batch)
      throw StudyError(fmt::format(
          "{}: the record is of another run ({} {} lr {} seed {}, expected {} {} lr {} seed {})",
          file.string(), s.optimizer, s.numerics, s.lr, s.seed, run.optimizer, run.numerics, run.lr,
          run.seed));
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
      g.lr = run.lr;
      g.batch = run.batch;
      g.accelerator = run.accelerator;
      g.update = run.update;
      g.score = &score_of(run.model);
      groups.push_back(std::move(g));
    }
    GroupResult& g = groups[it->second];
    g.seeds.push_back(run.seed);
    g.run_ids.push_back(run.id);
    if (const auto v = final_score(*g.score, record))
      scores[run.group].push_back(*v);
    else
      ++unscored[run.group];
    for (const auto& [name, value] : final_metrics(record))
      metrics[run.group][name].push_back(value);
    std::vector<double> tr;
    double ips = 0.0;
    for (const nn::EpochRecord& e : record.epochs) {
      tr.push_back(e.train_loss);
      ips += e.images_per_second;
    }
    train_acc[run.group].push_back(record.epochs.back().train_accuracy);
    speed[run.group].push_back(ips / static_cast<double>(record.epochs.size()));
    train_curves[run.group].push_back(tr);
    if (std::vector<double> h = held_out_loss(record); !h.empty())
      held_out_curves[run.group].push_back(std::move(h));
  }
  for (GroupResult& g : groups) {
    if (unscored[g.group] == 0) g.final_score = stat_of(scores[g.group]);
    for (const auto& [name, values] : metrics[g.group]) g.metrics[name] = stat_of(values);
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
    // Only when every seed has one (a mean over some seeds is no configuration's curve).
    if (held_out_curves[g.group].size() == g.seeds.size())
      g.held_out_loss = mean_curve(held_out_curves[g.group]);
  }
  // Each configuration against the FP32 run of its optimizer family (same model): the one of the
  // same lr where the study has it, else the one of the nearest lr on a log scale (an lr sweep:
  // 8-bit LNS Madam at 0.016 against FP32 Madam at 0.01, not at the sweep's first lr), the first
  // of equally near ones.
  auto lr_distance = [](double a, double b) {
    return a > 0 && b > 0 ? std::abs(std::log(a / b)) : (a == b ? 0.0 : HUGE_VAL);
  };
  for (GroupResult& g : groups) {
    const GroupResult* ref = nullptr;
    for (const GroupResult& r : groups) {
      if (r.numerics != "fp32" || r.model != g.model || r.optimizer != fp32_family(g.optimizer))
        continue;
      if (ref == nullptr || lr_distance(r.lr, g.lr) < lr_distance(ref->lr, g.lr)) ref = &r;
    }
    if (ref && ref->final_score && g.final_score) {
      g.delta_vs_fp32 = g.final_score->mean - ref->final_score->mean;
      g.reference_group = ref->group;
    }
  }
  return groups;
}

std::vector<ModelCosts> cost(const Study& study, std::vector<GroupResult>& groups) {
  const sim::Config tmpl = load_template(study);
  std::vector<sim::Config> listed;
  try {
    for (const auto& path : study.accelerators) listed.push_back(sim::load_config(path));
  } catch (const std::exception& e) {
    throw StudyError(e.what());
  }
  std::vector<ModelCosts> models;
  // Per model and batch (a study trains one network per model).
  std::map<std::pair<std::string, int>, sim::Workload> steps;
  StepOf step_of(study, tmpl);
  auto workload = [&](const GroupResult& g) -> const sim::Workload& {
    auto [it, inserted] = steps.try_emplace({g.model, g.batch});
    if (inserted) it->second = step_of(g.group, g.model, g.batch);
    return it->second;
  };
  for (GroupResult& g : groups) {
    const sim::Config hw = hardware_config(tmpl, {g.update, g.numerics, g.format, g.accelerator});
    g.hardware = cost_training_step(hw, workload(g), g.model, g.batch);
    const bool known = std::any_of(models.begin(), models.end(), [&](const ModelCosts& m) {
      return m.model == g.model && m.batch == g.batch;
    });
    if (known) continue;
    ModelCosts m;
    m.model = g.model;
    m.batch = g.batch;
    for (sim::PeType pe :
         {sim::PeType::fp32, sim::PeType::int8, sim::PeType::fp16, sim::PeType::bf16})
      m.baselines.push_back(
          cost_training_step(baseline_config(tmpl, pe), workload(g), g.model, g.batch));
    for (const sim::Config& c : listed)
      m.listed.push_back(cost_training_step(c, workload(g), g.model, g.batch));
    models.push_back(std::move(m));
  }
  return models;
}

std::vector<Crossover> crossover(const Study& study, const std::vector<GroupResult>& groups) {
  const sim::Config tmpl = load_template(study);
  StepOf step_of(study, tmpl);
  std::vector<Crossover> out;
  for (const GroupResult& g : groups) {
    if (g.numerics != "lns-full") continue;
    if (std::any_of(out.begin(), out.end(), [&](const Crossover& c) { return c.model == g.model; }))
      continue;
    const sim::Config lns = hardware_config(tmpl, {g.update, g.numerics, g.format, g.accelerator});
    const sim::Config int8 = baseline_config(tmpl, sim::PeType::int8);
    Crossover c;
    c.model = g.model;
    c.lns_accelerator = lns.name;
    for (int array : {16, 32, 64, 128}) {
      for (int batch : {32, 128, 512, 2048}) {
        sim::Config a = lns, b = int8;
        for (sim::Config* x : {&a, &b}) {
          x->array.rows = x->array.cols = array;
          x->update.lanes = array;
        }
        // A point whose smallest tile does not fit the template's SRAM is left out.
        try {
          sim::validate(a);
          sim::validate(b);
        } catch (const std::exception&) {
          continue;
        }
        const sim::Workload f = step_of(g.group, g.model, batch);
        const HardwareCost l = cost_training_step(a, f, g.model, batch);
        const HardwareCost i = cost_training_step(b, f, g.model, batch);
        c.points.push_back({array, batch, l.energy_pj, i.energy_pj, l.energy_pj - l.split.update,
                            i.energy_pj - i.split.update});
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

nlohmann::json to_json(const GroupResult& g) {
  auto stat = [](const Stat& s) {
    return nlohmann::json{{"mean", s.mean}, {"min", s.min}, {"max", s.max}};
  };
  const bool accuracy = g.score->name == score_test_accuracy;
  nlohmann::json score{{"name", g.score->name}, {"lower_is_better", g.score->lower_is_better}};
  if (g.final_score) score.update(stat(*g.final_score));
  nlohmann::json j{
      {"group", g.group},
      {"label", g.label},
      {"model", g.model},
      {"optimizer", g.optimizer},
      {"numerics", g.numerics},
      {"format", g.format},
      {"bits", g.bits},
      {"seeds", g.seeds},
      {"runs", g.run_ids},
      {"score", score},
      // The classifiers' score under its own name too (the key readers know).
      {"test_accuracy", accuracy && g.final_score ? stat(*g.final_score) : nlohmann::json(nullptr)},
      {"train_accuracy", stat(g.train_accuracy)},
      {"images_per_second", g.images_per_second},
      {"train_loss_per_epoch", g.train_loss},
      {"lr", g.lr},
      {"batch", g.batch}};
  j[held_out_loss_name(g.model) + "_per_epoch"] = g.held_out_loss;
  if (!g.metrics.empty()) {
    j["metrics"] = nlohmann::json::object();
    for (const auto& [name, st] : g.metrics) j["metrics"][name] = stat(st);
  }
  j["hardware"] = g.hardware ? to_json(*g.hardware) : nlohmann::json(nullptr);
  j["delta_vs_fp32"] = g.delta_vs_fp32 ? nlohmann::json(*g.delta_vs_fp32) : nlohmann::json(nullptr);
  j["reference_group"] = g.reference_group;
  return j;
}

nlohmann::json to_json(const ModelCosts& m) {
  nlohmann::json j{{"model", m.model}, {"batch", m.batch}};
  j["baselines"] = nlohmann::json::array();
  for (const HardwareCost& h : m.baselines) j["baselines"].push_back(to_json(h));
  j["listed_accelerators"] = nlohmann::json::array();
  for (const HardwareCost& h : m.listed) j["listed_accelerators"].push_back(to_json(h));
  return j;
}

nlohmann::json to_json(const Crossover& c) {
  nlohmann::json points = nlohmann::json::array();
  for (const CrossoverPoint& p : c.points)
    points.push_back({{"array", p.array},
                      {"batch", p.batch},
                      {"lns_energy_pj_per_step", p.lns_pj},
                      {"int8_energy_pj_per_step", p.int8_pj},
                      {"lns_gemm_energy_pj_per_step", p.lns_gemm_pj},
                      {"int8_gemm_energy_pj_per_step", p.int8_gemm_pj}});
  return {{"model", c.model}, {"lns_accelerator", c.lns_accelerator}, {"points", points}};
}

}  // namespace lnslab::study
