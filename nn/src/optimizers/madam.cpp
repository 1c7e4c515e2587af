#include "lnslab/nn/optimizers/madam.hpp"

#include "lnslab/nn/train_config.hpp"

#include <algorithm>
#include <cmath>

namespace lnslab::nn {

void madam_normalize(std::span<const float> g, std::span<float> v, std::uint64_t t,
                     const MadamConfig& config, std::span<float> ghat) {
  const float beta = static_cast<float>(config.beta);
  const float one_minus_beta = static_cast<float>(1.0 - config.beta);
  const float correction = static_cast<float>(1.0 - std::pow(config.beta, static_cast<double>(t)));
  const float bound = static_cast<float>(config.g_bound);
  // Branch-free so that the loop vectorises; same values as the scalar rule.
  const std::size_t n = g.size();
  const float* gp = g.data();
  float* vp = v.data();
  float* out = ghat.data();
  for (std::size_t i = 0; i < n; ++i) {
    vp[i] = beta * vp[i] + one_minus_beta * (gp[i] * gp[i]);
    float gh = gp[i] / std::sqrt(vp[i] / correction);
    gh = gh == gh ? gh : 0.0f;       // NaN (0/0 when g = 0 and v = 0) -> 0
    gh = gh < -bound ? -bound : gh;  // +-inf (g^2 underflowed) -> +-g_bound
    out[i] = gh > bound ? bound : gh;
  }
}

float madam_sigma(std::span<const float> values, double p_scale) {
  if (values.empty()) return 0.0f;
  double sum = 0.0;
  for (float x : values) sum += static_cast<double>(x) * x;
  return static_cast<float>(p_scale * std::sqrt(sum / static_cast<double>(values.size())));
}

Madam::Madam(MadamConfig config) : config_(config) {}

void Madam::attach(ParamStore<float>& store, lns::Rng& /*rng*/) {
  ids_.clear();
  sigma_.clear();
  std::size_t largest = 0;
  for (const ParamInfo& info : store.infos()) {
    if (!info.trainable) continue;
    ids_.push_back(info.id);
    sigma_.push_back(madam_sigma(store.value(info.id), config_.p_scale));
    largest = std::max(largest, info.size);
  }
  v_.assign(store.total_size(), 0.0f);
  ghat_.assign(largest, 0.0f);
  t_ = 0;
}

void Madam::step(ParamStore<float>& store, const StepContext& ctx) {
  ++t_;
  const float lr = static_cast<float>(ctx.lr);
  for (std::size_t t = 0; t < ids_.size(); ++t) {
    const ParamInfo& info = store.info(ids_[t]);
    auto w = store.value(info.id);
    auto ghat = std::span<float>(ghat_).first(info.size);
    madam_normalize(store.grad(info.id), std::span<float>(v_).subspan(info.offset, info.size), t_,
                    config_, ghat);
    const float s = sigma_[t];
    for (std::size_t i = 0; i < info.size; ++i) {
      const float sign = w[i] > 0.0f ? 1.0f : (w[i] < 0.0f ? -1.0f : 0.0f);
      w[i] = std::clamp(w[i] * std::exp(-lr * ghat[i] * sign), -s, s);
    }
  }
}

void Madam::save(StateWriter& out) const {
  out.str("madam");
  out.u64(t_);
  out.floats(sigma_);
  out.floats(v_);
}

void Madam::load(StateReader& in) {
  in.expect("madam");
  t_ = in.u64("madam steps");
  in.floats_into(sigma_, "madam sigma*");
  in.floats_into(v_, "madam second moment");
}

OptimizerDescriptor madam_descriptor() {
  OptimizerDescriptor d;
  d.name = "madam";
  d.description = "FP32 Madam (Bernstein et al. 2020): multiplicative, normalised by sqrt(v)";
  d.default_lr = 0.01;
  d.options = {OptimizerOption::p_scale, OptimizerOption::g_bound};
  d.make = [](const TrainConfig& c) {
    return std::make_unique<Madam>(MadamConfig{c.p_scale, c.g_bound, 0.999});
  };
  // ghat = g / sqrt(v / (1 - 0.999^t)), v = 0.999 v + 0.001 g^2, clamp: 5 mults, 3 adds; then
  // exp(-lr ghat sign W) (two mults), W exp(...), clamp: +4, +2. State: v.
  d.update_rule = [](const TrainConfig&) { return sim::UpdateRule{"madam", 9, 5, 0, 1, false}; };
  return d;
}

}  // namespace lnslab::nn
