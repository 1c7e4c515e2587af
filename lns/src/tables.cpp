// Builds the immutable tables of a format (powers, midpoints, Gaussian-log tables) in long double.
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <vector>

#include "build_tables.hpp"
#include "exact_power.hpp"

namespace lnslab::lns::detail {
namespace {

// An ideal exponent offset computed in long double is snapped to an exact integer or half-integer
// when it lies this close: such values are exact in reality (e.g. log_b 2 = gamma for base
// 2^(1/gamma)), and libm's last-bit error must not push them across a rounding boundary.
constexpr long double snap_tolerance = 1e-12L;

// b^x for a real exponent x, exact wherever b^x is a long double and x an integer or a half (every
// exponent the tables use), so that an input equal to a power or a midpoint meets an exact
// threshold (e.g. 4^(1/2) = 2, where exp(x ln b) may be an ulp off and decide a tie by that ulp).
// For base 2^(1/gamma) split x into whole octaves: the powers that are powers of two come out
// exact, and no midpoint 2^((2j + 1) / (2 gamma)) is rational. Other bases are the long double
// t.base itself, whose exact half-integer powers exact_half_power finds.
long double power_of_base(const Tables& t, long double x) {
  const long double twice = 2.0L * x;
  if (t.kind != BaseKind::gamma && twice == std::nearbyint(twice) && std::fabs(twice) < 0x1p62L)
    if (const auto exact = exact_half_power(t.base, static_cast<long>(twice))) return *exact;
  if (t.kind == BaseKind::gamma) {
    const long double e = x / static_cast<long double>(t.param);
    const long double whole = std::floor(e);
    return std::ldexp(std::exp2(e - whole), static_cast<int>(whole));
  }
  return std::exp(x * t.ln_base);
}

long double snap(long double s) {
  const long double twice = 2.0L * s;
  const long double nearest_half = std::nearbyint(twice);
  if (std::fabs(twice - nearest_half) < 2.0L * snap_tolerance) return nearest_half / 2.0L;
  return s;
}

// Round to nearest integer, ties to even (the snapped value makes true ties exact halves).
// Table entries are int16: offsets beyond +-32767 saturate or flush any result anyway (|k| <= K).
std::int16_t to_entry(long v) {
  if (v > 32767) return 32767;
  if (v < -32768) return -32768;
  return static_cast<std::int16_t>(v);
}

long nearest_even(long double s) {
  const long double f = std::floor(s);
  const long double frac = s - f;
  long k = static_cast<long>(f);
  if (frac > 0.5L || (frac == 0.5L && (k & 1) != 0)) ++k;
  return k;
}

// Probability of rounding up, as a 32-bit threshold: the value is above lo by up * 2^-32 of the
// gap. Returns false when the fraction rounds to a whole gap (then the caller moves floor up by
// one).
std::uint32_t up_threshold(long double fraction, bool& whole_gap) {
  const long double scaled = std::nearbyint(fraction * 4294967296.0L);
  whole_gap = scaled >= 4294967296.0L;
  if (whole_gap || scaled <= 0.0L) return 0;
  return static_cast<std::uint32_t>(scaled);
}

void build_powers(Tables& t) {
  const int n = t.kmax + 2;
  t.power_ld.resize(n);
  t.power.resize(n);
  t.power_f.resize(n);
  t.midpoint_ld.resize(t.kmax + 1);
  t.midpoint.resize(t.kmax + 1);
  for (int k = 0; k < n; ++k) {
    const long double p = power_of_base(t, static_cast<long double>(k - t.bias));
    t.power_ld[k] = p;
    t.power[k] = static_cast<double>(p);
    t.power_f[k] = static_cast<float>(p);
  }
  for (int k = 0; k <= t.kmax; ++k) {
    const long double m = power_of_base(t, static_cast<long double>(k - t.bias) + 0.5L);
    t.midpoint_ld[k] = m;
    t.midpoint[k] = static_cast<double>(m);
  }
}

// The ideal offsets of the Gaussian logarithms for d in [0, dmax): sum[d] = log_b(1 + b^-d),
// difference[d] = log_b(1 - b^-d) (d > 0; [0] unused), snapped, and the powers b^-d they come
// from. Computed once per d and shared by the nearest, floor and stochastic tables (each d costs
// long double exp and log1p calls; a 16-bit format has 32767 of them).
struct GaussianLogs {
  std::vector<long double> power;  ///< b^-d
  std::vector<long double> sum;
  std::vector<long double> difference;
};

GaussianLogs gaussian_logs(const Tables& t, int dmax) {
  GaussianLogs g;
  const auto n = static_cast<std::size_t>(dmax);
  g.power.resize(n);
  g.sum.resize(n);
  g.difference.resize(n);
  for (int d = 0; d < dmax; ++d) {
    const long double r = power_of_base(t, -static_cast<long double>(d));
    const auto i = static_cast<std::size_t>(d);
    g.power[i] = r;
    g.sum[i] = snap(std::log1p(r) / t.ln_base);
    if (d > 0) g.difference[i] = snap(std::log1p(-r) / t.ln_base);
  }
  return g;
}

void build_gaussian_tables(Tables& t) {
  // Differences of exponents never exceed K - 1, so no table needs more than K entries.
  const int dmax = t.kmax;
  const GaussianLogs g = gaussian_logs(t, dmax);
  for (int d = 0; d < dmax; ++d)
    t.sum_nearest.push_back(to_entry(nearest_even(g.sum[static_cast<std::size_t>(d)])));
  t.difference_nearest.push_back(0);
  for (int d = 1; d < dmax; ++d)
    t.difference_nearest.push_back(
        to_entry(nearest_even(g.difference[static_cast<std::size_t>(d)])));
  while (t.sum_nearest.size() > 1 && t.sum_nearest.back() == 0) t.sum_nearest.pop_back();
  while (t.difference_nearest.size() > 1 && t.difference_nearest.back() == 0)
    t.difference_nearest.pop_back();

  // Floor and probability tables. The exact value relative to the larger operand is
  // m = 1 +- b^-d; with j = floor(log_b m), the up-fraction is (m - b^j) / (b^(j+1) - b^j).
  auto fill = [&](bool sum, std::vector<std::int16_t>& floors,
                  std::vector<std::int16_t>& stochastic_floors, std::vector<std::uint32_t>& ups) {
    if (!sum) {
      floors.push_back(0);
      stochastic_floors.push_back(0);
      ups.push_back(0);
    }
    // b^j for the floors j, which take few distinct values: each computed once.
    std::map<long, long double> powers;
    auto power_at = [&](long j) {
      auto it = powers.find(j);
      if (it == powers.end())
        it = powers.emplace(j, power_of_base(t, static_cast<long double>(j))).first;
      return it->second;
    };
    for (int d = sum ? 0 : 1; d < dmax; ++d) {
      const auto i = static_cast<std::size_t>(d);
      const long double s = sum ? g.sum[i] : g.difference[i];
      const long j = static_cast<long>(std::floor(s));
      floors.push_back(to_entry(j));
      const long double r = g.power[i];
      const long double m = sum ? 1.0L + r : 1.0L - r;
      const long double lo = power_at(j);
      const long double hi = power_at(j + 1);
      bool whole = false;
      const std::uint32_t up = s == std::floor(s) ? 0 : up_threshold((m - lo) / (hi - lo), whole);
      stochastic_floors.push_back(to_entry(whole ? j + 1 : j));
      ups.push_back(up);
    }
    const std::int16_t floor_past_table = sum ? 0 : -1;
    while (floors.size() > 1 && floors.back() == floor_past_table) floors.pop_back();
    std::size_t keep = stochastic_floors.size();
    while (keep > 1 && stochastic_floors[keep - 1] == 0 && ups[keep - 1] == 0) --keep;
    stochastic_floors.resize(keep);
    ups.resize(keep);
  };
  fill(true, t.sum_floor, t.sum_stochastic_floor, t.sum_up);
  fill(false, t.difference_floor, t.difference_stochastic_floor, t.difference_up);

  bool whole = false;
  const long double half = power_of_base(t, 0.5L);
  t.sqrt_half_up = up_threshold((half - 1.0L) / (t.base - 1.0L), whole);
}

}  // namespace

std::shared_ptr<const Tables> build_tables(int bits, BaseKind kind, double param, long double base,
                                           int bias) {
  auto t = std::make_shared<Tables>();
  t->bits = bits;
  t->kmax = (1 << (bits - 1)) - 1;
  t->bias = bias;
  t->kind = kind;
  t->param = param;
  t->base = base;
  t->ln_base =
      kind == BaseKind::gamma ? std::log(2.0L) / static_cast<long double>(param) : std::log(base);
  t->inv_ln_base = static_cast<double>(1.0L / t->ln_base);
  build_powers(*t);
  build_gaussian_tables(*t);
  return t;
}

}  // namespace lnslab::lns::detail
