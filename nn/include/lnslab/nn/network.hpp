#pragma once
// A sequential network: a stack of layers over one ParamStore, built with NetworkBuilder.
//
//   NetworkBuilder<float> b(Shape{1, 28, 28});
//   b.conv2d({8, 5, 1, 2}).relu().maxpool(2).flatten().linear(10);
//   Network<float> net = b.build();
#include <memory>
#include <string>
#include <vector>

#include "lnslab/nn/conv2d.hpp"
#include "lnslab/nn/layer.hpp"
#include "lnslab/nn/params.hpp"

namespace lnslab::nn {

template <typename T>
class Network {
 public:
  /// Declares every layer's tensors as "<index>.<kind>.<tensor>" ... see NetworkBuilder, allocates
  /// the store and binds the layers.
  Network(Shape input, std::vector<LayerPtr<T>> layers, std::vector<std::string> names);
  Network(Network&&) noexcept = default;
  Network& operator=(Network&&) noexcept = default;

  Shape input_shape() const { return input_; }
  Shape output_shape() const;
  std::size_t layer_count() const { return layers_.size(); }
  const Layer<T>& layer(std::size_t i) const { return *layers_.at(i); }
  /// The name its tensors are declared under (e.g. "fc1", "block1.attn").
  const std::string& layer_name(std::size_t i) const { return names_.at(i); }
  ParamStore<T>& params() { return *store_; }
  const ParamStore<T>& params() const { return *store_; }
  /// Routes every matrix product through `backend` (must outlive the network).
  void set_backend(MatmulBackend<T>& backend);

  /// x: [batch, input.size()] -> logits [batch, output.size()] (a reference into the network).
  const Matrix<T>& forward(const Matrix<T>& x, Mode mode);
  /// dlogits: [batch, output.size()]; fills the gradient buffer of the store. Needs the forward
  /// of the same batch just before. The input gradient is not computed.
  void backward(const Matrix<T>& dlogits);
  /// Like backward but also returns dL/dx: [batch, input.size()] (for gradient checks).
  void backward(const Matrix<T>& dlogits, Matrix<T>& dx);

  /// The output of layer i in the last forward pass: [batch, layer(i).output_shape().size()]
  /// (e.g. a classifier's penultimate features).
  const Matrix<T>& layer_output(std::size_t i) const { return outputs_.at(i); }

  /// One line per layer plus the parameter count.
  std::string summary() const;

 private:
  void backward_impl(const Matrix<T>& dlogits, Matrix<T>* dx);

  Shape input_;
  std::vector<LayerPtr<T>> layers_;
  std::vector<std::string> names_;
  std::unique_ptr<ParamStore<T>> store_;
  Matrix<T> input_copy_;
  std::vector<Matrix<T>> outputs_;     // outputs_[i]: output of layer i
  std::vector<Matrix<T>> gradients_;   // scratch for dL/d(activation)
  std::size_t first_with_params_ = 0;  // first layer that declares parameters (size(): none)
};

template <typename T>
class NetworkBuilder {
 public:
  explicit NetworkBuilder(Shape input) : input_(input), current_(input) {}
  Shape current_shape() const { return current_; }

  NetworkBuilder& linear(int out, bool bias = true);
  NetworkBuilder& conv2d(Conv2dSpec spec);
  NetworkBuilder& maxpool(int kernel, int stride = 0);
  NetworkBuilder& relu();
  NetworkBuilder& flatten();
  NetworkBuilder& batchnorm(bool affine);
  /// Appends any layer (its input shape must be current_shape()), named "<kind><n>".
  NetworkBuilder& layer(LayerPtr<T> layer, const std::string& kind) {
    return add(std::move(layer), kind);
  }
  Network<T> build();

 private:
  NetworkBuilder& add(LayerPtr<T> layer, const std::string& kind);
  Shape input_;
  Shape current_;
  std::vector<LayerPtr<T>> layers_;
  std::vector<std::string> names_;
  int counter_ = 0;
};

extern template class Network<float>;
extern template class Network<double>;
extern template class NetworkBuilder<float>;
extern template class NetworkBuilder<double>;

}  // namespace lnslab::nn
