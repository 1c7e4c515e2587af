// Reports: accumulation of layers into runs, and the table / comparison / JSON / CSV forms.
#include "lnslab/sim/report.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace lnslab::sim {
namespace {

const char* kOperandNames[operand_count] = {"input", "weight", "output"};

double mb(std::uint64_t bits) {
  return double(bits) / 8.0 / 1e6;
}

std::string si(double v) {
  if (v >= 1e12) return fmt::format("{:.3g}T", v / 1e12);
  if (v >= 1e9) return fmt::format("{:.3g}G", v / 1e9);
  if (v >= 1e6) return fmt::format("{:.3g}M", v / 1e6);
  if (v >= 1e3) return fmt::format("{:.3g}k", v / 1e3);
  return fmt::format("{:.3g}", v);
}

std::string energy_text(double pj) {
  if (pj >= 1e9) return fmt::format("{:.4g} mJ", pj / 1e9);
  if (pj >= 1e6) return fmt::format("{:.4g} uJ", pj / 1e6);
  if (pj >= 1e3) return fmt::format("{:.4g} nJ", pj / 1e3);
  return fmt::format("{:.4g} pJ", pj);
}

std::uint64_t sum(const std::array<std::uint64_t, operand_count>& a) {
  return a[0] + a[1] + a[2];
}

double component_energy(const LayerReport& l, const std::string& name) {
  for (const auto& [n, e] : l.energy_by_component)
    if (n == name) return e;
  return 0;
}

std::string ratio(double v, double base) {
  if (base == 0) return v == 0 ? "1" : "-";
  return fmt::format("{:.3f}", v / base);
}

std::string shape_text(const LayerReport& l) {
  if (l.kind == "update") return fmt::format("{} weights", si(double(l.shape.m)));
  return fmt::format("{}x{}x{}", l.shape.m, l.shape.n, l.shape.k);
}

}  // namespace

void price(LayerReport& layer, const EnergyTable& table) {
  std::map<std::string, double> by;
  double total = 0;
  for (const auto& a : layer.actions) {
    const double e = a.energy_pj(table);
    by[a.component] += e;
    total += e;
  }
  layer.energy_by_component.assign(by.begin(), by.end());
  layer.energy_pj = total;
}

void accumulate(RunReport& run, const LayerReport& layer, int array_pes, bool keep_layer) {
  if (keep_layer) run.layers.push_back(layer);
  LayerReport& t = run.total;
  t.name = "total";
  t.kind = "total";
  TimingResult& a = t.timing;
  const TimingResult& b = layer.timing;
  const double weighted_mapping =
      a.mapping_utilisation * double(a.compute_cycles) +
      (layer.kind == "update" ? 0.0 : b.mapping_utilisation * double(b.compute_cycles));
  t.macs += layer.macs;
  a.compute_cycles += b.compute_cycles;
  a.stall_cycles += b.stall_cycles;
  a.prologue_cycles += b.prologue_cycles;
  a.epilogue_cycles += b.epilogue_cycles;
  a.total_cycles += b.total_cycles;
  a.tiles += b.tiles;
  a.psum_merges += b.psum_merges;
  for (int i = 0; i < operand_count; ++i) {
    a.sram_read_bits[i] += b.sram_read_bits[i];
    a.sram_write_bits[i] += b.sram_write_bits[i];
    a.dram_read_bits[i] += b.dram_read_bits[i];
    a.dram_write_bits[i] += b.dram_write_bits[i];
    a.pe_register_bits[i] += b.pe_register_bits[i];
  }
  const double pes = array_pes;
  a.mapping_utilisation = a.compute_cycles ? weighted_mapping / double(a.compute_cycles) : 0;
  a.compute_utilisation = a.compute_cycles ? double(t.macs) / (double(a.compute_cycles) * pes) : 0;
  a.utilisation = a.total_cycles ? double(t.macs) / (double(a.total_cycles) * pes) : 0;
  merge_actions(t.actions, layer.actions);
  std::map<std::string, double> by(t.energy_by_component.begin(), t.energy_by_component.end());
  for (const auto& [n, e] : layer.energy_by_component) by[n] += e;
  t.energy_by_component.assign(by.begin(), by.end());
  t.energy_pj += layer.energy_pj;
  if (layer.data) {
    if (!t.data) t.data = lns::GemmCounts{};
    *t.data += *layer.data;
  }
}

