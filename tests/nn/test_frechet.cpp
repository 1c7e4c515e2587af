// The Fréchet distance and the Gaussian fit it uses (nn/frechet.hpp).
#include <catch2/catch.hpp>

#include <cmath>

#include "lnslab/lns/rng.hpp"
#include "lnslab/nn/frechet.hpp"

using namespace lnslab;

namespace {

Eigen::MatrixXd random_features(Eigen::Index n, Eigen::Index d, std::uint64_t seed) {
  lns::Rng rng(seed);
  Eigen::MatrixXd x(n, d);
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < d; ++j)
      x(i, j) = rng.normal() * (1.0 + 0.3 * static_cast<double>(j)) + 0.1 * x(i, 0);
  return x;
}

nn::GaussianFit gaussian(Eigen::VectorXd mean, Eigen::MatrixXd cov) {
  return nn::GaussianFit{std::move(mean), std::move(cov)};
}

}  // namespace

TEST_CASE("fit_gaussian: column means and the unbiased (n - 1) covariance", "[frechet]") {
  Eigen::MatrixXd x(4, 2);
  x << 0, 0, 2, 0, 0, 2, 2, 2;
  const nn::GaussianFit g = nn::fit_gaussian(x);
  CHECK(g.mean(0) == 1.0);
  CHECK(g.mean(1) == 1.0);
  // sum of squared deviations 4 over n - 1 = 3 (a biased fit would give 1)
  CHECK(g.covariance(0, 0) == Approx(4.0 / 3.0).epsilon(1e-15));
  CHECK(g.covariance(1, 1) == Approx(4.0 / 3.0).epsilon(1e-15));
  CHECK(g.covariance(0, 1) == 0.0);
  CHECK_THROWS_AS(nn::fit_gaussian(Eigen::MatrixXd::Zero(1, 3)), std::invalid_argument);
}

TEST_CASE("Fréchet distance: identical feature sets give 0", "[frechet]") {
  const Eigen::MatrixXd x = random_features(300, 16, 7);
  const nn::GaussianFit a = nn::fit_gaussian(x), b = nn::fit_gaussian(x);
  const double scale = a.covariance.trace();
  CHECK(std::abs(nn::frechet_distance(a, b)) < 1e-9 * scale);
  // A shift of every feature vector by v moves only the means: the distance is |v|^2.
  Eigen::VectorXd v = Eigen::VectorXd::LinSpaced(16, -1.0, 2.0);
  const Eigen::MatrixXd shifted = x.rowwise() + v.transpose();
  CHECK(nn::frechet_distance(a, nn::fit_gaussian(shifted)) ==
        Approx(v.squaredNorm()).epsilon(1e-9));
}

TEST_CASE("Fréchet distance: closed forms of known Gaussians", "[frechet]") {
  SECTION("one dimension: (m1 - m2)^2 + (s1 - s2)^2") {
    const double d = nn::frechet_distance(
        gaussian(Eigen::VectorXd::Constant(1, 1.5), Eigen::MatrixXd::Constant(1, 1, 4.0)),
        gaussian(Eigen::VectorXd::Constant(1, -0.5), Eigen::MatrixXd::Constant(1, 1, 0.25)));
    CHECK(d == Approx(2.0 * 2.0 + (2.0 - 0.5) * (2.0 - 0.5)).epsilon(1e-12));
  }
  SECTION("diagonal covariances: |dm|^2 + sum (sqrt a_i - sqrt b_i)^2") {
    Eigen::VectorXd ma(3), mb(3), va(3), vb(3);
    ma << 0, 1, 2;
    mb << 1, 1, 0;
    va << 1, 9, 0.5;
    vb << 4, 1, 2;
    double expected = (ma - mb).squaredNorm();
    for (int i = 0; i < 3; ++i) expected += std::pow(std::sqrt(va(i)) - std::sqrt(vb(i)), 2);
    const double d = nn::frechet_distance(gaussian(ma, va.asDiagonal().toDenseMatrix()),
                                          gaussian(mb, vb.asDiagonal().toDenseMatrix()));
    CHECK(d == Approx(expected).epsilon(1e-12));
  }
  SECTION("2-D covariances that do not commute: tr (S1 S2)^(1/2) = sqrt(tr M + 2 sqrt(det M))") {
    // For a 2x2 M = S1 S2 with positive eigenvalues l1, l2: (sqrt l1 + sqrt l2)^2 = tr M + 2
    // sqrt(det M). sqrt(S1) sqrt(S2) would give another trace here, since S1 S2 != S2 S1.
    Eigen::MatrixXd s1(2, 2), s2(2, 2);
    s1 << 2.0, 0.8, 0.8, 1.0;
    s2 << 0.5, -0.3, -0.3, 3.0;
    REQUIRE((s1 * s2 - s2 * s1).norm() > 0.5);
    const Eigen::MatrixXd m = s1 * s2;
    const double det = m(0, 0) * m(1, 1) - m(0, 1) * m(1, 0);
    const double trace_root = std::sqrt(m.trace() + 2.0 * std::sqrt(det));
    Eigen::VectorXd m1(2), m2(2);
    m1 << 0.3, -0.2;
    m2 << -1.0, 0.5;
    const double expected = (m1 - m2).squaredNorm() + s1.trace() + s2.trace() - 2.0 * trace_root;
    CHECK(nn::frechet_distance(gaussian(m1, s1), gaussian(m2, s2)) ==
          Approx(expected).epsilon(1e-12));
  }
}

TEST_CASE("Fréchet distance: mismatched dimensions are refused", "[frechet]") {
  CHECK_THROWS_AS(
      nn::frechet_distance(gaussian(Eigen::VectorXd::Zero(2), Eigen::MatrixXd::Identity(2, 2)),
                           gaussian(Eigen::VectorXd::Zero(3), Eigen::MatrixXd::Identity(3, 3))),
      std::invalid_argument);
}
