#include "lnslab/nn/activations.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

namespace lnslab::nn {

template <typename T>
void ReLU<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  y = x.cwiseMax(T(0));
}

template <typename T>
void ReLU<T>::backward(const Matrix<T>& /*x*/, const Matrix<T>& y, const Matrix<T>& dy,
                       Matrix<T>* dx) {
  if (dx != nullptr) *dx = (y.array() > T(0)).select(dy, T(0));
}

template <typename T>
void GELU<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  const T inv_sqrt2 = T(1) / std::sqrt(T(2));
  y = x.unaryExpr([inv_sqrt2](T v) { return T(0.5) * v * (T(1) + std::erf(v * inv_sqrt2)); });
}

template <typename T>
void GELU<T>::backward(const Matrix<T>& x, const Matrix<T>& /*y*/, const Matrix<T>& dy,
                       Matrix<T>* dx) {
  if (dx == nullptr) return;
  const T inv_sqrt2 = T(1) / std::sqrt(T(2));
  const T inv_sqrt_2pi = T(1) / std::sqrt(T(2) * T(3.14159265358979323846));
  *dx = x.binaryExpr(dy, [=](T v, T g) {
    const T cdf = T(0.5) * (T(1) + std::erf(v * inv_sqrt2));
    const T pdf = inv_sqrt_2pi * std::exp(T(-0.5) * v * v);
    return g * (cdf + v * pdf);
  });
}

template <typename T>
void Flatten<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  y = x;
}

template <typename T>
void Flatten<T>::backward(const Matrix<T>& /*x*/, const Matrix<T>& /*y*/, const Matrix<T>& dy,
                          Matrix<T>* dx) {
  if (dx != nullptr) *dx = dy;
}

namespace {
Shape pool_shape(Shape in, int kernel, int stride) {
  if (kernel <= 0 || stride < 0) throw std::invalid_argument("MaxPool2d: kernel must be positive");
  const int s = stride == 0 ? kernel : stride;
  if (in.height < kernel || in.width < kernel)
    throw std::invalid_argument("MaxPool2d: kernel larger than the input " + in.str());
  return Shape{in.channels, (in.height - kernel) / s + 1, (in.width - kernel) / s + 1};
}
}  // namespace

template <typename T>
MaxPool2d<T>::MaxPool2d(Shape in, int kernel, int stride)
    : Layer<T>(in, pool_shape(in, kernel, stride)),
      kernel_(kernel),
      stride_(stride == 0 ? kernel : stride) {}

template <typename T>
std::string MaxPool2d<T>::describe() const {
  return "MaxPool2d(" + this->input_shape().str() + " -> " + this->output_shape().str() + ", k" +
         std::to_string(kernel_) + " s" + std::to_string(stride_) + ")";
}

template <typename T>
void MaxPool2d<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  const Shape in = this->input_shape();
  const Shape out = this->output_shape();
  const auto batch = x.rows();
  y.resize(batch, out.size());
  argmax_.resize(static_cast<std::size_t>(batch * out.size()));
  for (Eigen::Index b = 0; b < batch; ++b) {
    const T* src = x.row(b).data();
    T* dst = y.row(b).data();
    int* arg = argmax_.data() + b * out.size();
    for (int c = 0; c < in.channels; ++c) {
      for (int oy = 0; oy < out.height; ++oy) {
        for (int ox = 0; ox < out.width; ++ox) {
          int best = c * in.spatial() + (oy * stride_) * in.width + ox * stride_;
          for (int ky = 0; ky < kernel_; ++ky) {
            for (int kx = 0; kx < kernel_; ++kx) {
              const int idx = c * in.spatial() + (oy * stride_ + ky) * in.width + ox * stride_ + kx;
              if (src[idx] > src[best]) best = idx;
            }
          }
          const int o = c * out.spatial() + oy * out.width + ox;
          dst[o] = src[best];
          arg[o] = best;
        }
      }
    }
  }
}

template <typename T>
void MaxPool2d<T>::backward(const Matrix<T>& /*x*/, const Matrix<T>& /*y*/, const Matrix<T>& dy,
                            Matrix<T>* dx) {
  if (dx == nullptr) return;
  const Shape in = this->input_shape();
  const Shape out = this->output_shape();
  const auto batch = dy.rows();
  dx->setZero(batch, in.size());
  for (Eigen::Index b = 0; b < batch; ++b) {
    const T* src = dy.row(b).data();
    T* dst = dx->row(b).data();
    const int* arg = argmax_.data() + b * out.size();
    for (int o = 0; o < out.size(); ++o) dst[arg[o]] += src[o];
  }
}

template class ReLU<float>;
template class ReLU<double>;
template class GELU<float>;
template class GELU<double>;
template class Flatten<float>;
template class Flatten<double>;
template class MaxPool2d<float>;
template class MaxPool2d<double>;

}  // namespace lnslab::nn
