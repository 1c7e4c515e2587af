#include "lnslab/nn/linear.hpp"

#include <stdexcept>
#include <string>

#include "lnslab/nn/sequence.hpp"

namespace lnslab::nn {

template <typename T>
Linear<T>::Linear(int in, int out, bool bias, int positions)
    : Layer<T>(sequence_shape(positions, in), sequence_shape(positions, out)),
      in_(in),
      out_(out),
      positions_(positions),
      has_bias_(bias),
      backend_(&default_matmul<T>()) {
  if (in <= 0 || out <= 0 || positions <= 0)
    throw std::invalid_argument("Linear: sizes must be positive");
}

template <typename T>
std::string Linear<T>::describe() const {
  return "Linear(" + std::to_string(in_) + " -> " + std::to_string(out_) +
         (has_bias_ ? ", bias" : ", no bias") +
         (positions_ > 1 ? ", at each of " + std::to_string(positions_) + " positions)" : ")");
}

template <typename T>
void Linear<T>::declare(ParamStore<T>& store, const std::string& prefix) {
  weight_id_ = store.declare(prefix + ".weight", ParamRole::weight, {out_, in_}, in_);
  if (has_bias_) bias_id_ = store.declare(prefix + ".bias", ParamRole::bias, {out_}, in_);
}

template <typename T>
void Linear<T>::bind(ParamStore<T>& store) {
  w_ = store.value(weight_id_).data();
  gw_ = store.grad(weight_id_).data();
  if (has_bias_) {
    b_ = store.value(bias_id_).data();
    gb_ = store.grad(bias_id_).data();
  }
}

template <typename T>
void Linear<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  ConstMatrixMap<T> w(w_, out_, in_);
  y.resize(x.rows(), static_cast<Eigen::Index>(positions_) * out_);
  const Eigen::Index rows = x.rows() * positions_;
  ConstMatrixMap<T> xs(x.data(), rows, in_);
  MatrixMap<T> ys(y.data(), rows, out_);
  backend_->gemm(GemmRole::forward, xs, false, w, true, ys);
  if (has_bias_) ys.rowwise() += ConstVectorMap<T>(b_, out_).transpose();
}

template <typename T>
void Linear<T>::backward(const Matrix<T>& x, const Matrix<T>& /*y*/, const Matrix<T>& dy,
                         Matrix<T>* dx) {
  ConstMatrixMap<T> w(w_, out_, in_);
  MatrixMap<T> gw(gw_, out_, in_);
  const Eigen::Index rows = dy.rows() * positions_;
  ConstMatrixMap<T> xs(x.data(), rows, in_);
  ConstMatrixMap<T> dys(dy.data(), rows, out_);
  backend_->gemm(GemmRole::backward_weight, dys, true, xs, false, gw);
  if (has_bias_) VectorMap<T>(gb_, out_) = dys.colwise().sum().transpose();
  if (dx != nullptr) {
    dx->resize(dy.rows(), static_cast<Eigen::Index>(positions_) * in_);
    MatrixMap<T> dxs(dx->data(), rows, in_);
    backend_->gemm(GemmRole::backward_data, dys, false, w, false, dxs);
  }
}

template class Linear<float>;
template class Linear<double>;

}  // namespace lnslab::nn
