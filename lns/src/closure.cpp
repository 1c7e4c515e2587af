#include "lnslab/lns/closure.hpp"

#include <cmath>

namespace lnslab::lns {

std::string_view to_string(Op op) {
  switch (op) {
    case Op::add:
      return "add";
    case Op::sub:
      return "sub";
    case Op::mul:
      return "mul";
    case Op::div:
      return "div";
  }
  return "?";
}

bool parse_op(std::string_view text, Op& out) {
  for (Op op : {Op::add, Op::sub, Op::mul, Op::div}) {
    if (text == to_string(op)) {
      out = op;
      return true;
    }
  }
  return false;
}

namespace {

code_t apply(const Format& f, Op op, code_t a, code_t b) {
  switch (op) {
    case Op::add:
      return f.add(a, b);
    case Op::sub:
      return f.sub(a, b);
    case Op::mul:
      return f.mul(a, b);
    case Op::div:
      return f.div(a, b);
  }
  return f.nan();
}

}  // namespace

ResultClass classify(const Format& f, Op op, code_t a, code_t b, code_t r) {
  if (f.is_nan(r)) return ResultClass::nan;
  const long double x = f.decode_ld(a);
  const long double y = f.decode_ld(b);
  long double v = 0.0L;
  switch (op) {
    case Op::add:
      v = x + y;
      break;
    case Op::sub:
      v = x - y;
      break;
    case Op::mul:
      v = x * y;
      break;
    case Op::div:
      v = x / y;
      break;
  }
  if (v == 0.0L) return r == 0 ? ResultClass::exact : ResultClass::rounded;
  const long double t = f.bias() + std::log(std::fabs(v)) / std::log(f.base_ld());
  if (f.exponent(r) == f.kmax() && t > f.kmax() + 0.5L) return ResultClass::saturated;
  if (r == 0 || (f.exponent(r) == 1 && t < 0.5L)) return ResultClass::flushed;
  const long double value = f.decode_ld(r);
  return std::fabs(value - v) <= 1e-15L * std::fabs(v) ? ResultClass::exact : ResultClass::rounded;
}

ClosureSummary closure(const Format& f, Op op,
                       const std::function<void(code_t, code_t, code_t, ResultClass)>& visit) {
  if (f.bits() > 12)
    throw FormatError("closure of " + f.spec() +
                      ": formats above 12 bits have too many pairs "
                      "(expected at most 12 bits)");
  ClosureSummary s;
  const std::uint32_t n = f.code_count();
  for (std::uint32_t i = 0; i < n; ++i) {
    for (std::uint32_t j = 0; j < n; ++j) {
      const auto a = static_cast<code_t>(i);
      const auto b = static_cast<code_t>(j);
      const code_t r = apply(f, op, a, b);
      const ResultClass c = classify(f, op, a, b, r);
      ++s.pairs;
      switch (c) {
        case ResultClass::exact:
          ++s.exact;
          break;
        case ResultClass::rounded:
          ++s.rounded;
          break;
        case ResultClass::saturated:
          ++s.saturated;
          break;
        case ResultClass::flushed:
          ++s.flushed;
          break;
        case ResultClass::nan:
          ++s.nan;
          break;
      }
      if (visit) visit(a, b, r, c);
    }
  }
  return s;
}

}  // namespace lnslab::lns
