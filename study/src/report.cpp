#include "lnslab/study/report.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace lnslab::study {
namespace {

namespace fs = std::filesystem;

void write_atomically(const fs::path& path, const std::string& text) {
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << text;
    if (!out) throw StudyError("cannot write " + path.string());
  }
  fs::rename(tmp, path);
}

std::string pct(double fraction) {
  return fmt::format("{:.2f}", 100.0 * fraction);
}

std::string config_name(const GroupResult& g) {
  std::string s = g.label;
  if (!g.format.empty()) s += " " + g.format;
  if (g.numerics == "lns-full") s += " (lns-full)";
  return s;
}

// Energy of the FP32 accelerator (the study's first accelerator named like fp32) for a group.
const StepCost* fp32_cost(const GroupResult& g) {
  for (const StepCost& c : g.costs)
    if (c.accelerator.find("fp32") != std::string::npos) return &c;
  return nullptr;
}

std::string family(const std::string& optimizer) {
  return optimizer.rfind("lns-", 0) == 0 ? optimizer.substr(4) : optimizer;
}

}  // namespace

std::string format_table(const std::vector<GroupResult>& groups) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> head{
      "configuration", "model",       "bits",    "seeds", "test acc % (mean [min, max])",
      "vs FP32",       "train acc %", "images/s"};
  std::vector<std::string> accelerators;
  if (!groups.empty())
    for (const StepCost& c : groups.front().costs) accelerators.push_back(c.accelerator);
  for (const auto& a : accelerators) {
    head.push_back(a + " uJ/step");
    head.push_back(a + " Mcycles/step");
  }
  if (!accelerators.empty()) head.push_back("energy vs FP32 acc.");
  rows.push_back(head);
  for (const GroupResult& g : groups) {
    std::vector<std::string> r{
        config_name(g),
        g.model,
        std::to_string(g.bits),
        std::to_string(g.seeds.size()),
        fmt::format("{} [{}, {}]", pct(g.test_accuracy.mean), pct(g.test_accuracy.min),
                    pct(g.test_accuracy.max)),
        g.delta_vs_fp32 ? fmt::format("{:+.2f}", 100.0 * *g.delta_vs_fp32) : "-",
        pct(g.train_accuracy.mean),
        fmt::format("{:.0f}", g.images_per_second)};
    for (const StepCost& c : g.costs) {
      r.push_back(fmt::format("{:.2f}", c.energy_pj * 1e-6));
      r.push_back(fmt::format("{:.3f}", c.cycles * 1e-6));
    }
    if (!accelerators.empty()) {
      // The cheapest accelerator of the study for this configuration, relative to the FP32 one.
      const StepCost* f = fp32_cost(g);
      const StepCost* best = &g.costs.front();
      for (const StepCost& c : g.costs)
        if (c.energy_pj < best->energy_pj) best = &c;
      r.push_back(
          f && f->energy_pj > 0
              ? fmt::format("{:.3f}x ({})", best->energy_pj / f->energy_pj, best->accelerator)
              : "-");
    }
    rows.push_back(r);
  }
  std::vector<std::size_t> w(head.size(), 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], r[i].size());
  std::string out;
  for (std::size_t ri = 0; ri < rows.size(); ++ri) {
    std::string line = "|";
    for (std::size_t i = 0; i < rows[ri].size(); ++i)
      // fmt::format_to avoids GCC 12's false -Wrestrict on chained string concatenation.
      if (i == 0)
        fmt::format_to(std::back_inserter(line), " {:<{}} |", rows[ri][i], w[i]);
      else
        fmt::format_to(std::back_inserter(line), " {:>{}} |", rows[ri][i], w[i]);
    out += line + "\n";
    if (ri == 0) {
      std::string sep = "|";
      for (std::size_t i = 0; i < w.size(); ++i) sep += std::string(w[i] + 2, '-') + "|";
      out += sep + "\n";
    }
  }
  return out;
}

