#pragma once
// Private helpers: TOML reading with errors that name file, line and field.
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace lnslab::sim::detail {

/// Whole file as text; ConfigError naming the file (`what`: "config", "energy table", ...).
std::string read_text_file(const std::filesystem::path& path, const std::string& what);
/// Parses TOML; syntax errors become ConfigError "origin:line:col: message".
toml::table parse_toml(std::string_view text, const std::string& origin);
[[noreturn]] void fail(const std::string& origin, const toml::source_region& where,
                       const std::string& field, const std::string& expected);

/// Typed access to the keys of one table; every error names origin, line and prefix+key.
class Fields {
 public:
  Fields(const toml::table& t, std::string origin, std::string prefix)
      : t_(t), origin_(std::move(origin)), prefix_(std::move(prefix)) {}
  bool has(std::string_view key) const { return t_.contains(key); }
  std::string string(std::string_view key) const;
  std::string optional_string(std::string_view key, std::string fallback = "") const;
  double number(std::string_view key, double min, double max, bool strict_min = false) const;
  double optional_number(std::string_view key, double fallback, double min, double max,
                         bool strict_min = false) const;
  std::int64_t integer(std::string_view key, std::int64_t min, std::int64_t max) const;
  std::int64_t optional_integer(std::string_view key, std::int64_t fallback, std::int64_t min,
                                std::int64_t max) const;
  bool optional_boolean(std::string_view key, bool fallback) const;
  const toml::array* array(std::string_view key) const;
  /// Sub-table (nullptr when absent; error when present but not a table).
  const toml::table* table(std::string_view key) const;
  void reject_unknown(std::initializer_list<std::string_view> known) const;
  [[noreturn]] void fail(std::string_view key, const std::string& expected) const;
  const std::string& origin() const { return origin_; }
  const std::string& prefix() const { return prefix_; }

 private:
  const toml::node& require(std::string_view key, const char* type) const;
  const toml::table& t_;
  std::string origin_;
  std::string prefix_;
};

}  // namespace lnslab::sim::detail
