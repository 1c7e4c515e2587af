// Accelerator configs: TOML reading, defaults and validation.
#include "lnslab/sim/config.hpp"

#include <fmt/format.h>

#include <array>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "lnslab/sim/errors.hpp"
#include "toml_util.hpp"

namespace lnslab::sim {
namespace {

struct FieldProblem {
  std::string field;  // "sram.input_kib"
  std::string message;
};

// The smallest tile of the dataflow (one T element, full array) must fit half of each SRAM.
std::optional<FieldProblem> tile_fit_problem(const Config& c) {
  const double r = c.array.rows, k = c.array.cols;
  auto half_bits = [](double kib) { return kib * 1024.0 * 8.0 / 2.0; };
  struct Need {
    const char* field = "";
    double kib = 0;
    double bits = 0;
    std::string_view what;
  };
  const WordBits& w = c.words;
  // One T step of a tile: R x C stationary words, R words at the row edge, C at the column edge
  // (partial sums at psum width when they leave the array).
  const DataflowInfo& df = dataflow_info(c.array.dataflow);
  const std::array<const char*, operand_count> fields{"sram.input_kib", "sram.weight_kib",
                                                      "sram.output_kib"};
  const std::array<double, operand_count> kib{c.memory.input_kib, c.memory.weight_kib,
                                              c.memory.output_kib};
  const std::array<double, operand_count> bits{double(w.input), double(w.weight), double(w.output)};
  Need needs[operand_count]{};
  for (int op = 0; op < operand_count; ++op) {
    double need = 0;
    if (op == df.stationary)
      need = r * k * bits[op];
    else if (op == df.row_operand)
      need = r * bits[op];
    else if (op == df.col_operand)
      need = k * (op == operand::output && df.psums_buffered ? double(w.psum) : bits[op]);
    else
      throw std::logic_error("dataflow " + std::string(df.name) + ": operand without a role");
    needs[op] = {fields[op], kib[op], need, df.tile_need[op]};
  }
  for (const Need& n : needs) {
    if (n.bits > half_bits(n.kib))
      return FieldProblem{n.field,
                          fmt::format("SRAM too small for one tile: half of {:g} KiB (double "
                                      "buffered) must hold {} = {:g} bytes",
                                      n.kib, n.what, n.bits / 8.0)};
  }
  return std::nullopt;
}

PeType parse_pe_type(const detail::Fields& f) {
  const std::string t = f.string("type");
  if (t == "lns") return PeType::lns;
  if (t == "fp32") return PeType::fp32;
  if (t == "fp16") return PeType::fp16;
  if (t == "bf16") return PeType::bf16;
  if (t == "int8") return PeType::int8;
  f.fail("type", "expected lns, fp32, fp16, bf16 or int8; got '" + t + "'");
}

void complete_pe(PeConfig& pe) {
  if (pe.type != PeType::lns) {
    pe.bins = 1;
    pe.acc_bits = 32;
    return;
  }
  const auto& d = pe.datapath;
  pe.acc_bits = d.acc_bits;
  pe.bins = 1;
  if (d.kind == lns::Accumulation::bins || d.kind == lns::Accumulation::bins_mitchell) {
    const auto g = pe.format->gamma();
    if (!g) throw std::invalid_argument("bins datapaths need a format given by gamma");
    pe.bins = d.kind == lns::Accumulation::bins ? *g : (*g >> d.low_bits);
    if (d.kind == lns::Accumulation::bins_mitchell &&
        ((*g & (*g - 1)) != 0 || d.low_bits <= 0 || (1 << d.low_bits) >= *g))
      throw std::invalid_argument(
          "bins_mitchell needs gamma a power of two and "
          "0 < low < log2(gamma)");
  }
  if (d.kind == lns::Accumulation::exact)
    throw std::invalid_argument(
        "'exact' is the double-precision reference, not a hardware "
        "datapath; use linear, bins, bins_mitchell or logadd");
}

}  // namespace

std::string_view to_string(TimingMode m) {
  switch (m) {
    case TimingMode::standard:
      return "default";
    case TimingMode::scalesim:
      return "scalesim";
  }
  return "?";
}

std::string_view to_string(Objective o) {
  switch (o) {
    case Objective::energy:
      return "energy";
    case Objective::cycles:
      return "cycles";
    case Objective::edp:
      return "edp";
  }
  return "?";
}

bool parse_objective(std::string_view text, Objective& out) {
  for (Objective o : {Objective::energy, Objective::cycles, Objective::edp})
    if (text == to_string(o)) {
      out = o;
      return true;
    }
  return false;
}

std::string_view to_string(PeType t) {
  switch (t) {
    case PeType::lns:
      return "lns";
    case PeType::fp32:
      return "fp32";
    case PeType::fp16:
      return "fp16";
    case PeType::bf16:
      return "bf16";
    case PeType::int8:
      return "int8";
  }
  return "?";
}

WordBits default_words(const PeConfig& pe) {
  switch (pe.type) {
    case PeType::fp32:
    case PeType::fp16:
    case PeType::bf16: {
      const int f = pe.type == PeType::fp32 ? 32 : 16;
      return {f, pe.weight_storage ? pe.weight_storage->bits() : f, 32, f};
    }
    case PeType::int8:
      return {8, 8, 32, 8};
    case PeType::lns:
      break;
  }
  const int b = pe.format ? pe.format->bits() : 8;
  const int psum = pe.datapath.kind == lns::Accumulation::logadd ? b : pe.bins * pe.acc_bits;
  return {b, b, psum, b};
}

void validate(const Config& c) {
  auto bad = [&](const std::string& field, const std::string& msg) {
    throw ConfigError(c.origin + ": " + field + ": " + msg);
  };
  if (c.array.rows < 1 || c.array.cols < 1) bad("array.rows/cols", "expected >= 1");
  if (!(c.array.clock_mhz > 0)) bad("array.clock_mhz", "expected > 0");
  if (!(c.memory.dram_bytes_per_cycle > 0)) bad("dram.bandwidth_bytes_per_cycle", "expected > 0");
  if (c.pe.type == PeType::lns && !c.pe.format) bad("pe.format", "missing for an lns PE");
  if (c.pe.weight_storage && c.pe.type == PeType::int8)
    bad("pe.weight_format", "an int8 PE cannot use LNS weights (float or lns PEs only)");
  if (c.update.rule && c.update.rule->exponent_update && !c.pe.stores_lns_weights())
    bad("update.exponent_update",
        "an exponent-update rule needs weights stored as LNS codes (an lns PE or a "
        "pe.weight_format)");
  if (c.words.input < 1 || c.words.weight < 1 || c.words.psum < 1 || c.words.output < 1)
    bad("words", "expected widths >= 1");
  if (c.update.lanes < 1) bad("update.lanes", "expected >= 1");
  if (auto p = tile_fit_problem(c)) bad(p->field, p->message);
}

Config load_config(const std::filesystem::path& path) {
  return parse_config(detail::read_text_file(path, "config"), path.string(),
                      path.has_parent_path() ? path.parent_path() : std::filesystem::path("."));
}

Config parse_config(std::string_view text, const std::string& origin,
                    const std::filesystem::path& base_dir) {
  const toml::table root = detail::parse_toml(text, origin);
  detail::Fields top(root, origin, "");
  Config c;
  c.origin = origin;
  c.name = top.string("name");
  top.optional_string("description");
  top.reject_unknown({"name", "description", "array", "sram", "dram", "pe", "words", "update",
                      "energy", "mapping"});
  auto section = [&](const char* key) {
    const toml::table* t = top.table(key);
    if (!t) top.fail(key, std::string("missing section [") + key + "]");
    return detail::Fields(*t, origin, std::string(key) + ".");
  };

  const auto array = section("array");
  c.array.rows = static_cast<int>(array.integer("rows", 1, 1 << 16));
  c.array.cols = static_cast<int>(array.integer("cols", 1, 1 << 16));
  const std::string df = array.string("dataflow");
  if (const auto d = parse_dataflow(df))
    c.array.dataflow = *d;
  else
    array.fail("dataflow", "expected " + dataflow_names() + "; got '" + df + "'");
  c.array.clock_mhz = array.number("clock_mhz", 0, 1e6, true);
  if (array.has("timing")) {
    const std::string tm = array.string("timing");
    if (tm == "default")
      c.array.timing = TimingMode::standard;
    else if (tm == "scalesim")
      c.array.timing = TimingMode::scalesim;
    else
      array.fail("timing", "expected default or scalesim; got '" + tm + "'");
  }
  array.reject_unknown({"rows", "cols", "dataflow", "clock_mhz", "timing"});

  const auto sram = section("sram");
  c.memory.input_kib = sram.number("input_kib", 0, 1e9, true);
  c.memory.weight_kib = sram.number("weight_kib", 0, 1e9, true);
  c.memory.output_kib = sram.number("output_kib", 0, 1e9, true);
  sram.reject_unknown({"input_kib", "weight_kib", "output_kib"});

  const auto dram = section("dram");
  c.memory.dram_bytes_per_cycle = dram.number("bandwidth_bytes_per_cycle", 0, 1e9, true);
  c.memory.dram_latency_cycles =
      static_cast<std::uint64_t>(dram.integer("latency_cycles", 0, 1'000'000'000));
  dram.reject_unknown({"bandwidth_bytes_per_cycle", "latency_cycles"});

  const auto pe = section("pe");
  c.pe.type = parse_pe_type(pe);
  if (c.pe.type == PeType::lns) {
    const std::string spec = pe.string("format");
    try {
      c.pe.format = lns::Format::parse(spec);
    } catch (const std::invalid_argument& e) {
      pe.fail("format", e.what());
    }
    const std::string acc = pe.string("accumulation");
    try {
      c.pe.datapath = lns::parse_datapath(acc);
      complete_pe(c.pe);
    } catch (const std::invalid_argument& e) {
      pe.fail("accumulation", e.what());
    }
  } else {
    complete_pe(c.pe);
  }
  if (pe.has("weight_format")) {
    if (c.pe.type == PeType::int8)
      pe.fail("weight_format", "an int8 PE cannot use LNS weights (float or lns PEs only)");
    try {
      c.pe.weight_storage = lns::Format::parse(pe.string("weight_format"));
    } catch (const std::invalid_argument& e) {
      pe.fail("weight_format", e.what());
    }
  }
  if (c.pe.type == PeType::lns)
    pe.reject_unknown({"type", "format", "accumulation", "weight_format"});
  else
    pe.reject_unknown({"type", "weight_format"});

  c.words = default_words(c.pe);
  if (const toml::table* w = top.table("words")) {
    detail::Fields f(*w, origin, "words.");
    c.words.input = static_cast<int>(f.optional_integer("input_bits", c.words.input, 1, 1024));
    c.words.weight = static_cast<int>(f.optional_integer("weight_bits", c.words.weight, 1, 1024));
    c.words.psum = static_cast<int>(f.optional_integer("psum_bits", c.words.psum, 1, 65536));
    c.words.output = static_cast<int>(f.optional_integer("output_bits", c.words.output, 1, 1024));
    f.reject_unknown({"input_bits", "weight_bits", "psum_bits", "output_bits"});
  }

  c.update.lanes = c.array.cols;
  if (const toml::table* u = top.table("update")) {
    detail::Fields f(*u, origin, "update.");
    if (f.has("optimizer"))
      f.fail("optimizer",
             "the simulator takes the update rule as counts, not an optimizer name: rule = "
             "\"LABEL\", fp_mults, fp_adds, int_adds, state_words, exponent_update (lnslab sim "
             "--optimizer NAME fills them from the training module's registry)");
    const bool counts = f.has("fp_mults") || f.has("fp_adds") || f.has("int_adds") ||
                        f.has("state_words") || f.has("exponent_update");
    if (counts && !f.has("rule")) f.fail("rule", "a label for the update rule's counts");
    if (f.has("rule")) {
      UpdateRule r;
      r.name = f.string("rule");
      r.fp_mults = f.optional_number("fp_mults", 0, 0, 1e6);
      r.fp_adds = f.optional_number("fp_adds", 0, 0, 1e6);
      r.int_adds = f.optional_number("int_adds", 0, 0, 1e6);
      r.state_words = static_cast<int>(f.optional_integer("state_words", 0, 0, 64));
      r.exponent_update = f.optional_boolean("exponent_update", false);
      if (r.exponent_update && !c.pe.stores_lns_weights())
        f.fail("exponent_update",
               "false: an exponent-update rule needs weights stored as LNS codes (an lns PE or a "
               "pe.weight_format)");
      c.update.rule = r;
    }
    c.update.lanes = static_cast<int>(f.optional_integer("lanes", c.update.lanes, 1, 1 << 20));
    f.reject_unknown(
        {"rule", "fp_mults", "fp_adds", "int_adds", "state_words", "exponent_update", "lanes"});
  }

  if (const toml::table* m = top.table("mapping")) {
    detail::Fields f(*m, origin, "mapping.");
    c.mapping.search = f.optional_boolean("search", false);
    if (f.has("objective")) {
      if (!c.mapping.search)
        f.fail("objective", "applies only with search = true (the fixed mapping has no objective)");
      const std::string o = f.string("objective");
      if (!parse_objective(o, c.mapping.objective))
        f.fail("objective", "expected energy, cycles or edp; got '" + o + "'");
    }
    f.reject_unknown({"search", "objective"});
  }

  const auto energy = section("energy");
  std::filesystem::path table = energy.string("table");
  if (table.is_relative()) table = base_dir / table;
  try {
    c.energy = EnergyTable::load(table);
  } catch (const ConfigError& e) {
    energy.fail("table", e.what());
  }
  energy.reject_unknown({"table"});

  if (auto p = tile_fit_problem(c)) {
    const auto dot = p->field.find('.');
    sram.fail(p->field.substr(dot + 1), p->message);
  }
  validate(c);
  return c;
}

namespace {
toml::table update_table(const UpdateConfig& u) {
  toml::table t{{"lanes", u.lanes}};
  if (u.rule) {
    t.insert("rule", u.rule->name);
    t.insert("fp_mults", u.rule->fp_mults);
    t.insert("fp_adds", u.rule->fp_adds);
    t.insert("int_adds", u.rule->int_adds);
    t.insert("state_words", u.rule->state_words);
    t.insert("exponent_update", u.rule->exponent_update);
  }
  return t;
}
}  // namespace

std::string to_toml(const Config& c) {
  toml::table pe{{"type", std::string(to_string(c.pe.type))}};
  if (c.pe.type == PeType::lns) {
    pe.insert("format", c.pe.format->spec());
    pe.insert("accumulation", lns::to_string(c.pe.datapath));
  }
  if (c.pe.weight_storage) pe.insert("weight_format", c.pe.weight_storage->spec());
  const toml::table root{
      {"name", c.name},
      {"array", toml::table{{"rows", c.array.rows},
                            {"cols", c.array.cols},
                            {"dataflow", std::string(to_string(c.array.dataflow))},
                            {"clock_mhz", c.array.clock_mhz},
                            {"timing", std::string(to_string(c.array.timing))}}},
      {"sram", toml::table{{"input_kib", c.memory.input_kib},
                           {"weight_kib", c.memory.weight_kib},
                           {"output_kib", c.memory.output_kib}}},
      {"dram",
       toml::table{{"bandwidth_bytes_per_cycle", c.memory.dram_bytes_per_cycle},
                   {"latency_cycles", static_cast<std::int64_t>(c.memory.dram_latency_cycles)}}},
      {"pe", pe},
      {"words", toml::table{{"input_bits", c.words.input},
                            {"weight_bits", c.words.weight},
                            {"psum_bits", c.words.psum},
                            {"output_bits", c.words.output}}},
      {"update", update_table(c.update)},
      {"energy",
       toml::table{
           {"table", std::filesystem::absolute(c.energy.origin()).lexically_normal().string()}}}};
  toml::table mapping{{"search", c.mapping.search}};
  if (c.mapping.search) mapping.insert("objective", std::string(to_string(c.mapping.objective)));
  toml::table full = root;
  full.insert("mapping", mapping);
  std::ostringstream out;
  out << full << "\n";
  return out.str();
}

}  // namespace lnslab::sim
