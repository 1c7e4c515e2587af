// Parsing of format spec strings: lnsB:eta0=X | lnsB:gamma=G | lnsB:base=X, optional ,bias=N.
#include <charconv>
#include <cmath>
#include <string>

#include "lnslab/lns/format.hpp"

namespace lnslab::lns {
namespace {

[[noreturn]] void fail(std::string_view spec, const std::string& what) {
  throw FormatError("format spec '" + std::string(spec) + "': " + what +
                    " (expected e.g. lns8:eta0=0.016, lns12:eta0=0.001, lns8:gamma=8, "
                    "with optional ,bias=N)");
}

bool parse_int(std::string_view text, long& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end;
}

bool parse_double(std::string_view text, double& out) {
  if (text.empty()) return false;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, out);
  return ec == std::errc() && ptr == end && std::isfinite(out);
}

}  // namespace

Format Format::parse(std::string_view spec) {
  if (spec.substr(0, 3) != "lns") fail(spec, "it does not start with 'lns'");
  const auto colon = spec.find(':');
  if (colon == std::string_view::npos) fail(spec, "missing ':' after the bit count");
  long bits = 0;
  if (!parse_int(spec.substr(3, colon - 3), bits)) fail(spec, "the bit count is not an integer");
  if (bits < min_bits || bits > max_bits)
    fail(spec, "bits = " + std::to_string(bits) + " is out of range 3..16");

  std::optional<BaseKind> kind;
  double value = 0.0;
  std::optional<int> bias;
  std::string_view rest = spec.substr(colon + 1);
  if (rest.empty()) fail(spec, "no base given");
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
    if (comma != std::string_view::npos && rest.empty()) fail(spec, "trailing ','");
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) fail(spec, "'" + std::string(item) + "' is not key=value");
    const std::string_view key = item.substr(0, eq);
    const std::string_view val = item.substr(eq + 1);
    if (key == "bias") {
      long b = 0;
      if (bias) fail(spec, "bias given twice");
      if (!parse_int(val, b) || b < -(1L << 20) || b > (1L << 20))
        fail(spec, "bias '" + std::string(val) + "' is not an integer in -2^20..2^20");
      bias = static_cast<int>(b);
    } else if (key == "eta0" || key == "gamma" || key == "base") {
      if (kind) fail(spec, "the base is given twice");
      if (key == "gamma") {
        long g = 0;
        if (!parse_int(val, g) || g < 1 || g > 65536)
          fail(spec, "gamma '" + std::string(val) + "' is not an integer in 1..65536");
        kind = BaseKind::gamma;
        value = static_cast<double>(g);
      } else {
        if (!parse_double(val, value))
          fail(spec, std::string(key) + " '" + std::string(val) + "' is not a number");
        if (key == "eta0" && !(value > 0.0))
          fail(spec, "eta0 = " + std::string(val) + " must be > 0");
        if (key == "base" && !(value > 1.0))
          fail(spec, "base = " + std::string(val) + " must be > 1");
        kind = key == "eta0" ? BaseKind::eta0 : BaseKind::base;
      }
    } else {
      fail(spec, "unknown key '" + std::string(key) + "' (known: eta0, gamma, base, bias)");
    }
  }
  if (!kind) fail(spec, "no base given (eta0=, gamma= or base=)");
  const int b = static_cast<int>(bits);
  switch (*kind) {
    case BaseKind::eta0:
      return from_eta0(b, value, bias);
    case BaseKind::gamma:
      return from_gamma(b, static_cast<int>(value), bias);
    case BaseKind::base:
      return from_base(b, value, bias);
  }
  fail(spec, "no base given");
}

}  // namespace lnslab::lns
