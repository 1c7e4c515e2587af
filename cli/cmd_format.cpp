// lnslab format SPEC... [--stats] [--dump] [--json FILE]: properties of LNS formats side by side.
#include <cmath>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "format_properties.hpp"

namespace lnslab::cli {
namespace {

struct FormatOptions {
  std::vector<std::string> specs;
  bool stats = false;
  bool dump = false;
  std::string json_path;
};

void print_table(const std::vector<FormatProperties>& props, bool stats) {
  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  auto add = [&](const std::string& name, auto&& cell) {
    std::vector<std::string> cells;
    for (const auto& p : props) cells.push_back(cell(p));
    rows.emplace_back(name, std::move(cells));
  };
  add("format", [](const FormatProperties& p) { return p.spec; });
  add("bits", [](const FormatProperties& p) { return std::to_string(p.bits); });
  add("base", [](const FormatProperties& p) { return fmt::format("{:.9g}", p.base); });
  add("bias", [](const FormatProperties& p) { return std::to_string(p.bias); });
  add("nonzero magnitudes", [](const FormatProperties& p) { return std::to_string(p.magnitudes); });
  add("smallest magnitude",
      [](const FormatProperties& p) { return fmt::format("{:.6g}", p.smallest); });
  add("largest magnitude",
      [](const FormatProperties& p) { return fmt::format("{:.6g}", p.largest); });
  add("dynamic range (dB)",
      [](const FormatProperties& p) { return fmt::format("{:.2f}", p.range_db); });
  add("dynamic range (octaves)",
      [](const FormatProperties& p) { return fmt::format("{:.3f}", p.range_octaves); });
  add("relative spacing",
      [](const FormatProperties& p) { return fmt::format("{:.6g}", p.spacing); });
  add("max rel. rounding error",
      [](const FormatProperties& p) { return fmt::format("{:.6g}", p.max_rounding_error); });
  if (stats) {
    add("T+ entries (add table)", [](const FormatProperties& p) { return p.sum_entries; });
    add("T- entries (sub table)", [](const FormatProperties& p) { return p.difference_entries; });
    add("table bytes (T+ and T-)", [](const FormatProperties& p) { return p.table_bytes; });
  }
  std::size_t name_width = 0;
  for (const auto& r : rows) name_width = std::max(name_width, r.first.size());
  std::vector<std::size_t> widths(props.size(), 0);
  for (const auto& r : rows)
    for (std::size_t i = 0; i < r.second.size(); ++i)
      widths[i] = std::max(widths[i], r.second[i].size());
  for (const auto& r : rows) {
    std::string line = fmt::format("{:<{}}", r.first, name_width);
    for (std::size_t i = 0; i < r.second.size(); ++i)
      line += fmt::format("  {:>{}}", r.second[i], widths[i]);
    fmt::print("{}\n", line);
  }
}

void run_format(const FormatOptions& o) {
  std::vector<FormatProperties> props;
  for (const auto& spec : o.specs) props.push_back(describe_format(spec));
  if (o.dump) {
    for (std::size_t i = 0; i < o.specs.size(); ++i) {
      if (i > 0) fmt::print("\n");
      fmt::print("{}", dump_codes_csv(o.specs[i]));
    }
  } else {
    print_table(props, o.stats);
  }
  if (!o.json_path.empty()) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& p : props) j.push_back(to_json(p));
    write_file_atomically(o.json_path, j.dump(2) + "\n");
  }
}

}  // namespace

void register_format(CLI::App& app) {
  auto o = std::make_shared<FormatOptions>();
  auto* sub = app.add_subcommand(
      "format",
      "Show the properties of number formats side by side (LNS specs such as "
      "lns8:eta0=0.016, lns12:eta0=0.001, lns8:gamma=8; baselines fp32, fp16, bf16, "
      "fp8e4m3, fp8e5m2, int8)");
  sub->add_option("spec", o->specs, "Format specs")->required();
  sub->add_flag("--stats", o->stats, "Also show the Gaussian-log table sizes of LNS formats");
  sub->add_flag("--dump", o->dump, "List every code of each LNS format as CSV: code,sign,k,value");
  sub->add_option("--json", o->json_path, "Also write the properties as JSON to this file");
  sub->callback([o] { run_format(*o); });
}

}  // namespace lnslab::cli
