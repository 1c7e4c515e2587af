#include "lnslab/nn/network.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "lnslab/nn/activations.hpp"
#include "lnslab/nn/batchnorm.hpp"
#include "lnslab/nn/linear.hpp"

namespace lnslab::nn {

template <typename T>
Network<T>::Network(Shape input, std::vector<LayerPtr<T>> layers, std::vector<std::string> names)
    : input_(input),
      layers_(std::move(layers)),
      names_(std::move(names)),
      store_(std::make_unique<ParamStore<T>>()) {
  if (layers_.empty()) throw std::invalid_argument("Network: no layers");
  if (names_.size() != layers_.size()) throw std::invalid_argument("Network: one name per layer");
  Shape shape = input_;
  first_with_params_ = layers_.size();
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    if (layers_[i]->input_shape().size() != shape.size())
      throw std::invalid_argument("Network: layer " + std::to_string(i) + " expects " +
                                  layers_[i]->input_shape().str() + ", gets " + shape.str());
    shape = layers_[i]->output_shape();
    const std::size_t declared = store_->infos().size();
    layers_[i]->declare(*store_, names_[i]);
    if (store_->infos().size() > declared && first_with_params_ == layers_.size())
      first_with_params_ = i;
  }
  store_->finalize();
  for (auto& layer : layers_) layer->bind(*store_);
  outputs_.resize(layers_.size());
  gradients_.resize(2);
}

template <typename T>
Shape Network<T>::output_shape() const {
  return layers_.back()->output_shape();
}

template <typename T>
void Network<T>::set_backend(MatmulBackend<T>& backend) {
  for (auto& layer : layers_) layer->set_backend(backend);
}

template <typename T>
const Matrix<T>& Network<T>::forward(const Matrix<T>& x, Mode mode) {
  if (x.cols() != input_.size())
    throw std::invalid_argument("Network::forward: input has " + std::to_string(x.cols()) +
                                " features, expected " + std::to_string(input_.size()));
  input_copy_ = x;
  const Matrix<T>* in = &input_copy_;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->forward(*in, outputs_[i], mode);
    in = &outputs_[i];
  }
  return outputs_.back();
}

template <typename T>
void Network<T>::backward_impl(const Matrix<T>& dlogits, Matrix<T>* dx) {
  // gradients_[0/1] alternate as dy and dx of consecutive layers.
  // Without a requested input gradient, nothing below the first layer with parameters needs
  // one: that layer skips its dX product (for the MLP, 128 x 784 x 256 after a Flatten).
  const Matrix<T>* dy = &dlogits;
  for (std::size_t j = layers_.size(); j-- > 0;) {
    if (dx == nullptr && j < first_with_params_) break;
    const Matrix<T>& x = j == 0 ? input_copy_ : outputs_[j - 1];
    Matrix<T>* out = nullptr;
    if (j == 0) {
      out = dx;
    } else if (dx != nullptr || j > first_with_params_) {
      out = &gradients_[j % 2];
    }
    layers_[j]->backward(x, outputs_[j], *dy, out);
    dy = out;
  }
}

template <typename T>
void Network<T>::backward(const Matrix<T>& dlogits) {
  backward_impl(dlogits, nullptr);
}

template <typename T>
void Network<T>::backward(const Matrix<T>& dlogits, Matrix<T>& dx) {
  backward_impl(dlogits, &dx);
}

template <typename T>
std::string Network<T>::summary() const {
  std::string text = fmt::format("input {}\n", input_.str());
  for (std::size_t i = 0; i < layers_.size(); ++i)
    text += fmt::format("  {:<8} {}\n", names_[i], layers_[i]->describe());
  text += fmt::format("parameters: {} trainable ({} values in the buffer)\n",
                      store_->trainable_size(), store_->total_size());
  return text;
}

template <typename T>
NetworkBuilder<T>& NetworkBuilder<T>::add(LayerPtr<T> layer, const std::string& kind) {
  current_ = layer->output_shape();
  layers_.push_back(std::move(layer));
  names_.push_back(kind + std::to_string(++counter_));
  return *this;
}

template <typename T>
NetworkBuilder<T>& NetworkBuilder<T>::linear(int out, bool bias) {
  return add(std::make_unique<Linear<T>>(current_.size(), out, bias), "fc");
}

template <typename T>
NetworkBuilder<T>& NetworkBuilder<T>::conv2d(Conv2dSpec spec) {
  return add(std::make_unique<Conv2d<T>>(current_, spec), "conv");
}

template <typename T>
NetworkBuilder<T>& NetworkBuilder<T>::maxpool(int kernel, int stride) {
  return add(std::make_unique<MaxPool2d<T>>(current_, kernel, stride), "pool");
}

template <typename T>
NetworkBuilder<T>& NetworkBuilder<T>::relu() {
  return add(std::make_unique<ReLU<T>>(current_), "relu");
}

template <typename T>
NetworkBuilder<T>& NetworkBuilder<T>::flatten() {
  return add(std::make_unique<Flatten<T>>(current_), "flatten");
}

template <typename T>
NetworkBuilder<T>& NetworkBuilder<T>::batchnorm(bool affine) {
  return add(std::make_unique<BatchNorm<T>>(current_, affine), "bn");
}

template <typename T>
Network<T> NetworkBuilder<T>::build() {
  return Network<T>(input_, std::move(layers_), std::move(names_));
}

template class Network<float>;
template class Network<double>;
template class NetworkBuilder<float>;
template class NetworkBuilder<double>;

}  // namespace lnslab::nn
