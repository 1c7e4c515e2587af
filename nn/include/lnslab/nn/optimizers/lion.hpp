#pragma once
// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2), per
// element, with decoupled weight decay:
//   c = b1 m + (1 - b1) g;  w = w (1 - lr wd) - lr sign(c);  m = b2 m + (1 - b2) g
// b1 = 0.9, b2 = 0.99 (the paper's defaults); sign(0) = 0. Every update has the same magnitude
// lr, so its default lr (1e-4) is ten times smaller than Adam's.
#include <cstdint>
#include <vector>

#include "lnslab/nn/optimizers/registry.hpp"

namespace lnslab::nn {

struct LionConfig {
  double beta1 = 0.9;
  double beta2 = 0.99;
  double weight_decay = 0.0;  ///< decoupled (multiplies w by 1 - lr wd)
};

class Lion final : public Optimizer {
 public:
  explicit Lion(LionConfig config = {});
  std::string name() const override { return "lion"; }
  void attach(ParamStore<float>& store, lns::Rng& rng) override;
  void step(ParamStore<float>& store, const StepContext& ctx) override;
  void save(StateWriter& out) const override;
  void load(StateReader& in) override;

 private:
  LionConfig config_;
  std::vector<float> m_;  // over the whole flat store
};

OptimizerDescriptor lion_descriptor();

}  // namespace lnslab::nn
