// Eigen matrices of compile-time LNS scalars follow the scalar rule.
#include <cstdint>
#include <vector>

#include <catch2/catch.hpp>

#include "lnslab/lns/eigen.hpp"

using namespace lnslab::lns;
using S = lns8_eta0_016;

namespace {
S random_scalar(Rng& rng) {
  const Format& f = S::format();
  return S::from_code(f.make(rng.below(2) != 0, 1 + static_cast<int>(rng.below(f.kmax()))));
}
bool same(S a, S b) {
  return a.code() == b.code();
}
}  // namespace

TEST_CASE("Eigen matrices of LNS scalars: sums and products follow the scalar rule", "[eigen]") {
  Rng rng(2024);
  SECTION("fixed-size product with inner dimension 2, sums, coefficient-wise products") {
    Eigen::Matrix<S, 3, 2> a;
    Eigen::Matrix<S, 2, 4> b;
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 2; ++k) a(i, k) = random_scalar(rng);
    for (int k = 0; k < 2; ++k)
      for (int j = 0; j < 4; ++j) b(k, j) = random_scalar(rng);
    const Eigen::Matrix<S, 3, 4> c = a * b;
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 4; ++j) CHECK(same(c(i, j), a(i, 0) * b(0, j) + a(i, 1) * b(1, j)));
    Eigen::Matrix<S, 3, 2> d;
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 2; ++k) d(i, k) = random_scalar(rng);
    const Eigen::Matrix<S, 3, 2> sum = a + d, diff = a - d, prod = a.cwiseProduct(d);
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 2; ++k) {
        CHECK(same(sum(i, k), a(i, k) + d(i, k)));
        CHECK(same(diff(i, k), a(i, k) - d(i, k)));
        CHECK(same(prod(i, k), a(i, k) * d(i, k)));
      }
    const Eigen::Matrix<S, 3, 2> zero = a - a;
    for (int i = 0; i < 3; ++i)
      for (int k = 0; k < 2; ++k) CHECK(zero(i, k).is_zero());
  }
  SECTION("dynamic-size product sums in k order") {
    const int m = 6, kdim = 9, n = 5;
    Matrix<S> a(m, kdim), b(kdim, n);
    for (int i = 0; i < m; ++i)
      for (int k = 0; k < kdim; ++k) a(i, k) = random_scalar(rng);
    for (int k = 0; k < kdim; ++k)
      for (int j = 0; j < n; ++j) b(k, j) = random_scalar(rng);
    const Matrix<S> c = a * b;
    int mismatches = 0;
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        S s = a(i, 0) * b(0, j);
        for (int k = 1; k < kdim; ++k) s = s + a(i, k) * b(k, j);
        mismatches += same(c(i, j), s) ? 0 : 1;
      }
    CHECK(mismatches == 0);
  }
}

TEST_CASE("Eigen views over packed code arrays", "[eigen]") {
  const Format& f = S::format();
  std::vector<code_t> codes(6);
  for (int i = 0; i < 6; ++i) codes[static_cast<std::size_t>(i)] = f.make(i % 2 == 1, 60 + i);
  auto m = view<S, Eigen::RowMajor>(codes.data(), 2, 3);
  CHECK(m(1, 2).code() == codes[5]);
  m(0, 0) = S(1.0);
  CHECK(codes[0] == f.encode(1.0));
  std::vector<std::uint8_t> small = {static_cast<std::uint8_t>(f.make(false, 64)),
                                     static_cast<std::uint8_t>(f.make(true, 70))};
  const Eigen::Map<const Eigen::Matrix<std::uint8_t, 2, 1>> raw(small.data());
  const Eigen::Matrix<S, 2, 1> s = as_scalars<S>(raw);
  CHECK(s(1).code() == small[1]);
  CHECK(static_cast<double>(s(0)) == 1.0);
}
