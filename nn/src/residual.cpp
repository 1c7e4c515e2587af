#include "lnslab/nn/residual.hpp"

#include <stdexcept>

namespace lnslab::nn {

namespace {
template <typename T>
Shape checked_shape(const std::vector<LayerPtr<T>>& layers, const std::vector<std::string>& names) {
  if (layers.empty()) throw std::invalid_argument("Residual: no layers");
  if (names.size() != layers.size()) throw std::invalid_argument("Residual: one name per layer");
  Shape shape = layers.front()->input_shape();
  for (const auto& l : layers) {
    if (l->input_shape().size() != shape.size())
      throw std::invalid_argument("Residual: layer " + l->describe() + " expects " +
                                  l->input_shape().str() + ", gets " + shape.str());
    shape = l->output_shape();
  }
  if (shape.size() != layers.front()->input_shape().size())
    throw std::invalid_argument("Residual: the stack maps " + layers.front()->input_shape().str() +
                                " to " + shape.str() + " (expected the same shape)");
  return layers.front()->input_shape();
}
}  // namespace

template <typename T>
Residual<T>::Residual(std::vector<LayerPtr<T>> layers, std::vector<std::string> names)
    : Layer<T>(checked_shape(layers, names), checked_shape(layers, names)),
      layers_(std::move(layers)),
      names_(std::move(names)),
      outputs_(layers_.size()) {}

template <typename T>
std::string Residual<T>::describe() const {
  std::string text = "Residual(x + ";
  for (std::size_t i = 0; i < layers_.size(); ++i)
    text += (i ? " -> " : "") + layers_[i]->describe();
  return text + ")";
}

template <typename T>
void Residual<T>::declare(ParamStore<T>& store, const std::string& prefix) {
  for (std::size_t i = 0; i < layers_.size(); ++i)
    layers_[i]->declare(store, prefix + "." + names_[i]);
}

template <typename T>
void Residual<T>::bind(ParamStore<T>& store) {
  for (auto& l : layers_) l->bind(store);
}

template <typename T>
void Residual<T>::set_backend(MatmulBackend<T>& backend) {
  for (auto& l : layers_) l->set_backend(backend);
}

template <typename T>
void Residual<T>::forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) {
  const Matrix<T>* in = &x;
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->forward(*in, outputs_[i], mode);
    in = &outputs_[i];
  }
  y = x + outputs_.back();
}

template <typename T>
void Residual<T>::backward(const Matrix<T>& x, const Matrix<T>& /*y*/, const Matrix<T>& dy,
                           Matrix<T>* dx) {
  // The stack's input gradient is always needed: it joins the identity path's dy.
  const Matrix<T>* g = &dy;
  for (std::size_t j = layers_.size(); j-- > 0;) {
    Matrix<T>& out = g == &grad_a_ ? grad_b_ : grad_a_;
    layers_[j]->backward(j == 0 ? x : outputs_[j - 1], outputs_[j], *g, &out);
    g = &out;
  }
  if (dx != nullptr) *dx = dy + *g;
}

template class Residual<float>;
template class Residual<double>;

}  // namespace lnslab::nn
