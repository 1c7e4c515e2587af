#include "lnslab/nn/sgd.hpp"

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

}  // namespace lnslab::nn
