// Energy tables: TOML reading, validation and width/capacity scaling.
#include "lnslab/sim/energy.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "lnslab/sim/errors.hpp"
#include "toml_util.hpp"

namespace lnslab::sim {
namespace {

constexpr std::array<std::string_view, primitive_count> kNames = {
    "int_add",      "int_mult", "fp_add",      "fp_mult",     "logic_gate",
    "register_bit", "lut_read", "sram_access", "dram_access",
};

bool is_memory(Primitive p) {
  return p == Primitive::register_bit || p == Primitive::lut_read || p == Primitive::sram_access ||
         p == Primitive::dram_access || p == Primitive::logic_gate;
}

// Energy of `bits` from the entries of one action at one capacity, sorted by width.
double scale_width(const std::vector<const EnergyEntry*>& es, double bits) {
  const auto& first = *es.front();
  const auto& last = *es.back();
  auto power = [&](const EnergyEntry& e, double w) { return e.quadratic ? w * w : w; };
  if (bits <= first.bits) return first.energy_pj * power(first, bits) / power(first, first.bits);
  if (bits >= last.bits) return last.energy_pj * power(last, bits) / power(last, last.bits);
  for (std::size_t i = 1; i < es.size(); ++i) {
    const auto& lo = *es[i - 1];
    const auto& hi = *es[i];
    if (bits <= hi.bits) {
      const double x0 = power(lo, lo.bits), x1 = power(hi, hi.bits), x = power(lo, bits);
      return lo.energy_pj + (hi.energy_pj - lo.energy_pj) * (x - x0) / (x1 - x0);
    }
  }
  return last.energy_pj;
}

}  // namespace

std::string_view to_string(Primitive p) {
  return kNames[static_cast<std::size_t>(p)];
}

bool parse_primitive(std::string_view text, Primitive& out) {
  for (std::size_t i = 0; i < kNames.size(); ++i) {
    if (kNames[i] == text) {
      out = static_cast<Primitive>(i);
      return true;
    }
  }
  return false;
}

EnergyTable EnergyTable::load(const std::filesystem::path& path) {
  return parse(detail::read_text_file(path, "energy table"), path.string());
}

EnergyTable EnergyTable::parse(std::string_view text, const std::string& origin) {
  const toml::table root = detail::parse_toml(text, origin);
  detail::Fields top(root, origin, "");
  EnergyTable t;
  t.origin_ = origin;
  t.name_ = top.string("name");
  top.optional_string("description");
  const toml::array* list = top.array("entry");
  if (!list || list->empty())
    detail::fail(origin, root.source(), "entry", "expected at least one [[entry]] table");
  std::size_t index = 0;
  for (const toml::node& node : *list) {
    const std::string where = "entry[" + std::to_string(index++) + "]";
    const toml::table* tab = node.as_table();
    if (!tab) detail::fail(origin, node.source(), where, "expected a table");
    detail::Fields f(*tab, origin, where + ".");
    EnergyEntry e;
    const std::string action = f.string("action");
    if (!parse_primitive(action, e.action))
      f.fail("action",
             "expected one of int_add, int_mult, fp_add, fp_mult, logic_gate, "
             "register_bit, lut_read, sram_access, dram_access; got '" +
                 action + "'");
    e.bits = f.number("bits", 1, 4096);
    e.energy_pj = f.number("energy_pj", 0, 1e9, /*strict_min=*/true);
    e.unit = f.string("unit");
    if (e.unit != "pJ/op" && e.unit != "pJ/access" && e.unit != "pJ/bit" && e.unit != "pJ/gate")
      f.fail("unit", "expected pJ/op, pJ/access, pJ/bit or pJ/gate; got '" + e.unit + "'");
    e.node_nm = f.number("node_nm", 1, 1000);
    e.voltage_v = f.number("voltage_v", 0.1, 5);
    const std::string scaling = f.string("scaling");
    if (scaling != "linear" && scaling != "quadratic")
      f.fail("scaling", "expected linear or quadratic; got '" + scaling + "'");
    e.quadratic = scaling == "quadratic";
    if (e.quadratic && is_memory(e.action))
      f.fail("scaling", "memories, registers and gates scale linearly with width");
    e.source = f.string("source");
    if (e.source.empty()) f.fail("source", "expected a non-empty source");
    if (e.action == Primitive::sram_access) e.capacity_kib = f.number("capacity_kib", 0.001, 1e9);
    e.note = f.optional_string("note");
    f.reject_unknown({"action", "bits", "energy_pj", "unit", "node_nm", "voltage_v", "scaling",
                      "source", "capacity_kib", "note"});
    for (const auto& other : t.entries_) {
      if (other.action == e.action && other.bits == e.bits && other.capacity_kib == e.capacity_kib)
        f.fail("bits", "duplicate entry for " + action + " at this width/capacity");
      if (other.action == e.action && other.quadratic != e.quadratic)
        f.fail("scaling", "all entries of " + action + " must scale the same way");
    }
    t.entries_.push_back(std::move(e));
  }
  top.reject_unknown({"name", "description", "entry"});
  return t;
}

bool EnergyTable::has(Primitive action) const {
  return std::any_of(entries_.begin(), entries_.end(),
                     [&](const EnergyEntry& e) { return e.action == action; });
}

void EnergyTable::set(const EnergyEntry& e) {
  for (auto& other : entries_) {
    if (other.action == e.action && other.bits == e.bits && other.capacity_kib == e.capacity_kib) {
      other = e;
      return;
    }
  }
  entries_.push_back(e);
}

double EnergyTable::energy_pj(Primitive action, double bits, double capacity_kib) const {
  std::vector<const EnergyEntry*> es;
  for (const auto& e : entries_)
    if (e.action == action) es.push_back(&e);
  if (es.empty())
    throw ConfigError("energy table " + origin_ + ": no entry for action '" +
                      std::string(to_string(action)) + "'");
  if (action != Primitive::sram_access) {
    std::sort(es.begin(), es.end(), [](auto* a, auto* b) { return a->bits < b->bits; });
    return scale_width(es, bits);
  }
  // SRAM: per-bit energy at each listed capacity, interpolated in log2(capacity).
  std::sort(es.begin(), es.end(),
            [](auto* a, auto* b) { return a->capacity_kib < b->capacity_kib; });
  auto per_bit = [](const EnergyEntry* e) { return e->energy_pj / e->bits; };
  if (es.size() == 1 || capacity_kib <= es.front()->capacity_kib) return per_bit(es.front()) * bits;
  std::size_t hi = 1;
  while (hi + 1 < es.size() && es[hi]->capacity_kib < capacity_kib) ++hi;
  const EnergyEntry* a = es[hi - 1];
  const EnergyEntry* b = es[hi];
  const double x =
      std::log2(capacity_kib / a->capacity_kib) / std::log2(b->capacity_kib / a->capacity_kib);
  return (per_bit(a) + (per_bit(b) - per_bit(a)) * x) * bits;
}

}  // namespace lnslab::sim
