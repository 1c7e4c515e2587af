#pragma once
// Parameter-free layers the conditional GAN adds (nn/cgan.hpp): a leaky ReLU for the
// discriminator, a sigmoid for the generator's pixels, a reshape from a flat vector to (C, H, W),
// and nearest-neighbour upsampling.
#include "lnslab/nn/layer.hpp"

namespace lnslab::nn {

/// y = x for x > 0, slope * x otherwise; dx = dy or slope * dy by the sign of x.  x, y: [batch, n]
template <typename T>
class LeakyReLU final : public Layer<T> {
 public:
  LeakyReLU(Shape shape, double slope) : Layer<T>(shape, shape), slope_(static_cast<T>(slope)) {}
  std::string describe() const override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;

 private:
  T slope_;
};

/// y = 1 / (1 + exp(-x)); dx = dy * y * (1 - y).  x, y: [batch, n]
template <typename T>
class Sigmoid final : public Layer<T> {
 public:
  explicit Sigmoid(Shape shape) : Layer<T>(shape, shape) {}
  std::string describe() const override { return "Sigmoid"; }
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;
};

/// Reinterprets a sample of in.size() values as `out` (same size; rows are unchanged).
template <typename T>
class Reshape final : public Layer<T> {
 public:
  Reshape(Shape in, Shape out);
  std::string describe() const override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;
};

/// Nearest-neighbour upsampling by an integer factor f per axis:
///   x: [batch, C*H*W] -> y: [batch, C*(f H)*(f W)],  y[c, i, j] = x[c, i / f, j / f]
///   dx[c, i, j] = sum of dy over the f x f block that copies x[c, i, j]
template <typename T>
class Upsample2d final : public Layer<T> {
 public:
  Upsample2d(Shape in, int factor);
  std::string describe() const override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;

 private:
  int factor_;
};

extern template class LeakyReLU<float>;
extern template class LeakyReLU<double>;
extern template class Sigmoid<float>;
extern template class Sigmoid<double>;
extern template class Reshape<float>;
extern template class Reshape<double>;
extern template class Upsample2d<float>;
extern template class Upsample2d<double>;

}  // namespace lnslab::nn
