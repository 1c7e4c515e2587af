#include "lnslab/nn/optimizers/lion.hpp"

#include "lnslab/nn/train_config.hpp"

namespace lnslab::nn {

Lion::Lion(LionConfig config) : config_(config) {}

void Lion::attach(ParamStore<float>& store, lns::Rng& /*rng*/) {
  m_.assign(store.total_size(), 0.0f);
}

void Lion::step(ParamStore<float>& store, const StepContext& ctx) {
  const float lr = static_cast<float>(ctx.lr);
  const float decay = static_cast<float>(1.0 - ctx.lr * config_.weight_decay);
  const float b1 = static_cast<float>(config_.beta1), c1 = static_cast<float>(1.0 - config_.beta1);
  const float b2 = static_cast<float>(config_.beta2), c2 = static_cast<float>(1.0 - config_.beta2);
  for (const ParamInfo& info : store.infos()) {
    if (!info.trainable) continue;
    auto w = store.value(info.id);
    auto g = store.grad(info.id);
    float* m = m_.data() + info.offset;
    for (std::size_t i = 0; i < info.size; ++i) {
      const float c = b1 * m[i] + c1 * g[i];
      const float sign = c > 0.0f ? 1.0f : (c < 0.0f ? -1.0f : 0.0f);
      if (config_.weight_decay != 0.0) w[i] *= decay;
      w[i] -= lr * sign;
      m[i] = b2 * m[i] + c2 * g[i];
    }
  }
}

void Lion::save(StateWriter& out) const {
  out.str("lion");
  out.floats(m_);
}

void Lion::load(StateReader& in) {
  in.expect("lion");
  in.floats_into(m_, "lion momentum");
}

OptimizerDescriptor lion_descriptor() {
  OptimizerDescriptor d;
  d.name = "lion";
  d.description = "Lion (Chen et al. 2023): sign of an interpolated momentum, decoupled decay";
  d.default_lr = 1e-4;
  d.options = {OptimizerOption::weight_decay};
  d.lns_stored_variant = true;
  d.make = [](const TrainConfig& c) {
    LionConfig l;
    l.weight_decay = c.weight_decay;
    return std::make_unique<Lion>(l);
  };
  // c = b1 m + (1 - b1) g (2 mults, 1 add); w -= lr sign(c) (1 add, the sign a bit flip);
  // m = b2 m + (1 - b2) g (2 mults, 1 add); decay w (1 - lr wd): +1 mult. State: m.
  d.update_rule = [](const TrainConfig& c) {
    const bool wd = c.weight_decay != 0.0;
    return sim::UpdateRule{"lion", wd ? 5.0 : 4.0, 3.0, 0.0, 1, false};
  };
  return d;
}

}  // namespace lnslab::nn