std::string format_table(const RunReport& r) {
  std::string s = fmt::format("config {}  (energy table {}, clock {:g} MHz)\n", r.config_name,
                              r.energy_table, r.clock_mhz);
  // the mapping column appears when the search chose the mappings (docs/simulator.md)
  const bool searched = std::any_of(r.layers.begin(), r.layers.end(),
                                    [](const LayerReport& l) { return l.timing.mapping.searched; });
  if (!r.layers.empty())
    s += fmt::format("{:<24} {:<15} {:>20} {:>12} {:>11} {:>7} {:>7} {:>10} {:>12}{}\n", "layer",
                     "pass", "MxNxK", "cycles", "stall", "map%", "util%", "DRAM MB", "energy",
                     searched ? "  mapping" : "");
  for (const auto& l : r.layers) {
    const auto& t = l.timing;
    const bool gemm = l.kind != "update";
    s += fmt::format("{:<24} {:<15} {:>20} {:>12} {:>11} {:>7.1f} {:>7.1f} {:>10.3f} {:>12}{}\n",
                     l.name.substr(0, 24), l.kind, shape_text(l), t.total_cycles, t.stall_cycles,
                     100 * t.mapping_utilisation, 100 * t.utilisation,
                     mb(sum(t.dram_read_bits) + sum(t.dram_write_bits)), energy_text(l.energy_pj),
                     searched && gemm ? "  " + describe(t.mapping, t.plan.dataflow) : "");
  }
  const auto& t = r.total.timing;
  s += "\ntotals\n";
  s += fmt::format("  MACs               {}\n", r.total.macs);
  s += fmt::format("  cycles             {} (compute {}, stall {}, prologue {}, epilogue {})\n",
                   t.total_cycles, t.compute_cycles, t.stall_cycles, t.prologue_cycles,
                   t.epilogue_cycles);
  s += fmt::format("  time               {:.6g} ms at {:g} MHz\n",
                   double(t.total_cycles) / (r.clock_mhz * 1e3), r.clock_mhz);
  s += fmt::format("  utilisation        mapping {:.1f}%, compute {:.1f}%, overall {:.1f}%\n",
                   100 * t.mapping_utilisation, 100 * t.compute_utilisation, 100 * t.utilisation);
  for (int i = 0; i < operand_count; ++i)
    s += fmt::format(
        "  {:<7} traffic     SRAM read {:.4g} MB, write {:.4g} MB; DRAM read {:.4g} "
        "MB, write {:.4g} MB\n",
        kOperandNames[i], mb(t.sram_read_bits[i]), mb(t.sram_write_bits[i]),
        mb(t.dram_read_bits[i]), mb(t.dram_write_bits[i]));
  if (r.total.data) {
    const auto& d = *r.total.data;
    s += fmt::format(
        "  data counts        products {}, zero-gated {}, NaN outputs {}, "
        "saturations {}, bins touched {}\n",
        d.macs, d.zero_skipped, d.nan_outputs, d.saturations, d.bins_touched);
  }
  s += fmt::format("  energy             {} ({:.4g} pJ/MAC)\n", energy_text(r.total.energy_pj),
                   r.total.macs ? r.total.energy_pj / double(r.total.macs) : 0.0);
  s += "\nenergy by component\n";
  auto comps = r.total.energy_by_component;
  std::sort(comps.begin(), comps.end(), [](auto& a, auto& b) { return a.second > b.second; });
  for (const auto& [n, e] : comps)
    s += fmt::format("  {:<16} {:>14} {:>6.2f}%\n", n, energy_text(e),
                     r.total.energy_pj > 0 ? 100 * e / r.total.energy_pj : 0.0);
  return s;
}

