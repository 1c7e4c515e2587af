#pragma once
// The layer interface: paired forward/backward over row-major batches (see tensor.hpp).
//
// Contract:
//   forward(x, y, mode)       x: [batch, in_shape.size()]  ->  y: [batch, out_shape.size()]
//                             (y is resized by the layer; train mode may cache what backward needs)
//   backward(x, y, dy, dx)    the x and y of the last forward, dy = dL/dy: [batch, out];
//                             writes dL/dparams into the gradient buffer (overwriting) and, when
//                             dx is not null, dx = dL/dx: [batch, in].
// Parameters are declared into a ParamStore (declare) and, once the store is allocated, bound as
// views into its flat buffers (bind).
#include <memory>
#include <string>

#include "lnslab/nn/matmul.hpp"
#include "lnslab/nn/params.hpp"
#include "lnslab/nn/tensor.hpp"

namespace lnslab::nn {

template <typename T>
class Layer {
 public:
  Layer(Shape in, Shape out) : in_(in), out_(out) {}
  virtual ~Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;

  /// Short description, e.g. "Linear(784 -> 256, bias)".
  virtual std::string describe() const = 0;
  Shape input_shape() const { return in_; }
  Shape output_shape() const { return out_; }

  /// Declares this layer's tensors, named "<prefix>.<tensor>".
  virtual void declare(ParamStore<T>& /*store*/, const std::string& /*prefix*/) {}
  /// Takes views of the declared tensors (the store is finalized).
  virtual void bind(ParamStore<T>& /*store*/) {}
  /// Layers with matrix products use this backend (default: EigenMatmul).
  virtual void set_backend(MatmulBackend<T>& /*backend*/) {}

  virtual void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) = 0;
  virtual void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                        Matrix<T>* dx) = 0;

 private:
  Shape in_;
  Shape out_;
};

template <typename T>
using LayerPtr = std::unique_ptr<Layer<T>>;

}  // namespace lnslab::nn
