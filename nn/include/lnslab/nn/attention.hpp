#pragma once
// Causal multi-head self-attention (the parameter-free core; the Q/K/V and output projections are
// per-position Linear layers around it, see transformer.hpp).
//   x: [batch, positions * 3 dim], each position's row holding q | k | v (dim each, head h at
//      columns h*dh .. h*dh + dh of each, dh = dim / heads)
//   y: [batch, positions * dim], head h at columns h*dh .. of each position
// Per sample and head, with Q, K, V: [positions, dh]:
//   S = Q K^T / sqrt(dh), S[i][j] = -inf for j > i (a position sees itself and earlier ones),
//   P = softmax of each row of S, O = P V.
// Backward: dP = dO V^T, dV = P^T dO, dS = P .* (dP - rowsum(dP .* P)) / sqrt(dh),
//   dQ = dS K, dK = dS^T Q.
// Every product goes through the MatmulBackend with the activation-by-activation GemmRoles, so
// lns-full runs them on the simulated accelerator.
#include <vector>

#include "lnslab/nn/layer.hpp"

namespace lnslab::nn {

template <typename T>
class CausalSelfAttention final : public Layer<T> {
 public:
  CausalSelfAttention(int positions, int dim, int heads);
  std::string describe() const override;
  void set_backend(MatmulBackend<T>& backend) override { backend_ = &backend; }
  void forward(const Matrix<T>& x, Matrix<T>& y, Mode mode) override;
  void backward(const Matrix<T>& x, const Matrix<T>& y, const Matrix<T>& dy,
                Matrix<T>* dx) override;
  int positions() const { return positions_; }
  int dim() const { return dim_; }
  int heads() const { return heads_; }

 private:
  int positions_, dim_, heads_, head_dim_;
  MatmulBackend<T>* backend_;
  std::vector<Matrix<T>> probs_;  // [batch * heads] of [positions, positions]: P of the forward
  Matrix<T> scratch_, dscores_;
};

extern template class CausalSelfAttention<float>;
extern template class CausalSelfAttention<double>;

}  // namespace lnslab::nn
