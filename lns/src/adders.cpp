#include "lnslab/lns/adders.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>

namespace lnslab::lns {
namespace {

long double ln_base(const Format& f) {
  return std::log(f.base_ld());
}

// log_b(1 + b^-x) or log_b(1 - b^-x) at a real x (x > 0 for the difference), in long double.
long double gaussian(const Format& f, long double x, bool sum) {
  const long double r = std::exp(-x * ln_base(f));
  return (sum ? std::log1p(r) : std::log1p(-r)) / ln_base(f);
}

std::int32_t to_fixed(long double v, int g) {
  const long double scaled = std::nearbyint(std::ldexp(v, g));
  // Entries below -2^30 only matter for results that flush anyway.
  return static_cast<std::int32_t>(std::max(scaled, -1073741824.0L));
}

// Right shift by `bits` rounding to nearest, ties up (arithmetic on negatives).
std::int64_t shift_round(std::int64_t v, int bits) {
  if (bits <= 0) return v;
  return (v + (std::int64_t{1} << (bits - 1))) >> bits;
}

[[noreturn]] void fail(std::string_view text, const std::string& what) {
  throw FormatError("adder '" + std::string(text) + "': " + what +
                    " (expected exact, lerp:H=8,G=8 with H a power of two, or cotran:j=3,G=8)");
}

}  // namespace

AdderSpec parse_adder(std::string_view text) {
  AdderSpec s;
  const auto colon = text.find(':');
  const std::string_view name = text.substr(0, colon);
  if (name == "exact")
    s.kind = AdderKind::exact;
  else if (name == "lerp")
    s.kind = AdderKind::lerp;
  else if (name == "cotran")
    s.kind = AdderKind::cotransformation;
  else
    fail(text, "unknown adder '" + std::string(name) + "'");
  std::string_view rest = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string_view item = rest.substr(0, comma);
    rest = comma == std::string_view::npos ? "" : rest.substr(comma + 1);
    const auto eq = item.find('=');
    if (eq == std::string_view::npos) fail(text, "'" + std::string(item) + "' is not key=value");
    const std::string_view key = item.substr(0, eq);
    const std::string_view val = item.substr(eq + 1);
    int v = 0;
    auto [p, ec] = std::from_chars(val.data(), val.data() + val.size(), v);
    if (ec != std::errc() || p != val.data() + val.size())
      fail(text, std::string(key) + " '" + std::string(val) + "' is not an integer");
    if (key == "H" && s.kind == AdderKind::lerp) {
      if (v < 1 || v > 4096 || (v & (v - 1)) != 0)
        fail(text, "H must be a power of two in 1..4096");
      s.stride_log2 = std::countr_zero(static_cast<unsigned>(v));
    } else if (key == "j" && s.kind == AdderKind::cotransformation) {
      if (v < 1 || v > 12) fail(text, "j must be in 1..12");
      s.split_bits = v;
    } else if (key == "G" && s.kind != AdderKind::exact) {
      if (v < 0 || v > 24) fail(text, "G must be in 0..24");
      s.guard_bits = v;
    } else {
      fail(text, "unexpected key '" + std::string(key) + "'");
    }
  }
  return s;
}

std::string to_string(const AdderSpec& s) {
  switch (s.kind) {
    case AdderKind::exact:
      return "exact";
    case AdderKind::lerp:
      return "lerp:H=" + std::to_string(1 << s.stride_log2) + ",G=" + std::to_string(s.guard_bits);
    case AdderKind::cotransformation:
      return "cotran:j=" + std::to_string(s.split_bits) + ",G=" + std::to_string(s.guard_bits);
  }
  return "?";
}

