#pragma once
// Layer normalisation over the features of each position (sequence.hpp), affine optional (off by
// default, as the Madam paper switched batch-norm's affine parameters off).
//   x, y: [batch, positions * dim]; per position: xhat = (x - mean) / sqrt(var + eps) (var the
//   biased variance over the dim features), y = xhat (or gamma .* xhat + beta with affine).
//   dxhat = dy (.* gamma);  dx = (dxhat - mean(dxhat) - xhat .* mean(dxhat .* xhat)) /
//   sqrt(var+eps) dgamma = sum over batch and positions of dy .* xhat, dbeta = sum of dy.
#include <vector>

#include "lnslab/nn/layer.hpp"

namespace lnslab::nn {

template <typename T>
class LayerNorm final : public Layer<T> {
 public:
  LayerNorm(int dim, bool affine = false, int positions = 1, double eps = 1e-5);
  std::string describe() const override;
  void declare(ParamStore<T>& store, const std::string& prefix) override;
  void bind(ParamStore<T>& store) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;

 private:
  int dim_, positions_;
  bool affine_;
  T eps_;
  int scale_id_ = -1, shift_id_ = -1;
  T *scale_ = nullptr, *gscale_ = nullptr, *shift_ = nullptr, *gshift_ = nullptr;
  Matrix<T> xhat_;          // [batch * positions, dim] of the last forward
  std::vector<T> inv_std_;  // [batch * positions]
};

extern template class LayerNorm<float>;
extern template class LayerNorm<double>;

}  // namespace lnslab::nn
