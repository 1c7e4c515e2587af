#pragma once
// Adam (PyTorch convention), bias correction counted once per step:
//   t += 1;  m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
//   w -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
// weight_decay adds wd * w to g (L2, not decoupled).
#include <cstdint>
#include <vector>

#include "lnslab/nn/optimizers/registry.hpp"

namespace lnslab::nn {

struct AdamConfig {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
};

class Adam final : public Optimizer {
 public:
  explicit Adam(AdamConfig config = {});
  std::string name() const override { return "adam"; }
  void attach(ParamStore<float>& store, lns::Rng& rng) override;
  void step(ParamStore<float>& store, const StepContext& ctx) override;
  void save(StateWriter& out) const override;
  void load(StateReader& in) override;
  std::uint64_t steps() const { return t_; }

 private:
  AdamConfig config_;
  std::vector<float> m_, v_;  // over the whole flat store
  std::uint64_t t_ = 0;
};

OptimizerDescriptor adam_descriptor();

}  // namespace lnslab::nn