ApproxAdder::ApproxAdder(Format format, AdderSpec spec)
    : format_(std::move(format)), spec_(spec), dmax_(format_.kmax() - 1) {
  const int g = spec_.guard_bits;
  const long double c = ln_base(format_);
  const long double quantum = std::ldexp(1.0L, -g);
  switch (spec_.kind) {
    case AdderKind::exact:
      error_bound_ = 0.0;
      break;
    case AdderKind::lerp: {
      const int h = 1 << spec_.stride_log2;
      const int knots = dmax_ / h + 2;
      for (int i = 0; i < knots; ++i) {
        sum_knots_.push_back(to_fixed(gaussian(format_, i * static_cast<long double>(h), true), g));
        difference_knots_.push_back(
            i == 0 ? 0 : to_fixed(gaussian(format_, i * static_cast<long double>(h), false), g));
      }
      difference_low_.push_back(0);
      for (int d = 1; d < h; ++d)
        difference_low_.push_back(to_fixed(gaussian(format_, d, false), g));
      // Interpolation error H^2/8 max|f''|: sb'' <= ln(b)/4; |db''| = c e^-cx / (1 - e^-cx)^2
      // decreases in x, so on [iH, (i+1)H] with i >= 1 it is largest at x = H.
      const long double hh = static_cast<long double>(h) * h;
      const long double sum_err = hh * c / 32.0L;
      const long double e = std::exp(-c * h);
      const long double diff_err = h == 1 ? 0.0L : hh / 8.0L * c * e / ((1 - e) * (1 - e));
      error_bound_ = static_cast<double>(std::max(sum_err, diff_err) + quantum);
      break;
    }
    case AdderKind::cotransformation: {
      const int step = 1 << spec_.split_bits;
      // z = dh + db(dh) - db(dl) reaches far past K: the sb knots run to where they are 0.
      for (int d = 0; d <= dmax_ + 1 || sum_knots_.back() != 0; ++d)
        sum_knots_.push_back(to_fixed(gaussian(format_, d, true), g));
      for (int i = 0; i * step <= dmax_; ++i)
        difference_knots_.push_back(
            i == 0 ? 0 : to_fixed(gaussian(format_, i * static_cast<long double>(step), false), g));
      difference_low_.push_back(0);
      for (int d = 1; d < step; ++d)
        difference_low_.push_back(to_fixed(gaussian(format_, d, false), g));
      // db(dh) entry (q) + |sb'| <= 1/2 times the two entries in z (q) + sb interpolation at
      // stride 1 (ln b / 32) + its knots and rounding (2q): 4q + ln(b)/32, q = 2^-(G+1).
      error_bound_ = static_cast<double>(c / 32.0L + 2.0L * quantum);
      break;
    }
  }
}

std::size_t ApproxAdder::table_entries() const {
  if (spec_.kind == AdderKind::exact)
    return format_.sum_table().size() + format_.difference_table().size();
  return sum_knots_.size() + difference_knots_.size() + difference_low_.size();
}

std::int64_t ApproxAdder::lerp(const std::vector<std::int32_t>& knots, int d) const {
  const int h = spec_.stride_log2;
  const int i = d >> h;
  const std::int64_t frac = d & ((1 << h) - 1);
  const std::int64_t lo = knots[i];
  if (frac == 0) return lo;
  return lo + shift_round((knots[i + 1] - lo) * frac, h);
}

std::int64_t ApproxAdder::sum_at_fixed(std::int64_t z) const {
  const int g = spec_.guard_bits;
  const std::int64_t zi = z >> g;
  if (zi >= static_cast<std::int64_t>(sum_knots_.size()) - 1) return 0;
  const std::int64_t zf = z & ((std::int64_t{1} << g) - 1);
  const std::int64_t lo = sum_knots_[zi];
  return lo + shift_round((sum_knots_[zi + 1] - lo) * zf, g);
}

std::int64_t ApproxAdder::approx_fixed(int d, bool sum) const {
  const int g = spec_.guard_bits;
  switch (spec_.kind) {
    case AdderKind::exact: {
      const auto table = sum ? format_.sum_table() : format_.difference_table();
      const std::int64_t v = static_cast<std::size_t>(d) < table.size() ? table[d] : 0;
      return v << g;
    }
    case AdderKind::lerp:
      if (sum) return lerp(sum_knots_, d);
      if (d < (1 << spec_.stride_log2)) return difference_low_[d];
      return lerp(difference_knots_, d);
    case AdderKind::cotransformation: {
      if (sum) return sum_knots_[d];
      const int j = spec_.split_bits;
      const int dl = d & ((1 << j) - 1);
      const int dh = d - dl;
      if (dh == 0) return difference_low_[dl];
      const std::int64_t high = difference_knots_[dh >> j];
      if (dl == 0) return high;
      const std::int64_t z = (static_cast<std::int64_t>(dh) << g) + high - difference_low_[dl];
      return high + sum_at_fixed(z);
    }
  }
  return 0;
}

code_t ApproxAdder::add(code_t a, code_t b) const {
  const Format::AddOperands o = format_.prepare_add(a, b);
  if (o.done) return o.result;
  const std::int64_t offset = shift_round(approx_fixed(o.d, o.same_sign), spec_.guard_bits);
  return format_.finish(o.negative, o.k_large + offset, Underflow::flush);
}

}  // namespace lnslab::lns
