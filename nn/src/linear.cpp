#include "lnslab/nn/linear.hpp"

#include <stdexcept>
#include <string>

namespace lnslab::nn {

template <typename T>
Linear<T>::Linear(int in, int out, bool bias)
    : Layer<T>(Shape{in, 1, 1}, Shape{out, 1, 1}),
      in_(in),
      out_(out),
      has_bias_(bias),
      backend_(&default_matmul<T>()) {
  if (in <= 0 || out <= 0) throw std::invalid_argument("Linear: sizes must be positive");
}

template <typename T>
std::string Linear<T>::describe() const {
  return "Linear(" + std::to_string(in_) + " -> " + std::to_string(out_) +
         (has_bias_ ? ", bias)" : ", no bias)");
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
  y.resize(x.rows(), out_);
  backend_->gemm(GemmRole::forward, x, false, w, true, y);
  if (has_bias_) y.rowwise() += ConstVectorMap<T>(b_, out_).transpose();
}

template <typename T>
void Linear<T>::backward(const Matrix<T>& x, const Matrix<T>& /*y*/, const Matrix<T>& dy,
                         Matrix<T>* dx) {
  ConstMatrixMap<T> w(w_, out_, in_);
  MatrixMap<T> gw(gw_, out_, in_);
  backend_->gemm(GemmRole::backward_weight, dy, true, x, false, gw);
  if (has_bias_) VectorMap<T>(gb_, out_) = dy.colwise().sum().transpose();
  if (dx != nullptr) {
    dx->resize(dy.rows(), in_);
    backend_->gemm(GemmRole::backward_data, dy, false, w, false, *dx);
  }
}

template class Linear<float>;
template class Linear<double>;

}  // namespace lnslab::nn
