// TOML helpers with file/line/field error messages.
#include "toml_util.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "lnslab/sim/errors.hpp"
#include "lnslab/util/files.hpp"

namespace lnslab::sim::detail {

std::string read_text_file(const std::filesystem::path& path, const std::string& what) {
  try {
    return util::read_file(path, what);
  } catch (const util::FileError& e) {
    throw ConfigError(e.what());
  }
}

toml::table parse_toml(std::string_view text, const std::string& origin) {
  try {
    return toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    throw ConfigError(fmt::format("{}:{}:{}: {}", origin, e.source().begin.line,
                                  e.source().begin.column, e.description()));
  }
}

void fail(const std::string& origin, const toml::source_region& where, const std::string& field,
          const std::string& expected) {
  if (where.begin.line > 0)
    throw ConfigError(fmt::format("{}:{}: {}: {}", origin, where.begin.line, field, expected));
  throw ConfigError(fmt::format("{}: {}: {}", origin, field, expected));
}

void Fields::fail(std::string_view key, const std::string& expected) const {
  const toml::node* n = t_.get(key);
  detail::fail(origin_, n ? n->source() : t_.source(), prefix_ + std::string(key), expected);
}

const toml::node& Fields::require(std::string_view key, const char* type) const {
  const toml::node* n = t_.get(key);
  if (!n) fail(key, std::string("missing; expected ") + type);
  return *n;
}

std::string Fields::string(std::string_view key) const {
  const toml::node& n = require(key, "a string");
  if (auto v = n.value<std::string>(); v && n.is_string()) return *v;
  fail(key, "expected a string");
}

std::string Fields::optional_string(std::string_view key, std::string fallback) const {
  return has(key) ? string(key) : fallback;
}

double Fields::number(std::string_view key, double min, double max, bool strict_min) const {
  const toml::node& n = require(key, "a number");
  if (!n.is_number()) fail(key, "expected a number");
  const double v = *n.value<double>();
  const bool low = strict_min ? !(v > min) : !(v >= min);
  if (!std::isfinite(v) || low || v > max)
    fail(key, fmt::format("expected a number {} {:g} and <= {:g}, got {:g}",
                          strict_min ? ">" : ">=", min, max, v));
  return v;
}

double Fields::optional_number(std::string_view key, double fallback, double min, double max,
                               bool strict_min) const {
  return has(key) ? number(key, min, max, strict_min) : fallback;
}

std::int64_t Fields::integer(std::string_view key, std::int64_t min, std::int64_t max) const {
  const toml::node& n = require(key, "an integer");
  if (!n.is_integer()) fail(key, "expected an integer");
  const std::int64_t v = *n.value<std::int64_t>();
  if (v < min || v > max)
    fail(key, fmt::format("expected an integer in [{}, {}], got {}", min, max, v));
  return v;
}

std::int64_t Fields::optional_integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                                      std::int64_t max) const {
  return has(key) ? integer(key, min, max) : fallback;
}

bool Fields::optional_boolean(std::string_view key, bool fallback) const {
  if (!has(key)) return fallback;
  const toml::node& n = require(key, "a boolean");
  if (!n.is_boolean()) fail(key, "expected true or false");
  return *n.value<bool>();
}

const toml::array* Fields::array(std::string_view key) const {
  const toml::node* n = t_.get(key);
  if (!n) return nullptr;
  if (!n->is_array()) fail(key, "expected an array of tables ([[" + std::string(key) + "]])");
  return n->as_array();
}

const toml::table* Fields::table(std::string_view key) const {
  const toml::node* n = t_.get(key);
  if (!n) return nullptr;
  if (!n->is_table()) fail(key, "expected a table ([" + std::string(key) + "])");
  return n->as_table();
}

void Fields::reject_unknown(std::initializer_list<std::string_view> known) const {
  for (const auto& [k, v] : t_) {
    bool ok = false;
    for (auto name : known) ok = ok || name == k.str();
    if (!ok) {
      std::string list;
      for (auto name : known) list += (list.empty() ? "" : ", ") + std::string(name);
      detail::fail(origin_, v.source(), prefix_ + std::string(k.str()),
                   "unknown key (expected one of: " + list + ")");
    }
  }
}

}  // namespace lnslab::sim::detail
