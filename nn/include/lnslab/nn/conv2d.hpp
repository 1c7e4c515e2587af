#pragma once
// 2-D convolution by im2col (cross-correlation, as in PyTorch), square kernel, stride, zero
// padding.
//   x: [batch, C*H*W]   W: [Cout, C*k*k]   b: [Cout]   y: [batch, Cout*Ho*Wo]
//   Ho = (H + 2 pad - k) / stride + 1 (likewise Wo)
//   cols: [batch*Ho*Wo, C*k*k] (one patch per row, column index (c*k + ky)*k + kx)
//   forward: yr = cols W^T: [batch*Ho*Wo, Cout], then y[b, co*Ho*Wo + p] = yr[b*Ho*Wo + p, co] +
//   b[co] backward: dW = dyr^T cols, db = column sums of dyr, dcols = dyr W, dx = col2im(dcols)
#include "lnslab/nn/layer.hpp"

namespace lnslab::nn {

struct Conv2dSpec {
  int out_channels = 1;
  int kernel = 3;
  int stride = 1;
  int padding = 0;
  bool bias = true;
};

template <typename T>
class Conv2d final : public Layer<T> {
 public:
  Conv2d(Shape in, Conv2dSpec spec);
  static Shape output_shape_for(Shape in, const Conv2dSpec& spec);
  const Conv2dSpec& spec() const { return spec_; }
  std::string describe() const override;
  void declare(ParamStore<T>& store, const std::string& prefix) override;
  void bind(ParamStore<T>& store) override;
  void set_backend(MatmulBackend<T>& backend) override { backend_ = &backend; }
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;

 private:
  void im2col(const Matrix<T>& x, Matrix<T>& cols) const;
  void col2im(const Matrix<T>& dcols, Matrix<T>& dx) const;

  Conv2dSpec spec_;
  int patch_;  // C*k*k
  int weight_id_ = -1, bias_id_ = -1;
  T* w_ = nullptr;
  T* gw_ = nullptr;
  T* b_ = nullptr;
  T* gb_ = nullptr;
  MatmulBackend<T>* backend_;
  Matrix<T> cols_;  // cached by forward: [batch*Ho*Wo, C*k*k]
  Matrix<T> rows_;  // scratch: [batch*Ho*Wo, Cout]
  Matrix<T> dcols_;
};

extern template class Conv2d<float>;
extern template class Conv2d<double>;

}  // namespace lnslab::nn
