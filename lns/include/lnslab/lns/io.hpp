#pragma once
// Printing of formats and codes with iostreams (standard library only; see fmt.hpp for fmt).
#include <ostream>
#include <string>

#include "lnslab/lns/format.hpp"

namespace lnslab::lns {

/// A code seen through its format, for printing: `0x8f(-k=15:-0.8123)`, `0x00(zero)`, `0x80(NaN)`.
struct CodeView {
  const Format& format;
  code_t code;
};
inline CodeView view(const Format& f, code_t c) {
  return CodeView{f, c};
}

/// The printed form of a code (as operator<< and the fmt formatter write it).
std::string to_string(const CodeView& v);

inline std::ostream& operator<<(std::ostream& os, const Format& f) {
  return os << f.spec();
}
inline std::ostream& operator<<(std::ostream& os, const CodeView& v) {
  return os << to_string(v);
}

}  // namespace lnslab::lns
