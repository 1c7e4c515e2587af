#pragma once
// FP32 Madam exactly as docs/design.md §4 (Bernstein et al. 2020, reference code semantics).
//
// Per trainable tensor W (state made by attach from the initial weights):
//   sigma* = p_scale * RMS(W);  v = 0;  t = 0.
// Each step, elementwise:
//   t += 1;  v = 0.999 v + 0.001 g^2;  ghat = g / sqrt(v / (1 - 0.999^t));
//   NaN -> 0;  ghat = clamp(ghat, -g_bound, g_bound);
//   W = W * exp(-lr * ghat * sign(W));  W = clamp(W, -sigma*, sigma*).
// No epsilon, no momentum. A sign never changes, a zero never moves, the first step is a sign step.
#include <cstdint>
#include <span>
#include <vector>

#include "lnslab/nn/optimizers/registry.hpp"

namespace lnslab::nn {

struct MadamConfig {
  double p_scale = 3.0;
  double g_bound = 10.0;
  double beta = 0.999;
};

/// The shared normalisation of Madam and LNS Madam, in float:
/// v = beta v + (1 - beta) g^2; ghat = g / sqrt(v / (1 - beta^t)); NaN -> 0; clamp +-g_bound.
void madam_normalize(std::span<const float> g, std::span<float> v, std::uint64_t t,
                     const MadamConfig& config, std::span<float> ghat);

/// sigma* = p_scale * RMS of the values (computed in double, returned in float).
float madam_sigma(std::span<const float> values, double p_scale);

class Madam final : public Optimizer {
 public:
  explicit Madam(MadamConfig config = {});
  std::string name() const override { return "madam"; }
  void attach(ParamStore<float>& store, lns::Rng& rng) override;
  void step(ParamStore<float>& store, const StepContext& ctx) override;
  void save(StateWriter& out) const override;
  void load(StateReader& in) override;
  std::span<const float> sigma() const { return sigma_; }

 private:
  MadamConfig config_;
  std::vector<int> ids_;      // trainable tensor ids
  std::vector<float> sigma_;  // per tensor
  std::vector<float> v_;      // over the whole flat store
  std::vector<float> ghat_;   // scratch
  std::uint64_t t_ = 0;
};

OptimizerDescriptor madam_descriptor();

}  // namespace lnslab::nn
