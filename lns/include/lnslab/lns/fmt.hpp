#pragma once
// fmt formatters for formats and codes: fmt::format("{}", fmt) prints the spec string,
// fmt::format("{}", lns::view(fmt, code)) prints the code with its sign, exponent and value.
#include <fmt/format.h>

#include "lnslab/lns/io.hpp"

template <>
struct fmt::formatter<lnslab::lns::Format> : fmt::formatter<std::string_view> {
  auto format(const lnslab::lns::Format& f, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(f.spec(), ctx);
  }
};

template <>
struct fmt::formatter<lnslab::lns::CodeView> : fmt::formatter<std::string_view> {
  auto format(const lnslab::lns::CodeView& v, format_context& ctx) const {
    return fmt::formatter<std::string_view>::format(lnslab::lns::to_string(v), ctx);
  }
};
