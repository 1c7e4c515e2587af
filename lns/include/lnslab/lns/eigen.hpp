#pragma once
// Eigen integration (the only lns header that needs Eigen 3.4).
//
// 1. lns::Scalar<F, P> is an Eigen scalar: Eigen::Matrix<Scalar, ...> sums, differences,
//    coefficient-wise products and matrix products compile, and every operation Eigen performs on
//    two scalars is the scalar rule (Format::add / mul with policy P). LNS addition is commutative
//    but not associative, so a matrix product's value depends on the order in which Eigen sums;
//    for a product whose inner dimension is 2 (one addition per output) there is no choice, and
//    Eigen's coefficient loop for dynamic-size products sums in k order (tested).
// 2. Views over packed code arrays: `view<S>(codes, rows, cols)` maps an array of code_t as a
//    matrix of S (Scalar<F, P> holds exactly one code_t), and `as_scalars<S>(map)` turns any Eigen
//    expression of integer codes (e.g. a Map over std::uint8_t storage) into an expression of S.
#include <Eigen/Core>
#include <limits>
#include <type_traits>

#include "lnslab/lns/scalar.hpp"

namespace Eigen {

template <lnslab::lns::FixedFormat F, lnslab::lns::Policy P>
struct NumTraits<lnslab::lns::Scalar<F, P>> : GenericNumTraits<lnslab::lns::Scalar<F, P>> {
  using S = lnslab::lns::Scalar<F, P>;
  using Real = S;
  using NonInteger = S;
  using Literal = S;
  using Nested = S;
  enum {
    IsComplex = 0,
    IsInteger = 0,
    IsSigned = 1,
    RequireInitialization = 0,
    ReadCost = 1,
    AddCost = 3,
    MulCost = 1
  };
  /// One step of the base: the relative spacing of neighbouring magnitudes.
  static S epsilon() { return S(S::format().base() - 1.0); }
  static S dummy_precision() { return S(8.0 * (S::format().base() - 1.0)); }
  static S highest() { return S::from_code(S::format().largest(false)); }
  static S lowest() { return S::from_code(S::format().largest(true)); }
  static S infinity() { return highest(); }  // no infinity: encoding +inf saturates
  static S quiet_NaN() { return S::from_code(S::format().nan()); }
  static int digits10() { return 2; }
};

}  // namespace Eigen

namespace lnslab::lns {

template <FixedFormat F, Policy P>
inline const Scalar<F, P>& conj(const Scalar<F, P>& x) {
  return x;
}
template <FixedFormat F, Policy P>
inline Scalar<F, P> real(const Scalar<F, P>& x) {
  return x;
}
template <FixedFormat F, Policy P>
inline Scalar<F, P> imag(const Scalar<F, P>&) {
  return Scalar<F, P>();
}
template <FixedFormat F, Policy P>
inline Scalar<F, P> abs2(const Scalar<F, P>& x) {
  return x * x;
}

template <typename S>
using Matrix = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;

/// A column-major (default) or row-major matrix view over packed code_t storage.
template <typename S, int Options = Eigen::ColMajor>
Eigen::Map<Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Options>> view(code_t* codes,
                                                                           Eigen::Index rows,
                                                                           Eigen::Index cols) {
  static_assert(sizeof(S) == sizeof(code_t) && std::is_standard_layout_v<S> &&
                    std::is_trivially_copyable_v<S>,
                "an LNS scalar must be exactly one code_t to view code arrays");
  return {reinterpret_cast<S*>(codes), rows, cols};
}
template <typename S, int Options = Eigen::ColMajor>
Eigen::Map<const Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic, Options>> view(
    const code_t* codes, Eigen::Index rows, Eigen::Index cols) {
  static_assert(sizeof(S) == sizeof(code_t) && std::is_standard_layout_v<S> &&
                    std::is_trivially_copyable_v<S>,
                "an LNS scalar must be exactly one code_t to view code arrays");
  return {reinterpret_cast<const S*>(codes), rows, cols};
}

/// An expression of S over any Eigen expression of integer codes (uint8_t or uint16_t storage).
template <typename S, typename Derived>
auto as_scalars(const Eigen::MatrixBase<Derived>& codes) {
  return codes.unaryExpr([](auto c) { return S::from_code(static_cast<code_t>(c)); });
}

}  // namespace lnslab::lns
