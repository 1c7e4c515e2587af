#include "lnslab/nn/gan_layers.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace lnslab::nn {

template <typename T>
std::string LeakyReLU<T>::describe() const {
  return fmt::format("LeakyReLU({:g})", static_cast<double>(slope_));
}

template <typename T>
void LeakyReLU<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  y = (x.array() > T(0)).select(x, x * slope_);
}

template <typename T>
void LeakyReLU<T>::backward(const Matrix<T>& x, const Matrix<T>& /*y*/, const Matrix<T>& dy,
                            Matrix<T>* dx) {
  if (dx != nullptr) *dx = (x.array() > T(0)).select(dy, dy * slope_);
}

template <typename T>
void Sigmoid<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  y = (T(1) + (-x.array()).exp()).inverse().matrix();
}

template <typename T>
void Sigmoid<T>::backward(const Matrix<T>& /*x*/, const Matrix<T>& y, const Matrix<T>& dy,
                          Matrix<T>* dx) {
  if (dx != nullptr) *dx = (dy.array() * y.array() * (T(1) - y.array())).matrix();
}

template <typename T>
Reshape<T>::Reshape(Shape in, Shape out) : Layer<T>(in, out) {
  if (in.size() != out.size())
    throw std::invalid_argument("Reshape: " + in.str() + " and " + out.str() +
                                " have different sizes");
}

template <typename T>
std::string Reshape<T>::describe() const {
  return "Reshape(" + this->input_shape().str() + " -> " + this->output_shape().str() + ")";
}

template <typename T>
void Reshape<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  y = x;
}

template <typename T>
void Reshape<T>::backward(const Matrix<T>& /*x*/, const Matrix<T>& /*y*/, const Matrix<T>& dy,
                          Matrix<T>* dx) {
  if (dx != nullptr) *dx = dy;
}

namespace {
Shape upsampled(Shape in, int factor) {
  if (factor < 1) throw std::invalid_argument("Upsample2d: factor must be at least 1");
  return Shape{in.channels, in.height * factor, in.width * factor};
}
}  // namespace

template <typename T>
Upsample2d<T>::Upsample2d(Shape in, int factor)
    : Layer<T>(in, upsampled(in, factor)), factor_(factor) {}

template <typename T>
std::string Upsample2d<T>::describe() const {
  return fmt::format("Upsample2d(x{}, nearest) -> {}", factor_, this->output_shape().str());
}

template <typename T>
void Upsample2d<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode /*mode*/) {
  const Shape in = this->input_shape(), out = this->output_shape();
  y.resize(x.rows(), out.size());
  for (Eigen::Index b = 0; b < x.rows(); ++b)
    for (int c = 0; c < in.channels; ++c)
      for (int i = 0; i < out.height; ++i)
        for (int j = 0; j < out.width; ++j)
          y(b, (c * out.height + i) * out.width + j) =
              x(b, (c * in.height + i / factor_) * in.width + j / factor_);
}

template <typename T>
void Upsample2d<T>::backward(const Matrix<T>& x, const Matrix<T>& /*y*/, const Matrix<T>& dy,
                             Matrix<T>* dx) {
  if (dx == nullptr) return;
  const Shape in = this->input_shape(), out = this->output_shape();
  dx->setZero(x.rows(), in.size());
  for (Eigen::Index b = 0; b < x.rows(); ++b)
    for (int c = 0; c < in.channels; ++c)
      for (int i = 0; i < out.height; ++i)
        for (int j = 0; j < out.width; ++j)
          (*dx)(b, (c * in.height + i / factor_) * in.width + j / factor_) +=
              dy(b, (c * out.height + i) * out.width + j);
}

template class LeakyReLU<float>;
template class LeakyReLU<double>;
template class Sigmoid<float>;
template class Sigmoid<double>;
template class Reshape<float>;
template class Reshape<double>;
template class Upsample2d<float>;
template class Upsample2d<double>;

}  // namespace lnslab::nn