std::string format_comparison(const std::vector<RunReport>& runs) {
  if (runs.empty()) return {};
  std::string s = "configs:";
  for (std::size_t i = 0; i < runs.size(); ++i)
    s += fmt::format(" [{}] {}", i, runs[i].config_name);
  s += "\n";
  if (!runs[0].layers.empty()) s += "\nper layer: total cycles and energy (ratio to [0])\n";
  if (!runs[0].layers.empty()) s += fmt::format("{:<24} {:<15}", "layer", "pass");
  for (std::size_t i = 0; i < runs.size() && !runs[0].layers.empty(); ++i)
    s +=
        fmt::format(" {:>12} {:>12}", fmt::format("[{}] cycles", i), fmt::format("[{}] energy", i));
  if (!runs[0].layers.empty()) s += "\n";
  const auto& base = runs[0];
  for (std::size_t l = 0; l < base.layers.size(); ++l) {
    s += fmt::format("{:<24} {:<15}", base.layers[l].name.substr(0, 24), base.layers[l].kind);
    for (const auto& r : runs) {
      if (l >= r.layers.size()) continue;
      const auto& x = r.layers[l];
      const auto& b = base.layers[l];
      if (&r == &base)
        s += fmt::format(" {:>12} {:>12}", x.timing.total_cycles, energy_text(x.energy_pj));
      else
        s += fmt::format(" {:>12} {:>12}",
                         "x" + ratio(double(x.timing.total_cycles), double(b.timing.total_cycles)),
                         "x" + ratio(x.energy_pj, b.energy_pj));
    }
    s += "\n";
  }
  s += "\ntotals";
  std::string header = fmt::format("{:<22}", "");
  for (std::size_t i = 0; i < runs.size(); ++i)
    header += fmt::format(" {:>16}", fmt::format("[{}]", i)) +
              (i ? fmt::format(" {:>8}", "ratio") : std::string());
  s += "\n" + header + "\n";
  auto row = [&](const std::string& name, auto&& value, auto&& text) {
    std::string line = fmt::format("{:<22}", name);
    const double v0 = value(runs[0]);
    for (std::size_t i = 0; i < runs.size(); ++i) {
      const double v = value(runs[i]);
      line += fmt::format(" {:>16}", text(v));
      if (i) line += fmt::format(" {:>8}", ratio(v, v0));
    }
    s += line + "\n";
  };
  auto cyc = [](double v) { return fmt::format("{:.0f}", v); };
  auto pct = [](double v) { return fmt::format("{:.1f}%", 100 * v); };
  auto mbt = [](double v) { return fmt::format("{:.4g} MB", v); };
  row(
      "cycles", [](const RunReport& r) { return double(r.total.timing.total_cycles); }, cyc);
  row(
      "  compute", [](const RunReport& r) { return double(r.total.timing.compute_cycles); }, cyc);
  row(
      "  stall", [](const RunReport& r) { return double(r.total.timing.stall_cycles); }, cyc);
  row(
      "time (ms)",
      [](const RunReport& r) { return double(r.total.timing.total_cycles) / (r.clock_mhz * 1e3); },
      [](double v) { return fmt::format("{:.5g}", v); });
  row(
      "utilisation", [](const RunReport& r) { return r.total.timing.utilisation; }, pct);
  row(
      "DRAM traffic",
      [](const RunReport& r) {
        return mb(sum(r.total.timing.dram_read_bits) + sum(r.total.timing.dram_write_bits));
      },
      mbt);
  row(
      "SRAM traffic",
      [](const RunReport& r) {
        return mb(sum(r.total.timing.sram_read_bits) + sum(r.total.timing.sram_write_bits));
      },
      mbt);
  row(
      "energy", [](const RunReport& r) { return r.total.energy_pj; }, energy_text);
  std::set<std::string> names;
  for (const auto& r : runs)
    for (const auto& [n, e] : r.total.energy_by_component) names.insert(n);
  for (const auto& n : names)
    row(
        "  " + n, [&](const RunReport& r) { return component_energy(r.total, n); }, energy_text);
  return s;
}

namespace {

nlohmann::json layer_json(const LayerReport& l, const EnergyTable* table) {
  using nlohmann::json;
  const auto& t = l.timing;
  json j;
  j["name"] = l.name;
  j["kind"] = l.kind;
  j["m"] = l.shape.m;
  j["n"] = l.shape.n;
  j["k"] = l.shape.k;
  j["macs"] = l.macs;
  j["cycles"] = {{"compute", t.compute_cycles},
                 {"stall", t.stall_cycles},
                 {"prologue", t.prologue_cycles},
                 {"epilogue", t.epilogue_cycles},
                 {"total", t.total_cycles}};
  j["folds"] = {{"rows", t.plan.folds_r},
                {"cols", t.plan.folds_c},
                {"t", t.plan.t},
                {"t_chunk", t.t_chunk},
                {"tiles", t.tiles}};
  if (l.kind != "update")
    j["mapping"] = {{"text", describe(t.mapping, t.plan.dataflow)},
                    {"blocked", t.mapping.blocked == Blocked::cols ? "cols" : "rows"},
                    {"block_folds", t.mapping.block},
                    {"t_block", t.mapping.t_block},
                    {"searched", t.mapping.searched}};
  j["utilisation"] = {{"mapping", t.mapping_utilisation},
                      {"compute", t.compute_utilisation},
                      {"overall", t.utilisation}};
  for (int i = 0; i < operand_count; ++i) {
    j["sram_bytes"][kOperandNames[i]] = {{"read", double(t.sram_read_bits[i]) / 8},
                                         {"write", double(t.sram_write_bits[i]) / 8}};
    j["dram_bytes"][kOperandNames[i]] = {{"read", double(t.dram_read_bits[i]) / 8},
                                         {"write", double(t.dram_write_bits[i]) / 8}};
  }
  j["energy_pj"]["total"] = l.energy_pj;
  for (const auto& [n, e] : l.energy_by_component) j["energy_pj"]["by_component"][n] = e;
  if (table) {
    json acts = json::array();
    for (const auto& a : l.actions) {
      json x = {{"component", a.component},
                {"primitive", std::string(to_string(a.primitive))},
                {"bits", a.bits},
                {"count", a.count},
                {"energy_pj", a.energy_pj(*table)}};
      if (a.primitive == Primitive::sram_access) x["capacity_kib"] = a.capacity_kib;
      acts.push_back(std::move(x));
    }
    j["actions"] = std::move(acts);
  }
  if (l.data)
    j["data_counts"] = {{"macs", l.data->macs},
                        {"zero_skipped", l.data->zero_skipped},
                        {"nan_outputs", l.data->nan_outputs},
                        {"saturations", l.data->saturations},
                        {"bins_touched", l.data->bins_touched}};
  return j;
}

}  // namespace

