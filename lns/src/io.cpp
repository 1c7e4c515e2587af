#include "lnslab/lns/io.hpp"

#include <cstdio>

namespace lnslab::lns {

std::string to_string(const CodeView& v) {
  const Format& f = v.format;
  // Hex digits of the code: 1..4 for formats of 3..16 bits.
  static constexpr const char* digits = "0123456789abcdef";
  std::string hex = "0x";
  for (int shift = ((f.bits() + 3) / 4 - 1) * 4; shift >= 0; shift -= 4)
    hex += digits[(v.code >> shift) & 0xF];
  if (f.is_zero(v.code)) return hex + "(zero)";
  if (f.is_nan(v.code)) return hex + "(NaN)";
  char value[48];
  std::snprintf(value, sizeof value, "%.9g", f.decode(v.code));
  return hex + "(" + (f.is_negative(v.code) ? "-" : "+") +
         "k=" + std::to_string(f.exponent(v.code)) + ":" + value + ")";
}

}  // namespace lnslab::lns
