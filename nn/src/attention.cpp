#include "lnslab/nn/attention.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "lnslab/nn/sequence.hpp"

namespace lnslab::nn {

namespace {

// A [rows, cols] block of a row-major buffer whose rows are `stride` apart.
template <typename T>
using StridedMap = Eigen::Map<Matrix<T>, 0, Eigen::OuterStride<>>;
template <typename T>
using ConstStridedMap = Eigen::Map<const Matrix<T>, 0, Eigen::OuterStride<>>;

}  // namespace

template <typename T>
CausalSelfAttention<T>::CausalSelfAttention(int positions, int dim, int heads)
    : Layer<T>(sequence_shape(positions, 3 * dim), sequence_shape(positions, dim)),
      positions_(positions),
      dim_(dim),
      heads_(heads),
      head_dim_(heads > 0 ? dim / heads : 0),
      backend_(&default_matmul<T>()) {
  if (positions <= 0 || dim <= 0 || heads <= 0)
    throw std::invalid_argument("CausalSelfAttention: sizes must be positive");
  if (dim % heads != 0)
    throw std::invalid_argument("CausalSelfAttention: width " + std::to_string(dim) +
                                " is not a multiple of the " + std::to_string(heads) + " heads");
}

template <typename T>
std::string CausalSelfAttention<T>::describe() const {
  return "CausalSelfAttention(" + std::to_string(heads_) + " heads x " + std::to_string(head_dim_) +
         ", " + std::to_string(positions_) + " positions)";
}

template <typename T>
void CausalSelfAttention<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  const Eigen::Index n = positions_, dh = head_dim_, in_stride = 3 * dim_;
  const T scale = T(1) / std::sqrt(static_cast<T>(head_dim_));
  y.resize(x.rows(), n * dim_);
  probs_.resize(static_cast<std::size_t>(x.rows() * heads_));
  for (Eigen::Index b = 0; b < x.rows(); ++b) {
    const T* row = x.row(b).data();
    for (int h = 0; h < heads_; ++h) {
      ConstStridedMap<T> q(row + h * dh, n, dh, Eigen::OuterStride<>(in_stride));
      ConstStridedMap<T> k(row + dim_ + h * dh, n, dh, Eigen::OuterStride<>(in_stride));
      ConstStridedMap<T> v(row + 2 * dim_ + h * dh, n, dh, Eigen::OuterStride<>(in_stride));
      Matrix<T>& p = probs_[static_cast<std::size_t>(b * heads_ + h)];
      p.resize(n, n);
      backend_->gemm(GemmRole::activation_activation, q, false, k, true, p);
      for (Eigen::Index i = 0; i < n; ++i) {
        // Row i sees columns 0..i; the masked ones get probability 0.
        auto seen = p.row(i).head(i + 1);
        seen *= scale;
        const T largest = seen.maxCoeff();
        seen = (seen.array() - largest).exp();
        seen /= seen.sum();
        p.row(i).tail(n - i - 1).setZero();
      }
      StridedMap<T> o(y.row(b).data() + h * dh, n, dh, Eigen::OuterStride<>(dim_));
      backend_->gemm(GemmRole::activation_activation, p, false, v, false, o);
    }
  }
}

template <typename T>
void CausalSelfAttention<T>::backward(const Matrix<T>& x, const Matrix<T>& /*y*/,
                                      const Matrix<T>& dy, Matrix<T>* dx) {
  if (dx == nullptr) return;  // no parameters: only the input gradient
  const Eigen::Index n = positions_, dh = head_dim_, in_stride = 3 * dim_;
  const T scale = T(1) / std::sqrt(static_cast<T>(head_dim_));
  dx->resize(x.rows(), x.cols());
  for (Eigen::Index b = 0; b < x.rows(); ++b) {
    const T* row = x.row(b).data();
    T* drow = dx->row(b).data();
    for (int h = 0; h < heads_; ++h) {
      const Eigen::OuterStride<> s(in_stride);
      ConstStridedMap<T> q(row + h * dh, n, dh, s);
      ConstStridedMap<T> k(row + dim_ + h * dh, n, dh, s);
      ConstStridedMap<T> v(row + 2 * dim_ + h * dh, n, dh, s);
      StridedMap<T> dq(drow + h * dh, n, dh, s);
      StridedMap<T> dk(drow + dim_ + h * dh, n, dh, s);
      StridedMap<T> dv(drow + 2 * dim_ + h * dh, n, dh, s);
      ConstStridedMap<T> dout(dy.row(b).data() + h * dh, n, dh, Eigen::OuterStride<>(dim_));
      const Matrix<T>& p = probs_[static_cast<std::size_t>(b * heads_ + h)];
      scratch_.resize(n, n);  // dP
      backend_->gemm(GemmRole::gradient_activation, dout, false, v, true, scratch_);
      backend_->gemm(GemmRole::activation_gradient, p, true, dout, false, dv);
      dscores_.resize(n, n);
      for (Eigen::Index i = 0; i < n; ++i) {
        const T dot = p.row(i).dot(scratch_.row(i));
        dscores_.row(i) = p.row(i).array() * (scratch_.row(i).array() - dot) * scale;
      }
      backend_->gemm(GemmRole::gradient_activation, dscores_, false, k, false, dq);
      backend_->gemm(GemmRole::gradient_activation, dscores_, true, q, false, dk);
    }
  }
}

template class CausalSelfAttention<float>;
template class CausalSelfAttention<double>;

}  // namespace lnslab::nn
