#pragma once
// A compile-time LNS scalar: the format is a template parameter, the storage one code.
// It shares every table and rounding decision with lns::Format (a function-local static Format
// built on first use), so Scalar<F> arithmetic is bit-identical to Format arithmetic.
//
//   using lns8 = lnslab::lns::Scalar<lnslab::lns::eta0_format(8, 0.016)>;
//   lns8 x(0.5), y(0.25);
//   double z = double(x * y + x);
#include <compare>
#include <ostream>

#include "lnslab/lns/format.hpp"
#include "lnslab/lns/io.hpp"

namespace lnslab::lns {

/// A format as a structural value usable as a template argument.
struct FixedFormat {
  int bits = 8;
  BaseKind kind = BaseKind::eta0;
  double param = 0.016;  ///< eta0, gamma or base
  int bias = default_bias;
  static constexpr int default_bias = -(1 << 30);  ///< marker: use 2^(bits-2)

  Format make() const {
    const std::optional<int> b = bias == default_bias ? std::nullopt : std::optional<int>(bias);
    switch (kind) {
      case BaseKind::eta0:
        return Format::from_eta0(bits, param, b);
      case BaseKind::gamma:
        return Format::from_gamma(bits, static_cast<int>(param), b);
      case BaseKind::base:
        break;
    }
    return Format::from_base(bits, param, b);
  }
};

constexpr FixedFormat eta0_format(int bits, double eta0, int bias = FixedFormat::default_bias) {
  return FixedFormat{bits, BaseKind::eta0, eta0, bias};
}
constexpr FixedFormat gamma_format(int bits, int gamma, int bias = FixedFormat::default_bias) {
  return FixedFormat{bits, BaseKind::gamma, static_cast<double>(gamma), bias};
}

/// Scalar arithmetic is deterministic, so stochastic rounding is not offered here.
template <FixedFormat F, Policy P = Policy{}>
class Scalar {
  static_assert(P.rounding != Rounding::stochastic,
                "Scalar has no generator; use Format with an Rng for stochastic rounding");

 public:
  static const Format& format() {
    static const Format f = F.make();
    return f;
  }

  constexpr Scalar() = default;                       ///< zero
  Scalar(double v) : code_(format().encode(v, P)) {}  // NOLINT: implicit, like a float
  Scalar(int v) : Scalar(static_cast<double>(v)) {}   // NOLINT
  static Scalar from_code(code_t c) {
    Scalar s;
    s.code_ = c;
    return s;
  }

  code_t code() const { return code_; }
  explicit operator double() const { return format().decode(code_); }
  explicit operator float() const { return format().decode_float(code_); }
  double to_double() const { return format().decode(code_); }
  bool is_nan() const { return format().is_nan(code_); }
  bool is_zero() const { return code_ == 0; }

  Scalar operator-() const { return from_code(format().neg(code_)); }
  Scalar operator+() const { return *this; }
  Scalar& operator+=(Scalar o) { return *this = *this + o; }
  Scalar& operator-=(Scalar o) { return *this = *this - o; }
  Scalar& operator*=(Scalar o) { return *this = *this * o; }
  Scalar& operator/=(Scalar o) { return *this = *this / o; }

  friend Scalar operator+(Scalar a, Scalar b) {
    return from_code(format().add(a.code_, b.code_, P));
  }
  friend Scalar operator-(Scalar a, Scalar b) {
    return from_code(format().sub(a.code_, b.code_, P));
  }
  friend Scalar operator*(Scalar a, Scalar b) {
    return from_code(format().mul(a.code_, b.code_, P));
  }
  friend Scalar operator/(Scalar a, Scalar b) {
    return from_code(format().div(a.code_, b.code_, P));
  }

  friend std::partial_ordering operator<=>(Scalar a, Scalar b) {
    return format().compare(a.code_, b.code_);
  }
  /// Value equality: NaN is unequal to everything, itself included.
  friend bool operator==(Scalar a, Scalar b) {
    return format().compare(a.code_, b.code_) == std::partial_ordering::equivalent;
  }

  friend Scalar abs(Scalar a) { return from_code(format().abs(a.code_)); }
  friend Scalar sqrt(Scalar a) { return from_code(format().sqrt(a.code_, P)); }
  friend Scalar pow(Scalar a, int n) { return from_code(format().pow(a.code_, n, P)); }
  friend Scalar min(Scalar a, Scalar b) { return from_code(format().min(a.code_, b.code_)); }
  friend Scalar max(Scalar a, Scalar b) { return from_code(format().max(a.code_, b.code_)); }

  friend std::ostream& operator<<(std::ostream& os, Scalar a) {
    return os << view(format(), a.code_);
  }

 private:
  code_t code_ = 0;
};

/// The Madam paper's formats (default bias).
using lns12_eta0_001 = Scalar<eta0_format(12, 0.001)>;
using lns10_eta0_004 = Scalar<eta0_format(10, 0.004)>;
using lns8_eta0_016 = Scalar<eta0_format(8, 0.016)>;
using lns8_gamma8 = Scalar<gamma_format(8, 8)>;

}  // namespace lnslab::lns
