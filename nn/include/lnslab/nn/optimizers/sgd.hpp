#pragma once
// SGD with optional momentum (PyTorch convention), Nesterov and L2 weight decay, per element:
//   g += wd * w;  buf = momentum * buf + g (buf = g on the first step);
//   d = nesterov ? g + momentum * buf : buf   (d = g without momentum);   w -= lr * d
#include <vector>

#include "lnslab/nn/optimizers/registry.hpp"

namespace lnslab::nn {

struct SgdConfig {
  double momentum = 0.0;
  bool nesterov = false;
  double weight_decay = 0.0;
};

class Sgd final : public Optimizer {
 public:
  explicit Sgd(SgdConfig config = {});
  std::string name() const override { return "sgd"; }
  void attach(ParamStore<float>& store, lns::Rng& rng) override;
  void step(ParamStore<float>& store, const StepContext& ctx) override;
  void save(StateWriter& out) const override;
  void load(StateReader& in) override;

 private:
  SgdConfig config_;
  std::vector<float> buffer_;  // momentum buffer over the whole flat store
  std::uint64_t steps_ = 0;
};

OptimizerDescriptor sgd_descriptor();

}  // namespace lnslab::nn
