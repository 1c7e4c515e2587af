#pragma once
// Central-difference gradient checks in double.
#include <algorithm>
#include <cmath>
#include <functional>
#include <span>

#include "lnslab/lns/rng.hpp"
#include "lnslab/nn/tensor.hpp"

namespace lnslab::nn::test {

/// The mismatch a gradient check in double accepts (central differences with h = 1e-6).
constexpr double gradient_tolerance = 1e-6;

/// A rows x cols matrix of standard normal entries from `rng`.
inline Matrix<double> random_matrix(Eigen::Index rows, Eigen::Index cols, lns::Rng& rng) {
  Matrix<double> m(rows, cols);
  for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = rng.normal();
  return m;
}

/// Worst mismatch between analytic gradients and central differences of `loss` with respect to
/// the entries of `values` (perturbed in place and restored). Mismatch of one entry:
/// |a - n| / max(1, |a|, |n|).
inline double max_gradient_error(std::span<double> values, std::span<const double> analytic,
                                 const std::function<double()>& loss, double h = 1e-6) {
  double worst = 0.0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double saved = values[i];
    values[i] = saved + h;
    const double up = loss();
    values[i] = saved - h;
    const double down = loss();
    values[i] = saved;
    const double numeric = (up - down) / (2.0 * h);
    const double scale = std::max({1.0, std::abs(numeric), std::abs(analytic[i])});
    worst = std::max(worst, std::abs(numeric - analytic[i]) / scale);
  }
  return worst;
}

}  // namespace lnslab::nn::test
