#include "lnslab/study/report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <set>

#include "lnslab/util/files.hpp"
#include "plots.hpp"
#include "tables.hpp"

namespace lnslab::study {
namespace {

namespace fs = std::filesystem;
using detail::config_name;
using util::write_file_atomically;

std::string file_name(const std::string& accelerator) {
  std::string s;
  for (char c : accelerator) s += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return s + ".toml";
}

// A CSV text field, quoted (a datapath spec holds commas), quotes doubled.
std::string csv_text(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string csv_row(const GroupResult& g) {
  // The test_acc columns are the classifiers' score; every model's is in the score columns.
  const bool accuracy = g.score->name == score_test_accuracy && g.final_score;
  const Stat acc = accuracy ? *g.final_score : Stat{};
  std::string row =
      fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{:.6f},{:.1f}", csv_text(config_name(g)),
                  g.model, g.optimizer, g.numerics, csv_text(g.format), g.bits, g.lr,
                  g.seeds.size(), accuracy ? fmt::format("{:.6f}", acc.mean) : "",
                  accuracy ? fmt::format("{:.6f}", acc.min) : "",
                  accuracy ? fmt::format("{:.6f}", acc.max) : "",
                  g.delta_vs_fp32 ? fmt::format("{:.6f}", *g.delta_vs_fp32) : "",
                  g.train_accuracy.mean, g.images_per_second);
  if (g.hardware) {
    const HardwareCost& h = *g.hardware;
    row += fmt::format(",{},{},{},{},{},{:.1f},{:.0f},{:.1f},{:.1f},{:.1f},{:.1f}",
                       csv_text(h.accelerator), h.pe, csv_text(h.format), csv_text(h.datapath),
                       h.update, h.energy_pj, h.cycles, h.split.compute, h.split.on_chip,
                       h.split.off_chip, h.split.update);
  } else {
    row += ",,,,,,,,,,,";
  }
  row += fmt::format(",{},{}", g.score->name, g.score->lower_is_better ? 1 : 0);
  row += g.final_score ? fmt::format(",{:.6f},{:.6f},{:.6f}", g.final_score->mean,
                                     g.final_score->min, g.final_score->max)
                       : std::string(",,,");
  return row + "\n";
}

const char* kCsvHeader =
    "configuration,model,optimizer,numerics,format,bits,lr,seeds,test_acc_mean,test_acc_min,"
    "test_acc_max,delta_vs_fp32,train_acc_mean,images_per_second,hw_accelerator,hw_pe,hw_format,"
    "hw_datapath,hw_update,hw_energy_pj_per_step,hw_cycles_per_step,hw_compute_pj,"
    "hw_on_chip_pj,hw_off_chip_pj,hw_update_pj,score,score_lower_is_better,score_mean,"
    "score_min,score_max\n";

// What the table's model-specific metric columns are ("" for a study without any).
std::string metrics_sentence(const StudyResults& r) {
  std::set<std::string> models;
  for (const GroupResult& g : r.groups)
    if (!g.metrics.empty()) models.insert(g.model);
  std::string notes;
  for (const std::string& m : models) notes += (notes.empty() ? "" : "; ") + describe_metrics(m);
  return notes.empty() ? ""
                       : "Model-specific metrics of the final epoch, likewise: " + notes + ". ";
}

// What the tables' score columns are, for the sentences below them.
std::string scores_sentence(const StudyResults& r) {
  std::string s;
  for (const Score* score : detail::scores_of(r)) {
    if (!s.empty()) s += "; ";
    s += fmt::format("`{}` ({}, {} is better)", score->title, score->name,
                     score->lower_is_better ? "lower" : "higher");
  }
  return s;
}

}  // namespace

StudyResults analyse(const Study& study, const fs::path& out) {
  StudyResults r;
  r.groups = collect(study, out);
  r.models = cost(study, r.groups);
  r.crossovers = crossover(study, r.groups);
  r.lr_sweeps = lr_sweeps(r.groups);
  return r;
}

std::string format_tables(const StudyResults& r) {
  std::string s = detail::main_table(r);
  s += "\nEnergy per training step (uJ), each configuration on its own hardware, and the "
       "baseline arrays:\n\n" +
       detail::energy_table(r);
  if (!r.lr_sweeps.empty()) s += "\nLearning rates:\n\n" + detail::lr_tables(r);
  return s;
}

std::vector<fs::path> write_report(const Study& study, const StudyResults& r, const fs::path& out,
                                   const Provenance& prov) {
  // The derived accelerators, so that `lnslab sim OUT/hardware/X.toml` reruns any row.
  const fs::path hw_dir = out / "hardware";
  fs::create_directories(hw_dir);
  std::set<std::string> written_hw;
  auto write_hw = [&](const HardwareCost& h) {
    if (written_hw.insert(h.accelerator).second)
      write_file_atomically(hw_dir / file_name(h.accelerator), h.config_toml);
  };
  for (const GroupResult& g : r.groups)
    if (g.hardware) write_hw(*g.hardware);
  for (const ModelCosts& m : r.models)
    for (const HardwareCost& h : m.baselines) write_hw(h);

  nlohmann::json j;
  j["study"] = study.name;
  j["study_file"] = study.file.string();
  j["provenance"] = {{"git_revision", prov.revision}, {"compiler", prov.compiler},
                     {"flags", prov.flags},           {"machine", prov.machine},
                     {"command", prov.command},       {"jobs", prov.jobs}};
  j["configurations"] = nlohmann::json::array();
  for (const auto& g : r.groups) j["configurations"].push_back(to_json(g));
  j["baselines"] = nlohmann::json::array();
  j["listed_accelerators"] = nlohmann::json::array();
  for (const ModelCosts& m : r.models) {
    for (const HardwareCost& h : m.baselines) j["baselines"].push_back(to_json(h));
    for (const HardwareCost& h : m.listed) j["listed_accelerators"].push_back(to_json(h));
  }
  j["lns_vs_int8"] = nlohmann::json::array();
  for (const Crossover& c : r.crossovers) j["lns_vs_int8"].push_back(to_json(c));
  j["lr_sweeps"] = nlohmann::json::array();
  for (const LrSweep& s : r.lr_sweeps) {
    nlohmann::json points = nlohmann::json::array();
    const bool accuracy = s.score->name == score_test_accuracy;
    auto mean_or_null = [](const std::optional<Stat>& st) {
      return st ? nlohmann::json(st->mean) : nlohmann::json(nullptr);
    };
    for (const LrPoint& p : s.points) {
      points.push_back({{"lr", p.lr}, {"score_mean", mean_or_null(p.score)}});
      if (accuracy) points.back()["test_accuracy_mean"] = mean_or_null(p.score);
    }
    const auto loss = s.loss_from_default();
    nlohmann::json sweep{
        {"model", s.model},
        {"label", s.label},
        {"optimizer", s.optimizer},
        {"numerics", s.numerics},
        {"format", s.format},
        {"score", s.score->name},
        {"lower_is_better", s.score->lower_is_better},
        {"points", points},
        {"best_lr", s.best.lr},
        {"best_score", s.best.score->mean},
        {"default_lr", s.default_lr},
        {"default_score", mean_or_null(s.at_default)},
        {"loss_from_not_tuning", loss ? nlohmann::json(*loss) : nlohmann::json(nullptr)}};
    // The classifiers' score under the names readers of earlier results know.
    if (accuracy) {
      sweep["best_test_accuracy"] = sweep["best_score"];
      sweep["default_test_accuracy"] = sweep["default_score"];
    }
    j["lr_sweeps"].push_back(std::move(sweep));
  }
  write_file_atomically(out / "results.json", j.dump(2) + "\n");

  std::string csv = kCsvHeader;
  for (const auto& g : r.groups) csv += csv_row(g);
  write_file_atomically(out / "results.csv", csv);

  const std::vector<fs::path> written = detail::write_plots(r, out / "plots");

  std::string md = "# lnslab study: " + study.name + "\n\n";
  md += "Study file: `" + study.file.string() + "`; command: `" + prov.command + "`.\n\n";
  md += detail::main_table(r) + "\n";
  md +=
      "The score is the final epoch's " + scores_sentence(r) +
      ", as mean [min, max] over the seeds; `vs FP32` is the difference of its mean to the "
      "FP32 run of the same optimizer family (LNS Madam vs Madam, LNS-stored SGD vs SGD, "
      "LNS-stored Adam vs Adam), in the score's units (points for an accuracy). " +
      metrics_sentence(r) +
      "uJ/step and Mcycles/step are one "
      "training step (forward, backward, weight update) of the model at the run's batch size, "
      "simulated on the configuration's own hardware: an FP32 array for FP32 runs; for "
      "`lns-weights` runs an FP32 array whose weights are stored and moved as the run's B-bit LNS "
      "codes and decoded at the array edge, with the run's update rule (LNS Madam: integer adds "
      "on the exponents; LNS-stored SGD/Adam: decode, float rule, re-encode); for `lns-full` runs "
      "the LNS accelerator they trained on. Each is derived from the study's first accelerator "
      "(same array, SRAM, DRAM and energy table) and written to `hardware/`, so "
      "`lnslab sim hardware/NAME.toml --model M --train --batch N` reruns it on the network "
      "the runs trained (add `--input 1x16x16` on synthetic data; `--topology T` instead for a "
      "model the study costs from its `[topologies]`). `vs FP32 "
      "array` and `vs INT8 array` divide by the baseline arrays below (FP32 Madam update unit "
      "on each).\n\n";
  md += "## Energy per step by component\n\n" + detail::energy_table(r) + "\n";
  md +=
      "compute: the PEs' arithmetic (and the weight decode of LNS-weight arrays); on-chip: SRAM "
      "and PE registers; off-chip: the GEMMs' DRAM traffic; update unit: the optimizer's "
      "arithmetic and its DRAM traffic (gradients, weights, state).\n\n";
  const std::string crossing = detail::crossover_text(r);
  if (!crossing.empty()) md += "## LNS arithmetic against INT8\n\n" + crossing;
  if (!r.lr_sweeps.empty()) {
    md += "## Learning rates\n\n" + detail::lr_tables(r);
    md +=
        "The best lr is the one with the best mean score over the seeds (the highest test "
        "accuracy; the lowest bits per character or Fréchet distance); the loss from not tuning "
        "is how much worse the score at `lnslab train`'s default lr for the optimizer is than "
        "the best one's.\n\n";
  }
  const std::string listed = detail::listed_table(r);
  if (!listed.empty())
    md +=
        "## Cross-costing: each model's step on the listed accelerators as configured\n\n"
        "Not any configuration's hardware: the same step on each file of the study's "
        "`accelerators` list with that file's own PE and update unit.\n\n" +
        listed + "\n";
  md += "## Settings\n\n| run | arguments of `lnslab train` |\n|---|---|\n";
  for (const RunSpec& run : study.runs) {
    std::string args;
    for (const auto& a : run.train_args) args += a + " ";
    md += "| " + run.id + " | `" + args + "` |\n";
  }
  md += "\n## Provenance\n\n";
  md += "- git revision: " + prov.revision + "\n- compiler: " + prov.compiler +
        "\n- flags: " + prov.flags + "\n- machine: " + prov.machine +
        "\n- parallel runs: " + std::to_string(prov.jobs) +
        " (each run single-threaded; results do not depend on it)\n";
  std::set<std::uint64_t> seeds;
  for (const RunSpec& run : study.runs) seeds.insert(run.seed);
  md += "- seeds:";
  for (auto s : seeds) md += fmt::format(" {}", s);
  md += "\n\n## Plots\n\n";
  for (const char* name : detail::plot_names)
    if (fs::exists(out / "plots" / (std::string(name) + ".png")))
      md += fmt::format("![{}](plots/{}.png)\n\n", name, name);
  if (written.empty()) md += "(gnuplot was not available or failed: see plots/gnuplot.log)\n";
  write_file_atomically(out / "report.md", md);
  return written;
}

}  // namespace lnslab::study
