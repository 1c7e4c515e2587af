#include "lnslab/nn/optimizers/sgd.hpp"

#include "lnslab/nn/train_config.hpp"

namespace lnslab::nn {

Sgd::Sgd(SgdConfig config) : config_(config) {}

void Sgd::attach(ParamStore<float>& store, lns::Rng& /*rng*/) {
  buffer_.assign(config_.momentum != 0.0 ? store.total_size() : 0, 0.0f);
  steps_ = 0;
}

void Sgd::step(ParamStore<float>& store, const StepContext& ctx) {
  const float lr = static_cast<float>(ctx.lr);
  const float mu = static_cast<float>(config_.momentum);
  const float wd = static_cast<float>(config_.weight_decay);
  for (const ParamInfo& info : store.infos()) {
    if (!info.trainable) continue;
    auto w = store.value(info.id);
    auto g = store.grad(info.id);
    for (std::size_t i = 0; i < info.size; ++i) {
      float d = g[i];
      if (wd != 0.0f) d += wd * w[i];
      if (mu != 0.0f) {
        float& buf = buffer_[info.offset + i];
        buf = steps_ == 0 ? d : mu * buf + d;
        d = config_.nesterov ? d + mu * buf : buf;
      }
      w[i] -= lr * d;
    }
  }
  ++steps_;
}

void Sgd::save(StateWriter& out) const {
  out.str("sgd");
  out.u64(steps_);
  out.floats(buffer_);
}

void Sgd::load(StateReader& in) {
  in.expect("sgd");
  steps_ = in.u64("sgd steps");
  in.floats_into(buffer_, "sgd momentum");
}

OptimizerDescriptor sgd_descriptor() {
  OptimizerDescriptor d;
  d.name = "sgd";
  d.description = "SGD with momentum (PyTorch convention), optional Nesterov and L2 decay";
  d.default_lr = 0.1;
  d.options = {OptimizerOption::momentum, OptimizerOption::nesterov, OptimizerOption::weight_decay};
  d.lns_stored_variant = true;
  d.make = [](const TrainConfig& c) {
    return std::make_unique<Sgd>(SgdConfig{c.momentum, c.nesterov, c.weight_decay});
  };
  // w -= lr d (1 mult, 1 add); momentum buf = mu buf + d (+1, +1, one state word); Nesterov
  // d + mu buf (+1, +1); L2 decay d += wd w (+1, +1).
  d.update_rule = [](const TrainConfig& c) {
    sim::UpdateRule r{"sgd", 1, 1, 0, 0, false};
    auto both = [&r] { r.fp_mults += 1, r.fp_adds += 1; };
    if (c.momentum != 0.0) both(), r.state_words = 1;
    if (c.momentum != 0.0 && c.nesterov) both();
    if (c.weight_decay != 0.0) both();
    return r;
  };
  return d;
}

}  // namespace lnslab::nn
