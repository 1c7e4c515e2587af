#pragma once
// The optimizer interface. An optimizer updates the trainable tensors of a float ParamStore from
// its gradient buffer, once per training step, with one step counter per optimizer (so Adam's
// bias correction counts steps, not tensors).
#include <cstdint>
#include <string>

#include "lnslab/lns/rng.hpp"
#include "lnslab/nn/params.hpp"
#include "lnslab/nn/serialize.hpp"

namespace lnslab::nn {

struct StepContext {
  double lr = 0.0;          ///< the scheduled learning rate of this step
  std::uint64_t step = 0;   ///< global step index, 0 for the first step
  lns::Rng* rng = nullptr;  ///< this step's generator (stochastic rounding); may be null
};

class Optimizer {
 public:
  virtual ~Optimizer() = default;
  virtual std::string name() const = 0;
  /// Makes the per-tensor state from the initial weights (called once, before the first step).
  /// Optimizers with LNS weight storage quantise the weights here, so that even the first
  /// forward pass sees stored weights. `rng` is for optional random initial codes.
  virtual void attach(ParamStore<float>& store, lns::Rng& rng) = 0;
  virtual void step(ParamStore<float>& store, const StepContext& ctx) = 0;
  virtual void save(StateWriter& out) const = 0;
  virtual void load(StateReader& in) = 0;
  /// How the optimizer applies a scheduled lr, e.g. "m=16" for LNS Madam; empty if as given.
  virtual std::string describe_lr(double /*lr*/) const { return {}; }
};

}  // namespace lnslab::nn
