#pragma once
// The one interface every matrix product of Linear, Conv2d and the attention goes through.
//
// fp32 and lns-weights training use EigenMatmul. The `lns-full` numerics mode plugs in LnsMatmul
// (lns_matmul.hpp): it encodes both operands to LNS formats chosen by the role (weights,
// activations, activation gradients) and runs the simulated accelerator's GEMM on its
// accumulation datapath, counting cycles and energy.
#include <Eigen/Core>
#include <string>

#include "lnslab/nn/tensor.hpp"

namespace lnslab::nn {

/// Which product of training a gemm call is (the lns-full backend picks operand formats by it).
enum class GemmRole {
  forward,          ///< activations x weights^T
  backward_data,    ///< activation gradients x weights
  backward_weight,  ///< activation gradients^T x activations
  // The attention's products of two activations (attention.hpp), named by their operands:
  activation_activation,  ///< activations x activations: Q K^T, P V (forward)
  gradient_activation,    ///< activation gradients x activations: dO V^T, dS K, dS^T Q
  activation_gradient,    ///< activations x activation gradients: P^T dO
};

template <typename T>
class MatmulBackend {
 public:
  using In = Eigen::Ref<const Matrix<T>>;
  using Out = Eigen::Ref<Matrix<T>>;

  virtual ~MatmulBackend() = default;
  virtual std::string name() const = 0;
  /// c = op(a) * op(b), op(x) = x^T when the flag is set. c must already have the result's shape
  /// [rows of op(a), cols of op(b)]; it is overwritten.
  virtual void gemm(GemmRole role, const In& a, bool transpose_a, const In& b, bool transpose_b,
                    Out c) = 0;
};

/// Plain Eigen products (single-threaded: lnslab does not build Eigen with OpenMP).
template <typename T>
class EigenMatmul final : public MatmulBackend<T> {
 public:
  using typename MatmulBackend<T>::In;
  using typename MatmulBackend<T>::Out;
  std::string name() const override { return "eigen"; }
  void gemm(GemmRole role, const In& a, bool transpose_a, const In& b, bool transpose_b,
            Out c) override;
};

/// The process-wide Eigen backend used when a layer is given no other.
template <typename T>
MatmulBackend<T>& default_matmul();

extern template class EigenMatmul<float>;
extern template class EigenMatmul<double>;

}  // namespace lnslab::nn
