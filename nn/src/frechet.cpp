#include "lnslab/nn/frechet.hpp"

#include <fmt/format.h>

#include <cmath>
#include <complex>
#include <stdexcept>
#include <unsupported/Eigen/MatrixFunctions>

namespace lnslab::nn {

GaussianFit fit_gaussian(const Eigen::Ref<const Eigen::MatrixXd>& features) {
  if (features.rows() < 2)
    throw std::invalid_argument(fmt::format(
        "fit_gaussian: needs at least 2 feature rows for a covariance, got {}", features.rows()));
  GaussianFit g;
  g.mean = features.colwise().mean().transpose();
  const Eigen::MatrixXd centred = features.rowwise() - g.mean.transpose();
  g.covariance = centred.transpose() * centred / static_cast<double>(features.rows() - 1);
  return g;
}

double frechet_distance(const GaussianFit& a, const GaussianFit& b) {
  const Eigen::Index d = a.mean.size();
  if (b.mean.size() != d || a.covariance.rows() != d || a.covariance.cols() != d ||
      b.covariance.rows() != d || b.covariance.cols() != d)
    throw std::invalid_argument(
        fmt::format("frechet_distance: fits of dimension {} (covariance {}x{}) and {} ({}x{})", d,
                    a.covariance.rows(), a.covariance.cols(), b.mean.size(), b.covariance.rows(),
                    b.covariance.cols()));
  auto trace_root = [](const Eigen::MatrixXd& sa, const Eigen::MatrixXd& sb) {
    const Eigen::MatrixXcd product = (sa * sb).cast<std::complex<double>>();
    return product.sqrt().trace().real();
  };
  double tr = trace_root(a.covariance, b.covariance);
  if (!std::isfinite(tr)) {
    // Singular covariances (fewer samples than features) can defeat the Schur square root;
    // as pytorch-fid does, retry with 1e-6 added to both diagonals.
    const Eigen::MatrixXd offset = Eigen::MatrixXd::Identity(d, d) * 1e-6;
    tr = trace_root(a.covariance + offset, b.covariance + offset);
  }
  return (a.mean - b.mean).squaredNorm() + a.covariance.trace() + b.covariance.trace() - 2.0 * tr;
}

}  // namespace lnslab::nn