std::vector<fs::path> write_report(const Study& study, const std::vector<GroupResult>& groups,
                                   const fs::path& out, const Provenance& prov) {
  // results.json / results.csv
  nlohmann::json j;
  j["study"] = study.name;
  j["study_file"] = study.file.string();
  j["provenance"] = {{"git_revision", prov.revision}, {"compiler", prov.compiler},
                     {"flags", prov.flags},           {"machine", prov.machine},
                     {"command", prov.command},       {"jobs", prov.jobs}};
  j["configurations"] = nlohmann::json::array();
  for (const auto& g : groups) j["configurations"].push_back(to_json(g));
  write_atomically(out / "results.json", j.dump(2) + "\n");

  std::string csv =
      "configuration,model,optimizer,numerics,format,bits,seeds,test_acc_mean,"
      "test_acc_min,test_acc_max,delta_vs_fp32,train_acc_mean,images_per_second";
  for (const StepCost& c : groups.empty() ? std::vector<StepCost>{} : groups.front().costs)
    csv += "," + c.accelerator + "_energy_pj_per_step," + c.accelerator + "_cycles_per_step";
  csv += "\n";
  for (const auto& g : groups) {
    csv +=
        fmt::format("\"{}\",{},{},{},{},{},{},{:.6f},{:.6f},{:.6f},{},{:.6f},{:.1f}",
                    config_name(g), g.model, g.optimizer, g.numerics, g.format, g.bits,
                    g.seeds.size(), g.test_accuracy.mean, g.test_accuracy.min, g.test_accuracy.max,
                    g.delta_vs_fp32 ? fmt::format("{:.6f}", *g.delta_vs_fp32) : "",
                    g.train_accuracy.mean, g.images_per_second);
    for (const StepCost& c : g.costs) csv += fmt::format(",{:.1f},{:.0f}", c.energy_pj, c.cycles);
    csv += "\n";
  }
  write_atomically(out / "results.csv", csv);

  // Plots: data files and one gnuplot script.
  const fs::path plots = out / "plots";
  fs::create_directories(plots);
  std::map<std::string, std::vector<const GroupResult*>> by_family;
  for (const auto& g : groups)
    if (g.numerics != "lns-full") by_family[g.model + " " + family(g.optimizer)].push_back(&g);
  std::string acc_data, rel_data;
  std::vector<std::string> series;
  for (auto& [name, gs] : by_family) {
    std::sort(gs.begin(), gs.end(), [](auto* a, auto* b) { return a->bits < b->bits; });
    series.push_back(name);
    acc_data += "# " + name + "\n";
    rel_data += "# " + name + "\n";
    for (const GroupResult* g : gs) {
      acc_data += fmt::format("{} {:.4f} {:.4f} {:.4f}\n", g->bits, 100 * g->test_accuracy.mean,
                              100 * g->test_accuracy.min, 100 * g->test_accuracy.max);
      if (g->delta_vs_fp32)
        rel_data += fmt::format("{} {:.4f}\n", g->bits, 100 * *g->delta_vs_fp32);
    }
    acc_data += "\n\n";
    rel_data += "\n\n";
  }
  write_atomically(plots / "accuracy_vs_bits.dat", acc_data);
  write_atomically(plots / "relative_vs_bits.dat", rel_data);
  std::string loss_data;
  for (const auto& g : groups) {
    loss_data += "# " + config_name(g) + "\n";
    for (std::size_t e = 0; e < g.test_loss.size(); ++e)
      loss_data += fmt::format("{} {:.6f} {:.6f}\n", e + 1, g.train_loss[e], g.test_loss[e]);
    loss_data += "\n\n";
  }
  write_atomically(plots / "loss_curves.dat", loss_data);
  // Energy per step by component: for each accelerator, the first LNS Madam configuration's
  // step (the component split barely depends on the configuration), else the first one.
  const GroupResult* rep = groups.empty() ? nullptr : &groups.front();
  for (const auto& g : groups)
    if (g.optimizer == "lns-madam") {
      rep = &g;
      break;
    }
  std::string energy_data;
  std::set<std::string> components;
  if (rep)
    for (const StepCost& c : rep->costs)
      for (const auto& [k, v] : c.energy_by_component) components.insert(k);
  if (rep) {
    energy_data = "accelerator";
    for (const auto& k : components) energy_data += " \"" + k + "\"";
    energy_data += "\n";
    for (const StepCost& c : rep->costs) {
      energy_data += "\"" + c.accelerator + "\"";
      for (const auto& k : components) {
        double v = 0.0;
        for (const auto& [name, e] : c.energy_by_component)
          if (name == k) v = e;
        energy_data += fmt::format(" {:.6f}", v * 1e-6);
      }
      energy_data += "\n";
    }
  }
  write_atomically(plots / "energy_by_component.dat", energy_data);

  std::string gp;
  for (const char* term : {"svg", "png"}) {
    const std::string t =
        std::string(term) == "svg" ? "svg size 900,540 dynamic" : "pngcairo size 900,540";
    gp += fmt::format("set terminal {} noenhanced\nset key outside right\nset grid\n", t);
    gp += fmt::format("set output '{}/accuracy_vs_bits.{}'\n", plots.string(), term);
    gp +=
        "set title 'Test accuracy vs weight bits (32 = FP32)'\nset xlabel 'bits'\n"
        "set ylabel 'test accuracy (%)'\nset xtics (8, 10, 12, 16, 32)\nset logscale x 2\n";
    std::string p = "plot ";
    for (std::size_t i = 0; i < series.size(); ++i)
      p += fmt::format(
          "{}'{}/accuracy_vs_bits.dat' index {} using 1:2:3:4 with yerrorlines "
          "title '{}'",
          i ? ", " : "", plots.string(), i, series[i]);
    gp += p + "\n";
    gp += fmt::format("set output '{}/relative_vs_bits.{}'\n", plots.string(), term);
    gp +=
        "set title 'Test accuracy relative to each optimizer''s own FP32 run'\n"
        "set ylabel 'difference (points)'\n";
    p = "plot 0 notitle lc rgb 'gray'";
    for (std::size_t i = 0; i < series.size(); ++i)
      p += fmt::format(", '{}/relative_vs_bits.dat' index {} using 1:2 with linespoints title '{}'",
                       plots.string(), i, series[i]);
    gp += p + "\nunset logscale x\nset xtics autofreq\n";
    gp += fmt::format("set output '{}/loss_curves.{}'\n", plots.string(), term);
    gp += "set title 'Test loss per epoch'\nset xlabel 'epoch'\nset ylabel 'test loss'\n";
    p = "plot ";
    for (std::size_t i = 0; i < groups.size(); ++i)
      p += fmt::format("{}'{}/loss_curves.dat' index {} using 1:3 with linespoints title '{}'",
                       i ? ", " : "", plots.string(), i, config_name(groups[i]));
    gp += p + "\n";
    if (!components.empty()) {
      gp += fmt::format("set output '{}/energy_by_component.{}'\n", plots.string(), term);
      gp +=
          "set title 'Energy per training step by component'\nset ylabel 'uJ per step'\n"
          "set xlabel ''\nset style data histograms\nset style histogram rowstacked\n"
          "set style fill solid 0.8 border -1\nset boxwidth 0.6\nset key autotitle columnhead\n";
      gp += fmt::format("plot for [i=2:{}] '{}/energy_by_component.dat' using i:xtic(1)\n",
                        components.size() + 1, plots.string());
      gp += "unset style\nset style data lines\nset key noautotitle\n";
    }
  }
  write_atomically(plots / "plots.gp", gp);
  std::vector<fs::path> written;
  const std::string cmd = "gnuplot '" + (plots / "plots.gp").string() + "' 2>'" +
                          (plots / "gnuplot.log").string() + "'";
  if (std::system("command -v gnuplot >/dev/null 2>&1") == 0 && std::system(cmd.c_str()) == 0) {
    for (const char* name :
         {"accuracy_vs_bits", "relative_vs_bits", "loss_curves", "energy_by_component"})
      for (const char* ext : {".svg", ".png"})
        if (fs::exists(plots / (std::string(name) + ext)))
          written.push_back(plots / (std::string(name) + ext));
  }

  // report.md
  std::string md = "# lnslab study: " + study.name + "\n\n";
  md += "Study file: `" + study.file.string() + "`; command: `" + prov.command + "`.\n\n";
  md += format_table(groups) + "\n";
  md +=
      "Test accuracy is the final epoch's, as mean [min, max] over the seeds; `vs FP32` is the "
      "difference (points) to the FP32 run of the same optimizer family (LNS Madam vs Madam, "
      "LNS-stored SGD vs SGD, LNS-stored Adam vs Adam). uJ/step and Mcycles/step are one "
      "training step (forward, backward, weight update with the configuration's optimizer) of "
      "the model at the study's batch size, simulated on each accelerator. The last column is "
      "the cheapest accelerator's energy relative to the FP32 accelerator's.\n\n";
  md += "## Settings\n\n| run | arguments of `lnslab train` |\n|---|---|\n";
  for (const RunSpec& r : study.runs) {
    std::string args;
    for (const auto& a : r.train_args) args += a + " ";
    md += "| " + r.id + " | `" + args + "` |\n";
  }
  md += "\n## Provenance\n\n";
  md += "- git revision: " + prov.revision + "\n- compiler: " + prov.compiler +
        "\n- flags: " + prov.flags + "\n- machine: " + prov.machine +
        "\n- parallel runs: " + std::to_string(prov.jobs) +
        " (each run single-threaded; results do not depend on it)\n";
  std::set<std::uint64_t> seeds;
  for (const RunSpec& r : study.runs) seeds.insert(r.seed);
  md += "- seeds:";
  for (auto s : seeds) md += " " + std::to_string(s);
  md += "\n\n## Plots\n\n";
  for (const char* name :
       {"accuracy_vs_bits", "relative_vs_bits", "loss_curves", "energy_by_component"})
    if (fs::exists(plots / (std::string(name) + ".png")))
      md += fmt::format("![{}](plots/{}.png)\n\n", name, name);
  if (written.empty()) md += "(gnuplot was not available or failed: see plots/gnuplot.log)\n";
  write_atomically(out / "report.md", md);
  return written;
}

}  // namespace lnslab::study
