#include "lnslab/nn/optimizers/lns_madam.hpp"

#include "lnslab/nn/train_config.hpp"

#include <fmt/format.h>
#include <algorithm>
#include <cmath>

#include "lnslab/nn/errors.hpp"

namespace lnslab::nn {

namespace {
/// Round to nearest, ties to even, for |x| < 2^22 (|m * ghat| <= m * g_bound): adding and
/// subtracting 1.5 * 2^23 leaves the integer part under the default rounding mode. Exact, and
/// unlike nearbyint no library call on SSE2-only builds.
inline float round_half_even(float x) {
  constexpr float shifter = 0x1.8p23f;
  return (x + shifter) - shifter;  // no -ffast-math: the compiler keeps both roundings
}

double base_precision(const lns::Format& f) {
  return f.base_kind() == lns::BaseKind::eta0 ? f.base_parameter() : f.base() - 1.0;
}
}  // namespace

LnsMadam::LnsMadam(lns::Format format, double base_lr, LnsMadamConfig config)
    : config_(config), weights_(std::move(format), config.madam.p_scale) {
  eta0_ = base_precision(weights_.format());
  const double ratio = base_lr / eta0_;
  const double rounded = std::nearbyint(ratio);
  if (!(rounded >= 1.0) || std::abs(ratio - rounded) > 1e-6 * rounded)
    throw ConfigError(fmt::format(
        "lns-madam: lr {} is not an integer multiple of the base precision eta0 = {} of {} "
        "(lr / eta0 = {:.6g}); use lr = m * eta0 with an integer m >= 1",
        base_lr, eta0_, weights_.format().spec(), ratio));
  if (!(rounded * config_.madam.g_bound < 0x1p22))
    throw ConfigError(fmt::format("lns-madam: lr / eta0 * g_bound = {} exceeds 2^22",
                                  rounded * config_.madam.g_bound));
}

int LnsMadam::multiple(double lr) const {
  const double m = std::nearbyint(lr / eta0_);  // ties to even (default rounding mode)
  return static_cast<int>(std::max(1.0, m));
}

std::string LnsMadam::describe_lr(double lr) const {
  return fmt::format("m={}", multiple(lr));
}

void LnsMadam::attach(ParamStore<float>& store, lns::Rng& rng) {
  weights_.attach(store, config_.random_exponents, rng);
  std::size_t total = 0, largest = 0;
  for (std::size_t t = 0; t < weights_.tensor_count(); ++t) {
    total += weights_.codes(t).size();
    largest = std::max(largest, weights_.codes(t).size());
  }
  v_.assign(total, 0.0f);
  ghat_.assign(largest, 0.0f);
  t_ = 0;
}

void LnsMadam::step(ParamStore<float>& store, const StepContext& ctx) {
  ++t_;
  const lns::Format& f = weights_.format();
  const float m = static_cast<float>(multiple(ctx.lr));
  const long kmax = f.kmax();
  std::size_t offset = 0;
  for (std::size_t t = 0; t < weights_.tensor_count(); ++t) {
    const int id = weights_.param_id(t);
    auto codes = weights_.codes(t);
    auto values = store.value(id);
    auto ghat = std::span<float>(ghat_).first(codes.size());
    madam_normalize(store.grad(id), std::span<float>(v_).subspan(offset, codes.size()), t_,
                    config_.madam, ghat);
    offset += codes.size();
    for (std::size_t i = 0; i < codes.size(); ++i) {
      const lns::code_t c = codes[i];
      const long k = f.exponent(c);
      if (k == 0) continue;  // zero never moves (and a NaN code stays NaN)
      const bool negative = f.is_negative(c);
      const long delta = static_cast<long>(round_half_even(m * ghat[i]));
      const long next = std::clamp(k - (negative ? -delta : delta), 1L, kmax);
      codes[i] = f.make(negative, static_cast<int>(next));
      values[i] = weights_.decode(t, codes[i]);
    }
  }
}

void LnsMadam::save(StateWriter& out) const {
  out.str("lns-madam");
  out.u64(t_);
  out.floats(v_);
  weights_.save(out);
}

void LnsMadam::load(StateReader& in) {
  in.expect("lns-madam");
  t_ = in.u64("lns-madam steps");
  in.floats_into(v_, "lns-madam second moment");
  weights_.load(in);
}

LnsStored::LnsStored(std::unique_ptr<Optimizer> inner, lns::Format format, double p_scale,
                     lns::Rounding rounding)
    : inner_(std::move(inner)), weights_(std::move(format), p_scale), rounding_(rounding) {}

void LnsStored::attach(ParamStore<float>& store, lns::Rng& rng) {
  weights_.attach(store, false, rng);
  inner_->attach(store, rng);
}

void LnsStored::step(ParamStore<float>& store, const StepContext& ctx) {
  inner_->step(store, ctx);
  weights_.encode_from(store, rounding_, ctx.rng);
}

void LnsStored::save(StateWriter& out) const {
  out.str(name());
  inner_->save(out);
  weights_.save(out);
}

void LnsStored::load(StateReader& in) {
  in.expect(name());
  inner_->load(in);
  weights_.load(in);
}

OptimizerDescriptor lns_madam_descriptor() {
  OptimizerDescriptor d;
  d.name = "lns-madam";
  d.description = "B-bit LNS Madam: integer adds on the exponents of LNS-stored weights";
  d.default_lr = 0.016;
  d.options = {OptimizerOption::p_scale, OptimizerOption::g_bound,
               OptimizerOption::random_exponents, OptimizerOption::format};
  d.lns_weights = true;
  d.fp32_family = "madam";
  d.make = [](const TrainConfig& c) {
    return std::make_unique<LnsMadam>(
        lns::Format::parse(c.format), c.lr,
        LnsMadamConfig{MadamConfig{c.p_scale, c.g_bound, 0.999}, c.random_exponents});
  };
  // Madam's normalisation (5 mults, 3 adds), round m ghat (+1, +1), then the exponent add and
  // its clamp at the weight width (3 integer adds). State: v.
  d.update_rule = [](const TrainConfig&) { return sim::UpdateRule{"lns-madam", 6, 4, 3, 1, true}; };
  return d;
}

}  // namespace lnslab::nn
