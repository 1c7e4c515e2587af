#pragma once
// Fully connected layer: y = x W^T + b (PyTorch layout).
//   x: [batch, in]   W: [out, in]   b: [out]   y: [batch, out]
//   dW = dy^T x      db = sum over batch of dy      dx = dy W
// With `positions` > 1 the same weights apply at every position of a sequence (sequence.hpp):
//   x: [batch, positions * in] -> y: [batch, positions * out], i.e. the products above on the
//   [batch * positions, in] view of x.
#include "lnslab/nn/layer.hpp"

namespace lnslab::nn {

template <typename T>
class Linear final : public Layer<T> {
 public:
  Linear(int in, int out, bool bias = true, int positions = 1);
  std::string describe() const override;
  void declare(ParamStore<T>& store, const std::string& prefix) override;
  void bind(ParamStore<T>& store) override;
  void set_backend(MatmulBackend<T>& backend) override { backend_ = &backend; }
  int in_features() const { return in_; }
  int out_features() const { return out_; }
  int positions() const { return positions_; }
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;

 private:
  int in_, out_, positions_;
  bool has_bias_;
  int weight_id_ = -1, bias_id_ = -1;
  T* w_ = nullptr;
  T* gw_ = nullptr;
  T* b_ = nullptr;
  T* gb_ = nullptr;
  MatmulBackend<T>* backend_;
};

extern template class Linear<float>;
extern template class Linear<double>;

}  // namespace lnslab::nn
