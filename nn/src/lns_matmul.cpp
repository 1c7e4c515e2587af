#include "lnslab/nn/lns_matmul.hpp"

#include <cmath>
#include <stdexcept>

#include "lnslab/lns/kernels/elementwise.hpp"
#include "lnslab/nn/errors.hpp"

namespace lnslab::nn {

LnsMatmul::LnsMatmul(sim::Config config, lns::Format weights, lns::Format activations,
                     lns::Format gradients)
    : accelerator_(std::move(config)),
      weights_(std::move(weights)),
      activations_(std::move(activations)),
      gradients_(std::move(gradients)) {
  accelerator_.keep_layers(false);
  totals_.accelerator = accelerator_.config().name;
  if (accelerator_.config().pe.type != sim::PeType::lns)
    throw ConfigError("lns-full needs an accelerator with an lns PE, '" +
                      accelerator_.config().name + "' has a baseline PE");
  for (const lns::Format* f : {&weights_, &activations_, &gradients_})
    if (f->base_ld() != weights_.base_ld() ||
        f->base_ld() != accelerator_.config().pe.format->base_ld())
      throw ConfigError("lns-full: the GEMM formats (" + weights_.spec() + ", " +
                        activations_.spec() + ", " + gradients_.spec() +
                        ") must share the accelerator's base (" +
                        accelerator_.config().pe.format->spec() + ")");
}

float LnsMatmul::encode(const In& x, bool transpose, const lns::Format& f,
                        std::vector<lns::code_t>& out) {
  const Eigen::Index rows = transpose ? x.cols() : x.rows();
  const Eigen::Index cols = transpose ? x.rows() : x.cols();
  out.resize(static_cast<std::size_t>(rows * cols));
  const float largest = x.cwiseAbs().maxCoeff();
  const float scale = largest > 0.0f && std::isfinite(largest)
                          ? largest / static_cast<float>(f.max_magnitude())
                          : 1.0f;
  // The scaled values in float (v / scale is a float division), then the packed encode kernel,
  // which gives exactly Format::encode of each float.
  scaled_.resize(out.size());
  for (Eigen::Index i = 0; i < rows; ++i)
    for (Eigen::Index j = 0; j < cols; ++j) {
      const float v = transpose ? x(j, i) : x(i, j);
      scaled_[static_cast<std::size_t>(i * cols + j)] = v / scale;
    }
  packed_.resize(out.size());
  lns::encode<std::uint16_t>(f, scaled_, packed_);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = packed_[i];
  return scale;
}

LnsMatmul::Operands LnsMatmul::operands(GemmRole role) const {
  switch (role) {
    case GemmRole::forward:
      return {&activations_, &weights_, sim::Pass::forward};
    case GemmRole::backward_data:
      return {&gradients_, &weights_, sim::Pass::backward_data};
    case GemmRole::backward_weight:
      return {&gradients_, &activations_, sim::Pass::backward_weight};
    case GemmRole::activation_activation:
      return {&activations_, &activations_, sim::Pass::forward};
    case GemmRole::gradient_activation:
      return {&gradients_, &activations_, sim::Pass::backward_data};
    case GemmRole::activation_gradient:
      return {&activations_, &gradients_, sim::Pass::backward_data};
  }
  throw std::invalid_argument("LnsMatmul: unknown GEMM role");
}

void LnsMatmul::gemm(GemmRole role, const In& a, bool transpose_a, const In& b, bool transpose_b,
                     Out c) {
  const Operands o = operands(role);
  const lns::Format& fa = *o.a;
  const lns::Format& fb = *o.b;
  const sim::Pass pass = o.pass;
  const int m = static_cast<int>(transpose_a ? a.cols() : a.rows());
  const int k = static_cast<int>(transpose_a ? a.rows() : a.cols());
  const int n = static_cast<int>(transpose_b ? b.rows() : b.cols());
  if ((transpose_b ? b.cols() : b.rows()) != k || c.rows() != m || c.cols() != n)
    throw std::invalid_argument("LnsMatmul::gemm: shapes do not match");
  const float sa = encode(a, transpose_a, fa, a_codes_);
  const float sb = encode(b, transpose_b, fb, b_codes_);
  c_values_.resize(static_cast<std::size_t>(m) * static_cast<std::size_t>(n));
  accelerator_.gemm(std::string(sim::to_string(pass)), pass, fa,
                    lns::CodeMatrix::row_major(a_codes_.data(), m, k), fb,
                    lns::CodeMatrix::row_major(b_codes_.data(), k, n), c_values_.data());
  const double scale = static_cast<double>(sa) * static_cast<double>(sb);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j)
      c(i, j) = static_cast<float>(c_values_[static_cast<std::size_t>(i) * n + j] * scale);
}

void LnsMatmul::close_step(std::int64_t weights) {
  accelerator_.update({"weights", weights});
  const sim::RunReport step = accelerator_.take();
  ++totals_.steps;
  totals_.cycles += static_cast<double>(step.total.timing.total_cycles);
  totals_.energy_pj += step.total.energy_pj;
}

}  // namespace lnslab::nn
