// Format construction, parameters and the canonical spec string.
#include "lnslab/lns/format.hpp"

#include <cmath>
#include <limits>
#include <sstream>

#include "format_tables.hpp"
#include "table_cache.hpp"

namespace lnslab::lns {
namespace {

// Bias range: wide enough for any sensible placement of the range, small enough that exponent
// arithmetic on products of two codes stays far inside int.
constexpr int max_abs_bias = 1 << 20;

// The smallest base step b - 1 (eta0, or base - 1). Found by fuzz_format: closer to 1, 1 + eta0
// in long double keeps few of eta0's digits (at 1e-19 none: b = 1, log b = 0) and the table
// offsets log_b(1 - b^-d) pass 1e19, beyond any integer type; at 2^-40 the base is held to a
// relative 1e-7 of eta0 and the offsets stay below 3e13.
constexpr double min_eta0 = 0x1p-40;

void check_bits(int bits) {
  if (bits < Format::min_bits || bits > Format::max_bits)
    throw FormatError("bits = " + std::to_string(bits) + " is out of range: expected " +
                      std::to_string(Format::min_bits) + ".." + std::to_string(Format::max_bits));
}

int resolve_bias(int bits, std::optional<int> bias) {
  if (!bias) return 1 << (bits - 2);
  if (*bias < -max_abs_bias || *bias > max_abs_bias)
    throw FormatError("bias = " + std::to_string(*bias) +
                      " is out of range: expected |bias| <= " + std::to_string(max_abs_bias));
  return *bias;
}

std::string shortest(double v) {
  std::ostringstream os;
  os.precision(17);
  for (int p = 1; p <= 17; ++p) {
    std::ostringstream trial;
    trial.precision(p);
    trial << v;
    if (std::stod(trial.str()) == v) return trial.str();
  }
  os << v;
  return os.str();
}

}  // namespace

Format::Format(std::shared_ptr<const detail::Tables> tables) : tables_(std::move(tables)) {
  bits_ = tables_->bits;
  kmax_ = tables_->kmax;
  sign_bit_ = static_cast<code_t>(1u << (bits_ - 1));
  k_mask_ = static_cast<code_t>(sign_bit_ - 1u);
}

Format Format::from_eta0(int bits, double eta0, std::optional<int> bias) {
  check_bits(bits);
  if (!(eta0 > 0.0) || !std::isfinite(eta0))
    throw FormatError("eta0 = " + shortest(eta0) + " is invalid: expected a finite eta0 > 0");
  const long double base = 1.0L + static_cast<long double>(eta0);
  if (eta0 < min_eta0)
    throw FormatError("eta0 = " + shortest(eta0) + " is too small: expected eta0 >= 2^-40 (" +
                      shortest(min_eta0) + ")");
  return Format(detail::shared_tables(bits, BaseKind::eta0, eta0, base, resolve_bias(bits, bias)));
}

Format Format::from_gamma(int bits, int gamma, std::optional<int> bias) {
  check_bits(bits);
  if (gamma < 1 || gamma > (1 << 16))
    throw FormatError("gamma = " + std::to_string(gamma) +
                      " is invalid: expected an integer gamma in 1..65536");
  const long double base = std::exp2(1.0L / static_cast<long double>(gamma));
  return Format(detail::shared_tables(bits, BaseKind::gamma, static_cast<double>(gamma), base,
                                      resolve_bias(bits, bias)));
}

Format Format::from_base(int bits, double base, std::optional<int> bias) {
  check_bits(bits);
  if (!(base > 1.0) || !std::isfinite(base))
    throw FormatError("base = " + shortest(base) + " is invalid: expected a finite base > 1");
  if (base - 1.0 < min_eta0)
    throw FormatError("base = " + shortest(base) +
                      " is too close to 1: expected base >= 1 + 2^-40");
  return Format(detail::shared_tables(bits, BaseKind::base, base, static_cast<long double>(base),
                                      resolve_bias(bits, bias)));
}

int Format::bits() const {
  return bits_;
}
int Format::kmax() const {
  return kmax_;
}
int Format::bias() const {
  return tables_->bias;
}
double Format::base() const {
  return static_cast<double>(tables_->base);
}
long double Format::base_ld() const {
  return tables_->base;
}
BaseKind Format::base_kind() const {
  return tables_->kind;
}
std::optional<int> Format::gamma() const {
  if (tables_->kind != BaseKind::gamma) return std::nullopt;
  return static_cast<int>(tables_->param);
}
double Format::base_parameter() const {
  return tables_->param;
}
Format Format::with_bias(int bias) const {
  switch (tables_->kind) {
    case BaseKind::eta0:
      return from_eta0(bits_, tables_->param, bias);
    case BaseKind::gamma:
      return from_gamma(bits_, static_cast<int>(tables_->param), bias);
    case BaseKind::base:
      break;
  }
  return from_base(bits_, tables_->param, bias);
}
double Format::min_magnitude() const {
  return tables_->power[1];
}
double Format::max_magnitude() const {
  return tables_->power[kmax_];
}

std::string Format::spec() const {
  std::string s = "lns" + std::to_string(bits_) + ":";
  switch (tables_->kind) {
    case BaseKind::eta0:
      s += "eta0=" + shortest(tables_->param);
      break;
    case BaseKind::gamma:
      s += "gamma=" + std::to_string(static_cast<int>(tables_->param));
      break;
    case BaseKind::base:
      s += "base=" + shortest(tables_->param);
      break;
  }
  if (tables_->bias != (1 << (bits_ - 2))) s += ",bias=" + std::to_string(tables_->bias);
  return s;
}

std::span<const std::int16_t> Format::sum_table() const {
  return tables_->sum_nearest;
}
std::span<const std::int16_t> Format::difference_table() const {
  return tables_->difference_nearest;
}

bool operator==(const Format& a, const Format& b) {
  if (a.tables_ == b.tables_) return true;
  return a.bits_ == b.bits_ && a.tables_->bias == b.tables_->bias &&
         a.tables_->kind == b.tables_->kind && a.tables_->param == b.tables_->param;
}

std::string_view to_string(Rounding r) {
  switch (r) {
    case Rounding::nearest:
      return "nearest";
    case Rounding::stochastic:
      return "stochastic";
    case Rounding::toward_zero:
      return "toward_zero";
  }
  return "?";
}

std::string_view to_string(Underflow u) {
  return u == Underflow::flush ? "flush" : "clamp";
}

bool parse_rounding(std::string_view text, Rounding& out) {
  for (Rounding r : {Rounding::nearest, Rounding::stochastic, Rounding::toward_zero}) {
    if (text == to_string(r)) {
      out = r;
      return true;
    }
  }
  return false;
}

}  // namespace lnslab::lns
