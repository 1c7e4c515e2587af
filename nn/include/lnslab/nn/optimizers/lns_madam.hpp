#pragma once
// B-bit LNS Madam exactly as docs/design.md §4: the exponent field k of each weight's code is the
// state. lr must be an integer multiple m = lr / eta0 of the base precision (eta0 = b - 1). Each
// step:
//   ghat as in FP32 Madam (float);  k = clamp(k - round(m * ghat) * sign(W), 1, K)
// with round half to even; decoded weights sign * sigma* * b^(k - K). A scheduled (decayed) lr
// gives m = max(1, round(lr / eta0)): decay shrinks m, never eta0, never below 1.
#include <cstdint>
#include <memory>
#include <vector>

#include "lnslab/nn/lns_weights.hpp"
#include "lnslab/nn/optimizers/madam.hpp"

namespace lnslab::nn {

struct LnsMadamConfig {
  MadamConfig madam;
  bool random_exponents = false;  ///< the reference code's random initial exponents
};

class LnsMadam final : public Optimizer {
 public:
  /// `format`: the weight format (bias K, see weight_format). `base_lr` is checked to be an integer
  /// multiple of eta0 (ConfigError otherwise).
  LnsMadam(lns::Format format, double base_lr, LnsMadamConfig config = {});
  std::string name() const override { return "lns-madam"; }
  void attach(ParamStore<float>& store, lns::Rng& rng) override;
  void step(ParamStore<float>& store, const StepContext& ctx) override;
  void save(StateWriter& out) const override;
  void load(StateReader& in) override;
  std::string describe_lr(double lr) const override;

  /// The integer multiple used for a scheduled lr.
  int multiple(double lr) const;
  const LnsWeights& weights() const { return weights_; }

 private:
  LnsMadamConfig config_;
  LnsWeights weights_;
  double eta0_;
  std::vector<float> v_;     // per code, in tensor order
  std::vector<float> ghat_;  // scratch
  std::uint64_t t_ = 0;
};

/// An additive optimizer (SGD, Adam) whose weights are stored as LNS codes: after every inner
/// step the updated values are re-encoded (nearest or stochastic rounding) and decoded back, so
/// updates smaller than the format's local spacing are rounded away (or kept in expectation).
class LnsStored final : public Optimizer {
 public:
  LnsStored(std::unique_ptr<Optimizer> inner, lns::Format format, double p_scale,
            lns::Rounding rounding);
  std::string name() const override { return "lns-" + inner_->name(); }
  void attach(ParamStore<float>& store, lns::Rng& rng) override;
  void step(ParamStore<float>& store, const StepContext& ctx) override;
  void save(StateWriter& out) const override;
  void load(StateReader& in) override;
  const LnsWeights& weights() const { return weights_; }

 private:
  std::unique_ptr<Optimizer> inner_;
  LnsWeights weights_;
  lns::Rounding rounding_;
};

OptimizerDescriptor lns_madam_descriptor();

}  // namespace lnslab::nn
