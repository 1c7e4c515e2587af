// Parsing and printing of accumulation datapaths (datapath.hpp).
#include "lnslab/lns/datapath.hpp"

#include <charconv>
#include <stdexcept>
#include <string>

namespace lnslab::lns {
namespace {

[[noreturn]] void fail(std::string_view text, const std::string& what) {
  throw std::invalid_argument("datapath '" + std::string(text) + "': " + what);
}

int parse_int(std::string_view text, std::string_view key, std::string_view value) {
  int v = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
  if (ec != std::errc{} || end != value.data() + value.size())
    fail(text, "value of '" + std::string(key) + "' must be an integer, got '" +
                   std::string(value) + "'");
  return v;
}

}  // namespace

std::string_view to_string(Accumulation a) {
  switch (a) {
    case Accumulation::linear:
      return "linear";
    case Accumulation::bins:
      return "bins";
    case Accumulation::bins_mitchell:
      return "bins_mitchell";
    case Accumulation::logadd:
      return "logadd";
    case Accumulation::exact:
      return "exact";
  }
  return "?";
}

void validate(const Datapath& d) {
  const std::string text = to_string(d);
  if (d.kind == Accumulation::logadd || d.kind == Accumulation::exact) return;
  if (d.frac_bits < 0 || d.frac_bits > 40) fail(text, "F must be in 0..40");
  if (d.acc_bits < 8 || d.acc_bits > 62) fail(text, "W must be in 8..62");
  if (d.kind == Accumulation::bins_mitchell && (d.low_bits < 1 || d.low_bits > 15))
    fail(text, "low must be in 1..15 (and below log2(gamma))");
  if (d.kind != Accumulation::bins_mitchell && d.low_bits != 0)
    fail(text, "low applies to bins_mitchell only");
}

Datapath parse_datapath(std::string_view text) {
  Datapath d;
  const std::size_t colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  if (name == "linear") {
    d.kind = Accumulation::linear;
  } else if (name == "bins") {
    d.kind = Accumulation::bins;
  } else if (name == "bins_mitchell") {
    d.kind = Accumulation::bins_mitchell;
    d.low_bits = 1;  // 0 is not a Mitchell datapath; 1 is the smallest meaningful split
  } else if (name == "logadd") {
    d.kind = Accumulation::logadd;
  } else if (name == "exact") {
    d.kind = Accumulation::exact;
  } else {
    fail(text, "expected linear, bins, bins_mitchell, logadd or exact before ':'");
  }
  if (colon == std::string_view::npos) return d;
  const bool has_widths = d.kind != Accumulation::logadd && d.kind != Accumulation::exact;
  std::string_view rest = text.substr(colon + 1);
  if (rest.empty()) fail(text, "nothing after ':'");
  while (!rest.empty()) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (comma != std::string_view::npos && rest.empty()) fail(text, "trailing ','");
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos)
      fail(text, "expected KEY=VALUE, got '" + std::string(item) + "'");
    const std::string_view key = item.substr(0, eq);
    const std::string_view value = item.substr(eq + 1);
    if (!has_widths) fail(text, std::string(name) + " takes no parameters");
    if (key == "F") {
      d.frac_bits = parse_int(text, key, value);
    } else if (key == "W") {
      d.acc_bits = parse_int(text, key, value);
    } else if (key == "low" && d.kind == Accumulation::bins_mitchell) {
      d.low_bits = parse_int(text, key, value);
    } else {
      fail(text, "unknown key '" + std::string(key) + "' (expected F, W" +
                     (d.kind == Accumulation::bins_mitchell ? ", low)" : ")"));
    }
  }
  validate(d);
  return d;
}

std::string to_string(const Datapath& d) {
  std::string s(to_string(d.kind));
  if (d.kind == Accumulation::logadd || d.kind == Accumulation::exact) return s;
  s += ":F=" + std::to_string(d.frac_bits) + ",W=" + std::to_string(d.acc_bits);
  if (d.kind == Accumulation::bins_mitchell) s += ",low=" + std::to_string(d.low_bits);
  return s;
}

}  // namespace lnslab::lns
