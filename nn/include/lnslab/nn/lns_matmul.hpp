#pragma once
// The `lns-full` matrix-product backend (LNS-Madam style): every product of training runs on the
// simulated accelerator. Each operand is encoded to an LNS format chosen by its role, with a
// per-tensor scale that maps its largest magnitude to the format's largest magnitude (nearest
// rounding, flush), and the product runs through sim::Accelerator::gemm, i.e. lns::gemm on the
// accelerator's accumulation datapath (bit-exact with docs/design.md §3.2), which also accounts
// cycles and energy with the data's own counts. Results are decoded to float and rescaled.
//
// Roles -> operand formats:  forward          activations [B, in] x weights^T
//                            backward_data    gradients  [B, out] x weights
//                            backward_weight  gradients^T [out, B] x activations
// and the attention's activation-by-activation products, each operand in the format of what it
// is (no weight format involved), counted in the pass they belong to:
//                            activation_activation  activations x activations   (forward)
//                            gradient_activation    gradients x activations     (backward_data)
//                            activation_gradient    activations x gradients     (backward_data)
#include <cstdint>
#include <vector>

#include "lnslab/lns/format.hpp"
#include "lnslab/nn/matmul.hpp"
#include "lnslab/sim/accelerator.hpp"

namespace lnslab::nn {

/// Simulated cost of the training steps closed so far.
struct SimulatedSteps {
  std::string accelerator;
  std::uint64_t steps = 0;
  double cycles = 0.0;     ///< all closed steps
  double energy_pj = 0.0;  ///< all closed steps
  double cycles_per_step() const { return steps ? cycles / static_cast<double>(steps) : 0.0; }
  double energy_pj_per_step() const { return steps ? energy_pj / static_cast<double>(steps) : 0.0; }
};

class LnsMatmul final : public MatmulBackend<float> {
 public:
  /// Formats must share the accelerator's base (lns::gemm needs one base).
  LnsMatmul(sim::Config config, lns::Format weights, lns::Format activations,
            lns::Format gradients);

  std::string name() const override { return "lns-full:" + accelerator_.config().name; }
  void gemm(GemmRole role, const In& a, bool transpose_a, const In& b, bool transpose_b,
            Out c) override;

  /// Ends a training step: accounts the weight update of `weights` weights and adds the step's
  /// cycles and energy to the totals.
  void close_step(std::int64_t weights);
  /// Drops what was accounted since the last closed step (e.g. evaluation passes).
  void discard() { accelerator_.reset(); }
  const SimulatedSteps& totals() const { return totals_; }

 private:
  struct Operands {
    const lns::Format* a;
    const lns::Format* b;
    sim::Pass pass;
  };
  Operands operands(GemmRole role) const;
  // Encodes op(x) row-major into codes; returns the scale (value = decode(code) * scale).
  float encode(const In& x, bool transpose, const lns::Format& f, std::vector<lns::code_t>& out);

  sim::Accelerator accelerator_;
  lns::Format weights_, activations_, gradients_;
  std::vector<lns::code_t> a_codes_, b_codes_;
  std::vector<float> scaled_;          // encode's scratch: scaled operand values
  std::vector<std::uint16_t> packed_;  // encode's scratch: codes (formats up to 16 bits)
  std::vector<double> c_values_;
  SimulatedSteps totals_;
};

}  // namespace lnslab::nn
