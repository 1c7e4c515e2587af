#include "tables.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <set>

namespace lnslab::study::detail {
namespace {

std::string pct(double fraction) {
  return fmt::format("{:.2f}", 100.0 * fraction);
}

std::string uj(double pj) {
  return fmt::format("{:.2f}", pj * 1e-6);
}

std::string ratio(double num, const HardwareCost* den) {
  return den && den->energy_pj > 0 ? fmt::format("{:.3f}x", num / den->energy_pj) : "-";
}

std::string weights_of(const HardwareCost& h) {
  if (h.format.empty()) return h.pe == "int8" ? "int8" : h.pe;
  return h.format;
}

// Characters, not bytes, of UTF-8 text ("Fréchet"): what fmt pads a field to.
std::size_t display_width(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

}  // namespace

std::string config_name(const GroupResult& g) {
  std::string s = g.label;
  if (!g.format.empty()) s += " " + g.format;
  if (g.numerics == "lns-full") s += " (lns-full)";
  return s;
}

const HardwareCost* baseline(const StudyResults& r, const std::string& model, int batch,
                             const std::string& pe) {
  for (const ModelCosts& m : r.models)
    if (m.model == model && m.batch == batch)
      for (const HardwareCost& h : m.baselines)
        if (h.pe == pe) return &h;
  return nullptr;
}

std::string markdown(const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> w;
  for (const auto& r : rows) {
    w.resize(std::max(w.size(), r.size()), 0);
    for (std::size_t i = 0; i < r.size(); ++i) w[i] = std::max(w[i], display_width(r[i]));
  }
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

std::vector<const Score*> scores_of(const StudyResults& r) {
  std::vector<const Score*> scores;
  for (const GroupResult& g : r.groups)
    if (std::find(scores.begin(), scores.end(), g.score) == scores.end()) scores.push_back(g.score);
  return scores;
}

std::string main_table(const StudyResults& r) {
  // One column per model score in the study (a classifier study: test accuracy only), then one
  // per other model-specific metric (a transformer's perplexity, a cgan's class accuracy, ...).
  const std::vector<const Score*> scores = scores_of(r);
  std::vector<std::string> metrics;  // in name order
  for (const GroupResult& g : r.groups)
    for (const auto& metric : g.metrics) {
      const std::string& name = metric.first;  // not a structured binding: clang 14 cannot
                                               // capture one in the lambda below
      if (std::none_of(scores.begin(), scores.end(), [&](auto* s) { return s->name == name; }) &&
          std::find(metrics.begin(), metrics.end(), name) == metrics.end())
        metrics.push_back(name);
    }
  std::sort(metrics.begin(), metrics.end());
  std::vector<std::string> header{"configuration", "model", "bits", "lr", "seeds"};
  for (const Score* s : scores) header.push_back(s->title + " (mean [min, max])");
  for (const std::string& m : metrics) header.push_back(m + " (mean [min, max])");
  for (const char* h : {"vs FP32", "train acc %", "images/s", "own hardware", "uJ/step",
                        "Mcycles/step", "vs FP32 array", "vs INT8 array"})
    header.push_back(h);
  std::vector<std::vector<std::string>> rows{header};
  for (const GroupResult& g : r.groups) {
    std::vector<std::string> row{config_name(g), g.model, std::to_string(g.bits),
                                 fmt::format("{:g}", g.lr), std::to_string(g.seeds.size())};
    for (const Score* s : scores)
      row.push_back(s == g.score && g.final_score
                        ? fmt::format("{} [{}, {}]", s->show(g.final_score->mean),
                                      s->show(g.final_score->min), s->show(g.final_score->max))
                        : "-");
    for (const std::string& m : metrics) {
      const auto it = g.metrics.find(m);
      row.push_back(it == g.metrics.end() ? "-"
                                          : fmt::format("{:.5g} [{:.5g}, {:.5g}]", it->second.mean,
                                                        it->second.min, it->second.max));
    }
    row.push_back(g.delta_vs_fp32 ? g.score->show_difference(*g.delta_vs_fp32) : "-");
    row.push_back(pct(g.train_accuracy.mean));
    row.push_back(fmt::format("{:.0f}", g.images_per_second));
    if (g.hardware) {
      const HardwareCost& h = *g.hardware;
      row.push_back(h.accelerator);
      row.push_back(uj(h.energy_pj));
      row.push_back(fmt::format("{:.3f}", h.cycles * 1e-6));
      row.push_back(ratio(h.energy_pj, baseline(r, g.model, g.batch, "fp32")));
      row.push_back(ratio(h.energy_pj, baseline(r, g.model, g.batch, "int8")));
    }
    rows.push_back(row);
  }
  return markdown(rows);
}

std::string energy_table(const StudyResults& r) {
  std::vector<std::vector<std::string>> rows{
      {"row", "model", "batch", "PE", "weights", "update", "compute (PE)", "on-chip (SRAM, regs)",
       "off-chip (DRAM)", "update unit", "total", "vs FP32", "vs INT8"}};
  auto add = [&](const std::string& name, const HardwareCost& h) {
    rows.push_back({name, h.model, std::to_string(h.batch), h.pe, weights_of(h), h.update,
                    uj(h.split.compute), uj(h.split.on_chip), uj(h.split.off_chip),
                    uj(h.split.update), uj(h.energy_pj),
                    ratio(h.energy_pj, baseline(r, h.model, h.batch, "fp32")),
                    ratio(h.energy_pj, baseline(r, h.model, h.batch, "int8"))});
  };
  for (const ModelCosts& m : r.models)
    for (const HardwareCost& h : m.baselines) add(fmt::format("baseline {} array", h.pe), h);
  for (const GroupResult& g : r.groups)
    if (g.hardware) add(config_name(g), *g.hardware);
  return markdown(rows);
}

std::string listed_table(const StudyResults& r) {
  std::vector<std::vector<std::string>> rows{{"listed accelerator", "model", "batch", "PE",
                                              "weights", "update", "uJ/step", "Mcycles/step"}};
  for (const ModelCosts& m : r.models)
    for (const HardwareCost& h : m.listed)
      rows.push_back({h.accelerator, h.model, std::to_string(h.batch), h.pe, weights_of(h),
                      h.update, uj(h.energy_pj), fmt::format("{:.3f}", h.cycles * 1e-6)});
  return rows.size() > 1 ? markdown(rows) : "";
}

std::string crossover_text(const StudyResults& r) {
  std::string out;
  for (const Crossover& c : r.crossovers) {
    std::set<int> batches;
    std::set<int> arrays;
    for (const CrossoverPoint& p : c.points) {
      batches.insert(p.batch);
      arrays.insert(p.array);
    }
    std::vector<std::vector<std::string>> rows{{"array \\ batch"}};
    for (int b : batches) rows.front().push_back(std::to_string(b));
    const CrossoverPoint* first = nullptr;
    const CrossoverPoint* first_gemm = nullptr;
    for (int a : arrays) {
      std::vector<std::string> row{fmt::format("{}x{}", a, a)};
      for (int b : batches) {
        const auto it = std::find_if(c.points.begin(), c.points.end(),
                                     [&](const auto& p) { return p.array == a && p.batch == b; });
        if (it == c.points.end()) {
          row.push_back("(SRAM too small)");
          continue;
        }
        row.push_back(fmt::format("{:.3f}x / {:.3f}x", it->lns_pj / it->int8_pj,
                                  it->lns_gemm_pj / it->int8_gemm_pj));
        if (it->lns_pj < it->int8_pj && first == nullptr) first = &*it;
        if (it->lns_gemm_pj < it->int8_gemm_pj && first_gemm == nullptr) first_gemm = &*it;
      }
      rows.push_back(row);
    }
    out += fmt::format(
        "Model {}: energy per training step of `{}` divided by the INT8 baseline array's "
        "(FP32 Madam update), same SRAM, DRAM and energy table, on square arrays (rows) and "
        "batches (columns); each cell is whole step / GEMMs only (the step without the update "
        "unit):\n\n",
        c.model, c.lns_accelerator);
    out += markdown(rows) + "\n";
    auto where = [](const char* what, const CrossoverPoint* p, double num, double den) {
      return p ? fmt::format(
                     "{} the LNS array costs less than INT8 first at a {}x{} array and "
                     "batch {} ({:.4f}x). ",
                     what, p->array, p->array, p->batch, num / den)
               : fmt::format("{} the LNS array saves nothing against INT8 at any of these sizes. ",
                             what);
    };
    out += where("Whole step:", first, first ? first->lns_pj : 0, first ? first->int8_pj : 1);
    out += where("GEMMs only:", first_gemm, first_gemm ? first_gemm->lns_gemm_pj : 0,
                 first_gemm ? first_gemm->int8_gemm_pj : 1);
    out +=
        "Where a ratio is above 1, its savings against FP32 come from the narrower words, which "
        "INT8 has too, not from LNS arithmetic.\n\n";
  }
  return out;
}

std::string lr_tables(const StudyResults& r) {
  std::string out;
  std::set<std::string> models;
  for (const LrSweep& s : r.lr_sweeps) models.insert(s.model);
  for (const std::string& model : models) {
    const Score& score = score_of(model);
    std::vector<std::vector<std::string>> rows{
        {"optimizer", "numerics", "lrs tried", "best lr", score.title + " at best", "default lr",
         score.title + " at default", "loss from not tuning (" + score.unit + ")"}};
    for (const LrSweep& s : r.lr_sweeps) {
      if (s.model != model) continue;
      const auto loss = s.loss_from_default();
      rows.push_back({s.label + (s.format.empty() ? "" : " " + s.format), s.numerics,
                      std::to_string(s.points.size()), fmt::format("{:g}", s.best.lr),
                      score.show(s.best.score->mean), fmt::format("{:g}", s.default_lr),
                      s.at_default        ? score.show(s.at_default->mean)
                      : s.default_in_grid ? "(no score)"
                                          : "(not in the grid)",
                      loss ? score.show(*loss) : "-"});
    }
    out += "Model " + model + ":\n\n" + markdown(rows) + "\n";
  }
  return out;
}

}  // namespace lnslab::study::detail
