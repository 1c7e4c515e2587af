#include "lnslab/nn/batchnorm.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace lnslab::nn {

template <typename T>
BatchNorm<T>::BatchNorm(Shape shape, bool affine, double eps, double momentum)
    : Layer<T>(shape, shape),
      affine_(affine),
      eps_(static_cast<T>(eps)),
      momentum_(static_cast<T>(momentum)) {}

template <typename T>
std::string BatchNorm<T>::describe() const {
  return "BatchNorm(" + std::to_string(this->input_shape().channels) + " channels, " +
         (affine_ ? "affine)" : "no affine)");
}

template <typename T>
void BatchNorm<T>::declare(ParamStore<T>& store, const std::string& prefix) {
  const int c = this->input_shape().channels;
  if (affine_) {
    gamma_id_ = store.declare(prefix + ".gamma", ParamRole::norm_scale, {c}, 1);
    beta_id_ = store.declare(prefix + ".beta", ParamRole::norm_shift, {c}, 1);
  }
  mean_id_ = store.declare(prefix + ".running_mean", ParamRole::running_mean, {c}, 1);
  var_id_ = store.declare(prefix + ".running_var", ParamRole::running_var, {c}, 1);
}

template <typename T>
void BatchNorm<T>::bind(ParamStore<T>& store) {
  if (affine_) {
    gamma_ = store.value(gamma_id_).data();
    ggamma_ = store.grad(gamma_id_).data();
    beta_ = store.value(beta_id_).data();
    gbeta_ = store.grad(beta_id_).data();
  }
  running_mean_ = store.value(mean_id_).data();
  running_var_ = store.value(var_id_).data();
}

template <typename T>
void BatchNorm<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) {
  const int channels = this->input_shape().channels;
  const int hw = this->input_shape().spatial();
  const auto batch = x.rows();
  y.resize(batch, x.cols());
  if (mode == Mode::eval) {
    for (int c = 0; c < channels; ++c) {
      const T inv = T(1) / std::sqrt(running_var_[c] + eps_);
      const T scale = affine_ ? gamma_[c] * inv : inv;
      const T shift = affine_ ? beta_[c] : T(0);
      for (Eigen::Index b = 0; b < batch; ++b)
        for (int p = 0; p < hw; ++p)
          y(b, c * hw + p) = (x(b, c * hw + p) - running_mean_[c]) * scale + shift;
    }
    return;
  }
  const double n = static_cast<double>(batch) * hw;
  if (n < 2) throw std::invalid_argument("BatchNorm: training needs at least 2 values per channel");
  xhat_.resize(batch, x.cols());
  inv_std_.assign(static_cast<std::size_t>(channels), T(0));
  for (int c = 0; c < channels; ++c) {
    double sum = 0.0;
    for (Eigen::Index b = 0; b < batch; ++b)
      for (int p = 0; p < hw; ++p) sum += x(b, c * hw + p);
    const double mean = sum / n;
    double sq = 0.0;
    for (Eigen::Index b = 0; b < batch; ++b)
      for (int p = 0; p < hw; ++p) {
        const double d = x(b, c * hw + p) - mean;
        sq += d * d;
      }
    const double var = sq / n;
    const T inv = static_cast<T>(1.0 / std::sqrt(var + static_cast<double>(eps_)));
    inv_std_[static_cast<std::size_t>(c)] = inv;
    const T m = static_cast<T>(mean);
    for (Eigen::Index b = 0; b < batch; ++b)
      for (int p = 0; p < hw; ++p) {
        const T h = (x(b, c * hw + p) - m) * inv;
        xhat_(b, c * hw + p) = h;
        y(b, c * hw + p) = affine_ ? gamma_[c] * h + beta_[c] : h;
      }
    running_mean_[c] = (T(1) - momentum_) * running_mean_[c] + momentum_ * m;
    running_var_[c] =
        (T(1) - momentum_) * running_var_[c] + momentum_ * static_cast<T>(var * n / (n - 1.0));
  }
}

template <typename T>
void BatchNorm<T>::backward(const Matrix<T>& /*x*/, const Matrix<T>& /*y*/, const Matrix<T>& dy,
                            Matrix<T>* dx) {
  const int channels = this->input_shape().channels;
  const int hw = this->input_shape().spatial();
  const auto batch = dy.rows();
  if (xhat_.rows() != batch) throw std::logic_error("BatchNorm::backward without a train forward");
  const double n = static_cast<double>(batch) * hw;
  if (dx != nullptr) dx->resize(batch, dy.cols());
  for (int c = 0; c < channels; ++c) {
    double sum_dy = 0.0, sum_dy_xhat = 0.0;
    for (Eigen::Index b = 0; b < batch; ++b)
      for (int p = 0; p < hw; ++p) {
        sum_dy += dy(b, c * hw + p);
        sum_dy_xhat += static_cast<double>(dy(b, c * hw + p)) * xhat_(b, c * hw + p);
      }
    if (affine_) {
      ggamma_[c] = static_cast<T>(sum_dy_xhat);
      gbeta_[c] = static_cast<T>(sum_dy);
    }
    if (dx == nullptr) continue;
    // dxhat = gamma dy; dx = inv_std / n * (n dxhat - sum(dxhat) - xhat sum(dxhat xhat))
    const T g = affine_ ? gamma_[c] : T(1);
    const T k = static_cast<T>(static_cast<double>(g) * inv_std_[static_cast<std::size_t>(c)] / n);
    const T mean_dy = static_cast<T>(sum_dy);
    const T mean_dy_xhat = static_cast<T>(sum_dy_xhat);
    const T count = static_cast<T>(n);
    for (Eigen::Index b = 0; b < batch; ++b)
      for (int p = 0; p < hw; ++p) {
        const auto i = c * hw + p;
        (*dx)(b, i) = k * (count * dy(b, i) - mean_dy - xhat_(b, i) * mean_dy_xhat);
      }
  }
}

template class BatchNorm<float>;
template class BatchNorm<double>;

}  // namespace lnslab::nn
