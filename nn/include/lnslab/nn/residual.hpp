#pragma once
// A residual block: y = x + f(x), f a stack of layers whose output shape is its input shape
// (pre-norm transformer blocks: LayerNorm -> attention, LayerNorm -> MLP).
//   dx = dy + (the stack's backward of dy)
// The stack's tensors are named "<prefix>.<layer name>.<tensor>".
#include <string>
#include <vector>

#include "lnslab/nn/layer.hpp"

namespace lnslab::nn {

template <typename T>
class Residual final : public Layer<T> {
 public:
  Residual(std::vector<LayerPtr<T>> layers, std::vector<std::string> names);
  std::string describe() const override;
  void declare(ParamStore<T>& store, const std::string& prefix) override;
  void bind(ParamStore<T>& store) override;
  void set_backend(MatmulBackend<T>& backend) override;
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;

  std::size_t size() const { return layers_.size(); }
  const Layer<T>& layer(std::size_t i) const { return *layers_.at(i); }
  const std::string& name(std::size_t i) const { return names_.at(i); }

 private:
  std::vector<LayerPtr<T>> layers_;
  std::vector<std::string> names_;
  std::vector<Matrix<T>> outputs_;  // outputs_[i]: output of layer i in the last forward
  Matrix<T> grad_a_, grad_b_;
};

extern template class Residual<float>;
extern template class Residual<double>;

}  // namespace lnslab::nn
