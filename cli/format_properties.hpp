#pragma once
// The properties `lnslab format` reports, for LNS specs and for the baseline formats.
#include <nlohmann/json.hpp>
#include <string>

namespace lnslab::cli {

struct FormatProperties {
  std::string spec;
  std::string kind;  ///< "lns", "float" or "int"
  int bits = 0;
  double base = 0.0;  ///< LNS base b; 2 for floats; 0 for int8
  int bias = 0;
  long magnitudes = 0;    ///< distinct nonzero magnitudes (floats: normal ones)
  double smallest = 0.0;  ///< smallest nonzero magnitude (floats: smallest normal)
  double largest = 0.0;
  double range_db = 0.0;       ///< 20 log10(largest / smallest)
  double range_octaves = 0.0;  ///< log2(largest / smallest)
  double spacing = 0.0;        ///< relative gap between neighbours (int8: at the largest value)
  double max_rounding_error = 0.0;  ///< worst relative error of round-to-nearest inside the range
  std::string sum_entries = "-";    ///< LNS only: T+ table length
  std::string difference_entries = "-";
  std::string table_bytes = "-";
};

/// Throws InputError naming the spec when it is neither an LNS spec nor a known baseline.
FormatProperties describe_format(const std::string& spec);
nlohmann::json to_json(const FormatProperties& p);
/// CSV `code,sign,k,value` of every code of an LNS format (InputError for baselines).
std::string dump_codes_csv(const std::string& spec);

}  // namespace lnslab::cli
