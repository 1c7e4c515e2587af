#pragma once
// The Fréchet distance between Gaussian fits of two feature sets (the "FID" of GAN papers when the
// features come from a classifier's penultimate layer; see gan_score.hpp for lnslab's classifier).
//
//   fit:       mean mu = column means of features [n, d]; covariance
//              S = (X - mu)^T (X - mu) / (n - 1)  (unbiased, as numpy.cov and pytorch-fid)
//   distance:  |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1 S2)^(1/2))
// The matrix square root is Eigen's MatrixFunctions routine (Schur based), taken in complex
// arithmetic because S1 S2 is not symmetric and rounding can give it tiny negative or complex
// eigenvalues; the real part of its trace is used. When that trace is not finite (singular
// covariances), 1e-6 is added to both diagonals and the root taken again, as pytorch-fid does.
#include <Eigen/Core>

namespace lnslab::nn {

struct GaussianFit {
  Eigen::VectorXd mean;        ///< [d]
  Eigen::MatrixXd covariance;  ///< [d, d]
};

/// Mean and unbiased covariance of the rows of `features` [n, d] (n >= 2; std::invalid_argument
/// otherwise).
GaussianFit fit_gaussian(const Eigen::Ref<const Eigen::MatrixXd>& features);

/// The Fréchet distance between N(a.mean, a.covariance) and N(b.mean, b.covariance) (squared
/// units of the features; >= 0 up to rounding). Dimensions must agree (std::invalid_argument).
double frechet_distance(const GaussianFit& a, const GaussianFit& b);

}  // namespace lnslab::nn
