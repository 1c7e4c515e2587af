#include "lnslab/nn/optimizers/adam.hpp"

#include "lnslab/nn/train_config.hpp"

#include <cmath>

namespace lnslab::nn {

Adam::Adam(AdamConfig config) : config_(config) {}

void Adam::attach(ParamStore<float>& store, lns::Rng& /*rng*/) {
  m_.assign(store.total_size(), 0.0f);
  v_.assign(store.total_size(), 0.0f);
  t_ = 0;
}

void Adam::step(ParamStore<float>& store, const StepContext& ctx) {
  ++t_;  // once per step, for every tensor
  const double t = static_cast<double>(t_);
  const double bc1 = 1.0 - std::pow(config_.beta1, t);
  const double bc2 = 1.0 - std::pow(config_.beta2, t);
  const float step_size = static_cast<float>(ctx.lr / bc1);
  const float bc2_sqrt = static_cast<float>(std::sqrt(bc2));
  const float b1 = static_cast<float>(config_.beta1), b2 = static_cast<float>(config_.beta2);
  const float c1 = static_cast<float>(1.0 - config_.beta1);
  const float c2 = static_cast<float>(1.0 - config_.beta2);
  const float eps = static_cast<float>(config_.eps);
  const float wd = static_cast<float>(config_.weight_decay);
  for (const ParamInfo& info : store.infos()) {
    if (!info.trainable) continue;
    auto w = store.value(info.id);
    auto g = store.grad(info.id);
    float* m = m_.data() + info.offset;
    float* v = v_.data() + info.offset;
    for (std::size_t i = 0; i < info.size; ++i) {
      float gi = g[i];
      if (wd != 0.0f) gi += wd * w[i];
      m[i] = b1 * m[i] + c1 * gi;
      v[i] = b2 * v[i] + c2 * gi * gi;
      const float denom = std::sqrt(v[i]) / bc2_sqrt + eps;
      w[i] -= step_size * (m[i] / denom);
    }
  }
}

void Adam::save(StateWriter& out) const {
  out.str("adam");
  out.u64(t_);
  out.floats(m_);
  out.floats(v_);
}

void Adam::load(StateReader& in) {
  in.expect("adam");
  t_ = in.u64("adam steps");
  in.floats_into(m_, "adam first moment");
  in.floats_into(v_, "adam second moment");
}

OptimizerDescriptor adam_descriptor() {
  OptimizerDescriptor d;
  d.name = "adam";
  d.description = "Adam (PyTorch convention), optional L2 decay";
  d.default_lr = 1e-3;
  d.options = {OptimizerOption::weight_decay};
  d.lns_stored_variant = true;
  d.make = [](const TrainConfig& c) {
    AdamConfig a;
    a.weight_decay = c.weight_decay;
    return std::make_unique<Adam>(a);
  };
  // two moments, bias corrections, sqrt, divide, learning rate: 10 mults, 4 adds; state m, v;
  // L2 decay g += wd w: +1, +1.
  d.update_rule = [](const TrainConfig& c) {
    const double wd = c.weight_decay != 0.0 ? 1.0 : 0.0;
    return sim::UpdateRule{"adam", 10 + wd, 4 + wd, 0, 2, false};
  };
  return d;
}

}  // namespace lnslab::nn
