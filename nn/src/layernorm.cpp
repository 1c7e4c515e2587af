#include "lnslab/nn/layernorm.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "lnslab/nn/sequence.hpp"

namespace lnslab::nn {

template <typename T>
LayerNorm<T>::LayerNorm(int dim, bool affine, int positions, double eps)
    : Layer<T>(sequence_shape(positions, dim), sequence_shape(positions, dim)),
      dim_(dim),
      positions_(positions),
      affine_(affine),
      eps_(static_cast<T>(eps)) {
  if (dim <= 0 || positions <= 0) throw std::invalid_argument("LayerNorm: sizes must be positive");
  if (!(eps > 0.0)) throw std::invalid_argument("LayerNorm: eps must be positive");
}

template <typename T>
std::string LayerNorm<T>::describe() const {
  return "LayerNorm(" + std::to_string(dim_) + (affine_ ? ", affine" : ", no affine") +
         (positions_ > 1 ? ", at each of " + std::to_string(positions_) + " positions)" : ")");
}

template <typename T>
void LayerNorm<T>::declare(ParamStore<T>& store, const std::string& prefix) {
  if (!affine_) return;
  scale_id_ = store.declare(prefix + ".scale", ParamRole::norm_scale, {dim_}, dim_);
  shift_id_ = store.declare(prefix + ".shift", ParamRole::norm_shift, {dim_}, dim_);
}

template <typename T>
void LayerNorm<T>::bind(ParamStore<T>& store) {
  if (!affine_) return;
  scale_ = store.value(scale_id_).data();
  gscale_ = store.grad(scale_id_).data();
  shift_ = store.value(shift_id_).data();
  gshift_ = store.grad(shift_id_).data();
}

template <typename T>
void LayerNorm<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  const Eigen::Index rows = x.rows() * positions_;
  ConstMatrixMap<T> xs(x.data(), rows, dim_);
  xhat_.resize(rows, dim_);
  inv_std_.resize(static_cast<std::size_t>(rows));
  for (Eigen::Index r = 0; r < rows; ++r) {
    const T mean = xs.row(r).mean();
    const T var = (xs.row(r).array() - mean).square().mean();
    const T inv = T(1) / std::sqrt(var + eps_);
    inv_std_[static_cast<std::size_t>(r)] = inv;
    xhat_.row(r) = (xs.row(r).array() - mean) * inv;
  }
  y.resize(x.rows(), x.cols());
  MatrixMap<T> ys(y.data(), rows, dim_);
  if (affine_) {
    ys = (xhat_.array().rowwise() * ConstVectorMap<T>(scale_, dim_).transpose().array()).rowwise() +
         ConstVectorMap<T>(shift_, dim_).transpose().array();
  } else {
    ys = xhat_;
  }
}

template <typename T>
void LayerNorm<T>::backward(const Matrix<T>& /*x*/, const Matrix<T>& /*y*/, const Matrix<T>& dy,
                            Matrix<T>* dx) {
  const Eigen::Index rows = dy.rows() * positions_;
  ConstMatrixMap<T> dys(dy.data(), rows, dim_);
  Matrix<T> dxhat = dys;
  if (affine_) {
    VectorMap<T>(gscale_, dim_) = (dys.array() * xhat_.array()).colwise().sum().transpose();
    VectorMap<T>(gshift_, dim_) = dys.colwise().sum().transpose();
    dxhat.array().rowwise() *= ConstVectorMap<T>(scale_, dim_).transpose().array();
  }
  if (dx == nullptr) return;
  dx->resize(dy.rows(), dy.cols());
  MatrixMap<T> dxs(dx->data(), rows, dim_);
  for (Eigen::Index r = 0; r < rows; ++r) {
    const T mean_d = dxhat.row(r).mean();
    const T mean_dx = (dxhat.row(r).array() * xhat_.row(r).array()).mean();
    dxs.row(r) = (dxhat.row(r).array() - mean_d - xhat_.row(r).array() * mean_dx) *
                 inv_std_[static_cast<std::size_t>(r)];
  }
}

template class LayerNorm<float>;
template class LayerNorm<double>;

}  // namespace lnslab::nn
