#pragma once
// Central-difference gradient checks in double.
#include <algorithm>
#include <cmath>
#include <functional>
#include <span>

namespace lnslab::nn::test {

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
