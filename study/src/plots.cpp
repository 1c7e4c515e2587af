#include "plots.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "lnslab/nn/optimizers/registry.hpp"
#include "lnslab/util/files.hpp"
#include "tables.hpp"

namespace lnslab::study::detail {

using util::write_file_atomically;
namespace {

namespace fs = std::filesystem;

std::string family(const std::string& optimizer) {
  const nn::OptimizerDescriptor* d = nn::find_optimizer(optimizer);
  return d ? d->fp32_family : optimizer;
}

bool swept(const StudyResults& r, const GroupResult& g) {
  return std::any_of(r.lr_sweeps.begin(), r.lr_sweeps.end(), [&](const LrSweep& s) {
    return s.model == g.model && s.label == g.label && s.numerics == g.numerics &&
           s.format == g.format;
  });
}

struct Series {
  std::string title;
  std::string data;  // gnuplot data block
};

// The bits axis: LNS widths where they are, FP32 two steps right of the widest, labelled.
struct BitsAxis {
  int fp32_x = 14;
  std::string xtics;
};

BitsAxis bits_axis(const std::vector<const GroupResult*>& gs) {
  std::set<int> bits;
  for (const GroupResult* g : gs)
    if (g->bits < 32) bits.insert(g->bits);
  BitsAxis a;
  a.fp32_x = (bits.empty() ? 12 : *bits.rbegin()) + 2;
  a.xtics = "set xtics (";
  for (int b : bits) a.xtics += fmt::format("\"{}\" {}, ", b, b);
  a.xtics += fmt::format("\"FP32\" {})\n", a.fp32_x);
  const int lo = bits.empty() ? a.fp32_x - 2 : *bits.begin();
  a.xtics += fmt::format("set xrange [{}:{}]\n", lo - 1, a.fp32_x + 1);
  return a;
}

// A gnuplot plot command: one data block (x, mean, min, max) per title, drawn with error bars.
std::string error_lines(const fs::path& data, const std::vector<std::string>& titles) {
  std::string p = "plot ";
  for (std::size_t i = 0; i < titles.size(); ++i)
    p += fmt::format("{}'{}' index {} using 1:2:3:4 with yerrorlines title '{}'", i ? ", " : "",
                     data.string(), i, titles[i]);
  return p + "\n";
}

// The score axis: the study's scores' titles with their directions, e.g. "test acc % (higher
// is better)"; a study of several models' scores draws each in its own units.
std::string score_axis(const StudyResults& r) {
  std::string s;
  for (const Score* score : scores_of(r))
    s += (s.empty() ? "" : " / ") + score->title + " (" +
         (score->lower_is_better ? "lower" : "higher") + " is better)";
  return s;
}

std::string difference_units(const StudyResults& r) {
  std::string s;
  for (const Score* score : scores_of(r)) s += (s.empty() ? "" : " / ") + score->unit;
  return s;
}

// "test_loss", "val_loss" or both: what the loss plot draws.
std::string held_out_name(const std::vector<const GroupResult*>& gs) {
  std::set<std::string> names;
  for (const GroupResult* g : gs) names.insert(held_out_loss_name(g->model));
  std::string s;
  for (const std::string& n : names) s += (s.empty() ? "" : ", ") + n;
  return s;
}

}  // namespace

std::vector<fs::path> write_plots(const StudyResults& r, const fs::path& plots) {
  fs::create_directories(plots);
  // The score against bits: configurations not in an lr sweep, one series per model and family.
  std::vector<const GroupResult*> bit_groups;
  for (const GroupResult& g : r.groups)
    if (g.numerics != "lns-full" && !swept(r, g)) bit_groups.push_back(&g);
  const BitsAxis axis = bits_axis(bit_groups);
  std::map<std::string, std::vector<const GroupResult*>> by_family;
  for (const GroupResult* g : bit_groups)
    by_family[g->model + " " + family(g->optimizer)].push_back(g);
  std::string acc_data, rel_data;
  std::vector<std::string> series;
  for (auto& [name, gs] : by_family) {
    std::sort(gs.begin(), gs.end(), [](auto* a, auto* b) { return a->bits < b->bits; });
    series.push_back(name);
    acc_data += "# " + name + "\n";
    rel_data += "# " + name + "\n";
    for (const GroupResult* g : gs) {
      const int x = g->bits >= 32 ? axis.fp32_x : g->bits;
      const double k = g->score->scale;
      if (g->final_score)
        acc_data += fmt::format("{} {:.6f} {:.6f} {:.6f}\n", x, k * g->final_score->mean,
                                k * g->final_score->min, k * g->final_score->max);
      if (g->delta_vs_fp32) rel_data += fmt::format("{} {:.6f}\n", x, k * *g->delta_vs_fp32);
    }
    acc_data += "\n\n";
    rel_data += "\n\n";
  }
  write_file_atomically(plots / "score_vs_bits.dat", acc_data);
  write_file_atomically(plots / "relative_vs_bits.dat", rel_data);

  // Held-out loss per epoch of the configurations that have one (not a cgan's).
  std::string loss_data;
  std::vector<const GroupResult*> loss_groups;
  for (const GroupResult& g : r.groups) {
    if (g.held_out_loss.empty()) continue;
    loss_groups.push_back(&g);
    loss_data += "# " + config_name(g) + "\n";
    for (std::size_t e = 0; e < g.held_out_loss.size() && e < g.train_loss.size(); ++e)
      loss_data += fmt::format("{} {:.6f} {:.6f}\n", e + 1, g.train_loss[e], g.held_out_loss[e]);
    loss_data += "\n\n";
  }
  write_file_atomically(plots / "loss_curves.dat", loss_data);

  // Energy per step: one bar per configuration on its own hardware, then the baselines.
  std::string energy_data = "row DRAM SRAM+registers PE update\n";
  int bars = 0;
  auto bar = [&](const std::string& name, const HardwareCost& h) {
    energy_data +=
        fmt::format("\"{}\" {:.6f} {:.6f} {:.6f} {:.6f}\n", name, h.split.off_chip * 1e-6,
                    h.split.on_chip * 1e-6, h.split.compute * 1e-6, h.split.update * 1e-6);
    ++bars;
  };
  for (const GroupResult& g : r.groups)
    if (g.hardware) bar(config_name(g) + " [" + g.model + "]", *g.hardware);
  for (const ModelCosts& m : r.models)
    for (const HardwareCost& h : m.baselines) bar("baseline " + h.pe + " [" + m.model + "]", h);
  write_file_atomically(plots / "energy_by_component.dat", energy_data);

  // The score against lr, one series per swept configuration.
  std::string lr_data;
  std::vector<std::string> lr_series;
  for (const LrSweep& s : r.lr_sweeps) {
    lr_series.push_back(s.model + " " + s.label + (s.format.empty() ? "" : " " + s.format));
    lr_data += "# " + lr_series.back() + "\n";
    const double k = s.score->scale;
    for (const LrPoint& p : s.points)
      if (p.score)
        lr_data += fmt::format("{:g} {:.6f} {:.6f} {:.6f}\n", p.lr, k * p.score->mean,
                               k * p.score->min, k * p.score->max);
    lr_data += "\n\n";
  }
  write_file_atomically(plots / "score_vs_lr.dat", lr_data);
  const std::string axis_label = score_axis(r);

  std::string gp;
  const std::string dir = plots.string();
  for (const char* term : {"svg", "png"}) {
    const std::string t =
        std::string(term) == "svg" ? "svg size 1000,600 dynamic" : "pngcairo size 1000,600";
    gp += fmt::format("reset\nset terminal {} noenhanced\nset key outside right\nset grid\n", t);
    if (!series.empty()) {
      gp += fmt::format("set output '{}/score_vs_bits.{}'\n", dir, term);
      gp += "set title '" + axis_label + " vs weight bits'\nset xlabel 'weight bits'\n" +
            "set ylabel '" + axis_label + "'\n" + axis.xtics;
      gp += error_lines(plots / "score_vs_bits.dat", series);
      std::string p;
      gp += fmt::format("set output '{}/relative_vs_bits.{}'\n", dir, term);
      gp += "set title '" + axis_label +
            " relative to each optimizer''s own FP32 run'\n"
            "set ylabel 'difference (" +
            difference_units(r) + ")'\n";
      p = "plot 0 notitle lc rgb 'gray'";
      for (std::size_t i = 0; i < series.size(); ++i)
        p += fmt::format(
            ", '{}/relative_vs_bits.dat' index {} using 1:2 with linespoints "
            "title '{}'",
            dir, i, series[i]);
      gp += p + "\nset xtics autofreq\nset autoscale x\n";
    }
    if (!loss_groups.empty()) {
      gp += fmt::format("set output '{}/loss_curves.{}'\n", dir, term);
      gp += "set title 'Held-out loss per epoch'\nset xlabel 'epoch'\nset ylabel '" +
            held_out_name(loss_groups) + " (nats)'\n";
      std::string p = "plot ";
      for (std::size_t i = 0; i < loss_groups.size(); ++i)
        p += fmt::format("{}'{}/loss_curves.dat' index {} using 1:3 with linespoints title '{}'",
                         i ? ", " : "", dir, i, config_name(*loss_groups[i]));
      gp += p + "\n";
    }
    if (bars > 0) {
      gp += fmt::format("set output '{}/energy_by_component.{}'\n", dir, term);
      gp +=
          "set title 'Energy per training step, each configuration on its own hardware'\n"
          "set ylabel 'uJ per step'\nset xlabel ''\nset style data histograms\n"
          "set style histogram rowstacked\nset style fill solid 0.9 border -1\n"
          "set boxwidth 0.7\nset xtics rotate by -40 left font ',9'\n"
          "set bmargin 12\nset key autotitle columnhead\n";
      gp += fmt::format(
          "plot '{0}/energy_by_component.dat' using 2:xtic(1) lc rgb '#1f77b4', "
          "'' using 3 lc rgb '#ff7f0e', '' using 4 lc rgb '#2ca02c', '' using 5 lc rgb '#d62728'\n",
          dir);
      gp +=
          "unset style\nset style data lines\nset key noautotitle\nset bmargin\n"
          "set xtics norotate autofreq font ''\n";
    }
    if (!lr_series.empty()) {
      gp += fmt::format("set output '{}/score_vs_lr.{}'\n", dir, term);
      gp += "set title '" + axis_label +
            " vs learning rate'\nset xlabel 'learning rate'\n"
            "set ylabel '" +
            axis_label + "'\nset logscale x 10\nset key noautotitle\n";
      gp += error_lines(plots / "score_vs_lr.dat", lr_series) + "unset logscale x\n";
    }
  }
  write_file_atomically(plots / "plots.gp", gp);
  for (const char* name : plot_names)  // a plot of an earlier report must not pass for this one's
    for (const char* ext : {".svg", ".png"}) fs::remove(plots / (std::string(name) + ext));
  std::vector<fs::path> written;
  const std::string cmd = "gnuplot '" + (plots / "plots.gp").string() + "' 2>'" +
                          (plots / "gnuplot.log").string() + "'";
  if (std::system("command -v gnuplot >/dev/null 2>&1") == 0 && std::system(cmd.c_str()) == 0) {
    for (const char* name : plot_names)
      for (const char* ext : {".svg", ".png"})
        if (fs::exists(plots / (std::string(name) + ext)))
          written.push_back(plots / (std::string(name) + ext));
  }
  return written;
}

}  // namespace lnslab::study::detail