nlohmann::json to_json(const RunReport& r) {
  nlohmann::json j;
  j["config"] = r.config_name;
  j["energy_table"] = r.energy_table;
  j["clock_mhz"] = r.clock_mhz;
  j["layers"] = nlohmann::json::array();
  for (const auto& l : r.layers) j["layers"].push_back(layer_json(l, nullptr));
  j["total"] = layer_json(r.total, nullptr);
  j["total"]["time_ms"] = double(r.total.timing.total_cycles) / (r.clock_mhz * 1e3);
  nlohmann::json acts = nlohmann::json::array();
  for (const auto& a : r.total.actions) {
    nlohmann::json x = {{"component", a.component},
                        {"primitive", std::string(to_string(a.primitive))},
                        {"bits", a.bits},
                        {"count", a.count}};
    if (a.primitive == Primitive::sram_access) x["capacity_kib"] = a.capacity_kib;
    acts.push_back(std::move(x));
  }
  j["total"]["actions"] = std::move(acts);
  return j;
}

std::string to_csv(const std::vector<RunReport>& runs) {
  std::set<std::string> names;
  for (const auto& r : runs)
    for (const auto& [n, e] : r.total.energy_by_component) names.insert(n);
  std::string s =
      "config,layer,kind,M,N,K,macs,compute_cycles,stall_cycles,prologue_cycles,"
      "epilogue_cycles,total_cycles,mapping_util,compute_util,util";
  for (const char* op : kOperandNames)
    s += fmt::format(
        ",sram_read_bytes_{0},sram_write_bytes_{0},dram_read_bytes_{0},"
        "dram_write_bytes_{0}",
        op);
  s += ",energy_pj";
  for (const auto& n : names) s += ",energy_pj_" + n;
  s += "\n";
  auto line = [&](const RunReport& r, const LayerReport& l) {
    const auto& t = l.timing;
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{:.6f},{:.6f},{:.6f}", r.config_name,
                     l.name, l.kind, l.shape.m, l.shape.n, l.shape.k, l.macs, t.compute_cycles,
                     t.stall_cycles, t.prologue_cycles, t.epilogue_cycles, t.total_cycles,
                     t.mapping_utilisation, t.compute_utilisation, t.utilisation);
    for (int i = 0; i < operand_count; ++i)
      s += fmt::format(",{:.0f},{:.0f},{:.0f},{:.0f}", double(t.sram_read_bits[i]) / 8,
                       double(t.sram_write_bits[i]) / 8, double(t.dram_read_bits[i]) / 8,
                       double(t.dram_write_bits[i]) / 8);
    s += fmt::format(",{:.6g}", l.energy_pj);
    for (const auto& n : names) s += fmt::format(",{:.6g}", component_energy(l, n));
    s += "\n";
  };
  for (const auto& r : runs) {
    for (const auto& l : r.layers) line(r, l);
    line(r, r.total);
  }
  return s;
}

nlohmann::json to_json(const RunReport& r, const Config& config) {
  nlohmann::json j = to_json(r);
  j["timing_mode"] = std::string(to_string(config.array.timing));
  j["mapping"] = {{"search", config.mapping.search}};
  if (config.mapping.search)
    j["mapping"]["objective"] = std::string(to_string(config.mapping.objective));
  return j;
}

}  // namespace lnslab::sim
