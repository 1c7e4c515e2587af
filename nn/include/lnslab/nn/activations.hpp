#pragma once
// Parameter-free shape-preserving or reshaping layers: ReLU, GELU, Flatten, MaxPool2d.
#include <vector>

#include "lnslab/nn/layer.hpp"

namespace lnslab::nn {

/// y = max(x, 0); dx = dy where y > 0, else 0.   x, y: [batch, n]
template <typename T>
class ReLU final : public Layer<T> {
 public:
  explicit ReLU(Shape shape) : Layer<T>(shape, shape) {}
  std::string describe() const override { return "ReLU"; }
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;
};

/// GELU, exact form: y = x * Phi(x) = x/2 * (1 + erf(x / sqrt 2)); dx = dy * (Phi(x) + x phi(x)),
/// phi the standard normal density.   x, y: [batch, n]
template <typename T>
class GELU final : public Layer<T> {
 public:
  explicit GELU(Shape shape) : Layer<T>(shape, shape) {}
  std::string describe() const override { return "GELU"; }
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;
};

/// (C, H, W) -> (C*H*W, 1, 1); the data is already flat, so this only changes the shape.
template <typename T>
class Flatten final : public Layer<T> {
 public:
  explicit Flatten(Shape in) : Layer<T>(in, Shape{in.size(), 1, 1}) {}
  std::string describe() const override { return "Flatten"; }
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;
};

/// Max pooling per channel, kernel k, stride s (default k), no padding; the first maximum in
/// scan order wins a tie and receives the whole gradient.
///   x: [batch, C*H*W] -> y: [batch, C*Ho*Wo], Ho = (H - k) / s + 1
template <typename T>
class MaxPool2d final : public Layer<T> {
 public:
  MaxPool2d(Shape in, int kernel, int stride = 0);
  std::string describe() const override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;

 private:
  int kernel_, stride_;
  std::vector<int> argmax_;  // [batch * C*Ho*Wo]: index into the sample's input row
};

extern template class ReLU<float>;
extern template class ReLU<double>;
extern template class GELU<float>;
extern template class GELU<double>;
extern template class Flatten<float>;
extern template class Flatten<double>;
extern template class MaxPool2d<float>;
extern template class MaxPool2d<double>;

}  // namespace lnslab::nn
