#pragma once
// Batch normalisation over batch and spatial positions, per channel (BatchNorm1d for a flat
// input {n,1,1}, BatchNorm2d for (C,H,W)). PyTorch conventions: eps 1e-5, biased batch variance
// for normalising, unbiased for the running variance, running momentum 0.1. Affine optional (the
// Madam paper trains with affine off).
//   x, y: [batch, C*H*W]   gamma, beta: [C]   running_mean, running_var: [C] (not trainable)
//   train: y = gamma * (x - mean_B) / sqrt(var_B + eps) + beta;  eval: running statistics
#include <vector>

#include "lnslab/nn/layer.hpp"

namespace lnslab::nn {

template <typename T>
class BatchNorm final : public Layer<T> {
 public:
  BatchNorm(Shape shape, bool affine, double eps = 1e-5, double momentum = 0.1);
  std::string describe() const override;
  void declare(ParamStore<T>& store, const std::string& prefix) override;
  void bind(ParamStore<T>& store) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;

 private:
  bool affine_;
  T eps_, momentum_;
  int gamma_id_ = -1, beta_id_ = -1, mean_id_ = -1, var_id_ = -1;
  T* gamma_ = nullptr;
  T* ggamma_ = nullptr;
  T* beta_ = nullptr;
  T* gbeta_ = nullptr;
  T* running_mean_ = nullptr;
  T* running_var_ = nullptr;
  Matrix<T> xhat_;          // cached by a train-mode forward: [batch, C*H*W]
  std::vector<T> inv_std_;  // [C]
};

extern template class BatchNorm<float>;
extern template class BatchNorm<double>;

}  // namespace lnslab::nn
